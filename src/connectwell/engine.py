"""check(scenario) -> Report: every rule, run once over one shared reading of the note."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from connectwell.context import Context, Options
from connectwell.report import Report
from connectwell.rules import RULES
from connectwell.scenario import parse_scenario

_DAY = timedelta(hours=24)
_DEFAULT_OPTIONS = Options(reply_window=_DAY)  # what _window(_DAY) gives, worked out once


def check(
    scenario: Any,
    *,
    reply_window: timedelta | float = _DAY,
    rules: list[str] | None = None,
) -> Report:
    """Check a note against every rule (or the named ones).

    scenario: a mapping, a Scenario, or a plain string (a bare note with no context).
    reply_window: how soon a reply counts as prompt (a timedelta, or hours as a number).
    """
    parsed = parse_scenario(scenario)
    options = (
        _DEFAULT_OPTIONS if reply_window is _DAY else Options(reply_window=_window(reply_window))
    )
    ctx = Context(parsed, options)
    if isinstance(rules, str):
        rules = [rules]
    if rules is not None and not rules:
        raise ValueError("rules: name at least one rule, or leave it out to run them all")
    selected = RULES.values() if rules is None else [_rule(name) for name in rules]
    return Report(parsed.message, tuple(rule.finding(ctx) for rule in selected), parsed.limit)


def _window(value: timedelta | float) -> timedelta:
    if isinstance(value, timedelta):
        hours = value.total_seconds() / 3600
    elif isinstance(value, int | float) and not isinstance(value, bool):
        hours = float(value)
    else:
        raise ValueError(f"reply_window: expected hours as a number or a timedelta, got {value!r}")
    if not hours > 0 or hours == float("inf"):
        raise ValueError(f"reply_window: must be a positive number of hours, got {value!r}")
    return timedelta(hours=hours)


def _rule(name: str):
    for rule in RULES.values():
        if name in (rule.name, rule.code):
            return rule
    raise KeyError(f"no rule named {name!r}; choose from {', '.join(RULES)}")
