"""The grading wing, for instructors, and the helpers a learner's exercise notebook calls.

This package's own names are those a notebook uses (start, show, hint, feedback, editor, check)
and the judge's vocabulary; the modules beside it hold the exercises (exercises.py), results and
evidence (results.py), the judges (judges.py), test cells read back (check_calls.py), the notebook
helpers (notebook.py), nbgrader's preprocessors (preprocessors.py, inert.py), the sandbox
(sandbox.py), warm kernels (kernels.py), gradebooks (gradebooks.py), `connectwell grade`
(cohort/) and `connectwell report` (report.py, report_html.py). Importing this package imports
no nbgrader: a learner's kernel imports it.

How an exercise is graded:

An exercise notebook (solutions/NN_name/NN_name.ipynb, released to exercises/) starts with

    from connectwell import grading
    grading.start("02_personalised")

Each question has an answer cell that sets a variable (a note, a reply, a label, a verdict per
reply) and test cells. A test cell is one or more calls, each checking one thing:

    grading.check("q1", "personalised")          # a rule, by its name
    grading.check("q1", "mentions", "article")   # a specific, usually in a hidden test

Everything else about a question (the variable, the profile, the starting value, the hints) is
in connectwell/data/assignments.yaml. A test cell's nbgrader grade_id is `{question}_{check}`,
e.g. `q1_personalised`, so the gradebook says per rule who failed (see `parse_grade_id`).

Checks: every rule name, plus
    attempted             the answer is no longer the starting value
    mentions KIND         the note names the recipient's KIND: article, event, connection,
                          company, role, skill, or job-skill (a skill of theirs the job needs)
    why WORDS             (decision) the reason names the mismatch: contains one of WORDS
    label LABEL WHY       (triage) the label, against a person's answer key in the test cell
    red-flags FLAGS WHY   (triage) the red flags, in the plain words the assignment lists
    labels KEY            (judgement) the learner's label for each item agrees with KEY, a
                          person's answer key written in the test cell: {"a": ["late", "why"]}
For a decision or contacts question a rule check asks whether the learner's judgement agrees
with that rule. A judgement question is graded against the key in its test cell; the
keys of the harder items sit in hidden tests, which never reach the learner's kernel.

Outcomes are those of Kaggle's learntools: passed, not attempted (the starting value is
untouched), wrong (with the rule's reason and a hint), or your code crashed. A failing check
raises an exception whose traceback is only the teaching text, never a bare AssertionError.

Trust: the learner's code runs in the same kernel as the test cells and can change anything
there, so what check() concludes in the kernel is feedback only. check() also puts what it saw
(the *evidence*: the answer) into the cell's output. While nbgrader
autogrades, preprocessors.TrustedChecks reads each test cell's source from the gradebook
and grades that evidence again with `judge`, in nbgrader's own process, where no learner code
runs. Rewriting the evidence only changes which answer is graded, never how.
"""

from __future__ import annotations

from connectwell.grading.check_calls import CheckCall, parse_checks
from connectwell.grading.exercises import (
    KINDS,
    LABELS,
    MENTION_KINDS,
    WIDTH,
    GradeId,
    GradingError,
    Question,
    assignment_ids,
    assignments,
    parse_grade_id,
    question,
    questions,
)
from connectwell.grading.judges import judge, red_flags, should_send, validate_check
from connectwell.grading.notebook import (
    card,
    check,
    editor,
    feedback,
    hint,
    show,
    start,
    syntax_error_text,
)
from connectwell.grading.results import (
    EVIDENCE_MIME,
    RESULT_MIME,
    CheckFailed,
    CodeCrashed,
    NotAttempted,
    Result,
    RuleFailed,
    Status,
    WrongAnswer,
    observe,
)

__all__ = [
    "EVIDENCE_MIME",
    "KINDS",
    "LABELS",
    "MENTION_KINDS",
    "RESULT_MIME",
    "WIDTH",
    "CheckCall",
    "CheckFailed",
    "CodeCrashed",
    "GradeId",
    "GradingError",
    "NotAttempted",
    "Question",
    "Result",
    "RuleFailed",
    "Status",
    "WrongAnswer",
    "assignment_ids",
    "assignments",
    "card",
    "check",
    "editor",
    "feedback",
    "hint",
    "judge",
    "observe",
    "parse_checks",
    "parse_grade_id",
    "question",
    "questions",
    "red_flags",
    "should_send",
    "show",
    "start",
    "syntax_error_text",
    "validate_check",
]
