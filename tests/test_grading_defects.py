"""Seven ways `connectwell grade` lost or misreported grades, each shown as a user would see it.

1. a second run of an assignment deleted the scratch (and lock) of the run in progress;
2. grades/ASSIGNMENT.csv went missing without a word when it could not be written;
3. a --force regrade that failed overwrote the scores the gradebook held;
4. a manual grade entered during a run lost what nbgrader says of it (needs_manual_grade),
   because workers merge from a gradebook snapshot taken when they started;
5. after a gradebook failure, learners whose grades were saved were listed as not graded;
6. replace_dir's copy fallback could leave half an autograded folder, which marks a learner done;
7. sqlite+pysqlite:/// and sqlite:///...?timeout= gradebooks were taken for database servers.

Real grading costs seconds per learner, so the course and one graded copy are made once per
module, and each test grades as few learners as it can, in its own copy. Where something must
happen at a given moment of a run (a grader in formgrader, another program taking the
gradebook), a wrapper around the gradebook writer makes it happen just before a learner's grades
are written; the tests then look at what a user would: scores, files, messages.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from nbgrader_course import Course, sqlite_state

from connectwell.cli import main
from connectwell.grading import cohort
from connectwell.grading.cohort import scratch as scratch_files
from connectwell.grading.cohort import writer
from connectwell.grading.gradebooks import GradebookDB

NOTES = "01_not_blank"
LEARNERS = ["alice", "bob", "carol"]
WAIT = 300.0  # s: a guard against a hung run, never a measurement
# A learner's answer with this in it makes the course copy's nbgrader fail after it has saved
# the scores (see fail_after_saving).
MARKER = "FAIL_AFTER_SAVING"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Course:
    """alice submits the solutions (full marks), bob and carol the untouched release."""
    course = Course.create(tmp_path_factory.mktemp("defects") / "base")
    course.submit("alice", NOTES, course.solved(NOTES))
    for who in ("bob", "carol"):
        course.submit(who, NOTES, course.release(NOTES))
    return course


@pytest.fixture(scope="module")
def graded(base: Course, tmp_path_factory: pytest.TempPathFactory) -> Course:
    """The cohort graded once, without feedback; tests regrade copies of it."""
    course = base.copy(tmp_path_factory.mktemp("graded") / "course")
    run = cohort.grade(course.root, NOTES, jobs=2, feedback=False, progress=False)
    assert sorted(run.graded) == LEARNERS and run.ok, run.problems()
    return course


@contextlib.contextmanager
def before_merge(hook: Callable[[str], None]) -> Iterator[None]:
    """Call hook(learner) just before the run writes a learner's grades to the gradebook."""
    real = writer.Writer.merge

    def merge(self: writer.Writer, assignment: str, sid: str, *args: Any, **kwargs: Any) -> Any:
        hook(sid)
        return real(self, assignment, sid, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(writer.Writer, "merge", merge)
        yield


def full_marks(course: Course, student: str) -> bool:
    score, best = course.total(student, NOTES)
    return best > 0 and score == best


def csv_rows(course: Course) -> dict[str, dict[str, str]]:
    lines = (course.root / "grades" / f"{NOTES}.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    return {row.split(",")[0]: dict(zip(header, row.split(","), strict=True)) for row in lines[1:]}


def learner_rows(course: Course, student: str) -> list[tuple[Any, ...]]:
    """The learner's grade rows in the gradebook (cell, scores, needs_manual_grade)."""
    return [row for row in sqlite_state(course.root)["grades"] if row[0] == student]


# ---------------------------------------------------------------- 1. two runs at once


def test_a_second_run_stops_with_one_line_and_the_first_finishes(
    base: Course, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    course = base.copy(tmp_path / "course")
    scratch = course.root / scratch_files.SCRATCH_DIR / NOTES
    awaiting = scratch / "w1" / "autograded" / "alice" / NOTES  # the first run's work
    at_merge, carry_on = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}

    def hold(sid: str) -> None:
        if threading.current_thread() is first:  # only the first run waits here
            at_merge.set()
            carry_on.wait(WAIT)

    def grade_alice() -> None:
        try:
            outcome["run"] = cohort.grade(
                course.root, NOTES, student="alice", jobs=1, progress=False
            )
        except BaseException as exc:  # shown by the assertion below
            outcome["error"] = exc

    first = threading.Thread(target=grade_alice)
    with before_merge(hold):
        first.start()
        try:
            assert at_merge.wait(WAIT), outcome
            assert awaiting.is_dir()
            in_progress = sorted(p.name for p in scratch.iterdir())
            for _ in ("second", "third"):  # the first run still holds the lock for both
                argv = ["grade", NOTES, "--student", "alice", "--course", str(course.root)]
                assert main(argv) == 2
                _, err = capsys.readouterr()
                assert err == (
                    f"error: another `connectwell grade {NOTES}` is running in this course; "
                    "wait for it to finish\n"
                )
                assert sorted(p.name for p in scratch.iterdir()) == in_progress
                assert awaiting.is_dir()
        finally:
            carry_on.set()
            first.join(WAIT)
    run = outcome.get("run")
    assert run is not None, outcome
    assert run.graded == ["alice"] and run.ok, run.problems()
    assert full_marks(course, "alice")
    assert course.feedback("alice", NOTES).exists()
    assert not (course.root / scratch_files.SCRATCH_DIR).exists()


def test_a_turned_away_run_keeps_the_lock_and_a_killed_runs_lock_is_no_obstacle(
    tmp_path: Path,
) -> None:
    top = tmp_path / scratch_files.SCRATCH_DIR
    (top / NOTES / "w1").mkdir(parents=True)  # a killed run's worker copy...
    (top / f".{NOTES}.lock").touch()  # ...and its lock file, no longer locked by anyone
    with scratch_files.scratch_space(tmp_path, NOTES) as root:
        assert not (root / "w1").exists()
        (root / "w2").mkdir()
        for _ in range(2):
            with (
                pytest.raises(cohort.CohortError, match=r"another .* is running"),
                scratch_files.scratch_space(tmp_path, NOTES),
            ):
                pass
            assert (root / "w2").is_dir()
        with scratch_files.scratch_space(tmp_path, "02_personalised") as other:  # side by side
            assert other.is_dir()
    assert not top.exists()


# ---------------------------------------------------------------- 2 and 5. the gradebook taken


@pytest.fixture(scope="module")
def stopped(
    base: Course, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Course, cohort.GradeRun]:
    """alice, bob and carol graded one after another; just before bob's grades are written,
    another program (formgrader, say) takes the gradebook, and holds it until the run ends."""
    course = base.copy(tmp_path_factory.mktemp("stopped") / "course")
    holder = sqlite3.connect(course.root / "gradebook.db", isolation_level=None)

    def take_the_gradebook(sid: str) -> None:
        if sid == "bob":
            holder.execute("BEGIN EXCLUSIVE")

    try:
        with before_merge(take_the_gradebook):
            run = cohort.grade(course.root, NOTES, jobs=1, progress=False, lock_timeout=0.5)
    finally:
        if holder.in_transaction:
            holder.execute("ROLLBACK")
        holder.close()
    return course, run


def test_learners_saved_before_a_gradebook_failure_count_as_graded(
    stopped: tuple[Course, cohort.GradeRun],
) -> None:
    course, run = stopped
    assert "gradebook.db is locked by another program" in run.stopped
    assert run.unsaved == ["bob", "carol"]
    assert "Not graded before the run stopped: bob, carol." in run.summary()
    # alice's grades were written before the gradebook was taken: she is graded, and the next
    # run skips her; only her feedback is missing, and the report says how to make it.
    assert run.graded == ["alice"]
    assert full_marks(course, "alice")
    assert course.autograded("alice", NOTES).exists()
    assert f"nbgrader generate_feedback {NOTES}" in run.no_feedback["alice"]
    assert any(line.startswith("alice: graded, but no feedback") for line in run.problems())
    for who in ("bob", "carol"):
        assert learner_rows(course, who) == []
        assert not course.autograded(who, NOTES).exists()


def test_a_grades_csv_not_written_says_why_and_how_to_get_it(
    stopped: tuple[Course, cohort.GradeRun],
) -> None:
    course, run = stopped
    assert run.csv is None and not (course.root / "grades" / f"{NOTES}.csv").exists()
    assert not run.ok
    lines = [p for p in run.problems() if p.startswith(f"grades/{NOTES}.csv")]
    assert lines == [
        f"grades/{NOTES}.csv was not written: gradebook.db is locked by another program "
        "(formgrader, nbgrader, a database shell?); close it or wait for it to finish, then "
        f"`connectwell grade {NOTES}` writes it (learners already graded are skipped)"
    ]
    assert f"Grades: grades/{NOTES}.csv not written (see the error above)" in run.summary()


def test_the_command_says_why_there_is_no_grades_csv(
    graded: Course, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    course = graded.copy(tmp_path / "course")
    csv = course.root / "grades" / f"{NOTES}.csv"
    csv.unlink(missing_ok=True)
    csv.mkdir()  # something in the way of the file
    assert main(["grade", NOTES, "--course", str(course.root)]) == 2
    out, err = capsys.readouterr()
    assert err == (
        f"error: grades/{NOTES}.csv was not written: Is a directory; fix or remove it, then "
        f"`connectwell grade {NOTES}` writes it (learners already graded are skipped)\n"
    )
    assert f"Grades: grades/{NOTES}.csv not written (see the error above)" in out
    assert "3 already graded, skipped" in out


# ---------------------------------------------------------------- 3. a failed regrade


def fail_after_saving(course: Course) -> None:
    """The course's nbgrader fails a notebook with MARKER in it after SaveAutoGrades saved its
    scores, as when the autograded notebook cannot be written (a full disk)."""
    with (course.root / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write(
            f"""

from nbgrader.preprocessors import NbGraderPreprocessor


class FailAfterSaving(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        if any({MARKER!r} in cell.source for cell in nb.cells):
            raise RuntimeError("no space left on device (a test's stand-in)")
        return nb, resources


c.Autograde.autograde_preprocessors = [*c.Autograde.autograde_preprocessors, FailAfterSaving]
"""
        )


def test_a_failed_regrade_keeps_the_scores_and_says_so(graded: Course, tmp_path: Path) -> None:
    course = graded.copy(tmp_path / "course")
    before = {who: course.scores(who, NOTES) for who in LEARNERS}
    fail_after_saving(course)
    # alice resubmits blank answers (they would score 0), and grading fails after saving them;
    # bob's new upload is cut short, so it cannot even be read.
    course.submit("alice", NOTES, course.answered(NOTES, {"q1_answer": f"# {MARKER}"}))
    notebook = course.root / "submitted" / "bob" / NOTES / f"{NOTES}.ipynb"
    notebook.write_bytes(notebook.read_bytes()[:500])
    for who in ("alice", "bob"):
        (course.root / "submitted" / who / NOTES / "timestamp.txt").write_text(
            "2026-03-09 10:00:00.000000 UTC"
        )
    run = cohort.grade(course.root, NOTES, jobs=2, force=True, feedback=False, progress=False)
    assert {who: course.scores(who, NOTES) for who in LEARNERS} == before
    assert full_marks(course, "alice")
    assert sorted(run.failed) == ["alice", "bob"]
    assert run.graded == ["carol"]
    assert run.failed["alice"].startswith("nbgrader could not grade it")
    assert "is not a readable notebook" in run.failed["bob"]
    for who in ("alice", "bob"):
        assert run.failed[who].endswith("; the gradebook keeps their earlier scores")
    stamps = {row[0]: row[2] for row in sqlite_state(course.root)["submissions"]}
    assert stamps["alice"] is None and stamps["bob"] is None  # the graded submission's
    assert csv_rows(course)["alice"]["status"] == "graded"


# ---------------------------------------------------------------- 4. a grader at work mid-run


def test_a_manual_grade_entered_mid_run_is_not_undone_by_the_snapshot(
    graded: Course, tmp_path: Path
) -> None:
    course = graded.copy(tmp_path / "course")

    def grader_overrides_a_cell(sid: str) -> None:
        # After the worker copied the gradebook, before alice's regrade is written: a grader
        # gives her 0 on one cell in formgrader, which clears needs_manual_grade.
        with course.gradebook() as gb:
            grade = gb.find_grade("q1_mentions", NOTES, NOTES, sid)
            grade.manual_score = 0.0
            grade.needs_manual_grade = False
            gb.db.commit()

    with before_merge(grader_overrides_a_cell):
        run = cohort.grade(
            course.root, NOTES, student="alice", force=True, feedback=False, progress=False
        )
    assert run.graded == ["alice"] and run.ok, run.problems()
    rows = {row[3]: row for row in learner_rows(course, "alice")}
    _, _, _, _, auto, manual, _, needs = rows["q1_mentions"]
    assert (auto, manual) == (1.0, 0.0), "the autograder's score and the grader's, both kept"
    # As nbgrader's SaveAutoGrades would say, autograding after a manual grade: review it.
    assert needs == 1
    assert csv_rows(course)["alice"]["status"] == "needs manual grading"
    assert course.scores("alice", NOTES)["q1_mentions"][0] == 0.0
    others = [row for cell, row in rows.items() if cell != "q1_mentions"]
    assert all(row[4] == 1.0 and row[5] is None and row[7] == 0 for row in others)


# ---------------------------------------------------------------- 6. replace_dir


def folder(path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    return path


def contents(path: Path) -> dict[str, str]:
    return {str(p.relative_to(path)): p.read_text() for p in path.rglob("*") if p.is_file()}


OLD = {"01_not_blank.ipynb": "old", "timestamp.txt": "old"}
NEW = {"01_not_blank.ipynb": "new", "timestamp.txt": "new", "data/extra.csv": "new"}


@pytest.fixture
def another_file_system(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The worker's copy is on another file system than the course: it cannot be renamed
    into the course, so replace_dir copies it. Returns the worker's folder."""
    real = os.replace

    def replace(src: Any, dst: Any) -> None:
        if "worker" in Path(src).parts:
            raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    return Path("worker")


def test_a_copy_that_fails_midway_leaves_the_old_folder_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, another_file_system: Path
) -> None:
    dest = folder(tmp_path / "course" / "autograded" / "alice" / NOTES, OLD)
    new = folder(tmp_path / another_file_system / NOTES, NEW)
    real = scratch_files.shutil.copyfile
    copied: list[str] = []

    def copyfile(src: Any, dst: Any, **kwargs: Any) -> Any:
        if copied:  # the disk fills up after the first file
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        copied.append(str(src))
        return real(src, dst, **kwargs)

    monkeypatch.setattr(scratch_files.shutil, "copyfile", copyfile)
    with pytest.raises(OSError, match="No space left"):
        scratch_files.replace_dir(dest, new)
    assert copied, "the copy failed midway, not before it started"
    assert contents(dest) == OLD
    assert sorted(p.name for p in dest.parent.iterdir()) == [NOTES]  # nothing half-made beside
    monkeypatch.setattr(scratch_files.shutil, "copyfile", real)
    scratch_files.replace_dir(dest, new)  # the next run's try
    assert contents(dest) == NEW
    assert sorted(p.name for p in dest.parent.iterdir()) == [NOTES]


def test_leftovers_of_a_killed_copy_are_cleared_and_never_taken_for_the_folder(
    tmp_path: Path, another_file_system: Path
) -> None:
    parent = tmp_path / "course" / "autograded" / "alice"
    half = folder(parent / f".{NOTES}.connectwell-new-0123", {"01_not_blank.ipynb": "ha"})
    new = folder(tmp_path / another_file_system / NOTES, NEW)
    assert half.is_dir() and not (parent / NOTES).exists()  # the learner is not done
    scratch_files.replace_dir(parent / NOTES, new)
    assert contents(parent / NOTES) == NEW
    assert sorted(p.name for p in parent.iterdir()) == [NOTES]


# ---------------------------------------------------------------- 7. database URLs


@pytest.mark.parametrize(
    "url",
    [
        "sqlite+pysqlite:///{path}",
        "sqlite:///{path}?timeout=30",
        "sqlite+pysqlite:///{path}?timeout=30&check_same_thread=false",
    ],
)
def test_sqlite_urls_with_a_driver_or_options_are_sqlite_files(base: Course, url: str) -> None:
    path = base.root / "gradebook.db"
    gradebook = GradebookDB(url.format(path=path))
    assert gradebook.file == path
    assert gradebook.shown == "gradebook.db"
    assert NOTES in gradebook.assignments()  # read through sqlite3, as a file
    gradebook.check_writable(1.0)


def test_what_is_not_a_sqlite_file_stays_so() -> None:
    assert GradebookDB("sqlite:///gradebook.db?timeout=5").file == Path("gradebook.db")
    assert GradebookDB("sqlite:////srv/a%20course/gradebook.db").file == Path(
        "/srv/a course/gradebook.db"
    )
    assert GradebookDB("postgresql+psycopg://grader:secret@db/course").file is None
    assert GradebookDB("sqlite://").file is None  # in memory
