"""A learner opens the feedback page nbgrader made for their graded exercise, in Chromium.

One submission, graded in a temporary copy of the course as an instructor grades a cohort: q1
is the instructor's answer, q2 an HTML/script payload, the rest untouched. The page shows the
score the gradebook holds and the teaching text of each failing visible check; the payload stays
text (nbconvert copies HTML outputs into the page as they are, so unescaped learner text in a
check's output would run here, in the instructor's browser too).
"""

from __future__ import annotations

import time
from pathlib import Path

from browser_support import Browser, Tab, record_time
from exercise_answers import (
    HTML_PAYLOAD,
    answered_source,
    expected_failures,
    payload_answer,
    solutions,
)
from nbgrader_course import Course, _script

ASSIGNMENT = "01_not_blank"
LEARNER = "learner"


def answers() -> dict[str, str]:
    return {"q1_answer": solutions(ASSIGNMENT)["q1_answer"], **payload_answer(ASSIGNMENT, "q2")}


def graded_course(dest: Path) -> Course:
    course = Course(_script().copy_course(dest))
    done = course.nbgrader("generate_assignment", ASSIGNMENT, "--force")
    assert done.returncode == 0, done.stderr
    sources = {gid: answered_source(ASSIGNMENT, gid, a) for gid, a in answers().items()}
    course.submit(LEARNER, ASSIGNMENT, course.answered(ASSIGNMENT, sources))
    for step in ("autograde", "generate_feedback"):
        done = course.nbgrader(step, ASSIGNMENT, "--force")
        assert done.returncode == 0, f"nbgrader {step}:\n{done.stdout}\n{done.stderr}"
    return course


def test_feedback_page_shows_the_score_and_keeps_answers_as_text(
    browser: Browser, tab: Tab, tmp_path: Path, artifacts: Path
) -> None:
    began = time.perf_counter()
    course = graded_course(tmp_path / "course")
    record_time("feedback", time.perf_counter() - began)
    score, most = course.total(LEARNER, ASSIGNMENT)

    page = tab.page
    page.goto(course.feedback(LEARNER, ASSIGNMENT).as_uri())
    page.screenshot(path=artifacts / "feedback.png", full_page=True)
    text = page.locator("body").inner_text()
    assert f"{ASSIGNMENT} (Score: {round(score, 2)} / {round(most, 2)})" in text
    failing = expected_failures(ASSIGNMENT, answers())
    assert failing, "untouched answers fail their `attempted` checks"
    for headline in failing.values():
        assert headline in text
    assert HTML_PAYLOAD in text, "the learner's answer is shown as they wrote it"
    assert page.evaluate("window.cwInjected") is None, "script in an answer ran"
    assert page.locator("#cw-injected").count() == 0, "markup in an answer became an element"
    assert tab.dialogs == []
