"""`connectwell grade`: one grading run over a cohort, from the learners submitted to the
gradebook and feedback, with its outcome (GradeRun).
"""

from __future__ import annotations

import contextlib
import glob
import math
import os
import signal
import sys
import time
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from connectwell.grading.cohort.export import CsvNotWritten, export_csv, record_sandboxing
from connectwell.grading.cohort.pool import Pool, WorkerHandle
from connectwell.grading.cohort.preflight import (
    add_shared_rows,
    check_course,
    check_gradebook,
    diagnose,
    plan,
    submitted_learners,
)
from connectwell.grading.cohort.scratch import remove_dir, replace_dir, scratch_space
from connectwell.grading.cohort.settings import (
    DEFAULT_TIMEOUT,
    FEEDBACK_BATCH,
    MAX_ATTEMPTS,
    START_TIMEOUT,
    UNSANDBOXED_WARNING,
    CohortError,
    default_jobs,
)
from connectwell.grading.cohort.writer import GradebookGone, Writer
from connectwell.grading.gradebooks import GradebookDB, GradebookError
from connectwell.grading.report import GRADES_DIR

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

    def _message(self, worker: WorkerHandle, msg: dict[str, Any] | None, queue: deque[str]) -> None:
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

    def _lost(self, worker: WorkerHandle, queue: deque[str], why: str) -> None:
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

    def _inside(self, worker: WorkerHandle, path: str | None) -> Path | None:
        """A folder the worker made, only if it is inside its own copy of the course."""
        if not path:
            return None
        p = Path(path).resolve()
        return p if p.is_relative_to(worker.scratch.resolve()) and p.is_dir() else None

    def _graded(self, worker: WorkerHandle, sid: str, msg: dict[str, Any]) -> None:
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

    def _check_server(self, sid: str, worker: WorkerHandle) -> None:
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
        self, worker: WorkerHandle, feedback: dict[str, Any], why: str = "it was not made"
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
        from connectwell.grading.sandbox import unavailable

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
            from connectwell.grading.cohort.worker import load_course

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
