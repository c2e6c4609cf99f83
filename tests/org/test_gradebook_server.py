"""A gradebook on PostgreSQL: stock nbgrader and `connectwell grade` / `report` use it, two
instructors grade different assignments into it at the same time, and it ends as SQLite
would. A database that cannot be reached is one clear line, without the password."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import free_port, start_cluster
from nbgrader_course import Course, digest, sqlite_state

from connectwell.grading.gradebooks import GradebookDB

NOTES, TRIAGE = "01_not_blank", "06_triage"


def cli(course: Course, *args: str) -> subprocess.CompletedProcess[str]:
    """The command as an instructor runs it in the course folder."""
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), "/usr/bin:/bin"])
    return subprocess.run(
        [sys.executable, "-m", "connectwell", *args],
        cwd=course.root,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


def on_server(course: Course, url: str) -> None:
    """Point the course's nbgrader at a database server, as an instructor's config does."""
    with (course.root / "nbgrader_config.py").open("a", encoding="utf-8") as f:
        f.write(f"\nc.CourseDirectory.db_url = {url!r}\n")


@pytest.fixture(scope="module")
def courses(
    tmp_path_factory: pytest.TempPathFactory, pg_new_db: Callable[..., str]
) -> dict[str, Any]:
    """Learners' work on two assignments, graded (1) by stock nbgrader on SQLite, one after
    the other, and (2) by two instructors at once, each in their own clone of the course,
    into one PostgreSQL gradebook."""
    base = Course.create(tmp_path_factory.mktemp("server") / "base")
    for aid in (NOTES, TRIAGE):
        base.submit("ana", aid, base.solved(aid))
        base.submit("ben", aid, base.release(aid))
        base.submit("chidi", aid, base.answered(aid, {}))

    def clone(name: str, keep: str | None) -> Course:
        dest = base.root.parent / name
        subprocess.run(["cp", "-a", str(base.root), str(dest)], check=True)
        if keep is not None:  # this instructor has only their assignment's submissions
            for other in (dest / "submitted").glob("*/*"):
                if other.name != keep:
                    subprocess.run(["rm", "-r", str(other)], check=True)
        return Course(dest)

    reference = clone("sqlite", None)
    for aid in (NOTES, TRIAGE):
        reference.nbgrader("autograde", aid)

    url = pg_new_db("cw_gradebook")
    first, second = clone("first", NOTES), clone("second", TRIAGE)
    for course in (first, second):
        on_server(course, url)
        (course.root / "gradebook.db").unlink()  # the SQLite one the base course was made with
    for aid in (NOTES, TRIAGE):  # stock nbgrader creates the gradebook on the server
        made = first.nbgrader("generate_assignment", aid, "--force")
        assert made.returncode == 0, made.stderr[-2000:]
    submitted = {c.root.name: digest(c.root / "submitted") for c in (first, second)}

    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "connectwell", "grade", aid, "--jobs", "2"],
            cwd=course.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for course, aid in ((first, NOTES), (second, TRIAGE))
    ]
    outputs = [run.communicate(timeout=600) for run in runs]
    return {
        "url": url,
        "reference": reference,
        "first": first,
        "second": second,
        "runs": [(run.returncode, out, err) for run, (out, err) in zip(runs, outputs, strict=True)],
        "submitted": submitted,
    }


def test_two_instructors_grading_at_once_leave_the_gradebook_sqlite_would(
    courses: dict[str, Any],
) -> None:
    for code, out, err in courses["runs"]:
        assert code == 0, out + err
        assert "graded 3 learner(s)" in out
    server = GradebookDB(courses["url"]).state()
    assert server == sqlite_state(courses["reference"].root)
    assert {row[1] for row in server["grades"]} == {NOTES, TRIAGE}
    for course in (courses["first"], courses["second"]):
        assert digest(course.root / "submitted") == courses["submitted"][course.root.name]
        assert not (course.root / "gradebook.db").exists()  # nothing went to SQLite


def test_report_and_stock_nbgrader_read_the_server_gradebook(courses: dict[str, Any]) -> None:
    first = courses["first"]
    done = cli(first, "report")
    assert done.returncode == 0, done.stderr
    for aid in (NOTES, TRIAGE):  # one clone reports both instructors' grading
        assert aid in done.stdout
    exported = first.nbgrader("export", "--to", str(first.root / "export.csv"))
    assert exported.returncode == 0, exported.stderr[-2000:]
    rows = (first.root / "export.csv").read_text(encoding="utf-8").splitlines()
    # A header, then one row per learner and assignment, with the scores of the reference.
    assert len(rows) == 1 + 3 * 2
    with courses["reference"].gradebook() as gb:
        expected = {(s.student_id, s.assignment.name): s.score for s in _submissions(gb)}
    header = rows[0].split(",")
    at = {name: header.index(name) for name in ("assignment", "student_id", "score")}
    got = {
        (cols[at["student_id"]], cols[at["assignment"]]): float(cols[at["score"]])
        for cols in (row.split(",") for row in rows[1:])
    }
    assert got == pytest.approx(expected)


def _submissions(gb: Any) -> list[Any]:
    return [s for a in gb.assignments for s in a.submissions]


@pytest.mark.parametrize("command", ["grade", "report"])
def test_an_unreachable_database_is_one_line_without_the_password(
    tmp_path: Path, command: str
) -> None:
    course = Course.create(tmp_path / "course")
    course.submit("ana", NOTES, course.solved(NOTES))
    secret = "s3cret-Passw0rd"
    port = free_port()  # nothing listens there
    on_server(course, f"postgresql+psycopg://grader:{secret}@127.0.0.1:{port}/gradebook")
    before = digest(course.root / "submitted")
    done = cli(course, *([command, NOTES] if command == "grade" else [command]))
    said = done.stdout + done.stderr
    assert done.returncode == 2, said
    assert "Traceback" not in said and secret not in said
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, said
    assert f"127.0.0.1:{port}/gradebook" in lines[0] and "cannot reach" in lines[0]
    assert digest(course.root / "submitted") == before
    assert not (course.root / "autograded").exists()


def test_a_wrong_password_names_the_database_but_not_the_password(
    tmp_path: Path, pg_url: str
) -> None:
    course = Course.create(tmp_path / "course")
    course.submit("ana", NOTES, course.solved(NOTES))
    user_part, host_part = pg_url.split("@", 1)
    wrong = "not-the-Passw0rd"
    on_server(course, f"{user_part.rsplit(':', 1)[0]}:{wrong}@{host_part}")
    done = cli(course, "grade", NOTES)
    said = done.stdout + done.stderr
    assert done.returncode == 2, said
    assert wrong not in said and "Traceback" not in said
    assert host_part in said and "password authentication failed" in said


def test_a_database_that_goes_away_mid_run_stops_it_and_keeps_what_was_graded(
    tmp_path: Path,
) -> None:
    cluster, folder = start_cluster()  # its own server, to stop half-way
    try:
        course = Course.create(tmp_path / "course")
        learners = [f"learner{i}" for i in range(1, 9)]
        for sid in learners:
            course.submit(sid, NOTES, course.solved(NOTES))
        on_server(course, cluster.url)
        made = course.nbgrader("generate_assignment", NOTES, "--force")
        assert made.returncode == 0, made.stderr[-2000:]
        env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
        run = subprocess.Popen(
            [sys.executable, "-m", "connectwell", "grade", NOTES, "--jobs", "1", "--no-feedback"],
            cwd=course.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        deadline = time.monotonic() + 300
        while not list((course.root / "autograded").glob(f"*/{NOTES}")):
            assert run.poll() is None and time.monotonic() < deadline, run.communicate()
            time.sleep(0.1)
        cluster.stop()
        out, err = run.communicate(timeout=300)
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
    said = out + err
    assert run.returncode != 0, said
    assert "Traceback" not in said and cluster.password not in said
    assert (
        f"cannot reach the gradebook database {cluster.url.replace(cluster.password, '***')}"
        in said
    )
    assert "learners graded so far are saved" in said
    graded = sorted(p.parent.name for p in (course.root / "autograded").glob(f"*/{NOTES}"))
    assert graded and len(graded) < len(learners)
    (left,) = [line for line in said.splitlines() if line.startswith("Not graded before")]
    assert all(sid in left for sid in set(learners) - set(graded))


def test_runs_adding_the_same_learners_at_once_all_succeed(
    pg_new_db: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two instructors' runs add the same learners (and course rows) at the same moment; on a
    database server none of them may fail on the other's insert."""
    from nbgrader.api import Gradebook

    # nbgrader runs `alembic` from PATH when it makes the tables.
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    url = pg_new_db("cw_shared_rows")
    with Gradebook(url, "connectwell"):  # the tables, as generate_assignment makes them
        pass
    learners = [f"learner{i:03d}" for i in range(100)]
    script = (  # every process loads nbgrader first, then all start writing at one moment
        "import sys, time\n"
        "import nbgrader.api\n"
        "from connectwell.grading.cohort.preflight import add_shared_rows\n"
        "time.sleep(max(0.0, float(sys.argv[2]) - time.time()))\n"
        "add_shared_rows(sys.argv[1], 'connectwell', sys.argv[3:])\n"
    )
    at = str(time.time() + 8)
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script, url, at, *learners],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err[-2000:]
    state = GradebookDB(url).state()
    assert [row[0] for row in state["students"]] == learners
    assert [row[0] for row in state["courses"]] == ["connectwell", "default_course"]
