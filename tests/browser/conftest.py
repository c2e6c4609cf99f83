"""The course in a real JupyterLab, in a real browser: fixtures for tests/browser/.

- `lab`: `connectwell lab` (the README's command), started on a free loopback port in a
  temporary copy of the course (course/, exercises/, nbgrader_config.py) with its own Jupyter
  config, data and runtime folders. At the end it gets Ctrl+C, as a person would stop it, and
  the test fails if any process it started (server, kernels, Validate's kernels) is still alive.
- `browser`: Debian's Chromium (/usr/bin/chromium) driven by Playwright, headless, with a fresh
  profile. Playwright never downloads a browser here.
- `tab`: a new browser tab per test. It records JavaScript dialogs (alert) and page errors, and
  blocks and records requests that would leave the machine, so a test can show it works offline.

Without Chromium or Playwright the tests skip, saying how to install them; when CI=true they fail
instead, so CI cannot pass by skipping them. Screenshots go to artifacts/browser/ (git-ignored);
to refresh the README's pictures, copy artifacts/browser/live-checker.png and
live-checker-suggestion.png to docs/screenshots/.
Processes are found through /proc, so these tests run on Linux.

    .venv/bin/pytest tests/browser          # only these; `-m "not browser"` leaves them out
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import (
    A11Y,
    ARTIFACTS,
    MARKER,
    ROOT,
    TIMES,
    Browser,
    Lab,
    Tab,
    assert_none_left,
    record_time,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT = 180.0  # seconds: a wait limit for a slow machine, not a measurement
STOP_TIMEOUT = 60.0
ADDRESS = re.compile(r"http://127\.0\.0\.1:\d+/\S+")
# Anything not on this machine. A pattern, not a Python function, so that Playwright's driver
# matches it in the browser: a Python predicate would hold every request of the page until the
# test next calls Playwright.
EXTERNAL = re.compile(r"^(?!http://127\.0\.0\.1[:/]|file:|data:|blob:|about:)")
HERE = Path(__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives JupyterLab in Chromium (tests/browser/)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:  # the tests here that need Chromium (all but test_lab_command.py)
        if HERE in Path(str(item.path)).resolve().parents and "chromium" in getattr(
            item, "fixturenames", ()
        ):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    began = time.perf_counter()
    try:
        return (yield)
    finally:
        if item.get_closest_marker("browser"):
            TIMES["total"] = TIMES.get("total", 0.0) + time.perf_counter() - began


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if "total" not in TIMES:
        return
    terminalreporter.write_sep("-", "browser tests (timings, not assertions)")
    lines = {
        "lab_up": "`connectwell lab` printed its address after {:.1f} s",
        "lab_page": "JupyterLab showed the first notebook {:.1f} s after the page was asked for",
        "kernel": "and its kernel was ready {:.1f} s after the page was asked for",
        "feedback": "nbgrader generate, autograde and feedback for one submission: {:.1f} s",
        "total": "browser tests took {:.1f} s in all, set-up and tear-down included",
    }
    for key, text in lines.items():
        if key in TIMES:
            terminalreporter.write_line(text.format(TIMES[key]))
    if ARTIFACTS.is_dir():
        terminalreporter.write_line(f"screenshots: {ARTIFACTS.relative_to(ROOT)}/")
    for notebook, (widgets, lab_own) in A11Y.items():
        terminalreporter.write_line(f"axe-core on {notebook}:")
        for what, violations in widgets.items():
            terminalreporter.write_line(f"  {what}: {_impacts(violations)}")
        terminalreporter.write_line(f"  JupyterLab itself (not counted): {_impacts(lab_own)}")


def _impacts(violations: list[dict[str, Any]]) -> str:
    if not violations:
        return "no violations"
    return ", ".join(f"{v['id']} ({v['impact']}, {len(v['nodes'])} node(s))" for v in violations)


# ---------------------------------------------------------------- what is installed


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _unavailable(reason: str) -> None:
    if _in_ci():
        pytest.fail(f"{reason} (CI=true, so the browser tests must run, not skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium, after checking that Playwright is importable."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("Playwright is not installed: run .venv/bin/pip install -e '.[test]'")
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"no Chromium at {CHROMIUM}: run `bash scripts/install_browser.sh`")
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# ---------------------------------------------------------------- JupyterLab


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _copy_course(dest: Path) -> Path:
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    dest.mkdir(parents=True)
    for folder in ("course", "exercises"):
        shutil.copytree(ROOT / folder, dest / folder, ignore=ignore)
    shutil.copy(ROOT / "nbgrader_config.py", dest / "nbgrader_config.py")
    return dest


@pytest.fixture(scope="session")
def lab(chromium: str, tmp_path_factory: pytest.TempPathFactory, artifacts: Path) -> Iterator[Lab]:
    home = tmp_path_factory.mktemp("lab")
    root = _copy_course(home / "course")
    tag = uuid.uuid4().hex
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        (home / name).mkdir()
        env[name] = str(home / name)  # nothing from this machine's Jupyter set-up leaks in
    env[MARKER] = tag
    env.pop("JUPYTER_TOKEN", None)
    log = home / "connectwell-lab.log"
    command = [sys.executable, "-m", "connectwell", "lab", "--no-browser"]
    command += ["--port", str(free_port()), str(root)]
    began = time.perf_counter()
    with log.open("wb") as out:
        # Its own session, as in a terminal of its own: the Ctrl+C at the end reaches only it.
        process = subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        address = _wait_for_address(process, log)
        record_time("lab_up", time.perf_counter() - began)
        yield Lab(root=root, address=address, log=log)
    finally:
        _stop_lab(process, log, tag, artifacts)


def _wait_for_address(process: subprocess.Popen[bytes], log: Path) -> str:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        found = ADDRESS.search(log.read_text(errors="replace"))
        if found:
            return found.group(0)
        if process.poll() is not None:
            break
        time.sleep(0.1)
    pytest.fail(f"`connectwell lab` printed no address; its output:\n{log.read_text()}")


def _stop_lab(process: subprocess.Popen[bytes], log: Path, tag: str, artifacts: Path) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl+C in its terminal
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    shutil.copy(log, artifacts / "connectwell-lab.log")
    assert_none_left(tag, "`connectwell lab` after Ctrl+C")
    output = log.read_text(errors="replace")
    assert process.returncode == 0, f"exit status {process.returncode}:\n{output}"
    assert "JupyterLab stopped." in output, output


# ---------------------------------------------------------------- Chromium


@pytest.fixture(scope="session")
def browser(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    tag = uuid.uuid4().hex
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium,
            headless=True,
            args=CHROMIUM_ARGS,
            env={**os.environ, MARKER: tag},
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield Browser(context)
        finally:
            context.close()
    assert_none_left(tag, "Chromium")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def tab(browser: Browser, request: pytest.FixtureRequest, artifacts: Path) -> Iterator[Tab]:
    page = browser.context.new_page()
    found = Tab(page)

    def on_dialog(dialog: Any) -> None:
        found.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def block(route: Any) -> None:
        found.external.append(route.request.url)
        route.abort()

    page.route(EXTERNAL, block)
    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: found.errors.append(str(exc)))
    page.set_default_timeout(60_000)  # waits on a busy 2-core machine, not assertions
    try:
        yield found
    finally:
        if request.node.stash.get(_FAILED, False):  # what the page showed when the test failed
            page.screenshot(path=artifacts / f"failed-{request.node.name}.png")
        page.close()
