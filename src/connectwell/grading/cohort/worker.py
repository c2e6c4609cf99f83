# ruff: noqa: E402  (one setting must come before nbgrader is imported: see rfc3987_syntax)
"""One grading worker of `connectwell grade`: stock nbgrader in a private copy of the course.

    python -m connectwell.grading.cohort.worker --course COURSE --scratch DIR --assignment ID

The parent (the pool, pool.py) starts one per core, with COURSE as the working directory, as
an instructor runs `nbgrader autograde` there. The worker loads the course's configuration the
way the nbgrader command does (nbgrader_config.py, so connectwell.grading.preprocessors and
the per-cell timeout apply), then points nbgrader at DIR instead of COURSE: DIR gets the
assignment's source folder and, for a SQLite gradebook, a snapshot of it. Nothing in COURSE is
ever written here, except through a gradebook on a database server.

Protocol, one JSON object per line: the worker says {"ready": true} (or {"error": ...}), then
answers each job it reads from stdin. {"student": ID}: copy that learner's submission into DIR,
run nbgrader's Autograde converter on it (what `nbgrader autograde` runs, as formgrader runs it
through nbgrader's API), answer with where the autograded notebook is and, for SQLite, what
nbgrader wrote to DIR's gradebook for the learner, which the parent merges into the real one as
its one writer. {"feedback": [ID, ...]}: run nbgrader's GenerateFeedback converter once over
those learners' autograded notebooks and say where each one's feedback is. The parent moves
the folders into the course.

Each notebook runs in a kernel started while the previous learner was graded (WarmKernels, in
connectwell/grading/kernels.py): the wait for a kernel is most of what one learner costs that is not
their code. Learner code runs in kernels this process starts; they inherit stdin and stdout
unless we move them, so the protocol uses private copies of those descriptors and the kernels
get /dev/null and stderr. The worker exits when stdin closes, and on its own when its parent
disappears.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

# jsonschema compiles some 40 IRI grammars when it is imported and rfc3987-syntax (pulled in by
# jupyter-events) is installed: 0.8 s of CPU in every process that imports nbgrader. Nothing
# nbgrader runs checks IRI formats, and `connectwell grade` starts a process per core.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps.autogradeapp import AutogradeApp
from nbgrader.converters import Autograde, GenerateFeedback
from nbgrader.coursedir import CourseDirectory
from nbgrader.utils import capture_log, is_grade, is_solution, is_task, temp_attrs
from traitlets.config import Config

from connectwell.grading.cohort.speedups import (
    compiled_output_validation,
    shared_gradebook_engine,
    use_compiled_metadata_check,
    validate_once,
)
from connectwell.grading.gradebooks import GradebookDB
from connectwell.grading.kernels import WarmKernels
from connectwell.grading.preprocessors import GuardedExecute

LOG_LIMIT = 20_000  # characters of nbgrader's log per learner sent back (the tail)


class _Stop(BaseException):
    """SIGTERM or a vanished parent: finish nothing, clean up kernels, exit."""


_stopping = False  # set by SIGTERM; nbgrader's capture_log swallows the _Stop it raises


def load_course(course: Path, assignment: str, log_level: str = "INFO") -> AutogradeApp:
    """nbgrader's configuration for `course`, loaded as `nbgrader autograde ASSIGNMENT` run in
    `course` loads it (global config, then the course's nbgrader_config.py). The app is only a
    holder for the configuration and the CourseDirectory: it is never started."""
    app = AutogradeApp()
    # nbgrader logs a config file that fails to load and grades on with the defaults, which
    # here would mean without connectwell's trusted re-grading: refuse instead.
    app.raise_config_file_errors = True
    config = course / "nbgrader_config.py"
    with contextlib.chdir(course):
        try:
            app.initialize([assignment, f"--log-level={log_level}"])
        except SystemExit as exc:  # traitlets exits on a bad option, after logging it
            raise RuntimeError(
                f"nbgrader could not load {config} (exit {exc.code}); run "
                f"`nbgrader autograde {assignment}` there to see why"
            ) from None
        except Exception as exc:
            raise RuntimeError(
                f"{config} cannot be loaded ({type(exc).__name__}: {exc}); fix it and run "
                "this again"
            ) from None
    app.coursedir.assignment_id = assignment
    return app


def course_path(coursedir: CourseDirectory, step: str, student: str, assignment: str) -> Path:
    return Path(coursedir.format_path(step, student, assignment))


class Worker:
    """A course copy in `scratch` graded by nbgrader's converters, one learner at a time."""

    def __init__(self, course: Path, scratch: Path, assignment: str, sandbox: bool = True) -> None:
        self.course = course
        self.scratch = scratch
        self.assignment = assignment
        self.app = load_course(course, assignment)
        use_compiled_metadata_check(self.app.config)
        validate_once(self.app.config)
        self._closing = contextlib.ExitStack()
        self._closing.enter_context(compiled_output_validation())
        if not sandbox:  # the instructor's explicit choice (connectwell grade --unsandboxed)
            self.app.config.GuardedExecute.sandbox = False
        main = self.app.coursedir
        self.main_root = Path(main.root)
        db = GradebookDB(main.db_url).file
        # From here on nbgrader sees the copy: every path derives from root. A SQLite
        # gradebook takes one writer, so this worker writes to a snapshot that the parent
        # merges; a database server takes many, so nbgrader writes to it directly.
        self.merged = db is not None
        main.root = str(scratch)
        if db is not None:
            main.db_url = f"sqlite:///{scratch / 'gradebook.db'}"
            self._snapshot(db, scratch / "gradebook.db")
            self._closing.enter_context(shared_gradebook_engine(main.db_url))
        self.coursedir = main
        self.kernels = GuardedExecute.kernels = WarmKernels(self.app.config, scratch)
        source = course_path(main, main.source_directory, ".", assignment)
        if self.in_course(source).is_dir():  # autograde copies the source's other files too
            shutil.copytree(self.in_course(source), source)

    def close(self) -> None:
        self.kernels.close()
        self._closing.close()

    def in_course(self, path: Path) -> Path:
        """The real course's counterpart of a path in the copy."""
        return self.main_root / path.relative_to(self.scratch)

    @staticmethod
    def _snapshot(db: Path, dest: Path) -> None:
        """A consistent copy of the gradebook, even while the parent writes to it."""
        # Short waits in a loop, not one long one: SIGTERM is only handled between them.
        deadline = time.monotonic() + 60
        while True:
            src = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.5)
            dst = sqlite3.connect(dest)
            try:
                src.backup(dst)
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            finally:
                src.close()
                dst.close()
            time.sleep(0.2)

    def grade(self, student: str) -> dict[str, Any]:
        """Autograde one learner; the autograded notebook stays in the copy for feedback."""
        cd, aid = self.coursedir, self.assignment
        here = course_path(cd, cd.submitted_directory, student, aid)
        shutil.rmtree(here, ignore_errors=True)
        result: dict[str, Any] = {"student": student, "ok": False, "error": "", "log": ""}
        try:
            # Never change the original.
            # Links stay links: nbgrader then refuses the submission (nbgrader_config.py),
            # rather than this copy handing it the files they point at.
            shutil.copytree(self.in_course(here), here, symlinks=True)
        except OSError as exc:
            result["error"] = f"its submission folder cannot be copied ({exc})"
            return result
        # The learner id is a glob for nbgrader; in this copy only this learner's folder exists.
        used = self.kernels.used
        with temp_attrs(cd, assignment_id=aid, student_id=glob.escape(student)):
            graded = capture_log(Autograde(coursedir=cd, parent=self.app))
        _check_stop()
        used = self.kernels.used - used
        graded["log"] = graded.get("log", "") + f"[connectwell] kernels started ahead: {used}\n"
        shutil.rmtree(here, ignore_errors=True)
        autograded = course_path(cd, cd.autograded_directory, student, aid)
        ok = bool(graded["success"]) and autograded.is_dir()
        result.update(
            ok=ok,
            autograded=str(autograded) if ok else None,
            error="" if ok else _last_error(graded) or "nbgrader did not autograde it",
            log=(graded.get("log", "") + graded.get("error", ""))[-LOG_LIMIT:],
            record=(
                self.record(student, self.in_course(here), autograded if ok else None)
                if self.merged
                else None
            ),
        )
        return result

    def feedback(self, students: list[str]) -> dict[str, Any]:
        """Feedback for learners autograded here, in one GenerateFeedback run: its exporter
        compiles the HTML templates once, as `nbgrader generate_feedback` does for a cohort.
        The parent has moved every other learner's autograded notebook out of this copy."""
        cd, aid = self.coursedir, self.assignment
        config = Config()  # what nbgrader's API sets before generating feedback
        config.HTMLExporter.template_name = "feedback"
        with temp_attrs(cd, assignment_id=aid, student_id="*"):
            converter = GenerateFeedback(coursedir=cd, parent=self.app)
            converter.update_config(config)
            converter.force = True
            made = capture_log(converter)
        _check_stop()
        why = _last_error(made) or "nbgrader made no feedback"
        out: dict[str, Any] = {
            "feedback": {},
            "log": (made.get("log", "") + made.get("error", ""))[-LOG_LIMIT:],
        }
        for student in students:
            folder = course_path(cd, cd.feedback_directory, student, aid)
            out["feedback"][student] = {"path": str(folder)} if folder.is_dir() else {"error": why}
        return out

    def record(
        self, student: str, submitted: Path, autograded: Path | None
    ) -> dict[str, Any] | None:
        """What autograde wrote to this copy's gradebook for the learner, to be merged; None if
        it made no submission for them.

        Only what this grading wrote is included: the snapshot is as old as this worker, and a
        row sent back unchanged would undo what a grader did in the real gradebook since. As
        nbgrader's Autograde writes: the timestamp, if the submission has one; for each
        notebook it autograded (in `autograded`, None when grading failed), the late penalty,
        the score of each grade cell and the comment of each answer and task cell
        (SaveAutoGrades); for a notebook missing from `submitted`, a score of 0 in each cell.
        needs_manual_grade is sent as None where SaveAutoGrades decided it from the snapshot's
        manual score: the parent decides it again from the real one."""
        with Gradebook(self.coursedir.db_url) as gb:
            try:
                sub = gb.find_submission(self.assignment, student)
            except MissingEntry:
                return None
            notebooks: dict[str, Any] = {}
            for nb in sub.notebooks:
                names = {c.id: c.name for c in (*nb.notebook.grade_cells, *nb.notebook.task_cells)}
                if not (submitted / f"{nb.name}.ipynb").exists():
                    # Autograde.init_assignment: 0 points, no manual grading, whatever was there.
                    notebooks[nb.name] = {
                        "grades": {
                            names[g.cell_id]: [g.auto_score, g.needs_manual_grade]
                            for g in nb.grades
                        },
                        "comments": {},
                    }
                    continue
                made = None if autograded is None else autograded / f"{nb.name}.ipynb"
                if made is None or not made.is_file():
                    continue
                cells = nbformat.read(made, as_version=nbformat.NO_CONVERT).cells
                ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in cells]
                # The cells SaveAutoGrades.preprocess_cell wrote rows for.
                scored = {i for i, c in zip(ids, cells, strict=True) if is_grade(c)}
                answered = {
                    i for i, c in zip(ids, cells, strict=True) if is_solution(c) or is_task(c)
                }
                comment_names = {
                    c.id: c.name for c in (*nb.notebook.solution_cells, *nb.notebook.task_cells)
                }
                notebooks[nb.name] = {
                    "late_submission_penalty": nb.late_submission_penalty,
                    "grades": {
                        names[g.cell_id]: [g.auto_score, None]
                        for g in nb.grades
                        if names[g.cell_id] in scored
                    },
                    "comments": {
                        comment_names[c.cell_id]: c.auto_comment
                        for c in nb.comments
                        if comment_names[c.cell_id] in answered
                    },
                }
            # Autograde sets the timestamp only from the submission's own timestamp.txt.
            has_stamp = self.coursedir.get_existing_timestamp(str(submitted)) is not None
            stamp = sub.timestamp if has_stamp else None
            return {
                "timestamp": stamp.isoformat() if stamp is not None else None,
                "notebooks": notebooks,
            }


def _last_error(result: dict[str, Any]) -> str:
    """One line saying why nbgrader failed: the exception, else the last ERROR it logged."""
    error = [line for line in result.get("error", "").splitlines() if line.strip()]
    # nbgrader's own wrapper exception only points at the log, where the real reason is.
    if error and not error[-1].startswith("SystemExit") and "Please see the" not in error[-1]:
        return error[-1].strip()
    logged = [
        line.split("]", 1)[-1].strip()
        for line in result.get("log", "").splitlines()
        if line.startswith("[ERROR]")
    ]
    useful = [m for m in logged if not m.startswith(("There was an error", "Please see"))]
    return (useful or logged or [""])[0]


@contextlib.contextmanager
def _private_stdio() -> Iterator[tuple[IO[str], IO[str]]]:
    """The protocol's stdin/stdout, out of reach of the kernels this process starts."""
    proto_in = os.fdopen(os.dup(0), "r", encoding="utf-8")
    proto_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(2, 1)  # a kernel's (or nbgrader's) stray prints land in the worker's log
    os.close(null)
    sys.stdout = sys.stderr
    try:
        yield proto_in, proto_out
    finally:
        proto_in.close()
        proto_out.close()


def _watch_parent() -> None:
    """Stop when the parent dies (killed with SIGKILL, it cannot tell us): otherwise this
    worker would grade on into a scratch folder the next run deletes."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, daemon=True).start()


def _on_term(signum: int, frame: Any) -> None:
    global _stopping
    _stopping = True
    raise _Stop()


def _check_stop() -> None:
    if _stopping:
        raise _Stop()


WORKER_NICENESS = 19


def _idle_io() -> None:
    """Disk access only when nobody else wants it (ionice's idle class), where ionice exists."""
    ionice = shutil.which("ionice")
    if ionice:
        subprocess.run(
            [ionice, "-c", "3", "-p", str(os.getpid())],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--course", required=True, type=Path)
    parser.add_argument("--scratch", required=True, type=Path)
    parser.add_argument("--assignment", required=True)
    parser.add_argument("--unsandboxed", action="store_true", help="kernels without the sandbox")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _on_term)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _watch_parent()
    # Grading is a batch job; learners typing on the same hub are not. At a lower priority
    # (inherited by the kernels it starts) the grader takes only the CPU they leave idle:
    # benchmarks/bench_typing.py --load measures the difference.
    os.nice(WORKER_NICENESS)
    _idle_io()
    # nbgrader runs `alembic` from PATH; put this interpreter's bin (the venv) first.
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    with _private_stdio() as (proto_in, proto_out):

        def send(message: dict[str, Any]) -> None:
            proto_out.write(json.dumps(message) + "\n")
            proto_out.flush()

        try:
            (args.scratch / "worker.pid").write_text(str(os.getpid()))
            worker = Worker(
                args.course.resolve(),
                args.scratch.resolve(),
                args.assignment,
                sandbox=not args.unsandboxed,
            )
        except _Stop:
            return 143
        except Exception as exc:  # reported to the parent, which says it in one line
            send({"error": f"{type(exc).__name__}: {exc}"})
            return 1
        send({"ready": True, "pid": os.getpid()})
        try:
            for line in proto_in:
                job = json.loads(line)
                if "feedback" in job:
                    send(worker.feedback(list(job["feedback"])))
                else:
                    send(worker.grade(job["student"]))
        except _Stop:
            return 143
        except BrokenPipeError:
            return 1
        finally:
            worker.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
