"""`connectwell lab`: JupyterLab on the course, ready for a newcomer.

    connectwell lab                 # the course here, in the checkout, or in ~/ConnectWell
    connectwell lab PATH --port 9000 --no-browser

Installed from a wheel, it first copies the course into a working folder (course/workspace.py).
It checks that the course extra is installed, picks a free loopback port and a random token,
starts JupyterLab in the course folder (course/, exercises/, nbgrader_config.py), waits until it
answers and prints one address that opens course/01_start_here.ipynb. Ctrl+C stops it.

Settings that matter, and why:
- The server runs *in* the course folder: nbgrader's Validate button reads nbgrader_config.py
  from the server's working directory (nbgrader/server_extensions/validate_assignment).
- Loopback only, token from the environment (JUPYTER_TOKEN) rather than the command line, so
  other users of the machine cannot read it from `ps`.
- No network: JupyterLab's news feed (and its question whether to fetch it), update check and
  PyPI extension manager are off, so nothing is fetched beyond the package index used to install.
- JupyterLab runs in its own session. Ctrl+C (or SIGTERM, or closing the terminal) reaches only
  this process, which then sends SIGTERM: that is the signal on which the server shuts its
  kernels down (on SIGINT without a terminal it exits without doing so).

The browser tests (tests/browser/) run `connectwell lab` itself, so they test the set-up a
learner gets. Nothing here is imported by `import connectwell`.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TextIO

START = "course/01_start_here.ipynb"  # where a newcomer lands
LOOPBACK = "127.0.0.1"
FIRST_PORT = 8888  # Jupyter's usual port; the next free one is taken when it is in use
PORTS_TRIED = 100
STARTUP_TIMEOUT = 180.0  # seconds; a cold start on a slow laptop takes well under a minute
STOP_TIMEOUT = 20.0  # seconds for the server to shut its kernels down before it is killed

# Python modules the course needs in the browser, and the extra that installs them.
NEEDED = {
    "jupyterlab": "JupyterLab",
    "ipywidgets": "ipywidgets (the live checker)",
    "jupyterlab_widgets": "jupyterlab_widgets (shows widgets in JupyterLab)",
    "nbgrader": "nbgrader (the Validate button)",
}
INSTALL_HINT = "pip install -e '.[course]'"  # in a checkout
WHEEL_INSTALL_HINT = "pip install 'connectwell[course]' (or pipx install 'connectwell[course]')"

CONFIG_DIR = Path(__file__).resolve().parent / "jupyter_config"
# JupyterLab options that keep it off the network and quiet (see the module docstring).
OFFLINE_OPTIONS = (
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
)


class LabError(Exception):
    """JupyterLab cannot be started; the message is the one line the user sees."""


@dataclass(frozen=True)
class LabSettings:
    """How one JupyterLab server is started and reached."""

    root: Path
    port: int
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24), repr=False)
    ip: str = LOOPBACK
    log_level: str = "WARN"  # the address we print is the line that matters; errors still show

    @property
    def base_url(self) -> str:
        return f"http://{self.ip}:{self.port}/"

    def url(self, path: str = START) -> str:
        """The address that opens `path` (a notebook or folder under root) and logs in."""
        return f"{self.base_url}lab/tree/{path}?token={self.token}"

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            f"--ServerApp.ip={self.ip}",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",  # the port we print is the port it uses, or it fails
            f"--ServerApp.root_dir={self.root}",
            f"--ServerApp.log_level={self.log_level}",
            f"--LabApp.log_level={self.log_level}",
            # Kernels talk to the server over Unix sockets, not loopback TCP ports (and ipykernel
            # does not warn the learner about unencrypted TCP at every kernel start).
            "--KernelManager.transport=ipc",
            *OFFLINE_OPTIONS,
            # Containers and CI machines often run everything as root; Jupyter refuses to start
            # there without this, and refusing helps no one who is root already.
            *(["--ServerApp.allow_root=True"] if _is_root() else []),
        ]

    def environment(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ if base is None else base)
        env["JUPYTER_TOKEN"] = self.token
        # JupyterLab defaults for the course (jupyter_config/labconfig): never fetch news, so it
        # does not open by asking a newcomer about a news feed. The learner's own settings win.
        extra = [str(CONFIG_DIR), env.get("JUPYTER_CONFIG_PATH", "")]
        env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(p for p in extra if p)
        # The venv's bin first: nbgrader runs `alembic` from PATH when it creates a gradebook.
        bin_dir = str(Path(sys.executable).parent)
        env["PATH"] = os.pathsep.join([bin_dir, env.get("PATH", "")])
        return env


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


# ---------------------------------------------------------------- before starting


CHECKOUT = Path(__file__).resolve().parents[3]  # the repository, in an editable install


def has_course(folder: Path) -> bool:
    return (folder / "course").is_dir() and (folder / "exercises").is_dir()


def is_checkout() -> bool:
    """Whether connectwell runs from a git checkout (an editable install) rather than a wheel."""
    return (CHECKOUT / "pyproject.toml").is_file() and has_course(CHECKOUT)


def install_hint() -> str:
    """How to install the course extra, in the words that fit how connectwell was installed."""
    return INSTALL_HINT if is_checkout() else WHEEL_INSTALL_HINT


def find_course(
    folder: str | None,
    material: Path | bool | None = True,
    say: Callable[[str], None] = print,
) -> Path:
    """The course folder to open.

    FOLDER if it holds course/ and exercises/; else, without FOLDER, the current folder or the
    checkout connectwell is installed from. Installed from a wheel, the course the wheel
    carries is copied into FOLDER, or into ~/ConnectWell (connectwell.course.workspace), and a copy
    made earlier is brought up to date without touching what the learner changed.
    material: the folder holding the course to copy; True (default) for the wheel's own.
    """
    from connectwell.course import workspace

    if material is True:
        material = workspace.packaged_material()
    material = material or None

    def copied_into(path: Path) -> Path:
        assert material is not None
        for line in workspace.sync(path, material).lines():
            say(line)
        return path.resolve()

    if folder is not None:
        path = Path(folder).expanduser()
        if has_course(path):
            return (
                copied_into(path)
                if material and workspace.is_working_folder(path)
                else path.resolve()
            )
        if path.exists() and not path.is_dir():
            raise LabError(f"{folder} is a file; give a folder for the course, or leave it out")
        if material is not None:
            return copied_into(path)
        if not path.is_dir():
            raise LabError(f"{folder}: no such folder; give the ConnectWell repository's path")
        raise LabError(
            f"{folder} has no course/ and exercises/ folders; give the ConnectWell repository's "
            "path (connectwell lab PATH), or run `connectwell lab` inside it"
        )
    here = Path.cwd()
    if has_course(here):
        return (
            copied_into(here) if material and workspace.is_working_folder(here) else here.resolve()
        )
    if is_checkout():
        return CHECKOUT
    if material is not None:
        return copied_into(workspace.default_folder())
    raise LabError(
        "this folder has no course/ and exercises/ folders, and this connectwell carries no "
        "course; reinstall it with " + WHEEL_INSTALL_HINT + ", or give the course's folder: "
        "connectwell lab PATH"
    )


def missing_packages() -> list[str]:
    """What the browser course needs and is not installed, as names a person recognises."""
    return [what for module, what in NEEDED.items() if importlib.util.find_spec(module) is None]


def port_is_free(port: int, ip: str = LOOPBACK) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As the server will (tornado sets it): a port a stopped server left in TIME_WAIT is free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((ip, port))
        except OSError:
            return False
    return True


def free_port(ip: str = LOOPBACK, first: int = FIRST_PORT) -> int:
    """The first free port from `first` on, or any free port the system hands out."""
    for port in range(first, first + PORTS_TRIED):
        if port_is_free(port, ip):
            return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((ip, 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------------------- running


def answers(settings: LabSettings) -> bool:
    """True once the server answers an authenticated API request."""
    request = urllib.request.Request(
        f"{settings.base_url}api/status", headers={"Authorization": f"token {settings.token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def start(
    settings: LabSettings, *, stdout: TextIO | int | None = None, stderr: TextIO | int | None = None
) -> subprocess.Popen[bytes]:
    """Start JupyterLab in its own session (see the module docstring); does not wait."""
    return subprocess.Popen(
        settings.command(),
        cwd=settings.root,
        env=settings.environment(),
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=stderr,
        start_new_session=True,
    )


def wait_until_up(
    settings: LabSettings, process: subprocess.Popen[bytes], timeout: float = STARTUP_TIMEOUT
) -> float:
    """Wait until the server answers; returns the seconds it took since this call."""
    began = time.monotonic()
    while not answers(settings):
        code = process.poll()
        if code is not None:
            raise LabError(
                f"JupyterLab stopped while starting (exit status {code}); "
                "its messages above say why"
            )
        if time.monotonic() - began > timeout:
            raise LabError(
                f"JupyterLab did not answer at {settings.base_url} within {timeout:.0f} s"
            )
        time.sleep(0.2)
    return time.monotonic() - began


def stop(process: subprocess.Popen[bytes], timeout: float = STOP_TIMEOUT) -> int:
    """Stop the server the way that shuts its kernels down (SIGTERM), killing its process
    group only if it does not stop in time; returns its exit status."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            _kill(process)
    return process.returncode


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Kill the server's process group at once. Its kernels, in sessions of their own, notice
    their parent has gone and exit by themselves (ipykernel's parent poller)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


class _Stop(Exception):
    """SIGTERM or SIGHUP arrived: stop JupyterLab as Ctrl+C does."""


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def address_text(settings: LabSettings) -> str:
    return "\n".join(
        [
            "ConnectWell is running in JupyterLab. Open this address in your browser:",
            "",
            f"    {settings.url()}",
            "",
            "Work through course/ from 01_start_here, then the exercises in exercises/",
            "(press Validate in a notebook's toolbar to check your answers). Ctrl+C stops it.",
        ]
    )


def run(
    folder: str | None = None,
    port: int | None = None,
    open_browser: bool = True,
    *,
    say: Callable[[str], None] = print,
) -> int:
    """`connectwell lab`: start JupyterLab on the course and wait until it is stopped.

    Returns 0 after Ctrl+C, or JupyterLab's own exit status if it stops by itself."""
    missing = missing_packages()
    if missing:
        raise LabError(f"not installed: {', '.join(missing)}; install them with {install_hint()}")
    root = find_course(folder, say=say)
    if port is None:
        port = free_port()
    elif not port_is_free(port):
        raise LabError(f"port {port} is in use; choose another with --port, or leave it out")
    settings = LabSettings(root=root, port=port)

    # Ctrl+C raises KeyboardInterrupt even where the shell started us with SIGINT ignored (a
    # background job); SIGTERM and SIGHUP (the terminal closed) stop JupyterLab the same way.
    handlers = {signal.SIGINT: signal.signal(signal.SIGINT, signal.default_int_handler)}
    handlers |= {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    process: subprocess.Popen[bytes] | None = None
    try:
        process = start(settings)
        wait_until_up(settings, process)
        say(address_text(settings))
        sys.stdout.flush()
        if open_browser:
            _open_browser(settings.url())
        return process.wait()
    except (KeyboardInterrupt, _Stop):
        if process is not None:
            try:
                stop(process)
            except (KeyboardInterrupt, _Stop):  # asked again while it shuts down: don't wait
                _kill(process)
        say("JupyterLab stopped.")
        return 0
    except LabError:
        if process is not None:
            stop(process)
        raise
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def _open_browser(url: str) -> None:
    import webbrowser

    # On Linux without a desktop, webbrowser falls back to a text browser (lynx, w3m) that would
    # take over this terminal; there, and wherever no browser opens, the printed address is it.
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return
    try:
        webbrowser.open(url)
    except webbrowser.Error:
        pass
