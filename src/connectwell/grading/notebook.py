"""What a learner's exercise notebook calls: start, show, hint, feedback, editor and check.
Reached as `from connectwell import grading`; runs in the learner's kernel.
"""

from __future__ import annotations

import html
import os
import sys
from collections.abc import Mapping
from datetime import datetime
from typing import Any

# Private references, captured when the kernel imports this module, before the learner's
# answers run: a later `cw.check = ...` in the notebook does not reach them.
from connectwell.engine import check as _engine_check
from connectwell.grading.exercises import (
    TRUSTED_RULES,
    GradingError,
    Question,
    assignment_data,
    question,
)
from connectwell.grading.judges import judge, red_flags, result_for, validate_check
from connectwell.grading.results import EVIDENCE_MIME, EXCEPTIONS, CodeCrashed, observe
from connectwell.report import Report
from connectwell.rules import RULES as _REGISTRY

# What each rule object ran when we imported it, to notice a kernel where they were replaced.
_RULE_CODE = {name: (rule, rule.run, rule.run.__code__) for name, rule in TRUSTED_RULES.items()}


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
    book = assignment_data(assignment)
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
    from connectwell.course.checker import LiveChecker

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
            result_for(
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
    raise EXCEPTIONS[result.ename](result)
