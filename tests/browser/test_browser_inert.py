"""An instructor opens a hostile learner's graded submission, in Chromium: nothing of the
learner's runs.

One submission of 01_not_blank, autograded and given feedback by nbgrader in a temporary copy of
the course: its answer cells display every kind of active output (tests/test_inert_outputs.py
lists them: HTML with <script> and onerror=, JavaScript, SVG with script, Markdown with raw
HTML, an iframe, a javascript: link, a meta refresh, a <style> that hides the page and a box
that covers it, a widget view, an execute_result); a Markdown cell and a raw HTML cell carry
script too. (The marker-text attack is tests/test_inert_outputs.py's alone.) Each payload, if it ran, would set window.__pwned or
document.title, or request a listener on this machine.

Two views: the feedback page (a file, as the learner opens it) and the formgrader's page for the
submission (nbgrader's formgrader server extension, in a Jupyter server started in the course
copy, logged in with its token as the instructor is). In both, nothing ran, nothing was
requested, the javascript: link does nothing when clicked, the page is not hidden or covered,
and the learner's text is there to read.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from browser_support import MARKER, Browser, Tab, assert_none_left
from nbgrader_course import Course
from test_inert_outputs import AID, SHOWN, SHOWN_IN_CELLS, attacking, generated

LEARNER = "mallory"
STARTUP_TIMEOUT = 180.0  # seconds: a wait limit for a slow machine, not a measurement
STOP_TIMEOUT = 60.0
# Text of the instructor's in the page, which the <style> payload hides and the box covers.
INSTRUCTIONS = "Question 1: Ben, from last night's meetup"


@dataclass
class Listener:
    """A web server on this machine that records every request: the payloads' beacon."""

    url: str
    hits: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def beacon() -> Iterator[Listener]:
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _record(self) -> None:
            hits.append(f"{self.command} {self.path}")
            self.send_response(204)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()

        do_GET = do_POST = do_OPTIONS = _record

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Listener(f"http://127.0.0.1:{server.server_address[1]}/pwned/", hits)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def graded(chromium: str, beacon: Listener, tmp_path_factory: pytest.TempPathFactory) -> Course:
    course = generated(tmp_path_factory.mktemp("inert-browser") / "course")
    course.submit(LEARNER, AID, attacking(course, beacon.url))
    for step in ("autograde", "generate_feedback"):
        done = course.nbgrader(step, AID, "--force")
        assert done.returncode == 0, f"nbgrader {step}:\n{done.stdout}\n{done.stderr}"
    return course


# ---------------------------------------------------------------- the formgrader


@dataclass
class Formgrader:
    base_url: str
    token: str

    def submission(self, course: Course, student: str) -> str:
        """The formgrader's page for a learner's notebook (nbgrader's SubmissionHandler)."""
        with course.gradebook() as gb:
            sid = gb.find_submission_notebook(AID, AID, student).id
        return f"{self.base_url}formgrader/submissions/{sid}/?token={self.token}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def formgrader(graded: Course, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Formgrader]:
    """A Jupyter server in the course copy, as an instructor runs one to use the formgrader:
    its working directory is the course, so the formgrader reads nbgrader_config.py."""
    home = tmp_path_factory.mktemp("formgrader")
    tag, token, port = uuid.uuid4().hex, uuid.uuid4().hex, _free_port()
    env = dict(os.environ, JUPYTER_TOKEN=token, **{MARKER: tag})
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        (home / name).mkdir()
        env[name] = str(home / name)  # nothing from this machine's Jupyter set-up leaks in
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    command = [sys.executable, "-m", "jupyter_server", "--no-browser", "--ServerApp.ip=127.0.0.1"]
    command += [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    command += [f"--ServerApp.root_dir={graded.root}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--ServerApp.allow_root=True")
    log = home / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=graded.root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(process, f"{base_url}api/status?token={token}", log)
        yield Formgrader(base_url, token)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        assert_none_left(tag, "the formgrader's Jupyter server")


def _wait_until_up(process: subprocess.Popen[bytes], status: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(status, timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the Jupyter server did not answer; its log:\n{log.read_text(errors='replace')}")


# ---------------------------------------------------------------- what the reader notices


def open_page(tab: Tab, url: str) -> list[str]:
    """Open `url` and wait until the page and what it loads have settled; returns every URL
    the page asked for."""
    asked: list[str] = []
    tab.page.on("request", lambda request: asked.append(request.url))
    tab.page.goto(url, wait_until="networkidle")
    return asked


def assert_nothing_ran(tab: Tab, url: str, beacon: Listener, asked: list[str]) -> None:
    page = tab.page
    assert page.evaluate("window.__pwned") is None, "the learner's script ran"
    assert page.evaluate("parent.__pwned") is None, "the learner's script ran in a frame"
    assert "pwned" not in page.title()
    assert page.url == url, "the page was sent elsewhere (meta refresh?)"
    assert [u for u in asked if u.startswith(beacon.url)] == [], "the page called the learner"
    assert beacon.hits == [], "the learner's listener was called"
    assert len(page.frames) == 1, "a frame of the learner's was loaded"
    assert tab.dialogs == []


def assert_readable(tab: Tab) -> None:
    """The learner's text is shown, as text, and the instructor's text is neither hidden nor
    covered."""
    page = tab.page
    outputs = " ".join(" ".join(page.locator(".output_area").all_inner_texts()).split())
    for shown in SHOWN:
        assert shown in outputs
    body = page.locator("body").inner_text()
    for shown in SHOWN_IN_CELLS:
        assert shown in body
    heading = page.get_by_text(INSTRUCTIONS, exact=False).first
    heading.scroll_into_view_if_needed()
    assert heading.is_visible()
    on_top = heading.evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " const top = document.elementFromPoint(r.left + 5, r.top + r.height / 2);"
        " return el.contains(top); }"
    )
    assert on_top, "something of the learner's covers the page"


def click_the_link(tab: Tab) -> None:
    """Click the learner's javascript: link, as a curious instructor would."""
    tab.page.get_by_text("Shown: link", exact=True).click()
    tab.page.wait_for_load_state("networkidle")


def test_the_feedback_page_runs_none_of_the_learners_script(
    browser: Browser, tab: Tab, graded: Course, beacon: Listener, artifacts: Path
) -> None:
    url = graded.feedback(LEARNER, AID).as_uri()
    asked = open_page(tab, url)
    tab.page.screenshot(path=artifacts / "feedback-inert.png", full_page=True)
    assert_nothing_ran(tab, url, beacon, asked)
    assert_readable(tab)
    click_the_link(tab)
    assert_nothing_ran(tab, url, beacon, asked)


def test_the_formgrader_shows_the_submission_inert(
    browser: Browser,
    tab: Tab,
    graded: Course,
    formgrader: Formgrader,
    beacon: Listener,
    artifacts: Path,
) -> None:
    url = formgrader.submission(graded, LEARNER)
    asked = open_page(tab, url)
    tab.page.screenshot(path=artifacts / "formgrader-inert.png", full_page=True)
    answers = tab.page.get_by_text("Student's answer", exact=True)
    assert answers.count() == 3, "the formgrader shows the submission's three answer cells"
    assert_nothing_ran(tab, url, beacon, asked)
    assert_readable(tab)
    click_the_link(tab)
    assert_nothing_ran(tab, url, beacon, asked)
