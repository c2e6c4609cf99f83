"""A learner answers an exercise in JupyterLab and presses nbgrader's Validate button.

First one answer is an HTML/script payload and the others are untouched: Validate lists the
failing test cells with their teaching text, and the payload stays text in its dialog (nbgrader
puts the error text into the dialog as HTML). Then every answer is the instructor's: Validate
says the notebook passes.

What Validate should list is worked out with `grading.judge`, so the test holds whatever the
rules decide today.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jupyterlab_ui as ui
import pytest
from browser_support import Browser, Lab, Tab
from exercise_answers import answer_cells, answered_source, expected_failures, payload_answer
from exercise_answers import solutions as instructor_answers

ASSIGNMENT = "01_not_blank"
NOTEBOOK = f"exercises/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"


def answer(page: Any, answers: dict[str, str]) -> None:
    cells = answer_cells(ASSIGNMENT)
    for grade_id, text in answers.items():
        ui.set_source(page, cells[grade_id], answered_source(ASSIGNMENT, grade_id, text))


def test_validate_lists_failing_checks_then_passes_the_solutions(
    lab: Lab, browser: Browser, tab: Tab, artifacts: Path
) -> None:
    page = tab.page
    ui.open_notebook(page, lab.url(NOTEBOOK))
    assert ui.toolbar_button(page, "Validate").count() == 1, "nbgrader's Validate button is missing"

    attempt = payload_answer(ASSIGNMENT, "q1")  # the other questions keep their starting value
    want = expected_failures(ASSIGNMENT, attempt)
    assert want, "untouched answers fail their `attempted` checks"
    answer(page, attempt)
    dialog = ui.validate(page)
    dialog.screenshot(path=artifacts / "validate-failed.png")
    shown = ui.failed_cells(dialog)
    assert set(shown) == set(want)
    for source, headline in want.items():
        assert headline in shown[source], source
    assert page.evaluate("window.cwInjected") is None, "script in an answer ran"
    assert page.locator("#cw-injected").count() == 0, "markup in an answer became an element"
    assert dialog.locator("img, script").count() == 0
    ui.close_dialog(dialog)

    solved = instructor_answers(ASSIGNMENT)
    want = expected_failures(ASSIGNMENT, solved)
    answer(page, solved)
    dialog = ui.validate(page)
    dialog.screenshot(path=artifacts / "validate-passed.png")
    if want:  # a rule change made a solution fail: Validate must say which, and the test fails
        assert set(ui.failed_cells(dialog)) == set(want)
        pytest.fail(f"the instructor's solutions fail: {sorted(want.values())}")
    assert dialog.locator(".validation-success").count() == 1, dialog.inner_text()
    ui.close_dialog(dialog)

    assert tab.dialogs == [] and tab.errors == []
    assert tab.external == [], "JupyterLab tried to reach the internet"
