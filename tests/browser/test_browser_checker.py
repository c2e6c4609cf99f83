"""A learner opens the first course notebook in JupyterLab, runs every cell and writes notes into
the live checker: each rule's verdict and the character counter follow the text, and a note
that is HTML or script stays text.

What the page should show is computed here with the same widget (LiveChecker) and profile, so
the test holds whatever the rules decide today.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jupyterlab_ui as ui
import nbformat
from browser_support import ROOT, Browser, Lab, Tab, record_time

from connectwell import data
from connectwell.course.widgets import LiveChecker
from connectwell.report import SYMBOLS
from connectwell.rules import RULES

NOTEBOOK = "course/01_start_here.ipynb"
# The live widget, not the static copy saved in the notebook: only the live one has a text box.
LIVE = ".cw-live-checker:has(textarea)"


def checker_cell() -> tuple[int, str]:
    """The notebook's live checker: its cell's index and the profile it writes to."""
    nb = nbformat.read(ROOT / NOTEBOOK, as_version=4)
    for index, cell in enumerate(nb.cells):
        found = re.search(r"LiveChecker\(profile=\"(\w+)\"\)", cell.source)
        if cell.cell_type == "code" and found:
            return index, found.group(1)
    raise AssertionError(f"{NOTEBOOK} has no LiveChecker(profile=...) cell")


CHECKER_CELL, PROFILE = checker_cell()

TYPED = (
    "Hi Priya, I read your post on taming Kafka consumer lag. We hit the same problem at Acme; "
    "could I ask how you tuned your consumers?"
)
WEAK = "Hi Priya, I'd love to connect!"  # fails: nothing about her, no reason
LONG = "Hi Priya, " + "your Kafka consumer lag article was a great read and very useful. " * 4
# Every way to run script from text put into HTML: a tag with a handler, a script, markup.
PAYLOAD = (
    '<img src=x onerror="window.cwInjected=1;alert(1)"><script>window.cwInjected=2</script>'
    '<b id="cw-injected">Hi Priya</b>, your Kafka talk</b><svg onload="alert(3)">'
)


@dataclass(frozen=True)
class Shown:
    """What the live checker shows: the counter, each rule's verdict (symbol and word), the note."""

    counter: str
    verdicts: dict[str, str]
    note: str


def expected(text: str) -> Shown:
    checker = LiveChecker(PROFILE)
    checker.text = text
    verdicts = {f.rule: f"{SYMBOLS[f.verdict]} {f.verdict}" for f in checker.report.findings}
    return Shown(checker.counter_text(), verdicts, text)


def shown(page: Any) -> Shown:
    view = page.locator(LIVE).evaluate(
        """el => ({
            counter: el.querySelector('.cw-count')?.innerText ?? '',
            verdicts: Object.fromEntries([...el.querySelectorAll('.cw-finding')].map(
                f => [f.dataset.rule, f.querySelector('span').innerText.trim()])),
            note: el.querySelector('.cw-note')?.innerText ?? '',
        })"""
    )
    return Shown(view["counter"].strip(), view["verdicts"], view["note"])


def see(page: Any, text: str) -> Shown:
    """Wait until the checker shows what it should for `text`; returns what it shows."""
    want = expected(text)
    return ui.wait_until(
        page,
        lambda: shown(page),
        lambda s: (
            s == want or (not text and (s.counter, s.verdicts) == (want.counter, want.verdicts))
        ),
    )


def test_live_checker_follows_the_note_and_keeps_html_as_text(
    lab: Lab, browser: Browser, tab: Tab, artifacts: Path
) -> None:
    page = tab.page
    began = time.perf_counter()
    ui.open_notebook(page, lab.url(NOTEBOOK))
    record_time("lab_page", time.perf_counter() - began)
    assert page.locator(LIVE).count() == 0  # before running, only the saved static copy
    ui.wait_for_kernel(page, lambda: lab.kernel_ready(NOTEBOOK))
    record_time("kernel", time.perf_counter() - began)

    ui.menu(page, "Run", "Run All Cells")

    # Run All ends at the last cell; scroll back up to the checker, as a learner does. The live
    # widget exists once its cell has run; the cell after it sets the note from the kernel.
    def live_checkers() -> int:
        ui.scroll_to(page, CHECKER_CELL)
        return int(page.locator(LIVE).count())

    assert ui.wait_until(page, live_checkers, bool) == 1, "no live checker after Run All"
    lesson_note = data.lesson_examples("01_start_here")[-1].message  # what the next cell sets
    assert see(page, lesson_note) == expected(lesson_note)
    ui.wait_until_run(page)

    box = page.locator(f"{LIVE} textarea")
    box.fill("")
    cleared = see(page, "")  # the box shows a placeholder, so only the verdicts and the count
    assert (cleared.counter, cleared.verdicts) == (expected("").counter, expected("").verdicts)
    box.press_sequentially(TYPED)  # key by key, as a learner types
    assert see(page, TYPED) == expected(TYPED)
    assert set(shown(page).verdicts) == set(RULES)  # every rule has its say
    page.locator(LIVE).screenshot(path=artifacts / "live-checker.png")

    # Suggest a rewrite: shown with its facts, copied only when the learner chooses one.
    box.fill(WEAK)
    see(page, WEAK)
    page.locator(LIVE).get_by_role("button", name="Suggest a rewrite").click()
    first = page.locator(f"{LIVE} .cw-suggestion").first
    first.wait_for()
    want = LiveChecker(PROFILE, message=WEAK).suggest()
    assert page.locator(f"{LIVE} .cw-suggestion").count() == len(want)
    assert want[0].text in first.inner_text() and "Uses " in first.inner_text()
    assert box.input_value() == WEAK  # nothing replaced until the learner asks
    # The picture for docs/screenshots/: the note, its verdicts and the first suggestion.
    size = page.viewport_size
    page.set_viewport_size({"width": 900, "height": 1600})
    page.wait_for_timeout(300)  # JupyterLab lays the panel out again for the new size
    page.locator(f"{LIVE} textarea").evaluate("el => el.scrollIntoView({block: 'start'})")
    top = page.locator(f"{LIVE} textarea").bounding_box()
    bottom = page.locator(LIVE).get_by_role("button", name="Use suggestion 1").bounding_box()
    if top and bottom:
        page.screenshot(
            path=artifacts / "live-checker-suggestion.png",
            clip={
                "x": 0,
                "y": top["y"] - 10,
                "width": 900,
                "height": bottom["y"] + bottom["height"] - top["y"] + 20,
            },
        )
    if size:
        page.set_viewport_size(size)
    page.locator(LIVE).get_by_role("button", name="Use suggestion 1").click()
    assert see(page, want[0].text) == expected(want[0].text)
    assert all(v != f"{SYMBOLS['fail']} fail" for v in shown(page).verdicts.values())

    # Never a stale verdict: type fast, let the kernel settle, then the verdicts on screen
    # (read once, not waited for) must be those of the final text, not of a text before it.
    box.fill("")
    see(page, "")
    box.press_sequentially(TYPED, delay=5)
    page.wait_for_timeout(2500)
    assert shown(page) == expected(TYPED)

    box.fill(LONG)
    assert see(page, LONG) == expected(LONG)
    assert str(len(LONG)) in shown(page).counter

    box.fill(PAYLOAD)
    assert see(page, PAYLOAD) == expected(PAYLOAD)  # shown as typed, character for character
    page.locator(LIVE).screenshot(path=artifacts / "live-checker-html-payload.png")
    assert page.evaluate("window.cwInjected") is None, "script in the note ran"
    assert page.locator("#cw-injected").count() == 0, "markup in the note became an element"
    output = page.locator(LIVE).locator(".cw-report")
    assert output.locator("img, script, svg, b#cw-injected").count() == 0
    assert tab.dialogs == [], "the note opened a dialog"

    assert tab.errors == []
    assert tab.external == [], "JupyterLab tried to reach the internet"
