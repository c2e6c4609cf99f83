"""The course notebooks as a learner opens them: executed, clean, escaped, and in step with the
rules. `pytest --nbval course/` re-runs every cell against the stored outputs; these tests check
what nbval does not (metadata, order, escaping, naming) and say how to fix a stale notebook."""

from __future__ import annotations

import ast
import copy
import html
import importlib.util
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbformat
import pytest
from course_layout import COURSE_STEMS

import connectwell as cw
from connectwell import data

ROOT = Path(__file__).resolve().parent.parent


def _load_script() -> Any:
    path = ROOT / "scripts" / "execute_notebooks.py"
    spec = importlib.util.spec_from_file_location("execute_notebooks", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


ex = _load_script()

PATHS = ex.course_notebooks()
STALE = "{} is out of date: run python scripts/execute_notebooks.py"


def read(path: Path) -> Any:
    return nbformat.read(path, as_version=4)


def code_cells(nb: Any) -> list[Any]:
    return [c for c in nb.cells if c.cell_type == "code"]


def output_text(out: Any, mime: str = "text/plain") -> str:
    if out.output_type == "stream":
        return out.text if mime == "text/plain" else ""
    if out.output_type == "error":
        return f"{out.ename}: {out.evalue}" if mime == "text/plain" else ""
    return out.get("data", {}).get(mime, "")


def html_outputs(nb: Any) -> list[str]:
    return [
        output_text(out, "text/html")
        for cell in code_cells(nb)
        for out in cell.outputs
        if output_text(out, "text/html")
    ]


def all_text(nb: Any) -> str:
    """What a reader sees: markdown and every output's plain text."""
    parts = [c.source for c in nb.cells if c.cell_type == "markdown"]
    parts += [output_text(out) for cell in code_cells(nb) for out in cell.outputs]
    return "\n".join(parts)


@pytest.fixture(params=PATHS, ids=[p.stem for p in PATHS])
def notebook(request: pytest.FixtureRequest) -> tuple[Path, Any]:
    return request.param, read(request.param)


def test_the_course_has_its_nine_notebooks_in_order():
    assert [p.stem for p in PATHS] == COURSE_STEMS


def test_each_rule_names_a_notebook_that_exists():
    for rule in cw.RULES.values():
        assert (ex.COURSE / rule.lesson).is_file(), f"{rule.name}: lesson {rule.lesson} is missing"


# ---------------------------------------------------------------- stored as executed, cleanly


def test_no_cell_shows_an_error_or_a_warning(notebook):
    path, nb = notebook
    for number, cell in enumerate(code_cells(nb), 1):
        for out in cell.outputs:
            assert out.output_type != "error", (
                f"{ex.rel(path)}, code cell {number} shows {out.ename}: {out.evalue}"
            )
            is_stderr = out.output_type == "stream" and out.name == "stderr"
            assert not is_stderr, f"{ex.rel(path)}, code cell {number} writes to stderr: {out.text}"


def test_cells_were_executed_once_each_top_to_bottom(notebook):
    path, nb = notebook
    counts = [c.execution_count for c in code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), f"{ex.rel(path)}: execution counts {counts}"
    for cell in code_cells(nb):
        for out in cell.outputs:
            if out.output_type == "execute_result":
                assert out.execution_count == cell.execution_count


def test_metadata_is_clean(notebook):
    path, nb = notebook
    nbformat.validate(nb)
    assert nb.metadata == {"kernelspec": ex.KERNELSPEC, "language_info": ex.LANGUAGE_INFO}, (
        f"{ex.rel(path)}: notebook metadata is not normalised (widget state, versions?); "
        "run python scripts/execute_notebooks.py"
    )
    assert len({c.id for c in nb.cells}) == len(nb.cells), f"{ex.rel(path)}: repeated cell ids"
    for cell in nb.cells:
        extra = set(cell.metadata) - set(ex.CELL_METADATA_KEPT)
        assert not extra, f"{ex.rel(path)}, cell {cell.id}: stray metadata {sorted(extra)}"
    # A stored widget view points at a model that is gone once the kernel stops.
    assert ex.WIDGET_VIEW not in path.read_text(encoding="utf-8")


def test_no_absolute_paths(notebook):
    path, _ = notebook
    text = path.read_text(encoding="utf-8")
    for local in {str(ROOT), str(Path.home()), sys.prefix}:
        assert local not in text, f"{ex.rel(path)} contains the local path {local}"
    found = re.search(r"(?<![\w.])/(?:home|root|tmp|Users|work)/|[A-Z]:\\\\", text)
    assert not found, f"{ex.rel(path)} contains an absolute path near {found.group()!r}"


def test_widget_cells_keep_a_readable_text_fallback(notebook):
    """Without a kernel (GitHub, nbconvert, a closed notebook) a widget shows its text/plain.
    That must be what the widget says, not ipywidgets' repr of its parts."""
    path, nb = notebook
    for cell in code_cells(nb):
        if re.search(
            r"widgets\.(LiveChecker|ScenarioPicker|RequestQuiz|ReplyTimer)\(", cell.source
        ):
            shown = [output_text(out) for out in cell.outputs if out.output_type != "stream"]
            assert shown, f"{ex.rel(path)}: widget cell {cell.id} stored no display"
            for text in shown:
                assert not re.match(r"\w+\((children|value|layout)=", text), text[:80]
                assert len(text.splitlines()) > 1, f"{ex.rel(path)}: {text!r} is no summary"


# ---------------------------------------------------------------- what the course teaches


def test_every_notebook_credits_the_source(notebook):
    path, nb = notebook
    first = nb.cells[0].source
    for words in ("September 2023", "Amy Volas", "The Undercover Recruiter"):
        assert words in first, f"{ex.rel(path)}: the first cell does not credit {words!r}"


def test_each_rule_is_named_with_its_code_where_it_is_taught(notebook):
    path, nb = notebook
    text = all_text(nb)
    for rule in cw.RULES.values():
        if rule.lesson == path.name:
            assert f"`{rule.name}`" in text, f"{ex.rel(path)} never names `{rule.name}`"
            assert rule.code in text, f"{ex.rel(path)} never shows {rule.code}"


def test_rule_names_in_the_prose_are_the_registry_names(notebook):
    path, nb = notebook
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    # Hyphenated words of two letters or more per part, like `motive-upfront` (and not the
    # disguised `g-u-a-r-a-n-t-e-e-d` that notebook 8 quotes).
    for name in re.findall(r"`([a-z]{2,}(?:-[a-z]{2,})+)`", prose):
        assert name in cw.RULES, f"{ex.rel(path)} names `{name}`, which is not a rule"


def test_every_example_note_is_checked_in_a_visible_cell(notebook):
    path, nb = notebook
    outputs = "\n".join(output_text(o) for c in code_cells(nb) for o in c.outputs)
    stem = path.stem
    ids = [e.id for e in data.lesson_examples(stem)] if stem in data.lesson_stems() else []
    for example_id in ids:
        assert example_id in outputs, f"{ex.rel(path)} never shows example {example_id}"
    quiz_set = {"02_why_strangers_connect": "incoming", "08_spam_and_canned": "triage"}.get(stem)
    if quiz_set:
        # The quiz's answer key is there, folded behind its button until the quiz is done.
        pages = "\n".join(html_outputs(nb))
        assert "<details><summary>Show the answer key</summary>" in pages
        for item in data.quiz(quiz_set):
            assert html.escape(item.message) in pages, f"{ex.rel(path)}: key lacks {item.id}"
        assert "hidden" in outputs
    if ids:
        assert (
            # a report's "✓ pass ..." line, or an example card's "personalised ✓ pass: ..."
            re.search(r"^\s*([a-z-]+ )?[✓✗–] (pass|fail|n/a)", outputs, re.M)
            or "rules that fail" in outputs
        )


def test_lessons_with_examples_have_a_notebook():
    assert set(data.lesson_stems()) <= set(COURSE_STEMS)


# ---------------------------------------------------------------- learner text in HTML


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def learner_strings(nb: Any) -> set[str]:
    """Text a learner or the course data puts into notes: data files and literals in cells."""
    found = set(_strings([data.load("lessons"), data.load("profiles"), data.load("quiz")]))
    for cell in code_cells(nb):
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return {s for s in found if re.search(r"[<>&]", s)}


def windows(text: str) -> list[str]:
    """A short stretch of text around each character that HTML would have to escape."""
    return [text[max(0, m.start() - 12) : m.end() + 12] for m in re.finditer(r"[<>&]", text)]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "iframe", "object", "embed", "form", "input"}:
            self.bad.append(tag)
        self.bad += [f"{tag} {name}=" for name, _ in attrs if name.startswith("on")]


def test_learner_text_in_html_outputs_is_escaped(notebook):
    path, nb = notebook
    pieces = [w for s in learner_strings(nb) for w in windows(s)]
    for shown in html_outputs(nb):
        for piece in pieces:
            assert piece not in shown, f"{ex.rel(path)}: {piece!r} reaches HTML unescaped"
        parser = _Tags()
        parser.feed(shown)
        assert not parser.bad, f"{ex.rel(path)}: HTML output contains {parser.bad}"


def test_the_escaping_check_has_learner_markup_to_look_at():
    """Guard for the test above: at least one note with '&' is shown as HTML, escaped."""
    shown_escaped = [
        piece
        for path in PATHS
        for nb in [read(path)]
        for piece in (w for s in learner_strings(nb) for w in windows(s))
        for out in html_outputs(nb)
        if html.escape(piece) in out or html.escape(piece, quote=False) in out
    ]
    assert shown_escaped


# ---------------------------------------------------------------- up to date with the rules


def test_sanitize_file_masks_noise_and_keeps_verdicts():
    patterns = ex.sanitize_patterns()
    assert patterns, "course/nbval_sanitize.cfg has no regex/replace pairs"

    def clean(text: str) -> str:
        for regex, replace in patterns:
            text = re.sub(regex, replace, text)
        return text

    assert clean("<Foo object at 0x7f3a2c1d0e50>") == clean("<Foo object at 0x7f00deadbeef>")
    verdict = "✗ fail CW008 fits-limit: The note is 286 characters; a free account allows 200"
    assert clean(verdict) == verdict


def test_a_changed_output_is_reported_as_stale():
    nb = read(ex.COURSE / "03_not_blank.ipynb")
    changed = copy.deepcopy(nb)
    out = next(o for c in code_cells(changed) for o in c.outputs if "✗ fail" in output_text(o))
    if out.output_type == "stream":
        out.text = out.text.replace("✗ fail", "✓ pass", 1)
    else:
        out.data["text/plain"] = out.data["text/plain"].replace("✗ fail", "✓ pass", 1)
    assert ex.differences(nb, nb, ex.sanitize_patterns()) == []
    assert ex.differences(nb, changed, ex.sanitize_patterns())


def test_a_notebook_saved_by_jupyterlab_is_not_clean():
    nb = read(ex.COURSE / "03_not_blank.ipynb")
    assert not ex._unclean(nb)
    saved = copy.deepcopy(nb)
    saved.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    saved.metadata["language_info"]["version"] = "3.11.9"
    assert ex._unclean(saved)


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_stored_outputs_match_a_fresh_run(path: Path, tmp_path: Path):
    """Re-execute a copy (all nine take about ten seconds) and compare, sanitized as nbval does."""
    copy_path = tmp_path / path.name
    copy_path.write_bytes(path.read_bytes())
    fresh = ex.execute(copy_path).notebook
    changed = ex.differences(read(path), fresh, ex.sanitize_patterns())
    assert not changed, "\n".join([STALE.format(ex.rel(path)), *changed])


def test_a_failing_cell_is_reported_in_one_line(tmp_path: Path):
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell("x = 1"), new_code_cell("1 / 0")])
    path = tmp_path / "broken.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(ex.NotebookFailed) as failure:
        ex.execute(path)
    assert str(failure.value).endswith(
        "broken.ipynb: code cell 2: ZeroDivisionError: division by zero"
    )


LESSON_EXERCISE = {
    "03_not_blank": "01_not_blank",
    "04_personalised": "02_personalised",
    "05_explains_fit": "03_explains_fit",
    "06_prompt_reply": "04_prompt_reply",
    "07_motive_upfront": "05_motive_upfront",
    "08_spam_and_canned": "06_triage",
    "09_message_workshop": "07_capstone",
    "10_recruiter_outreach": "08_recruiter",
}


@pytest.mark.parametrize(("lesson", "exercise"), LESSON_EXERCISE.items())
def test_each_lesson_links_its_exercise_and_each_exercise_says_what_comes_next(lesson, exercise):
    prose = "\n".join(c.source for c in nbformat.read(ROOT / "course" / f"{lesson}.ipynb", 4).cells)
    target = f"../exercises/{exercise}/{exercise}.ipynb"
    assert f"]({target})" in prose, f"{lesson} does not link {target}"
    assert (ROOT / "course" / target).resolve().is_file()
    released = nbformat.read(ROOT / "exercises" / exercise / f"{exercise}.ipynb", 4)
    last = [c for c in released.cells if c.cell_type == "markdown"][-1].source
    assert last.startswith("## What comes next"), exercise
    intro = released.cells[0].source
    assert f"The lesson for this exercise is `course/{lesson}.ipynb`" in intro, exercise


def test_lessons_show_examples_as_cards_not_print_loops(notebook):
    # A recruiter who does not code should not have to read past a loop to see the examples.
    path, nb = notebook
    for cell in code_cells(nb):
        assert "for example in" not in cell.source, f"{path.name}: a loop over examples"
        assert len(cell.source.splitlines()) <= 6, f"{path.name}: a long code cell\n{cell.source}"
