"""A hostile learner's answers reach the instructor and the feedback inert, and cannot stop it.

Two attacks, each graded by nbgrader (autograde, generate_feedback) in a temporary copy of the
course, and once more by `connectwell grade`:

- marker text: answer cells that quote nbgrader's own markers (`### BEGIN HIDDEN TESTS` in a
  string, a `### BEGIN SOLUTION` comment, a whole BEGIN/END region in a comment or in the written
  reflection). Feedback used to fail for that learner (so `connectwell grade` failed the run),
  or cut the learner's words out of it. It must be made, whole, with the hidden tests still
  removed from the test cells.
- script in an answer's output: HTML with <script>, onerror= and javascript: links, JavaScript,
  SVG with script, Markdown with raw HTML, widget views, iframes, a meta refresh, a <style> that
  hides the page, an execute_result, plus a Markdown cell and a raw HTML cell the learner edited
  and widget state in the notebook's metadata. None of it may stay active, in the autograded
  notebook (what the formgrader shows the instructor) or in the feedback page; the learner's
  text stays readable. tests/browser/test_browser_inert.py opens the pages in Chromium.

`control` submits one good note and nothing else; feedback pages are compared with its page,
so whatever nbconvert's templates always carry (MathJax, CSS) is not mistaken for the attack.
"""

from __future__ import annotations

import copy
import html
import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbgrader_course import ROOT, Course, _script, grade_id

AID = "01_not_blank"
CAPSTONE = "07_capstone"
GOOD_NOTE = (
    'note_ben = "Hi Ben, great talking about accessible dashboards at the UX Leeds meetup last '
    'night; could I show you our redesign when it ships?"'
)
NOWHERE = "http://127.0.0.1:9/"  # where the payloads phone home when no test listens

# ---------------------------------------------------------------- the attacks


def marker_answers() -> dict[str, str]:
    """Answers (appended to the release's answer cells) that quote nbgrader's markers."""
    return {
        "q1_answer": GOOD_NOTE + '\nquoted = "### BEGIN HIDDEN TESTS"  # a string, no more',
        "q2_answer": "# ### BEGIN SOLUTION is what my instructor's copy says here",
        "q3_answer": "### BEGIN HIDDEN TESTS\n# kept-between-markers\n### END HIDDEN TESTS",
    }


REFLECTION = (
    "### BEGIN HIDDEN TESTS\nMy reflection: kept-in-the-reflection, with the markers around it."
    "\n### END HIDDEN TESTS"
)


def payloads(beacon: str) -> dict[str, str]:
    """Each attack on the instructor's browser, as the line an answer cell runs. All set
    window.__pwned or document.title, or request `beacon`, if they run; "Shown: <name>" is the
    text that should stay readable."""
    b = beacon
    return {
        "html": "display(HTML({!r}))".format(
            f'<script>window.__pwned="html"; document.title="pwned"; fetch("{b}html")</script>'
            f'<img src="{b}img" onerror="window.__pwned=\'img\'">Shown: html'
        ),
        "iframe": "display(HTML({!r}))".format(
            f'<iframe src="{b}iframe"></iframe>'
            "<iframe srcdoc=\"<script>parent.__pwned='srcdoc'</script>\"></iframe>Shown: iframe"
        ),
        "link": "display(HTML({!r}))".format(
            '<a id="cw-evil-link" href="javascript:window.__pwned=\'link\'">Shown: link</a>'
        ),
        "meta": "display(HTML({!r}))".format(
            f'<meta http-equiv="refresh" content="0;url={b}meta">Shown: meta'
        ),
        "style": "display(HTML({!r}))".format(
            "<style>body * {visibility: hidden !important}</style>"
            '<div style="position:fixed;top:0;left:0;width:100%;height:100%;'
            'background:white;z-index:99999">Shown: style</div>'
        ),
        "js": "display(Javascript({!r}))".format(
            f'window.__pwned="js"; document.title="pwned"; fetch("{b}js")'
        ),
        "svg": "display(SVG({!r}))".format(
            '<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=\'svg\'">'
            f'<script>fetch("{b}svg")</script><text y="20">Shown: svg</text></svg>'
        ),
        "markdown": "display(Markdown({!r}))".format(
            f'Shown: **markdown** <img src="{b}md" onerror="window.__pwned=\'md\'"> '
            "[a link](javascript:window.__pwned='mdlink')"
        ),
        "widget": "display({!r}, raw=True)".format(
            {
                "application/vnd.jupyter.widget-view+json": {
                    "model_id": "cw-model",
                    "version_major": 2,
                    "version_minor": 0,
                },
                "text/plain": "Shown: widget",
            }
        ),
        "isolated": "display({!r}, raw=True, metadata={!r})".format(
            {"text/html": '<b>Shown: isolated</b><script>parent.__pwned="isolated"</script>'},
            {"text/html": {"isolated": True}},
        ),
        # The cell's last expression: an execute_result, not a display_data.
        "result": "HTML({!r})".format(
            f'<b>Shown: result</b><script>window.__pwned="result"; fetch("{b}result")</script>'
        ),
    }


def markdown_cell_payload(beacon: str) -> str:
    return (
        f'\n\nShown: markdown cell <img src="{beacon}mdcell" onerror="window.__pwned=\'mdcell\'">'
        '<script>window.__pwned="mdcell-script"</script>'
    )


RAW_CELL = '<script>window.__pwned="raw"</script><b>Shown: raw</b>'
WIDGET_STATE = {
    "application/vnd.jupyter.widget-state+json": {
        "version_major": 2,
        "version_minor": 0,
        "state": {
            "cw-model": {
                "model_name": "HTMLModel",
                "model_module": "@jupyter-widgets/controls",
                "model_module_version": "2.0.0",
                "state": {"value": "<img src=x onerror=\"window.__pwned='widget-state'\">"},
            }
        },
    }
}
# What of each attack the reader should still read, as text, in the cells' outputs.
SHOWN = [
    *(f"Shown: {name}" for name in ("html", "iframe", "link", "meta", "style", "svg")),
    *(f"Shown: {name}" for name in ("markdown", "widget", "isolated", "result")),
    'window.__pwned="js"',  # the JavaScript, as text
    '<script>window.__pwned="html"',  # the markup, as text
]
# And in the cells the learner edited, rendered.
SHOWN_IN_CELLS = ["Shown: markdown cell", "Shown: raw"]


def attacking(course: Course, beacon: str = NOWHERE, markers: bool = False) -> Any:
    """The release with every output attack in question 2 (and, with `markers`, the marker
    text in the answer cells)."""
    answers = {"q1_answer": GOOD_NOTE}
    if markers:
        answers = marker_answers()
    nb = answered(course, AID, answers)
    answer = next(c for c in nb.cells if grade_id(c) == "q2_answer")
    answer.source += (
        "\nfrom IPython.display import HTML, SVG, Javascript, Markdown, display\n"
        + "\n".join(payloads(beacon).values())
    )
    task = next(c for c in nb.cells if c.get("id") == "q2-task")
    task.source += markdown_cell_payload(beacon)
    raw = nbformat.v4.new_raw_cell(RAW_CELL, metadata={"raw_mimetype": "text/html"})
    nb.cells.insert(nb.cells.index(answer) + 1, raw)
    nb.metadata["widgets"] = copy.deepcopy(WIDGET_STATE)
    return nb


def answered(course: Course, aid: str, answers: dict[str, str]) -> Any:
    """The release with `answers` appended to its answer cells, as a learner types them."""
    nb = copy.deepcopy(course.release(aid))
    for cell in nb.cells:
        if grade_id(cell) in answers:
            cell.source += "\n" + answers[grade_id(cell)]
    return nb


# ---------------------------------------------------------------- reading pages


class _Parts(HTMLParser):
    """What in a page can act: scripts and styles (with their text), elements that load or
    embed something, event handlers and script URLs."""

    TAGS = frozenset(
        {
            *("script", "style", "iframe", "frame", "object", "embed", "meta", "base", "link"),
            *("form", "svg", "math", "img", "video", "audio", "source", "template"),
        }
    )
    URLS = frozenset({"href", "src", "action", "formaction", "data", "srcdoc", "xlink:href"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            squashed = re.sub(r"[\x00-\x20]+", "", value or "").lower()
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            elif name in self.URLS and squashed.startswith(("javascript:", "data:text/html")):
                self.found.append(f"<{tag} {name}={value!r}>")
            elif name == "http-equiv":
                self.found.append(f"<{tag} http-equiv={value!r}>")
        if tag == "img" and (dict(attrs).get("src") or "").startswith("data:image/"):
            return  # an embedded image loads nothing, and an image runs no script (SVG too)
        if tag in self.TAGS:
            self.found.append(f"<{tag} {sorted((n, v or '') for n, v in attrs)}>")
            self._open = tag if tag in ("script", "style") else None

    def handle_data(self, data: str) -> None:
        if self._open:
            self.found.append(f"{self._open}: {data.strip()}")

    def handle_endtag(self, tag: str) -> None:
        self._open = None


def active_parts(page: str) -> list[str]:
    parser = _Parts()
    parser.feed(page)
    parser.close()
    return parser.found


def added_active_parts(page: str, reference: str) -> list[str]:
    """What can act in `page` and is not in `reference` (the same template, honest content)."""
    return list((Counter(active_parts(page)) - Counter(active_parts(reference))).elements())


def visible_text(page: str) -> str:
    """An HTML page as a reader sees it: no tags, scripts or styles; entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


class _OutputText(HTMLParser):
    """The text inside a page's output areas (class output_area), as the reader sees it."""

    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._depth = 0  # open elements, counted from the first output area met
        self._skip = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        if self._depth or "output_area" in classes:
            self._depth += 1
        self._skip = tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self._depth:
            self._depth -= 1
        self._skip = False

    def handle_data(self, data: str) -> None:
        if self._depth and not self._skip:
            self.parts.append(data)


def output_text(page: str) -> str:
    """What a page shows in its cells' outputs (not their source), spaces collapsed."""
    parser = _OutputText()
    parser.feed(page)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def hidden_lines(course: Course, aid: str) -> list[str]:
    """The lines of the instructor's hidden tests that say something."""
    lines = []
    for cell in course.source(aid).cells:
        for region in re.findall(
            r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", cell.source, re.S
        ):
            lines += [" ".join(line.split()) for line in region.splitlines() if line.strip()]
    return lines


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# ---------------------------------------------------------------- grading, as an instructor


def generated(dest: Path) -> Course:
    course = Course(_script().copy_course(dest))
    for aid in (AID, CAPSTONE):
        done = course.nbgrader("generate_assignment", aid, "--force")
        assert done.returncode == 0, done.stderr
    return course


# What the kernel would have written, for a notebook autograded before outputs were made inert.
LEGACY_OUTPUTS = [
    nbformat.v4.new_output(
        "display_data",
        data={"text/html": '<script>window.__pwned="legacy"</script><b>Shown: legacy</b>'},
    ),
    nbformat.v4.new_output("display_data", data={"application/javascript": "window.__pwned=1"}),
    nbformat.v4.new_output(
        "display_data", data={"image/svg+xml": '<svg onload="window.__pwned=2"></svg>'}
    ),
    nbformat.v4.new_output(
        "execute_result",
        data={"text/markdown": "<img src=x onerror=window.__pwned=3>"},
        execution_count=1,
    ),
]


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    course = generated(tmp_path_factory.mktemp("inert") / "course")
    course.submit("control", AID, answered(course, AID, {"q1_answer": GOOD_NOTE}))
    course.submit("quotes-markers", AID, answered(course, AID, marker_answers()))
    course.submit("scripts", AID, attacking(course))
    course.submit("legacy", AID, answered(course, AID, {"q1_answer": GOOD_NOTE}))
    course.submit("control", CAPSTONE, answered(course, CAPSTONE, {}))
    markers = answered(course, CAPSTONE, {"q1_answer": 'quoted = "### BEGIN HIDDEN TESTS"'})
    next(c for c in markers.cells if grade_id(c) == "reflection").source = REFLECTION
    course.submit("quotes-markers", CAPSTONE, markers)
    autograde = {aid: course.nbgrader("autograde", aid, "--force") for aid in (AID, CAPSTONE)}
    # legacy: a notebook autograded before InertOutputs existed, with the kernel's raw outputs.
    path = course.autograded("legacy", AID)
    os.chmod(path, 0o644)  # nbgrader leaves autograded notebooks read-only
    nb = nbformat.read(path, as_version=4)
    next(c for c in nb.cells if grade_id(c) == "q2_answer").outputs = copy.deepcopy(LEGACY_OUTPUTS)
    nbformat.write(nb, path)
    feedback = {
        aid: course.nbgrader("generate_feedback", aid, "--force") for aid in (AID, CAPSTONE)
    }
    yield {"course": course, "autograde": autograde, "feedback": feedback}


def test_every_submission_is_autograded_and_gets_feedback(graded: dict[str, Any]) -> None:
    course: Course = graded["course"]
    for aid in (AID, CAPSTONE):
        for step in ("autograde", "feedback"):
            done = graded[step][aid]
            assert done.returncode == 0, f"{step} {aid}:\n{done.stderr[-3000:]}"
    for student in ("control", "quotes-markers", "scripts", "legacy"):
        assert course.feedback(student, AID).exists(), student
    assert course.feedback("quotes-markers", CAPSTONE).exists()


# ---------------------------------------------------------------- A: marker text


def test_quoted_markers_cost_the_learner_nothing(graded: dict[str, Any]) -> None:
    course: Course = graded["course"]
    assert course.scores("quotes-markers", AID) == course.scores("control", AID)


def test_feedback_keeps_the_learners_words_and_hides_the_hidden_tests(
    graded: dict[str, Any],
) -> None:
    course: Course = graded["course"]
    notes = visible_text(read(course.feedback("quotes-markers", AID)))
    assert 'quoted = "### BEGIN HIDDEN TESTS"' in notes
    assert "### BEGIN SOLUTION is what my instructor's copy says here" in notes
    assert "kept-between-markers" in notes
    capstone = visible_text(read(course.feedback("quotes-markers", CAPSTONE)))
    assert "My reflection: kept-in-the-reflection, with the markers around it." in capstone
    for aid, page in ((AID, notes), (CAPSTONE, capstone)):
        hidden = hidden_lines(course, aid)
        assert hidden, f"{aid} has hidden tests to hide"
        for line in hidden:
            assert line not in page, f"{aid}: the hidden test {line!r} is in the feedback"


# ---------------------------------------------------------------- B: script in outputs


def test_the_autograded_notebook_holds_nothing_that_runs(graded: dict[str, Any]) -> None:
    nb = nbformat.read(graded["course"].autograded("scripts", AID), as_version=4)
    assert "widgets" not in nb.metadata
    seen = set()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            seen |= set(data)
            kinds = {k for k in data if not k.startswith("application/vnd.connectwell.")}
            assert kinds <= {"text/plain", "text/html"}, kinds
            assert active_parts(data.get("text/html", "")) == []
            assert set(out.get("metadata", {})) <= {"image/png", "image/jpeg", "image/gif"}
    shown = json.dumps([c.get("outputs", []) for c in nb.cells])
    assert "text/html" in seen, "the learner's HTML is kept, sanitized"
    for text in ("Shown: html", "Shown: svg", "Shown: widget", "window.__pwned"):
        assert text in shown


def test_the_feedback_page_runs_only_what_an_honest_learners_runs(
    graded: dict[str, Any],
) -> None:
    course: Course = graded["course"]
    honest = read(course.feedback("control", AID))
    for student in ("scripts", "legacy"):
        page = read(course.feedback(student, AID))
        assert added_active_parts(page, honest) == [], student
    assert "Shown: legacy" in output_text(read(course.feedback("legacy", AID)))


def test_the_feedback_shows_the_attack_as_text(graded: dict[str, Any]) -> None:
    page = read(graded["course"].feedback("scripts", AID))
    outputs, text = output_text(page), visible_text(page)
    for shown in SHOWN:
        assert shown in outputs
    for shown in SHOWN_IN_CELLS:
        assert shown in text


def test_results_still_read_as_results(graded: dict[str, Any]) -> None:
    """connectwell's own result HTML keeps its check names, colour and teaching text."""
    page = read(graded["course"].feedback("scripts", AID))
    assert re.search(
        r'<div class="cw-check cw-pass" data-check="not-blank">'
        r'<span style="color:\s*#1b7f3b;\s*font-weight:\s*bold;?">✓ not-blank',
        page,
    ), "q1's passing check is shown as connectwell writes it"
    assert 'Stuck? Run grading.hint("q2")' in output_text(page), "failing checks still teach"


def test_nbconverts_html_settings_alone_make_a_raw_notebook_inert() -> None:
    """The second layer, without InertOutputs: the course's HTMLExporter settings on a notebook
    whose outputs are as the kernel made them, with nbgrader's feedback template."""
    import nbgrader
    from nbconvert import HTMLExporter
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    formgrader = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
    exporter = HTMLExporter(  # as nbgrader's GenerateFeedback sets it up
        config=config,
        template_name="feedback",
        extra_template_basedirs=[str(formgrader / "templates")],
        extra_template_paths=[str(formgrader / "static/node_modules/bootstrap/dist/css")],
    )
    resources = {"nbgrader": {"notebook": "n", "score": 0, "max_score": 1, "late_penalty": 0}}

    def export(outputs: list[Any], markdown: str) -> str:
        cells = [nbformat.v4.new_markdown_cell(markdown), nbformat.v4.new_code_cell("x")]
        cells[1].outputs = copy.deepcopy(outputs)
        nb = nbformat.v4.new_notebook(cells=cells, metadata={"widgets": WIDGET_STATE})
        return exporter.from_notebook_node(nb, resources=copy.deepcopy(resources))[0]

    honest = export([], "# Title\n\nSome *text*.")
    page = export(LEGACY_OUTPUTS, "# Title\n\nSome *text*." + markdown_cell_payload(NOWHERE))
    assert added_active_parts(page, honest) == []
    assert "Shown: legacy" in output_text(page) and "Shown: markdown cell" in visible_text(page)
    assert re.search(r"<h1[^>]*>Title", honest) and "<em>text</em>" in honest, "Markdown renders"


# ---------------------------------------------------------------- connectwell grade


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    course = generated(tmp_path_factory.mktemp("inert-cohort") / "course")
    course.submit("control", AID, answered(course, AID, {"q1_answer": GOOD_NOTE}))
    course.submit("attacker", AID, attacking(course, markers=True))
    done = subprocess.run(
        [sys.executable, "-m", "connectwell", "grade", AID, "--jobs", "2", "--course", course.root],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    return {"course": course, "done": done}


def test_connectwell_grade_makes_the_attackers_feedback_inert(cohort: dict[str, Any]) -> None:
    course: Course = cohort["course"]
    done = cohort["done"]
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    page = read(course.feedback("attacker", AID))
    assert added_active_parts(page, read(course.feedback("control", AID))) == []
    text = visible_text(page)
    for shown in SHOWN:
        assert shown in output_text(page)
    for shown in [*SHOWN_IN_CELLS, "kept-between-markers", 'quoted = "### BEGIN HIDDEN TESTS"']:
        assert shown in text
    for line in hidden_lines(course, AID):
        assert line not in text
    nb = nbformat.read(course.autograded("attacker", AID), as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert active_parts(out.get("data", {}).get("text/html", "")) == []
