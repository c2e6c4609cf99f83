"""connectwell.grading without nbgrader: the judge, the teaching text, the notebook helpers.

Expected verdicts are always computed with connectwell.check on the same scenario, never
written down, because the rules are still being tuned."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest

import connectwell as cw
from connectwell import grading
from connectwell.grading import GradingError
from connectwell.grading import notebook as learner_notebook

A1, A3, A4, A5, A6 = (
    "01_not_blank",
    "03_explains_fit",
    "04_prompt_reply",
    "05_motive_upfront",
    "06_triage",
)


def evidence(value: Any) -> dict[str, Any]:
    return {"state": "ok", "value": value}


def judge(assignment: str, qid: str, check: str, value: Any, *args: Any) -> grading.Result:
    return grading.judge(assignment, qid, check, args, evidence(value))


def note_scenario(assignment: str, qid: str, note: str) -> dict[str, Any]:
    return {**grading.question(assignment, qid).base(), "message": note}


# ---------------------------------------------------------------- grade ids


def test_grade_ids_name_the_rule_they_grade() -> None:
    gid = grading.parse_grade_id("q1_personalised")
    assert gid is not None and gid.question == "q1" and gid.rule == "personalised"
    edge = grading.parse_grade_id("q3_prompt-reply_edge-cases")
    assert edge is not None and edge.rule == "prompt-reply" and edge.variant == "edge-cases"
    assert str(edge) == "q3_prompt-reply_edge-cases"
    other = grading.parse_grade_id("q2_mentions")
    assert other is not None and other.rule is None
    assert grading.parse_grade_id("reflection") is None


def test_unknown_names_get_one_line_that_lists_the_choices() -> None:
    with pytest.raises(GradingError) as exc:
        grading.question(A1, "q9")
    assert "q1, q2, q3" in str(exc.value) and "\n" not in str(exc.value)
    with pytest.raises(GradingError, match="choose from 01_not_blank"):
        grading.question("99_nothing", "q1")
    with pytest.raises(GradingError, match="use one of attempted"):
        judge(A1, "q1", "explains-everything", "Hi")


# ---------------------------------------------------------------- notes: the three outcomes


def test_an_untouched_answer_is_not_attempted_whatever_the_rules_say() -> None:
    given = grading.question(A1, "q2").given
    # The starting note passes some rules (it fits the limit), yet earns nothing.
    assert cw.check(note_scenario(A1, "q2", given))["fits-limit"].passed
    result = judge(A1, "q2", "fits-limit", given)
    assert result.status == "not-attempted" and result.ename == "NotAttempted"
    assert "note_carmen is still the starting note" in result.text()


def test_a_missing_answer_is_reported_as_a_crash_not_a_name_error() -> None:
    result = grading.judge(A1, "q1", "personalised", (), {"state": "missing"})
    assert result.status == "crashed" and result.ename == "CodeCrashed"
    assert "note_ben is not defined" in result.text() and "NameError" not in result.text()


def test_a_note_of_the_wrong_type_says_what_to_write() -> None:
    result = judge(A1, "q1", "not-blank", ["Hi", "Ben"])
    assert result.status == "wrong" and "should be text in quotes" in result.message


@pytest.mark.parametrize(
    "note",
    [
        "Hi Ben!",
        "Hi Ben, great talking about accessible dashboards at the UX Leeds meetup last night.",
        "I'd like to add you to my professional network.",
    ],
)
@pytest.mark.parametrize("rule", ["not-blank", "personalised", "has-reason", "fits-limit"])
def test_rule_checks_follow_the_rules_verdicts(note: str, rule: str) -> None:
    finding = cw.check(note_scenario(A1, "q1", note))[rule]
    result = judge(A1, "q1", rule, note)
    assert result.passed == finding.passed
    if not result.passed:
        assert result.ename == "RuleFailed"
        text = result.text()
        # Which rule, why it failed, why it matters, what to try; never a bare assertion.
        assert rule in result.headline() and cw.RULES[rule].code in result.headline()
        assert finding.message.split(":")[0][:30] in " ".join(text.split())
        assert "Why it matters:" in text and "Try this:" in text
        assert "AssertionError" not in text


def test_teaching_text_fits_nbgraders_validate_report() -> None:
    result = judge(A1, "q1", "personalised", "Hi Ben! " + "Really " * 40)
    assert not result.passed
    assert all(len(line) <= 86 for line in result.lines()[1:])


def test_html_escapes_learner_text() -> None:
    result = grading.Result("q1", "personalised", "wrong", "Your note <script>alert(1)</script>")
    assert "<script>" not in result.to_html() and "&lt;script&gt;" in result.to_html()


def test_mentions_checks_the_specific_detail() -> None:
    event = "Hi Ben, great talking about accessible dashboards at the UX Leeds meetup last night."
    assert judge(A1, "q1", "mentions", event, "event").passed
    vague = "Hi Ben, great talking about accessible dashboards last night; let's stay in touch."
    result = judge(A1, "q1", "mentions", vague, "event")
    assert not result.passed and "UX Leeds meetup" in result.message
    with pytest.raises(GradingError, match="mentions needs one of"):
        judge(A1, "q1", "mentions", event, "hobby")


def test_detail_lets_the_learner_choose_from_a_whole_profile() -> None:
    # Question 3 of exercise 2 hands over a whole profile: any specific item of it counts, his
    # university alone (on every professor's profile) does not.
    article = "Dear Professor Ueda, your paper on small-area estimation for sparse city surveys is our method. May I ask one question?"
    event = "Dear Professor Ueda, I heard of your talk at the Japan Statistical Society Conference 2025. May I ask one question?"
    for note in (article, event):
        assert judge("02_personalised", "q3", "mentions", note, "detail").passed
    only_employer = "Dear Professor Ueda, I admire Kyoto University. May I ask you one question?"
    result = judge("02_personalised", "q3", "mentions", only_employer, "detail")
    assert not result.passed and "Small-area estimation" in result.message


def test_job_skill_means_a_skill_the_job_needs() -> None:
    airflow_only = (
        "Hi Priya, I'm hiring a Senior Data Engineer at Acme Robotics; your Airflow work fits."
    )
    kafka = "Hi Priya, I'm hiring a Senior Data Engineer at Acme Robotics; your Kafka work fits."
    assert not judge(A3, "q1", "mentions", airflow_only, "job-skill").passed
    assert judge(A3, "q1", "mentions", kafka, "job-skill").passed


# ---------------------------------------------------------------- replies


def test_a_reply_is_checked_in_its_thread() -> None:
    q = grading.question(A4, "q2")
    for reply in (
        "Sorry! I heard your talk at PyCon UK 2025; we're planning delivery routes with OR-Tools.",
        "Just networking, nothing special!",
    ):
        scenario = q.base()
        scenario["thread"] = [
            *scenario["thread"],
            {"from": "sender", "at": q.extra["reply_at"], "text": reply},
        ]
        expected = cw.check(scenario)["prompt-reply"].passed
        assert judge(A4, "q2", "prompt-reply", reply).passed == expected


# ---------------------------------------------------------------- judgements


SOLUTION_04 = (
    Path(__file__).resolve().parents[1] / "solutions/04_prompt_reply/04_prompt_reply.ipynb"
)
# 04 q3's answer key, visible and hidden, as its test cells write it.
KEY_THREADS = {
    cell.metadata["nbgrader"]["grade_id"]: grading.parse_checks(cell.source)
    for cell in nbformat.read(SOLUTION_04, 4).cells
    if cell.metadata.get("nbgrader", {}).get("grade_id", "").startswith("q3_labels")
}
ALL_KEYS = {
    item: label
    for calls in KEY_THREADS.values()
    for call in calls
    if call.check == "labels"
    for item, (label, _why) in call.args[0].items()
}


def test_the_answer_key_agrees_with_the_prompt_reply_rule_on_every_thread() -> None:
    # The key is a person's; the rule must not contradict it, or the course teaches two things.
    q = grading.question(A4, "q3")
    assert set(ALL_KEYS) == set(q.extra["items"])
    assert set(ALL_KEYS.values()) == set(q.extra["labels"])  # every label is practised
    for item, label in ALL_KEYS.items():
        thread = q.extra["items"][item]["thread"]
        note = {"message": "Hi Priya, Alex Chen suggested I write.", "thread": thread}
        finding = cw.check(note, rules=["prompt-reply"])["prompt-reply"]
        assert (finding.verdict == "pass") == (label == "answered in time"), (item, finding.message)
        if label == "late":
            assert "after they asked" in finding.message
        if label == "dodged the question":
            assert "does not say why" in finding.message
        if label == "never answered":
            assert "never got an answer" in finding.message


def test_judgement_outcomes_not_attempted_wrong_and_right() -> None:
    q = grading.question(A4, "q3")
    (visible,) = [c for c in KEY_THREADS["q3_labels"] if c.check == "labels"]
    assert judge(A4, "q3", "labels", q.given, *visible.args).status == "not-attempted"
    right = dict(ALL_KEYS)
    assert judge(A4, "q3", "labels", right, *visible.args).passed
    # case and spaces do not matter, nor a one-letter slip
    sloppy = {**right, "a": "  Answered In Time ", "b": "lat"}
    assert judge(A4, "q3", "labels", sloppy, *visible.args).passed
    wrong = judge(A4, "q3", "labels", {**right, "b": "answered in time"}, *visible.args)
    assert wrong.status == "wrong" and "49 hours" in wrong.message
    unknown = judge(A4, "q3", "labels", {**right, "c": "rude"}, *visible.args)
    assert unknown.status == "wrong" and "not one of the labels" in unknown.message
    missing = judge(A4, "q3", "labels", {"a": "late"}, *visible.args)
    assert missing.status == "wrong" and "exactly these keys" in missing.message
    still = judge(A4, "q3", "attempted", {**right, "f": "?"})
    assert still.status == "wrong" and "still '?'" in still.message


def test_a_judgement_check_needs_a_well_formed_key() -> None:
    with pytest.raises(grading.GradingError, match="labels needs a key"):
        grading.validate_check(grading.question(A4, "q3"), "labels", ({"z": ["late", "x"]},))
    with pytest.raises(grading.GradingError, match="labels needs a key"):
        grading.validate_check(grading.question(A4, "q3"), "labels", ({"a": ["soon", "x"]},))


# ---------------------------------------------------------------- decisions, contacts, triage


def test_a_decision_agrees_with_the_rule_or_says_why_not() -> None:
    q = grading.question(A3, "q3")
    right, finding = grading.should_send(q)
    # Send it only if a careful rewrite could pass not-canned; off-field offers never can.
    careful = (
        "Hi Lena, I'm hiring a Wind Turbine Technician at Boreal Power; your Go and PostgreSQL "
        "work at Finwise caught my eye."
    )
    assert right == cw.check({**q.base(), "message": careful})["not-canned"].passed
    good = judge(A3, "q3", "not-canned", {"send": right, "reason": "x"})
    bad = judge(A3, "q3", "not-canned", {"send": not right, "reason": "x"})
    assert good.passed and not bad.passed
    if not right:
        assert finding.message in bad.message
    assert judge(A3, "q3", "not-canned", q.given).status == "not-attempted"
    assert judge(A3, "q3", "not-canned", "no").status == "wrong"
    why = ["energy", "skill"]
    assert judge(
        A3, "q3", "why", {"send": False, "reason": "The job is in energy, not hers."}, why
    ).passed
    assert not judge(A3, "q3", "why", {"send": False, "reason": "Not a fit."}, why).passed


def test_contacts_need_a_note_exactly_where_there_is_a_reason() -> None:
    q = grading.question(A5, "q3")
    people = q.extra["contacts"]
    notes = {
        "Hannah Berg": "Hi Hannah, I'd like to connect because your article on A/B testing "
        "pitfalls in retail matches the experiments we start at Acme.",
        "Marco Rossi": None,
        "Yuki Tanaka": "Hi Yuki, Alex Chen suggested I ask you about the dbt tests you wrote at "
        "Northwind; we'd like to copy them at Acme.",
    }
    for name, note in notes.items():  # the notes themselves are good, by the rules
        if note:
            scenario = {k: v for k, v in people[name].items() if k != "context"}
            assert cw.check({**scenario, "message": note})["has-reason"].passed
    assert judge(A5, "q3", "has-reason", notes).passed
    pretend = {**notes, "Marco Rossi": "Hi Marco, I'd like to connect because you work in sales."}
    assert "Marco: you have no reason" in judge(A5, "q3", "has-reason", pretend).message
    skipped = {**notes, "Hannah Berg": None}
    assert "Hannah: you do have a reason" in judge(A5, "q3", "has-reason", skipped).message
    assert judge(A5, "q3", "has-reason", q.given).status == "not-attempted"
    assert judge(A5, "q3", "has-reason", {"Hannah Berg": None}).status == "wrong"


SOLUTION_06 = Path(__file__).resolve().parents[1] / "solutions/06_triage/06_triage.ipynb"
# 06's answer key, visible and hidden, as its test cells write it: question -> check -> args
TRIAGE_KEY: dict[str, dict[str, tuple[Any, ...]]] = {}
for _cell in nbformat.read(SOLUTION_06, 4).cells:
    for _call in grading.parse_checks(_cell.source) if _cell.cell_type == "code" else ():
        if _call.check in ("label", "red-flags"):
            TRIAGE_KEY.setdefault(_call.question, {})[_call.check] = _call.args


def test_every_triage_question_has_a_human_key_at_least_as_hard_as_lesson_8() -> None:
    assert set(TRIAGE_KEY) == {q.id for q in grading.questions(A6)}
    labels = [key["label"][0] for key in TRIAGE_KEY.values()]
    assert {"accept", "ignore", "report"} <= set(labels)
    flags = {f for key in TRIAGE_KEY.values() for f in key["red-flags"][0]}
    assert flags == set(grading.red_flags(A6)), "every red flag is practised"
    # Harder than the lesson's quiz: an impersonation with no scam vocabulary, honest money
    # talk, and flattery that names the company.
    assert any(
        key["label"][0] == "report" and "pretends to be someone else" in key["red-flags"][0]
        for key in TRIAGE_KEY.values()
    )


@pytest.mark.parametrize("qid", ["q1", "q2", "q3", "q4", "q5", "q6", "q7"])
def test_triage_is_graded_against_the_key_with_reasons(qid: str) -> None:
    label, why = TRIAGE_KEY[qid]["label"]
    flags, flags_why = TRIAGE_KEY[qid]["red-flags"]
    answer = {"label": label, "red_flags": list(flags)}
    assert judge(A6, qid, "label", answer, label, why).passed
    assert judge(A6, qid, "red-flags", answer, flags, flags_why).passed
    for other in {"accept", "ignore", "report"} - {label}:
        wrong = judge(A6, qid, "label", {**answer, "label": other}, label, why)
        assert (
            not wrong.passed
            and f"the right call is {label}" in wrong.message
            and why in wrong.message
        )
    extra = next(f for f in grading.red_flags(A6) if f not in flags)
    alarm = judge(A6, qid, "red-flags", {**answer, "red_flags": [*flags, extra]}, flags, flags_why)
    assert not alarm.passed and f"Not a red flag here: {extra}" in alarm.message
    if flags:
        missed = judge(
            A6, qid, "red-flags", {**answer, "red_flags": list(flags[1:])}, flags, flags_why
        )
        assert not missed.passed and f"You missed: {flags[0]}" in missed.message


def test_red_flags_are_plain_words_forgiving_case_and_typos_and_unknown_ones_are_explained() -> (
    None
):
    label, why = TRIAGE_KEY["q1"]["label"]
    flags, flags_why = TRIAGE_KEY["q1"]["red-flags"]
    sloppy = {"label": " Report", "red_flags": [f.upper() for f in flags[:-1]] + [flags[-1][:-1]]}
    assert judge(A6, "q1", "red-flags", sloppy, flags, flags_why).passed
    unknown = judge(
        A6, "q1", "red-flags", {"label": "report", "red_flags": ["no-scam"]}, flags, flags_why
    )
    assert not unknown.passed and "'no-scam' is not one of the red flags" in unknown.message
    assert "rushes you" in unknown.hint
    assert (
        judge(A6, "q1", "label", {"label": "?", "red_flags": []}, label, why).status
        == "not-attempted"
    )
    assert (
        "not a label"
        in judge(A6, "q1", "label", {"label": "block", "red_flags": []}, label, why).message
    )
    with pytest.raises(grading.GradingError):
        grading.validate_check(grading.question(A6, "q1"), "red-flags", (["scammy"], "why"))


# ---------------------------------------------------------------- test cells read back


def test_parse_checks_reads_literal_calls_only() -> None:
    source = (
        "# a comment\n"
        'grading.check("q1", "attempted")\n'
        "### BEGIN HIDDEN TESTS\n"
        'grading.check("q1", "mentions", "event")\n'
        "### END HIDDEN TESTS\n"
        "print('not a check')\n"
    )
    calls = grading.parse_checks(source)
    assert calls == [
        grading.CheckCall("q1", "attempted"),
        grading.CheckCall("q1", "mentions", ("event",)),
    ]
    with pytest.raises(GradingError, match="must be literals"):
        grading.parse_checks('grading.check("q1", "mentions", kind)')
    with pytest.raises(GradingError, match="not valid Python"):
        grading.parse_checks("grading.check(")


# ---------------------------------------------------------------- in the notebook


@pytest.fixture
def notebook() -> Iterator[dict[str, Any]]:
    """A namespace standing in for a notebook's, with the assignment started."""
    grading.start(A1)
    yield {"grading": grading}
    learner_notebook._State.hints.clear()


def run(code: str, namespace: dict[str, Any]) -> None:
    exec(compile(code, "<cell>", "exec"), namespace)


def test_check_passes_quietly_and_fails_with_only_the_teaching_text(
    notebook: dict[str, Any],
) -> None:
    good = "Hi Ben, great talking about accessible dashboards at the UX Leeds meetup last night."
    notebook["note_ben"] = good
    assert cw.check(note_scenario(A1, "q1", good))["not-blank"].passed
    run('grading.check("q1", "not-blank")', notebook)
    notebook["note_ben"] = ""
    with pytest.raises(grading.NotAttempted) as exc:
        run('grading.check("q1", "personalised")', notebook)
    shown = exc.value._render_traceback_()
    assert shown[0].startswith("✗ Not attempted yet") and not any("Traceback" in s for s in shown)
    del notebook["note_ben"]
    with pytest.raises(grading.CodeCrashed):
        run('grading.check("q1", "personalised")', notebook)


def test_check_refuses_a_kernel_whose_rules_were_replaced(notebook: dict[str, Any]) -> None:
    from connectwell.rules.base import Outcome

    notebook["note_ben"] = "Hi!"
    rule = cw.RULES["personalised"]
    original = rule.run
    object.__setattr__(rule, "run", lambda ctx: Outcome("pass", "looks fine"))
    try:
        with pytest.raises(grading.CodeCrashed) as exc:
            run('grading.check("q1", "personalised")', notebook)
        assert "Restart the kernel" in exc.value.result.text()
    finally:
        object.__setattr__(rule, "run", original)


def test_hints_get_more_specific_each_time(notebook: dict[str, Any], capsys: Any) -> None:
    hints = grading.question(A1, "q1").hints
    for n in range(len(hints) + 1):
        grading.hint("q1")
        shown = capsys.readouterr().out
        k = min(n, len(hints) - 1)
        assert f"Hint {k + 1} of {len(hints)}" in shown and hints[k][:40] in " ".join(shown.split())
    assert "that was the last one" in shown


def test_show_gives_the_situation_and_escapes_it(notebook: dict[str, Any]) -> None:
    grading.start("01_not_blank")
    card = grading.show("q2")
    text = repr(card)
    assert "Carmen Ruiz" in text and "note_carmen" in text
    assert "Food &amp; Beverage" in card._repr_html_()
    assert "Food & Beverage" not in card._repr_html_()


def test_feedback_reports_every_rule_on_the_current_note(notebook: dict[str, Any]) -> None:
    notebook["note_ben"] = "Hi Ben!"
    notebook["report"] = None
    run('report = grading.feedback("q1")', notebook)
    assert notebook["report"].verdicts == cw.check(note_scenario(A1, "q1", "Hi Ben!")).verdicts


def test_the_editor_never_runs_under_nbgrader(
    notebook: dict[str, Any], monkeypatch: Any, capsys: Any
) -> None:
    grading.start("02_personalised")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    notebook["note_hana"] = "Hi Hana"
    run('editor = grading.editor("q1")', notebook)
    assert notebook["editor"] is None and "skipped" in capsys.readouterr().out
    monkeypatch.delenv("NBGRADER_EXECUTION")
    run('editor = grading.editor("q1")', notebook)
    assert "Hi Hana" in notebook["editor"].summary()


def test_check_needs_a_started_assignment() -> None:
    saved = copy.copy(learner_notebook._State.assignment)
    learner_notebook._State.assignment = None
    try:
        with pytest.raises(GradingError, match=r"grading\.start"):
            grading.check("q1", "personalised")
    finally:
        learner_notebook._State.assignment = saved


def test_grading_stays_light_for_every_kernel() -> None:
    """Every exercise kernel imports grading first; judging must not pull in Jupyter's stack."""
    import json
    import subprocess
    import sys

    script = (
        "import json, sys\n"
        "before = set(sys.modules)\n"
        "from connectwell import grading\n"
        "grading.judge('01_not_blank', 'q1', 'personalised', (), {'state': 'ok', 'value': 'Hi'})\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in set(sys.modules) - before})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    added = set(json.loads(done.stdout.splitlines()[-1]))
    heavy = {"ipywidgets", "nbgrader", "pandas", "matplotlib", "IPython", "jupyter_client"}
    assert "connectwell" in added and not added & heavy, sorted(added & heavy)


# ---------------------------------------------------------------- quotes in answers


def test_a_broken_quote_is_explained_in_one_plain_line():
    try:
        compile("note_ben = 'Hi Ben, I'm Sam from UX Leeds.'", "<cell>", "exec")
    except SyntaxError as exc:
        text = grading.syntax_error_text(exc)
    assert "\n" not in text and "Traceback" not in text
    assert "line 1" in text and "triple quotes" in text


def test_in_a_kernel_a_syntax_error_shows_the_plain_line_and_still_fails_the_cell():
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    try:

        def run(code: str) -> list[tuple[str, Any]]:
            msg_id = kc.execute(code)
            out = []
            while True:
                m = kc.get_iopub_msg(timeout=60)
                if m["parent_header"].get("msg_id") != msg_id:
                    continue
                if m["msg_type"] == "error":
                    out.append(("error", m["content"]["traceback"]))
                elif m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                    return out

        assert run('from connectwell import grading\ngrading.start("01_not_blank")') == []
        (error,) = run("note_ben = 'Hi Ben, I'm Sam from UX Leeds.'")
        assert error[0] == "error" and len(error[1]) == 1
        assert "triple quotes" in error[1][0] and "Traceback" not in error[1][0]
        assert run('note_ben = """Hi Ben, I\'m Sam from UX Leeds."""') == []
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


@pytest.mark.parametrize("value", ["\n", "  \n  ", ""])
def test_a_blank_answer_between_triple_quotes_is_not_attempted(value):
    result = judge("01_not_blank", "q1", "not-blank", value)
    assert result.status == "not-attempted"


def test_a_note_written_over_several_lines_is_graded_without_its_blank_lines():
    note = (
        "\nHi Ben, great talking about accessible dashboards at the UX Leeds meetup. "
        "I'd like to show you our redesign when it ships.\n"
    )
    assert judge("01_not_blank", "q1", "not-blank", note).passed


def test_a_hand_graded_question_is_shown_never_checked() -> None:
    grading.start("07_capstone")
    card = grading.card("q4")
    assert "Their note:" in card and "graded by hand" in card
    with pytest.raises(GradingError, match="graded by your instructor"):
        grading.feedback("q4")
    with pytest.raises(GradingError, match="has no check"):
        grading.validate_check(grading.question("07_capstone", "q4"), "personalised")
