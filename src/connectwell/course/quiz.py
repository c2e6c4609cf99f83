"""The request quiz (accept, ignore or report each incoming request) and its answer key behind a
button.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as w

from connectwell import data
from connectwell.course.display import CHOICES, QUIZ_RULES, WidgetError, esc, Shown, verdict_html
from connectwell.data import QuizItem
from connectwell.engine import check
from connectwell.report import SYMBOLS

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


class RequestQuiz(Shown):
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
        chosen = "" if answered.correct else f"you chose {esc(answered.choice)}; "
        flags = (
            "<div>Red flags: " + ", ".join(f"<b>{esc(f)}</b>" for f in item.flags) + "</div>"
            if item.flags
            else ""
        )
        report = check(item.scenario, rules=list(QUIZ_RULES))
        rules = " · ".join(f"{verdict_html(f.verdict)} {f.rule}" for f in report.findings)
        return (
            f'<div class="cw-feedback" style="border-top:1px solid #ddd;margin-top:0.5em">'
            f"<div>From {esc(item.sender.get('name', ''))}: "
            f"{verdict_html(verdict)} <b>{word}</b>: {chosen}"
            f"the answer is <b>{esc(item.answer)}</b>.</div>"
            f"<div>{esc(item.why)}</div>{flags}"
            f'<div style="color:#444">The checker on this note: {rules}</div></div>'
        )

    # -- display

    def _card_html(self, item: QuizItem) -> str:
        sender = item.sender
        note = esc(item.message) if item.message.strip() else "<i>(no note: just a request)</i>"
        return (
            '<div class="cw-request" style="border:1px solid #ccc;border-radius:6px;padding:0.6em">'
            f"<div><b>{esc(sender.get('name', ''))}</b></div>"
            f'<div style="color:#555">{esc(sender.get("headline", ""))}</div>'
            f'<blockquote style="white-space:pre-wrap;margin:0.5em 0">{note}</blockquote></div>'
        )

    def _show(self) -> None:
        done = self.done
        for button in self.buttons.values():
            button.disabled = done
        self.restart.layout.display = None if done else "none"
        if done:
            self.progress.value = f"<b>{esc(self.final_text())}</b>"
            self.card.value = self._misses_html()
        else:
            self.progress.value = esc(self._position())
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
            f"<li><b>{esc(a.item.sender.get('name', ''))}</b>: you chose {esc(a.choice)}, "
            f"the answer is {esc(a.item.answer)}. {esc(a.item.why)}</li>"
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


class AnswerKey(Shown):
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
            f"<tr><td>{esc(item.sender.get('name', ''))}: {esc(item.message)}</td>"
            f"<td><b>{esc(item.answer)}</b></td><td>{esc(item.why)}</td>"
            f"<td>{esc(', '.join(failing) or 'none')}</td></tr>"
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
