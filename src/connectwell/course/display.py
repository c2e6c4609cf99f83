"""What every course widget shares: the escaped verdict marks, the display protocol (Shown), the
error a widget raises for bad input, and reading a profile name or mapping into a scenario.
"""

from __future__ import annotations

import copy
import html
import os
from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from connectwell import data
from connectwell.data import CourseError
from connectwell.report import COLOURS, SYMBOLS
from connectwell.scenario import Scenario, ScenarioError, parse_scenario

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
SR_ONLY = (
    "position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;"
    "clip:rect(0,0,0,0);white-space:nowrap;border:0"
)
# The rules that tell a welcome request from spam, shown after each quiz answer.
QUIZ_RULES = ("not-blank", "not-canned", "no-scam")


class WidgetError(CourseError, ValueError):
    """Bad input to a widget (an unknown profile, a bad scenario, a choice not offered)."""


def esc(text: Any) -> str:
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


class Shown:
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


def scenario_mapping(source: Any, what: str = "profile") -> dict[str, Any]:
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


def with_overrides(scenario: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """The scenario with the overrides that are not None, validated."""
    out = dict(scenario)
    out.update({k: v for k, v in overrides.items() if v is not None})
    try:
        parse_scenario(out)
    except ScenarioError as exc:
        raise WidgetError(str(exc)) from None
    return out


def unknown_profile(pid: Any) -> WidgetError:
    return WidgetError(
        f"profiles: no profile named {pid!r}; choose from {', '.join(data.profile_ids())}"
    )


def recipient_line(scenario: Mapping[str, Any]) -> tuple[str, str]:
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
    return text, f'<div class="cw-to">{esc(text)}</div>'
