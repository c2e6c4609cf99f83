"""Tampering gains nothing and never stops the cohort's grading.

Every tamperer submits the same answers as `control` (a good first note, the rest untouched)
plus one trick in the second answer cell or in the notebook's cells. All are autograded in one
nbgrader run together with `honest` (the solutions), so a trick that broke nbgrader or the
kernel for everyone would show there. Each tamperer must earn exactly what control earns.
The second half tests the trusted re-grading directly, without a kernel."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import nbformat
import pytest
from nbgrader_course import Course

from connectwell.grading import EVIDENCE_MIME, RESULT_MIME, CheckCall

AID = "01_not_blank"
# Longer than any honest cell needs, short enough to keep the run quick.
TIMEOUT = 8
GOOD_NOTE = (
    'note_ben = "Hi Ben, great talking about accessible dashboards at the UX Leeds meetup last '
    'night; could I show you our redesign when it ships?"'
)


def cell(nb: Any, cid: str) -> Any:
    return next(c for c in nb.cells if c.id == cid)


def in_answer(code: str) -> Callable[[Any], None]:
    def apply(nb: Any) -> None:
        cell(nb, "q2_answer").source += "\n" + code

    return apply


def edits_test(nb: Any) -> None:
    cell(nb, "q2_personalised").source = 'print("ok")'


def deletes_test(nb: Any) -> None:
    nb.cells = [c for c in nb.cells if c.id != "q2_personalised"]


def duplicates_id(nb: Any) -> None:
    # A copy of a failing test cell, same grade_id, emptied: nbgrader keeps the last copy.
    dup = copy.deepcopy(cell(nb, "q2_personalised"))
    dup.id, dup.source = "dup", "pass"
    nb.cells.append(dup)


def adds_graded_cell(nb: Any) -> None:
    extra = nbformat.v4.new_code_cell('print("bonus")')
    extra.id = "bonus"
    extra.metadata["nbgrader"] = {
        "grade": True,
        "grade_id": "bonus",
        "points": 10,
        "locked": True,
        "solution": False,
        "schema_version": 3,
        "task": False,
    }
    nb.cells.append(extra)


def ungrades_test(nb: Any) -> None:
    cell(nb, "q2_personalised").metadata["nbgrader"]["grade"] = False


TRICKS: dict[str, Callable[[Any], None]] = {
    "edits-a-test-cell": edits_test,
    "deletes-a-graded-cell": deletes_test,
    "duplicates-a-cell-id": duplicates_id,
    "adds-a-graded-cell": adds_graded_cell,
    "ungrades-a-test-cell": ungrades_test,
    "redefines-a-helper": in_answer("grading.check = lambda *a, **k: None"),
    "patches-check-and-rules": in_answer(
        "import connectwell as cw, connectwell.engine, connectwell.grading\n"
        "from connectwell.rules.base import Outcome\n"
        "for rule in cw.RULES.values():\n"
        '    object.__setattr__(rule, "run", lambda ctx: Outcome("pass", "fine"))\n'
        "connectwell.engine.check = cw.check = lambda *a, **k: None\n"
        "connectwell.grading._engine_check = connectwell.engine.check\n"
        "connectwell.grading._tampered = lambda: None"
    ),
    "hides-its-errors": in_answer(
        "ip = get_ipython()\n"
        "ip.showtraceback = lambda *a, **k: None\n"
        "ip.set_custom_exc((BaseException,), lambda *a, **k: None)"
    ),
    "prints-all-passed": in_answer('print("All tests passed! 15/15 points")'),
    "calls-sys-exit": in_answer("import sys\nsys.exit(0)"),
    "calls-os-exit": in_answer("import os\nos._exit(0)"),
    "loops-forever": in_answer("while True:\n    print('spam ' * 50)"),
    "loops-ignoring-interrupts": in_answer(
        "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
    ),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    course = Course.create(tmp_path_factory.mktemp("tamper") / "course")
    control = course.answered(AID, {"q1_answer": GOOD_NOTE})
    course.submit("control", AID, control)
    course.submit("honest", AID, course.solved(AID))
    for name, trick in TRICKS.items():
        nb = copy.deepcopy(control)
        trick(nb)
        course.submit(name, AID, nb)
    done = course.nbgrader("autograde", AID, "--force", f"--Execute.timeout={TIMEOUT}")
    yield {"course": course, "done": done}


def test_the_cohort_is_graded_despite_the_tricks(graded: dict[str, Any]) -> None:
    done, course = graded["done"], graded["course"]
    assert done.returncode == 0, done.stderr[-3000:]
    for student in ("control", "honest", *TRICKS):
        assert course.autograded(student, AID).exists(), student
    score, best = course.total("honest", AID)
    assert score == best
    control, _ = course.total("control", AID)
    assert 0 < control < best, "control earns its first note's points and nothing else"


@pytest.mark.parametrize("trick", TRICKS)
def test_a_trick_gains_nothing(graded: dict[str, Any], trick: str) -> None:
    course = graded["course"]
    assert course.scores(trick, AID) == course.scores("control", AID)


def test_a_fake_pass_message_is_gone_from_graded_cells(graded: dict[str, Any]) -> None:
    nb = nbformat.read(graded["course"].autograded("prints-all-passed", AID), as_version=4)
    for c in nb.cells:
        if c.metadata.get("nbgrader", {}).get("grade"):
            assert "All tests passed" not in nbformat.writes(nbformat.v4.new_notebook(cells=[c]))


def test_an_unresponsive_kernel_is_explained(graded: dict[str, Any]) -> None:
    nb = nbformat.read(graded["course"].autograded("loops-ignoring-interrupts", AID), as_version=4)
    errors = [o for o in cell(nb, "q2_answer").outputs if o.output_type == "error"]
    assert [o.ename for o in errors][-1:] == ["KernelUnresponsive"]
    later = cell(nb, "q3_personalised")
    assert later.outputs[-1].ename == "CodeCrashed" and "never ran" in later.outputs[-1].evalue


# ---------------------------------------------------------------- trusted re-grading, directly


def record(index: int, value: Any, question: str = "q1", check: str = "not-blank") -> dict:
    data = {
        "assignment": AID,
        "question": question,
        "check": check,
        "index": index,
        "state": "ok",
        "value": value,
    }
    return {"output_type": "display_data", "data": {EVIDENCE_MIME: data}, "metadata": {}}


def regrade(calls: list[CheckCall], outputs: list[dict]) -> list[Any]:
    from connectwell.grading.preprocessors import grade_cell

    return grade_cell(AID, calls, outputs)


def failed(outputs: list[Any]) -> bool:
    return any(o["output_type"] == "error" for o in outputs)


GOOD = "Hi Ben, great talking about accessible dashboards at the UX Leeds meetup last night."


def test_the_grader_ignores_what_the_kernel_concluded() -> None:
    claim = record(0, "")
    claim["data"]["text/plain"] = "✓ not-blank: passed"
    claim["data"][EVIDENCE_MIME]["status"] = "pass"
    out = regrade([CheckCall("q1", "not-blank")], [claim])
    assert failed(out) and out[-1]["ename"] == "NotAttempted"
    assert not failed(regrade([CheckCall("q1", "not-blank")], [record(0, GOOD)]))


def test_evidence_must_match_the_cells_own_checks() -> None:
    calls = [CheckCall("q1", "not-blank")]
    assert failed(regrade(calls, []))  # nothing recorded: nothing earned
    assert failed(regrade(calls, [record(0, GOOD), record(0, GOOD)]))  # two answers for one check
    assert failed(regrade(calls, [record(0, GOOD, question="q2")]))  # another question's answer
    assert failed(regrade(calls, [record(1, GOOD)]))  # another line's answer


def test_every_check_in_a_cell_must_pass() -> None:
    calls = [CheckCall("q1", "attempted"), CheckCall("q1", "mentions", ("event",))]
    vague = "Hi Ben, great talking last night; let's stay in touch."
    ok = regrade(calls, [record(0, GOOD, check="attempted"), record(1, GOOD, check="mentions")])
    assert not failed(ok)
    out = regrade(calls, [record(0, vague, check="attempted"), record(1, vague, check="mentions")])
    assert failed(out) and out[-1]["ename"] == "WrongAnswer"


def test_the_trusted_result_is_kept_as_data() -> None:
    out = regrade([CheckCall("q1", "not-blank")], [record(0, GOOD)])
    result = out[0]["data"][RESULT_MIME]
    assert result["rule"] == "not-blank" and result["status"] == "pass"


def test_a_dead_kernel_leaves_later_checks_unearned() -> None:
    died = {
        "output_type": "error",
        "ename": "KernelDied",
        "evalue": "Python stopped.",
        "traceback": [],
    }
    out = regrade([CheckCall("q1", "not-blank")], [died])
    assert failed(out) and "Python stopped" in out[-1]["evalue"]
    out = regrade([CheckCall("q1", "not-blank")], [])
    assert "never ran" in out[-1]["evalue"]
