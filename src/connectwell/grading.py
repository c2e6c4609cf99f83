"""Autograded exercises: the helpers the exercise notebooks call, and the judge that grades them.

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
autogrades, connectwell.autograde.TrustedChecks reads each test cell's source from the gradebook
and grades that evidence again with `judge`, in nbgrader's own process, where no learner code
runs. Rewriting the evidence only changes which answer is graded, never how.
"""

from __future__ import annotations

import ast
import copy
import html
import os
import re
import sys
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

# Private references, captured when the kernel imports this module, before the learner's
# answers run: a later `cw.check = ...` in the notebook does not reach them.
from connectwell import data as _data
from connectwell.context import Context as _Context
from connectwell.data import CourseError
from connectwell.engine import check as _engine_check
from connectwell.report import Finding, Report
from connectwell.rules import RULES as _REGISTRY
from connectwell.rules.not_canned import off_field as _off_field
from connectwell.scenario import parse_scenario as _parse_scenario
from connectwell.text import fold_plain as _fold

_RULES = dict(_REGISTRY)
# What each rule object ran when we imported it, to notice a kernel where they were replaced.
_RULE_CODE = {name: (rule, rule.run, rule.run.__code__) for name, rule in _RULES.items()}

EVIDENCE_MIME = "application/vnd.connectwell.evidence+json"
RESULT_MIME = "application/vnd.connectwell.result+json"

Status = Literal["pass", "wrong", "not-attempted", "crashed"]
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
_KIND_CHECKS: dict[str, tuple[str, ...]] = {
    "note": (*_RULES, "mentions"),
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
    questions = _assignment(assignment)["questions"]
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
    _assignment(assignment)
    return [question(assignment, q) for q in assignments()[assignment]["questions"]]


def _assignment(assignment: str) -> Mapping[str, Any]:
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
        return self.check if self.check in _RULES else None

    def __str__(self) -> str:
        return f"{self.question}_{self.check}" + (f"_{self.variant}" if self.variant else "")


def parse_grade_id(grade_id: str) -> GradeId | None:
    m = _GRADE_ID.match(grade_id)
    if not m:
        return None
    return GradeId(m["question"], m["check"], m["variant"] or "")


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Result:
    """What one check concluded about one answer."""

    question: str
    check: str
    status: Status
    message: str
    hint: str = ""
    why: str = ""
    title: str = ""

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    @property
    def rule(self) -> str | None:
        return self.check if self.check in _RULES else None

    @property
    def ename(self) -> str:
        """The exception name a failure is shown under, in the notebook and in feedback."""
        if self.status == "not-attempted":
            return "NotAttempted"
        if self.status == "crashed":
            return "CodeCrashed"
        return "RuleFailed" if self.rule else "WrongAnswer"

    def _label(self) -> str:
        if self.rule:
            return f"{self.check} ({_RULES[self.check].code})"
        return self.check

    def headline(self) -> str:
        where = f"{self.question}" + (f", {self.title}" if self.title else "")
        if self.status == "pass":
            return f"✓ {self._label()}: {self.message}"
        if self.status == "not-attempted":
            return f"✗ Not attempted yet ({where})"
        if self.status == "crashed":
            return f"✗ Your code crashed ({where}; check {self.check})"
        return f"✗ {self._label()} failed ({where})"

    def paragraphs(self) -> list[str]:
        """The teaching text under the headline: what failed, why it matters, what to try."""
        if self.status == "pass":
            return []
        out = [self.message]
        if self.why:
            out.append(f"Why it matters: {self.why}")
        if self.hint:
            out.append(f"Try this: {self.hint}")
        if self.status != "crashed":
            out.append(
                f'Stuck? Run grading.hint("{self.question}"); each call gives the next hint.'
            )
        return out

    def lines(self) -> list[str]:
        """Headline and paragraphs, wrapped to fit nbgrader's Validate report (90 columns)."""
        out = [self.headline()]
        for text in self.paragraphs():
            out += textwrap.wrap(text, WIDTH, initial_indent="  ", subsequent_indent="    ")
        return out

    def text(self) -> str:
        return "\n".join(self.lines())

    def to_html(self) -> str:
        colour = "#1b7f3b" if self.passed else "#b3261e"
        body = "".join(
            f'<div style="margin-left:1.4em">{html.escape(text)}</div>'
            for text in self.paragraphs()
        )
        return (
            f'<div class="cw-check cw-{self.status}" data-check="{html.escape(self.check)}">'
            f'<span style="color:{colour};font-weight:bold">{html.escape(self.headline())}</span>'
            f"{body}</div>"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "check": self.check,
            "rule": self.rule,
            "status": self.status,
            "message": self.message,
            "hint": self.hint,
        }


class CheckFailed(Exception):
    """A check that did not pass; IPython shows only the teaching lines, no traceback."""

    def __init__(self, result: Result):
        super().__init__(result.message)
        self.result = result

    def _render_traceback_(self) -> list[str]:
        return self.result.lines()


class NotAttempted(CheckFailed):
    pass


class CodeCrashed(CheckFailed):
    pass


class WrongAnswer(CheckFailed):
    pass


class RuleFailed(WrongAnswer):
    pass


_EXCEPTIONS: dict[str, type[CheckFailed]] = {
    cls.__name__: cls for cls in (NotAttempted, CodeCrashed, WrongAnswer, RuleFailed)
}


# ---------------------------------------------------------------- evidence: what the kernel saw


def _jsonable(value: Any, depth: int = 0) -> Any:
    """The value as JSON, or a marker naming its type when it has no faithful JSON form."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if depth < 4 and isinstance(value, list | tuple):
        return [_jsonable(v, depth + 1) for v in value]
    if depth < 4 and isinstance(value, Mapping) and all(isinstance(k, str) for k in value):
        return {k: _jsonable(v, depth + 1) for k, v in value.items()}
    return {"__type__": type(value).__name__}


def _type_name(value: Any) -> str:
    if isinstance(value, Mapping) and "__type__" in value and len(value) == 1:
        return str(value["__type__"])
    return {
        str: "text",
        dict: "a dict",
        list: "a list",
        bool: "True/False",
        int: "a number",
        float: "a number",
        type(None): "None",
    }.get(type(value), type(value).__name__)


def observe(
    q: Question, check: str, args: tuple[Any, ...], namespace: Mapping[str, Any]
) -> dict[str, Any]:
    """The evidence for one check: the learner's answer."""
    if q.answer not in namespace:
        return {"state": "missing"}
    return {"state": "ok", "value": _jsonable(namespace[q.answer])}


# ---------------------------------------------------------------- the judge


def _result(
    q: Question, check: str, status: Status, message: str, hint: str = "", why: str = ""
) -> Result:
    return Result(q.id, check, status, message, hint, why, q.title)


def _rule_result(q: Question, check: str, finding: Finding) -> Result:
    if finding.passed:
        return _result(q, check, "pass", finding.message)
    return _result(q, check, "wrong", finding.message, finding.hint, _RULES[check].why)


def _run_rule(scenario: Mapping[str, Any], rule: str, **options: Any) -> Finding:
    return _engine_check(scenario, rules=[rule], **options)[rule]


def judge(
    assignment: str, qid: str, check: str, args: tuple[Any, ...] | list[Any], evidence: Any
) -> Result:
    """Grade one check from its evidence. Pure: the kernel and the autograder call it alike.

    Never raises for a learner's answer, however odd; only a test cell naming an unknown
    question or check raises GradingError (the instructor's mistake, caught when testing).
    """
    q = question(assignment, qid)
    args = tuple(args)
    validate_check(q, check, args)
    if not isinstance(evidence, Mapping) or evidence.get("state") not in ("ok", "missing"):
        return _result(q, check, "crashed", "The check could not read your answer.")
    if evidence["state"] == "missing":
        return _result(
            q,
            check,
            "crashed",
            f"{q.answer} is not defined when this check runs: the cell that sets it raised an "
            f"error, or no longer sets {q.answer}.",
            "Run the answer cell above; if it shows an error, fix that first, then run this cell.",
        )
    try:
        return _JUDGES[q.kind](q, check, args, evidence.get("value"))
    except Exception as exc:  # an answer shaped in a way we did not foresee is still graded
        return _result(
            q, check, "wrong", f"Your answer could not be checked ({type(exc).__name__})."
        )


def validate_check(q: Question, check: str, args: tuple[Any, ...] = ()) -> None:
    allowed = ("attempted", *_KIND_CHECKS[q.kind])
    if check not in allowed:
        raise GradingError(
            f"{q.assignment} {q.id} ({q.kind}) has no check {check!r}; "
            f"use one of {', '.join(allowed)}"
        )
    if check == "mentions" and (len(args) != 1 or args[0] not in MENTION_KINDS):
        raise GradingError(f"mentions needs one of {', '.join(MENTION_KINDS)}, got {args!r}")
    if check == "labels":
        _validate_key(q, args)
    if check in ("label", "red-flags"):
        _validate_triage_key(q, check, args)


def _not_attempted(q: Question, check: str) -> Result:
    what = {
        "note": "the starting note",
        "reply": "the starting reply",
        "decision": "the starting decision (send is None)",
        "contacts": "the starting value: every contact is still '?'",
        "triage": "the starting value: the label is still '?'",
        "judgement": "the starting value: every item is still '?'",
    }.get(q.kind, "the starting value")
    return _result(
        q,
        check,
        "not-attempted",
        f"{q.answer} is still {what}.",
        "Write your answer in the answer cell, run it, then run this cell again.",
    )


def _needs_text(q: Question, check: str, value: Any) -> Result | None:
    # Answers sit between triple quotes, so the lines around the text are not part of it.
    if value == q.given or (isinstance(value, str) and value.strip() == str(q.given or "").strip()):
        return _not_attempted(q, check)
    if not isinstance(value, str):
        return _result(
            q,
            check,
            "wrong",
            f"{q.answer} should be text in quotes, but it is {_type_name(value)}.",
            f'Write it as {q.answer} = "Hi ..., ..."',
        )
    return None


def _details(scenario: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The specific things about the recipient the message names, as (kind, value)."""
    return [(m.kind, m.value) for m in _Context(_parse_scenario(scenario)).details]


_MENTION_WORDS = {
    "article": ("the article you were told about", "articles"),
    "event": ("where you met", "events"),
    "connection": ("your shared connection", "shared_connections"),
    "company": ("their company", "company"),
    "role": ("their role", "headline"),
    "skill": ("one of their skills", "skills"),
    "job-skill": ("a skill of theirs that the job needs", "skills"),
    # For questions that hand over a whole profile: the learner chooses which detail to use.
    "detail": ("something specific from their profile", ""),
}
# What counts as "specific" for the detail kind: the company or the job title alone is on
# every profile and says nothing about why this person.
_SPECIFIC_KINDS = ("article", "event", "connection", "skill")


def _mentions(q: Question, check: str, text: str, kind: str) -> Result:
    scenario = q.base()
    scenario["message"] = text
    recipient = scenario.get("recipient") or {}
    first = str(recipient.get("name", "them")).split(" ")[0]
    found = _details(scenario)
    if kind == "job-skill":
        job_skills = {_fold(s) for s in (scenario.get("job") or {}).get("skills", [])}
        hits = [v for k, v in found if k == "skill" and _fold(v) in job_skills]
        wanted = [s for s in recipient.get("skills", []) if _fold(s) in job_skills]
    elif kind == "detail":
        hits = [v for k, v in found if k in _SPECIFIC_KINDS]
        wanted = [v for k in _SPECIFIC_KINDS for v in recipient.get(_MENTION_WORDS[k][1], [])]
    else:
        hits = [v for k, v in found if k == kind]
        field_value = recipient.get(_MENTION_WORDS[kind][1], [])
        wanted = [field_value] if isinstance(field_value, str) else list(field_value)
    words = _MENTION_WORDS[kind][0]
    if hits:
        return _result(q, check, "pass", f"Names {words}: {hits[0]}.")
    example = f" ({', '.join(map(str, wanted[:2]))})" if wanted else ""
    return _result(
        q,
        check,
        "wrong",
        f"The text never names {words}{example}.",
        f"That detail is what shows {first} the note was written for them: name it, or its topic.",
    )


def _judge_text(q: Question, check: str, args: tuple[Any, ...], value: Any) -> Result | None:
    """What every written answer (a note or a reply) is checked for before the rules."""
    problem = _needs_text(q, check, value)
    if problem:
        return problem
    if check == "attempted":
        return _result(q, check, "pass", "Answered.")
    if check == "mentions":
        return _mentions(q, check, value.strip(), args[0])
    return None


def _judge_note(q: Question, check: str, args: tuple[Any, ...], value: Any) -> Result:
    early = _judge_text(q, check, args, value)
    if early:
        return early
    scenario = q.base()
    scenario["message"] = value.strip()
    return _rule_result(q, check, _run_rule(scenario, check))


def _judge_reply(q: Question, check: str, args: tuple[Any, ...], value: Any) -> Result:
    early = _judge_text(q, check, args, value)
    if early:
        return early
    scenario = q.base()
    scenario["thread"] = [
        *scenario.get("thread", []),
        {"from": "sender", "at": q.extra["reply_at"], "text": value.strip()},
    ]
    return _rule_result(q, check, _run_rule(scenario, check))


def should_send(q: Question) -> tuple[bool, Finding]:
    """Whether the offer in a decision question is worth rewriting and sending, and the finding
    that says so: an offer from another field cannot be fixed by rewording it."""
    scenario = q.base()
    ctx = _Context(_parse_scenario(scenario))
    return not _off_field(ctx), _run_rule(scenario, "not-canned")


def _judge_decision(q: Question, check: str, args: tuple[Any, ...], value: Any) -> Result:
    if value == q.given or (isinstance(value, Mapping) and value.get("send") is None):
        return _not_attempted(q, check)
    if not (
        isinstance(value, Mapping)
        and isinstance(value.get("send"), bool)
        and isinstance(value.get("reason", ""), str)
    ):
        return _result(
            q,
            check,
            "wrong",
            f"{q.answer} should be a dict with send (True or False) and reason (text).",
            f'Write it as {q.answer} = {{"send": False, "reason": "..."}}',
        )
    send, reason = value["send"], value.get("reason", "")
    if check == "attempted":
        return _result(q, check, "pass", "Answered.")
    if check == "why":
        words = [w for w in args[0]] if args else []
        folded = _fold(reason)
        if len(folded.split()) >= 4 and any(_fold(w) in folded for w in words):
            return _result(q, check, "pass", "Your reason names what does not match.")
        return _result(
            q,
            check,
            "wrong",
            "Your reason does not say what is wrong with the match.",
            "In one sentence, compare the job's field and skills with the candidate's.",
        )
    right, finding = should_send(q)
    first = str((q.scenario.get("recipient") or {}).get("name", "them")).split(" ")[0]
    if send == right:
        verdict = "send it, once rewritten" if right else "not to send it"
        return _result(q, check, "pass", f"Right call: {verdict}.")
    if right:
        return _result(
            q,
            check,
            "wrong",
            f"This offer fits {first}'s field; it only needs rewriting, so the answer is to "
            "send it.",
            "Rewrite it to name the role and the skills that match, then send it.",
        )
    return _result(
        q,
        check,
        "wrong",
        f"Sending it would be a mistake: {finding.message}",
        finding.hint or "Don't send an offer from a field the person never worked in.",
        _RULES["not-canned"].why,
    )


def _no_note(note: Any) -> bool:
    return note is None or (isinstance(note, str) and not note.strip())


def _judge_contacts(q: Question, check: str, args: tuple[Any, ...], value: Any) -> Result:
    if value == q.given:
        return _not_attempted(q, check)
    people: Mapping[str, Any] = q.extra["contacts"]
    if not isinstance(value, Mapping) or set(value) != set(people):
        return _result(
            q,
            check,
            "wrong",
            f"{q.answer} should be a dict with exactly these names: {', '.join(people)}.",
            "Give each name a note (text) or None.",
        )
    if any(v == "?" for v in value.values()):
        return _result(
            q, check, "wrong", "Some contacts still have '?'.", "Give each one a note or None."
        )
    if any(not (_no_note(v) or isinstance(v, str)) for v in value.values()):
        return _result(q, check, "wrong", "Each value should be a note (text) or None.")
    if check == "attempted":
        return _result(q, check, "pass", "Answered.")
    lines, ok = [], True
    for name, person in people.items():
        note = value[name]
        first = name.split(" ")[0]
        scenario = {k: copy.deepcopy(v) for k, v in person.items() if k != "context"}
        has_reason = bool(person.get("purpose"))
        if check == "has-reason":
            if has_reason and _no_note(note):
                ok = False
                lines.append(f"{first}: you do have a reason ({person['context']}) Write to them.")
            elif not has_reason and not _no_note(note):
                ok = False
                lines.append(
                    f"{first}: you have no reason to connect, so the note can only pretend one."
                )
            elif has_reason:
                finding = _run_rule({**scenario, "message": note}, "has-reason")
                if not finding.passed:
                    ok = False
                    lines.append(f"{first}: {finding.message}")
        elif not _no_note(note):  # motive-upfront, for each note written
            finding = _run_rule({**scenario, "message": note}, "motive-upfront")
            if not finding.passed:
                ok = False
                lines.append(f"{first}: {finding.message}")
    if check == "motive-upfront" and all(_no_note(v) for v in value.values()):
        return _result(q, check, "wrong", "You wrote no notes, so no motive comes first.")
    if ok:
        return _result(q, check, "pass", "Every contact is handled right.")
    rule = _RULES[check]
    return _result(q, check, "wrong", " ".join(lines), rule.fix, rule.why)


def red_flags(assignment: str) -> list[str]:
    """The red flags a triage assignment names, in plain words (assignments.yaml)."""
    return list(_assignment(assignment).get("red_flags") or [])


def _validate_triage_key(q: Question, check: str, args: tuple[Any, ...]) -> None:
    """label ["report", "why"] or red-flags [["rushes you", ...], "why"], as a test cell writes."""
    ok = len(args) == 2 and isinstance(args[1], str)
    if ok and check == "label":
        ok = args[0] in LABELS
    elif ok:
        vocabulary = red_flags(q.assignment)
        ok = isinstance(args[0], list | tuple) and all(f in vocabulary for f in args[0])
    if not ok:
        raise GradingError(
            f'{q.assignment} {q.id}: write check("{q.id}", "label", "report", "why") or '
            f'check("{q.id}", "red-flags", ["..."], "why") with red flags from assignments.yaml'
        )


def _judge_triage(q: Question, check: str, args: tuple[Any, ...], value: Any) -> Result:
    if value == q.given or (isinstance(value, Mapping) and value.get("label") == "?"):
        return _not_attempted(q, check)
    flags = value.get("red_flags") if isinstance(value, Mapping) else None
    label = value.get("label") if isinstance(value, Mapping) else None
    if not (isinstance(label, str) and isinstance(flags, list | tuple)):
        return _result(
            q,
            check,
            "wrong",
            f"{q.answer} should be a dict with label (text) and red_flags (a list of red flags).",
            f'Write it as {q.answer} = {{"label": "ignore", "red_flags": ["no reason given"]}}',
        )
    label = label.strip().lower()
    if label not in LABELS:
        return _result(
            q, check, "wrong", f"{label!r} is not a label; use accept, ignore or report."
        )
    vocabulary = red_flags(q.assignment)
    named = [_label_of(f, vocabulary) for f in flags]
    unknown = [f for f, n in zip(flags, named, strict=True) if n is None]
    if unknown:
        return _result(
            q,
            check,
            "wrong",
            f"{unknown[0]!r} is not one of the red flags.",
            "Name them in the words grading.show() lists: " + "; ".join(vocabulary) + ".",
        )
    if check == "attempted":
        return _result(q, check, "pass", "Answered.")
    expected, why = args
    if check == "label":
        if label == expected:
            return _result(q, check, "pass", f"Right: {expected}.")
        return _result(
            q,
            check,
            "wrong",
            f"You chose {label}, but the right call is {expected}. {why}",
            "Report what tries to take something from you; ignore what is merely canned or "
            "empty; accept the rest.",
        )
    wanted, chosen = set(expected), set(named)
    if chosen == wanted:
        return _result(
            q, check, "pass", "Right: " + ("; ".join(sorted(wanted)) or "no red flags") + "."
        )
    lines = []
    if chosen - wanted:
        lines.append("Not a red flag here: " + "; ".join(sorted(chosen - wanted)) + ".")
    if wanted - chosen:
        lines.append("You missed: " + "; ".join(sorted(wanted - chosen)) + ".")
    return _result(
        q, check, "wrong", " ".join([*lines, why]), "Read the request once more, as its recipient."
    )


def _validate_key(q: Question, args: tuple[Any, ...]) -> None:
    """A judgement check's key, as the test cell writes it: {item: [label, why], ...}."""
    items, labels = q.extra.get("items") or {}, q.extra.get("labels") or []
    key = args[0] if len(args) == 1 else None
    if not (
        isinstance(key, Mapping)
        and key
        and all(
            k in items
            and isinstance(v, list | tuple)
            and len(v) == 2
            and v[0] in labels
            and isinstance(v[1], str)
            for k, v in key.items()
        )
    ):
        raise GradingError(
            f'{q.assignment} {q.id}: labels needs a key such as {{"a": ["{labels[0] if labels else "label"}", '
            f'"why"]}} with items from {", ".join(items)} and labels from {", ".join(labels)}'
        )


def _label_of(value: Any, labels: list[str]) -> str | None:
    """The label a learner meant: exact up to case and spaces, or one typo away."""
    if not isinstance(value, str):
        return None
    wanted = " ".join(value.lower().split())
    for label in labels:
        if wanted == label.lower():
            return label
    from rapidfuzz import fuzz, process

    best = process.extractOne(wanted, labels, scorer=fuzz.ratio, score_cutoff=85)
    return best[0] if best else None


def _judge_judgement(q: Question, check: str, args: tuple[Any, ...], value: Any) -> Result:
    items: Mapping[str, Any] = q.extra["items"]
    labels: list[str] = list(q.extra["labels"])
    if value == q.given or (
        isinstance(value, Mapping) and value and all(v == "?" for v in value.values())
    ):
        return _not_attempted(q, check)
    example = ", ".join(f'"{k}": "{labels[0]}"' for k in list(items)[:2])
    if not isinstance(value, Mapping) or set(value) != set(items):
        return _result(
            q,
            check,
            "wrong",
            f"{q.answer} should be a dict with exactly these keys: {', '.join(items)}.",
            f"Write it as {q.answer} = {{{example}, ...}}",
        )
    chosen = {k: _label_of(v, labels) for k, v in value.items()}
    for k, v in value.items():
        if chosen[k] is None:
            what = "is still '?'" if v == "?" else f"is {v!r}, which is not one of the labels"
            return _result(
                q,
                check,
                "wrong",
                f"Item {k} {what}.",
                "Choose one of: " + "; ".join(labels) + ".",
            )
    if check == "attempted":
        return _result(q, check, "pass", "Answered.")
    key = args[0]
    misses = [(k, exp, why) for k, (exp, why) in key.items() if chosen[k] != exp]
    if not misses:
        return _result(q, check, "pass", f"Right about {', '.join(sorted(key))}.")
    lines = [f"{k}: you said {chosen[k]}, but it is {exp}. {why}" for k, exp, why in misses]
    return _result(
        q,
        check,
        "wrong",
        " ".join(lines),
        "Look at two things in each thread: how long after the question the reply came "
        "(mind the time zones), and whether it says why.",
    )


_JUDGES: dict[str, Callable[[Question, str, tuple[Any, ...], Any], Result]] = {
    "note": _judge_note,
    "reply": _judge_reply,
    "decision": _judge_decision,
    "contacts": _judge_contacts,
    "triage": _judge_triage,
    "judgement": _judge_judgement,
}


# ---------------------------------------------------------------- test cells read back


@dataclass(frozen=True)
class CheckCall:
    """One `grading.check(question, check, *args)` line of a test cell."""

    question: str
    check: str
    args: tuple[Any, ...] = ()


def parse_checks(source: str) -> list[CheckCall]:
    """The check calls of a test cell, in order. Arguments must be literals, so the autograder
    can read them without running anything."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise GradingError(
            f"test cell is not valid Python (line {exc.lineno}): {exc.msg}"
        ) from None
    calls = []
    for node in tree.body:
        call = node.value if isinstance(node, ast.Expr) else None
        if not isinstance(call, ast.Call) or not _is_check(call.func):
            continue
        try:
            values = [ast.literal_eval(a) for a in call.args]
        except ValueError:
            raise GradingError(
                f"line {node.lineno}: check() arguments must be literals (text, numbers, lists)"
            ) from None
        if call.keywords or len(values) < 2 or not all(isinstance(v, str) for v in values[:2]):
            raise GradingError(f'line {node.lineno}: write check("q1", "rule-name", ...)')
        calls.append(CheckCall(values[0], values[1], tuple(values[2:])))
    return calls


def _is_check(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id == "check"
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "check"
        and isinstance(func.value, ast.Name)
    )


# ---------------------------------------------------------------- in the learner's notebook


class _State:
    assignment: str | None = None
    hints: dict[tuple[str, str], int] = {}  # noqa: RUF012 (module-wide state, on purpose)
    cell: Any = object()
    index = 0


def syntax_error_text(exc: SyntaxError) -> str:
    """A cell Python cannot read, in one line a learner can act on (no traceback)."""
    where = f"line {exc.lineno} of this cell" if exc.lineno else "this cell"
    what = (exc.msg or "invalid syntax").rstrip(".")
    if "string" in what or "quote" in what or "EOF" in what or "'" in (exc.text or ""):
        fix = (
            "a quote or apostrophe in your text probably ended it early; keep the text between "
            'triple quotes, like note = """Hi Mei, I\'m ..."""'
        )
    else:
        fix = "check the brackets, commas and quotes on that line against the starting value"
    return f"Python could not read {where} ({what}): {fix}."


def _explain_syntax_errors() -> None:
    """Show a cell that is not valid Python as one plain line, not a traceback. The cell still
    fails, so nbgrader still sees the error."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or getattr(shell, "_connectwell_syntax", False):
        return

    def showsyntaxerror(filename: Any = None, running_compiled_code: bool = False) -> None:
        etype, value, _tb = sys.exc_info()
        if not isinstance(value, SyntaxError):
            return original(filename, running_compiled_code)
        shell._showtraceback(etype, value, [syntax_error_text(value)])

    original = shell.showsyntaxerror
    shell.showsyntaxerror = showsyntaxerror
    shell._connectwell_syntax = True


def start(assignment: str) -> None:
    """Select the assignment this notebook works on (the notebook's first code cell)."""
    book = _assignment(assignment)
    _State.assignment = assignment
    _explain_syntax_errors()
    title = book.get("title", assignment)
    n = len(book["questions"])
    writes = any(q.get("kind") in ("note", "reply") for q in book["questions"].values())
    print(
        f'{assignment}: {title}, {n} questions. grading.show("q1") shows question 1; '
        'grading.hint("q1") gives a hint'
        + ('; grading.feedback("q1") checks your note on every rule.' if writes else ".")
    )


def _current(qid: str) -> Question:
    if _State.assignment is None:
        raise GradingError('no assignment selected: run the first code cell, grading.start("...")')
    return question(_State.assignment, qid)


def hint(qid: str) -> None:
    """Print the next hint for a question; hints get more specific each time."""
    q = _current(qid)
    if not q.hints:
        print(f"No hints for {qid}: reread the task, then run the checks below it.")
        return
    key = (q.assignment, qid)
    n = min(_State.hints.get(key, 0), len(q.hints) - 1)
    _State.hints[key] = n + 1
    more = "run again for the next" if n + 1 < len(q.hints) else "that was the last one"
    print(f"Hint {n + 1} of {len(q.hints)} for {qid} ({more}):\n  {q.hints[n]}")


def _person(label: str, who: Mapping[str, Any], indent: str) -> str:
    return f"{indent}{label}: {who.get('name', '?')}" + (
        f", {who['headline']}" if who.get("headline") else ""
    )


def _profile_lines(
    scenario: Mapping[str, Any], indent: str = "", incoming: bool = False
) -> list[str]:
    """The scenario as the learner should read it; `incoming` for a request they received."""
    r = scenario.get("recipient") or {}
    s = scenario.get("sender") or {}
    out = [_person("From", s, indent)] if incoming and s else []
    if r:
        out.append(_person("Your profile" if incoming else "To", r, indent))
        for key, label in (
            ("skills", "Skills"),
            ("articles", "Wrote"),
            ("shared_connections", "Shared connections"),
            ("events", "Events"),
            ("industry", "Industry"),
        ):
            if r.get(key):
                value = r[key] if isinstance(r[key], str) else ", ".join(r[key])
                out.append(f"{indent}  {label}: {value}")
    if s and not incoming:
        out.append(_person("From", s, indent))
    job = scenario.get("job")
    if job:
        out.append(
            f"{indent}Job: {job.get('title', '?')} at {job.get('company', '?')}"
            + (f" ({job['industry']})" if job.get("industry") else "")
        )
        if job.get("skills"):
            out.append(f"{indent}  Needs: {', '.join(job['skills'])}")
    if scenario.get("message"):
        label = "Their note" if incoming else "The note"
        out.append(f"{indent}{label}: {scenario['message']}")
    if scenario.get("sent_at"):
        out.append(f"{indent}Sent: {_when(str(scenario['sent_at']))}")
    for m in scenario.get("thread") or []:
        who = "They wrote" if m["from"] == "recipient" else "You wrote"
        out.append(f"{indent}{who} ({m['at']}): {m['text']}")
    return out


def _when(stamp: str) -> str:
    """A timestamp as a person reads it, with its time zone: "Mon 2 Mar 09:00 (UTC+01:00)"."""
    moment = datetime.fromisoformat(stamp)
    zone = moment.strftime("%z") if moment.tzinfo else ""
    zone = "UTC" if zone in ("+0000", "") else f"UTC{zone[:3]}:{zone[3:]}"
    return f"{moment.strftime('%a')} {moment.day} {moment.strftime('%b %H:%M')} ({zone})"


def card(qid: str) -> str:
    """A question as plain text: the situation, the profile and where the answer goes."""
    q = _current(qid)
    lines = [f"{qid}: {q.title}", q.brief, ""]
    if q.kind == "contacts":
        for name, person in q.extra["contacts"].items():
            lines.append(f"{name}: {person['context']}")
            lines += _profile_lines(person, "  ")
    elif q.kind == "judgement":
        lines += _profile_lines(q.scenario)
        for item_id, item in q.extra["items"].items():
            lines.append(f"{item_id}:")
            for m in item.get("thread") or []:
                who = "They wrote" if m["from"] == "recipient" else "You wrote"
                lines.append(f"  {who} at {_when(m['at'])}: {m['text']}")
            if not any(m["from"] == "sender" for m in item.get("thread") or []):
                lines.append("  (no reply yet; it is now three days later)")
        lines.append("Labels: " + "; ".join(q.extra["labels"]) + ".")
    else:
        lines += _profile_lines(q.scenario, incoming=q.kind in ("triage", "hand"))
    if q.kind == "hand":
        report = _engine_check(q.base())
        lines.append(f"The checker's verdict: {report.to_text().splitlines()[0]}")
    if q.kind == "triage":
        lines.append("Red flags to choose from: " + "; ".join(red_flags(q.assignment)) + ".")
    if q.kind == "reply":
        what = (
            "reply"
            if any(m["from"] == "recipient" for m in q.scenario.get("thread", []))
            else "follow-up"
        )
        lines.append(f"Your {what} is sent {_when(q.extra['reply_at'])}.")
    lines.append(f"Your answer goes in {q.answer}.")
    return "\n".join(lines)


class _Card:
    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        head, *rest = self.text.split("\n")
        body = "<br>".join(html.escape(line) for line in rest)
        return f'<div class="cw-card"><b>{html.escape(head)}</b><br>{body}</div>'


def show(qid: str) -> _Card:
    """The question's situation and profile (rich in Jupyter, plain text elsewhere)."""
    return _Card(card(qid))


def _answer(q: Question, namespace: Mapping[str, Any]) -> Any:
    if q.answer not in namespace:
        raise GradingError(f"{q.answer} is not defined yet: run the answer cell first")
    return namespace[q.answer]


def feedback(qid: str) -> Report:
    """Every rule's verdict on your current note or reply (feedback only, not graded)."""
    q = _current(qid)
    if q.kind == "hand":
        raise GradingError(
            f"{qid} is graded by your instructor: write your answer in the cell below it"
        )
    value = _answer(q, sys._getframe(1).f_globals)
    if q.kind not in ("note", "reply") or not isinstance(value, str):
        raise GradingError(f"feedback() checks notes and replies; for {qid}, run its check cells")
    value = value.strip()
    scenario = q.base()
    if q.kind == "note":
        scenario["message"] = value
    else:
        scenario["thread"] = [
            *scenario["thread"],
            {"from": "sender", "at": q.extra["reply_at"], "text": value},
        ]
    return _engine_check(scenario)


def editor(qid: str) -> Any:
    """A live checker for drafting the note of `qid`; copy the result into the answer cell.
    Skipped while nbgrader grades (NBGRADER_EXECUTION), so it can never hold grading up."""
    q = _current(qid)
    if os.environ.get("NBGRADER_EXECUTION"):
        print("(The live editor is skipped while the notebook is being graded.)")
        return None
    if q.kind != "note":
        raise GradingError(f"the editor drafts notes; {qid} asks for {q.kind}")
    from connectwell.widgets import LiveChecker

    current = sys._getframe(1).f_globals.get(q.answer, q.given)
    # No suggest button: exercises give hints, never a finished answer to copy.
    return LiveChecker(
        {**q.base(), "message": ""},
        message=current if isinstance(current, str) else "",
        suggest=False,
    )


def _tampered() -> str | None:
    """Which rule no longer runs the code it ran at import, if any."""
    for name, (rule, run, code) in _RULE_CODE.items():
        if _REGISTRY.get(name) is not rule or rule.run is not run or run.__code__ is not code:
            return name
    return None


def _next_index() -> int:
    # Evidence records are numbered per cell run, so the autograder can pair them with the
    # check lines of the cell. A cell run is one execute request (its msg_id), so the numbering
    # holds even where the execution count does not move (store_history=False).
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    cell = None
    if shell is not None:
        header = getattr(shell, "parent_header", None) or {}
        cell = (header.get("header") or {}).get("msg_id") or shell.execution_count
    if cell != _State.cell:
        _State.cell, _State.index = cell, 0
    index = _State.index
    _State.index += 1
    return index


def _publish(bundle: dict[str, Any]) -> None:
    try:
        from IPython.display import display
    except ImportError:
        return
    display(bundle, raw=True)


def check(qid: str, check_name: str, *args: Any) -> None:
    """A test cell's check: grade one thing about the answer, teach when it fails.

    Passing shows a ✓ line; failing raises NotAttempted, CodeCrashed, WrongAnswer or RuleFailed,
    which show only their teaching text.
    """
    q = _current(qid)
    validate_check(q, check_name, args)
    index = _next_index()
    broken = _tampered()
    if broken:
        raise CodeCrashed(
            _result(
                q,
                check_name,
                "crashed",
                f"The rule {broken} was changed in this kernel, so no check here can be trusted.",
                "Restart the kernel and run all cells (Kernel > Restart Kernel and Run All Cells).",
            )
        )
    evidence = observe(q, check_name, args, sys._getframe(1).f_globals)
    record = {
        "assignment": q.assignment,
        "question": qid,
        "check": check_name,
        "index": index,
        **evidence,
    }
    result = judge(q.assignment, qid, check_name, args, evidence)
    if result.passed:
        _publish(
            {"text/plain": result.text(), "text/html": result.to_html(), EVIDENCE_MIME: record}
        )
        return
    _publish({"text/html": "", EVIDENCE_MIME: record})
    raise _EXCEPTIONS[result.ename](result)
