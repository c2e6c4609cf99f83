"""`connectwell grade` and `connectwell report`: grade a cohort in parallel on stock nbgrader,
and show where the class struggles.

nbgrader grades one submission after another (jupyter/nbgrader#174), and its SQLite gradebook
takes one writer at a time. `grade` runs N workers (connectwell/cohort_worker.py), each with a
private copy of the course (the assignment's source and, for SQLite, a gradebook snapshot),
each running nbgrader's own Autograde and GenerateFeedback converters with the course's
nbgrader_config.py. This process hands out learners one at a time. With SQLite it is the only
writer of the real gradebook: it copies in exactly the fields autograde writes (submission
timestamp, each cell's auto_score and needs_manual_grade, auto comments, late penalty), so the
gradebook ends as a sequential `nbgrader autograde` leaves it. Only the rows a learner's grading
wrote are copied, and needs_manual_grade is decided against the real gradebook, so what a
grader does in formgrader during a run survives the worker's older snapshot; a grading that
failed writes no scores (a failed --force regrade keeps the earlier ones). A gradebook on a
database server (PostgreSQL) takes many writers, so there the workers' nbgrader writes to it
directly. A learner's rows do not depend on any other learner's, so the order in which workers
finish does not matter. Feedback is made a few learners at a time per
worker (FEEDBACK_BATCH), as `nbgrader generate_feedback` makes it for many at once.

Safety: submitted/ is only read. A learner's grades land in the gradebook in one transaction as
soon as they are autograded; once their feedback is made, their feedback and autograded folders
are moved into the course (renames, atomic; from another file system, a complete copy beside
the folder, renamed into place), autograded last. An autograded folder is what marks a learner
done: a rerun skips those, as nbgrader does, and grades every other learner again, rewriting
their gradebook rows alike. So a run killed at any point, run again, finishes
with the same scores. A notebook that is broken, loops, or kills its grader costs only its own
learner: the rest are graded. Two runs of one assignment never overlap: the second stops.

Heavy imports (nbgrader, tqdm) happen inside the functions that use them.
"""

from __future__ import annotations

import contextlib
import glob
import json
import math
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import time
import uuid
import warnings
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from connectwell.cohort_report import GRADES_DIR, ReportError
from connectwell.gradebooks import GradebookDB, GradebookError

SCRATCH_DIR = ".connectwell-grading"  # per-worker course copies; removed when a run ends
DEFAULT_TIMEOUT = 900.0  # s per learner; a backstop over nbgrader's per-cell timeout
START_TIMEOUT = 180.0  # s for a worker to load nbgrader and copy the course
MAX_ATTEMPTS = 2  # a learner whose grader died is tried once more in a fresh worker
# Feedback is made for up to this many learners at once: nbgrader compiles its HTML templates
# once per run, which costs about as much as one learner's feedback.
FEEDBACK_BATCH = 5


UNSANDBOXED_WARNING = (
    "warning: graded without the sandbox (--unsandboxed): any learner's code could have "
    "changed these grades; the grades CSV marks them sandboxed=no"
)
# Learners whose latest grading ran without the sandbox, one per line, kept beside the CSV so
# that a later run (which may skip them) still marks them.
UNSANDBOXED_LIST = "{assignment}-unsandboxed.txt"


class CohortError(Exception):
    """Bad input or a course that cannot be graded; the message is the one line shown."""


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# ---------------------------------------------------------------- the result


@dataclass
class GradeRun:
    """What one `connectwell grade` did."""

    course: Path
    assignment: str
    jobs: int
    feedback: bool = True
    graded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # learner -> why
    no_feedback: dict[str, str] = field(default_factory=dict)  # graded, but feedback failed
    unsaved: list[str] = field(default_factory=list)  # not graded: the run stopped first
    stopped: str = ""  # why the run stopped early, if it did
    seconds: float = 0.0
    csv: Path | None = None
    csv_problem: str = ""  # why grades/ASSIGNMENT.csv was not written, and how to get it
    log: Path | None = None
    scores: str = ""  # the cohort's score distribution, in one line
    sandboxed: bool = True  # False: learners' kernels ran with the instructor's powers

    @property
    def ok(self) -> bool:
        return not (self.failed or self.no_feedback or self.stopped or self.csv_problem)

    def _rel(self, path: Path | None) -> str:
        if path is None:
            return "-"
        with contextlib.suppress(ValueError):
            return str(path.relative_to(self.course))
        return str(path)

    def problems(self) -> list[str]:
        """One line per learner who needs the instructor, and why the run stopped."""
        lines = [f"{sid}: {why}" for sid, why in sorted(self.failed.items())]
        lines += [f"{sid}: graded, but no feedback: {why}" for sid, why in self.no_feedback.items()]
        if self.stopped:
            lines.append(self.stopped)
        if self.csv_problem:
            lines.append(self.csv_problem)
        return lines

    def summary(self) -> str:
        a = self.assignment
        done = len(self.graded)
        lines = [
            f"{a}: graded {done} learner(s) in {self.seconds:.1f} s with {self.jobs} worker(s)"
            + (
                f"; {len(self.skipped)} already graded, skipped (--force regrades)"
                if self.skipped
                else ""
            )
            + "."
        ]
        if self.failed:
            lines.append(
                f"{len(self.failed)} could not be graded (see the errors; fix and rerun "
                f"`connectwell grade {a}`: graded learners are skipped)."
            )
        if self.unsaved:
            lines.append(f"Not graded before the run stopped: {', '.join(self.unsaved)}.")
        if self.scores:
            lines.append(self.scores)
        if not self.sandboxed:
            lines.append(UNSANDBOXED_WARNING)
        grades = self._rel(self.csv)
        if self.csv_problem:
            grades = f"{GRADES_DIR}/{a}.csv not written (see the error above)"
        lines.append(f"Grades: {grades}   log: {self._rel(self.log)}")
        if self.feedback and self.graded:
            lines.append(f"Feedback: feedback/<learner>/{a}/")
        lines.append(f"Where the class struggles: connectwell report {a}")
        return "\n".join(lines)


# ---------------------------------------------------------------- checking the course


def check_course(course: Path) -> Path:
    course = Path(course).expanduser().resolve()
    if not course.is_dir():
        raise CohortError(f"{course}: no such folder; give the course folder with --course")
    if not (course / "nbgrader_config.py").is_file():
        raise CohortError(
            f"{course} is not an nbgrader course (no nbgrader_config.py); run this in the "
            "course folder or give it with --course"
        )
    return course


def check_gradebook(coursedir: Any, assignment: str, timeout: float) -> None:
    """The course's gradebook must be reachable, writable now, and have the assignment in it
    (nbgrader generate_assignment puts it there)."""
    gradebook = GradebookDB(coursedir.db_url)
    source = Path(coursedir.format_path(coursedir.source_directory, ".", assignment))
    if gradebook.file is not None and not gradebook.file.is_file():
        raise CohortError(
            f"no gradebook ({gradebook.shown}) in {Path(coursedir.root)}; create it with "
            f"`nbgrader generate_assignment {assignment}`"
        )
    try:
        known = gradebook.assignments(timeout)
        gradebook.check_writable(timeout)
    except GradebookError as exc:
        raise CohortError(f"{exc}; nothing was graded") from None
    if assignment in known:
        return
    if source.is_dir():
        raise CohortError(
            f"{assignment} is not in the gradebook yet; run "
            f"`nbgrader generate_assignment {assignment}` first"
        )
    raise CohortError(
        f"no assignment named {assignment!r}; the gradebook has: {', '.join(known) or 'none'}"
    )


def add_shared_rows(db_url: str, course_id: str, learners: list[str]) -> None:
    """On a database server several workers, and other instructors' runs, write at once.
    nbgrader adds some rows the first time it needs them (the course ids it opens the gradebook
    with, each learner); two processes adding the same row at the same moment make one fail
    with a duplicate key. So add them before grading, as the first grading would, retrying
    when another run adds one at the same moment."""
    from nbgrader.api import Gradebook, InvalidEntry
    from sqlalchemy.exc import IntegrityError, OperationalError

    for attempt in range(10):
        try:
            with Gradebook(db_url):  # SaveAutoGrades opens it without a course id
                pass
            with Gradebook(db_url, course_id) as gb:
                for sid in learners:
                    gb.update_or_create_student(sid)
            return
        except (IntegrityError, InvalidEntry):
            if attempt == 9:
                raise
            time.sleep(0.1 * (attempt + 1))  # the row is there on the next try
        except OperationalError as exc:
            raise CohortError(f"{GradebookDB(db_url).problem(exc)}; nothing was graded") from None


def submitted_learners(coursedir: Any, assignment: str) -> list[str]:
    """Every learner with a submission folder for the assignment, sorted."""
    step = coursedir.submitted_directory
    pattern = coursedir.format_path(step, "*", glob.escape(assignment))
    regex = coursedir.format_path(step, "(?P<student>[^/]+)", re.escape(assignment), escape=True)
    found = []
    for path in glob.glob(pattern):
        m = re.fullmatch(regex, path)
        if m and os.path.isdir(path):
            found.append(m["student"])
    return sorted(found)


def _timestamp(folder: Path) -> datetime | None:
    from nbgrader.utils import parse_utc

    stamp = folder / "timestamp.txt"
    try:
        text = stamp.read_text(encoding="utf-8").strip()
        return parse_utc(text) if text else None
    except (OSError, ValueError):
        return None


def plan(
    coursedir: Any, assignment: str, learners: list[str], force: bool
) -> tuple[list[str], list[str]]:
    """(to grade, already graded): nbgrader's rule, so a rerun after a kill picks up where
    it stopped. A learner is regraded with --force, or when the submission is newer."""
    todo, skipped = [], []
    for sid in learners:
        dest = Path(coursedir.format_path(coursedir.autograded_directory, sid, assignment))
        src = Path(coursedir.format_path(coursedir.submitted_directory, sid, assignment))
        if not dest.exists() or force:
            todo.append(sid)
            continue
        new, old = _timestamp(src), _timestamp(dest)
        (todo if new is not None and old is not None and new > old else skipped).append(sid)
    return todo, skipped


def diagnose(coursedir: Any, assignment: str, sid: str, nbgrader_says: str) -> str:
    """Why a learner could not be graded, in words an instructor can act on."""
    folder = Path(coursedir.format_path(coursedir.submitted_directory, sid, assignment))
    rel = os.path.relpath(folder, coursedir.root)
    notebooks = sorted(folder.glob("*.ipynb"))
    if not notebooks:
        return f"{rel}/ holds no notebook; ask {sid} to submit {assignment}.ipynb"
    for nb in notebooks:
        where = os.path.relpath(nb, coursedir.root)
        try:
            doc = json.loads(nb.read_bytes().decode("utf-8"))
        except (ValueError, OSError) as exc:
            return f"{where} is not a readable notebook ({exc}); ask {sid} to submit it again"
        if not isinstance(doc, dict) or not isinstance(doc.get("cells"), list):
            return f"{where} is JSON but not a Jupyter notebook; ask {sid} to submit it again"
    return f"nbgrader could not grade it: {nbgrader_says or 'no reason given'} (see the log)"


# ---------------------------------------------------------------- files


@contextlib.contextmanager
def scratch_space(course: Path, assignment: str) -> Iterator[Path]:
    """The run's scratch folder, with a lock so that two runs never grade the same assignment
    of a course at once. Runs on different assignments (two instructors) go side by side."""
    if not assignment or assignment.startswith(".") or any(c in assignment for c in "/\\"):
        raise CohortError(f"{assignment!r} is not an assignment name (a folder name in source/)")
    top = course / SCRATCH_DIR
    root = top / assignment
    # The lock is taken before anything is touched and outside the `try` that removes the
    # folder: a run turned away must not delete the scratch of the run that holds it. Its file
    # sits beside the folder (a leading dot: no assignment name can take it), so the folder is
    # gone completely before the lock is released and the next run may recreate it.
    with _run_lock(top / f".{assignment}.lock", assignment):
        try:
            root.mkdir(parents=True, exist_ok=True)
            for stale in root.iterdir():  # a killed run's copies
                if stale.is_dir():
                    _wait_for_stale_worker(stale)
                    shutil.rmtree(stale, ignore_errors=True)
            yield root
        finally:
            shutil.rmtree(root, ignore_errors=True)
    with contextlib.suppress(OSError):
        top.rmdir()  # only when no other assignment is being graded


@contextlib.contextmanager
def _run_lock(path: Path, assignment: str) -> Iterator[None]:
    """An exclusive flock on `path`, held for the run; its file is removed when it ends.

    Removing a lock file is safe only this way round: the holder unlinks it while still
    holding it, and a run that got the lock checks that the file it locked is still the one at
    `path`. Otherwise it locked a file the previous holder had just removed, while a third run
    may hold a new one there, so it tries again."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): one run at a time is up to the user
        yield
        return
    while True:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except FileNotFoundError:  # a run that just ended removed the empty folder: again
            continue
        except OSError as exc:
            raise CohortError(
                f"cannot create {path} ({exc.strerror or exc}); `connectwell grade` needs to "
                "write in the course folder"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise CohortError(
                f"another `connectwell grade {assignment}` is running in this course; wait for "
                "it to finish"
            ) from None
        except OSError as exc:
            os.close(fd)
            raise CohortError(
                f"cannot lock {path} ({exc.strerror or exc}); is the course on a file system "
                "without locks?"
            ) from None
        try:
            here = os.stat(path)
        except FileNotFoundError:
            here = None
        mine = os.fstat(fd)
        if here is not None and (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino):
            break
        os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)  # while still holding it: see above
        os.close(fd)  # releases the lock


def _wait_for_stale_worker(folder: Path, patience: float = 15.0) -> None:
    """A killed run's worker stops by itself once it sees its parent gone; give it time to,
    so it does not write into the folder we are about to delete."""
    try:
        pid = int((folder / "worker.pid").read_text())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return
    if b"connectwell.cohort_worker" not in cmdline:
        return
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
        time.sleep(0.2)


def replace_dir(dest: Path, new: Path) -> None:
    """Put `new` at `dest` so that a reader, or a crash at any moment, finds the old folder or
    the new one complete, never half of one (an autograded folder marks a learner done)."""
    parent = dest.parent
    parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(dest)
    tag = uuid.uuid4().hex
    # Built beside `dest`, so that the final step is a rename within one folder.
    staged = parent / f".{dest.name}.connectwell-new-{tag}"
    try:
        os.replace(new, staged)
    except OSError:  # another file system: copy instead, all of it before it is put in place
        try:
            shutil.copytree(new, staged, symlinks=True)
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise
    old = parent / f".{dest.name}.connectwell-old-{tag}"
    if dest.exists() or dest.is_symlink():
        os.replace(dest, old)
    try:
        os.replace(staged, dest)
    except BaseException:
        if old.exists():
            os.replace(old, dest)  # the old folder back, rather than none
        shutil.rmtree(staged, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)


def remove_dir(dest: Path) -> None:
    """Remove `dest` by a rename first: a crash leaves it whole or gone, never half."""
    _remove_leftovers(dest)
    if dest.exists() or dest.is_symlink():
        old = dest.parent / f".{dest.name}.connectwell-old-{uuid.uuid4().hex}"
        os.replace(dest, old)
        shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(dest: Path) -> None:
    """Folders that replace_dir or remove_dir left beside `dest` when a run was killed."""
    for path in dest.parent.glob(f".{glob.escape(dest.name)}.connectwell-*"):
        shutil.rmtree(path, ignore_errors=True)


# ---------------------------------------------------------------- the one gradebook writer


class GradebookGone(Exception):
    """The gradebook stopped taking writes mid-run (locked, or its server went away); the
    message is the one line to show."""


def merge(gb: Any, assignment: str, sid: str, record: dict[str, Any], graded: bool = True) -> bool:
    """Write what autograde wrote in a worker's gradebook for `sid` into `gb`: the fields
    nbgrader's Autograde sets, and nothing a grader may have set by hand.

    The worker's gradebook is a snapshot taken when it started, possibly long ago, so only what
    this grading wrote is in `record` (cohort_worker.Worker.record): a row it did not write
    keeps whatever the real gradebook holds now. Where nbgrader decided needs_manual_grade from
    the snapshot's manual score (None in the record), it is decided again here, by nbgrader's
    rule, from the manual score a grader may have entered since.

    A learner whose grading failed (`graded` False) gets a submission only if they had none, as
    nbgrader makes it before grading; one they had, from an earlier grading, is left as it is.
    Returns True when earlier scores were kept that way."""
    from nbgrader.api import MissingEntry

    gb.update_or_create_student(sid)
    try:
        sub = gb.find_submission(assignment, sid)
    except MissingEntry:
        sub = gb.add_submission(assignment, sid)
        existed = False
    else:
        existed = True
    if not graded:
        kept = existed and any(
            g.auto_score is not None or g.manual_score is not None
            for nb in sub.notebooks
            for g in nb.grades
        )
        if not existed and record["timestamp"]:
            sub.timestamp = datetime.fromisoformat(record["timestamp"])
        gb.db.commit()
        return kept
    if record["timestamp"]:  # None: the submission has no timestamp file; nbgrader sets none
        sub.timestamp = datetime.fromisoformat(record["timestamp"])
    for nb in sub.notebooks:
        data = record["notebooks"].get(nb.name)
        if data is None:
            continue
        if "late_submission_penalty" in data:
            nb.late_submission_penalty = data["late_submission_penalty"]
        graded_cells = {c.id: c.name for c in (*nb.notebook.grade_cells, *nb.notebook.task_cells)}
        for grade in nb.grades:
            written = data["grades"].get(graded_cells[grade.cell_id])
            if written is None:
                continue
            auto, needs = written
            grade.auto_score = auto
            if needs is None:  # SaveAutoGrades' rule, with the real gradebook's manual score
                needs = grade.manual_score is not None or auto is None
            grade.needs_manual_grade = needs
        answers = {c.id: c.name for c in (*nb.notebook.solution_cells, *nb.notebook.task_cells)}
        for comment in nb.comments:
            name = answers[comment.cell_id]
            if name in data["comments"]:
                comment.auto_comment = data["comments"][name]
    gb.db.commit()
    return False


class Writer:
    """The main gradebook, opened once, written one learner per transaction."""

    def __init__(self, db_url: str, course_id: str, lock_timeout: float) -> None:
        from nbgrader.api import Gradebook

        self.lock_timeout = lock_timeout
        self.gradebook = GradebookDB(db_url)
        # As autograde opens it: with the course id (Autograde) and without (SaveAutoGrades),
        # each of which adds its course row if missing.
        with Gradebook(db_url):
            pass
        self.gb = Gradebook(db_url, course_id)

    def merge(self, assignment: str, sid: str, record: dict[str, Any], graded: bool = True) -> bool:
        """merge(), retried while the gradebook is locked; GradebookGone when it stays so."""
        from sqlalchemy.exc import OperationalError, SAWarning

        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                with warnings.catch_warnings():
                    # nbgrader's add_submission trips SQLAlchemy's autoflush warnings; they
                    # say nothing about the grades.
                    warnings.simplefilter("ignore", SAWarning)
                    return merge(self.gb, assignment, sid, record, graded)
            except OperationalError as exc:
                self.gb.db.rollback()
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise GradebookGone(self.gradebook.problem(exc)) from None
                time.sleep(0.5)

    def close(self) -> None:
        self.gb.close()


# ---------------------------------------------------------------- workers


@dataclass
class _Worker:
    proc: subprocess.Popen[str]
    scratch: Path
    log: IO[str]
    ready: bool = False
    student: str | None = None  # the learner it is grading
    making_feedback: bool = False  # busy with a feedback job for `pending`
    # Autograded here, in the gradebook, waiting for feedback: (learner, autograded folder).
    pending: list[tuple[str, Path]] = field(default_factory=list)
    jobs: int = 0  # jobs handed to it so far
    since: float = 0.0

    @property
    def busy(self) -> bool:
        return self.student is not None or self.making_feedback

    started: float = field(default_factory=time.monotonic)


class Pool:
    """Worker processes, each grading one learner at a time in its own course copy."""

    def __init__(self, course: Path, scratch: Path, assignment: str, sandbox: bool = True) -> None:
        self.course, self.scratch, self.assignment = course, scratch, assignment
        self.sandbox = sandbox
        self.workers: list[_Worker] = []
        self.selector = selectors.DefaultSelector()
        self.retired: list[_Worker] = []
        self.limit = 1000  # workers started in all; set by the run from its learner count
        self.started = 0
        self.ever_ready = False

    def spawn(self) -> _Worker:
        if self.started >= self.limit:
            raise CohortError(
                f"grading workers keep stopping ({self.started} started); see "
                f"{GRADES_DIR}/{self.assignment}-grade.log"
            )
        self.started += 1
        folder = self.scratch / f"w{self.started}"
        folder.mkdir()
        env = dict(os.environ)
        # nbgrader runs `alembic` from PATH; the venv may not be activated.
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        log = (folder / "worker.log").open("w", encoding="utf-8")
        cmd = [sys.executable, "-m", "connectwell.cohort_worker", "--course", str(self.course)]
        cmd += ["--scratch", str(folder), "--assignment", self.assignment]
        if not self.sandbox:
            cmd.append("--unsandboxed")
        proc = subprocess.Popen(
            cmd,
            cwd=self.course,  # where an instructor runs nbgrader: its config loads the same way
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            encoding="utf-8",
            bufsize=1,
            start_new_session=True,  # Ctrl-C reaches us only; we stop the workers in order
        )
        worker = _Worker(proc, folder, log)
        self.workers.append(worker)
        assert proc.stdout is not None
        self.selector.register(proc.stdout, selectors.EVENT_READ, worker)
        return worker

    def _send(self, worker: _Worker, job: dict[str, Any]) -> None:
        assert worker.proc.stdin is not None
        worker.since = time.monotonic()
        worker.jobs += 1
        worker.proc.stdin.write(json.dumps(job) + "\n")
        worker.proc.stdin.flush()

    def send(self, worker: _Worker, sid: str) -> None:
        worker.student = sid
        self._send(worker, {"student": sid})

    def send_feedback(self, worker: _Worker) -> None:
        worker.making_feedback = True
        self._send(worker, {"feedback": [sid for sid, _ in worker.pending]})

    def events(self, timeout: float) -> list[tuple[_Worker, dict[str, Any] | None]]:
        """Messages from workers; None for a worker whose output ended (it died)."""
        out: list[tuple[_Worker, dict[str, Any] | None]] = []
        for key, _ in self.selector.select(timeout):
            worker: _Worker = key.data
            line = key.fileobj.readline()  # type: ignore[union-attr]
            try:
                out.append((worker, json.loads(line) if line else None))
            except ValueError:
                out.append((worker, None))
        return out

    def tail(self, worker: _Worker, lines: int = 3) -> str:
        with contextlib.suppress(OSError):
            text = (worker.scratch / "worker.log").read_text(encoding="utf-8", errors="replace")
            return " | ".join(line.strip() for line in text.splitlines()[-lines:] if line.strip())
        return ""

    def _forget(self, worker: _Worker) -> None:
        if worker in self.workers:
            self.workers.remove(worker)
            with contextlib.suppress(KeyError, ValueError):
                self.selector.unregister(worker.proc.stdout)  # type: ignore[arg-type]
        with contextlib.suppress(OSError):
            worker.proc.stdin.close()  # type: ignore[union-attr]

    def retire(self, worker: _Worker) -> None:
        """An idle worker that is not needed: closing its input makes it exit by itself."""
        self._forget(worker)
        self.retired.append(worker)

    def kill(self, worker: _Worker) -> None:
        """SIGTERM (the worker shuts its kernel down), then SIGKILL if it lingers."""
        self._forget(worker)
        self._end(worker, patience=0.0)

    @staticmethod
    def _end(worker: _Worker, patience: float) -> None:
        for sig, wait in ((None, patience), (signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
            if sig is not None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(worker.proc.pid, sig)  # its own session: the worker only
            try:
                worker.proc.wait(wait)
                break
            except subprocess.TimeoutExpired:
                continue
        with contextlib.suppress(OSError):
            worker.proc.stdout.close()  # type: ignore[union-attr]
        worker.log.close()

    def close(self, patience: float = 3.0) -> None:
        """Every worker ends: idle ones on their own when their input closes, busy ones (on
        Ctrl-C or an error) are stopped."""
        for worker in list(self.workers):
            self.retire(worker)
        for worker in self.retired:
            # A busy worker has nothing worth finishing; one never used, nothing to finish.
            no_wait = worker.busy or worker.jobs == 0
            self._end(worker, patience=0.0 if no_wait else patience)
        self.retired.clear()
        self.selector.close()


# ---------------------------------------------------------------- grading


class _Run:
    """The dispatch loop: hand out learners, harvest results, replace workers that die."""

    def __init__(
        self,
        run: GradeRun,
        pool: Pool,
        coursedir: Any,
        writer_args: tuple[str, str, float],
        log: IO[str],
        timeout: float,
    ) -> None:
        self.run, self.pool, self.cd = run, pool, coursedir
        self.writer_args = writer_args
        self.writer: Writer | None = None
        self.log, self.timeout = log, timeout
        self.attempts: Counter[str] = Counter()

    def go(self, todo: list[str], jobs: int, progress: bool) -> None:
        from tqdm import tqdm

        queue = deque(todo)
        # Feedback in batches, but several per worker, so that learners are finished (and
        # safe from a crash) along the way, not all at the end.
        self.batch = max(1, min(FEEDBACK_BATCH, math.ceil(len(todo) / (2 * jobs))))
        # Enough for every learner's retry in a fresh worker; beyond that something is wrong.
        self.pool.limit = self.pool.started + jobs + MAX_ATTEMPTS * len(todo)
        self.bar = tqdm(
            total=len(todo),
            desc=f"grading {self.run.assignment}",
            unit="learner",
            file=sys.stderr,
            disable=None if progress else True,  # None: only on a terminal
        )
        workers = self.pool.workers
        try:
            while queue or any(w.busy or w.pending for w in workers):
                if not queue:  # nothing left to hand out: idle workers free their core
                    for idle in [w for w in workers if not w.busy and not w.pending]:
                        self.pool.retire(idle)
                while queue and len(workers) < jobs:  # also replaces lost ones
                    self.pool.spawn()
                for w in workers:
                    if not w.ready or w.busy:
                        continue
                    if w.pending and (len(w.pending) >= self.batch or not queue):
                        self.pool.send_feedback(w)
                    elif queue:
                        self.pool.send(w, queue.popleft())
                for worker, msg in self.pool.events(0.5):
                    self._message(worker, msg, queue)
                self._deadlines(queue)
        except GradebookGone as exc:
            self.run.stopped = f"{exc}; learners graded so far are saved, the rest were not graded"
            # Not graded: those still queued and those being graded (including the one whose
            # rows could not be written, put back as its worker's student).
            self.run.unsaved = sorted([*queue, *(w.student for w in workers if w.student)])
            self._place_pending(
                f"the run stopped before it was made; `nbgrader generate_feedback "
                f"{self.run.assignment}` in the course makes it"
            )
        finally:
            self.bar.close()
            if self.writer is not None:
                self.writer.close()

    def _message(self, worker: _Worker, msg: dict[str, Any] | None, queue: deque[str]) -> None:
        if msg is None:
            self._lost(worker, queue, "its grading process stopped unexpectedly")
        elif "error" in msg and "student" not in msg:
            raise CohortError(f"nbgrader could not start in this course: {msg['error']}")
        elif msg.get("ready"):
            worker.ready = self.pool.ever_ready = True
        elif worker.making_feedback and "feedback" in msg:
            worker.making_feedback = False
            self.log.write(f"\n=== feedback\n{msg.get('log', '')}\n")
            self._finish(worker, msg["feedback"])
        elif worker.student is not None and msg.get("student") == worker.student:
            sid, worker.student = worker.student, None
            self._graded(worker, sid, msg)
            self.bar.set_postfix_str(sid[:20], refresh=False)
            self.bar.update(1)
        else:
            self._lost(worker, queue, "its grading process answered out of turn")

    def _lost(self, worker: _Worker, queue: deque[str], why: str) -> None:
        sid = worker.student
        tail = self.pool.tail(worker)
        self.pool.kill(worker)
        self.log.write(f"\n=== worker {worker.scratch.name} ended: {why}\n{tail}\n")
        if not worker.ready and not self.pool.ever_ready and sid is None:
            raise CohortError(f"the grading worker could not start: {tail or why}")
        if worker.making_feedback:  # their grades are in: place them, without feedback
            self._finish(worker, {})
        # Learners it had autograded are graded again elsewhere (their gradebook rows are
        # rewritten alike); this is not their doing, so it is no attempt of theirs.
        queue.extendleft(reversed([s for s, _ in worker.pending]))
        worker.pending.clear()
        if sid is None:
            return
        self.attempts[sid] += 1
        if self.attempts[sid] < MAX_ATTEMPTS:
            queue.appendleft(sid)  # maybe not this learner's fault: once more, fresh worker
        else:
            self._fail(
                sid,
                f"{why} twice while grading this notebook (does it kill processes or exhaust "
                "memory?); the other learners were not affected",
            )

    def _fail(self, sid: str, why: str) -> None:
        """As nbgrader does for a submission it could not grade: no autograded output (an old
        one would make the next run skip this learner)."""
        cd = self.cd
        folder = Path(cd.format_path(cd.autograded_directory, sid, self.run.assignment))
        remove_dir(folder)
        self.run.failed[sid] = why

    def _deadlines(self, queue: deque[str]) -> None:
        now = time.monotonic()
        for worker in list(self.pool.workers):
            if worker.busy and now - worker.since > self.timeout:
                sid = worker.student
                worker.student = None
                self._lost(worker, queue, f"it was still working after {self.timeout:.0f} s")
                if sid is not None:
                    self._fail(
                        sid,
                        f"still being graded after {self.timeout:.0f} s, so it was stopped "
                        "(does the notebook run forever?)",
                    )
            elif not worker.ready and now - worker.started > START_TIMEOUT:
                self.pool.kill(worker)
                raise CohortError(
                    f"a grading worker did not start within {START_TIMEOUT:.0f} s: "
                    f"{self.pool.tail(worker) or 'no output'}"
                )

    def _inside(self, worker: _Worker, path: str | None) -> Path | None:
        """A folder the worker made, only if it is inside its own copy of the course."""
        if not path:
            return None
        p = Path(path).resolve()
        return p if p.is_relative_to(worker.scratch.resolve()) and p.is_dir() else None

    def _graded(self, worker: _Worker, sid: str, msg: dict[str, Any]) -> None:
        """A learner autograded: into the gradebook now; into the course after feedback."""
        self.log.write(f"\n=== {sid}\n{msg.get('log', '')}\n")
        made = self._inside(worker, msg.get("autograded"))
        ok = bool(msg.get("ok")) and made is not None
        kept = False
        if msg.get("record") is not None:
            if self.writer is None:
                self.writer = Writer(*self.writer_args)
            try:
                # A failed grading writes no scores: a --force regrade that fails keeps the
                # ones the gradebook holds from the last grading that worked.
                kept = self.writer.merge(self.run.assignment, sid, msg["record"], graded=ok)
            except GradebookGone:
                worker.student = sid  # reported as not graded
                raise
        if not ok:
            self._check_server(sid, worker)
            why = diagnose(self.cd, self.run.assignment, sid, str(msg.get("error", "")))
            self._fail(sid, why + ("; the gradebook keeps their earlier scores" if kept else ""))
        elif self.run.feedback:
            worker.pending.append((sid, made))
        else:
            self._place(sid, made, None)
        self.log.flush()

    def _check_server(self, sid: str, worker: _Worker) -> None:
        """Workers write to a database server themselves: when a learner fails because the
        server went away, the run stops, rather than failing everyone after them."""
        gradebook = GradebookDB(self.cd.db_url)
        if gradebook.file is None:
            try:
                gradebook.assignments()
            except GradebookError as exc:
                worker.student = sid  # reported as not graded
                raise GradebookGone(str(exc)) from None

    def _finish(
        self, worker: _Worker, feedback: dict[str, Any], why: str = "it was not made"
    ) -> None:
        """Feedback made (or not) for the worker's pending learners: move them into place."""
        for sid, made in worker.pending:
            result = feedback.get(sid) or {}
            folder = self._inside(worker, result.get("path"))
            if folder is None:
                self.run.no_feedback[sid] = str(result.get("error") or why)
            self._place(sid, made, folder)
        worker.pending.clear()
        self.log.flush()

    def _place_pending(self, why: str) -> None:
        """The run stops: learners whose grades are in the gradebook but whose feedback is not
        made yet are put in place without it, so they count as graded (and the next run skips
        them) rather than being reported, and graded again, as if nothing had been saved."""
        for worker in list(self.pool.workers):
            if not worker.pending:
                continue
            if worker.making_feedback:  # half-made feedback is of no use; it is not waited for
                self.pool.kill(worker)
                worker.making_feedback = False
            self._finish(worker, {}, why)

    def _place(self, sid: str, autograded: Path, feedback: Path | None) -> None:
        cd, aid = self.cd, self.run.assignment
        dest = Path(cd.format_path(cd.autograded_directory, sid, aid))
        try:
            if self.run.feedback:
                page = Path(cd.format_path(cd.feedback_directory, sid, aid))
                if feedback is not None:
                    replace_dir(page, feedback)
                else:  # stale feedback would describe an older grade
                    remove_dir(page)
            # Last: an autograded folder marks a finished learner, which the next run skips.
            replace_dir(dest, autograded)
        except OSError as exc:
            self.run.no_feedback.pop(sid, None)
            with contextlib.suppress(OSError):
                remove_dir(dest)  # the next run grades them again
            self.run.failed[sid] = (
                f"graded, but {os.path.relpath(dest, cd.root)} could not be written "
                f"({exc.strerror or exc}); free disk space or fix permissions, then run "
                f"`connectwell grade {aid}` again"
            )
            return
        self.run.graded.append(sid)


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """`kill PID` stops a run as Ctrl-C does: workers stopped, scratch removed."""

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def grade(
    course: Path | str,
    assignment: str,
    *,
    jobs: int | None = None,
    student: str | None = None,
    force: bool = False,
    feedback: bool = True,
    progress: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    lock_timeout: float = 10.0,
    sandbox: bool = True,
) -> GradeRun:
    """Autograde every submitted learner (or one), generate feedback, export grades CSV.

    Raises CohortError, before anything is graded, for bad input: not a course, an unknown
    assignment, nothing submitted, a locked gradebook. A learner whose notebook cannot be
    graded is reported in the result (GradeRun.failed) and the others are graded.
    """
    course = check_course(Path(course))
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise CohortError(f"--jobs must be at least 1, not {jobs}")
    if sandbox:
        from connectwell.sandbox import unavailable

        reason = unavailable()
        if reason is not None:
            raise CohortError(reason)
    started = time.perf_counter()
    run = GradeRun(course, assignment, jobs, feedback, sandboxed=sandbox)
    with _sigterm_as_interrupt(), scratch_space(course, assignment) as scratch:
        pool = Pool(course, scratch, assignment, sandbox)
        try:
            # Workers take a couple of seconds to load nbgrader: start them while we check.
            # (A guess from nbgrader's default layout; the real list comes from the config.)
            found = glob.glob(str(course / "submitted" / "*" / glob.escape(assignment)))
            guess = min(len(found), 1) if student is not None else len(found)
            for _ in range(min(jobs, guess)):
                pool.spawn()
            from connectwell.cohort_worker import load_course

            try:
                coursedir = load_course(course, assignment, log_level="WARN").coursedir
            except RuntimeError as exc:
                raise CohortError(str(exc)) from None
            check_gradebook(coursedir, assignment, lock_timeout)
            learners = submitted_learners(coursedir, assignment)
            if student is not None:
                if student not in learners:
                    who = ", ".join(learners) or "nobody"
                    raise CohortError(
                        f"{student} has not submitted {assignment} (no "
                        f"{coursedir.submitted_directory}/{student}/{assignment}/); "
                        f"submitted: {who}"
                    )
                learners = [student]
            if not learners:
                raise CohortError(
                    f"nobody has submitted {assignment}: there is no "
                    f"{coursedir.submitted_directory}/<learner>/{assignment}/ folder "
                    "(collect the notebooks with `nbgrader collect` or `nbgrader zip_collect`)"
                )
            todo, run.skipped = plan(coursedir, assignment, learners, force)
            run.jobs = min(jobs, max(len(todo), 1))
            grades = course / GRADES_DIR
            grades.mkdir(exist_ok=True)
            run.log = grades / f"{assignment}-grade.log"
            with run.log.open("w", encoding="utf-8") as log:
                log.write(f"connectwell grade {assignment}: {len(todo)} learner(s)\n")
                if todo and GradebookDB(coursedir.db_url).file is None:
                    add_shared_rows(coursedir.db_url, coursedir.course_id, todo)
                if todo:
                    writer = (coursedir.db_url, coursedir.course_id, lock_timeout)
                    _Run(run, pool, coursedir, writer, log, timeout).go(todo, run.jobs, progress)
        except BaseException:
            pool.close(patience=0.0)  # bad input, Ctrl-C: no worker has anything to finish
            raise
        pool.close()
    unsandboxed = record_sandboxing(course, assignment, run.graded, sandbox)
    try:
        run.csv, run.scores = export_csv(course, coursedir.db_url, assignment, unsandboxed)
    except CsvNotWritten as exc:
        run.csv_problem = str(exc)
    run.seconds = time.perf_counter() - started
    return run


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
    from connectwell import cohort_report

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
    from connectwell import cohort_report
    from connectwell.cohort_worker import load_course

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
    written = cohort_report.write(cohort, course / GRADES_DIR)
    return ReportRun(cohort_report.text(cohort), written.html, written.images)
