"""`connectwell lab`: open the course in JupyterLab (course.lab does the work)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from connectwell.cli.inputs import InputError

if TYPE_CHECKING:
    pass


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
    from connectwell.course.lab import LabError, run

    try:
        return run(args.folder, args.port, open_browser=not args.no_browser)
    except LabError as exc:
        raise InputError(str(exc)) from None
