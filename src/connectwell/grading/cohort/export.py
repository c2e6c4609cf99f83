"""What a grading run leaves for the instructor besides the gradebook: the grades CSV, the list of
learners graded without the sandbox, and `connectwell report`'s entry point.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from connectwell.grading.cohort.preflight import check_course
from connectwell.grading.cohort.settings import UNSANDBOXED_LIST, CohortError
from connectwell.grading.gradebooks import GradebookDB
from connectwell.grading.report import GRADES_DIR, ReportError


def record_sandboxing(course: Path, assignment: str, graded: list[str], sandbox: bool) -> set[str]:
    """Update and return the learners whose latest grading ran without the sandbox."""
    path = course / GRADES_DIR / UNSANDBOXED_LIST.format(assignment=assignment)
    try:
        names = set(path.read_text(encoding="utf-8").splitlines())
    except OSError:
        names = set()
    names = names | set(graded) if not sandbox else names - set(graded)
    names.discard("")
    if names:
        path.parent.mkdir(exist_ok=True)
        path.write_text("".join(f"{n}\n" for n in sorted(names)), encoding="utf-8")
    else:
        path.unlink(missing_ok=True)
    return names


class CsvNotWritten(CohortError):
    """grades/ASSIGNMENT.csv could not be written; the message says why and how to get it."""


def export_csv(
    course: Path, db_url: str, assignment: str, unsandboxed: set[str] | None = None
) -> tuple[Path, str]:
    """grades/ASSIGNMENT.csv from the gradebook (every learner who submitted, every cell), and
    the cohort's scores in one line. Learners in `unsandboxed` are marked sandboxed=no.

    CsvNotWritten when it cannot be written (the gradebook locked or unreachable, nobody's work
    in it, the file not writable): a run must not end without its CSV, or with an earlier
    run's, and not say so."""
    from connectwell.grading import report as cohort_report

    path = course / GRADES_DIR / f"{assignment}.csv"
    try:
        cohort = cohort_report.load(db_url, course, assignment)
        graded = cohort.assignments[0]
        written = cohort_report.write_csv(graded, path, unsandboxed or set())
    except (ReportError, OSError) as exc:
        raise CsvNotWritten(_csv_problem(path, assignment, exc)) from None
    return written, cohort_report.scores_line(graded)


def _csv_problem(path: Path, assignment: str, exc: ReportError | OSError) -> str:
    """One line: why the CSV was not written, what to do, and that a rerun then writes it."""
    state = "was not written"
    if path.is_file():  # an earlier run's, which must not pass for this one's
        state = "was not updated (it holds an earlier run's grades)"
    rerun = f"`connectwell grade {assignment}` writes it (learners already graded are skipped)"
    if isinstance(exc, OSError):
        why = f"{exc.strerror or exc}; fix or remove it, then {rerun}"
    else:
        why = str(exc)  # GradebookDB.problem's, ending with what to do
        if why.endswith(", then run this again"):
            why = f"{why.removesuffix('run this again')}{rerun}"
        elif "`connectwell grade" not in why:
            why = f"{why}; once that is fixed, {rerun}"
    return f"{GRADES_DIR}/{path.name} {state}: {why}"


# ---------------------------------------------------------------- the report


@dataclass(frozen=True)
class ReportRun:
    text: str
    html: Path
    images: tuple[Path, ...]


def report(course: Path | str, assignment: str | None = None) -> ReportRun:
    """Tables for the terminal, and the HTML report with plots in grades/."""
    from connectwell.grading import report as cohort_report
    from connectwell.grading import report_html
    from connectwell.grading.cohort.worker import load_course

    course = check_course(Path(course))
    try:
        coursedir = load_course(course, assignment or "", log_level="WARN").coursedir
    except RuntimeError as exc:
        raise CohortError(str(exc)) from None
    gradebook = GradebookDB(coursedir.db_url)
    if gradebook.file is not None and not gradebook.file.is_file():
        raise CohortError(
            f"no gradebook ({gradebook.shown}) in {course}; grade an assignment first"
        )

    def locate(student: str, aid: str, notebook: str) -> Path:
        folder = coursedir.format_path(coursedir.autograded_directory, student, aid)
        return Path(folder) / f"{notebook}.ipynb"

    try:
        cohort = cohort_report.load(coursedir.db_url, course, assignment, locate)
    except ReportError as exc:
        raise CohortError(str(exc)) from None
    written = report_html.write(cohort, course / GRADES_DIR)
    return ReportRun(cohort_report.text(cohort), written.html, written.images)
