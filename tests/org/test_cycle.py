"""A cohort's whole cycle through nbgrader's exchange on the course's JupyterHub, as real
accounts: the instructor releases an assignment, three learners fetch, answer and submit it,
the instructor collects, grades with `connectwell grade` into the PostgreSQL gradebook and
releases feedback, and each learner fetches theirs. The scores in PostgreSQL are the ones the
same submissions get from stock nbgrader on SQLite."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
from conftest import ROOT, Hub, OrgUser, OrgUsers
from nbgrader_course import Course, grade_id, sqlite_state

from connectwell.grading.gradebooks import GradebookDB

AID = "05_motive_upfront"
COURSE = "connectwell"


def give(user: OrgUser, path: Path) -> None:
    for p in [path, *path.rglob("*")] if path.is_dir() else [path]:
        os.chown(p, user.uid, user.gid)


@pytest.fixture(scope="module")
def cycle(
    hub: Hub, org_users: OrgUsers, hub_exchange: Path, pg_new_db: Callable[..., str]
) -> dict[str, Any]:
    instructor = org_users.instructor
    clone = instructor.home / "cycle"  # the instructor's clone of the course repository
    clone.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", clone)
    for folder in ("solutions", "exercises"):
        shutil.copytree(ROOT / folder / AID, clone / folder / AID)
    give(instructor, clone)
    db_url = pg_new_db("cycle_gradebook")
    env = hub.nbgrader_env(instructor, hub.token_for(instructor), hub_exchange)
    env.update(CONNECTWELL_COURSE_ROOT=str(clone), CONNECTWELL_DB_URL=db_url)

    def instructor_runs(*argv: str) -> subprocess.CompletedProcess[str]:
        done = org_users.run_as(instructor, argv, cwd=clone, env=env, timeout=600)
        assert done.returncode == 0, f"{argv}: {done.stdout[-2000:]}{done.stderr[-3000:]}"
        return done

    instructor_runs("nbgrader", "generate_assignment", AID, "--force")
    instructor_runs("nbgrader", "release_assignment", AID)

    course = Course(clone)  # to write answers as learners would
    solutions = {
        grade_id(c): c.source
        for c in course.source(AID).cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    answers = {
        "full": course.solved(AID),
        "partial": course.answered(AID, dict(list(solutions.items())[:1])),
        "untouched": course.release(AID),
    }
    learners = dict(zip(answers, org_users.learners, strict=True))
    for kind, learner in learners.items():
        lenv = hub.nbgrader_env(learner, hub.token_for(learner), hub_exchange)
        fetched = org_users.run_as(learner, ["nbgrader", "fetch_assignment", AID], env=lenv)
        assert fetched.returncode == 0, fetched.stderr[-3000:]
        notebook = learner.home / COURSE / AID / f"{AID}.ipynb"
        assert notebook.is_file()
        nbformat.write(answers[kind], notebook)
        give(learner, notebook)
        sent = org_users.run_as(learner, ["nbgrader", "submit", AID], env=lenv)
        assert sent.returncode == 0, sent.stderr[-3000:]

    instructor_runs("nbgrader", "collect", AID)
    graded = instructor_runs("connectwell", "grade", AID)
    instructor_runs("nbgrader", "release_feedback", AID)
    fetched_feedback = {}
    for kind, learner in learners.items():
        lenv = hub.nbgrader_env(learner, hub.token_for(learner), hub_exchange)
        done = org_users.run_as(learner, ["nbgrader", "fetch_feedback", AID], env=lenv)
        assert done.returncode == 0, done.stderr[-3000:]
        fetched_feedback[kind] = sorted((learner.home / COURSE / AID / "feedback").rglob("*.html"))
    return {
        "clone": clone,
        "db_url": db_url,
        "learners": learners,
        "graded": graded,
        "feedback": fetched_feedback,
    }


def test_the_cohort_is_graded_into_postgresql_through_the_exchange(
    cycle: dict[str, Any],
) -> None:
    assert "graded 3 learner(s)" in cycle["graded"].stdout
    assert not (cycle["clone"] / "gradebook.db").exists()
    state = GradebookDB(cycle["db_url"]).state()
    scored = {row[0] for row in state["grades"]}
    assert scored == {learner.name for learner in cycle["learners"].values()}


def test_postgresql_has_the_scores_sqlite_gives_the_same_submissions(
    cycle: dict[str, Any], tmp_path: Path
) -> None:
    reference = Course.create(tmp_path / "sqlite")
    shutil.copytree(cycle["clone"] / "submitted", reference.root / "submitted")
    done = reference.nbgrader("autograde", AID)
    assert done.returncode == 0, done.stderr[-3000:]
    server = GradebookDB(cycle["db_url"]).state()
    local = sqlite_state(reference.root)
    assert server["grades"] == local["grades"]
    assert server["comments"] == local["comments"]
    assert server["submissions"] == local["submissions"]


def test_each_learner_fetches_their_own_feedback_without_the_hidden_tests(
    cycle: dict[str, Any],
) -> None:
    totals = {}
    for kind, pages in cycle["feedback"].items():
        assert len(pages) == 1, pages
        html = pages[0].read_text(encoding="utf-8")
        assert "BEGIN HIDDEN TESTS" not in html
        assert cycle["learners"][kind].name in html or AID in html
        with GradebookDB(cycle["db_url"]).connect() as con:
            rows = con.execute(
                "SELECT sum(coalesce(g.manual_score, g.auto_score, 0)) FROM grade g"
                " JOIN submitted_notebook sn ON g.notebook_id = sn.id"
                " JOIN submitted_assignment sa ON sn.assignment_id = sa.id"
                f" WHERE sa.student_id = '{cycle['learners'][kind].name}'"
            )
        totals[kind] = float(rows[0][0])
    assert totals["full"] > totals["partial"] > totals["untouched"] == 0
