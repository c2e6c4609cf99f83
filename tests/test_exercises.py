"""The exercise notebooks, read without a kernel: their structure, their answers and their tests.

solutions/ (the instructor's notebooks) and exercises/ (the release learners get) must agree with
assignments.yaml and with each other; the solutions must pass every check by the rules' real
verdicts, and the release must earn nothing until a learner writes something."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

import connectwell as cw
from connectwell import grading

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = [
    "01_not_blank",
    "02_personalised",
    "03_explains_fit",
    "04_prompt_reply",
    "05_motive_upfront",
    "06_triage",
    "07_capstone",
    "08_recruiter",
]
ASSIGNMENTS = grading.assignment_ids()


def load_script() -> Any:
    spec = importlib.util.spec_from_file_location(
        "generate_exercises", ROOT / "scripts" / "generate_exercises.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def notebook(folder: str, aid: str) -> Any:
    return nbformat.read(ROOT / folder / aid / f"{aid}.ipynb", as_version=4)


def nbg(cell: Any) -> dict[str, Any]:
    return cell.metadata.get("nbgrader", {})


def test_every_assignment_has_its_notebooks() -> None:
    assert ASSIGNMENTS == REQUIRED
    for folder in ("solutions", "exercises"):
        found = sorted(p.name for p in (ROOT / folder).iterdir() if p.is_dir())
        assert found == REQUIRED, f"{folder}/ should hold one folder per assignment"
        for aid in REQUIRED:
            assert [p.name for p in (ROOT / folder / aid).glob("*.ipynb")] == [f"{aid}.ipynb"]


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_notebook_structure(aid: str) -> None:
    nb = notebook("solutions", aid)
    nbformat.validate(nb)
    ids = [c.id for c in nb.cells]
    assert len(ids) == len(set(ids))
    grade_ids = [nbg(c)["grade_id"] for c in nb.cells if nbg(c)]
    assert len(grade_ids) == len(set(grade_ids))
    assert nb.cells[1].source.endswith(f'grading.start("{aid}")') and nbg(nb.cells[1])["locked"]
    answered = set()
    for cell in nb.cells:
        meta = nbg(cell)
        if not meta.get("grade") or cell.cell_type != "code":
            continue
        assert meta["locked"] and not meta["solution"] and meta["points"] == 1
        gid = grading.parse_grade_id(meta["grade_id"])
        assert gid is not None, f"{meta['grade_id']}: name test cells question_check"
        calls = grading.parse_checks(cell.source)
        assert calls and {c.question for c in calls} == {gid.question}
        # The grade id names what the cell grades, so the gradebook tells per rule who failed.
        assert gid.check in {c.check for c in calls}
        for call in calls:
            grading.validate_check(grading.question(aid, call.question), call.check, call.args)
        answered.add(gid.question)
    auto = {q.id for q in grading.questions(aid) if q.kind != "hand"}
    assert answered == auto, "every question needs test cells"
    # A question graded by hand has its answer cell, a markdown cell the instructor scores.
    manual = {nbg(c)["grade_id"] for c in nb.cells if c.cell_type == "markdown" and nbg(c)}
    for q in grading.questions(aid):
        if q.kind == "hand":
            shows = [c for c in nb.cells if c.source.strip() == f'grading.show("{q.id}")']
            assert shows, f"{q.id} is never shown"
            after = nb.cells[nb.cells.index(shows[0]) + 1]
            assert after.cell_type == "markdown" and nbg(after)["grade_id"] in manual


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_every_note_question_has_a_live_editor_under_its_answer(aid: str) -> None:
    cells = notebook("solutions", aid).cells
    gids = [nbg(c).get("grade_id") for c in cells]
    for q in grading.questions(aid):
        if q.kind == "note":
            start = [c.source.strip() for c in cells].index(f'grading.show("{q.id}")')
            answer = gids.index(f"{q.id}_answer")
            end = next(i for i in range(answer, len(cells)) if nbg(cells[i]).get("grade"))
            # between the question's card and its first check, above or below the answer
            near = cells[start:end]
            assert any(f'grading.editor("{q.id}")' in c.source for c in near), q.id


def test_the_request_that_passes_every_rule_does_pass_every_rule() -> None:
    # The hand-graded sincerity question says the checker passes the note; hold it to that,
    # computed, so a rule change cannot quietly make the question's premise false.
    hand = [q for aid in ASSIGNMENTS for q in grading.questions(aid) if q.kind == "hand"]
    assert hand
    for q in hand:
        assert cw.check(q.base()).passed, q.id
        grading.start(q.assignment)
        assert "The checker's verdict: ✓ passes every rule" in grading.card(q.id)


def test_hidden_tests_and_solutions_stay_out_of_the_release() -> None:
    for aid in ASSIGNMENTS:
        source = notebook("solutions", aid)
        hidden = [c for c in source.cells if "BEGIN HIDDEN TESTS" in c.source]
        if any(q.kind in ("note", "reply") for q in grading.questions(aid)):
            assert hidden, f"{aid}: hidden tests check the specifics of notes and replies"
        assert all(nbg(c).get("grade") for c in hidden)
        release = nbformat.writes(notebook("exercises", aid))
        for marker in ("BEGIN HIDDEN TESTS", "BEGIN SOLUTION", '"mentions", "'):
            assert marker not in release


def test_the_capstone_reflection_is_graded_by_hand() -> None:
    cells = [c for c in notebook("solutions", "07_capstone").cells if nbg(c).get("grade")]
    manual = [c for c in cells if c.cell_type == "markdown"]
    assert {nbg(c)["grade_id"] for c in manual} == {"reflection", "rings-false"}
    assert all(nbg(c)["solution"] and nbg(c)["points"] > 0 for c in manual)


def answers(nb: Any) -> dict[str, Any]:
    """What the answer cells of a notebook set, run in a plain namespace (they only assign)."""
    namespace: dict[str, Any] = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and nbg(cell).get("solution"):
            exec(compile(cell.source, cell.id, "exec"), namespace)
    return namespace


def results(aid: str, nb: Any, namespace: dict[str, Any]) -> dict[str, list[grading.Result]]:
    """Every test cell's checks, judged on the namespace's answers, by grade id."""
    out = {}
    for cell in notebook("solutions", aid).cells:
        if cell.cell_type == "code" and nbg(cell).get("grade"):
            found = []
            for call in grading.parse_checks(cell.source):
                q = grading.question(aid, call.question)
                seen = grading.observe(q, call.check, call.args, namespace)
                found.append(grading.judge(aid, call.question, call.check, call.args, seen))
            out[nbg(cell)["grade_id"]] = found
    return out


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_the_solutions_pass_every_check_by_the_rules(aid: str) -> None:
    nb = notebook("solutions", aid)
    for gid, found in results(aid, nb, answers(nb)).items():
        failed = [r.text() for r in found if not r.passed]
        assert not failed, f"{aid} {gid}: the solution fails\n" + "\n".join(failed)


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_solution_notes_pass_every_rule_not_only_the_checked_ones(aid: str) -> None:
    namespace = answers(notebook("solutions", aid))
    for q in grading.questions(aid):
        if q.kind == "note":
            report = cw.check({**q.base(), "message": namespace[q.answer]})
            assert report.passed, f"{aid} {q.id}: {report.to_text()}"


def _answer_cell(nb, qid: str):
    return next(
        c
        for c in nb.cells
        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == f"{qid}_answer"
    )


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_the_release_starts_from_the_given_values_and_earns_nothing(aid: str) -> None:
    nb = notebook("exercises", aid)
    namespace = answers(nb)
    for q in grading.questions(aid):
        if q.kind == "hand":
            continue  # answered in a markdown cell, read by the instructor
        if isinstance(q.given, str):
            # answers start between triple quotes, so a blank one is a line break
            assert namespace[q.answer].strip() == q.given.strip(), f"{aid} {q.id}"
            assert '"""' in _answer_cell(nb, q.id).source, f"{aid} {q.id}: not triple-quoted"
        else:
            assert namespace[q.answer] == q.given, f"{aid} {q.id}: release differs from given"
    for gid, found in results(aid, nb, namespace).items():
        assert [r.status for r in found][:1] == ["not-attempted"], f"{aid} {gid}"


def test_the_hidden_key_holds_the_hard_threads_and_never_reaches_the_release() -> None:
    cell = next(
        c
        for c in notebook("solutions", "04_prompt_reply").cells
        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "q3_labels_harder"
    )
    hidden = [c for c in grading.parse_checks(cell.source) if c.check == "labels"]
    items = grading.question("04_prompt_reply", "q3").extra["items"]
    threads = [items[k]["thread"] for k in hidden[0].args[0]]
    assert any(sum(m["from"] == "sender" for m in t) > 1 for t in threads), "a holding reply"
    assert any(re.search(r"[+-]\d\d:\d\d$", m["at"]) for t in threads for m in t), "a time zone"
    assert any(not any(m["from"] == "sender" for m in t) for t in threads), "no reply at all"
    released = json.dumps(
        nbformat.read(ROOT / "exercises/04_prompt_reply/04_prompt_reply.ipynb", 4)
    )
    for _label, why in hidden[0].args[0].values():
        assert why[:40] not in released


def test_exercises_are_generated_from_solutions() -> None:
    script = load_script()
    assert script.main(["--check"]) == 0, (
        "exercises/ is stale: run python scripts/generate_exercises.py"
    )
