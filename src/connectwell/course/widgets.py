"""The course's interactive widgets (ipywidgets 8), as a course notebook reaches them: a live
checker, a scenario picker, a request quiz and its answer key, a reply timer, and tables and
cards of examples. Each lives in its own module here; this one only gathers them.

    from connectwell import widgets
    checker = widgets.LiveChecker("priya")
    checker            # in JupyterLab: a text box whose verdicts update as you type
    print(checker.summary())   # the same, as plain text (nbval, nbgrader, a terminal)

Every widget works without a browser: set its values from Python (`checker.text = "..."`,
`quiz.answer("report")`, `timer.delay_hours = 30`) and read what it would show. Learner text
always reaches HTML through html.escape. These modules import ipywidgets, so `import connectwell`
never imports them.
"""

from __future__ import annotations

from connectwell.course.display import WidgetError
from connectwell.course.checker import LiveChecker
from connectwell.course.examples import (
    Comparison,
    ExampleCards,
    Table,
    compare,
    examples,
    profiles_table,
    rules_table,
)
from connectwell.course.picker import ScenarioPicker
from connectwell.course.quiz import AnswerKey, RequestQuiz
from connectwell.course.timer import ReplyTimer

__all__ = [
    "AnswerKey",
    "Comparison",
    "ExampleCards",
    "LiveChecker",
    "ReplyTimer",
    "RequestQuiz",
    "ScenarioPicker",
    "Table",
    "WidgetError",
    "compare",
    "examples",
    "profiles_table",
    "rules_table",
]
