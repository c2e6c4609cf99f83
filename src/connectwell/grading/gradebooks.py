"""Where nbgrader's gradebook lives: a SQLite file (one machine, the default) or a database
server such as PostgreSQL (a JupyterHub with several instructors; nbgrader's FAQ says so).

`connectwell grade` treats them differently: a SQLite file takes one writer at a time, so
workers grade into private snapshots and the parent merges; a server takes many, so workers
write to it directly. Everything else (reports, checks, messages) goes through here, so that
both read alike and no message ever shows a password.

Heavy imports (SQLAlchemy) happen inside the functions that use them.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

CONNECT_TIMEOUT = 10  # s to reach a database server before saying it cannot be reached


# sqlite[+driver]:///PATH[?options]: PATH is relative, or absolute when it starts with "/"
# (sqlite:////abs/path). Not sqlite:// alone: an in-memory database, not a file.
_SQLITE_URL = re.compile(r"sqlite(?:\+\w+)?:///(?P<path>[^?]+)(?:\?.*)?", re.DOTALL)


class GradebookError(Exception):
    """The gradebook cannot be used; the message is the one line to show."""


@dataclass(frozen=True)
class GradebookDB:
    """nbgrader's `db_url`, and what connectwell needs to know about it."""

    url: str

    @property
    def file(self) -> Path | None:
        """The file of a SQLite URL; None for a database server.

        Read as SQLAlchemy reads it (sqlalchemy.engine.make_url, not imported here: it is
        heavy), so that every URL nbgrader accepts for a SQLite file is treated as one: with a
        driver (sqlite+pysqlite:///), with options after `?` (?timeout=30), with %-escapes.
        Taken for a server, a SQLite file would get several writers at once."""
        m = _SQLITE_URL.fullmatch(self.url)
        return Path(unquote(m["path"])) if m else None

    @property
    def shown(self) -> str:
        """For messages: a SQLite file's name; a server's URL with the password hidden."""
        if self.file is not None:
            return self.file.name
        from sqlalchemy.engine import make_url

        try:
            return make_url(self.url).render_as_string(hide_password=True)
        except Exception:  # not even a URL: show no part that could be a secret
            return self.url.split("://", 1)[0] + "://…"

    def problem(self, exc: BaseException) -> str:
        """One line saying what is wrong with the gradebook and what to do."""
        text = str(exc)
        first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
        if "locked" in text:
            return (
                f"{self.shown} is locked by another program (formgrader, nbgrader, a database "
                "shell?); close it or wait for it to finish, then run this again"
            )
        if self.file is None and _unreachable(text):
            return (
                f"cannot reach the gradebook database {self.shown} ({_without_url(first)}); "
                "start the database server or correct nbgrader's db_url, then run this again"
            )
        return f"{self.shown} cannot be used ({_without_url(first)})"

    @contextlib.contextmanager
    def connect(self, timeout: float = CONNECT_TIMEOUT, read_only: bool = True) -> Iterator[Any]:
        """A DB-API-like connection with .execute(sql) -> rows; GradebookError if it fails."""
        db = self.file
        if db is not None:
            try:
                if read_only:
                    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=timeout)
                else:
                    con = sqlite3.connect(db, timeout=timeout)
            except sqlite3.Error as exc:
                raise GradebookError(self.problem(exc)) from None
            with contextlib.closing(con):
                yield _Sqlite(self, con)
            return
        from sqlalchemy import create_engine
        from sqlalchemy.exc import SQLAlchemyError
        from sqlalchemy.pool import NullPool

        try:
            engine = create_engine(
                self.url,
                poolclass=NullPool,
                connect_args=_connect_args(self.url, timeout),
            )
            con = engine.connect()
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise GradebookError(self.problem(exc)) from None
        try:
            yield _Server(self, con)
        finally:
            con.close()
            engine.dispose()

    def assignments(self, timeout: float = CONNECT_TIMEOUT) -> list[str]:
        with self.connect(timeout) as con:
            return sorted(row[0] for row in con.execute("SELECT name FROM assignment"))

    def check_writable(self, timeout: float) -> None:
        """A SQLite file's write lock taken and dropped, so that a held gradebook stops a run
        before any grading; a server is only reached (it has no single write lock)."""
        with self.connect(timeout, read_only=False) as con:
            if self.file is not None:
                con.raw.isolation_level = None
                con.execute("BEGIN IMMEDIATE")
                con.execute("ROLLBACK")

    def state(self) -> dict[str, Any]:
        """Everything the gradebook says about learners and their grades, without nbgrader's
        random row ids, in plain values: two gradebooks graded alike compare equal, on SQLite
        or a server. For tests and the benchmark."""
        with self.connect(30) as con:
            grades = con.execute(
                "SELECT sa.student_id, a.name, nb.name, bc.name, g.auto_score, g.manual_score, "
                "g.extra_credit, g.needs_manual_grade FROM grade g" + _CELL_OF.format(t="g")
            )
            comments = con.execute(
                "SELECT sa.student_id, a.name, nb.name, bc.name, c.auto_comment, "
                "c.manual_comment FROM comment c" + _CELL_OF.format(t="c")
            )
            submissions = con.execute(
                """SELECT sa.student_id, a.name, sa.timestamp, sa.extension, nb.name,
                          sn.flagged, sn.late_submission_penalty
                   FROM submitted_notebook sn JOIN submitted_assignment sa
                        ON sn.assignment_id = sa.id
                   JOIN assignment a ON sa.assignment_id = a.id
                   JOIN notebook nb ON sn.notebook_id = nb.id"""
            )
            students = con.execute(
                "SELECT id, first_name, last_name, email, lms_user_id FROM student"
            )
            courses = con.execute("SELECT id FROM course")
        return {
            "grades": _rows(grades),
            "comments": _rows(comments),
            "submissions": _rows(submissions),
            "students": _rows(students),
            "courses": _rows(courses),
        }


# From a grade or comment row (alias t) to its learner, assignment, notebook and cell.
_CELL_OF = """
    JOIN submitted_notebook sn ON {t}.notebook_id = sn.id
    JOIN submitted_assignment sa ON sn.assignment_id = sa.id
    JOIN assignment a ON sa.assignment_id = a.id
    JOIN notebook nb ON sn.notebook_id = nb.id
    JOIN base_cell bc ON {t}.cell_id = bc.id"""


def _plain(value: Any) -> Any:
    """One form for what SQLite and a server return differently (1 or True, a timestamp as
    text or as a datetime)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            if len(value) >= 19 and value[4] == "-" and value[10] in " T":
                return datetime.fromisoformat(value)
    return value


def _rows(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return sorted((tuple(_plain(v) for v in row) for row in rows), key=repr)


class _Sqlite:
    def __init__(self, gradebook: GradebookDB, con: sqlite3.Connection) -> None:
        self.gradebook, self.raw = gradebook, con

    def execute(self, sql: str) -> list[tuple[Any, ...]]:
        try:
            return self.raw.execute(sql).fetchall()
        except sqlite3.Error as exc:
            raise GradebookError(_missing_tables(self.gradebook, exc)) from None


class _Server:
    def __init__(self, gradebook: GradebookDB, con: Any) -> None:
        self.gradebook, self.raw = gradebook, con

    def execute(self, sql: str) -> list[tuple[Any, ...]]:
        from sqlalchemy import text
        from sqlalchemy.exc import SQLAlchemyError

        try:
            return [tuple(row) for row in self.raw.execute(text(sql)).fetchall()]
        except SQLAlchemyError as exc:
            self.raw.rollback()
            raise GradebookError(_missing_tables(self.gradebook, exc)) from None


def _missing_tables(gradebook: GradebookDB, exc: BaseException) -> str:
    text = str(exc)
    if "no such table" in text or "does not exist" in text:
        return (
            f"{gradebook.shown} has no nbgrader gradebook in it yet; create it with "
            "`nbgrader generate_assignment ASSIGNMENT`"
        )
    return gradebook.problem(exc)


def _unreachable(text: str) -> bool:
    lowered = text.lower()
    return any(
        sign in lowered
        for sign in (
            "connection refused",
            "could not connect",
            "connection failed",
            "timeout expired",
            "timed out",
            "could not translate host name",
            "name or service not known",
            "no route to host",
            "server closed the connection",
            "password authentication failed",
        )
    )


def _without_url(text: str) -> str:
    """A driver's message, minus SQLAlchemy's '(Background on this error at: URL)' tail."""
    return text.split("(Background on this error", 1)[0].strip()


def _connect_args(url: str, timeout: float) -> dict[str, Any]:
    # libpq's connect_timeout (psycopg and psycopg2); other servers keep their driver defaults.
    if url.startswith(("postgresql", "postgres")):
        return {"connect_timeout": max(1, round(timeout))}
    return {}
