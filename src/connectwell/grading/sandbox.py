"""The sandbox every grading kernel runs in: bubblewrap around a learner's ipykernel.

Used by preprocessors.GuardedExecute (so by both `nbgrader autograde` in this course and
`connectwell grade`) and by connectwell.grading.kernels.WarmKernels. Nothing else imports it.

A learner's code runs in the kernel, and learner code is hostile: it may try to rewrite the
gradebook, read the solutions, reach the network or outlive its notebook. Bubblewrap (Debian's
`bubblewrap`, the tool Flatpak uses) gives the kernel:

- a file system of its own: /usr, the Python installation, the venv and an editable install's
  source, read-only; a private /tmp and home (tmpfs, size-limited) holding a copy of its own
  submission folder; and its private folder of kernel sockets. No course root, no solutions/,
  no submitted/, autograded/ or feedback/, no other learner, no gradebook, no exchange;
- no network at all (an empty network namespace: not even loopback services), so messaging
  goes over Unix sockets (ZeroMQ's ipc transport) in that socket folder;
- its own PID namespace that dies with the kernel: nothing it starts outlives it, and it sees
  no process of the grader's to signal;
- an unprivileged identity without capabilities (a uid of its own when the grader is root,
  else a user namespace), an environment cleaned down to what a kernel needs, and a new
  session, so it cannot type into the instructor's terminal;
- limits on memory, processes, file size and CPU time (rlimits, plus a memory and pids cgroup
  where the grader may create one).

Everything here is the grader's side: the kernel never sees this module's objects.
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import weakref
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from traitlets import Integer

INSTALL_HINT = (
    "install bubblewrap (Debian/Ubuntu: `sudo apt-get install bubblewrap`), or grade without "
    "a sandbox with `connectwell grade --unsandboxed` (any learner can then forge grades)"
)
HOME = "/home/learner"
WORKDIR = f"{HOME}/submission"  # the kernel's working folder: a copy of its submission folder
INBOX = "/run/connectwell/submission"  # the submission, read-only, copied into WORKDIR
# A uid no account has, one per kernel, so that two kernels never share a process budget
# (RLIMIT_NPROC counts per uid) and cannot signal each other.
UID_BASE = 1_500_000_000
# Variables a kernel may keep from the grader's environment; everything else is dropped
# (database URLs, tokens, passwords).
KEPT_ENV = (
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "OPENBLAS_CORETYPE",  # this machine's OpenBLAS needs them to compute right
    "OPENBLAS_L2_SIZE",
    "NBGRADER_EXECUTION",  # nbgrader's word to notebooks that they are being graded
    "NBGRADER_VALIDATING",
)
MB = 1024 * 1024
CPU_PERIOD = 100_000  # µs: the cgroup's CPU quota is one such period per period, one core


@functools.cache
def _warn_once(message: str) -> None:
    import logging

    logging.getLogger("connectwell.grading.sandbox").warning(message)


@dataclass(frozen=True)
class Limits:
    """What one kernel, with everything it starts, may use."""

    memory_mb: int = 1024  # resident memory (cgroup); each process's address space is 3x this
    processes: int = 64  # processes and threads at once
    file_size_mb: int = 64  # largest file it may write
    disk_mb: int = 64  # its home (with the submission copy) and its /tmp, each
    cpu_seconds: int = 120  # CPU time of each process


class SandboxUnavailable(RuntimeError):
    """Bubblewrap is missing or cannot create namespaces here."""


def bwrap() -> str | None:
    return shutil.which("bwrap")


@functools.cache
def unavailable() -> str | None:
    """Why no sandbox can be made on this machine, in one line, or None when one can."""
    if not sys.platform.startswith("linux"):
        return f"the grading sandbox needs Linux (this is {sys.platform}); " + INSTALL_HINT
    exe = bwrap()
    if exe is None:
        return "bubblewrap (bwrap) is not installed, so learners' code cannot be sandboxed; " + (
            INSTALL_HINT
        )
    args = [exe, "--unshare-pid", "--unshare-net", "--die-with-parent"]
    if os.geteuid() != 0:
        args.append("--unshare-user")
    args += ["--ro-bind", "/", "/", "--proc", "/proc", "true"]
    try:
        probe = subprocess.run(args, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"bubblewrap cannot run ({exc}); " + INSTALL_HINT
    if probe.returncode != 0:
        said = (probe.stderr.strip().splitlines() or ["no message"])[-1]
        return (
            f"bubblewrap cannot create a sandbox here ({said}); allow unprivileged user "
            "namespaces (sysctl kernel.unprivileged_userns_clone=1) or run the grader as root"
        )
    return None


@functools.cache  # one interpreter, one answer: not read again for every kernel
def python_paths() -> tuple[Path, ...]:
    """What the kernel's Python needs, read-only: the venv, the Python installation, and the
    source folders of editable installs (listed in the venv's .pth files)."""
    found: list[Path] = []
    for p in (sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix):
        found.append(Path(p).resolve())
    found.append(Path(os.path.realpath(sys.executable)).parent.parent)
    import site

    for sp in [*site.getsitepackages(), site.getusersitepackages()]:
        for pth in Path(sp).glob("*.pth") if Path(sp).is_dir() else ():
            with contextlib.suppress(OSError, UnicodeDecodeError):
                for line in pth.read_text().splitlines():
                    line = line.strip()
                    if line.startswith("/") and Path(line).is_dir():
                        found.append(Path(line).resolve())
    # The folder that holds the package, wherever it is imported from.
    import connectwell

    found.append(Path(connectwell.__file__).resolve().parent.parent)
    return tuple(_outermost(found))


def _outermost(paths: list[Path]) -> list[Path]:
    """Each path once, dropping those inside another one."""
    unique = sorted(set(paths), key=lambda p: len(p.parts))
    kept: list[Path] = []
    for p in unique:
        if not any(p.is_relative_to(k) for k in kept):
            kept.append(p)
    return kept


class Cgroups:
    """A memory and a pids cgroup for one kernel, where this process may make them (cgroup v1
    or v2). Optional: without them the rlimits still apply, per process."""

    def __init__(self, limits: Limits, name: str) -> None:
        self.dirs: list[Path] = []
        for controller in ("memory", "pids", "cpu"):
            with contextlib.suppress(OSError, ValueError):
                made = self._make(controller, name, limits)
                if made is not None and made not in self.dirs:
                    self.dirs.append(made)
        if not self.dirs:
            _warn_once(
                "no cgroup could be made for grading kernels (cgroup v2 without a delegated "
                "subtree, or no permission): each kernel process is still limited, but not the "
                "kernel's processes together"
            )

    @staticmethod
    def _own(controller: str) -> Path | None:
        unified = None
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, names, path = line.split(":", 2)
            if controller in names.split(","):
                return Path("/sys/fs/cgroup", controller, path.lstrip("/"))
            if names == "":
                unified = Path("/sys/fs/cgroup", path.lstrip("/"))
        # cgroup v2: one tree, where this process's cgroup must already hand the controller
        # down (delegation); only then can a child cgroup limit it.
        if unified is not None and (unified / "cgroup.subtree_control").is_file():
            if controller in (unified / "cgroup.subtree_control").read_text().split():
                return unified
        return None

    def _make(self, controller: str, name: str, limits: Limits) -> Path | None:
        parent = self._own(controller)
        if parent is None or not os.access(parent, os.W_OK):
            return None  # cgroup v2 needs a delegated subtree; the rlimits then stand alone
        child = parent / name
        child.mkdir(exist_ok=True)
        v2 = (child / "cgroup.controllers").exists()
        try:
            if controller == "memory" and v2:
                (child / "memory.max").write_text(str(limits.memory_mb * MB))
                with contextlib.suppress(OSError):
                    (child / "memory.swap.max").write_text("0")
            elif controller == "memory":
                (child / "memory.limit_in_bytes").write_text(str(limits.memory_mb * MB))
                with contextlib.suppress(OSError):  # no swap accounting: nothing to cap
                    (child / "memory.memsw.limit_in_bytes").write_text(str(limits.memory_mb * MB))
            elif controller == "cpu" and v2:
                (child / "cpu.max").write_text(f"{CPU_PERIOD} {CPU_PERIOD}")
            elif controller == "cpu":
                # One core at most: a kernel full of spinning processes cannot starve the
                # learner being graded on the other core.
                (child / "cpu.cfs_period_us").write_text(str(CPU_PERIOD))
                (child / "cpu.cfs_quota_us").write_text(str(CPU_PERIOD))
            else:
                (child / "pids.max").write_text(str(limits.processes))
        except OSError:
            with contextlib.suppress(OSError):
                child.rmdir()
            return None
        return child

    def procs_files(self) -> list[str]:
        return [str(d / "cgroup.procs") for d in self.dirs]

    def close(self) -> None:
        """Kill whatever is still in the cgroups and remove them."""
        for d in self.dirs:
            for _ in range(50):
                try:
                    pids = [int(p) for p in (d / "cgroup.procs").read_text().split()]
                except OSError:
                    break
                for pid in pids:
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)
                with contextlib.suppress(OSError):
                    d.rmdir()
                    break
                time.sleep(0.02)


@dataclass
class Sandbox:
    """One kernel's sandbox: its private folder on the grader's side and its command line."""

    limits: Limits = field(default_factory=Limits)
    run: Path = field(init=False)
    uid: int = field(init=False)

    def __post_init__(self) -> None:
        reason = unavailable()
        if reason is not None:
            raise SandboxUnavailable(reason)
        # /tmp on the grader's side too: the kernel sees the socket folder at the same path, so
        # the connection file's addresses need no rewriting.
        self.run = Path(tempfile.mkdtemp(prefix="connectwell-sandbox-"))
        self.root = os.geteuid() == 0
        self.uid = UID_BASE + secrets.randbelow(1_000_000) if self.root else 65534
        self.conn = self.run / "conn"
        self.inbox = self.run / "inbox"
        self.conn.mkdir()
        self.inbox.mkdir()
        os.chmod(self.run, 0o711)
        os.chmod(self.inbox, 0o755)
        os.chmod(self.conn, 0o700)
        if self.root:
            os.chown(self.conn, self.uid, self.uid)
        (self.run / "passwd").write_text(
            f"learner:x:{self.uid}:{self.uid}:learner:{HOME}:/bin/sh\n"
        )
        (self.run / "group").write_text(f"learner:x:{self.uid}:\n")
        self.cgroups = Cgroups(self.limits, self.run.name)
        self._finalizer = weakref.finalize(self, _remove, self.run, self.cgroups)

    def stage(self, folder: str | os.PathLike[str] | None) -> None:
        """Put a copy of `folder` (the notebook's folder) where the kernel copies it from."""
        # Emptied, never replaced: the kernel's view of it is a bind mount of this very folder.
        for old in self.inbox.iterdir():
            if old.is_dir() and not old.is_symlink():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)
        self.skipped: list[str] = []
        if folder is not None and Path(folder).is_dir():
            # Links stay links (to nothing the sandbox shows), and what does not fit the
            # kernel's home is left out: the notebook itself is run by the grader, so only a
            # learner's extra files are at risk.
            budget = {"left": self.limits.disk_mb * MB // 2}

            def copy(src: str, dst: str) -> None:
                size = os.lstat(src).st_size
                if size > min(budget["left"], self.limits.file_size_mb * MB):
                    self.skipped.append(os.path.relpath(src, folder))
                else:
                    budget["left"] -= size
                    shutil.copyfile(src, dst, follow_symlinks=False)

            shutil.copytree(
                folder, self.inbox, symlinks=True, copy_function=copy, dirs_exist_ok=True
            )
            if self.skipped:
                _warn_once(f"left out of a learner's sandbox (too large): {self.skipped[:5]}")
        for path in [self.inbox, *self.inbox.rglob("*")]:
            with contextlib.suppress(OSError):
                if not path.is_symlink():
                    path.chmod(0o755 if path.is_dir() else 0o644)

    def environment(self, outer: dict[str, str] | None) -> dict[str, str]:
        outer = outer if outer is not None else dict(os.environ)
        env = {k: outer[k] for k in KEPT_ENV if k in outer}
        env.setdefault("LANG", "C.UTF-8")
        env.update(
            PATH=f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
            HOME=HOME,
            USER="learner",
            LOGNAME="learner",
            TMPDIR="/tmp",
            MPLCONFIGDIR="/tmp/matplotlib",
            JUPYTER_RUNTIME_DIR="/tmp/jupyter-runtime",
            PYTHONDONTWRITEBYTECODE="1",
        )
        return env

    def command(self, argv: list[str], env: dict[str, str]) -> list[str]:
        """`argv` (the kernel's command) wrapped in the sandbox."""
        exe = bwrap()
        assert exe is not None
        lim = self.limits
        cmd = [
            exe,
            "--unshare-pid",
            "--unshare-net",
            "--unshare-ipc",
            "--unshare-uts",
            "--unshare-cgroup-try",
            "--die-with-parent",
            "--new-session",
            "--hostname",
            "sandbox",
            "--clearenv",
        ]
        if not self.root:
            cmd += ["--unshare-user", "--uid", str(self.uid), "--gid", str(self.uid)]
            cmd += ["--disable-userns"]
        for key, value in env.items():
            cmd += ["--setenv", key, value]
        made: set[str] = {"/"}

        def parents(path: Path) -> None:
            for parent in reversed(path.parents):
                if str(parent) not in made:
                    made.add(str(parent))
                    cmd.extend(["--perms", "0755", "--dir", str(parent)])
            made.add(str(path))

        parents(Path("/usr"))
        cmd += ["--ro-bind", "/usr", "/usr"]
        for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
            if os.path.islink(top):
                cmd += ["--symlink", os.readlink(top), top]
            elif os.path.isdir(top):
                cmd += ["--ro-bind", top, top]
        for etc in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime", "/etc/nsswitch.conf"):
            if os.path.exists(etc):
                parents(Path(etc))
                cmd += ["--ro-bind", etc, etc]
        cmd += ["--ro-bind", str(self.run / "passwd"), "/etc/passwd"]
        cmd += ["--ro-bind", str(self.run / "group"), "/etc/group"]
        # The private /tmp first: a venv or an editable checkout under /tmp is bound on top of it
        # below, rather than hidden by it.
        size = str(lim.disk_mb * MB)
        cmd += ["--perms", "1777", "--size", size, "--tmpfs", "/tmp"]
        made.add("/tmp")
        for path in python_paths():
            if str(path) in ("/", "/usr") or path.is_relative_to("/usr"):
                continue
            parents(path)
            cmd += ["--ro-bind", str(path), str(path)]
        cmd += ["--proc", "/proc", "--dev", "/dev"]
        cmd += ["--perms", "1777", "--size", size, "--tmpfs", HOME]
        parents(Path(INBOX))
        cmd += ["--ro-bind", str(self.inbox), INBOX]
        parents(self.conn)
        cmd += ["--bind", str(self.conn), str(self.conn)]
        cmd += ["--chdir", HOME]
        inner: list[str] = []
        if self.root:
            # bwrap ran as root to build the namespaces; the kernel gets a uid of its own, no
            # capabilities now or after exec, and no way to gain privileges.
            inner += [
                "setpriv",
                f"--reuid={self.uid}",
                f"--regid={self.uid}",
                "--clear-groups",
                "--inh-caps=-all",
                "--bounding-set=-all",
                "--no-new-privs",
                "--",
            ]
        inner += [
            "prlimit",
            f"--as={lim.memory_mb * 3 * MB}",
            f"--nproc={lim.processes}",
            f"--fsize={lim.file_size_mb * MB}",
            # SIGXCPU at the soft limit says why; SIGKILL at the hard one, for a process that
            # ignores it.
            f"--cpu={lim.cpu_seconds}:{lim.cpu_seconds + 5}",
            "--core=0",
            "--",
            # The working folder is made from the read-only copy of the submission. The
            # kernel's own stdin, stdout and stderr lead nowhere: they are the grader's
            # terminal or log otherwise, for a learner to forge, truncate or fill.
            "/bin/sh",
            "-c",
            f"mkdir -p {WORKDIR} && cp -R {INBOX}/. {WORKDIR}/ 2>/dev/null; cd {WORKDIR} && "
            'exec "$@" </dev/null >/dev/null 2>&1',
            "connectwell-kernel",
            *argv,
        ]
        join = self.cgroups.procs_files()
        if join:
            # The first process joins the kernel's cgroups before it becomes bwrap, so
            # everything the kernel ever starts is counted there.
            prefix = [
                "/bin/sh",
                "-c",
                'while [ "$1" != -- ]; do echo $$ > "$1" || exit 126; shift; done; shift; '
                'exec "$@"',
                "connectwell-sandbox",
                *join,
                "--",
            ]
            return [*prefix, *cmd, *inner]
        return [*cmd, *inner]

    def close(self) -> None:
        self._finalizer()


def _remove(run: Path, cgroups: Cgroups) -> None:
    cgroups.close()
    shutil.rmtree(run, ignore_errors=True)


def why_stopped(returncode: int | None) -> str | None:
    """What a sandboxed kernel's exit status says about a limit it hit, if anything."""
    if returncode is None:
        return None
    sig = -returncode if returncode < 0 else returncode - 128 if returncode > 128 else 0
    if sig == signal.SIGKILL:
        return "it was killed, most likely for using more memory than the grader allows"
    if sig == signal.SIGXCPU:
        return "it used more CPU time than the grader allows"
    if sig == signal.SIGXFSZ:
        return "it wrote a file larger than the grader allows"
    return None


class SandboxedKernelManager(AsyncKernelManager):
    """nbclient's kernel manager, with the kernel started inside a Sandbox."""

    memory_mb = Integer(Limits.memory_mb, help="Memory a grading kernel may use.").tag(config=True)
    processes = Integer(Limits.processes, help="Processes and threads a kernel may run.").tag(
        config=True
    )
    file_size_mb = Integer(Limits.file_size_mb, help="Largest file a kernel may write.").tag(
        config=True
    )
    disk_mb = Integer(Limits.disk_mb, help="Size of a kernel's home and of its /tmp.").tag(
        config=True
    )
    cpu_seconds = Integer(Limits.cpu_seconds, help="CPU time of each kernel process.").tag(
        config=True
    )

    sandboxed = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # The traits above are Limits' fields, settable from nbgrader_config.py.
        self.sandbox = Sandbox(Limits(**{f.name: getattr(self, f.name) for f in fields(Limits)}))
        self.transport = "ipc"
        self.ip = str(self.sandbox.conn / "kernel")
        self.connection_file = str(self.sandbox.conn / "kernel.json")

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        kernel_cmd, kw = await super()._async_pre_start_kernel(**kw)
        assert self.kernel_spec is not None
        # A signal cannot reach the kernel across the new session; ipykernel takes the
        # interrupt as a message on its control channel instead.
        self.kernel_spec.interrupt_mode = "message"
        self.sandbox.stage(kw.pop("cwd", None))
        env = self.sandbox.environment(kw.get("env"))
        kw["env"] = {"PATH": "/usr/bin:/bin", "LANG": env["LANG"]}
        kw["cwd"] = str(self.sandbox.run)
        if self.sandbox.root:
            os.chown(self.connection_file, self.sandbox.uid, self.sandbox.uid)  # its key
        return self.sandbox.command(kernel_cmd, env), kw

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            self.sandbox.close()

    def exit_reason(self) -> str | None:
        """Why the kernel stopped, if a sandbox limit explains it."""
        process = getattr(self.provisioner, "process", None)
        code = process.poll() if process is not None else None
        return why_stopped(code)

    def enter_code(self) -> str:
        """Code, run silently in a spare kernel when it is handed a notebook, that gives it
        its submission's files (staged with `stage`) in its working folder."""
        return (
            f"(lambda shutil, os: (shutil.copytree({INBOX!r}, {WORKDIR!r}, dirs_exist_ok=True, "
            f"symlinks=True), os.chdir({WORKDIR!r})))(__import__('shutil'), __import__('os'))"
        )
