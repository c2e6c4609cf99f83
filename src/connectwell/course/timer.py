"""The reply timer: when someone asks why you want to connect, how long did you take to answer,
and did the answer give the reason.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

import ipywidgets as w

from connectwell.course.display import WidgetError, esc, scenario_mapping, Shown, verdict_html
from connectwell.engine import check
from connectwell.reasons import asks_why
from connectwell.report import Finding, Report
from connectwell.scenario import ScenarioError, parse_scenario
from connectwell.text import fold_plain

# ---------------------------------------------------------------- reply timer

DEFAULT_QUESTION = "Thanks for the note! Why would you like to connect?"
DEFAULT_ASKED_AT = "2026-03-02T09:00:00Z"


def parse_stamp(value: Any) -> datetime:
    """A thread timestamp read exactly as the scenario parser reads it (zone-less is UTC)."""
    message = {"from": "recipient", "at": value, "text": ""}
    try:
        return parse_scenario({"message": "", "thread": [message]}).thread[0].at
    except ScenarioError as exc:
        raise WidgetError(str(exc).replace("thread[0]", "thread")) from None


def _iso(stamp: datetime) -> str:
    return stamp.isoformat().replace("+00:00", "Z")


class ReplyTimer(Shown):
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
        base = scenario_mapping(scenario, "scenario")
        thread = sorted((dict(m) for m in base.get("thread") or []), key=lambda m: parse_stamp(m["at"]))
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
            at = _iso(parse_stamp(thread[-1]["at"]) + timedelta(hours=1)) if thread else DEFAULT_ASKED_AT
            thread.append({"from": "recipient", "at": at, "text": DEFAULT_QUESTION})
            asked = len(thread) - 1
        self._asked_at = parse_stamp(thread[asked]["at"])
        answer = next(
            (
                i
                for i, m in enumerate(thread)
                if m["from"] == "sender" and parse_stamp(m["at"]) >= self._asked_at
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
            initial = (parse_stamp(thread[answer]["at"]) - self._asked_at).total_seconds() / 3600
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
        hint = f'<div style="color:#444">Fix: {esc(f.hint)}</div>' if f.hint else ""
        self.output.value = (
            f'<div class="cw-finding">{verdict_html(f.verdict)} <b>{f.rule}</b>: '
            f"{esc(f.message)}{hint}</div>"
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
            f"<tr><td style='white-space:nowrap;color:#555'>{esc(when)}</td>"
            f"<td><b>{esc(who)}</b></td><td>{esc(text)}</td></tr>"
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
