"""Every kind of course widget, audited with axe-core in JupyterLab, and used by keyboard alone.

The goal is no serious or critical axe violation inside the widgets' own DOM. JupyterLab's own
violations, outside the widgets, are recorded for the summary but not counted against us.
axe-core comes from npm into tests/browser/axe/node_modules (scripts/install_browser.sh).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jupyterlab_ui as ui
import pytest
from browser_support import Browser, Lab, Tab, record_a11y

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# notebook -> the widgets in it: (what, CSS selector of the live widget)
AUDITED = {
    "course/01_start_here.ipynb": [("live checker", ".cw-live-checker:has(textarea)")],
    "course/02_why_strangers_connect.ipynb": [
        ("request quiz", ".cw-quiz"),
        ("answer key", ".cw-answer-key-widget"),
    ],
    "course/06_prompt_reply.ipynb": [("reply timer", ".cw-reply-timer")],
    "course/09_message_workshop.ipynb": [
        ("scenario picker", ".cw-picker"),
        ("comparison", ".cw-compare"),
        ("example cards", ".cw-example"),
    ],
}
BLOCKING = ("serious", "critical")


def axe(page: Any, selector: str | None = None) -> list[dict[str, Any]]:
    """axe-core's violations inside `selector` (the first match), or outside every widget."""
    if not AXE.is_file():
        reason = f"no axe-core at {AXE}; run bash scripts/install_browser.sh"
        if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
            pytest.fail(f"{reason} (CI=true, so the audit must run, not skip)")
        pytest.skip(reason)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (sel) => {
            const context = sel ? document.querySelector(sel)
                : {exclude: [['.cw-live-checker'], ['.cw-quiz'], ['.cw-reply-timer'],
                             ['.cw-picker'], ['.cw-compare'], ['.cw-example'],
                             ['.cw-answer-key-widget']]};
            const result = await axe.run(context, {resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5),
            }));
        }""",
        selector,
    )


def find(page: Any, selector: str) -> None:
    """Scroll cell by cell until the widget is drawn (JupyterLab draws only cells in view)."""
    count = page.locator(ui.CELL).count()
    for index in range(count):
        ui.scroll_to(page, index)
        if page.locator(selector).count():
            page.locator(selector).first.scroll_into_view_if_needed()
            return
    raise AssertionError(f"no {selector} after running the notebook")


def run_all(page: Any, lab: Lab, notebook: str) -> None:
    ui.open_notebook(page, lab.url(notebook))
    ui.wait_for_kernel(page, lambda: lab.kernel_ready(notebook))
    ui.menu(page, "Run", "Run All Cells")
    ui.wait_until_run(page)


@pytest.mark.parametrize("notebook", list(AUDITED), ids=lambda p: Path(p).stem)
def test_course_widgets_have_no_serious_accessibility_violations(
    lab: Lab, browser: Browser, tab: Tab, notebook: str
) -> None:
    page = tab.page
    run_all(page, lab, notebook)
    found: dict[str, list[dict[str, Any]]] = {}
    for what, selector in AUDITED[notebook]:
        find(page, selector)
        widget = page.locator(selector).first
        # Audit each widget in the state a learner leaves it in, not only as first drawn.
        if what == "live checker":  # and the suggestion list it opens
            widget.get_by_role("button", name="Suggest a rewrite").click()
            widget.locator(".cw-suggestion").first.wait_for()
            what = "live checker and suggestion list"
        elif what == "request quiz":  # with the feedback on an answer showing
            widget.get_by_role("button", name="Report").click()
            widget.locator(".cw-feedback").wait_for()
        elif what == "answer key":  # opened
            widget.get_by_role("button", name="Show the answer key").click()
            widget.locator("table").wait_for()
        found[what] = axe(page, selector)
    lab_own = axe(page)
    record_a11y(notebook, found, lab_own)
    blocking = {
        what: [v for v in violations if v["impact"] in BLOCKING]
        for what, violations in found.items()
    }
    assert all(not v for v in blocking.values()), json.dumps(blocking, indent=1)
    assert tab.errors == []


# ---------------------------------------------------------------- keyboard only


def open_widget(tab: Tab, lab: Lab, notebook: str, selector: str) -> Any:
    """The notebook run top to bottom and the widget scrolled into view: what a learner sees
    before pressing the first key."""
    run_all(tab.page, lab, notebook)
    find(tab.page, selector)
    return tab.page.locator(selector)


def test_the_request_quiz_by_keyboard_alone(lab: Lab, browser: Browser, tab: Tab) -> None:
    """Focus arrives at the quiz as Tab would bring it; from then on only keys, to the score."""
    from connectwell import data

    page = tab.page
    quiz = open_widget(tab, lab, "course/02_why_strangers_connect.ipynb", ".cw-quiz")
    total = len(data.quiz("incoming"))
    for _ in range(total):
        quiz.get_by_role("button", name="Accept").focus()
        page.keyboard.press("Tab")  # Accept -> Ignore
        page.keyboard.press("Enter")
        page.wait_for_timeout(150)
    final = ui.wait_until(page, quiz.inner_text, lambda t: "Quiz over" in t)
    assert f"/{total}." in final, final
    assert tab.errors == []


def test_the_reply_timer_by_keyboard_alone(lab: Lab, browser: Browser, tab: Tab) -> None:
    from connectwell import data
    from connectwell.course.widgets import ReplyTimer

    page = tab.page
    timer = open_widget(tab, lab, "course/06_prompt_reply.ipynb", ".cw-reply-timer")
    timer.get_by_label("Reply after (hours)").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("30")
    page.keyboard.press("Enter")
    scenario = data.example("reply-same-day").scenario
    late = ReplyTimer(scenario, delay_hours=30).verdict
    assert late in ui.wait_until(page, timer.inner_text, lambda t: late in t)
    for _ in range(16):  # down to 22 hours, half an hour a key
        page.keyboard.press("ArrowDown")
    prompt = ReplyTimer(scenario, delay_hours=22).verdict
    assert late != prompt
    assert prompt in ui.wait_until(page, timer.inner_text, lambda t: prompt in t)
    assert tab.errors == []


def test_the_live_checker_by_keyboard_alone(lab: Lab, browser: Browser, tab: Tab) -> None:
    """Type a note, ask for suggestions and use one, all from the keyboard."""
    from connectwell.course.widgets import LiveChecker

    page = tab.page
    checker = open_widget(tab, lab, "course/01_start_here.ipynb", ".cw-live-checker:has(textarea)")
    # Count how often the screen reader's live region changes while the note is typed: each
    # update puts a new [role=status] node in the widget. Observed from the checker's own root,
    # which stays, not from the region, which each update replaces.
    checker.locator("[role=status]").wait_for(state="attached")
    checker.evaluate(
        """root => { window.cwAnnounced = 0;
            new MutationObserver(records => { for (const r of records) for (const n of r.addedNodes)
                if (n.nodeType === 1 && (n.matches('[role=status]') || n.querySelector('[role=status]')))
                    window.cwAnnounced++; })
                .observe(root, {childList: true, subtree: true}); }"""
    )
    checker.locator("textarea").focus()
    page.keyboard.press("Control+A")
    note = "Hi Priya, I'd love to connect!"
    page.keyboard.type(note, delay=40)  # faster than the pause the announcement waits for
    want = LiveChecker("priya", message=note)
    head = f"fails {len(want.report.failed)} of {len(want.report)} rules"
    assert head in ui.wait_until(page, checker.inner_text, lambda t: head in t)
    status = ui.wait_until(
        page,
        lambda: checker.locator("[role=status]").text_content() or "",
        lambda t: t == want.status_text(),
    )
    assert status == want.status_text()
    assert checker.locator("[role=status]").get_attribute("aria-live") == "polite"
    announced = page.evaluate("window.cwAnnounced")
    # Not one per key: the region waits for a pause. A busy machine can stall the kernel long
    # enough mid-word to look like a pause, so the bound leaves room for a few; the exact
    # debounce is tests/test_widgets.py's.
    assert 1 <= announced <= len(note) // 3, f"{announced} announcements for {len(note)} keys"
    page.keyboard.press("Tab")  # to "Suggest a rewrite"
    page.keyboard.press("Enter")
    checker.locator(".cw-suggestion").first.wait_for()
    page.keyboard.press("Tab")  # to "Use suggestion 1"
    page.keyboard.press("Space")
    first = want.suggest()[0].text
    typed = ui.wait_until(
        page, lambda: checker.locator("textarea").input_value(), lambda v: v == first
    )
    assert typed == first
    assert "passes every rule" in ui.wait_until(
        page, checker.inner_text, lambda t: "passes every rule" in t
    )
    assert tab.errors == []
