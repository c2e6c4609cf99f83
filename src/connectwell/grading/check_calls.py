"""Test cells read back: the grading.check(...) calls in a cell's source, parsed without running
it. Used by the trusted re-grade and by validation of the exercises.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from connectwell.grading.exercises import GradingError

# Private references, captured when the kernel imports this module, before the learner's
# answers run: a later `cw.check = ...` in the notebook does not reach them.

# ---------------------------------------------------------------- test cells read back


@dataclass(frozen=True)
class CheckCall:
    """One `grading.check(question, check, *args)` line of a test cell."""

    question: str
    check: str
    args: tuple[Any, ...] = ()


def parse_checks(source: str) -> list[CheckCall]:
    """The check calls of a test cell, in order. Arguments must be literals, so the autograder
    can read them without running anything."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise GradingError(
            f"test cell is not valid Python (line {exc.lineno}): {exc.msg}"
        ) from None
    calls = []
    for node in tree.body:
        call = node.value if isinstance(node, ast.Expr) else None
        if not isinstance(call, ast.Call) or not _is_check(call.func):
            continue
        try:
            values = [ast.literal_eval(a) for a in call.args]
        except ValueError:
            raise GradingError(
                f"line {node.lineno}: check() arguments must be literals (text, numbers, lists)"
            ) from None
        if call.keywords or len(values) < 2 or not all(isinstance(v, str) for v in values[:2]):
            raise GradingError(f'line {node.lineno}: write check("q1", "rule-name", ...)')
        calls.append(CheckCall(values[0], values[1], tuple(values[2:])))
    return calls


def _is_check(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id == "check"
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "check"
        and isinstance(func.value, ast.Name)
    )
