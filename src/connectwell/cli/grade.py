"""`connectwell grade`: grade a cohort's submissions in parallel (grading.cohort does the work)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from connectwell.cli.inputs import InputError
from connectwell.cli.output import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_PASS, echo, safe

if TYPE_CHECKING:
    pass


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
    from connectwell.grading.cohort import UNSANDBOXED_WARNING, CohortError, grade

    if args.unsandboxed:
        echo(UNSANDBOXED_WARNING, err=True)
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
        echo(
            f"interrupted: learners graded so far are saved; run `connectwell grade "
            f"{args.assignment}` again to grade the rest",
            err=True,
        )
        return EXIT_INTERRUPTED
    for line in run.problems():
        echo(f"error: {safe(line)}", err=True)
    echo(safe(run.summary()))
    return EXIT_PASS if run.ok else EXIT_BAD_INPUT
