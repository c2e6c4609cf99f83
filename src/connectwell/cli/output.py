"""What every command shares for output: exit codes, terminal-safe text, column widths, one
note's report and a CSV's table.
"""

from __future__ import annotations

import sys
import unicodedata
from typing import TYPE_CHECKING

from connectwell.cli.inputs import EXCERPT, Item

if TYPE_CHECKING:
    from connectwell.report import Report


EXIT_PASS, EXIT_FAIL, EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 0, 1, 2, 130, 141


# ---------------------------------------------------------------- showing results


def show(text: str, limit: int | None = None) -> str:
    """A note on one line, quoted, with invisible characters made visible and long notes cut."""
    out = []
    for ch in text[: limit if limit is not None else len(text)]:
        if ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == " " or ch.isprintable():
            out.append(ch)
        else:  # zero-width spaces, control characters: show what is there
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
    cut = limit is not None and len(text) > limit
    return '"' + "".join(out) + ('…"' if cut else '"')


def safe(text: str) -> str:
    """Text for a terminal: a note's control characters (e.g. escape codes) are shown, not run."""
    return "".join(
        ch if ch in "\n\t" or unicodedata.category(ch) != "Cc" else f"\\x{ord(ch):02x}"
        for ch in text
    )


def width(text: str) -> int:
    """Columns a string takes in a terminal (wide East Asian characters and emoji take two)."""
    total = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def clip(text: str, columns: int) -> str:
    """Cut a shown note to fit a table column, marking the cut."""
    if width(text) <= columns:
        return text
    while text and width(text) > columns - 1:
        text = text[:-1]
    return text + "…"


def report_text(item: Item, report: Report) -> str:
    head = f"{item.source}: {show(item.scenario.message, 60)}"
    return safe(f"{head}\n{report.to_text()}")


def suggestion_line(rewrite: str, missing: str) -> str:
    return f"suggestion: {rewrite}" if rewrite else f"no suggestion: {missing}"


def table_text(source: str, rows: list[tuple[Item, Report]]) -> str:
    from connectwell.report import SYMBOLS
    from connectwell.rules import RULES

    rules = list(RULES.values())
    passed = sum(report.passed for _, report in rows)
    lines = [
        f"{source}: {len(rows)} note(s), {passed} pass every rule",
        "  row  " + pad("note", EXCERPT + 2) + " ".join(r.code for r in rules) + "  fails",
    ]
    for item, report in rows:
        row = item.source.rsplit("row ", 1)[-1]
        note = clip(safe(show(item.scenario.message, EXCERPT)), EXCERPT)
        marks = " ".join(pad(f"  {SYMBOLS[report[r.name].verdict]}", len(r.code)) for r in rules)
        fails = ", ".join(f.rule for f in report.failed) or "-"
        lines.append(f"{row:>5}  {pad(note, EXCERPT + 2)}{marks}  {fails}")
    lines.append("  " + " · ".join(f"{r.code} {r.name}" for r in rules))
    lines.append("  " + "   ".join(f"{symbol} {verdict}" for verdict, symbol in SYMBOLS.items()))
    return "\n".join(lines)


def echo(text: str = "", *, err: bool = False) -> None:
    print(text, file=sys.stderr if err else sys.stdout)
