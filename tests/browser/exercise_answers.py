"""An exercise's answer cells and what its visible test cells conclude about a set of answers,
worked out with `grading.judge` (what the test cells call), so no test states a verdict.
For questions whose answer is a value (a note, a reply, a label), not a function."""

from __future__ import annotations

from typing import Any

import nbformat
from browser_support import ROOT

from connectwell import grading

STUB = "# YOUR ANSWER HERE"  # where a learner's answer goes (nbgrader_config.py's code_stub)
HTML_PAYLOAD = (
    '<img src=x onerror="window.cwInjected=1;alert(1)"><script>window.cwInjected=2</script>'
    '<b id="cw-injected">Hi there</b>, great to meet you'
)


def nbgrader_meta(cell: Any) -> dict[str, Any]:
    return cell.metadata.get("nbgrader", {})


def release(assignment: str) -> Any:
    return nbformat.read(ROOT / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)


def answer_cells(assignment: str) -> dict[str, int]:
    """Answer cells: grade id -> index in the notebook."""
    return {
        nbgrader_meta(c)["grade_id"]: i
        for i, c in enumerate(release(assignment).cells)
        if nbgrader_meta(c).get("solution")
    }


def solutions(assignment: str) -> dict[str, str]:
    """The instructor's answer for each answer cell (by grade id): its solution region."""
    nb = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    out = {}
    for cell in nb.cells:
        if nbgrader_meta(cell).get("solution"):
            lines = cell.source.splitlines()
            begin, end = lines.index("### BEGIN SOLUTION"), lines.index("### END SOLUTION")
            out[nbgrader_meta(cell)["grade_id"]] = "\n".join(lines[begin + 1 : end])
    return out


def payload_answer(assignment: str, qid: str) -> dict[str, str]:
    """An answer that sets question `qid`'s note to HTML_PAYLOAD."""
    variable = grading.question(assignment, qid).answer
    return {f"{qid}_answer": f"{variable} = {HTML_PAYLOAD!r}"}


def answered_source(assignment: str, grade_id: str, answer: str) -> str:
    """The answer cell as the learner leaves it: the starting value, then their answer."""
    index = answer_cells(assignment)[grade_id]
    return release(assignment).cells[index].source.replace(STUB, answer)


def expected_failures(assignment: str, answers: dict[str, str]) -> dict[str, str]:
    """The visible test cells that fail, given the answers (grade id -> what replaces the stub),
    as source -> the headline the learner reads. A cell stops at its first failing check."""
    nb = release(assignment)
    namespace: dict[str, Any] = {}
    for cell in nb.cells:  # the answer cells, run as the learner's kernel runs them
        grade_id = nbgrader_meta(cell).get("grade_id")
        if nbgrader_meta(cell).get("solution"):
            exec(answered_source(assignment, grade_id, answers.get(grade_id, STUB)), namespace)
    failures = {}
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if not meta.get("grade") or meta.get("solution"):
            continue
        for call in grading.parse_checks(cell.source):
            q = grading.question(assignment, call.question)
            evidence = {"state": "ok", "value": namespace[q.answer]}
            result = grading.judge(assignment, call.question, call.check, call.args, evidence)
            if not result.passed:
                failures[cell.source.strip()] = result.headline()
                break
    return failures
