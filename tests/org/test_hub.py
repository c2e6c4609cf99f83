"""The course on JupyterHub (deploy/jupyterhub_config.py), with real accounts on this machine.

One hub for the module (fixture `hub` in conftest.py): an instructor releases 01_not_blank into
nbgrader's exchange, learner 2 fetches and submits it from the command line, learner 1 logs in,
gets a server, runs the course's code in a kernel and sees the assignment in the Assignments
list. What learner 1 must not read (learner 2's work, the instructor's solutions, the gradebook's
address) is tried as learner 1: with `cat`, from their kernel and through their server's API.
The hub's teardown fails if any server, kernel or the proxy outlives it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
import sqlalchemy
from conftest import ROOT, Hub, OrgUsers

AID = "01_not_blank"
COURSE = "connectwell"


@pytest.fixture(scope="module")
def course(hub: Hub, org_users: OrgUsers, hub_exchange: Path) -> dict[str, Any]:
    """The instructor's clone of the course (in their private home) with 01_not_blank
    released, and learner 2's submission of it."""
    instructor = org_users.instructor
    clone = instructor.home / "connectwell"
    clone.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", clone)
    for folder in ("solutions", "exercises"):
        shutil.copytree(ROOT / folder / AID, clone / folder / AID)
    for path in [clone, *clone.rglob("*")]:
        os.chown(path, instructor.uid, instructor.gid)
    instructor_token = hub.token_for(instructor)
    env = hub.nbgrader_env(instructor, instructor_token, hub_exchange)
    env["CONNECTWELL_COURSE_ROOT"] = str(clone)
    released = org_users.run_as(
        instructor, ["nbgrader", "release_assignment", AID], cwd=clone, env=env
    )
    assert released.returncode == 0, released.stderr[-3000:]

    learner2 = org_users.learners[1]
    token2 = hub.token_for(learner2)
    env2 = hub.nbgrader_env(learner2, token2, hub_exchange)
    for step in ("fetch_assignment", "submit"):
        done = org_users.run_as(learner2, ["nbgrader", step, AID], env=env2)
        assert done.returncode == 0, f"{step}: {done.stderr[-3000:]}"
    inbound = hub_exchange / COURSE / "inbound"
    submissions = [p for p in inbound.iterdir() if p.name.startswith(f"{learner2.name}+{AID}+")]
    assert len(submissions) == 1, list(inbound.iterdir())
    return {
        "clone": clone,
        "solution": clone / "solutions" / AID / f"{AID}.ipynb",
        "learner2_work": learner2.home / COURSE / AID / f"{AID}.ipynb",
        "submission": submissions[0] / f"{AID}.ipynb",
        "inbound": inbound,
        "released": hub_exchange / COURSE / "outbound" / AID / f"{AID}.ipynb",
    }


@pytest.fixture(scope="module")
def learner(hub: Hub, org_users: OrgUsers, course: dict[str, Any]) -> dict[str, Any]:
    """Learner 1, logged in, with a running server (stopped again at the end)."""
    user = org_users.learners[0]
    token = hub.token_for(user)
    hub.spawn(user, token)
    yield {"user": user, "token": token}
    hub.stop_server(user)


def test_a_learner_logs_in_with_their_password_and_not_without(hub: Hub, org_users: OrgUsers):
    user = org_users.learners[0]

    def login(password: str) -> requests.Response:
        s = requests.Session()
        s.get(f"{hub.url}/hub/login", timeout=60)
        return s.post(
            f"{hub.url}/hub/login",
            data={"username": user.name, "password": password, "_xsrf": s.cookies["_xsrf"]},
            allow_redirects=False,
            timeout=60,
        )

    wrong = login("not the password")
    assert wrong.status_code == 403
    assert "Invalid username or password" in wrong.text
    right = login(hub.password)
    assert right.status_code == 302
    assert "/login" not in right.headers["Location"]
    outsider = requests.Session()
    outsider.get(f"{hub.url}/hub/login", timeout=60)
    refused = outsider.post(
        f"{hub.url}/hub/login",
        data={
            "username": "someone-else",
            "password": hub.password,
            "_xsrf": outsider.cookies["_xsrf"],
        },
        allow_redirects=False,
        timeout=60,
    )
    assert refused.status_code == 403  # not on the course's lists


def test_the_learners_server_runs_the_course_and_the_widgets(hub: Hub, learner: dict[str, Any]):
    out = hub.execute(
        learner["user"],
        learner["token"],
        "import getpass, connectwell, ipywidgets\n"
        "report = connectwell.check({'message': 'Hi Priya, I enjoyed your talk on Kafka.'})\n"
        "print(getpass.getuser(), type(report).__name__, ipywidgets.__version__)\n",
    )
    assert out["error"] is None
    name, report_type, widgets_version = out["stdout"].split()
    assert name == learner["user"].name  # the kernel runs as the learner's own account
    assert report_type == "Report"
    assert widgets_version.startswith("8.")


def test_the_assignment_list_shows_the_released_assignment(hub: Hub, learner: dict[str, Any]):
    r = requests.get(
        f"{hub.server(learner['user'])}/assignments",
        params={"course_id": COURSE},
        headers={"Authorization": f"token {learner['token']}"},
        timeout=120,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["success"], body
    listed = {(a["course_id"], a["assignment_id"], a["status"]) for a in body["value"]}
    assert (COURSE, AID, "released") in listed


def test_learners_get_no_formgrader_and_instructors_do(
    hub: Hub,
    org_users: OrgUsers,
    learner: dict[str, Any],
    course: dict[str, Any],
    hub_db_url: str,
):
    headers = {"Authorization": f"token {learner['token']}"}
    base = hub.server(learner["user"])
    assert requests.get(f"{base}/formgrader", headers=headers, timeout=60).status_code == 404
    assert requests.get(f"{base}/formgraders", headers=headers, timeout=60).status_code == 404
    # ... and their server never gets the gradebook's address (it holds the password)
    out = hub.execute(
        learner["user"],
        learner["token"],
        "import os; print(os.environ.get('CONNECTWELL_DB_URL'))",
    )
    assert out["stdout"].strip() == "None"

    instructor = org_users.instructor
    token = hub.token_for(instructor)
    hub.spawn(instructor, token)
    try:
        page = requests.get(
            f"{hub.server(instructor)}/formgrader",
            headers={"Authorization": f"token {token}"},
            timeout=120,
        )
        assert page.status_code == 200
        assert "Manage Assignments" in page.text
        # The formgrader reads the course from the instructor's clone and keeps the gradebook
        # in PostgreSQL (CONNECTWELL_DB_URL reaches nbgrader through deploy/jupyter/common).
        listed = requests.get(
            f"{hub.server(instructor)}/formgrader/api/assignments",
            headers={"Authorization": f"token {token}"},
            timeout=120,
        )
        assert listed.status_code == 200, listed.text
        assert AID in {a["name"] for a in listed.json()}
        engine = sqlalchemy.create_engine(hub_db_url)
        try:
            tables = set(sqlalchemy.inspect(engine).get_table_names())
        finally:
            engine.dispose()
        assert {"assignment", "student", "grade"} <= tables
    finally:
        hub.stop_server(instructor)


def test_a_learner_cannot_read_anothers_work_or_the_solutions(
    hub: Hub, org_users: OrgUsers, learner: dict[str, Any], course: dict[str, Any]
):
    me, instructor = learner["user"], org_users.instructor
    # What the learner may read, they can: the released exercise.
    allowed = org_users.run_as(me, ["cat", str(course["released"])])
    assert allowed.returncode == 0 and '"nbgrader"' in allowed.stdout
    # Learner 2's work at home, the instructor's solutions: permission denied.
    for secret in (course["learner2_work"], course["solution"]):
        assert secret.exists()
        denied = org_users.run_as(me, ["cat", str(secret)])
        assert denied.returncode != 0
        assert "Permission denied" in denied.stderr
    # The exchange's inbound: learners may drop submissions in, not list them; the instructor can.
    listing = org_users.run_as(me, ["ls", str(course["inbound"])])
    assert listing.returncode != 0 and "Permission denied" in listing.stderr
    assert (
        f"{org_users.learners[1].name}+{AID}+"
        in org_users.run_as(instructor, ["ls", str(course["inbound"])]).stdout
    )
    # From the learner's own kernel: the same.
    out = hub.execute(
        me,
        learner["token"],
        f"import os\nprint(os.access({str(course['learner2_work'])!r}, os.R_OK),"
        f" os.access({str(course['solution'])!r}, os.R_OK),"
        f" os.access({str(course['inbound'])!r}, os.R_OK))\n"
        f"open({str(course['solution'])!r}).read()\n",
    )
    assert out["stdout"].split() == ["False", "False", "False"]
    assert out["error"] == "PermissionError"
    # Through the learner's server: nothing outside their home.
    headers = {"Authorization": f"token {learner['token']}"}
    base = hub.server(me)
    relative = quote(os.path.relpath(course["learner2_work"], me.home), safe="")  # ..%2F…
    r = requests.get(f"{base}/api/contents/{relative}", headers=headers, timeout=60)
    assert r.status_code in (400, 403, 404), r.status_code
    r = requests.get(f"{base}/files/{relative}", headers=headers, timeout=60)
    assert r.status_code in (400, 403, 404), r.status_code
    # ... while their own folder is there.
    own = requests.get(f"{base}/api/contents/", headers=headers, timeout=60)
    assert own.status_code == 200


def test_a_learners_token_cannot_reach_another_learners_server(
    hub: Hub, org_users: OrgUsers, learner: dict[str, Any]
):
    other = org_users.learners[1]
    r = requests.get(
        f"{hub.url}/hub/api/users/{other}",
        headers={"Authorization": f"token {learner['token']}"},
        timeout=60,
    )
    assert r.status_code == 404  # JupyterHub hides users you may not see
    r = hub.api("POST", f"/users/{other}/server", token=learner["token"])
    assert r.status_code in (403, 404)
