"""`connectwell report`: where a cohort struggles, from the gradebook (grading.report)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from connectwell.cli.inputs import InputError
from connectwell.cli.output import EXIT_PASS, echo, safe

if TYPE_CHECKING:
    pass


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
    from connectwell.grading.cohort import CohortError, report

    try:
        made = report(args.course, args.assignment)
    except CohortError as exc:
        raise InputError(str(exc)) from None
    echo(safe(made.text))
    echo(f"\nHTML report: {made.html}")
    return EXIT_PASS
