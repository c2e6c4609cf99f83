"""CW008 fits-limit: the note fits LinkedIn's invitation limit (200 free, 300 premium)."""

from __future__ import annotations

from connectwell.context import Context
from connectwell.rules.base import Outcome, Rule, to_priya


def run(ctx: Context) -> Outcome:
    s = ctx.scenario
    n, limit = len(s.message), s.limit
    if n > limit:
        return Outcome(
            "fail",
            f"The note is {n} characters; a {s.account} account allows {limit}, so {n - limit} won't fit.",
            hint=f"Cut {n - limit} characters: keep the reason and one specific detail, drop the warm-up.",
            span=(limit, n),
        )
    return Outcome("pass", f"{n} of {limit} characters ({s.account} account).")


_LONG = (
    "Hi Priya, I'd like to connect because your article on taming Kafka consumer lag describes exactly "
    "the backlog our Acme team fights every single Monday morning; could I ask how you sized the partitions?"
)
_SHORT = (
    "Hi Priya, your article on taming Kafka consumer lag describes the backlog our Acme team fights every "
    "Monday; could I ask how you sized the partitions?"
)

RULE = Rule(
    code="CW008",
    name="fits-limit",
    guideline="Keep the note within the invitation limit: 200 characters on a free account, 300 on premium.",
    why="LinkedIn will not send a longer note; whatever you cut in a hurry is usually the reason.",
    fix="Cut to the limit: the reason and one specific detail, nothing else.",
    run=run,
    lesson="04_personalised.ipynb",
    must_fail=(to_priya(_LONG), to_priya("x" * 201), to_priya("x" * 301, account="premium")),
    must_pass=(
        to_priya(_SHORT),
        to_priya(_LONG, account="premium"),
        to_priya("x" * 200),
        to_priya("x" * 300, account="premium"),
        to_priya(""),
    ),
)
