"""The worker pool: one `python -m connectwell.grading.cohort.worker` process per core, each
handed one learner at a time, restarted when its grader dies.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from connectwell.grading.cohort.settings import CohortError
from connectwell.grading.report import GRADES_DIR

# ---------------------------------------------------------------- workers


@dataclass
class WorkerHandle:
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
        self.workers: list[WorkerHandle] = []
        self.selector = selectors.DefaultSelector()
        self.retired: list[WorkerHandle] = []
        self.limit = 1000  # workers started in all; set by the run from its learner count
        self.started = 0
        self.ever_ready = False

    def spawn(self) -> WorkerHandle:
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
        cmd = [
            sys.executable,
            "-m",
            "connectwell.grading.cohort.worker",
            "--course",
            str(self.course),
        ]
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
        worker = WorkerHandle(proc, folder, log)
        self.workers.append(worker)
        assert proc.stdout is not None
        self.selector.register(proc.stdout, selectors.EVENT_READ, worker)
        return worker

    def _send(self, worker: WorkerHandle, job: dict[str, Any]) -> None:
        assert worker.proc.stdin is not None
        worker.since = time.monotonic()
        worker.jobs += 1
        worker.proc.stdin.write(json.dumps(job) + "\n")
        worker.proc.stdin.flush()

    def send(self, worker: WorkerHandle, sid: str) -> None:
        worker.student = sid
        self._send(worker, {"student": sid})

    def send_feedback(self, worker: WorkerHandle) -> None:
        worker.making_feedback = True
        self._send(worker, {"feedback": [sid for sid, _ in worker.pending]})

    def events(self, timeout: float) -> list[tuple[WorkerHandle, dict[str, Any] | None]]:
        """Messages from workers; None for a worker whose output ended (it died)."""
        out: list[tuple[WorkerHandle, dict[str, Any] | None]] = []
        for key, _ in self.selector.select(timeout):
            worker: WorkerHandle = key.data
            line = key.fileobj.readline()  # type: ignore[union-attr]
            try:
                out.append((worker, json.loads(line) if line else None))
            except ValueError:
                out.append((worker, None))
        return out

    def tail(self, worker: WorkerHandle, lines: int = 3) -> str:
        with contextlib.suppress(OSError):
            text = (worker.scratch / "worker.log").read_text(encoding="utf-8", errors="replace")
            return " | ".join(line.strip() for line in text.splitlines()[-lines:] if line.strip())
        return ""

    def _forget(self, worker: WorkerHandle) -> None:
        if worker in self.workers:
            self.workers.remove(worker)
            with contextlib.suppress(KeyError, ValueError):
                self.selector.unregister(worker.proc.stdout)  # type: ignore[arg-type]
        with contextlib.suppress(OSError):
            worker.proc.stdin.close()  # type: ignore[union-attr]

    def retire(self, worker: WorkerHandle) -> None:
        """An idle worker that is not needed: closing its input makes it exit by itself."""
        self._forget(worker)
        self.retired.append(worker)

    def kill(self, worker: WorkerHandle) -> None:
        """SIGTERM (the worker shuts its kernel down), then SIGKILL if it lingers."""
        self._forget(worker)
        self._end(worker, patience=0.0)

    @staticmethod
    def _end(worker: WorkerHandle, patience: float) -> None:
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
