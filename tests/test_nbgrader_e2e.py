"""The cohort workflow end to end, in a temporary copy of the course: generate every assignment,
collect three learners' work, autograde, grade the reflection by hand, generate feedback.

alice submits the instructor's solutions, bob the untouched release, carol partial answers.
Points are read from the gradebook; what carol earns is worked out here from the rules' verdicts.
The autograde runs once per assignment, so the time per submission can be reported."""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from nbgrader_course import Course, grade_id

import connectwell as cw
from connectwell import grading

ASSIGNMENTS = grading.assignment_ids()
PARTIAL: dict[str, dict[str, str]] = {
    "01_not_blank": {
        "q1_answer": 'note_ben = "Hi Ben, great talking about accessible dashboards at the UX '
        'Leeds meetup last night; could I show you our redesign when it ships?"',
        "q2_answer": 'note_carmen = "Hi Carmen, I would like to connect."',
    },
    "04_prompt_reply": {
        "q1_answer": 'reply_priya = "Thanks for asking! We are moving our Airflow jobs onto Kafka '
        'at Acme and the consumers lag; Alex said you fixed that at Globex."',
        "q2_answer": 'reply_yusuf = "Just wanted to connect, nothing specific!"',
        # Right on the visible threads; misses the time zone in thread e.
        "q3_answer": (
            'verdicts = {"a": "answered in time", "b": "late", "c": "dodged the question", '
            '"d": "answered in time", "e": "answered in time", "f": "never answered"}'
        ),
    },
    "06_triage": {
        "q1_answer": 'triage_victor = {"label": "report", "red_flags": ["promises easy money", "rushes you"]}',
        "q2_answer": 'triage_rita = {"label": "accept", "red_flags": []}',
        "q3_answer": 'triage_priya = {"label": "accept", "red_flags": []}',
    },
}


def timed(course: Course, *args: str) -> tuple[Any, float]:
    start = time.perf_counter()
    done = course.nbgrader(*args)
    return done, time.perf_counter() - start


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    started = time.perf_counter()
    course = Course.create(tmp_path_factory.mktemp("e2e") / "course")
    for aid in ASSIGNMENTS:
        course.submit("alice", aid, course.solved(aid))
        course.submit("bob", aid, course.release(aid))
        if aid in PARTIAL:
            course.submit("carol", aid, course.answered(aid, PARTIAL[aid]))
    runs = {}
    for aid in ASSIGNMENTS:
        runs[aid] = timed(course, "autograde", aid, "--force")
    # The instructor grades the capstone's two hand-graded answers (full marks for alice).
    with course.gradebook() as gb:
        for cell in ("reflection", "rings-false"):
            grade = gb.find_grade(cell, "07_capstone", "07_capstone", "alice")
            grade.manual_score = grade.max_score
        gb.db.commit()
    validate = course.nbgrader("validate", "--invert", "exercises/*/*.ipynb")
    feedback = course.nbgrader("generate_feedback", "*", "--force")
    yield {
        "course": course,
        "runs": runs,
        "validate": validate,
        "feedback": feedback,
        "seconds": time.perf_counter() - started,
    }


def test_autograde_runs_cleanly(course: dict[str, Any], summary: Any) -> None:
    c: Course = course["course"]
    lines = []
    for aid, (done, seconds) in course["runs"].items():
        assert done.returncode == 0, f"{aid}:\n{done.stderr[-3000:]}"
        students = ("alice", "bob", *(["carol"] if aid in PARTIAL else []))
        for student in students:
            assert c.autograded(student, aid).exists()
        # Measured, not asserted: a busy machine is slow, not wrong.
        cells = max(_kernel_seconds(c.autograded(s, aid)) for s in ("alice", "bob"))
        lines.append(
            f"{aid}: {seconds:.1f} s to autograde {len(students)} submissions "
            f"({seconds / len(students):.1f} s each with nbgrader's start-up); "
            f"cells ran {cells:.2f} s per notebook"
        )
    lines.append(f"whole end-to-end fixture: {course['seconds']:.1f} s")
    summary("autograde timings (tests/test_nbgrader_e2e.py)", lines)


def test_the_solutions_earn_full_marks(course: dict[str, Any]) -> None:
    for aid in ASSIGNMENTS:
        score, best = course["course"].total("alice", aid)
        assert best > 0 and score == best, f"{aid}: {course['course'].scores('alice', aid)}"


def test_the_untouched_release_earns_nothing(course: dict[str, Any]) -> None:
    for aid in ASSIGNMENTS:
        assert course["course"].total("bob", aid)[0] == 0
    out = course["validate"].stdout + course["validate"].stderr
    assert course["validate"].returncode == 0
    assert out.count("Success! The notebook does not pass any tests.") == len(ASSIGNMENTS), out


def expected_points(course: Course, aid: str, sources: dict[str, str]) -> dict[str, float]:
    """What each test cell should earn for these answers: a rule cell on a note or reply by
    connectwell.check's verdict, other checks by the judge, all of a cell's checks or nothing."""
    namespace: dict[str, Any] = {}
    for cell in course.answered(aid, sources).cells:
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
            exec(compile(cell.source, grade_id(cell) or "cell", "exec"), namespace)
    points = {}
    for cell in course.source(aid).cells:
        meta = cell.metadata.get("nbgrader", {})
        if not (meta.get("grade") and cell.cell_type == "code"):
            continue
        passed = True
        for call in grading.parse_checks(cell.source):
            q = grading.question(aid, call.question)
            value = namespace[q.answer]
            if call.check in cw.RULES and q.kind in ("note", "reply") and value != q.given:
                scenario = q.base()
                if q.kind == "note":
                    scenario["message"] = value
                else:
                    reply = {"from": "sender", "at": q.extra["reply_at"], "text": value}
                    scenario["thread"] = [*scenario["thread"], reply]
                ok = cw.check(scenario)[call.check].passed
            else:
                seen = grading.observe(q, call.check, call.args, namespace)
                ok = grading.judge(aid, call.question, call.check, call.args, seen).passed
            passed = passed and ok
        points[meta["grade_id"]] = float(meta["points"]) if passed else 0.0
    return points


@pytest.mark.parametrize("aid", sorted(PARTIAL))
def test_partial_answers_earn_what_their_verdicts_earn(course: dict[str, Any], aid: str) -> None:
    c: Course = course["course"]
    scores = c.scores("carol", aid)
    expected = expected_points(c, aid, PARTIAL[aid])
    assert {k: s for k, (s, _) in scores.items() if k in expected} == expected
    total, best = c.total("carol", aid)
    assert 0 < total < best, "a partial submission should earn some points, not all"


def visible_text(page: str) -> str:
    """Feedback HTML as a reader sees it: tags removed, entities decoded, spaces collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def hidden_sources(course: Course, aid: str) -> list[str]:
    regions = []
    for cell in course.source(aid).cells:
        for m in re.finditer(
            r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", cell.source, re.S
        ):
            regions.append(m.group(1))
    return regions


def test_feedback_teaches_and_hides_the_hidden_tests(course: dict[str, Any]) -> None:
    c: Course = course["course"]
    assert course["feedback"].returncode == 0, course["feedback"].stderr[-3000:]
    for student, aid in [(s, a) for a in ASSIGNMENTS for s in ("alice", "bob")] + [
        ("carol", a) for a in PARTIAL
    ]:
        path = c.feedback(student, aid)
        assert path.exists(), f"no feedback for {student} {aid}"
        text = visible_text(path.read_text(encoding="utf-8"))
        assert "HIDDEN TESTS" not in text
        for region in hidden_sources(c, aid):
            for line in region.splitlines():
                if "grading.check(" in line or len(line.strip()) > 20:
                    assert " ".join(line.split()) not in text, f"{student} {aid}: {line}"
    # What carol reads: the rule that failed, why, and what to try.
    carol = visible_text(c.feedback("carol", "01_not_blank").read_text(encoding="utf-8"))
    note = "Hi Carmen, I would like to connect."
    finding = cw.check({**grading.question("01_not_blank", "q2").base(), "message": note})
    failed = [f for f in finding if f.verdict == "fail"]
    assert failed, "the partial note is meant to fail a rule"
    assert f"{failed[0].rule} ({failed[0].code}) failed" in carol
    assert " ".join(failed[0].message.split())[:40] in carol
    assert "Why it matters" in carol and "Try this" in carol


def test_gradebook_cells_name_their_rule(course: dict[str, Any]) -> None:
    """The later cohort report reads per-rule failure rates from the gradebook's cell names."""
    rules_graded = set()
    with course["course"].gradebook() as gb:
        for aid in ASSIGNMENTS:
            for cell in gb.find_notebook(aid, aid).grade_cells:
                if cell.cell_type == "markdown":
                    continue
                gid = grading.parse_grade_id(cell.name)
                assert gid is not None, cell.name
                rules_graded.add(gid.rule)
    assert set(cw.RULES) <= rules_graded


def _kernel_seconds(path: Path) -> float:
    """From the first cell's start to the last cell's reply, as nbclient recorded them."""
    from datetime import datetime

    nb = json.loads(path.read_text(encoding="utf-8"))
    stamps = []
    for cell in nb["cells"]:
        timing = cell.get("metadata", {}).get("execution", {})
        for key in ("iopub.execute_input", "shell.execute_reply"):
            if key in timing:
                stamps.append(datetime.fromisoformat(timing[key].replace("Z", "+00:00")))
    return (max(stamps) - min(stamps)).total_seconds() if stamps else float("nan")


def test_results_are_recorded_for_analytics(course: dict[str, Any]) -> None:
    """Each graded cell of an autograded notebook carries the trusted result as data."""
    nb = json.loads(Path(course["course"].autograded("carol", "01_not_blank")).read_text("utf-8"))
    found = [
        out["data"][grading.RESULT_MIME]
        for cell in nb["cells"]
        for out in cell.get("outputs", [])
        if grading.RESULT_MIME in out.get("data", {})
    ]
    assert {r["status"] for r in found} >= {"pass", "wrong", "not-attempted"}
    assert all(r["rule"] in (*cw.RULES, None) for r in found)


def test_the_live_editor_stays_out_of_grading(course: dict[str, Any]) -> None:
    nb = json.loads(course["course"].autograded("alice", "02_personalised").read_text("utf-8"))
    editor = next(
        c for c in nb["cells"] if c["source"] and "grading.editor(" in "".join(c["source"])
    )
    shown = json.dumps(editor["outputs"])
    assert "skipped" in shown and "widget-view" not in shown
