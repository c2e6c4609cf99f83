"""What a grading run checks before it starts: the course folder, the gradebook, the learners
who submitted, and what to tell the instructor when nbgrader refuses a learner.
"""

from __future__ import annotations

import glob
import json
import os
import re
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from connectwell.grading.cohort.settings import CohortError
from connectwell.grading.gradebooks import GradebookDB, GradebookError

# ---------------------------------------------------------------- checking the course


def check_course(course: Path) -> Path:
    course = Path(course).expanduser().resolve()
    if not course.is_dir():
        raise CohortError(f"{course}: no such folder; give the course folder with --course")
    if not (course / "nbgrader_config.py").is_file():
        raise CohortError(
            f"{course} is not an nbgrader course (no nbgrader_config.py); run this in the "
            "course folder or give it with --course"
        )
    return course


def check_gradebook(coursedir: Any, assignment: str, timeout: float) -> None:
    """The course's gradebook must be reachable, writable now, and have the assignment in it
    (nbgrader generate_assignment puts it there)."""
    gradebook = GradebookDB(coursedir.db_url)
    source = Path(coursedir.format_path(coursedir.source_directory, ".", assignment))
    if gradebook.file is not None and not gradebook.file.is_file():
        raise CohortError(
            f"no gradebook ({gradebook.shown}) in {Path(coursedir.root)}; create it with "
            f"`nbgrader generate_assignment {assignment}`"
        )
    try:
        known = gradebook.assignments(timeout)
        gradebook.check_writable(timeout)
    except GradebookError as exc:
        raise CohortError(f"{exc}; nothing was graded") from None
    if assignment in known:
        return
    if source.is_dir():
        raise CohortError(
            f"{assignment} is not in the gradebook yet; run "
            f"`nbgrader generate_assignment {assignment}` first"
        )
    raise CohortError(
        f"no assignment named {assignment!r}; the gradebook has: {', '.join(known) or 'none'}"
    )


def add_shared_rows(db_url: str, course_id: str, learners: list[str]) -> None:
    """On a database server several workers, and other instructors' runs, write at once.
    nbgrader adds some rows the first time it needs them (the course ids it opens the gradebook
    with, each learner); two processes adding the same row at the same moment make one fail
    with a duplicate key. So add them before grading, as the first grading would, retrying
    when another run adds one at the same moment."""
    from nbgrader.api import Gradebook, InvalidEntry
    from sqlalchemy.exc import IntegrityError, OperationalError

    for attempt in range(10):
        try:
            with Gradebook(db_url):  # SaveAutoGrades opens it without a course id
                pass
            with Gradebook(db_url, course_id) as gb:
                for sid in learners:
                    gb.update_or_create_student(sid)
            return
        except (IntegrityError, InvalidEntry):
            if attempt == 9:
                raise
            time.sleep(0.1 * (attempt + 1))  # the row is there on the next try
        except OperationalError as exc:
            raise CohortError(f"{GradebookDB(db_url).problem(exc)}; nothing was graded") from None


def submitted_learners(coursedir: Any, assignment: str) -> list[str]:
    """Every learner with a submission folder for the assignment, sorted."""
    step = coursedir.submitted_directory
    pattern = coursedir.format_path(step, "*", glob.escape(assignment))
    regex = coursedir.format_path(step, "(?P<student>[^/]+)", re.escape(assignment), escape=True)
    found = []
    for path in glob.glob(pattern):
        m = re.fullmatch(regex, path)
        if m and os.path.isdir(path):
            found.append(m["student"])
    return sorted(found)


def _timestamp(folder: Path) -> datetime | None:
    from nbgrader.utils import parse_utc

    stamp = folder / "timestamp.txt"
    try:
        text = stamp.read_text(encoding="utf-8").strip()
        return parse_utc(text) if text else None
    except (OSError, ValueError):
        return None


def plan(
    coursedir: Any, assignment: str, learners: list[str], force: bool
) -> tuple[list[str], list[str]]:
    """(to grade, already graded): nbgrader's rule, so a rerun after a kill picks up where
    it stopped. A learner is regraded with --force, or when the submission is newer."""
    todo, skipped = [], []
    for sid in learners:
        dest = Path(coursedir.format_path(coursedir.autograded_directory, sid, assignment))
        src = Path(coursedir.format_path(coursedir.submitted_directory, sid, assignment))
        if not dest.exists() or force:
            todo.append(sid)
            continue
        new, old = _timestamp(src), _timestamp(dest)
        (todo if new is not None and old is not None and new > old else skipped).append(sid)
    return todo, skipped


def diagnose(coursedir: Any, assignment: str, sid: str, nbgrader_says: str) -> str:
    """Why a learner could not be graded, in words an instructor can act on."""
    folder = Path(coursedir.format_path(coursedir.submitted_directory, sid, assignment))
    rel = os.path.relpath(folder, coursedir.root)
    notebooks = sorted(folder.glob("*.ipynb"))
    if not notebooks:
        return f"{rel}/ holds no notebook; ask {sid} to submit {assignment}.ipynb"
    for nb in notebooks:
        where = os.path.relpath(nb, coursedir.root)
        try:
            doc = json.loads(nb.read_bytes().decode("utf-8"))
        except (ValueError, OSError) as exc:
            return f"{where} is not a readable notebook ({exc}); ask {sid} to submit it again"
        if not isinstance(doc, dict) or not isinstance(doc.get("cells"), list):
            return f"{where} is JSON but not a Jupyter notebook; ask {sid} to submit it again"
    return f"nbgrader could not grade it: {nbgrader_says or 'no reason given'} (see the log)"
