"""How often each rule agrees with people's labels on whole scenarios.

Labelled sets, one JSON object a line: {"id", "scenario", "expect": {rule: verdict}, "why"}.
Rules a case does not list in "expect" are not scored on it.

  corpus       tests/corpus/scenarios.jsonl, in the repository
  calibration  /work/shared/calibration/cases.jsonl (../shared from the repository root),
               outside the repository: skipped, naming the path, when it is not there
  causes       causes.jsonl beside it, the same way
  holdout, fresh, tune3, blind2   more labelled sets in tests/corpus/

Each rule must agree on at least 95% of the cases that label it; a failure lists the cases it
got wrong. The per-rule table is printed after the results on every run (see conftest.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import connectwell as cw
from connectwell.scenario import ScenarioError, parse_scenario

ROOT = Path(__file__).resolve().parents[1]
SOURCES: dict[str, Path] = {
    "corpus": ROOT / "tests" / "corpus" / "scenarios.jsonl",
    # Written by a second labeller and first scored blind (see the closing note of issue 2);
    # kept as a regression set since.
    "holdout": ROOT / "tests" / "corpus" / "holdout.jsonl",
    "calibration": ROOT.parent / "shared" / "calibration" / "cases.jsonl",
    # One or two cases for each cause of issue 12 (reasons as questions, openings without a
    # greeting, sparse context, placeholders, observation plus compliment...).
    "causes": ROOT.parent / "shared" / "calibration" / "causes.jsonl",
    # 170 scenarios written to the standard by a writer who never saw the rules, one cause of
    # issue 12 per block; a third of it was kept blind until the rules met the rest
    # (benchmarks/agreement.py).
    "fresh": ROOT / "tests" / "corpus" / "fresh.jsonl",
    # Written the same way, then measured before the rules were tuned on them. blind3a and
    # blind3b are kept out of every test: they stay blind (benchmarks/agreement.py).
    "tune3": ROOT / "tests" / "corpus" / "tune3.jsonl",
    "blind2": ROOT / "tests" / "corpus" / "blind2.jsonl",
    # Good notes in unusual styles (short forms, their own place or project named, favours
    # asked in other words), measured on arrival and then tuned on. blind4 and later sets
    # stay out of every test until they are spent.
    "tune5": ROOT / "tests" / "corpus" / "tune5.jsonl",
    # Blind until measured twice (96.3% on arrival, 96.5% after the tune5 round), then tuned on.
    "blind4": ROOT / "tests" / "corpus" / "blind4.jsonl",
    # Follow-up threads for one-follow-up, written by a helper who never saw the rule and
    # measured on arrival (with followup_b, which stays out of the tests): 96.7%, no good
    # follow-up failed.
    "followup_a": ROOT / "tests" / "corpus" / "followup_a.jsonl",
}
THRESHOLD = 0.95
MIN_CORPUS = 150
VERDICTS = ("pass", "fail", "n/a")


@dataclass(frozen=True)
class Case:
    id: str
    scenario: Any
    expect: dict[str, str]
    why: str
    line: int


@dataclass
class Tally:
    """One rule on one labelled set."""

    rule: str
    n: int = 0
    agree: int = 0
    false_fails: int = 0  # the rule failed a note people did not fail
    false_passes: int = 0  # people failed a note the rule let through
    other: int = 0  # pass where people said n/a, or the other way round
    wrong: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.agree / self.n if self.n else 1.0


def read_cases(path: Path) -> list[Case]:
    """The cases in a JSON Lines file; a malformed line fails with the file and line."""
    cases = []
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            pytest.fail(f"{path}, line {n}: not valid JSON ({exc.msg})")
        if not isinstance(raw, dict) or not {"id", "scenario", "expect"} <= set(raw):
            pytest.fail(f"{path}, line {n}: expected an object with id, scenario, expect and why")
        cases.append(Case(str(raw["id"]), raw["scenario"], raw["expect"], raw.get("why", ""), n))
    return cases


def load(source: str) -> list[Case]:
    path = SOURCES[source]
    if not path.is_file():
        if source in ("calibration", "causes"):
            pytest.skip(f"no calibration set at {path} (it lives outside the repository)")
        pytest.fail(f"{path} is missing: the labelled corpus belongs in the repository")
    return _load(source)


@cache
def _load(source: str) -> list[Case]:
    return read_cases(SOURCES[source])


@cache
def _tally(source: str) -> tuple[dict[str, Tally], tuple[str, ...]]:
    """Per-rule tallies, and the ids of cases that could not be checked at all."""
    tallies = {name: Tally(name) for name in cw.RULES}
    unreadable = []
    for case in _load(source):
        try:
            report = cw.check(case.scenario)
        except ScenarioError:
            unreadable.append(case.id)
            continue
        note = " ".join(report.message.split())
        for rule, expected in case.expect.items():
            if rule not in tallies:
                continue  # an unknown rule name is reported by test_labels_name_rules_and_verdicts
            finding = report[rule]
            t = tallies[rule]
            t.n += 1
            if finding.verdict == expected:
                t.agree += 1
                continue
            if finding.verdict == "fail":
                t.false_fails += 1
            elif expected == "fail":
                t.false_passes += 1
            else:
                t.other += 1
            t.wrong.append(
                f"{case.id}: expected {expected}, got {finding.verdict}: {finding.message}"
                f"\n      note: {note[:100]!r}"
            )
    return tallies, tuple(unreadable)


def tally(source: str) -> tuple[dict[str, Tally], tuple[str, ...]]:
    load(source)  # skips or fails first when the file is not there
    return _tally(source)


def table(source: str) -> list[str]:
    tallies, unreadable = tally(source)
    lines = [
        f"  {'rule':16} {'n':>5} {'agree':>7} {'false fails':>12} {'false passes':>13} {'other':>6}"
    ]
    total = Tally("all")
    for t in tallies.values():
        lines.append(
            f"  {t.rule:16} {t.n:5d} {t.rate:7.1%} {t.false_fails:12d} {t.false_passes:13d} {t.other:6d}"
        )
        for attr in ("n", "agree", "false_fails", "false_passes", "other"):
            setattr(total, attr, getattr(total, attr) + getattr(t, attr))
    lines.append(
        f"  {'all':16} {total.n:5d} {total.rate:7.1%} {total.false_fails:12d} "
        f"{total.false_passes:13d} {total.other:6d}"
    )
    if unreadable:
        lines.append(f"  not checked (ScenarioError): {', '.join(unreadable)}")
    for t in tallies.values():
        if t.wrong:
            lines.append(f"  {t.rule} disagrees on: {', '.join(w.split(':')[0] for w in t.wrong)}")
    return lines


# ---------------------------------------------------------------- the labelled sets themselves


@pytest.mark.parametrize("source", SOURCES)
def test_ids_are_unique(source: str) -> None:
    ids = [case.id for case in load(source)]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"{SOURCES[source]}: duplicate ids {', '.join(duplicates)}"


@pytest.mark.parametrize("source", SOURCES)
def test_every_scenario_parses(source: str) -> None:
    problems = []
    for case in load(source):
        try:
            parse_scenario(case.scenario)
        except ScenarioError as exc:
            problems.append(f"{case.id} (line {case.line}): {exc}")
    assert not problems, f"{SOURCES[source]}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("source", SOURCES)
def test_labels_name_rules_and_verdicts(source: str) -> None:
    problems = []
    for case in load(source):
        if not isinstance(case.expect, dict) or not case.expect:
            problems.append(f"{case.id}: expect must map rule names to verdicts")
            continue
        for rule, verdict in case.expect.items():
            if rule not in cw.RULES:
                problems.append(f"{case.id}: {rule!r} is not a rule name")
            if verdict not in VERDICTS:
                problems.append(f"{case.id}: {rule} expects {verdict!r}, not pass, fail or n/a")
    assert not problems, f"{SOURCES[source]}:\n  " + "\n  ".join(problems)


def test_the_corpus_is_big_enough() -> None:
    cases = load("corpus")
    assert len(cases) >= MIN_CORPUS, (
        f"{SOURCES['corpus']} holds {len(cases)} cases; {MIN_CORPUS} needed"
    )


# ---------------------------------------------------------------- agreement


@pytest.mark.parametrize("source", SOURCES)
def test_agreement_table(source: str, summary: Callable[[str, list[str]], None]) -> None:
    tallies, unreadable = tally(source)
    summary(f"agreement with {SOURCES[source]}", table(source))
    assert not unreadable, f"cases that are not valid scenarios: {', '.join(unreadable)}"
    assert any(t.n for t in tallies.values()), f"{SOURCES[source]} labels no rule at all"


@pytest.mark.parametrize("rule", list(cw.RULES))
@pytest.mark.parametrize("source", SOURCES)
def test_rule_agrees_with_labels(source: str, rule: str) -> None:
    tallies, _ = tally(source)
    t = tallies[rule]
    if not t.n:
        pytest.skip(f"{SOURCES[source]} labels no case for {rule}")
    assert t.rate >= THRESHOLD, (
        f"{rule} agrees with {t.agree} of {t.n} labels in {SOURCES[source]} ({t.rate:.1%}, "
        f"below {THRESHOLD:.0%}); {t.false_fails} false fails, {t.false_passes} false passes, "
        f"{t.other} other:\n  " + "\n  ".join(t.wrong)
    )
