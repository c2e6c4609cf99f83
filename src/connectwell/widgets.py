"""The course's interactive widgets (ipywidgets 8): a live checker, a scenario picker, a request
quiz and its answer key, a reply timer, and a table comparing one note across recipients.

    from connectwell import widgets
    checker = widgets.LiveChecker("priya")
    checker            # in JupyterLab: a text box whose verdicts update as you type
    print(checker.summary())   # the same, as plain text (nbval, nbgrader, a terminal)

Every widget works without a browser: set its values from Python (`checker.text = "..."`,
`quiz.answer("report")`, `timer.delay_hours = 30`) and read what it would show. Learner text
always reaches HTML through html.escape. This module imports ipywidgets, so `import connectwell`
never imports it.
"""

from __future__ import annotations

import copy
import html
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

import ipywidgets as w

from connectwell import data
from connectwell.data import CourseError, QuizItem
from connectwell.engine import check
from connectwell.reasons import asks_why
from connectwell.report import COLOURS, SYMBOLS, Finding, Report
from connectwell.rules import RULES
from connectwell.scenario import ACCOUNTS, INMAIL_LIMIT, Scenario, ScenarioError, parse_scenario
from connectwell.suggest import Suggestion, Suggestions
from connectwell.text import fold_plain

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

PURPOSE_WORDS = {
    "met_in_person": "met in person",
    "shared_connection": "shared connection",
    "profile_interest": "interest in their profile",
    "article": "their article",
    "job_offer": "job offer",
    "relationship": "professional relationship",
}
CHOICES = data.QUIZ_ANSWERS
# Seconds of quiet typing before the live checker's verdict is announced to a screen reader.
ANNOUNCE_AFTER = 0.8
# Visually hidden but read by screen readers (the usual "sr-only" pattern).
_SR_ONLY = (
    "position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;"
    "clip:rect(0,0,0,0);white-space:nowrap;border:0"
)
# The rules that tell a welcome request from spam, shown after each quiz answer.
QUIZ_RULES = ("not-blank", "not-canned", "no-scam")


class WidgetError(CourseError, ValueError):
    """Bad input to a widget (an unknown profile, a bad scenario, a choice not offered)."""


def _esc(text: Any) -> str:
    return html.escape(str(text))


def headless() -> bool:
    """True under nbgrader autograding, where no one will see a widget view."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def verdict_html(verdict: str) -> str:
    """A verdict as symbol and word, so colour is never the only signal."""
    return (
        f'<span class="cw-verdict" style="color:{COLOURS[verdict]};font-weight:bold">'
        f"{SYMBOLS[verdict]} {verdict}</span>"
    )


def verdict_text(verdict: str) -> str:
    return f"{SYMBOLS[verdict]} {verdict}"


class _Shown:
    """Displays as the live widget where a frontend can render it, and as static HTML and the
    plain-text summary everywhere else (nbval, nbconvert, nbgrader's saved outputs)."""

    widget: w.Widget

    def summary(self) -> str:
        raise NotImplementedError

    def _static_html(self) -> str:
        raise NotImplementedError

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle: dict[str, Any] = {"text/plain": self.summary(), "text/html": self._static_html()}
        if not headless():
            view = self.widget._repr_mimebundle_() or {}
            key = "application/vnd.jupyter.widget-view+json"
            if key in view:
                bundle[key] = view[key]
        return bundle

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self._repr_mimebundle_(), raw=True)

    def __repr__(self) -> str:
        return self.summary()


# ---------------------------------------------------------------- scenarios


def _scenario_mapping(source: Any, what: str = "profile") -> dict[str, Any]:
    """A scenario mapping from a profile id, a lesson example id, a mapping or a Scenario."""
    if isinstance(source, Scenario):
        return source.to_dict()
    if isinstance(source, str):
        if source in data.load("profiles"):
            return data.scenario_for(source)
        try:
            return dict(data.example(source).scenario)
        except KeyError:
            raise WidgetError(
                f"{what}: no profile or lesson example named {source!r}; choose a profile from "
                f"{', '.join(data.profile_ids())}"
            ) from None
    if isinstance(source, Mapping):
        mapping = copy.deepcopy(dict(source))
        mapping.setdefault("message", "")
        try:
            parse_scenario(mapping)
        except ScenarioError as exc:
            raise WidgetError(f"{what}: {exc}") from None
        return mapping
    raise WidgetError(
        f"{what}: expected a profile id such as 'priya' or a scenario mapping, "
        f"got {type(source).__name__}"
    )


def _with(scenario: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """The scenario with the overrides that are not None, validated."""
    out = dict(scenario)
    out.update({k: v for k, v in overrides.items() if v is not None})
    try:
        parse_scenario(out)
    except ScenarioError as exc:
        raise WidgetError(str(exc)) from None
    return out


def _unknown_profile(pid: Any) -> WidgetError:
    return WidgetError(
        f"profiles: no profile named {pid!r}; choose from {', '.join(data.profile_ids())}"
    )


def _recipient_line(scenario: Mapping[str, Any]) -> tuple[str, str]:
    """Who the note goes to, as (plain text, escaped HTML)."""
    r = scenario.get("recipient") or {}
    name = r.get("name") or "someone"
    who = f"{name} ({r['headline']})" if r.get("headline") else name
    parts = [f"To {who}"]
    if scenario.get("purpose"):
        parts.append(f"reason: {PURPOSE_WORDS.get(scenario['purpose'], scenario['purpose'])}")
    job = scenario.get("job")
    if job and job.get("title"):
        parts.append(
            f"job: {job['title']}" + (f" at {job['company']}" if job.get("company") else "")
        )
    if scenario.get("channel") == "inmail":
        parts.append("InMail (800 characters)")
    else:
        parts.append(f"{scenario.get('account') or 'free'} account")
    text = " · ".join(parts)
    return text, f'<div class="cw-to">{_esc(text)}</div>'


# ---------------------------------------------------------------- live checker


class LiveChecker(_Shown):
    """A text box for a connection note; every rule's verdict updates as the learner types.

    profile: a profile id from profiles.yaml ("priya"), a lesson example id, or a scenario
    mapping (its recipient, sender, job, purpose, account and thread are kept).
    """

    def __init__(
        self,
        profile: Any = "priya",
        message: str = "",
        account: str | None = None,
        purpose: str | None = None,
        suggest: bool = True,
    ) -> None:
        base = _scenario_mapping(profile)
        if not message and base.get("message"):
            message = base["message"]
        if not isinstance(message, str):
            raise WidgetError(
                f"message: expected the note as a string, got {type(message).__name__}"
            )
        self._base = _with(base, account=account, purpose=purpose)
        self._report: Report | None = None
        self._error = ""
        first = (self._base.get("recipient") or {}).get("name", "").split(" ")[0]
        self.heading = w.HTML()
        self.textarea = w.Textarea(
            value=message,
            description="Your note",
            continuous_update=True,
            placeholder=f"Write your note to {first}…" if first else "Write your note…",
            layout=w.Layout(width="100%", height="6em"),
        )
        self.counter = w.HTML()
        self.output = w.HTML()
        self.status = w.HTML()  # visually hidden: what a screen reader announces, politely
        self._pending: Any = None
        self.announcements = 0
        self.textarea.observe(self._on_change, names="value")
        parts: list[w.Widget] = [
            self.heading,
            self.textarea,
            self.counter,
            self.status,
            self.output,
        ]
        # A coach, not a ghost-writer: suggestions appear only when asked for, and a suggestion
        # reaches the text box only through its own "Use" button. Graded editors have neither.
        self.suggestions: Suggestions | None = None
        self.suggest_button: w.Button | None = None
        self.suggestions_box = w.VBox([])
        if suggest:
            self.suggest_button = w.Button(
                description="Suggest a rewrite",
                tooltip="Show up to three rewrites built from what you know about them",
            )
            self.suggest_button.on_click(lambda _button: self.suggest())
            parts += [self.suggest_button, self.suggestions_box]
        self.widget = w.VBox(parts, layout=w.Layout(width="100%"))
        self.widget.add_class("cw-live-checker")
        self._update()
        self._announce()  # the starting verdict is there at once, whatever loop is running

    # -- what the learner changes

    @property
    def text(self) -> str:
        return self.textarea.value

    @text.setter
    def text(self, value: str) -> None:
        if not isinstance(value, str):
            raise WidgetError(f"text: expected the note as a string, got {type(value).__name__}")
        self.textarea.value = value  # the observer re-checks, once, if the value changed

    @property
    def scenario(self) -> dict[str, Any]:
        """The scenario being checked: the profile plus the current note."""
        return {**copy.deepcopy(self._base), "message": self.text}

    def set_profile(
        self, profile: Any, account: str | None = None, purpose: str | None = None
    ) -> None:
        """Write to someone else, keeping the note."""
        self._base = _with(_scenario_mapping(profile), account=account, purpose=purpose)
        self._update()

    # -- what it shows

    @property
    def report(self) -> Report:
        if self._report is None:
            raise WidgetError(self._error)
        return self._report

    @property
    def limit(self) -> int:
        if self._base.get("channel") == "inmail":
            return INMAIL_LIMIT
        return ACCOUNTS[self._base.get("account") or "free"]

    # -- suggestions

    def suggest(self, n: int = 3) -> Suggestions:
        """Show up to n rewrites of the current note that pass every rule, each with the facts
        it uses and a button that copies it into the text box. The note itself is not changed."""
        from connectwell.suggest import suggest

        try:
            self.suggestions = suggest(self.scenario, n=n)
        except ValueError as exc:  # n out of range, or a scenario the checker cannot read
            raise WidgetError(str(exc)) from None
        rows: list[w.Widget] = []
        if not self.suggestions:
            rows.append(
                w.HTML(f'<p class="cw-suggest-missing">{_esc(self.suggestions.missing)}</p>')
            )
        for i, found in enumerate(self.suggestions, 1):
            use = w.Button(
                description=f"Use suggestion {i}",
                tooltip="Copy this suggestion into the text box, replacing your note",
            )
            use.on_click(lambda _button, i=i: self.use(i))
            rows += [w.HTML(_suggestion_html(i, found)), use]
        self.suggestions_box.children = tuple(rows)
        return self.suggestions

    def use(self, number: int) -> None:
        """Copy suggestion `number` (1 for the first) into the text box."""
        if not self.suggestions or not 1 <= number <= len(self.suggestions):
            shown = len(self.suggestions or [])
            raise WidgetError(
                f"use: there is no suggestion {number!r}; "
                + (f"choose 1 to {shown}" if shown else "press Suggest a rewrite first")
            )
        self.text = self.suggestions[number - 1].text

    def _on_change(self, change: dict[str, Any]) -> None:
        self._update()

    def _update(self) -> None:
        try:
            self._report = check(self.scenario)
            self._error = ""
        except Exception as exc:  # a checker bug must not freeze the text box mid-lesson
            self._report = None
            self._error = f"The checker could not read this note: {exc}"
        # The verdicts first: each assignment is a message to the browser, and the verdicts are
        # what the learner waits for (benchmarks/bench_typing.py).
        self.output.value = self._findings_html()
        self.counter.value = self._counter_html()
        self.heading.value = _recipient_line(self._base)[1]
        self._announce_later()

    # -- what a screen reader hears

    def status_text(self) -> str:
        """One sentence for screen readers: the verdict and the rules that fail."""
        if self._report is None:
            return self._error
        if self._report.passed:
            return f"Passes every rule. {self.counter_text()}."
        failing = ", ".join(f.rule for f in self._report.failed)
        return f"Fails {len(self._report.failed)} rules: {failing}. {self.counter_text()}."

    def _announce_later(self) -> None:
        """Update the polite live region once typing pauses, not on every key: a screen reader
        would otherwise read a verdict per keystroke. Outside a running kernel loop (tests,
        nbconvert) there is no typing to wait for, so it updates at once."""
        import asyncio

        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._announce()
            return
        self._pending = loop.call_later(ANNOUNCE_AFTER, self._announce)

    def _announce(self) -> None:
        self._pending = None
        self.status.value = (
            f'<div role="status" aria-live="polite" aria-atomic="true" style="{_SR_ONLY}">'
            f"{_esc(self.status_text())}</div>"
        )
        self.announcements += 1

    def counter_text(self) -> str:
        n, limit = len(self.text), self.limit
        text = f"{n}/{limit} characters"
        if n > limit:
            text += f" ({SYMBOLS['fail']} {n - limit} over the limit)"
        return text

    def _counter_html(self) -> str:
        over = len(self.text) > self.limit
        colour = COLOURS["fail" if over else "n/a"]
        weight = "bold" if over else "normal"
        return (
            f'<div class="cw-count" style="color:{colour};font-weight:{weight}">'
            f"{_esc(self.counter_text())}</div>"
        )

    def _findings_html(self) -> str:
        if self._report is None:
            return f'<div class="cw-error">{_esc(self._error)}</div>'
        report = self._report
        head = (
            f"{SYMBOLS['pass']} passes every rule"
            if report.passed
            else f"{SYMBOLS['fail']} fails {len(report.failed)} of {len(report)} rules"
        )
        note = report.highlighted_html() if report.message else "<i>(no note yet)</i>"
        return (
            '<div class="cw-report">'
            f"<div><b>{head}</b></div>"
            '<blockquote class="cw-note" style="white-space:pre-wrap;border-left:3px solid #ccc;'
            f'margin:0.4em 0;padding:0.2em 0.6em">{note}</blockquote>'
            + "".join(f._repr_html_() for f in report.findings)
            + "</div>"
        )

    def marked(self) -> list[tuple[str, str]]:
        """The passages failing rules object to, as (rule, text): what the highlight marks."""
        if self._report is None:
            return []
        return [
            (f.rule, self.text[f.span[0] : f.span[1]])
            for f in self._report.findings
            if f.verdict == "fail" and f.span
        ]

    def summary(self) -> str:
        note = self.text if self.text.strip() else "(no note yet)"
        lines = [_recipient_line(self._base)[0], f"Note: {note}", self.counter_text()]
        if self._report is None:
            return "\n".join([*lines, self._error])
        report = self._report
        lines.append(
            f"{SYMBOLS['pass']} passes every rule"
            if report.passed
            else f"{SYMBOLS['fail']} fails {len(report.failed)} of {len(report)} rules"
        )
        lines += [f.to_text() for f in report.findings]
        lines += [f"marked ({rule}): “{text}”" for rule, text in self.marked()]
        if self.suggestions is not None:
            lines += ["Suggested rewrites:", self.suggestions.to_text()]
        return "\n".join(lines)

    def _static_html(self) -> str:
        return (
            '<div class="cw-live-checker">'
            + _recipient_line(self._base)[1]
            + f'<blockquote style="white-space:pre-wrap">{_esc(self.text) or "<i>(no note)</i>"}'
            "</blockquote>"
            + self._counter_html()
            + self._findings_html()
            + (self.suggestions._repr_html_() if self.suggestions is not None else "")
            + "</div>"
        )


def _suggestion_html(number: int, found: Suggestion) -> str:
    facts = "; ".join(str(f) for f in found.facts)
    return (
        f'<div class="cw-suggestion"><b>Suggestion {number}</b> ({SYMBOLS["pass"]} passes every '
        f'rule, {len(found.text)} characters)<blockquote style="white-space:pre-wrap">'
        f"{_esc(found.text)}</blockquote><small>Uses {_esc(facts)}</small></div>"
    )


# ---------------------------------------------------------------- scenario picker


class ScenarioPicker(_Shown):
    """Choose a recipient from a dropdown and check one note against each in turn."""

    def __init__(self, profiles: list[str] | None = None, message: str = "") -> None:
        ids = list(profiles) if profiles else data.profile_ids()
        for pid in ids:
            if pid not in data.load("profiles"):
                raise _unknown_profile(pid)
        self.profiles = ids
        options = []
        for pid in ids:
            r = data.profile(pid)["recipient"]
            options.append((f"{r.get('name', pid)} · {r.get('headline', '')}".strip(" ·"), pid))
        self.dropdown = w.Dropdown(options=options, value=ids[0], description="Recipient")
        self.blurb = w.HTML()
        self.checker = LiveChecker(ids[0], message)
        self.dropdown.observe(self._on_select, names="value")
        self.widget = w.VBox([self.dropdown, self.blurb, self.checker.widget])
        self.widget.add_class("cw-picker")
        self._show_blurb()

    @property
    def selected(self) -> str:
        return self.dropdown.value

    @property
    def text(self) -> str:
        return self.checker.text

    @text.setter
    def text(self, value: str) -> None:
        self.checker.text = value

    @property
    def report(self) -> Report:
        return self.checker.report

    def select(self, profile_id: str) -> None:
        """Switch recipient (as choosing from the dropdown does); the note is kept."""
        if profile_id not in self.profiles:
            choices = ", ".join(self.profiles)
            raise WidgetError(
                f"no profile named {profile_id!r} in this picker; choose from {choices}"
            )
        self.dropdown.value = profile_id

    def _on_select(self, change: dict[str, Any]) -> None:
        self.checker.set_profile(change["new"])
        self._show_blurb()

    def _show_blurb(self) -> None:
        blurb = data.profile(self.selected).get("blurb", "")
        self.blurb.value = f'<div class="cw-blurb"><i>{_esc(blurb)}</i></div>'

    def summary(self) -> str:
        blurb = data.profile(self.selected).get("blurb", "")
        return "\n".join(
            filter(None, [f"Recipient: {self.selected}", blurb, self.checker.summary()])
        )

    def _static_html(self) -> str:
        return self.blurb.value + self.checker._static_html()


# ---------------------------------------------------------------- request quiz


@dataclass(frozen=True)
class QuizAnswer:
    """One answered quiz item."""

    item: QuizItem
    choice: str

    @property
    def correct(self) -> bool:
        return self.choice == self.item.answer


def _quiz_items(set: str) -> list[QuizItem]:
    try:
        return data.quiz(set)
    except KeyError as exc:
        raise WidgetError(str(exc)) from None


class RequestQuiz(_Shown):
    """Requests arrive one at a time; accept, ignore or report each, and see why."""

    def __init__(self, set: str = "incoming") -> None:
        self.items = _quiz_items(set)
        self.set = set
        self.answers: list[QuizAnswer] = []
        self.progress = w.HTML()
        self.card = w.HTML()
        self.buttons = {
            choice: w.Button(
                description=choice.capitalize(),
                tooltip=f"{choice.capitalize()} this request",
                button_style={"accept": "success", "ignore": "", "report": "danger"}[choice],
            )
            for choice in CHOICES
        }
        for choice, button in self.buttons.items():
            button.on_click(lambda _b, c=choice: self.answer(c))
        self.feedback = w.HTML()
        self.restart = w.Button(description="Start again", layout=w.Layout(display="none"))
        self.restart.on_click(lambda _b: self.reset())
        self.widget = w.VBox(
            [
                self.progress,
                self.card,
                w.HBox(list(self.buttons.values())),
                self.feedback,
                self.restart,
            ]
        )
        self.widget.add_class("cw-quiz")
        self._show()

    # -- state

    @property
    def current(self) -> QuizItem | None:
        """The request waiting for an answer, or None when the quiz is over."""
        return None if self.done else self.items[len(self.answers)]

    @property
    def done(self) -> bool:
        return len(self.answers) >= len(self.items)

    @property
    def score(self) -> int:
        return sum(a.correct for a in self.answers)

    @property
    def total(self) -> int:
        return len(self.items)

    def reset(self) -> None:
        self.answers = []
        self.feedback.value = ""
        self._show()

    # -- answering

    def answer(self, choice: str) -> str:
        """Answer the current request; returns the feedback the widget shows."""
        key = choice.strip().lower() if isinstance(choice, str) else choice
        if key not in CHOICES:
            raise WidgetError(
                f"answer: {choice!r} is not a choice; choose accept, ignore or report"
            )
        if self.done:
            return f"{self.final_text()} Call reset() to try again."
        item = self.current
        assert item is not None
        self.answers.append(QuizAnswer(item, key))
        text = self.feedback_text(self.answers[-1])
        self.feedback.value = self._feedback_html(self.answers[-1])
        self._show()
        return text

    @staticmethod
    def feedback_text(answered: QuizAnswer) -> str:
        item = answered.item
        if answered.correct:
            head = f"{SYMBOLS['pass']} Right: {item.answer}."
        else:
            head = (
                f"{SYMBOLS['fail']} Not quite: you chose {answered.choice}; "
                f"the answer is {item.answer}."
            )
        flags = f" Red flags: {', '.join(item.flags)}." if item.flags else ""
        return f"{head} {item.why}{flags}"

    def _feedback_html(self, answered: QuizAnswer) -> str:
        item = answered.item
        verdict = "pass" if answered.correct else "fail"
        word = "Right" if answered.correct else "Not quite"
        chosen = "" if answered.correct else f"you chose {_esc(answered.choice)}; "
        flags = (
            "<div>Red flags: " + ", ".join(f"<b>{_esc(f)}</b>" for f in item.flags) + "</div>"
            if item.flags
            else ""
        )
        report = check(item.scenario, rules=list(QUIZ_RULES))
        rules = " · ".join(f"{verdict_html(f.verdict)} {f.rule}" for f in report.findings)
        return (
            f'<div class="cw-feedback" style="border-top:1px solid #ddd;margin-top:0.5em">'
            f"<div>From {_esc(item.sender.get('name', ''))}: "
            f"{verdict_html(verdict)} <b>{word}</b>: {chosen}"
            f"the answer is <b>{_esc(item.answer)}</b>.</div>"
            f"<div>{_esc(item.why)}</div>{flags}"
            f'<div style="color:#444">The checker on this note: {rules}</div></div>'
        )

    # -- display

    def _card_html(self, item: QuizItem) -> str:
        sender = item.sender
        note = _esc(item.message) if item.message.strip() else "<i>(no note: just a request)</i>"
        return (
            '<div class="cw-request" style="border:1px solid #ccc;border-radius:6px;padding:0.6em">'
            f"<div><b>{_esc(sender.get('name', ''))}</b></div>"
            f'<div style="color:#555">{_esc(sender.get("headline", ""))}</div>'
            f'<blockquote style="white-space:pre-wrap;margin:0.5em 0">{note}</blockquote></div>'
        )

    def _show(self) -> None:
        done = self.done
        for button in self.buttons.values():
            button.disabled = done
        self.restart.layout.display = None if done else "none"
        if done:
            self.progress.value = f"<b>{_esc(self.final_text())}</b>"
            self.card.value = self._misses_html()
        else:
            self.progress.value = _esc(self._position())
            self.card.value = self._card_html(self.items[len(self.answers)])

    def _position(self) -> str:
        n = len(self.answers)
        return f"Request {n + 1} of {self.total} · score {self.score}/{n}"

    def final_text(self) -> str:
        return f"Quiz over: you scored {self.score}/{self.total}."

    def _misses_html(self) -> str:
        misses = [a for a in self.answers if not a.correct]
        if not misses:
            return "<div>Every call right: you read requests the way scammers hope you won't.</div>"
        rows = "".join(
            f"<li><b>{_esc(a.item.sender.get('name', ''))}</b>: you chose {_esc(a.choice)}, "
            f"the answer is {_esc(a.item.answer)}. {_esc(a.item.why)}</li>"
            for a in misses
        )
        return f"<div>Worth another look:<ul>{rows}</ul></div>"

    def summary(self) -> str:
        lines = []
        for n, a in enumerate(self.answers, 1):
            lines.append(f"{n}. {a.item.sender.get('name', '')}: {self.feedback_text(a)}")
        if self.done:
            lines.append(self.final_text())
        else:
            item = self.current
            assert item is not None
            lines.append(self._position())
            lines.append(f"From {item.sender.get('name', '')} ({item.sender.get('headline', '')}):")
            lines.append(f"  {item.message}" if item.message.strip() else "  (no note)")
            lines.append("Answer with accept, ignore or report.")
        return "\n".join(lines)

    def _static_html(self) -> str:
        return self.progress.value + self.card.value + self.feedback.value


# ---------------------------------------------------------------- reply timer

DEFAULT_QUESTION = "Thanks for the note! Why would you like to connect?"
DEFAULT_ASKED_AT = "2026-03-02T09:00:00Z"


class AnswerKey(_Shown):
    """A quiz's answer key behind a button, so a learner sees it only after the quiz: each
    request, the answer, why, and the receiving-end rules that fail on it."""

    RULES_SHOWN = ("not-blank", "has-reason", "not-canned", "no-scam")

    def __init__(self, set: str = "incoming") -> None:
        self.items = _quiz_items(set)
        self.set = set
        self._rows: list[tuple[QuizItem, list[str]]] | None = None
        self.button = w.ToggleButton(
            value=False,
            description="Show the answer key",
            tooltip="Show the answers to the quiz above; finish the quiz first",
        )
        self.table = w.HTML()
        self.button.observe(lambda _change: self._show(), names="value")
        self.widget = w.VBox([self.button, self.table])
        self.widget.add_class("cw-answer-key-widget")
        self._show()

    @property
    def shown(self) -> bool:
        return bool(self.button.value)

    def show(self, shown: bool = True) -> AnswerKey:
        """Open (or close) the key, as pressing the button does."""
        self.button.value = shown
        return self

    def rows(self) -> list[tuple[QuizItem, list[str]]]:
        """Each request and the receiving-end rules that fail on it (checked once: the key is
        shown as HTML, as text and again on each press of the button)."""
        if self._rows is None:
            self._rows = [
                (item, [f.rule for f in check(item.scenario, rules=list(self.RULES_SHOWN)).failed])
                for item in self.items
            ]
        return self._rows

    def _show(self) -> None:
        self.button.description = "Hide the answer key" if self.shown else "Show the answer key"
        self.table.value = self._table_html() if self.shown else ""

    def _table_html(self) -> str:
        rows = "".join(
            f"<tr><td>{_esc(item.sender.get('name', ''))}: {_esc(item.message)}</td>"
            f"<td><b>{_esc(item.answer)}</b></td><td>{_esc(item.why)}</td>"
            f"<td>{_esc(', '.join(failing) or 'none')}</td></tr>"
            for item, failing in self.rows()
        )
        return (
            '<table class="cw-answer-key"><caption>The answer key</caption><thead><tr>'
            '<th scope="col">Request</th><th scope="col">Answer</th><th scope="col">Why</th>'
            '<th scope="col">Rules that fail</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>"
        )

    def summary(self) -> str:
        if not self.shown:
            return (
                f"Answer key for the {len(self.items)} requests above: hidden. Press "
                "'Show the answer key' when you have finished the quiz."
            )
        lines = [f"Answer key for the {len(self.items)} requests above:"]
        for item, failing in self.rows():
            lines.append(
                f"- {item.id}: {item.answer}. {item.why} Rules that fail: "
                f"{', '.join(failing) or 'none'}."
            )
        return "\n".join(lines)

    def _static_html(self) -> str:
        # Without a live frontend the key still stays folded until the reader opens it.
        return f"<details><summary>Show the answer key</summary>{self._table_html()}</details>"


def _stamp(value: Any) -> datetime:
    """A thread timestamp read exactly as the scenario parser reads it (zone-less is UTC)."""
    message = {"from": "recipient", "at": value, "text": ""}
    try:
        return parse_scenario({"message": "", "thread": [message]}).thread[0].at
    except ScenarioError as exc:
        raise WidgetError(str(exc).replace("thread[0]", "thread")) from None


def _iso(stamp: datetime) -> str:
    return stamp.isoformat().replace("+00:00", "Z")


class ReplyTimer(_Shown):
    """The thread after a note, with a number box for how long the sender takes to answer 'why?'.

    scenario: a scenario mapping, a lesson example id ("reply-same-day") or a profile id. If
    the recipient never asks why, the question is added; if nobody answered it, the reply is
    `reply` (by default the note itself, which should carry the reason). The box moves the
    first reply after the question.
    """

    def __init__(
        self,
        scenario: Any,
        *,
        reply: str | None = None,
        delay_hours: float | None = None,
        max_hours: float = 72,
    ) -> None:
        base = _scenario_mapping(scenario, "scenario")
        thread = sorted((dict(m) for m in base.get("thread") or []), key=lambda m: _stamp(m["at"]))
        # The question the prompt-reply rule times: the recipient's first "why connect?".
        asked = next(
            (
                i
                for i, m in enumerate(thread)
                if m["from"] == "recipient" and asks_why(fold_plain(m["text"]))
            ),
            None,
        )
        if asked is None:
            at = _iso(_stamp(thread[-1]["at"]) + timedelta(hours=1)) if thread else DEFAULT_ASKED_AT
            thread.append({"from": "recipient", "at": at, "text": DEFAULT_QUESTION})
            asked = len(thread) - 1
        self._asked_at = _stamp(thread[asked]["at"])
        answer = next(
            (
                i
                for i, m in enumerate(thread)
                if m["from"] == "sender" and _stamp(m["at"]) >= self._asked_at
            ),
            None,
        )
        if answer is None:
            text = reply if reply is not None else base.get("message", "")
            if not text.strip():
                raise WidgetError(
                    "reply: nobody has answered yet and there is no note to answer with; "
                    "pass reply='...' with the reason you would give"
                )
            thread.append({"from": "sender", "at": _iso(self._asked_at), "text": text})
            answer = len(thread) - 1
            initial = 4.0
        else:
            if reply is not None:
                thread[answer]["text"] = reply
            initial = (_stamp(thread[answer]["at"]) - self._asked_at).total_seconds() / 3600
        if delay_hours is not None:
            initial = float(delay_hours)
        self._thread = thread
        self._answer = answer
        self._base = {**base, "thread": thread}
        self._report: Report | None = None
        # A number box, not a slider: its label is tied to it, so a screen reader names it, and
        # the arrow keys step it by half an hour (ipywidgets' slider handle has no name).
        self.hours = w.BoundedFloatText(
            value=min(max(initial, 0.0), max(max_hours, initial)),
            min=0.0,
            max=max(max_hours, initial),
            step=0.5,
            description="Reply after (hours)",
            continuous_update=True,
            style={"description_width": "initial"},
        )
        self.timeline = w.HTML()
        self.output = w.HTML()
        self.hours.observe(lambda _c: self._update(), names="value")
        self.widget = w.VBox([self.hours, self.timeline, self.output])
        self.widget.add_class("cw-reply-timer")
        self._update()

    @property
    def delay_hours(self) -> float:
        return float(self.hours.value)

    @delay_hours.setter
    def delay_hours(self, hours: float) -> None:
        if isinstance(hours, bool) or not isinstance(hours, int | float) or hours < 0:
            raise WidgetError(f"delay_hours: expected a number of hours, 0 or more, got {hours!r}")
        if hours > self.hours.max:
            self.hours.max = float(hours)
        self.hours.value = float(hours)

    @property
    def scenario(self) -> dict[str, Any]:
        thread = [dict(m) for m in self._thread]
        thread[self._answer]["at"] = _iso(self._asked_at + timedelta(hours=self.delay_hours))
        return {**copy.deepcopy(self._base), "thread": thread}

    @property
    def report(self) -> Report:
        assert self._report is not None
        return self._report

    @property
    def finding(self) -> Finding:
        return self.report["prompt-reply"]

    @property
    def verdict(self) -> str:
        return self.finding.verdict

    def _update(self) -> None:
        self._report = check(self.scenario)
        self.timeline.value = self._timeline_html()
        f = self.finding
        hint = f'<div style="color:#444">Fix: {_esc(f.hint)}</div>' if f.hint else ""
        self.output.value = (
            f'<div class="cw-finding">{verdict_html(f.verdict)} <b>{f.rule}</b>: '
            f"{_esc(f.message)}{hint}</div>"
        )

    def _lines(self) -> list[tuple[str, str, str]]:
        """The thread as (when, who, text), oldest first."""
        s = parse_scenario(self.scenario)
        sender = s.sender.name or "You"
        recipient = s.recipient.name or "They"
        out = []
        for m in s.thread:
            hours = (m.at - self._asked_at).total_seconds() / 3600
            when = m.at.strftime("%a %d %b %H:%M") + (f" (+{hours:.1f} h)" if hours > 0 else "")
            out.append((when, sender if m.author == "sender" else recipient, m.text))
        return out

    def _timeline_html(self) -> str:
        window = 24.0
        scale = max(self.hours.max, window)
        bar = (
            '<div style="position:relative;height:1.2em;background:#eee;margin:0.3em 0" '
            f'role="img" aria-label="Timeline: the reply comes {self.delay_hours:.1f} hours '
            'after they asked; the first 24 hours are shaded">'
            f'<div style="position:absolute;left:0;width:{100 * window / scale:.1f}%;height:100%;'
            'background:#dcefe2"></div>'
            f'<div style="position:absolute;left:{min(100 * self.delay_hours / scale, 100):.1f}%;'
            'height:100%;border-left:3px solid #333"></div></div>'
            f"<div style='font-size:90%;color:#555'>Shaded: the first 24 hours after they asked. "
            f"Line: your reply, {self.delay_hours:.1f} h after.</div>"
        )
        rows = "".join(
            f"<tr><td style='white-space:nowrap;color:#555'>{_esc(when)}</td>"
            f"<td><b>{_esc(who)}</b></td><td>{_esc(text)}</td></tr>"
            for when, who, text in self._lines()
        )
        return f'<table class="cw-thread">{rows}</table>{bar}'

    def summary(self) -> str:
        lines = [f"{when}  {who}: {text}" for when, who, text in self._lines()]
        lines.append(f"Reply after {self.delay_hours:.1f} hours")
        lines.append(self.finding.to_text())
        return "\n".join(lines)

    def _static_html(self) -> str:
        return self.timeline.value + self.output.value


# ---------------------------------------------------------------- compare


@dataclass(frozen=True)
class Comparison:
    """One note checked against several recipients: a verdict per rule per recipient."""

    message: str
    reports: dict[str, Report]  # profile id -> report
    names: dict[str, str]  # profile id -> recipient's name

    @property
    def verdicts(self) -> dict[str, dict[str, str]]:
        """profile id -> rule name -> verdict."""
        return {pid: report.verdicts for pid, report in self.reports.items()}

    def to_text(self) -> str:
        ids = list(self.reports)
        width = max(len(r) for r in RULES) + 2
        cols = [max(len(self.names[pid]), 7) + 2 for pid in ids]
        head = "rule".ljust(width) + "".join(
            self.names[p].ljust(c) for p, c in zip(ids, cols, strict=True)
        )
        lines = [f"Note: {self.message}", head]
        for rule in RULES:
            cells = "".join(
                verdict_text(self.reports[p][rule].verdict).ljust(c)
                for p, c in zip(ids, cols, strict=True)
            )
            lines.append(rule.ljust(width) + cells)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:  # what nbval, GitHub and a terminal show
        return self.to_text()

    def _repr_html_(self) -> str:
        ids = list(self.reports)
        head = "".join(f"<th>{_esc(self.names[p])}</th>" for p in ids)
        rows = []
        for rule in RULES:
            cells = []
            for pid in ids:
                f = self.reports[pid][rule]
                cells.append(f'<td title="{_esc(f.message)}">{verdict_html(f.verdict)}</td>')
            rows.append(f"<tr><th style='text-align:left'>{_esc(rule)}</th>{''.join(cells)}</tr>")
        return (
            f'<div class="cw-compare"><blockquote style="white-space:pre-wrap">{_esc(self.message)}'
            f"</blockquote><table><tr><th>rule</th>{head}</tr>{''.join(rows)}</table></div>"
        )


@dataclass
class ExampleCards:
    """A lesson's example notes as cards: the note, what to notice, and the verdicts of the rules
    the lesson is about. Shown instead of a loop of print() calls a recruiter would have to read
    past; every verdict is computed by connectwell.check when the cell runs."""

    stem: str
    rules: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()  # only these examples, in the lesson's order; empty for all

    @cached_property
    def _rows(self) -> list[tuple[data.Example, Report]]:
        # Checked once: a display shows both the HTML and the text.
        chosen = data.lesson_examples(self.stem)
        if self.ids:
            chosen = [ex for ex in chosen if ex.id in self.ids]
        return [(ex, check(ex)) for ex in chosen]

    def _rules_for(self, example: data.Example) -> list[str]:
        # The lesson's own rules first, then any other rule the comment talks about, so every
        # verdict a comment claims is on the card beside it.
        chosen = list(self.rules) + [r for r in example.shows if r not in self.rules]
        return chosen or list(RULES)

    @staticmethod
    def _thread(example: data.Example) -> list[str]:
        """The replies after the note, as a person reads them: who, when, what."""

        def when(stamp: Any) -> str:
            moment = _stamp(stamp)
            return f"{moment:%a} {moment.day} {moment:%b %H:%M %Z}"

        sent = example.scenario.get("sent_at")
        return ([f"You sent the note, {when(sent)}"] if sent else []) + [
            f"{'They' if m['from'] == 'recipient' else 'You'} wrote, {when(m['at'])}: {m['text']}"
            for m in example.scenario.get("thread") or []
        ]

    def to_text(self) -> str:
        lines = []
        for ex, report in self._rows:
            note = ex.message or "(no note at all)"
            lines += [f"{ex.id}: {_recipient_line(ex.scenario)[0]}", f"  note: {note}"]
            lines += [f"  {line}" for line in self._thread(ex)]
            for rule in self._rules_for(ex):
                f = report[rule]
                lines.append(f"  {rule} {verdict_text(f.verdict)}: {f.message}")
                if f.verdict == "fail" and f.hint:
                    lines.append(f"    fix: {f.hint}")
            lines += [f"  notice: {ex.comment}", ""]
        return "\n".join(lines).rstrip()

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        cards = []
        for ex, report in self._rows:
            items = []
            for rule in self._rules_for(ex):
                f = report[rule]
                fix = f"<br>Fix: {_esc(f.hint)}" if f.verdict == "fail" and f.hint else ""
                items.append(
                    f"<li><b>{_esc(rule)}</b> {verdict_html(f.verdict)}: {_esc(f.message)}{fix}</li>"
                )
            verdicts = "".join(items)
            thread = "".join(f"<li>{_esc(line)}</li>" for line in self._thread(ex))
            cards.append(
                f'<div class="cw-example" id="{_esc(ex.id)}" style="border:1px solid #ccc;'
                f'padding:0.5em;margin:0.5em 0">{_recipient_line(ex.scenario)[1]}'
                f'<blockquote style="white-space:pre-wrap">{_esc(ex.message or "(no note at all)")}'
                "</blockquote>"
                + (f'<ul class="cw-thread">{thread}</ul>' if thread else "")
                + f"<ul>{verdicts}</ul><p><i>{_esc(ex.comment)}</i>"
                f'</p><p style="font-size:smaller;color:#555">{_esc(ex.id)}, '
                f"{len(ex.message)} characters</p></div>"
            )
        return "".join(cards)


@dataclass
class Table:
    """A small read-only table (a caption, a header row, rows): HTML in a notebook, aligned text
    elsewhere. Used where a lesson would otherwise print a loop."""

    caption: str
    header: tuple[str, ...]
    rows: list[tuple[str, ...]]

    def to_text(self) -> str:
        widths = [
            max(len(r[i]) for r in [self.header, *self.rows]) for i in range(len(self.header))
        ]
        return "\n".join(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in [self.header, *self.rows]
        )

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        head = "".join(f'<th scope="col">{_esc(h)}</th>' for h in self.header)
        body = "".join(
            "<tr>" + "".join(f"<td>{_esc(cell)}</td>" for cell in row) + "</tr>"
            for row in self.rows
        )
        return (
            f'<table class="cw-table"><caption>{_esc(self.caption)}</caption>'
            f"<tr>{head}</tr>{body}</table>"
        )


def rules_table() -> Table:
    """Every rule: its code, its name, the guideline it checks and the lesson that teaches it."""
    return Table(
        "The rules, and the notebook that teaches each",
        ("Code", "Name", "What it checks", "Taught in"),
        [(r.code, r.name, r.guideline, r.lesson) for r in RULES.values()],
    )


def profiles_table() -> Table:
    """The invented people the lessons write to, by the id a checker or picker takes."""
    return Table(
        "The people you write to in the lessons",
        ("Profile id", "Who"),
        [(pid, data.profile(pid)["blurb"]) for pid in data.profile_ids()],
    )


def examples(
    stem: str, rules: list[str] | None = None, ids: list[str] | None = None
) -> ExampleCards:
    """Cards for a lesson's example notes (see ExampleCards); `ids` picks some of them."""
    stem = stem.removesuffix(".ipynb")
    if stem not in data.lesson_stems():
        raise WidgetError(f"no lesson named {stem!r}; choose from {', '.join(data.lesson_stems())}")
    known = [ex.id for ex in data.lesson_examples(stem)]
    for example_id in ids or ():
        if example_id not in known:
            raise WidgetError(
                f"{stem} has no example {example_id!r}; choose from {', '.join(known)}"
            )
    return ExampleCards(stem, tuple(rules or ()), tuple(ids or ()))


def compare(
    message: str, profiles: list[str] | None = None, *, account: str | None = None
) -> Comparison:
    """Check one note against several recipients (default: every profile)."""
    if not isinstance(message, str):
        raise WidgetError(f"message: expected the note as a string, got {type(message).__name__}")
    ids = list(profiles) if profiles else data.profile_ids()
    reports, names = {}, {}
    for pid in ids:
        if pid not in data.load("profiles"):
            raise _unknown_profile(pid)
        scenario = data.scenario_for(pid, message, **({"account": account} if account else {}))
        reports[pid] = check(scenario)
        names[pid] = scenario["recipient"].get("name", pid).split(" ")[0]
    return Comparison(message, reports, names)
