"""What a check concludes (Result, and the exceptions a failing check raises in the kernel) and
the evidence it leaves in a test cell's output for the trusted re-grade.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from connectwell.grading.exercises import TRUSTED_RULES, WIDTH, Question

# Private references, captured when the kernel imports this module, before the learner's
# answers run: a later `cw.check = ...` in the notebook does not reach them.

EVIDENCE_MIME = "application/vnd.connectwell.evidence+json"
RESULT_MIME = "application/vnd.connectwell.result+json"

Status = Literal["pass", "wrong", "not-attempted", "crashed"]


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
        return self.check if self.check in TRUSTED_RULES else None

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
            return f"{self.check} ({TRUSTED_RULES[self.check].code})"
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


EXCEPTIONS: dict[str, type[CheckFailed]] = {
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


def type_name(value: Any) -> str:
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
