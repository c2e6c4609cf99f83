"""`connectwell rules`: each rule's code, name, what it checks, why, and examples that fail and
pass, as text or as the Markdown of docs/rules.md.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import TYPE_CHECKING, Any

from connectwell.cli.inputs import InputError
from connectwell.cli.output import EXIT_PASS, echo, safe, show

if TYPE_CHECKING:
    from connectwell.rules import Rule


# ---------------------------------------------------------------- connectwell rules


def add_rules(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "rules",
        help="list the rules, or explain one",
        description="List the rules, or explain one (by name or code) with its example notes.",
    )
    p.add_argument("rule", nargs="?", metavar="RULE", help="a rule name or code, e.g. personalised")
    p.add_argument(
        "--markdown",
        action="store_true",
        help="print Markdown (`connectwell rules --markdown > docs/rules.md` makes the docs)",
    )
    p.set_defaults(func=cmd_rules)


def find_rule(name: str) -> Rule:
    import difflib

    from connectwell.rules import RULES

    wanted = name.strip().lower()
    for rule in RULES.values():
        if wanted in (rule.name, rule.code.lower()):
            return rule
    close = difflib.get_close_matches(wanted, list(RULES), n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    raise InputError(f"no rule named {name!r}; {hint}the rules are: {', '.join(RULES)}")


def cmd_rules(args: argparse.Namespace) -> int:
    from connectwell.rules import RULES

    if args.rule:
        rule = find_rule(args.rule)
        echo(rule_markdown(rule) if args.markdown else rule_text(rule))
    elif args.markdown:
        sys.stdout.write(rules_markdown())
    else:
        wide = max(len(r.name) for r in RULES.values())
        for rule in RULES.values():
            echo(f"{rule.code}  {rule.name:<{wide}}  {rule.guideline}")
        echo("\nRun `connectwell rules NAME` for why it matters, how to fix it and examples.")
    return EXIT_PASS


def describe(example: Any) -> str:
    """An example note with the context that matters to its verdict, on one line."""
    from connectwell.scenario import parse_scenario

    s = parse_scenario(example)
    note = show(s.message, 120)
    if len(s.message) > 120:
        note += f" ({len(s.message)} characters)"
    context = []
    if s.recipient.name:
        context.append(f"to {s.recipient.name}")
    if s.purpose:
        context.append(f"purpose {s.purpose}")
    if s.channel == "inmail":
        context.append("InMail")
    elif s.account != "free":
        context.append(f"{s.account} account")
    if s.job:
        context.append(f"job: {s.job.title or 'untitled'}")
    if s.sent_at:
        context.append(f"sent {s.sent_at:%b %d %H:%M}")
    for m in s.thread:
        who = "they" if m.author == "recipient" else "you"
        context.append(f"{m.at:%b %d %H:%M} {who}: {show(m.text, 80)}")
    return note + (f" ({'; '.join(context)})" if context else "")


def _example_groups(rule: Rule) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    return (
        ("must fail", rule.must_fail),
        ("must pass", rule.must_pass),
        ("the rule does not apply to (n/a)", rule.not_applicable),
    )


def rule_text(rule: Rule) -> str:
    lines = [rule.doc()]
    for title, examples in _example_groups(rule):
        if examples:
            lines += ["", f"Notes that {title}:"]
            lines += [f"  - {describe(e)}" for e in examples]
    return safe("\n".join(lines))


def _code(text: str) -> str:
    """Markdown inline code that survives backticks in the text."""
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


def _md(text: str) -> str:
    """Prose for Markdown: no accidental tables, emphasis or HTML."""
    return re.sub(r"([\\|*_<>\[\]])", r"\\\1", text)


def rule_markdown(rule: Rule) -> str:
    lines = [
        f"## {rule.code} {rule.name}",
        "",
        f"**What it checks.** {_md(rule.guideline)}",
        "",
        f"**Why it matters.** {_md(rule.why)}",
        "",
        f"**How to fix it.** {_md(rule.fix)}",
    ]
    if rule.bad:
        lines += ["", "Fails:", "", f"> {_md(rule.bad)}"]
    if rule.good:
        lines += ["", "Write instead:", "", f"> {_md(rule.good)}"]
    if rule.lesson:
        lines += ["", f"Taught in `course/{rule.lesson}`."]
    for title, examples in _example_groups(rule):
        if examples:
            lines += ["", f"Notes that {title} (the rule's own tests):", ""]
            lines += [f"- {_code(describe(e))}" for e in examples]
    return "\n".join(lines) + "\n"


def rules_markdown() -> str:
    from connectwell.rules import RULES

    lines = [
        "# The rules",
        "",
        "<!-- Generated from connectwell.RULES; do not edit by hand. Regenerate with:",
        "     connectwell rules --markdown > docs/rules.md -->",
        "",
        "`connectwell check` runs every rule on every note. Each gives a verdict: pass, fail, or",
        "n/a when the rule does not apply (e.g. explains-fit on a note that offers no job).",
        "",
        "| Code | Name | What it checks |",
        "|---|---|---|",
    ]
    for rule in RULES.values():
        anchor = f"{rule.code}-{rule.name}".lower()
        lines.append(f"| [{rule.code}](#{anchor}) | `{rule.name}` | {_md(rule.guideline)} |")
    out = "\n".join(lines) + "\n"
    return out + "".join("\n" + rule_markdown(rule) for rule in RULES.values())
