"""The `connectwell` command: check notes from files, folders, a CSV outbox or the command line,
explain the rules, open the course, and grade and report on a cohort.

One module per command (check.py, rules.py, lab.py, grade.py, report.py); inputs.py reads
notes, output.py shows them. This module builds the parser and runs a command.

Each subcommand is one `add_NAME(subparsers)` function that registers its options and a
`cmd_NAME(args) -> exit code` function; to add one, write both and append `add_NAME` to
SUBCOMMANDS. argparse (stdlib) keeps start-up light; the rule engine is imported only when a
subcommand needs it.

Exit codes: 0 every note passes, 1 a rule fails, 2 bad input or usage, 130 Ctrl-C.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from connectwell.cli.check import add_check
from connectwell.cli.grade import add_grade
from connectwell.cli.inputs import InputError
from connectwell.cli.lab import add_lab
from connectwell.cli.output import EXIT_BAD_INPUT, EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, echo, safe
from connectwell.cli.report import add_report
from connectwell.cli.rules import add_rules

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
            echo(f"error: {safe(str(exc))}", err=True)
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
