"""connectwell grade's workers check metadata and open gradebooks faster than nbgrader does;
what they decide must be what nbgrader's own code decides. (That the gradebook a whole cohort
run leaves equals sequential nbgrader's is tests/test_cohort.py's.)"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.api import Course, Gradebook
from nbgrader.converters import Autograde
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.nbgraderformat.common import SchemaMismatchError
from nbgrader.preprocessors import CheckCellMetadata
from traitlets.config import Config

from connectwell.grading.cohort.speedups import (
    CompiledCheckCellMetadata,
    compiled_output_validation,
    compiled_validator,
    shared_gradebook_engine,
    use_compiled_metadata_check,
    validate_once,
)

GOOD = {"grade": True, "grade_id": "q1", "locked": False, "points": 2, "schema_version": 3,
        "solution": False, "task": False}  # fmt: skip

METADATA = [
    GOOD,
    {**GOOD, "points": "two"},  # wrong type
    {**GOOD, "grade_id": 7},
    {k: v for k, v in GOOD.items() if k != "grade_id"},  # a required key missing
    {**GOOD, "schema_version": 1},  # too old
    {**GOOD, "schema_version": 9},  # too new
    {k: v for k, v in GOOD.items() if k != "schema_version"},  # version 0
    {**GOOD, "solution": "yes", "locked": None},  # two errors: the same one must be named
]


def _verdict(validator: Any, meta: dict[str, Any]) -> tuple[str, str]:
    cell = new_code_cell("x = 1", metadata={"nbgrader": dict(meta)})
    try:
        validator.validate_cell(cell)
    except (ValidationError, SchemaMismatchError) as exc:
        return type(exc).__name__, str(exc)
    return "valid", ""


@pytest.mark.parametrize("meta", METADATA)
def test_the_compiled_check_says_what_nbgraders_says(meta: dict[str, Any]) -> None:
    assert type(compiled_validator()).__mro__[1] is MetadataValidator
    assert _verdict(compiled_validator(), meta) == _verdict(MetadataValidator(), meta)


def test_a_notebook_with_bad_metadata_still_fails_the_check() -> None:
    nb = new_notebook(cells=[new_code_cell("x", metadata={"nbgrader": {**GOOD, "points": "x"}})])
    with pytest.raises(ValidationError, match="nbgrader metadata may be corrupted"):
        CompiledCheckCellMetadata().preprocess(nb, {})
    nb.cells[0].metadata.nbgrader.points = 2
    assert CompiledCheckCellMetadata().preprocess(nb, {})[0] is nb
    # and nbgrader's own module is left as it was
    import nbgrader.preprocessors.checkcellmetadata as stock

    assert stock.MetadataValidator is MetadataValidator


def test_the_course_configuration_gets_the_compiled_check_and_keeps_its_own_steps() -> None:
    config = Config()
    steps = list(Autograde.autograde_preprocessors.default())
    steps.insert(2, "connectwell.grading.preprocessors.TrustedChecks")
    config.Autograde.autograde_preprocessors = steps
    use_compiled_metadata_check(config)
    for name in ("sanitize_preprocessors", "autograde_preprocessors"):
        new = config.Autograde[name]
        assert CheckCellMetadata not in new and CompiledCheckCellMetadata in new
    assert (
        "connectwell.grading.preprocessors.TrustedChecks"
        in config.Autograde.autograde_preprocessors
    )
    assert len(config.Autograde.autograde_preprocessors) == len(steps)


def test_gradebooks_on_a_workers_snapshot_share_one_engine_and_see_each_others_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # nbgrader runs `alembic` from PATH when it creates a gradebook, as the worker arranges
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    url = f"sqlite:///{tmp_path / 'snapshot.db'}"
    other = f"sqlite:///{tmp_path / 'other.db'}"
    with shared_gradebook_engine(url):
        with Gradebook(url) as gb:
            gb.add_student("ada")
            engine = gb.engine
        with Gradebook(url) as gb:
            assert gb.engine is engine
            assert [s.id for s in gb.students] == ["ada"]
            gb.add_student("grace")
        with Gradebook(url, course_id="another") as gb:
            assert gb.db.get(Course, "another") is not None
        with Gradebook(other) as gb:
            assert gb.engine is not engine
            assert gb.students == []
    # outside, nbgrader's own Gradebook again: it sees what was written inside
    with Gradebook(url) as gb:
        assert gb.engine is not engine
        assert sorted(s.id for s in gb.students) == ["ada", "grace"]


OUTPUTS = [
    {"output_type": "stream", "name": "stdout", "text": "hi\n"},
    {"output_type": "stream", "name": "stdin", "text": "hi"},  # no such stream
    {"output_type": "display_data", "data": {"text/plain": "x"}, "metadata": {}},
    {"output_type": "display_data", "data": {"text/plain": 7}, "metadata": {}},  # not text
    {"output_type": "execute_result", "data": {}, "metadata": {}, "execution_count": 3},
    {"output_type": "execute_result", "data": {}, "metadata": {}},  # no execution_count
    {"output_type": "error", "ename": "E", "evalue": "v", "traceback": ["t"]},
    {"output_type": "error", "ename": "E"},
    {"output_type": "forged", "data": {}},
]


def _made(output: dict[str, Any]) -> str:
    import nbformat.v4

    try:
        nbformat.v4.nbbase.validate(nbformat.from_dict(output), "output")
    except ValidationError as exc:
        return f"{type(exc).__name__}: {exc}"
    return "valid"


@pytest.mark.parametrize("output", OUTPUTS)
def test_the_compiled_output_check_says_what_nbformats_says(output: dict[str, Any]) -> None:
    plain = _made(output)
    with compiled_output_validation():
        assert _made(output) == plain
    import nbformat.v4.nbbase as nbbase

    assert nbbase.validate.__module__ == "nbformat.v4.nbbase"  # restored


def test_a_notebook_left_invalid_still_fails_when_validated_once() -> None:
    from nbconvert.exporters import NotebookExporter
    from nbconvert.preprocessors import Preprocessor

    class Breaks(Preprocessor):
        def preprocess(self, nb, resources):  # type: ignore[no-untyped-def]
            nb.cells[0]["outputs"] = [{"output_type": "forged"}]
            return nb, resources

    config = Config()
    validate_once(config)
    exporter = NotebookExporter(config=config)
    assert exporter.optimistic_validation
    exporter.register_preprocessor(Breaks, enabled=True)
    with pytest.raises(nbformat.ValidationError):
        exporter.from_notebook_node(new_notebook(cells=[new_code_cell("1")]))
