"""The one gradebook writer: merges what a worker's private gradebook recorded for a learner into
the course's gradebook, in one transaction. Called by the run for each graded learner.
"""

from __future__ import annotations

import time
import warnings
from datetime import datetime
from typing import Any

from connectwell.grading.gradebooks import GradebookDB

# ---------------------------------------------------------------- the one gradebook writer


class GradebookGone(Exception):
    """The gradebook stopped taking writes mid-run (locked, or its server went away); the
    message is the one line to show."""


def merge(gb: Any, assignment: str, sid: str, record: dict[str, Any], graded: bool = True) -> bool:
    """Write what autograde wrote in a worker's gradebook for `sid` into `gb`: the fields
    nbgrader's Autograde sets, and nothing a grader may have set by hand.

    The worker's gradebook is a snapshot taken when it started, possibly long ago, so only what
    this grading wrote is in `record` (cohort_worker.Worker.record): a row it did not write
    keeps whatever the real gradebook holds now. Where nbgrader decided needs_manual_grade from
    the snapshot's manual score (None in the record), it is decided again here, by nbgrader's
    rule, from the manual score a grader may have entered since.

    A learner whose grading failed (`graded` False) gets a submission only if they had none, as
    nbgrader makes it before grading; one they had, from an earlier grading, is left as it is.
    Returns True when earlier scores were kept that way."""
    from nbgrader.api import MissingEntry

    gb.update_or_create_student(sid)
    try:
        sub = gb.find_submission(assignment, sid)
    except MissingEntry:
        sub = gb.add_submission(assignment, sid)
        existed = False
    else:
        existed = True
    if not graded:
        kept = existed and any(
            g.auto_score is not None or g.manual_score is not None
            for nb in sub.notebooks
            for g in nb.grades
        )
        if not existed and record["timestamp"]:
            sub.timestamp = datetime.fromisoformat(record["timestamp"])
        gb.db.commit()
        return kept
    if record["timestamp"]:  # None: the submission has no timestamp file; nbgrader sets none
        sub.timestamp = datetime.fromisoformat(record["timestamp"])
    for nb in sub.notebooks:
        data = record["notebooks"].get(nb.name)
        if data is None:
            continue
        if "late_submission_penalty" in data:
            nb.late_submission_penalty = data["late_submission_penalty"]
        graded_cells = {c.id: c.name for c in (*nb.notebook.grade_cells, *nb.notebook.task_cells)}
        for grade in nb.grades:
            written = data["grades"].get(graded_cells[grade.cell_id])
            if written is None:
                continue
            auto, needs = written
            grade.auto_score = auto
            if needs is None:  # SaveAutoGrades' rule, with the real gradebook's manual score
                needs = grade.manual_score is not None or auto is None
            grade.needs_manual_grade = needs
        answers = {c.id: c.name for c in (*nb.notebook.solution_cells, *nb.notebook.task_cells)}
        for comment in nb.comments:
            name = answers[comment.cell_id]
            if name in data["comments"]:
                comment.auto_comment = data["comments"][name]
    gb.db.commit()
    return False


class Writer:
    """The main gradebook, opened once, written one learner per transaction."""

    def __init__(self, db_url: str, course_id: str, lock_timeout: float) -> None:
        from nbgrader.api import Gradebook

        self.lock_timeout = lock_timeout
        self.gradebook = GradebookDB(db_url)
        # As autograde opens it: with the course id (Autograde) and without (SaveAutoGrades),
        # each of which adds its course row if missing.
        with Gradebook(db_url):
            pass
        self.gb = Gradebook(db_url, course_id)

    def merge(self, assignment: str, sid: str, record: dict[str, Any], graded: bool = True) -> bool:
        """merge(), retried while the gradebook is locked; GradebookGone when it stays so."""
        from sqlalchemy.exc import OperationalError, SAWarning

        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                with warnings.catch_warnings():
                    # nbgrader's add_submission trips SQLAlchemy's autoflush warnings; they
                    # say nothing about the grades.
                    warnings.simplefilter("ignore", SAWarning)
                    return merge(self.gb, assignment, sid, record, graded)
            except OperationalError as exc:
                self.gb.db.rollback()
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise GradebookGone(self.gradebook.problem(exc)) from None
                time.sleep(0.5)

    def close(self) -> None:
        self.gb.close()
