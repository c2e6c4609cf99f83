"""`connectwell grade` and `connectwell report` on a small cohort, in temporary course copies.

One set of submissions (tests/nbgrader_course.py builds the course) is graded three ways: by
plain sequential `nbgrader autograde` (the reference), by `connectwell grade --jobs 2`, and by a
`connectwell grade` killed half-way and run again. The gradebooks must match cell for cell.
alice submits the solutions, bob the untouched release, carol and erin partial answers (carol
with a submission timestamp), dave a notebook cut off mid-file. Scores are never written down
here: the reference gradebook and the rules' own verdicts decide them.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import select
import shutil
import signal
import sqlite3
import statistics
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from nbgrader_course import Course, digest, grade_id, sqlite_state
from test_import import modules_loaded_by

from connectwell.cli import main
from connectwell.grading import RESULT_MIME, cohort, parse_grade_id, report_html
from connectwell.grading import report as cohort_report

NOTES = "01_not_blank"
TRIAGE = "06_triage"
LEARNERS = ["alice", "bob", "carol", "dave", "erin"]
PARTIAL = {
    "carol": {
        "q1_answer": 'note_ben = "Hi Ben, great talking about accessible dashboards at the UX '
        'Leeds meetup last night; could I show you our redesign when it ships?"',
        "q2_answer": 'note_carmen = "Hi Carmen, I would like to connect."',
    },
    "erin": {
        "q3_answer": 'note_dev = "Hi Dev, Alex Chen said you know on-call alerting. '
        + "So " * 80
        + '"',
    },
}


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The command as an instructor runs it, with a PATH that lacks the venv (nbgrader needs
    the venv's alembic; the command must arrange that itself)."""
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env["PATH"] = "/usr/bin:/bin"
    return subprocess.run(
        [sys.executable, "-m", "connectwell", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


def copy_of(course: Course, dest: Path) -> Course:
    shutil.copytree(course.root, dest, symlinks=True)
    return Course(dest)


def placed_any(course: Course, aid: str, learners: list[str], proc: subprocess.Popen) -> bool:
    """Block until the run renames some learner's autograded folder into place: an inotify
    watch on each learner's folder wakes on the rename itself (no polling against a clock).
    False if the run exits first. The select timeout only stops a hung run hanging the suite."""
    libc = ctypes.CDLL(None, use_errno=True)
    in_moved_to, in_create = 0x00000080, 0x00000100
    watch = libc.inotify_init1(os.O_CLOEXEC)
    assert watch >= 0, os.strerror(ctypes.get_errno())
    exited = os.pidfd_open(proc.pid)  # readable once the run exits
    try:
        for sid in learners:
            folder = course.root / "autograded" / sid
            folder.mkdir(parents=True, exist_ok=True)  # an empty folder marks nobody graded
            wd = libc.inotify_add_watch(watch, str(folder).encode(), in_moved_to | in_create)
            assert wd >= 0, os.strerror(ctypes.get_errno())
        while not graded_learners(course, aid):
            ready, _, _ = select.select([watch, exited], [], [], 600)
            assert ready, "no learner was placed in 10 minutes: the run hangs"
            if watch not in ready:
                return bool(graded_learners(course, aid))
            events = os.read(watch, 65536)
            offset = 0
            while offset < len(events):
                _, _, _, size = struct.unpack_from("iIII", events, offset)
                name = events[offset + 16 : offset + 16 + size].rstrip(b"\0").decode()
                offset += 16 + size
                if name == aid:
                    return True
        return True
    finally:
        os.close(watch)
        os.close(exited)


def graded_learners(course: Course, aid: str) -> list[str]:
    return sorted(p.parent.name for p in (course.root / "autograded").glob(f"*/{aid}"))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Course:
    course = Course.create(tmp_path_factory.mktemp("cohort") / "base")
    course.submit("alice", NOTES, course.solved(NOTES))
    course.submit("bob", NOTES, course.release(NOTES))
    for who, answers in PARTIAL.items():
        course.submit(who, NOTES, course.answered(NOTES, answers))
    (course.root / "submitted" / "carol" / NOTES / "timestamp.txt").write_text(
        "2026-03-02 09:15:00.000000 UTC"
    )
    broken = course.root / "submitted" / "dave" / NOTES / f"{NOTES}.ipynb"
    broken.parent.mkdir(parents=True)
    text = (course.root / "exercises" / NOTES / f"{NOTES}.ipynb").read_text(encoding="utf-8")
    broken.write_text(text[: len(text) // 2], encoding="utf-8")  # an upload cut short
    course.submit("alice", TRIAGE, course.solved(TRIAGE))
    course.submit("bob", TRIAGE, course.release(TRIAGE))
    return course


@pytest.fixture(scope="module")
def sequential(base: Course, tmp_path_factory: pytest.TempPathFactory) -> Course:
    """The reference: stock nbgrader, one learner after another."""
    course = copy_of(base, tmp_path_factory.mktemp("sequential") / "course")
    done = course.nbgrader("autograde", NOTES)
    assert done.returncode == 1, "nbgrader fails the run for dave's notebook"
    assert course.nbgrader("autograde", TRIAGE).returncode == 0
    return course


@pytest.fixture(scope="module")
def parallel(base: Course, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    course = copy_of(base, tmp_path_factory.mktemp("parallel") / "course")
    before = digest(course.root / "submitted")
    runs = {
        aid: run_cli("grade", aid, "--jobs", "2", "--course", course.root)
        for aid in (NOTES, TRIAGE)
    }
    return {"course": course, "runs": runs, "submitted": before}


def test_parallel_grading_leaves_the_gradebook_sequential_nbgrader_leaves(
    sequential: Course, parallel: dict[str, Any]
) -> None:
    mine: Course = parallel["course"]
    for aid in (NOTES, TRIAGE):
        assert graded_learners(mine, aid) == graded_learners(sequential, aid)
        for student in graded_learners(sequential, aid):
            assert mine.scores(student, aid) == sequential.scores(student, aid), (student, aid)
    # Everything else too: timestamps, needs_manual_grade, comments, the broken submission's
    # empty rows, students and courses.
    ours = sqlite_state(mine.root)
    reference = sqlite_state(sequential.root)
    assert ours == reference
    assert any(row[0] == "carol" and row[2] for row in ours["submissions"]), "timestamp kept"


def test_a_corrupt_submission_is_reported_and_the_others_are_graded(
    parallel: dict[str, Any],
) -> None:
    course: Course = parallel["course"]
    done = parallel["runs"][NOTES]
    assert done.returncode == 2, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, done.stderr
    assert errors[0].startswith(
        f"error: dave: submitted/dave/{NOTES}/{NOTES}.ipynb is not a readable notebook"
    )
    assert "ask dave to submit it again" in errors[0]
    assert "Traceback" not in done.stderr + done.stdout
    assert graded_learners(course, NOTES) == ["alice", "bob", "carol", "erin"]
    assert "graded 4 learner(s)" in done.stdout
    assert parallel["runs"][TRIAGE].returncode == 0, parallel["runs"][TRIAGE].stderr
    assert digest(course.root / "submitted") == parallel["submitted"], "submitted/ changed"
    assert not (course.root / cohort.scratch.SCRATCH_DIR).exists()


def test_feedback_and_grades_csv(parallel: dict[str, Any]) -> None:
    course: Course = parallel["course"]
    for student in ("alice", "bob", "carol", "erin"):
        page = course.feedback(student, NOTES)
        assert page.exists(), student
        text = page.read_text(encoding="utf-8")
        # connectwell.grading.preprocessors.HideHiddenTests ran: the hidden checks are not shown.
        assert "HIDDEN TESTS" not in text
        assert 'grading.check("q1", "mentions"' not in text
    assert not course.feedback("dave", NOTES).exists()
    rows = (course.root / "grades" / f"{NOTES}.csv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    assert header[:5] == ["student_id", "score", "max_score", "percent", "status"]
    table = {r.split(",")[0]: dict(zip(header, r.split(","), strict=True)) for r in rows[1:]}
    assert sorted(table) == LEARNERS
    assert table["dave"]["status"] == "not graded"
    for student in ("alice", "bob", "carol", "erin"):
        score, best = course.total(student, NOTES)
        assert float(table[student]["score"]) == score
        assert float(table[student]["max_score"]) == best
        for cell, (points, _) in course.scores(student, NOTES).items():
            assert float(table[student][cell]) == points


def test_a_killed_run_run_again_ends_identical(
    base: Course, sequential: Course, tmp_path: Path
) -> None:
    course = copy_of(base, tmp_path / "course")
    env = dict(os.environ, PATH="/usr/bin:/bin")
    cmd = [sys.executable, "-m", "connectwell", "grade", NOTES, "--jobs", "1"]
    proc = subprocess.Popen(
        [*cmd, "--course", str(course.root)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        # Woken by the rename that puts a learner's autograded folder in place, then the whole
        # run is frozen at once, so the count below cannot move while it is taken.
        assert placed_any(course, NOTES, LEARNERS, proc), "the run ended before it could be killed"
        os.killpg(proc.pid, signal.SIGSTOP)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # no clean-up of any kind
        proc.wait()
    at_kill = graded_learners(course, NOTES)
    assert 1 <= len(at_kill) < 4, at_kill
    again = run_cli("grade", NOTES, "--course", course.root)
    assert again.returncode == 2, again.stderr  # dave, as in any run
    assert f"{len(at_kill)} already graded, skipped" in again.stdout
    assert graded_learners(course, NOTES) == graded_learners(sequential, NOTES)
    ours = sqlite_state(course.root)
    reference = sqlite_state(sequential.root)
    for table in ("grades", "comments", "submissions"):
        mine = [row for row in ours[table] if row[1] == NOTES]
        assert mine == [row for row in reference[table] if row[1] == NOTES], table
    assert not (course.root / cohort.scratch.SCRATCH_DIR).exists()


def test_a_notebook_that_kills_its_grader_costs_only_its_learner(
    base: Course, tmp_path: Path
) -> None:
    course = Course(tmp_path / "course")
    shutil.copytree(base.root, course.root, ignore=shutil.ignore_patterns("submitted"))
    course.submit("alice", NOTES, course.solved(NOTES))
    kill = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nnote_ben = ''"
    course.submit("mallory", NOTES, course.answered(NOTES, {"q1_answer": kill}))
    # In the sandbox the grader is out of reach: the kill is refused, and mallory is graded.
    run = cohort.grade(course.root, NOTES, jobs=2, progress=False)
    assert sorted(run.graded) == ["alice", "mallory"]  # in the order they finished
    assert course.total("alice", NOTES)[0] == course.total("alice", NOTES)[1]
    assert course.scores("mallory", NOTES)["q1_not-blank"][0] == 0
    # Without it (--unsandboxed) the kill lands, and still costs only mallory.
    run = cohort.grade(course.root, NOTES, jobs=2, progress=False, force=True, sandbox=False)
    assert run.graded == ["alice"]
    assert list(run.failed) == ["mallory"]
    assert "stopped unexpectedly" in run.failed["mallory"]
    assert course.total("alice", NOTES)[0] == course.total("alice", NOTES)[1]


# ---------------------------------------------------------------- bad input


def test_bad_input_gets_one_line_and_exit_2(
    parallel: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = parallel["course"].root
    broken = tmp_path / "broken"
    shutil.copytree(root, broken, ignore=shutil.ignore_patterns("autograded", "feedback"))
    with (broken / "nbgrader_config.py").open("a") as config:
        config.write("c.Execute.timeout = (\n")  # nbgrader alone would grade with defaults
    cases = [
        (["grade", "99_nope", "--course", str(root)], "no assignment named '99_nope'"),
        (
            ["grade", "03_explains_fit", "--course", str(root)],
            "nobody has submitted 03_explains_fit",
        ),
        (["grade", NOTES, "--student", "zed", "--course", str(root)], "zed has not submitted"),
        (["grade", NOTES, "--course", str(tmp_path)], "is not an nbgrader course"),
        (["grade", NOTES, "--force", "--course", str(broken)], "cannot be loaded (SyntaxError"),
        (["report", "99_nope", "--course", str(root)], "no assignment '99_nope'"),
        (["report", "03_explains_fit", "--course", str(root)], "nobody's work on 03_explains_fit"),
    ]
    for argv, message in cases:
        code = main(argv)
        out, err = capsys.readouterr()
        assert code == 2, (argv, out, err)
        assert err.startswith("error: ") and message in err, (argv, err)
        assert len(err.strip().splitlines()) == 1, err


def test_a_locked_gradebook_stops_the_run_before_anything_changes(
    parallel: dict[str, Any],
) -> None:
    root = parallel["course"].root
    before = sqlite_state(root)
    autograded = digest(root / "autograded")
    holder = sqlite3.connect(root / "gradebook.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # e.g. formgrader in the middle of a write
    try:
        with pytest.raises(
            cohort.CohortError, match=r"locked by another program.*nothing was graded"
        ):
            cohort.grade(root, NOTES, force=True, progress=False, lock_timeout=0.2)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert sqlite_state(root) == before
    assert digest(root / "autograded") == autograded


# ---------------------------------------------------------------- the report


def results(course: Course, student: str, aid: str) -> dict[str, set[str]]:
    """Per graded cell, the statuses connectwell's trusted checks left in the autograded
    notebook (pass, wrong, not-attempted, crashed)."""
    path = course.autograded(student, aid)
    if not path.exists():
        return {}
    found: dict[str, set[str]] = {}
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            record = out.get("data", {}).get(RESULT_MIME)
            if record:
                found.setdefault(cell["metadata"]["nbgrader"]["grade_id"], set()).add(
                    record["status"]
                )
    return found


def expected(course: Course, aid: str) -> tuple[dict[str, tuple[int, int, int]], list[float]]:
    """Per rule (learners who failed it, learners scored on it, those of the failed who only
    left answers unattempted), and each graded learner's percentage: from the gradebook, the
    source notebook's points and the autograded notebooks."""
    points = {
        grade_id(c): float(c.metadata["nbgrader"]["points"])
        for c in course.source(aid).cells
        if c.metadata.get("nbgrader", {}).get("grade")
    }
    grades = sqlite_state(course.root)["grades"]
    per_learner: dict[str, list[tuple[str, float | None]]] = {}
    for student, assignment, _, cell, auto, manual, *_ in grades:
        if assignment == aid:
            score = manual if manual is not None else auto
            per_learner.setdefault(student, []).append((cell, score))
    failed: dict[str, set[str]] = {}
    tried: dict[str, set[str]] = {}  # failed on at least one answer they did attempt
    scored: dict[str, set[str]] = {}
    percents = []
    for student, cells in per_learner.items():
        if all(score is None for _, score in cells):
            continue  # not graded
        percents.append(100 * sum(s or 0 for _, s in cells) / sum(points[c] for c, _ in cells))
        status = results(course, student, aid)
        for cell, score in cells:
            gid = parse_grade_id(cell)
            if gid and gid.rule and score is not None:
                scored.setdefault(gid.rule, set()).add(student)
                if score < points[cell]:
                    failed.setdefault(gid.rule, set()).add(student)
                    if "not-attempted" not in status.get(cell, set()):
                        tried.setdefault(gid.rule, set()).add(student)
    shares = {
        rule: (
            len(failed.get(rule, ())),
            len(who),
            len(failed.get(rule, set()) - tried.get(rule, set())),
        )
        for rule, who in scored.items()
    }
    return shares, percents


ROW = re.compile(
    r"^\s+(?P<rule>[a-z-]+)\s+CW\d{3}\s+(?P<failed>\d+)\s+(?P<of>\d+)\s+(?P<pct>\d+)%"
    r"\s+(?P<blank>\d+)\s"
)


def table(out: str) -> dict[str, tuple[int, int, int]]:
    rows = [m for m in map(ROW.match, out.splitlines()) if m]
    return {m["rule"]: (int(m["failed"]), int(m["of"]), int(m["blank"])) for m in rows}


def test_the_report_numbers_match_the_gradebook(
    parallel: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    course: Course = parallel["course"]
    assert main(["report", NOTES, "--course", str(course.root)]) == 0
    out = capsys.readouterr().out
    shares, percents = expected(course, NOTES)
    rows = [m for m in map(ROW.match, out.splitlines()) if m]
    assert table(out) == shares
    assert any(0 < blank < failed for failed, _, blank in shares.values()), "both kinds occur"
    for m in rows:
        assert int(m["pct"]) == round(100 * int(m["failed"]) / int(m["of"]))
    in_order = [int(m["failed"]) / int(m["of"]) for m in rows]
    assert in_order == sorted(in_order, reverse=True), "most failed first"
    assert 0 < max(in_order) and min(in_order) < 1, "the cohort should not be all-or-nothing"
    mean = statistics.fmean(percents)
    assert f"mean {mean:.0f}%, median {statistics.median(percents):.0f}%" in out
    assert f"{NOTES}: 5 submitted, {len(percents)} graded, 1 could not be graded (dave)" in out
    assert "scored below its maximum" in out  # the definition is stated
    grades = course.root / "grades"
    page = (grades / f"{NOTES}-report.html").read_text(encoding="utf-8")
    for rule, (failed, of, _) in shares.items():
        assert f"<code>{rule}</code>" in page and f"{failed} of {of}" in page
    for png in (f"{NOTES}-scores.png", f"{NOTES}-rules.png"):
        assert (grades / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f'src="{png}"' in page


def test_the_report_on_every_assignment(
    parallel: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    course: Course = parallel["course"]
    assert main(["report", "--course", str(course.root)]) == 0
    out = capsys.readouterr().out
    assert f"{NOTES}: 5 submitted" in out and f"{TRIAGE}: 2 submitted, 2 graded" in out
    assert "Nothing submitted yet: 02_personalised" in out
    shares, _ = expected(course, NOTES)  # 06_triage's cells check labels, not rules
    assert table(out) == shares
    page = (course.root / "grades" / "cohort-report.html").read_text(encoding="utf-8")
    assert f"<h2>{NOTES}</h2>" in page and f"<h2>{TRIAGE}</h2>" in page
    assert (course.root / "grades" / "cohort-rules.png").exists()


def test_the_html_report_escapes_learner_ids() -> None:
    hostile = '<img src=x onerror="alert(1)">&co'
    cells = (cohort_report.Cell("nb", "q1_personalised", 0.0, 1.0),)
    a = cohort_report.Assignment(
        "01_not_blank", 1.0, (cohort_report.Submission(hostile, "01_not_blank", cells),)
    )
    page = report_html.render_html(cohort_report.Cohort(Path("/course"), (a,)), {})
    assert "<img src=x" not in page and 'onerror="alert' not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;co" in page


def test_importing_the_cohort_tools_stays_light() -> None:
    added = modules_loaded_by(
        "import connectwell.grading.cohort, connectwell.grading.report, connectwell.cli"
    )
    assert not added & {"nbgrader", "matplotlib", "tqdm", "sqlalchemy"}, sorted(added)
