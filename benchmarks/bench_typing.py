"""How long from a key press to updated verdicts in the live checker, in JupyterLab in Chromium?

    .venv/bin/python benchmarks/bench_typing.py           # alone
    .venv/bin/python benchmarks/bench_typing.py --load    # and while `connectwell grade` runs

A learner types, one key at a time at about 6 keys a second, into three widgets: the live
checker with a 200-character note (free account), the live checker with a 300-character note
(premium), and the message workshop's scenario picker. For each key the page records when the
key went down and when that widget's verdicts next changed; the difference is the latency.
Reported: median, p95 and max per widget. Targets: median <= 30 ms, p95 <= 60 ms.

With --load, `connectwell grade 07_capstone` grades a synthetic cohort of 40 learners (built as
benchmarks/bench_grade.py builds it) on the same machine while the learner types: an
instructor grading on the hub must not make learners' typing lag.

A measurement, not a test: it needs Chromium and Playwright (scripts/install_browser.sh) and
prints figures; nothing here fails CI.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parent.parent
# The browser tests' own account of a running lab (its URL, and when its kernel is ready).
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from browser_support import Lab  # noqa: E402

KEYS_PER_SECOND = 6
TARGET_MEDIAN_MS, TARGET_P95_MS = 30.0, 60.0

FREE = (
    "Hi Priya, your article on taming Kafka consumer lag describes the backlog our Acme team "
    "fights every Monday. I'm hiring a Senior Data Engineer for it; could I send the details?"
)
PREMIUM = (
    "Hi Priya, your article on taming Kafka consumer lag describes the backlog our Acme team "
    "fights every Monday morning. I'm hiring a Senior Data Engineer to lead that work, and your "
    "Kafka and Python experience at Globex is exactly what the role needs. Could I send you "
    "the details, or would a short call suit you?"
)
WORKSHOP = (
    "Hi Tomás, I read your piece on three years without tilling and our soil lab wants to test "
    "the same fields. Owen Pryce suggested I ask: could we compare notes at Groundswell?"
)
CELLS = {
    "live checker, free (200 characters)": (
        'free = widgets.LiveChecker("priya", message="")\nfree',
        FREE[:200],
    ),
    "live checker, premium (300 characters)": (
        'premium = widgets.LiveChecker("priya", message="", account="premium")\npremium',
        PREMIUM[:300],
    ),
    "message workshop (scenario picker)": (
        'picker = widgets.ScenarioPicker(profiles=["tomas", "kenji"])\npicker',
        WORKSHOP,
    ),
}

# In the page: record each keydown in the widget's text box, and each change to its verdicts.
INSTRUMENT = """(root) => {
    const box = root.querySelector('textarea');
    const report = root.querySelector('.cw-report').closest('.widget-html-content');
    const keys = [], updates = [];
    box.addEventListener('keydown', e => keys.push(performance.now()), true);
    new MutationObserver(() => updates.push(performance.now()))
        .observe(report, {childList: true, subtree: true, characterData: true});
    root.cwTiming = {keys, updates};
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_lab(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        (home / name).mkdir()
        env[name] = str(home / name)
    env.pop("JUPYTER_TOKEN", None)
    log = home / "lab.log"
    command = [sys.executable, "-m", "connectwell", "lab", "--no-browser"]
    command += ["--port", str(free_port()), str(home / "work")]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        found = re.search(r"http://127\.0\.0\.1:\d+/\S+", log.read_text(errors="replace"))
        if found:
            return process, found.group()
        if process.poll() is not None:
            sys.exit(f"connectwell lab stopped:\n{log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.2)
    sys.exit("connectwell lab did not print its address within 180 s")


def write_notebook(folder: Path) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from connectwell import widgets")]
    nb.cells += [nbformat.v4.new_code_cell(source) for source, _ in CELLS.values()]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, folder / "typing.ipynb")
    return "course/typing.ipynb"


def start_grading(work: Path, jobs: int | None) -> subprocess.Popen[bytes]:
    """`connectwell grade` on a cohort of 40, in the background, as an instructor would."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_grade as grade  # the same synthetic cohort as the grading benchmark

    gen = grade._generate_script()
    course = gen.copy_course(work / "cohort")
    gen.generate(course)
    grade.build_cohort(course, "07_capstone", 40)
    command = [sys.executable, "-m", "connectwell", "grade", "07_capstone", "--no-feedback"]
    command += ["--jobs", str(jobs)] if jobs else []
    return subprocess.Popen(
        command,
        cwd=course,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def latencies(timing: dict[str, list[float]]) -> list[float]:
    """For each key, the time to the first verdict update after it went down."""
    keys, updates = timing["keys"], sorted(timing["updates"])
    out = []
    for k in keys:
        after = next((u for u in updates if u >= k), None)
        if after is not None:
            out.append(after - k)
    return out


def measure(page: Any, lab: Lab, notebook: str) -> dict[str, list[float]]:
    page.goto(lab.url(notebook))
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    deadline = time.monotonic() + 120
    while not lab.kernel_ready(notebook) and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Run All Cells$")).click()
    page.wait_for_function(
        "document.querySelectorAll('.cw-live-checker textarea').length >= 3", timeout=120000
    )
    page.wait_for_timeout(1000)
    results = {}
    for index, (what, (_, text)) in enumerate(CELLS.items()):
        root = page.locator(".cw-live-checker:has(textarea)").nth(index)
        root.scroll_into_view_if_needed()
        root.evaluate(INSTRUMENT)
        root.locator("textarea").focus()
        page.keyboard.type(text, delay=1000 / KEYS_PER_SECOND)
        page.wait_for_timeout(1500)  # the last key's update
        timing = root.evaluate("r => r.cwTiming")
        results[what] = latencies(timing)
        final = root.locator("textarea").input_value()
        if final != text:
            sys.exit(f"{what}: the box holds {final!r}, not what was typed")
    return results


def report(label: str, results: dict[str, list[float]]) -> None:
    print(label)
    for what, ms in results.items():
        ms = sorted(ms)
        p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
        flag = (
            ""
            if statistics.median(ms) <= TARGET_MEDIAN_MS and p95 <= TARGET_P95_MS
            else "  (over target)"
        )
        print(
            f"  {what}: {len(ms)} keys, median {statistics.median(ms):.0f} ms, "
            f"p95 {p95:.0f} ms, max {ms[-1]:.0f} ms{flag}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--load", action="store_true", help="also measure while grading a cohort")
    parser.add_argument(
        "--jobs", type=int, help="grading workers under --load (default: all cores)"
    )
    args = parser.parse_args(argv)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sys.exit("needs Playwright: .venv/bin/pip install -e '.[test]'")
    if not Path("/usr/bin/chromium").exists():
        sys.exit("needs Chromium: bash scripts/install_browser.sh")
    print(
        f"{KEYS_PER_SECOND} keys a second; targets: median <= {TARGET_MEDIAN_MS:.0f} ms, p95 <= {TARGET_P95_MS:.0f} ms"
    )
    with tempfile.TemporaryDirectory(prefix="bench-typing-") as tmp:
        home = Path(tmp)
        for part in ("course", "exercises"):  # the shape `connectwell lab PATH` opens
            (home / "work" / part).mkdir(parents=True)
        notebook = write_notebook(home / "work" / "course")
        server, address = start_lab(home)
        lab = Lab(root=home / "work", address=address, log=home / "lab.log")
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium")
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                report("alone:", measure(page, lab, notebook))
                page.close()  # one tab on the notebook at a time, as a learner has
                if args.load:
                    grading = start_grading(home, args.jobs)
                    time.sleep(5)  # let the workers start their kernels
                    try:
                        page2 = browser.new_page(viewport={"width": 1280, "height": 1000})
                        figures = measure(page2, lab, notebook)
                        still = grading.poll() is None
                        report(
                            f"while connectwell grade runs ({args.jobs or 'all'} worker(s))"
                            + ("" if still else " (it finished before typing ended)")
                            + ":",
                            figures,
                        )
                    finally:
                        if grading.poll() is None:
                            os.killpg(grading.pid, signal.SIGTERM)
                        grading.wait(timeout=60)
                browser.close()
        finally:
            os.killpg(server.pid, signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(home, ignore_errors=True)
    print(json.dumps({"load_average": os.getloadavg()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
