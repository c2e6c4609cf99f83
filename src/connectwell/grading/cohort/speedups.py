"""Two costs that nbgrader pays per notebook and `connectwell grade`'s workers pay once: used by
the cohort workers (worker.py) only, never by plain `nbgrader autograde`. Both leave every result as
nbgrader's own code would make it (tests/test_worker_speedups.py).

CompiledCheckCellMetadata  nbgrader's CheckCellMetadata validates each cell's nbgrader metadata
                 with `jsonschema.validate`, which checks the schema itself against the
                 meta-schema on every call: about 4 ms a cell, a quarter of a second for the
                 capstone, twice per notebook. This compiles the validator once per process.
shared_gradebook_engine  every nbgrader preprocessor opens its own `Gradebook`, which makes a new
                 database engine and asks the database whether each of its tables exists:
                 about a dozen times per notebook. A worker's SQLite snapshot belongs to that
                 worker alone, so there the engine is made, and the tables checked, once, and
                 commits do not wait for the disk: the parent merges what matters.
validate_once    nbconvert checks the whole notebook against nbformat's schema after each of
                 Autograde's fifteen steps; its own option `optimistic_validation` checks it
                 once, after the last. A notebook a step left invalid still fails, with
                 nbconvert's error; only which step did it goes unnamed.
compiled_output_validation  every output a kernel sends is checked against nbformat's schema
                 for outputs as it is made (nbformat.v4.new_output); nbformat does that part
                 with jsonschema, building the check each time. This uses fastjsonschema,
                 compiled once, and hands anything it rejects to nbformat's own check, so an
                 invalid output fails with nbformat's own error.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

from nbformat import NotebookNode
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.nbgraderformat.common import (
    BaseMetadataValidator,
    SchemaTooNewError,
    SchemaTooOldError,
)
from nbgrader.preprocessors import CheckCellMetadata


class _CompiledSchema(BaseMetadataValidator):
    """nbgrader's base validate_cell, with a jsonschema validator built once."""

    def __init__(self) -> None:
        super().__init__()
        import jsonschema

        cls = jsonschema.validators.validator_for(self.schema)
        cls.check_schema(self.schema)  # what jsonschema.validate does on every call
        self._validator = cls(self.schema)
        self._best_match = jsonschema.exceptions.best_match

    def validate_cell(self, cell: NotebookNode) -> None:
        # nbgrader.nbgraderformat.common.BaseMetadataValidator.validate_cell, with the
        # compiled validator: the same errors, raised the same way.
        if "nbgrader" not in cell.metadata:
            return
        version = cell.metadata["nbgrader"].get("schema_version", 0)
        if version < self.schema_version:
            raise SchemaTooOldError(
                f"Outdated schema version: {version} (expected {self.schema_version})",
                version,
                self.schema_version,
            )
        if version > self.schema_version:
            raise SchemaTooNewError(
                f"Schema version is too new: {version} (expected {self.schema_version})",
                version,
                self.schema_version,
            )
        error = self._best_match(self._validator.iter_errors(cell.metadata["nbgrader"]))
        if error is not None:
            raise error


class _CompiledValidator(MetadataValidator, _CompiledSchema):
    """nbgrader's current MetadataValidator. Its validate_cell adds its own checks and then
    calls the base one, which the method order makes _CompiledSchema's."""


@functools.cache
def compiled_validator() -> _CompiledValidator:
    return _CompiledValidator()


class CompiledCheckCellMetadata(CheckCellMetadata):
    """CheckCellMetadata with a validator compiled once per process."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        import nbgrader.preprocessors.checkcellmetadata as stock

        # The stock preprocess, its messages and errors, with the compiled validator in place
        # of a fresh MetadataValidator.
        original = stock.MetadataValidator
        stock.MetadataValidator = compiled_validator  # type: ignore[misc,assignment]
        try:
            return super().preprocess(nb, resources)
        finally:
            stock.MetadataValidator = original  # type: ignore[misc]


def use_compiled_metadata_check(config: Any) -> None:
    """Swap CheckCellMetadata for CompiledCheckCellMetadata in Autograde's preprocessor lists of
    an nbgrader configuration (the course's, as loaded by the worker)."""
    from nbgrader.converters import Autograde

    for name in ("sanitize_preprocessors", "autograde_preprocessors"):
        steps = config.Autograde.get(name) or getattr(Autograde, name).default()
        config.Autograde[name] = [
            CompiledCheckCellMetadata if _is_stock_check(step) else step for step in steps
        ]


def validate_once(config: Any) -> None:
    config.Exporter.optimistic_validation = True


def _is_stock_check(step: Any) -> bool:
    return step is CheckCellMetadata or step in (
        "nbgrader.preprocessors.CheckCellMetadata",
        "nbgrader.preprocessors.checkcellmetadata.CheckCellMetadata",
    )


def _no_sync(connection: Any, record: Any) -> None:
    connection.execute("PRAGMA synchronous=OFF")


@contextlib.contextmanager
def shared_gradebook_engine(db_url: str) -> Iterator[None]:
    """While open, every nbgrader `Gradebook(db_url)` in this process shares one engine, and
    the tables and the course row are checked once. Only for a database that nothing else
    changes meanwhile: a worker's own SQLite snapshot. Other URLs are opened as nbgrader does."""
    from nbgrader.api import Gradebook
    from sqlalchemy import event
    from sqlalchemy.orm import scoped_session, sessionmaker

    original_init, original_close = Gradebook.__init__, Gradebook.close
    engine: Any = None
    checked: set[str] = set()

    def init(
        self: Gradebook,
        url: str,
        course_id: str = "default_course",
        authenticator: Any = None,
    ) -> None:
        nonlocal engine
        if url != db_url:
            original_init(self, url, course_id, authenticator)
            return
        if engine is None:
            original_init(self, url, course_id, authenticator)  # creates missing tables
            engine = self.engine
            if engine.dialect.name == "sqlite":
                # A snapshot that is thrown away if the machine fails mid-run: commits need
                # not wait for the disk. Pooled connections are dropped so that all get it.
                engine.dispose()
                event.listen(engine, "connect", _no_sync)
            checked.add(course_id)
            self._shared = True
            return
        self.engine = engine
        self.db = scoped_session(sessionmaker(autoflush=True, bind=engine, future=True))
        if course_id not in checked:
            self.check_course(course_id=course_id)
            checked.add(course_id)
        self.course_id = course_id
        self.authenticator = authenticator
        self._shared = True

    def close(self: Gradebook) -> None:
        if getattr(self, "_shared", False):
            self.db.remove()  # the engine stays for the next Gradebook
        else:
            original_close(self)

    Gradebook.__init__ = init  # type: ignore[method-assign]
    Gradebook.close = close  # type: ignore[method-assign]
    try:
        yield
    finally:
        Gradebook.__init__ = original_init  # type: ignore[method-assign]
        Gradebook.close = original_close  # type: ignore[method-assign]
        if engine is not None:
            engine.dispose()


@functools.cache
def _compiled_definition(ref: str) -> Any:
    import fastjsonschema
    import nbformat.v4
    from nbformat.validator import _get_schema_json

    schema = _get_schema_json(nbformat.v4, version=4, version_minor=nbformat.v4.nbformat_minor)
    return fastjsonschema.compile({"$ref": f"#/definitions/{ref}", **schema})


@contextlib.contextmanager
def compiled_output_validation() -> Iterator[None]:
    """While open, nbformat.v4's per-node validation (new_output and friends) runs a compiled
    schema first; only what that rejects goes to nbformat's own, slower, check."""
    import fastjsonschema
    import nbformat.v4.nbbase as nbbase

    original = nbbase.validate

    def validate(node: Any, ref: str | None = None) -> Any:
        if ref is not None:
            try:
                _compiled_definition(ref)(node)
                return None
            except fastjsonschema.JsonSchemaException:
                pass
        return original(node, ref=ref)

    nbbase.validate = validate
    try:
        yield
    finally:
        nbbase.validate = original
