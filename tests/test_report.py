"""Reports: verdicts as data, as text and as escaped HTML a learner's note cannot break."""

from __future__ import annotations

import html
import json
import re

import pytest

import connectwell as cw
from connectwell.report import MARK_STYLE, Finding, Report, highlight
from connectwell.rules.base import JOB, to_priya

PASS = Finding("personalised", "CW002", "pass", "Addresses Priya by name.", span=(0, 8))
FAIL = Finding("has-reason", "CW004", "fail", "No reason.", hint="Say why.", span=(10, 14))
NA = Finding("prompt-reply", "CW009", "n/a", "Nobody asked why.")

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"
MARK = re.compile(r'<mark title="[\w-]+" data-rule="[\w-]+" style="[^"<>]*">|</mark>')


def report_of(*findings: Finding, message: str = "Hi Priya, hello there.") -> Report:
    return Report(message, findings)


# ---------------------------------------------------------------- verdicts as data


def test_passed_is_false_only_when_a_rule_fails() -> None:
    assert report_of(PASS, NA).passed
    assert not report_of(PASS, FAIL, NA).passed
    assert report_of().passed  # nothing checked, nothing failed
    assert report_of(PASS, FAIL, NA).failed == [FAIL]


def test_passed_agrees_with_the_findings_of_a_real_check() -> None:
    for note in ("Hi!", "Hi Priya, your Kafka consumer lag article fixed our pipeline."):
        report = cw.check(to_priya(note))
        assert report.passed == all(f.verdict != "fail" for f in report)


@pytest.mark.parametrize("key", ["has-reason", "CW004"])
def test_a_finding_is_found_by_rule_name_or_code(key: str) -> None:
    assert report_of(PASS, FAIL, NA)[key] is FAIL


def test_an_unknown_rule_is_a_key_error_that_says_what_the_report_holds() -> None:
    with pytest.raises(KeyError) as info:
        report_of(PASS, FAIL)["personalized"]
    message = info.value.args[0]
    assert "'personalized'" in message
    assert "personalised" in message and "has-reason" in message


def test_a_rule_left_out_of_the_check_is_named_as_missing_from_this_report() -> None:
    report = cw.check("Hi Priya", rules=["personalised"])
    with pytest.raises(KeyError) as info:
        report["fits-limit"]
    assert "in this report" in info.value.args[0] and "personalised" in info.value.args[0]


def test_iteration_length_and_verdicts() -> None:
    report = report_of(PASS, FAIL, NA)
    assert list(report) == [PASS, FAIL, NA] and len(report) == 3
    assert report.verdicts == {"personalised": "pass", "has-reason": "fail", "prompt-reply": "n/a"}


FINDING_KEYS = {"rule", "code", "verdict", "message", "hint", "span"}


def test_to_dict_has_exactly_the_documented_shape() -> None:
    report = cw.check(to_priya("Hi Priya! " + "x" * 300, purpose="job_offer", job=JOB))
    data = report.to_dict()
    assert set(data) == {"passed", "findings"}
    assert data["passed"] is report.passed
    assert [f["rule"] for f in data["findings"]] == list(cw.RULES)
    for finding, item in zip(report, data["findings"], strict=True):
        assert set(item) == FINDING_KEYS
        assert item["verdict"] in ("pass", "fail", "n/a")
        assert all(isinstance(item[k], str) for k in ("rule", "code", "verdict", "message", "hint"))
        if finding.span is None:
            assert item["span"] is None
        else:
            assert item["span"] == list(finding.span)
    assert json.loads(json.dumps(data)) == data  # plain JSON, nothing Python-only


def test_to_dict_of_a_constructed_report() -> None:
    assert report_of(FAIL, NA).to_dict() == {
        "passed": False,
        "findings": [
            {
                "rule": "has-reason",
                "code": "CW004",
                "verdict": "fail",
                "message": "No reason.",
                "hint": "Say why.",
                "span": [10, 14],
            },
            {
                "rule": "prompt-reply",
                "code": "CW009",
                "verdict": "n/a",
                "message": "Nobody asked why.",
                "hint": "",
                "span": None,
            },
        ],
    }


# ---------------------------------------------------------------- text


@pytest.mark.parametrize(
    ("finding", "symbol", "word"), [(PASS, "✓", "pass"), (FAIL, "✗", "fail"), (NA, "–", "n/a")]
)
def test_to_text_gives_each_verdict_a_symbol_and_a_word(finding, symbol, word) -> None:
    # Not by colour alone: a screen reader or a plain terminal still tells them apart.
    line = report_of(finding).to_text().splitlines()[1]
    assert line.startswith(f"{symbol} {word}")
    assert finding.code in line and finding.rule in line and finding.message in line


def test_to_text_headline_counts_failures_and_characters() -> None:
    text = report_of(PASS, FAIL, NA, message="x" * 42).to_text()
    assert text.splitlines()[0] == "✗ fails 1 rule(s) (42/200 characters)"
    assert report_of(PASS).to_text().startswith("✓ passes every rule")
    assert str(report_of(PASS)) == report_of(PASS).to_text()


def test_to_text_shows_the_fix_only_for_failures() -> None:
    passing = Finding("personalised", "CW002", "pass", "ok", hint="PASS-HINT")
    text = report_of(passing, FAIL).to_text()
    assert "fix: Say why." in text
    assert "PASS-HINT" not in text


# ---------------------------------------------------------------- HTML


def test_html_never_shows_learner_markup_unescaped() -> None:
    note = f"Hi Priya, {XSS_SCRIPT} let's connect {XSS_IMG} send me the money via {XSS_IMG}"
    report = cw.check(to_priya(note))
    out = report._repr_html_()
    assert XSS_SCRIPT not in out and XSS_IMG not in out
    assert "<script" not in out.lower() and "<img" not in out.lower()
    assert html.escape(XSS_SCRIPT) in out and html.escape(XSS_IMG) in out


def test_html_escapes_what_the_finding_messages_quote() -> None:
    # Messages quote the note ("“…” is not a reason"); a quote must not turn into markup.
    finding = Finding(
        "has-reason", "CW004", "fail", f"“{XSS_IMG}” is not a reason", f"x {XSS_SCRIPT}"
    )
    out = report_of(finding, message=XSS_IMG)._repr_html_()
    assert "<img" not in out and "<script" not in out


def test_marked_spans_escape_the_text_inside_them() -> None:
    # 200 characters, then markup: fits-limit marks exactly the part that will not fit.
    note = "x" * 200 + XSS_SCRIPT
    report = cw.check(note)
    assert report["fits-limit"].verdict == "fail"
    out = report.highlighted_html()
    assert f'data-rule="fits-limit" style="{MARK_STYLE}">{html.escape(XSS_SCRIPT)}</mark>' in out
    assert XSS_SCRIPT not in report._repr_html_()


@pytest.mark.parametrize(
    "note",
    [
        f"Hi Priya, {XSS_SCRIPT} pr0fits g-u-a-r-a-n-t-e-e-d, DM me on T3legram today! {XSS_IMG}",
        "Hi {first_name} & <b>[COMPANY]</b>, " + "é" * 190 + XSS_IMG,
        "Hi Priya \u200b<i>🙂</i> " * 30,
    ],
    ids=["scam", "placeholders", "zero-width"],
)
def test_highlighted_html_is_the_note_escaped_with_only_marks_added(note: str) -> None:
    report = cw.check(to_priya(note))
    out = report.highlighted_html()
    bare = MARK.sub("", out)
    assert "<" not in bare and ">" not in bare, "markup other than <mark> in the note"
    assert html.unescape(bare) == note
    failing = [f for f in report if f.verdict == "fail" and f.span]
    assert ("<mark" in out) == bool(failing)


def test_overlapping_spans_are_merged_and_the_text_is_kept() -> None:
    a = Finding("no-scam", "CW007", "fail", "m", span=(0, 6))
    b = Finding("fits-limit", "CW008", "fail", "m", span=(3, 9))
    c = Finding("not-canned", "CW006", "fail", "m", span=(20, 30))  # past the end
    out = highlight("<abc>&def<g>", [a, b, c])
    assert html.unescape(MARK.sub("", out)) == "<abc>&def<g>"
    assert out.count("<mark") == 2
    assert out == (
        f'<mark title="no-scam" data-rule="no-scam" style="{MARK_STYLE}">&lt;abc&gt;&amp;</mark>'
        f'<mark title="fits-limit" data-rule="fits-limit" style="{MARK_STYLE}">def</mark>&lt;g&gt;'
    )


def test_only_failing_spans_are_marked() -> None:
    out = report_of(PASS, FAIL, message="Hi Priya, here is why.").highlighted_html()
    mark = f'<mark title="has-reason" data-rule="has-reason" style="{MARK_STYLE}">'
    assert out == f"Hi Priya, {mark}here</mark> is why."
    # Marked by more than colour: an underline shows in greyscale too.
    assert "underline" in MARK_STYLE


def test_html_shows_the_fix_only_for_failures() -> None:
    passing = Finding("personalised", "CW002", "pass", "ok", hint="PASS-HINT")
    assert "PASS-HINT" not in passing._repr_html_()
    assert "cw-hint" not in NA._repr_html_()
    assert "Fix: Say why." in FAIL._repr_html_()


def test_html_lists_every_finding_with_its_verdict_word() -> None:
    report = cw.check(to_priya("Hi Priya!"))
    out = report._repr_html_()
    for finding in report:
        assert f'data-rule="{finding.rule}"' in out
        assert f"{finding.verdict}</span>" in out
    assert f"{len(report.message)}/{report.limit} characters" in out
