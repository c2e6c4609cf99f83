"""The course's data files (YAML in connectwell/data/), loaded by name and shared by the
course notebooks, the widgets and the exercises, so one recipient profile is one fact.

    profiles.yaml  id -> {recipient, sender?, job?, purpose?, blurb}: the people notes go to
    lessons.yaml   notebook stem -> example notes, each naming a profile and saying what to notice
    quiz.yaml      {incoming, triage}: requests a learner accepts, ignores or reports

The helpers below turn those entries into scenario mappings that `connectwell.check` reads.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

# The scenario fields a lesson example may override: the parser's own list, not a copy.
from connectwell.scenario import SCENARIO_FIELDS

QUIZ_ANSWERS = ("accept", "ignore", "report")
QUIZ_SETS = ("incoming", "triage")
# Keys of a lesson example that are not part of its scenario.
_EXAMPLE_KEYS = ("id", "profile", "comment", "shows")


class CourseError(Exception):
    """Bad input from a learner: one sentence naming what is wrong and how to fix it.

    In a notebook IPython shows that one line instead of a traceback (`_render_traceback_`).
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


class CourseDataError(CourseError, KeyError):
    """A name that is not in the course data (a profile id, a lesson, a quiz set); a KeyError
    so that `except KeyError` still catches it."""


@cache
def load(name: str) -> Any:
    """Parse connectwell/data/NAME.yaml (cached; treat the result as read-only)."""
    import yaml

    folder = resources.files("connectwell") / "data"
    path = folder / f"{name}.yaml"
    if not path.is_file():
        available = sorted(
            p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
        )
        raise CourseDataError(f"no data file named {name!r}; available: {', '.join(available)}")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _choose(kind: str, name: Any, choices: Any) -> str:
    """Check a name against the ids a learner may pass; the error lists the valid ones."""
    if not isinstance(name, str) or name not in choices:
        raise CourseDataError(f"no {kind} named {name!r}; choose from {', '.join(choices)}")
    return name


# ---------------------------------------------------------------- profiles


def profile_ids() -> list[str]:
    """Every recipient profile id, in file order."""
    return list(load("profiles"))


def profile(id: str) -> dict[str, Any]:
    """One profile: {recipient, sender?, job?, purpose?, blurb} (a copy: edit it freely)."""
    profiles = load("profiles")
    return copy.deepcopy(profiles[_choose("profile", id, profiles)])


def scenario_for(profile_id: str, message: str = "", **overrides: Any) -> dict[str, Any]:
    """A full scenario mapping: the profile's recipient, sender, job and purpose plus the note.

    overrides replace scenario fields (purpose="article", account="premium", job={...},
    thread=[...]); an override of None removes the field, e.g. job=None, purpose=None.
    """
    for key in overrides:
        if key not in SCENARIO_FIELDS:
            raise CourseDataError(
                f"{key}: not a scenario field; expected one of {', '.join(SCENARIO_FIELDS[1:])}"
            )
    entry = profile(profile_id)
    scenario: dict[str, Any] = {"message": message}
    for key in ("purpose", "sender", "recipient", "job"):
        if entry.get(key) is not None:
            scenario[key] = entry[key]
    for key, value in overrides.items():
        if value is None:
            scenario.pop(key, None)
        else:
            scenario[key] = copy.deepcopy(value)
    return scenario


# ---------------------------------------------------------------- lessons


@dataclass(frozen=True, eq=False)
class Example(Mapping[str, Any]):
    """One example note from a lesson: what to notice, and the scenario to check.

    It is also a read-only mapping of its scenario, so `connectwell.check(example)` works.
    """

    id: str
    comment: str
    scenario: dict[str, Any]
    profile: str = ""
    # The verdicts the comment claims, rule name -> "pass"/"fail"/"n/a"; a test holds the
    # checker to them, so a lesson never says one thing while its own report shows another.
    shows: Mapping[str, str] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.scenario["message"]

    def __getitem__(self, key: str) -> Any:
        return self.scenario[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.scenario)

    def __len__(self) -> int:
        return len(self.scenario)


def lesson_stems() -> list[str]:
    """The course notebooks that have examples, in course order."""
    return list(load("lessons"))


def lesson_examples(stem: str) -> list[Example]:
    """The example notes of one lesson notebook, e.g. lesson_examples("04_personalised")."""
    lessons = load("lessons")
    stem = stem.removesuffix(".ipynb")
    return [_example(item) for item in lessons[_choose("lesson", stem, lessons)]]


def example(id: str) -> Example:
    """One lesson example by its id, whichever lesson it is in."""
    for items in load("lessons").values():
        for item in items:
            if item["id"] == id:
                return _example(item)
    raise CourseDataError(f"no lesson example named {id!r}; see lesson_examples(stem) for the ids")


def _example(item: dict[str, Any]) -> Example:
    overrides = {k: v for k, v in item.items() if k not in _EXAMPLE_KEYS and k != "message"}
    scenario = scenario_for(item["profile"], item["message"], **overrides)
    return Example(
        item["id"],
        item.get("comment", ""),
        scenario,
        item["profile"],
        dict(item.get("shows") or {}),
    )


# ---------------------------------------------------------------- quiz


@dataclass(frozen=True)
class QuizItem:
    """A request that arrived: accept it, ignore it, or report it, and why."""

    id: str
    sender: dict[str, str]
    message: str
    answer: Literal["accept", "ignore", "report"]
    why: str
    flags: tuple[str, ...] = ()
    # The learner's persona ("you" in quiz.yaml), so the rules can judge personalisation.
    recipient: dict[str, Any] = field(default_factory=dict)
    purpose: str | None = None
    job: dict[str, Any] | None = None

    @property
    def scenario(self) -> dict[str, Any]:
        """The request as a scenario mapping, ready for connectwell.check."""
        out: dict[str, Any] = {"message": self.message, "sender": dict(self.sender)}
        if self.recipient:
            out["recipient"] = copy.deepcopy(self.recipient)
        if self.purpose:
            out["purpose"] = self.purpose
        if self.job:
            out["job"] = copy.deepcopy(self.job)
        return out


def quiz(set: str = "incoming") -> list[QuizItem]:
    """The quiz items of one set: "incoming" (notebook 02) or "triage" (notebook 08)."""
    data = load("quiz")
    items = data[_choose("quiz set", set, QUIZ_SETS)]
    you = data.get("you") or {}
    return [
        QuizItem(
            id=item["id"],
            sender=dict(item["sender"]),
            message=item["message"],
            answer=item["answer"],
            why=item["why"],
            flags=tuple(item.get("flags") or ()),
            recipient=copy.deepcopy(item.get("recipient") or you),
            purpose=item.get("purpose"),
            job=copy.deepcopy(item.get("job")),
        )
        for item in items
    ]


def quiz_persona() -> dict[str, Any]:
    """Who "you" are in the quizzes: the recipient profile every quiz request is sent to."""
    return copy.deepcopy(load("quiz").get("you") or {})
