"""`connectwell report`'s data: where a cohort struggles, read from nbgrader's gradebook, as
terminal tables and a CSV (the HTML page is in report_html).

For one assignment or all of them: the score distribution, and per rule the share of learners
whose notes failed it, most-failed first (the guideline to reteach). Printed as tables, and
saved as an HTML page with PNG plots in the course's grades/ folder, next to the grade CSVs.

What "failed a rule" means (the pages say it too): every autograded test cell is named after
what it checks (grade_id `q1_personalised`, see connectwell.grading.parse_grade_id). A learner
failed a rule when at least one of their scored test cells that names the rule scored below
its maximum. Cells without a score yet (not autograded, or awaiting manual grading) count
neither way, and a learner with no scored cell for a rule is not counted for it.

nbgrader (through its Gradebook API) and matplotlib are imported only when a report is made.
"""

from __future__ import annotations

import csv
import json
import statistics
import textwrap
from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from connectwell.grading.gradebooks import GradebookDB

GRADES_DIR = "grades"
BAR = 40  # characters of the longest histogram bar in the terminal
GUIDELINE = 64  # characters of a guideline in the terminal table (the HTML has it all)
DEFINITION = (
    "A learner failed a rule when at least one of their scored test cells that names it "
    "(grade id such as q1_personalised) scored below its maximum; cells not scored yet are "
    "left out, and the share is of the learners with a scored cell for that rule. "
    "'Not attempted': of those, the learners who failed it only on answers they left as "
    "given (a blank to fill rather than a guideline to reteach)."
)


class ReportError(Exception):
    """The report cannot be made; the message is the one line the user sees."""


# ---------------------------------------------------------------- what the gradebook holds


@dataclass(frozen=True)
class Cell:
    """One graded cell of one learner's submission."""

    notebook: str
    name: str
    score: float | None  # None: neither autograded nor manually graded yet
    max_score: float
    # What the autograder concluded, from the autograded notebook: "pass", "wrong",
    # "not-attempted" or "crashed"; None when the notebook does not say (or is gone).
    status: str | None = None

    @property
    def scored(self) -> bool:
        return self.score is not None

    @property
    def failed(self) -> bool:
        return self.score is not None and self.score < self.max_score

    @property
    def not_attempted(self) -> bool:
        """Failed only because the learner left the answer as it was given."""
        return self.failed and self.status == "not-attempted"

    @property
    def rule(self) -> str | None:
        from connectwell.grading import parse_grade_id

        gid = parse_grade_id(self.name)
        return gid.rule if gid else None


@dataclass(frozen=True)
class Submission:
    student: str
    assignment: str
    cells: tuple[Cell, ...]
    needs_manual_grade: bool = False

    @property
    def graded(self) -> bool:
        """Autograded: at least one cell has a score (a broken notebook leaves none)."""
        return any(c.scored for c in self.cells)

    @property
    def score(self) -> float:
        return sum(c.score or 0.0 for c in self.cells)

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.cells)

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0

    def failed_rules(self) -> list[str]:
        return sorted({c.rule for c in self.cells if c.rule and c.failed})


@dataclass(frozen=True)
class RuleShare:
    """How many learners failed one rule, of those whose work was scored on it."""

    rule: str
    failed: tuple[str, ...]  # learner ids
    learners: int
    cells: tuple[str, ...]  # the grade ids that check it
    # Of `failed`, those whose every failing cell on the rule was an answer not attempted:
    # a blank to fill rather than a guideline misunderstood.
    not_attempted: tuple[str, ...] = ()

    @property
    def share(self) -> float:
        return len(self.failed) / self.learners if self.learners else 0.0

    @property
    def code(self) -> str:
        from connectwell.rules import RULES

        return RULES[self.rule].code

    @property
    def guideline(self) -> str:
        from connectwell.rules import RULES

        return RULES[self.rule].guideline

    @property
    def lesson(self) -> str:
        from connectwell.rules import RULES

        return RULES[self.rule].lesson or ""


def rule_shares(submissions: Iterable[Submission]) -> list[RuleShare]:
    """Per rule, the learners who failed it; most-failed first, then in code order."""
    from connectwell.rules import RULES

    verdicts: dict[str, dict[str, bool]] = {}
    attempted_and_failed: dict[str, set[str]] = {}
    cells: dict[str, set[str]] = {}
    for sub in submissions:
        for cell in sub.cells:
            rule = cell.rule
            if rule is None or not cell.scored:
                continue
            seen = verdicts.setdefault(rule, {})
            seen[sub.student] = seen.get(sub.student, False) or cell.failed
            if cell.failed and not cell.not_attempted:
                attempted_and_failed.setdefault(rule, set()).add(sub.student)
            cells.setdefault(rule, set()).add(cell.name)
    shares = []
    for rule, seen in verdicts.items():
        failed = tuple(sorted(s for s, f in seen.items() if f))
        tried = attempted_and_failed.get(rule, set())
        blank = tuple(s for s in failed if s not in tried)
        shares.append(RuleShare(rule, failed, len(seen), tuple(sorted(cells[rule])), blank))
    order = list(RULES)
    return sorted(shares, key=lambda r: (-r.share, -len(r.failed), order.index(r.rule)))


@dataclass(frozen=True)
class Assignment:
    """An assignment's submissions as the gradebook has them."""

    name: str
    max_score: float
    submissions: tuple[Submission, ...]

    @property
    def graded(self) -> list[Submission]:
        return [s for s in self.submissions if s.graded]

    @property
    def not_graded(self) -> list[str]:
        return [s.student for s in self.submissions if not s.graded]

    @property
    def percents(self) -> list[float]:
        return [s.percent for s in self.graded]

    def rules(self) -> list[RuleShare]:
        return rule_shares(self.graded)


@dataclass(frozen=True)
class Cohort:
    course: Path
    assignments: tuple[Assignment, ...]
    everything: bool = False  # a report on every assignment, not one
    made: datetime = field(default_factory=lambda: datetime.now(UTC))

    def rules(self) -> list[RuleShare]:
        """Across the assignments: a learner failed a rule if they failed it in any of them."""
        return rule_shares(s for a in self.assignments for s in a.graded)

    @property
    def name(self) -> str:
        return "all assignments" if self.everything else self.assignments[0].name

    @property
    def prefix(self) -> str:
        """File names of this report: grades/PREFIX-report.html and its PNGs."""
        return "cohort" if self.everything else self.assignments[0].name


Locate = Callable[[str, str, str], Path]  # (learner, assignment, notebook) -> autograded file


def statuses(path: Path) -> dict[str, str]:
    """Per graded cell of an autograded notebook, what connectwell's trusted checks concluded
    (the result records connectwell.grading.preprocessors.TrustedChecks leaves in the outputs)."""
    from connectwell.grading import RESULT_MIME

    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found: dict[str, str] = {}
    for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        results = [
            (out.get("data") or {}).get(RESULT_MIME) or {} for out in cell.get("outputs") or []
        ]
        seen = [r.get("status") for r in results if isinstance(r, dict) and r.get("status")]
        if meta.get("grade_id") and seen:
            failing = [s for s in seen if s != "pass"]
            found[meta["grade_id"]] = failing[0] if failing else "pass"
    return found


def read_assignment(gb: Any, name: str, locate: Locate | None = None) -> Assignment:
    """One assignment's submissions from an open nbgrader Gradebook; with `locate`, each
    cell's status from the learner's autograded notebook too."""
    assignment = gb.find_assignment(name)
    subs = []
    for sub in sorted(gb.assignment_submissions(name), key=lambda s: s.student_id):
        cells: list[Cell] = []
        manual = False
        for nb in sorted(sub.notebooks, key=lambda n: n.name):
            status = statuses(locate(sub.student_id, name, nb.name)) if locate else {}
            source = {c.id: c for c in (*nb.notebook.grade_cells, *nb.notebook.task_cells)}
            order = {c.name: i for i, c in enumerate(nb.notebook.source_cells)}
            graded = sorted(nb.grades, key=lambda g: order.get(source[g.cell_id].name, 0))
            for g in graded:
                cell = source[g.cell_id]
                scored = g.auto_score is not None or g.manual_score is not None
                score = float(g.score) if scored else None
                cells.append(Cell(nb.name, cell.name, score, cell.max_score, status.get(cell.name)))
                manual = manual or bool(g.needs_manual_grade)
        subs.append(Submission(sub.student_id, name, tuple(cells), manual))
    return Assignment(name, float(assignment.max_score), tuple(subs))


def load(
    db_url: str, course: Path, assignment: str | None = None, locate: Locate | None = None
) -> Cohort:
    """The cohort's work on `assignment`, or on every assignment when it is None; `locate`
    finds autograded notebooks, for telling answers not attempted from wrong ones."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import OperationalError

    try:
        # course_id "": open without adding a course row; a report only reads.
        with Gradebook(db_url, course_id="") as gb:
            known = sorted(a.name for a in gb.assignments)
            if assignment is not None and assignment not in known:
                listed = ", ".join(known) or "none yet"
                raise ReportError(
                    f"the gradebook has no assignment {assignment!r} (it has: {listed})"
                )
            names = [assignment] if assignment is not None else known
            found = tuple(read_assignment(gb, name, locate) for name in names)
    except (OperationalError, ImportError) as exc:
        raise ReportError(GradebookDB(db_url).problem(exc)) from None
    if not any(a.submissions for a in found):
        what = assignment or "any assignment"
        raise ReportError(
            f"nobody's work on {what} is in the gradebook yet; grade it first with "
            f"`connectwell grade {assignment or 'ASSIGNMENT'}`"
        )
    return Cohort(course, found, everything=assignment is None)


# ---------------------------------------------------------------- the terminal


def percent_text(x: float) -> str:
    return f"{x:.0f}%"


def _bins(percents: Sequence[float], width: int) -> list[int]:
    """Counts per bin of `width` percentage points; 100% goes in the last bin."""
    n = 100 // width
    counts = [0] * n
    for p in percents:
        counts[min(int(p // width), n - 1)] += 1
    return counts


def points_text(x: float) -> str:
    return f"{x:g}"


def scores_text(a: Assignment) -> list[str]:
    graded = a.graded
    head = f"{a.name}: {len(a.submissions)} submitted, {len(graded)} graded"
    if a.not_graded:
        head += f", {len(a.not_graded)} could not be graded ({', '.join(a.not_graded)})"
    waiting = sum(s.needs_manual_grade for s in graded)
    if waiting:
        head += f"; {waiting} await manual grading (their unscored cells count as 0)"
    lines = [head]
    if not graded:
        return lines
    lines.append(f"  Score, % of {points_text(a.max_score)} points   learners")
    counts = _bins(a.percents, 20)
    scale = min(1.0, BAR / max(counts))  # a class of 200 still fits the terminal
    for i, count in enumerate(counts):
        low, high = i * 20, (i + 1) * 20 - 1 if i < len(counts) - 1 else 100
        bar = "█" * round(count * scale)
        lines.append(f"  {low:>3}–{high:<3}%  {bar:<{round(max(counts) * scale)}}  {count}")
    p = a.percents
    lines.append(
        f"  mean {percent_text(statistics.fmean(p))}, median {percent_text(statistics.median(p))}, "
        f"lowest {percent_text(min(p))}, highest {percent_text(max(p))}"
    )
    return lines


def scores_line(a: Assignment) -> str:
    """The cohort's scores in a sentence (the end of `connectwell grade`)."""
    p = a.percents
    if not p:
        return ""
    return (
        f"Scores of the {len(p)} graded learner(s): mean {percent_text(statistics.fmean(p))}, median "
        f"{percent_text(statistics.median(p))}, lowest {percent_text(min(p))}, highest {percent_text(max(p))} of "
        f"{points_text(a.max_score)} points."
    )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def rules_text(shares: Sequence[RuleShare]) -> list[str]:
    if not shares:
        return ["  No autograded cell checks a rule here."]
    wide = max(len(r.rule) for r in shares)
    lines = [f"  {'rule':<{wide}}  code   failed  of  share  not attempted  guideline"]
    for r in shares:
        lines.append(
            f"  {r.rule:<{wide}}  {r.code}  {len(r.failed):>6}  {r.learners:>2}  "
            f"{percent_text(100 * r.share):>5}  {len(r.not_attempted):>13}  "
            f"{_clip(r.guideline, GUIDELINE)}"
        )
    return lines


def text(cohort: Cohort) -> str:
    lines: list[str] = []
    unsubmitted = [a.name for a in cohort.assignments if not a.submissions]
    for a in cohort.assignments:
        if a.submissions:
            lines += [*scores_text(a), ""]
    if unsubmitted:
        lines += [f"Nothing submitted yet: {', '.join(unsubmitted)}", ""]
    scope = "across all assignments" if cohort.everything else "in " + cohort.name
    lines.append(f"Rules to reteach {scope}, most failed first:")
    lines += rules_text(cohort.rules())
    lines += ["", *textwrap.wrap(DEFINITION, 100)]
    return "\n".join(lines)


# ---------------------------------------------------------------- CSV


def _cell_column(a: Assignment, cell: Cell) -> str:
    several = len({c.notebook for s in a.submissions for c in s.cells}) > 1
    return f"{cell.notebook}/{cell.name}" if several else cell.name


def _spreadsheet_safe(value: str) -> str:
    """A learner id that a spreadsheet would run as a formula is written as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_csv(a: Assignment, path: Path, unsandboxed: Set[str] = frozenset()) -> Path:
    """One row per learner: total, status, whether grading ran in the sandbox, and each graded
    cell's score ('' = not scored)."""
    columns: list[str] = []
    for sub in a.submissions:
        for cell in sub.cells:
            if _cell_column(a, cell) not in columns:
                columns.append(_cell_column(a, cell))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(
            ["student_id", "score", "max_score", "percent", "status", "sandboxed", *columns]
        )
        for sub in a.submissions:
            status = (
                "not graded"
                if not sub.graded
                else "needs manual grading"
                if sub.needs_manual_grade
                else "graded"
            )
            by_column = {_cell_column(a, c): c for c in sub.cells}
            cells = [
                "" if c is None or c.score is None else points_text(c.score)
                for c in (by_column.get(col) for col in columns)
            ]
            out.writerow(
                [
                    _spreadsheet_safe(sub.student),
                    points_text(sub.score),
                    points_text(sub.max_score),
                    f"{sub.percent:.1f}",
                    status,
                    "" if not sub.graded else "no" if sub.student in unsandboxed else "yes",
                    *cells,
                ]
            )
    return path
