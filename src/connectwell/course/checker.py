"""The live checker: a text box whose verdicts update as the learner types, announced politely to
screen readers, with a "Suggest a rewrite" button. Also the editor in graded exercises.
"""

from __future__ import annotations

import copy
from typing import Any

import ipywidgets as w

from connectwell.course.display import (
    SR_ONLY,
    ANNOUNCE_AFTER,
    WidgetError,
    esc,
    recipient_line,
    scenario_mapping,
    Shown,
    with_overrides,
)
from connectwell.engine import check
from connectwell.report import COLOURS, SYMBOLS, Report
from connectwell.scenario import ACCOUNTS, INMAIL_LIMIT
from connectwell.suggest import Suggestion, Suggestions

# ---------------------------------------------------------------- live checker


class LiveChecker(Shown):
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
        base = scenario_mapping(profile)
        if not message and base.get("message"):
            message = base["message"]
        if not isinstance(message, str):
            raise WidgetError(
                f"message: expected the note as a string, got {type(message).__name__}"
            )
        self._base = with_overrides(base, account=account, purpose=purpose)
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
        self._base = with_overrides(scenario_mapping(profile), account=account, purpose=purpose)
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
                w.HTML(f'<p class="cw-suggest-missing">{esc(self.suggestions.missing)}</p>')
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
        self.heading.value = recipient_line(self._base)[1]
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
            f'<div role="status" aria-live="polite" aria-atomic="true" style="{SR_ONLY}">'
            f"{esc(self.status_text())}</div>"
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
            f"{esc(self.counter_text())}</div>"
        )

    def _findings_html(self) -> str:
        if self._report is None:
            return f'<div class="cw-error">{esc(self._error)}</div>'
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
        lines = [recipient_line(self._base)[0], f"Note: {note}", self.counter_text()]
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
            + recipient_line(self._base)[1]
            + f'<blockquote style="white-space:pre-wrap">{esc(self.text) or "<i>(no note)</i>"}'
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
        f"{esc(found.text)}</blockquote><small>Uses {esc(facts)}</small></div>"
    )
