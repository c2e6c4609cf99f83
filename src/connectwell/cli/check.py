"""`connectwell check`: check notes, print each report or a table, and with --suggest a passing
rewrite; with --output, write the results (and suggestions) to a file.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from connectwell.cli.inputs import (
    MAX_ERRORS,
    Batch,
    InputError,
    Item,
    canonical_column,
    expand,
    quick_look,
    read_input,
)
from connectwell.cli.output import (
    EXIT_BAD_INPUT,
    EXIT_FAIL,
    EXIT_PASS,
    echo,
    report_text,
    safe,
    suggestion_line,
    table_text,
)

if TYPE_CHECKING:
    from connectwell.report import Report


# ---------------------------------------------------------------- connectwell check


def add_check(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "check",
        help="check notes against every rule",
        description=(
            "Check connection notes against every rule. FILE may be JSON, YAML (one scenario or "
            "a list), JSON Lines, a CSV outbox with a `message` column, a folder of those, or - "
            "for stdin. Exit 0 when every note passes, 1 when a rule fails, 2 for bad input."
        ),
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="scenario files or folders; - = stdin")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    p.add_argument(
        "--reply-window",
        type=_hours,
        default=24.0,
        metavar="HOURS",
        help="how soon a reply counts as prompt for prompt-reply (default 24)",
    )
    p.add_argument(
        "--suggest",
        action="store_true",
        help="under each failing note, a rewrite that passes every rule, built only from the "
        "note's context (or why none can be made)",
    )
    p.add_argument(
        "--output",
        metavar="FILE",
        help="also write a CSV: each note's row as read, its verdict and failing rules, and with "
        "--suggest a suggestion column. FILE must not exist yet",
    )
    quick = p.add_argument_group("quick look: check one note typed on the command line")
    quick.add_argument("--message", "-m", help="the note text (may be empty)")
    quick.add_argument("--to", metavar="NAME", help="the recipient's name, e.g. 'Priya Raman'")
    quick.add_argument(
        "--headline", help="the recipient's headline, e.g. 'Data Engineer at Globex'"
    )
    quick.add_argument("--company", help="the recipient's company")
    quick.add_argument("--industry", help="the recipient's industry")
    quick.add_argument("--skills", help="the recipient's skills, separated by ; or ,")
    # The same lists as the CSV outbox's columns of those names.
    quick.add_argument(
        "--articles", help="titles of the recipient's articles or posts, separated by ;"
    )
    quick.add_argument("--events", help="events where you met or both attended, separated by ;")
    quick.add_argument(
        "--connections", help="people you both know (shared connections), separated by ;"
    )
    quick.add_argument("--from", dest="sender", metavar="NAME", help="your name")
    quick.add_argument("--account", choices=("free", "premium"), default="free")
    quick.add_argument(
        "--channel",
        choices=("invitation", "inmail"),
        default="invitation",
        help="a connection note (200 or 300 characters) or an InMail (800)",
    )
    quick.add_argument("--purpose", choices=_purposes(), help="why you are connecting")
    quick.add_argument("--job-title", help="the job you are offering (purpose job_offer)")
    quick.add_argument("--job-company", help="the company that is hiring")
    quick.add_argument("--job-skills", help="the job's skills, separated by ; or ,")
    p.set_defaults(func=cmd_check)


# Options that only make sense with --message (argparse dests).
_QUICK_ONLY = (
    "to",
    "headline",
    "company",
    "industry",
    "skills",
    "sender",
    "purpose",
    "job_title",
    "job_company",
    "job_skills",
)


def _purposes() -> tuple[str, ...]:
    from connectwell.scenario import PURPOSES

    return PURPOSES


def _hours(text: str) -> float:
    try:
        hours = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of hours") from None
    if not 0 < hours < 1e6:
        raise argparse.ArgumentTypeError(f"{text!r}: give a positive number of hours, e.g. 24")
    return hours


def cmd_check(args: argparse.Namespace) -> int:
    if args.message is None:
        given = [f"--{k.replace('_', '-')}" for k in _QUICK_ONLY if getattr(args, k)]
        if args.account != "free":
            given.append("--account")
        if args.channel != "invitation":
            given.append("--channel")
        if given:
            raise InputError(f"{given[0]} describes a note given with --message; add --message")
        if not args.files:
            raise InputError("nothing to check; give FILEs, a folder, - for stdin, or --message")
    output = _output_path(args.output, args.files) if args.output else None
    batches = [read_input(name) for name in expand(args.files)]
    if args.message is not None:
        batches.append(quick_look(args))
    return run_checks(batches, args.format, args.reply_window, args.suggest, output)


def _output_path(name: str, inputs: list[str]) -> Path:
    """Where --output writes: a new file, never one of the inputs or anything already there."""
    path = Path(name)
    if any(i != "-" and Path(i).resolve() == path.resolve() for i in inputs):
        raise InputError(f"--output {name}: that is an input file; write to a new file instead")
    if path.exists():
        raise InputError(f"--output {name}: already exists; choose a new name or move it first")
    if not path.parent.is_dir():
        raise InputError(f"--output {name}: no folder {path.parent}; create it first")
    return path


def _best_rewrite(item: Item, report: Report) -> tuple[str, str]:
    """(the best passing rewrite or "", why there is none or "") for a failing note."""
    from connectwell.suggest import suggest

    if report.passed:
        return "", ""
    found = suggest(item.scenario, n=1)
    return (found[0].text, "") if found else ("", found.missing)


def write_output(
    path: Path, rows: list[tuple[Item, Report, tuple[str, str]]], with_suggestions: bool
) -> None:
    """One CSV row per note: its own columns (CSV inputs), then what the checker found."""
    own: list[str] = []
    for item, _, _ in rows:
        own += [h for h, _ in item.row if h not in own]
    if "message" not in [canonical_column(h) for h in own]:
        own = ["source", "message", *own]
    extra = [
        "passes",
        "failed_rules",
        *(["suggestion", "no_suggestion_because"] if with_suggestions else []),
    ]
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow([*own, *extra])
        for item, report, (rewrite, missing) in rows:
            cells = dict(item.row) or {"source": item.source, "message": item.scenario.message}
            verdicts = ["yes" if report.passed else "no", "; ".join(x.rule for x in report.failed)]
            out.writerow(
                [cells.get(h, "") for h in own]
                + verdicts
                + ([rewrite, missing] if with_suggestions else [])
            )


def run_checks(
    batches: list[Batch],
    fmt: str,
    reply_window: float = 24.0,
    with_suggestions: bool = False,
    output: Path | None = None,
) -> int:
    from connectwell.engine import check

    results: list[dict[str, Any]] = []
    written: list[tuple[Item, Report, tuple[str, str]]] = []
    checked = failed = 0
    for batch in batches:
        for line in batch.errors[:MAX_ERRORS]:
            echo(f"error: {safe(line)}", err=True)
        if len(batch.errors) > MAX_ERRORS:
            more = len(batch.errors) - MAX_ERRORS
            echo(f"error: {safe(batch.source)}: {more} more problem(s) like these", err=True)
        rows = [(item, check(item.scenario, reply_window=reply_window)) for item in batch.items]
        checked += len(rows)
        failed += sum(not report.passed for _, report in rows)
        rewrites = [
            _best_rewrite(item, report) if with_suggestions else ("", "") for item, report in rows
        ]
        written += [(item, report, rw) for (item, report), rw in zip(rows, rewrites, strict=True)]
        if fmt == "json":
            results += [
                {
                    "source": item.source,
                    "message": item.scenario.message,
                    **report.to_dict(),
                    **(
                        {"suggestion": rw or None, "no_suggestion_because": why or None}
                        if with_suggestions
                        else {}
                    ),
                }
                for (item, report), (rw, why) in zip(rows, rewrites, strict=True)
            ]
        elif batch.table and rows:
            echo(table_text(batch.source, rows))
            if with_suggestions:
                for (item, report), rw in zip(rows, rewrites, strict=True):
                    if not report.passed:
                        echo(safe(f"  {item.source}: {suggestion_line(*rw)}"))
            echo()
        else:
            for (item, report), rw in zip(rows, rewrites, strict=True):
                echo(report_text(item, report))
                if with_suggestions and not report.passed:
                    echo(safe(suggestion_line(*rw)))
                echo()
    bad = any(batch.errors for batch in batches)
    if output is not None:
        write_output(output, written, with_suggestions)
        echo(f"wrote {output}: {len(written)} note(s)", err=True)
    if fmt == "json":
        echo(json.dumps(results, ensure_ascii=False, indent=2))
    elif checked > 1 or (checked and bad):
        echo(f"{checked} note(s) checked: {checked - failed} pass every rule, {failed} fail")
    if bad:
        return EXIT_BAD_INPUT
    return EXIT_FAIL if failed else EXIT_PASS
