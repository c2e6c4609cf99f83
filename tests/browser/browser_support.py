"""What the browser fixtures hand to tests (Lab, Browser, Tab), the timings they report, and how
they find processes left behind. Fixtures are in conftest.py; tests import these names from
here (a conftest cannot be imported by name: tests/ has one too)."""

from __future__ import annotations

import json
import os
import signal
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "browser"
MARKER = "CONNECTWELL_BROWSER_TEST"  # environment variable that tags the processes we start

TIMES: dict[str, float] = {}  # what the summary at the end of the run reports


def record_time(key: str, seconds: float) -> None:
    TIMES.setdefault(key, seconds)  # the first, cold, figure


# notebook -> (widget -> its axe violations, JupyterLab's own violations outside the widgets)
A11Y: dict[str, tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]] = {}


def record_a11y(
    notebook: str, widgets: dict[str, list[dict[str, Any]]], lab_own: list[dict[str, Any]]
) -> None:
    A11Y[notebook] = (widgets, lab_own)


@dataclass
class Lab:
    """A running `connectwell lab` and the course copy it serves."""

    root: Path
    address: str  # the address it printed, token included
    log: Path

    @property
    def base_url(self) -> str:
        return self.address.split("/lab/", 1)[0] + "/"

    @property
    def token(self) -> str:
        return self.address.rsplit("token=", 1)[1]

    def kernel_ready(self, path: str) -> bool:
        """True once the notebook at `path` has a kernel that is idle and a browser connected
        to it (the server's own account, from its REST API)."""
        request = urllib.request.Request(
            f"{self.base_url}api/sessions", headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            sessions = json.loads(response.read())
        return any(
            s["path"] == path
            and s["kernel"]["execution_state"] == "idle"
            and s["kernel"]["connections"] > 0
            for s in sessions
        )

    def url(self, path: str) -> str:
        """Open `path` logged in, in a fresh layout (`reset`: no tabs restored from an earlier
        test)."""
        return f"{self.base_url}lab/tree/{path}?reset&token={self.token}"


@dataclass
class Browser:
    """A Playwright browser context (Chromium with its own profile)."""

    context: Any


@dataclass
class Tab:
    """One browser tab, and what happened in it: JavaScript dialogs, uncaught page errors, and
    requests it blocked because they would have left the machine."""

    page: Any
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)


def tagged_processes(tag: str) -> list[str]:
    """Live processes whose environment carries MARKER=tag, as 'pid command' lines. Every
    child inherits the environment, so this finds kernels and helpers started on our behalf."""
    wanted = f"{MARKER}={tag}".encode()
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if wanted not in (proc / "environ").read_bytes().split(b"\0"):
                continue
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile, or a zombie waiting for its parent
            continue
        found.append(f"{proc.name} {command.strip()}")
    return found


def assert_none_left(tag: str, what: str) -> None:
    """Fail, naming them, if processes tagged `tag` outlive `what`; kill them either way."""
    deadline = time.monotonic() + 10  # a kernel may take a moment to exit after its server
    left = tagged_processes(tag)
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = tagged_processes(tag)
    for line in left:
        try:
            os.kill(int(line.split()[0]), signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert not left, f"{what} left processes behind:\n" + "\n".join(left)
