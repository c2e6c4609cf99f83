"""The `connectwell` command: check notes from files, folders, a CSV outbox or the command line,
and explain the rules.

Each subcommand is one `add_NAME(subparsers)` function that registers its options and a
`cmd_NAME(args) -> exit code` function; to add one, write both and append `add_NAME` to
SUBCOMMANDS. argparse (stdlib) keeps start-up light; the rule engine is imported only when a
subcommand needs it.

Exit codes: 0 every note passes, 1 a rule fails, 2 bad input or usage, 130 Ctrl-C.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from connectwell.report import Report
    from connectwell.rules import Rule
    from connectwell.scenario import Scenario

EXIT_PASS, EXIT_FAIL, EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 0, 1, 2, 130, 141

SUFFIXES = (".json", ".jsonl", ".yaml", ".yml", ".csv")
EXCERPT = 36  # characters of a note shown in a CSV table row
MAX_ERRORS = 5  # per input: a file with the same slip on every line needs one screen, not 200

# CSV column -> where it goes in a scenario. Several spellings are accepted for the recipient's
# name because outbox exports differ; everything else is strict so that a typo is reported.
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "message": ("message",),
    "purpose": ("purpose",),
    "account": ("account",),
    "channel": ("channel",),
    "to": ("recipient", "name"),
    "recipient": ("recipient", "name"),
    "recipient_name": ("recipient", "name"),
    "recipient_headline": ("recipient", "headline"),
    "headline": ("recipient", "headline"),
    "company": ("recipient", "company"),
    "recipient_company": ("recipient", "company"),
    "industry": ("recipient", "industry"),
    "recipient_industry": ("recipient", "industry"),
    "skills": ("recipient", "skills"),
    "recipient_skills": ("recipient", "skills"),
    "articles": ("recipient", "articles"),
    "shared_connections": ("recipient", "shared_connections"),
    "events": ("recipient", "events"),
    "from": ("sender", "name"),
    "sender": ("sender", "name"),
    "sender_name": ("sender", "name"),
    "sender_headline": ("sender", "headline"),
    "job_title": ("job", "title"),
    "job_company": ("job", "company"),
    "job_industry": ("job", "industry"),
    "job_skills": ("job", "skills"),
}
_LIST_FIELDS = {"skills", "articles", "shared_connections", "events"}


class InputError(Exception):
    """Bad input found by the command itself; the message is the one line the user sees."""


# ---------------------------------------------------------------- reading inputs


@dataclass(frozen=True)
class Item:
    """One note to check and where it came from, named as the user would find it."""

    source: str
    scenario: Scenario
    row: tuple[tuple[str, str], ...] = ()  # a CSV row as (header, cell), to write back out


@dataclass
class Batch:
    """What one input (a file, stdin or --message) held: notes, and lines for bad entries."""

    source: str
    items: list[Item] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    table: bool = False  # a CSV outbox prints as one table


def iter_items(batches: Iterable[Batch]) -> Iterable[Item]:
    """Every note read, in order (for tools such as the benchmark that reuse the readers)."""
    for batch in batches:
        yield from batch.items


def expand(paths: Sequence[str]) -> list[str]:
    """Replace each folder by the scenario files in it (sorted; not recursive)."""
    out: list[str] = []
    for name in paths:
        path = Path(name)
        if name != "-" and path.is_dir():
            found = sorted(
                str(p)
                for p in path.iterdir()
                if p.suffix.lower() in SUFFIXES and not p.name.startswith(".") and p.is_file()
            )
            if not found:
                raise InputError(f"{name}: no {', '.join(SUFFIXES)} files in this folder")
            out.extend(found)
        else:
            out.append(name)
    return out


def read_input(name: str) -> Batch:
    """Read one FILE argument ('-' is stdin) into a Batch; never raises for bad content."""
    from connectwell.scenario import ScenarioError, parse_documents

    try:
        if name == "-":
            source = "<stdin>"
            text = _read_stdin(source)
            suffix = ""
        else:
            source, path = name, Path(name)
            suffix = path.suffix.lower()
            if suffix not in SUFFIXES:
                raise InputError(
                    f"{name}: not a scenario file; use {', '.join(SUFFIXES)} "
                    "(or --message for a single note)"
                )
            text = _read(path)
        if suffix == ".csv":
            return read_csv(text, source)
        try:
            docs = parse_documents(text, source, suffix)
        except RecursionError:
            raise InputError(f"{source}: nested too deeply to be a scenario") from None
    except (InputError, ScenarioError) as exc:
        return Batch(name, errors=[str(exc)])
    return scenarios_from(docs, source)


def scenarios_from(docs: list[Any], source: str) -> Batch:
    """Parse each document on its own, so one bad entry does not hide the others."""
    batch = Batch(source)
    if not docs:
        batch.errors.append(f"{source}: holds no scenarios; write at least one with a message")
    for i, doc in enumerate(docs):
        where = source if len(docs) == 1 else f"{source}, scenario {i + 1}"
        _add(batch, doc, where)
    return batch


def _add(batch: Batch, doc: Any, where: str, row: tuple[tuple[str, str], ...] = ()) -> None:
    from connectwell.scenario import ScenarioError, parse_scenario

    try:
        batch.items.append(Item(where, parse_scenario(doc), row))
    except ScenarioError as exc:
        batch.errors.append(f"{where}: {exc}")
    except (TypeError, RecursionError) as exc:
        # The parser should turn every bad value into a ScenarioError; if one slips through it is
        # still bad input, so the user gets a line, not a traceback.
        batch.errors.append(f"{where}: cannot be read as a scenario ({type(exc).__name__}: {exc})")


def _read_stdin(source: str) -> str:
    stream = sys.stdin
    if stream is None:
        raise InputError(f"{source}: no standard input to read")
    buffer = getattr(stream, "buffer", None)
    # Bytes when possible, so a non-UTF-8 pipe gets the same message as a non-UTF-8 file.
    return _decode(buffer.read(), source) if buffer is not None else stream.read()


def _read(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; check the path") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    return _decode(raw, str(path))


def _decode(raw: bytes, source: str) -> str:
    try:
        return raw.decode("utf-8-sig")  # -sig: spreadsheets often start UTF-8 with a BOM
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source}: not UTF-8 text (bad byte at position {exc.start}); save it as UTF-8"
        ) from None


def read_csv(text: str, source: str) -> Batch:
    """A recruiting team's outbox: one note per row, in a `message` column, with context."""
    batch = Batch(source, table=True)
    first_line = text.split("\n", 1)[0]
    try:
        dialect: Any = csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # one column, or nothing to go on: plain commas
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader, None)
        if header is None:
            raise InputError(f"{source}: empty; the first row must name the columns")
        columns = [_column(h) for h in header]
        if "message" not in columns:
            found = ", ".join(h for h in header if h.strip()) or "none"
            raise InputError(
                f"{source}: no message column (found columns: {found}); "
                "a `message` column with the note text is required"
            )
        unknown = [h for h, c in zip(header, columns, strict=True) if c and c not in CSV_COLUMNS]
        if unknown:
            raise InputError(
                f"{source}: unknown column {unknown[0]!r}; expected message and any of "
                f"{', '.join(c for c in CSV_COLUMNS if c != 'message')}"
            )
        for n, row in enumerate(reader, start=2):  # row numbers as a spreadsheet shows them
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(columns):
                batch.errors.append(
                    f"{source}, row {n}: {len(row)} cells but {len(columns)} columns; "
                    "quote cells that contain the delimiter"
                )
                continue
            cells = tuple(zip(header, [*row, *[""] * (len(header) - len(row))], strict=True))
            _add(batch, _row_scenario(columns, row), f"{source}, row {n}", cells)
    except csv.Error as exc:
        batch.errors.append(f"{source}, row {reader.line_num}: not valid CSV ({exc})")
    except InputError as exc:
        batch.errors.append(str(exc))
    if not batch.items and not batch.errors:
        batch.errors.append(f"{source}: has a header but no notes")
    return batch


def _column(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


def _row_scenario(columns: list[str], row: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {"message": ""}
    for column, cell in zip(columns, row, strict=False):
        if not column or (not cell.strip() and column != "message"):
            continue
        where = CSV_COLUMNS[column]
        value: Any = split_list(cell, where[-1]) if where[-1] in _LIST_FIELDS else cell.strip()
        if column == "message":
            value = cell  # the note exactly as written: spacing is part of what is checked
        if len(where) == 1:
            data[where[0]] = value
        else:
            data.setdefault(where[0], {})[where[1]] = value
    return data


def split_list(cell: str, name: str = "skills") -> list[str]:
    """Lists in one cell or option are separated by ';' (skills also by ',': no skill has one)."""
    pattern = r"[;,]" if name == "skills" else r";"
    return [part.strip() for part in re.split(pattern, cell) if part.strip()]


def quick_look(args: argparse.Namespace) -> Batch:
    """The scenario described by --message and its context options."""
    recipient = {
        "name": args.to,
        "headline": args.headline,
        "company": args.company,
        "industry": args.industry,
        "skills": split_list(args.skills) if args.skills else None,
        "articles": split_list(args.articles, "articles") if args.articles else None,
        "events": split_list(args.events, "events") if args.events else None,
        "shared_connections": (
            split_list(args.connections, "connections") if args.connections else None
        ),
    }
    job = {
        "title": args.job_title,
        "company": args.job_company,
        "skills": split_list(args.job_skills) if args.job_skills else None,
    }
    doc: dict[str, Any] = {
        "message": args.message,
        "account": args.account,
        "channel": args.channel,
    }
    if args.purpose:
        doc["purpose"] = args.purpose
    if args.sender:
        doc["sender"] = {"name": args.sender}
    if any(recipient.values()):
        doc["recipient"] = {k: v for k, v in recipient.items() if v}
    if any(job.values()):
        doc["job"] = {k: v for k, v in job.items() if v}
    batch = Batch("--message")
    _add(batch, doc, "--message")
    return batch


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


def _print(text: str = "", *, err: bool = False) -> None:
    print(text, file=sys.stderr if err else sys.stdout)


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
    if "message" not in [_column(h) for h in own]:
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
            _print(f"error: {safe(line)}", err=True)
        if len(batch.errors) > MAX_ERRORS:
            more = len(batch.errors) - MAX_ERRORS
            _print(f"error: {safe(batch.source)}: {more} more problem(s) like these", err=True)
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
            _print(table_text(batch.source, rows))
            if with_suggestions:
                for (item, report), rw in zip(rows, rewrites, strict=True):
                    if not report.passed:
                        _print(safe(f"  {item.source}: {suggestion_line(*rw)}"))
            _print()
        else:
            for (item, report), rw in zip(rows, rewrites, strict=True):
                _print(report_text(item, report))
                if with_suggestions and not report.passed:
                    _print(safe(suggestion_line(*rw)))
                _print()
    bad = any(batch.errors for batch in batches)
    if output is not None:
        write_output(output, written, with_suggestions)
        _print(f"wrote {output}: {len(written)} note(s)", err=True)
    if fmt == "json":
        _print(json.dumps(results, ensure_ascii=False, indent=2))
    elif checked > 1 or (checked and bad):
        _print(f"{checked} note(s) checked: {checked - failed} pass every rule, {failed} fail")
    if bad:
        return EXIT_BAD_INPUT
    return EXIT_FAIL if failed else EXIT_PASS


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
        _print(rule_markdown(rule) if args.markdown else rule_text(rule))
    elif args.markdown:
        sys.stdout.write(rules_markdown())
    else:
        wide = max(len(r.name) for r in RULES.values())
        for rule in RULES.values():
            _print(f"{rule.code}  {rule.name:<{wide}}  {rule.guideline}")
        _print("\nRun `connectwell rules NAME` for why it matters, how to fix it and examples.")
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


# ---------------------------------------------------------------- connectwell lab


def add_lab(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "lab",
        help="open the course in JupyterLab",
        description=(
            "Open JupyterLab on the course (course/, exercises/) with the live checker and "
            "nbgrader's Validate button, on this computer only (127.0.0.1), and print its "
            "address. Ctrl+C stops it."
        ),
    )
    p.add_argument(
        "folder",
        nargs="?",
        metavar="FOLDER",
        help="the course folder: a ConnectWell checkout, or where to keep your copy of the "
        "course (default: this folder, the checkout installed, or ~/ConnectWell)",
    )
    p.add_argument(
        "--port", type=_port, help="the port to use (default: 8888, or the next free one)"
    )
    p.add_argument(
        "--no-browser", action="store_true", help="only print the address; open no browser"
    )
    p.set_defaults(func=cmd_lab)


def _port(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port; give a number from 1 to 65535")
    return int(text)


def cmd_lab(args: argparse.Namespace) -> int:
    from connectwell.lab import LabError, run

    try:
        return run(args.folder, args.port, open_browser=not args.no_browser)
    except LabError as exc:
        raise InputError(str(exc)) from None


# ---------------------------------------------------------------- connectwell grade / report


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of workers, 1 or more")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a positive number of seconds")
    return value


def add_grade(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "grade",
        help="autograde a cohort's submissions in parallel (nbgrader), with feedback and CSV",
        description=(
            "Autograde every learner's submission of ASSIGNMENT with nbgrader, several at a "
            "time, then generate their feedback and write grades/ASSIGNMENT.csv. The gradebook "
            "ends as a sequential `nbgrader autograde` leaves it. Learners already autograded "
            "are skipped (so an interrupted run can simply be run again); --force regrades."
        ),
    )
    p.add_argument("assignment", metavar="ASSIGNMENT", help="e.g. 01_not_blank")
    p.add_argument(
        "--jobs", "-j", type=_jobs, help="learners graded at once (default: the number of cores)"
    )
    p.add_argument("--student", metavar="ID", help="grade only this learner")
    p.add_argument("--force", action="store_true", help="regrade learners already autograded")
    p.add_argument("--no-feedback", action="store_true", help="do not generate feedback")
    p.add_argument(
        "--timeout",
        type=_seconds,
        default=900.0,
        metavar="SECONDS",
        help="stop grading one learner after this long (default 900; nbgrader's per-cell "
        "timeout in nbgrader_config.py applies first)",
    )
    p.add_argument(
        "--unsandboxed",
        action="store_true",
        help="run learners' code without the bubblewrap sandbox, with your own account's powers: "
        "only where bubblewrap cannot run and every learner is trusted; the CSV records it",
    )
    p.add_argument(
        "--course", default=".", metavar="DIR", help="the nbgrader course folder (default: .)"
    )
    p.set_defaults(func=cmd_grade)


def cmd_grade(args: argparse.Namespace) -> int:
    from connectwell.cohort import UNSANDBOXED_WARNING, CohortError, grade

    if args.unsandboxed:
        _print(UNSANDBOXED_WARNING, err=True)
    try:
        run = grade(
            args.course,
            args.assignment,
            jobs=args.jobs,
            student=args.student,
            force=args.force,
            feedback=not args.no_feedback,
            timeout=args.timeout,
            sandbox=not args.unsandboxed,
        )
    except CohortError as exc:
        raise InputError(str(exc)) from None
    except KeyboardInterrupt:
        _print(
            f"interrupted: learners graded so far are saved; run `connectwell grade "
            f"{args.assignment}` again to grade the rest",
            err=True,
        )
        return EXIT_INTERRUPTED
    for line in run.problems():
        _print(f"error: {safe(line)}", err=True)
    _print(safe(run.summary()))
    return EXIT_PASS if run.ok else EXIT_BAD_INPUT


def add_report(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "report",
        help="where the class struggles: score distribution and the rules most failed",
        description=(
            "Read the gradebook and show, for ASSIGNMENT (or all assignments), the score "
            "distribution and per rule the share of learners who failed it, most failed "
            "first. Also writes an HTML report with plots to grades/."
        ),
    )
    p.add_argument(
        "assignment", nargs="?", metavar="ASSIGNMENT", help="one assignment (default: all)"
    )
    p.add_argument(
        "--course", default=".", metavar="DIR", help="the nbgrader course folder (default: .)"
    )
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from connectwell.cohort import CohortError, report

    try:
        made = report(args.course, args.assignment)
    except CohortError as exc:
        raise InputError(str(exc)) from None
    _print(safe(made.text))
    _print(f"\nHTML report: {made.html}")
    return EXIT_PASS


# ---------------------------------------------------------------- the command


SUBCOMMANDS: list[Callable[[Any], None]] = [add_check, add_rules, add_lab, add_grade, add_report]


def build_parser() -> argparse.ArgumentParser:
    from connectwell import __version__

    parser = argparse.ArgumentParser(
        prog="connectwell",
        description="Check LinkedIn connection notes against the ConnectWell guidelines.",
        epilog="Examples: connectwell check examples/ · connectwell check outbox.csv · "
        "connectwell check -m 'Hi Priya, ...' --to 'Priya Raman' · connectwell rules personalised",
    )
    parser.add_argument("--version", action="version", version=f"connectwell {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for add in SUBCOMMANDS:
        add(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code (the console script passes it to sys.exit)."""
    for stream in (sys.stdout, sys.stderr):
        # A note may hold characters the terminal cannot encode; show them escaped, don't crash.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    try:
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # argparse already printed the usage error or the help
            return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
        if not hasattr(args, "func"):
            parser.print_help(sys.stderr)
            return EXIT_BAD_INPUT
        try:
            code = args.func(args)
        except InputError as exc:
            _print(f"error: {safe(str(exc))}", err=True)
            code = EXIT_BAD_INPUT
        sys.stdout.flush()  # surface a closed pipe here, not at interpreter exit
        return code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader (e.g. `| head`) has gone; stop quietly, and point stdout at devnull so the
        # interpreter's final flush does not complain either.
        _silence_stdout()
        return EXIT_BROKEN_PIPE


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


if __name__ == "__main__":
    sys.exit(main())
