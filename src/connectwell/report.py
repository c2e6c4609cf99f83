"""Findings and reports: what the rules concluded, as data, plain text and escaped HTML."""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

Verdict = Literal["pass", "fail", "n/a"]

# A symbol and a word for every verdict, so no verdict is told by colour alone.
SYMBOLS: dict[str, str] = {"pass": "✓", "fail": "✗", "n/a": "–"}
COLOURS: dict[str, str] = {"pass": "#1b7f3b", "fail": "#b3261e", "n/a": "#6b6b6b"}


@dataclass(frozen=True, init=False)
class Finding:
    """One rule's verdict on one note, with the reason and the fix."""

    rule: str
    code: str
    verdict: Verdict
    message: str
    hint: str = ""
    span: tuple[int, int] | None = None

    def __init__(
        self,
        rule: str,
        code: str,
        verdict: Verdict,
        message: str,
        hint: str = "",
        span: tuple[int, int] | None = None,
    ):
        # The frozen dataclass __init__ sets each field through object.__setattr__; every check
        # builds ten Findings and ten Outcomes. Filling the instance dict directly is the same
        # object, still frozen afterwards. It matters: with this, Outcome's twin and Context's
        # `once`, benchmarks/bench_check.py gives 204 µs per note; with the plain dataclass
        # and cached_property, 215 µs (the best of five runs each).
        fields = self.__dict__
        fields["rule"] = rule
        fields["code"] = code
        fields["verdict"] = verdict
        fields["message"] = message
        fields["hint"] = hint
        fields["span"] = span

    @property
    def passed(self) -> bool:
        return self.verdict != "fail"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "code": self.code,
            "verdict": self.verdict,
            "message": self.message,
            "hint": self.hint,
            "span": list(self.span) if self.span else None,
        }

    def to_text(self) -> str:
        line = f"{SYMBOLS[self.verdict]} {self.verdict:<4} {self.code} {self.rule}: {self.message}"
        if self.verdict == "fail" and self.hint:
            line += f"\n         fix: {self.hint}"
        return line

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(self.to_text())

    def _repr_html_(self) -> str:
        colour = COLOURS[self.verdict]
        hint = (
            '<div class="cw-hint" style="margin-left:1.6em;color:#444">'
            f"Fix: {html.escape(self.hint)}</div>"
            if self.verdict == "fail" and self.hint
            else ""
        )
        # Rule names and codes are ours, but a Finding is public: escape them like any text.
        rule, code = html.escape(self.rule), html.escape(self.code)
        return (
            f'<div class="cw-finding cw-{self.verdict.replace("/", "")}" data-rule="{rule}">'
            f'<span style="color:{colour};font-weight:bold">'
            f"{SYMBOLS[self.verdict]} {self.verdict}</span> "
            f"<code>{code}</code> <b>{rule}</b>: {html.escape(self.message)}{hint}</div>"
        )


@dataclass(frozen=True)
class Report:
    """Every rule's finding on one note."""

    message: str
    findings: tuple[Finding, ...]
    limit: int = 200

    @property
    def passed(self) -> bool:
        return all(f.passed for f in self.findings)

    @property
    def failed(self) -> list[Finding]:
        return [f for f in self.findings if f.verdict == "fail"]

    def __getitem__(self, rule: str) -> Finding:
        for finding in self.findings:
            if finding.rule == rule or finding.code == rule:
                return finding
        # Name what the report does hold: with check(..., rules=[...]) that is not every rule.
        held = ", ".join(f.rule for f in self.findings) or "no rules"
        raise KeyError(f"no rule named {rule!r} in this report; it holds {held}")

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    @property
    def verdicts(self) -> dict[str, Verdict]:
        return {f.rule: f.verdict for f in self.findings}

    def to_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "findings": [f.to_dict() for f in self.findings]}

    def to_text(self) -> str:
        head = "✓ passes every rule" if self.passed else f"✗ fails {len(self.failed)} rule(s)"
        count = f"{len(self.message)}/{self.limit} characters"
        return "\n".join([f"{head} ({count})", *(f.to_text() for f in self.findings)])

    def __str__(self) -> str:
        return self.to_text()

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        # IPython's plain-text form (what nbval, GitHub and terminals show): the readable report.
        printer.text(self.to_text())

    def highlighted_html(self) -> str:
        """The note, escaped, with the spans that failing rules object to marked."""
        return highlight(self.message, [f for f in self.findings if f.verdict == "fail" and f.span])

    def _repr_html_(self) -> str:
        head = "✓ passes every rule" if self.passed else f"✗ fails {len(self.failed)} rule(s)"
        over = len(self.message) > self.limit
        count = (
            f'<span class="cw-count" style="color:{COLOURS["fail" if over else "n/a"]}">'
            f"{len(self.message)}/{self.limit} characters</span>"
        )
        return (
            f'<div class="cw-report"><div><b>{head}</b> {count}</div>'
            '<blockquote class="cw-note" style="white-space:pre-wrap">'
            f"{self.highlighted_html()}</blockquote>"
            + "".join(f._repr_html_() for f in self.findings)
            + "</div>"
        )


# A marked passage shows by more than colour: the wavy underline still shows in greyscale.
MARK_STYLE = "text-decoration:underline wavy;text-underline-offset:3px"


def highlight(text: str, findings: list[Finding]) -> str:
    """Escape text and wrap the spans of findings in <mark>; overlapping spans are merged."""
    spans = sorted((f.span[0], f.span[1], f.rule) for f in findings if f.span)
    out: list[str] = []
    pos = 0
    for start, end, rule in spans:
        start, end = max(start, pos), min(end, len(text))
        if start >= end:
            continue
        out.append(html.escape(text[pos:start]))
        name = html.escape(rule)
        out.append(
            f'<mark title="{name}" data-rule="{name}" style="{MARK_STYLE}">'
            f"{html.escape(text[start:end])}</mark>"
        )
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)
