"""What the browser tests do in JupyterLab 4, as a learner does it: open a notebook, wait for its
kernel, use the menus, type into a cell, press a toolbar button, read a dialog.

Selectors are JupyterLab's and nbgrader's own class names; each is named once, here, so a
JupyterLab upgrade that renames one breaks one line.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

NOTEBOOK = ".jp-NotebookPanel"
KERNEL_IDLE = '.jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator[data-status="idle"]'
CELL = ".jp-Notebook .jp-Cell"
PROMPT = ".jp-InputPrompt"
EDITOR = ".cm-content"
DIALOG = ".jp-Dialog"
WAIT = 60.0  # seconds: how long to wait for something a learner would wait for


def wait_until(
    page: Any, read: Callable[[], T], wanted: Callable[[T], bool], timeout: float = WAIT
) -> T:
    """Read until `wanted(value)` or the time is up; returns the last value read, so the
    caller's assertion shows what the page showed instead of a bare timeout. It waits with the
    page's own timer, which lets Playwright handle the page's events meanwhile."""
    deadline = time.monotonic() + timeout
    value = read()
    while not wanted(value) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
        value = read()
    return value


def open_notebook(page: Any, url: str) -> None:
    """Open a notebook and wait until its cells show."""
    page.goto(url)
    page.wait_for_selector(f"{NOTEBOOK} {CELL}")


def wait_for_kernel(page: Any, ready: Callable[[], bool]) -> None:
    """Wait until the notebook's kernel has started and the page is connected to it (`ready`
    asks the server), as a learner waits for the kernel status circle to settle. The status
    alone does not tell: it reads idle before there is a kernel at all."""
    assert wait_until(page, ready, bool), "the notebook's kernel did not start"
    page.wait_for_selector(KERNEL_IDLE)


def menu(page: Any, *path: str) -> None:
    """Choose a menu item from the menu bar, e.g. menu(page, "Run", "Run All Cells"). Labels
    match whole: "Run All Cells" is not "Restart Kernel and Run All Cells…"."""
    page.locator(".lm-MenuBar-itemLabel", has_text=_whole(path[0])).click()
    for label in path[1:]:
        page.locator(".lm-Menu-itemLabel", has_text=_whole(label)).click()


def _whole(label: str) -> re.Pattern[str]:
    return re.compile(f"^{re.escape(label)}$")


def prompts(page: Any) -> list[str]:
    """Every cell's prompt, e.g. '[3]:', or '[*]:' for one running or queued. (textContent: a
    cell out of view is not laid out, so its innerText is empty.)"""
    return [t.strip() for t in page.locator(f"{CELL} {PROMPT}").all_text_contents()]


def wait_until_run(page: Any) -> None:
    """Wait until no cell is running or queued, and the kernel is idle."""
    running = wait_until(page, lambda: prompts(page), lambda p: "[*]:" not in p)
    assert "[*]:" not in running, f"cells still running or queued: {running}"
    page.wait_for_selector(KERNEL_IDLE)


def scroll_to(page: Any, index: int) -> None:
    """Scroll cell `index` into view (JupyterLab skips drawing cells out of view)."""
    cell(page, index).scroll_into_view_if_needed()


def cell(page: Any, index: int) -> Any:
    """The notebook's cell number `index` (from 0), as in the .ipynb file."""
    return page.locator(CELL).nth(index)


def set_source(page: Any, index: int, source: str) -> None:
    """Replace a cell's text, as a learner does: click in it, select all, write."""
    target = cell(page, index).locator(EDITOR)
    target.click()
    page.keyboard.press("Control+A")
    # insert_text: one input, no key-by-key auto-closed brackets or auto-indent.
    page.keyboard.insert_text(source)
    page.keyboard.press("Escape")  # back to command mode, as after editing


def toolbar_button(page: Any, label: str) -> Any:
    return page.locator(".jp-NotebookPanel-toolbar .jp-ToolbarButtonComponent", has_text=label)


def validate(page: Any) -> Any:
    """Press nbgrader's Validate button; returns its results dialog once it shows."""
    toolbar_button(page, "Validate").click()
    dialog = page.locator(DIALOG, has_text="Validation Results")
    dialog.wait_for()
    return dialog


def close_dialog(dialog: Any) -> None:
    dialog.locator(".jp-Dialog-button", has_text="Ok").click()
    dialog.wait_for(state="detached")


def failed_cells(dialog: Any) -> dict[str, str]:
    """The cells a Validate dialog lists as failed: source -> the error shown under it.

    nbgrader writes each failure as 'The following cell failed:', the cell's source and the
    error, each in its own <pre>."""
    texts = dialog.locator(".validation-failed pre").all_inner_texts()
    return {texts[i].strip(): texts[i + 1] for i in range(0, len(texts) - 1, 2)}
