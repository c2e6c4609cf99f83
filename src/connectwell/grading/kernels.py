"""Kernels started before they are needed, for `connectwell grade`'s workers.

nbclient starts a notebook's kernel when it reaches the notebook and waits for it: about half a
second per learner, most of a learner's grading time that is not spent running their code. A
worker grades one learner after another with the same kind of kernel, so it keeps one started
in advance (WarmKernels), with a client connected to it, and hands both over when GuardedExecute
asks for exactly that kind of kernel.

A kernel's working directory is fixed when it starts, and the folder a notebook runs in (the
learner's autograded copy) does not exist until nbgrader makes it. So the spare kernel starts in
the worker's own folder and moves into the notebook's folder just before it is handed over, with
one silent execution: no execution count, no history, no output. IPython's record of its
starting directory moves with it. Everything else about the kernel is what nbclient would have
asked for: the same kernel, arguments and configuration (KernelRequest). Anything unexpected
(another kernel, a move that fails) means no spare: nbclient starts its own kernel as always.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

START_TIMEOUT = 60.0  # s for the spare to answer; nbclient's own startup_timeout
SHUTDOWN_GRACE = 5.0  # s a released kernel has to exit by itself before it is killed

# Run silently in the spare kernel; it defines no names in the learner's namespace.
_MOVE = (
    "(lambda os, pathlib, ip: (os.chdir({path!r}), setattr(ip, 'starting_dir', os.getcwd()), "
    "ip.history_manager.dir_hist.__setitem__(slice(None), [pathlib.Path.cwd()])))"
    "(__import__('os'), __import__('pathlib'), get_ipython())"
)


@dataclass(frozen=True)
class KernelRequest:
    """Everything nbclient starts a notebook's kernel with (create_kernel_manager and
    async_start_new_kernel)."""

    manager_class: type
    kernel_name: str
    cwd: str
    extra_arguments: tuple[str, ...]
    hist_file: str  # nbclient adds it to an IPython kernel's arguments

    def kind(self) -> KernelRequest:
        """The request apart from where the kernel runs."""
        return replace(self, cwd="")

    def arguments(self, km: Any) -> list[str]:
        args = list(self.extra_arguments)
        ipython = getattr(km, "ipykernel", False)
        if ipython and self.hist_file and not any(a.startswith("--HistoryManager") for a in args):
            args.append(f"--HistoryManager.hist_file={self.hist_file}")
        return args


class WarmKernels:
    """One spare kernel, of the kind the last notebook asked for, started in `home`, with a
    client already connected: connecting is the other half of the wait."""

    def __init__(self, config: Any, home: Path) -> None:
        self.config, self.home = config, home
        self.spare: tuple[KernelRequest, Any, Any] | None = None  # kind, manager, client
        self.dying: list[tuple[Any, float]] = []
        self.used = 0  # notebooks that ran in a spare kernel

    def take(self, want: KernelRequest) -> tuple[Any, Any] | None:
        """A started kernel (manager, ready client) for `want`, or None: nbclient starts one."""
        self.reap()
        ready = None
        if self.spare is not None:
            kind, km, kc = self.spare
            self.spare = None
            if kind == want.kind() and want.cwd and self._move(km, kc, want.cwd):
                ready = (km, kc)
            else:
                self.release(km, kc)
        self._start(want.kind())  # for the next notebook, most likely of the same kind
        self.used += ready is not None
        return ready

    def release(self, km: Any, kc: Any) -> None:
        """The notebook is done: its kernel is asked to shut down, and reaped later."""
        from jupyter_core.utils import run_sync

        if kc is not None:
            with contextlib.suppress(Exception):
                kc.stop_channels()
        with contextlib.suppress(Exception):
            run_sync(km.request_shutdown)()
        self.dying.append((km, time.monotonic() + SHUTDOWN_GRACE))

    def _start(self, kind: KernelRequest) -> None:
        from jupyter_core.utils import run_sync

        if kind.kernel_name:
            km = kind.manager_class(kernel_name=kind.kernel_name, config=self.config)
        else:
            km = kind.manager_class(config=self.config)
        if not getattr(km, "ipykernel", False):
            return  # only an IPython kernel can be moved to the notebook's folder
        # A sandboxed spare starts with an empty working folder: the worker's own folder
        # holds the assignment's source and the gradebook, which no learner may see.
        where = {} if getattr(km, "sandboxed", False) else {"cwd": str(self.home)}
        try:
            run_sync(km.start_kernel)(extra_arguments=kind.arguments(km), **where)
            kc = km.client()
            kc.start_channels()
        except Exception:  # no spare; nbclient will start the kernel, and report what fails
            with contextlib.suppress(Exception):
                run_sync(km.shutdown_kernel)(now=True)
            return
        self.spare = (kind, km, kc)

    @staticmethod
    def _move(km: Any, kc: Any, cwd: str) -> bool:
        """Into the notebook's folder, as if it had started there. A sandboxed kernel cannot
        see that folder: it gets a copy of its files in its own working folder instead."""
        from jupyter_core.utils import run_sync

        try:
            run_sync(kc.wait_for_ready)(timeout=START_TIMEOUT)
            if getattr(km, "sandboxed", False):
                km.sandbox.stage(cwd)
                code = km.enter_code()
            else:
                code = _MOVE.format(path=cwd)
            msg_id = kc.execute(code, silent=True, store_history=False)
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline:
                reply = run_sync(kc.get_shell_msg)(timeout=START_TIMEOUT)
                if reply["parent_header"].get("msg_id") == msg_id:
                    return bool(reply["content"].get("status") == "ok")
        except Exception:  # not ready in time, or gone
            pass
        return False

    def reap(self, kill: bool = False) -> None:
        """Clean up kernels that have exited; kill those past their grace (all, if `kill`)."""
        from jupyter_core.utils import run_sync

        alive: list[tuple[Any, float]] = []
        for km, deadline in self.dying:
            try:
                if run_sync(km.is_alive)():
                    if not (kill or time.monotonic() > deadline):
                        alive.append((km, deadline))
                        continue
                    run_sync(km.shutdown_kernel)(now=True)
                run_sync(km.cleanup_resources)()
            except Exception:  # a kernel we cannot ask or stop is killed, never just dropped
                force_kill(km)
        self.dying = alive

    def close(self, patience: float = 2.0) -> None:
        """No kernel outlives the worker."""
        if self.spare is not None:
            self.release(*self.spare[1:])
            self.spare = None
        deadline = time.monotonic() + patience  # a released kernel exits within ~0.2 s
        while self.dying and time.monotonic() < deadline:
            self.reap()
            time.sleep(0.05)
        self.reap(kill=True)


def force_kill(km: Any) -> None:
    """SIGKILL a kernel's process (and with it, for a sandboxed kernel, its whole PID
    namespace), then remove what it leaves behind."""
    import os
    import signal

    process = getattr(getattr(km, "provisioner", None), "process", None)
    if process is not None:
        with contextlib.suppress(OSError):
            os.kill(process.pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            process.wait(timeout=SHUTDOWN_GRACE)
    sandbox = getattr(km, "sandbox", None)
    if sandbox is not None:
        sandbox.close()
