"""check(): what it accepts, how options change verdicts, and the shape of every report."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

import connectwell as cw
from connectwell.rules import RULES
from connectwell.rules.base import JOB, to_priya
from connectwell.scenario import ScenarioError, parse_scenario

NOTE = "Hi Priya, Alex Chen suggested I ask you about Kafka consumer lag at Globex."
ANSWER = (
    "We're moving our Airflow jobs onto Kafka at Acme and your consumer-lag fix is what we need."
)
ASKED = datetime.fromisoformat("2026-03-02T09:00:00+00:00")


def answered_after(hours: float) -> dict[str, Any]:
    """Priya asks why; Sam answers with a reason `hours` later."""
    at = ASKED + timedelta(hours=hours)
    return to_priya(
        NOTE,
        thread=[
            {
                "from": "recipient",
                "at": ASKED.isoformat(),
                "text": "Why would you like to connect?",
            },
            {"from": "sender", "at": at.isoformat(), "text": ANSWER},
        ],
    )


def every_example() -> list[Any]:
    return [
        pytest.param(example, id=f"{rule.name}-{kind}-{i}")
        for rule in RULES.values()
        for kind in ("must_fail", "must_pass")
        for i, example in enumerate(getattr(rule, kind))
    ]


# ---------------------------------------------------------------- what check accepts


@pytest.mark.parametrize("note", ["Hi!", "Hi Priya, loved your Kafka article.", ""])
def test_a_string_a_mapping_and_a_scenario_give_the_same_report(note: str) -> None:
    reports = [
        cw.check(note),
        cw.check({"message": note}),
        cw.check(parse_scenario({"message": note})),
    ]
    assert reports[0] == reports[1] == reports[2]


def test_a_full_scenario_as_mapping_or_scenario_gives_the_same_report() -> None:
    data = to_priya(NOTE, purpose="job_offer", job=JOB)
    assert cw.check(data) == cw.check(parse_scenario(data))


@pytest.mark.parametrize(
    "bad", [None, 42, ["Hi"], {"mesage": "Hi"}, {"message": "Hi", "account": "gold"}]
)
def test_bad_input_is_a_scenario_error(bad: Any) -> None:
    with pytest.raises(ScenarioError):
        cw.check(bad)


# ---------------------------------------------------------------- reply window


def test_reply_window_decides_whether_a_30_hour_reply_is_prompt() -> None:
    # The same answer an hour after the question is the baseline: only the delay differs.
    prompt = cw.check(answered_after(1))["prompt-reply"]
    assert prompt.verdict == "pass", f"the baseline answer itself is rejected: {prompt.message}"
    late = answered_after(30)
    assert cw.check(late)["prompt-reply"].verdict == "fail"  # default window: 24 h
    assert cw.check(late, reply_window=24)["prompt-reply"].verdict == "fail"
    assert cw.check(late, reply_window=48)["prompt-reply"].verdict == "pass"
    assert cw.check(late, reply_window=timedelta(hours=48))["prompt-reply"].verdict == "pass"
    assert cw.check(late, reply_window=timedelta(days=1))["prompt-reply"].verdict == "fail"


@pytest.mark.parametrize(
    ("hours", "delta"), [(48, timedelta(hours=48)), (30.5, timedelta(hours=30.5))]
)
def test_reply_window_in_hours_equals_the_timedelta(hours: float, delta: timedelta) -> None:
    scenario = answered_after(30.25)
    assert cw.check(scenario, reply_window=hours) == cw.check(scenario, reply_window=delta)


def test_reply_window_changes_only_prompt_reply() -> None:
    late = answered_after(30)
    narrow, wide = cw.check(late, reply_window=24), cw.check(late, reply_window=48)
    for a, b in zip(narrow, wide, strict=True):
        if a.rule != "prompt-reply":
            assert a == b


# ---------------------------------------------------------------- selecting rules


def test_rules_selects_by_name_or_code() -> None:
    report = cw.check("Hi Priya!", rules=["personalised", "CW008"])
    assert {f.rule for f in report} == {"personalised", "fits-limit"}
    assert report["fits-limit"] == cw.check("Hi Priya!")["fits-limit"]


def test_an_unknown_rule_name_is_a_key_error_listing_the_names() -> None:
    with pytest.raises(KeyError) as info:
        cw.check("Hi", rules=["personalized"])
    message = info.value.args[0]
    assert "'personalized'" in message
    for name in RULES:
        assert name in message


# ---------------------------------------------------------------- every report


@pytest.mark.parametrize("example", every_example())
def test_every_report_lists_every_rule_in_code_order(example: Any) -> None:
    report = cw.check(example)
    assert [f.rule for f in report] == list(RULES)
    assert [f.code for f in report] == [f"CW{n:03d}" for n in range(1, len(RULES) + 1)]
    for finding in report:
        assert finding.code == RULES[finding.rule].code
        assert finding.verdict in ("pass", "fail", "n/a")


@pytest.mark.parametrize("example", every_example())
def test_spans_lie_within_the_message(example: Any) -> None:
    report = cw.check(example)
    for finding in report:
        if finding.span is not None:
            start, end = finding.span
            assert 0 <= start <= end <= len(report.message), (finding.rule, finding.span)


def test_report_carries_the_note_and_the_account_limit() -> None:
    free = cw.check(to_priya("Hi Priya"))
    premium = cw.check(to_priya("Hi Priya", account="premium"))
    assert (free.message, free.limit, premium.limit) == ("Hi Priya", 200, 300)


def test_a_single_rule_name_is_accepted_as_well_as_a_list() -> None:
    assert list(cw.check("Hi!", rules="not-blank").verdicts) == ["not-blank"]


def test_an_empty_rule_list_is_refused_rather_than_passing() -> None:
    with pytest.raises(ValueError, match="name at least one rule"):
        cw.check("Hi!", rules=[])


@pytest.mark.parametrize("window", ["1 day", float("nan"), None, -1, 0])
def test_a_bad_reply_window_gets_one_clear_line(window) -> None:
    with pytest.raises(ValueError, match=r"^reply_window: ") as info:
        cw.check("Hi!", reply_window=window)
    assert "\n" not in str(info.value)


def test_reports_are_the_same_whatever_the_hash_seed() -> None:
    """A learner sees the same verdicts and highlights every time they check a note: nothing
    may depend on Python's per-process hash seed (set and dict-of-set orders)."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    corpus = Path(__file__).parent / "corpus"
    script = (
        "import json, sys, connectwell as cw\n"
        "out = [cw.check({'message': m, 'recipient': {'name': n}}).to_dict() for n, m in [\n"
        "    ('Chen Jing', 'Hi Chen Jing, I would like to connect.'),\n"
        "    ('Robert Anne Smith', 'Dear Bob Smith - Robert, hello!'),\n"
        "    ('Elizabeth Taylor', 'Liz, Beth, Elizabeth Taylor: hi.')]]\n"
        "for name in ('scenarios.jsonl', 'holdout.jsonl'):\n"
        "    for line in open(sys.argv[1] + '/' + name, encoding='utf-8'):\n"
        "        out.append(cw.check(json.loads(line)['scenario']).to_dict())\n"
        "print(json.dumps(out))\n"
    )
    seen = []
    for seed in ("0", "1", "2", "3"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run(
            [sys.executable, "-c", script, str(corpus)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        seen.append(json.loads(done.stdout))
    assert all(reports == seen[0] for reports in seen[1:])
