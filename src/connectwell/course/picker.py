"""The scenario picker: one note, a chosen recipient and purpose, and the verdicts that change
with them.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from connectwell import data
from connectwell.course.display import WidgetError, esc, Shown, unknown_profile
from connectwell.course.checker import LiveChecker
from connectwell.report import Report

# ---------------------------------------------------------------- scenario picker


class ScenarioPicker(Shown):
    """Choose a recipient from a dropdown and check one note against each in turn."""

    def __init__(self, profiles: list[str] | None = None, message: str = "") -> None:
        ids = list(profiles) if profiles else data.profile_ids()
        for pid in ids:
            if pid not in data.load("profiles"):
                raise unknown_profile(pid)
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
        self.blurb.value = f'<div class="cw-blurb"><i>{esc(blurb)}</i></div>'

    def summary(self) -> str:
        blurb = data.profile(self.selected).get("blurb", "")
        return "\n".join(
            filter(None, [f"Recipient: {self.selected}", blurb, self.checker.summary()])
        )

    def _static_html(self) -> str:
        return self.blurb.value + self.checker._static_html()
