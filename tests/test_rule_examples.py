"""Every rule's own examples hold, and every rule is documented well enough to teach.

Like proselint's examples: each rule carries notes it must flag and notes it must leave alone,
and each becomes its own test, named after the rule, so a regression names the rule it broke.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import connectwell as cw
from connectwell.rules import RULES


def _examples(kind: str) -> list[Any]:
    return [
        pytest.param(rule.name, example, id=f"{rule.name}-{i}")
        for rule in RULES.values()
        for i, example in enumerate(getattr(rule, kind))
    ]


def _note(example: Any) -> str:
    return example if isinstance(example, str) else example.get("message", "")


@pytest.mark.parametrize(("name", "example"), _examples("must_fail"))
def test_must_fail_examples_fail(name: str, example: Any) -> None:
    finding = cw.check(example)[name]
    assert finding.verdict == "fail", (
        f"{name} said {finding.verdict}: {finding.message}\n  note: {_note(example)!r}"
    )
    assert finding.hint, f"{name} failed without saying how to fix it"


@pytest.mark.parametrize(("name", "example"), _examples("must_pass"))
def test_must_pass_examples_pass(name: str, example: Any) -> None:
    # "pass", not merely "not fail": a rule that said n/a to everything would pass otherwise.
    finding = cw.check(example)[name]
    assert finding.verdict == "pass", (
        f"{name} said {finding.verdict}: {finding.message}\n  note: {_note(example)!r}"
    )


@pytest.mark.parametrize(("name", "example"), _examples("not_applicable"))
def test_not_applicable_examples_are_not_applicable(name: str, example: Any) -> None:
    finding = cw.check(example)[name]
    assert finding.verdict == "n/a", (
        f"{name} said {finding.verdict}: {finding.message}\n  note: {_note(example)!r}"
    )


@pytest.mark.parametrize(
    ("name", "example"),
    _examples("must_fail") + _examples("must_pass") + _examples("not_applicable"),
)
def test_calling_the_rule_alone_agrees_with_check(name: str, example: Any) -> None:
    # rule(scenario) is what the course shows learners; it must say what check() says.
    alone = RULES[name](example)
    assert (alone.verdict, alone.message) == (
        cw.check(example)[name].verdict,
        cw.check(example)[name].message,
    )


RULE_IDS = [pytest.param(rule, id=rule.name) for rule in RULES.values()]


@pytest.mark.parametrize("rule", RULE_IDS)
def test_a_rule_is_documented(rule) -> None:
    assert re.fullmatch(r"CW\d{3}", rule.code), rule.code
    assert re.fullmatch(r"[a-z]+(?:-[a-z]+)*", rule.name), f"{rule.name} is not kebab-case"
    for part in ("guideline", "why", "fix"):
        assert getattr(rule, part).strip(), f"{rule.name} has no {part}"
    assert len(rule.must_fail) >= 2, f"{rule.name} needs at least 2 must-fail examples"
    assert len(rule.must_pass) >= 2, f"{rule.name} needs at least 2 must-pass examples"
    doc = rule.doc()
    assert doc.startswith(f"{rule.code} {rule.name}") and rule.guideline in doc and rule.fix in doc


def test_codes_and_names_are_unique_and_the_registry_is_keyed_by_name() -> None:
    rules = list(RULES.values())
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)
    assert all(key == rule.name for key, rule in RULES.items())
    assert [r.code for r in rules] == sorted(r.code for r in rules)


def test_the_ten_rules_of_the_course() -> None:
    assert {rule.code: rule.name for rule in RULES.values()} == {
        "CW001": "not-blank",
        "CW002": "personalised",
        "CW003": "motive-upfront",
        "CW004": "has-reason",
        "CW005": "explains-fit",
        "CW006": "not-canned",
        "CW007": "no-scam",
        "CW008": "fits-limit",
        "CW009": "prompt-reply",
        "CW010": "one-follow-up",
    }


def _all_examples() -> list[Any]:
    return [
        pytest.param(example, id=f"{rule.name}-{kind}-{i}")
        for rule in RULES.values()
        for kind in ("must_fail", "must_pass")
        for i, example in enumerate(getattr(rule, kind))
    ]


@pytest.mark.parametrize("example", _all_examples())
def test_every_failing_finding_has_a_hint_and_no_other_does(example: Any) -> None:
    # Across all rules, on every example: a learner who fails is always told what to do.
    for finding in cw.check(example):
        if finding.verdict == "fail":
            assert finding.hint.strip(), f"{finding.rule} failed without a hint"
        else:
            assert finding.hint == "", f"{finding.rule} {finding.verdict} carries a hint"
        assert finding.message.strip(), f"{finding.rule} gave no message"
