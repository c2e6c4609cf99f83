"""The registry: every rule by name, in code order."""

from __future__ import annotations

from connectwell.rules import (
    explains_fit,
    fits_limit,
    has_reason,
    motive_upfront,
    no_scam,
    not_blank,
    not_canned,
    one_follow_up,
    personalised,
    prompt_reply,
)
from connectwell.rules.base import Outcome, Rule

RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in sorted(
        (
            not_blank.RULE,
            personalised.RULE,
            motive_upfront.RULE,
            has_reason.RULE,
            explains_fit.RULE,
            not_canned.RULE,
            no_scam.RULE,
            fits_limit.RULE,
            prompt_reply.RULE,
            one_follow_up.RULE,
        ),
        key=lambda r: r.code,
    )
}

__all__ = ["RULES", "Outcome", "Rule"]
