"""The exercises and their questions, read from data/assignments.yaml, and the grade ids of
their test cells. Used by the judge, the learner's notebook helpers and the cohort report.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Private references, captured when the kernel imports this module, before the learner's
# answers run: a later `cw.check = ...` in the notebook does not reach them.
from connectwell import data as _data
from connectwell.data import CourseError
from connectwell.rules import RULES as _REGISTRY

TRUSTED_RULES = dict(_REGISTRY)


KINDS = ("note", "reply", "decision", "contacts", "triage", "judgement", "hand")
MENTION_KINDS = (
    "article",
    "event",
    "connection",
    "company",
    "role",
    "skill",
    "job-skill",
    "detail",
)
LABELS = ("accept", "ignore", "report")
# nbgrader's Validate report cuts lines at 90 columns after a 4-space indent.
WIDTH = 84

# The checks each kind of question accepts, besides "attempted".
KIND_CHECKS: dict[str, tuple[str, ...]] = {
    "note": (*TRUSTED_RULES, "mentions"),
    "reply": ("prompt-reply", "one-follow-up", "mentions"),
    "decision": ("not-canned", "explains-fit", "why"),
    "contacts": ("has-reason", "motive-upfront"),
    "triage": ("label", "red-flags"),
    "judgement": ("labels",),
    "hand": (),  # graded by the instructor in nbgrader, never by a check
}


class GradingError(CourseError, ValueError):
    """A helper called with a name that is not in the exercises (a question, a check)."""


# ---------------------------------------------------------------- the exercises


@dataclass(frozen=True)
class Question:
    """One question of an assignment, as assignments.yaml describes it."""

    assignment: str
    id: str
    title: str
    answer: str
    kind: str
    given: Any
    brief: str
    scenario: Mapping[str, Any]
    hints: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    def base(self) -> dict[str, Any]:
        """A fresh copy of the scenario, safe to fill in."""
        return copy.deepcopy(dict(self.scenario))


def assignments() -> dict[str, Any]:
    return _data.load("assignments")


def assignment_ids() -> list[str]:
    return list(assignments())


def question(assignment: str, qid: str) -> Question:
    """The question `qid` of `assignment`; a GradingError names the valid ones."""
    questions = assignment_data(assignment)["questions"]
    if qid not in questions:
        raise GradingError(
            f"{assignment} has no question {qid!r}; its questions are {', '.join(questions)}"
        )
    raw = questions[qid]
    if raw.get("kind") not in KINDS:
        raise GradingError(f"{assignment} {qid}: kind must be one of {', '.join(KINDS)}")
    known = ("title", "answer", "kind", "given", "brief", "scenario", "hints")
    return Question(
        assignment=assignment,
        id=qid,
        title=raw.get("title", qid),
        answer=raw["answer"],
        kind=raw["kind"],
        given=raw.get("given"),
        brief=" ".join(str(raw.get("brief", "")).split()),
        scenario=raw.get("scenario") or {},
        hints=tuple(raw.get("hints") or ()),
        extra={k: v for k, v in raw.items() if k not in known},
    )


def questions(assignment: str) -> list[Question]:
    assignment_data(assignment)
    return [question(assignment, q) for q in assignments()[assignment]["questions"]]


def assignment_data(assignment: str) -> Mapping[str, Any]:
    book = assignments()
    if assignment not in book:
        raise GradingError(f"no assignment named {assignment!r}; choose from {', '.join(book)}")
    return book[assignment]


# ---------------------------------------------------------------- grade ids

_GRADE_ID = re.compile(
    r"^(?P<question>q\d+[a-z]?)_(?P<check>[a-z][a-z-]*)(?:_(?P<variant>[\w-]+))?$"
)


@dataclass(frozen=True)
class GradeId:
    """A test cell's grade_id read back: `q1_personalised` or `q3_prompt-reply_edge-cases`."""

    question: str
    check: str
    variant: str = ""

    @property
    def rule(self) -> str | None:
        """The rule this cell grades, for per-rule analytics; None for other checks."""
        return self.check if self.check in TRUSTED_RULES else None

    def __str__(self) -> str:
        return f"{self.question}_{self.check}" + (f"_{self.variant}" if self.variant else "")


def parse_grade_id(grade_id: str) -> GradeId | None:
    m = _GRADE_ID.match(grade_id)
    if not m:
        return None
    return GradeId(m["question"], m["check"], m["variant"] or "")
