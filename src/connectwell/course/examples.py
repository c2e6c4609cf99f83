"""Lesson examples shown without code: cards of notes with their verdicts, tables of rules and
profiles, and one note compared across recipients.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from connectwell import data
from connectwell.course.display import (
    WidgetError,
    esc,
    recipient_line,
    unknown_profile,
    verdict_html,
    verdict_text,
)
from connectwell.course.timer import parse_stamp
from connectwell.engine import check
from connectwell.report import Report
from connectwell.rules import RULES

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
        head = "".join(f"<th>{esc(self.names[p])}</th>" for p in ids)
        rows = []
        for rule in RULES:
            cells = []
            for pid in ids:
                f = self.reports[pid][rule]
                cells.append(f'<td title="{esc(f.message)}">{verdict_html(f.verdict)}</td>')
            rows.append(f"<tr><th style='text-align:left'>{esc(rule)}</th>{''.join(cells)}</tr>")
        return (
            f'<div class="cw-compare"><blockquote style="white-space:pre-wrap">{esc(self.message)}'
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
            moment = parse_stamp(stamp)
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
            lines += [f"{ex.id}: {recipient_line(ex.scenario)[0]}", f"  note: {note}"]
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
                fix = f"<br>Fix: {esc(f.hint)}" if f.verdict == "fail" and f.hint else ""
                items.append(
                    f"<li><b>{esc(rule)}</b> {verdict_html(f.verdict)}: {esc(f.message)}{fix}</li>"
                )
            verdicts = "".join(items)
            thread = "".join(f"<li>{esc(line)}</li>" for line in self._thread(ex))
            cards.append(
                f'<div class="cw-example" id="{esc(ex.id)}" style="border:1px solid #ccc;'
                f'padding:0.5em;margin:0.5em 0">{recipient_line(ex.scenario)[1]}'
                f'<blockquote style="white-space:pre-wrap">{esc(ex.message or "(no note at all)")}'
                "</blockquote>"
                + (f'<ul class="cw-thread">{thread}</ul>' if thread else "")
                + f"<ul>{verdicts}</ul><p><i>{esc(ex.comment)}</i>"
                f'</p><p style="font-size:smaller;color:#555">{esc(ex.id)}, '
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
        head = "".join(f'<th scope="col">{esc(h)}</th>' for h in self.header)
        body = "".join(
            "<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>"
            for row in self.rows
        )
        return (
            f'<table class="cw-table"><caption>{esc(self.caption)}</caption>'
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
            raise unknown_profile(pid)
        scenario = data.scenario_for(pid, message, **({"account": account} if account else {}))
        reports[pid] = check(scenario)
        names[pid] = scenario["recipient"].get("name", pid).split(" ")[0]
    return Comparison(message, reports, names)
