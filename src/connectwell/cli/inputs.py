"""What `connectwell check` reads: files, folders, JSON/JSONL/YAML documents, a CSV outbox,
stdin, or a note given on the command line, each turned into scenarios with where they came from.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from connectwell.scenario import Scenario


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
        columns = [canonical_column(h) for h in header]
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


def canonical_column(header: str) -> str:
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
