"""The attack suite: hostile submissions, graded for real, gain nothing.

Every attacker submits what `control` submits (a good first note, the rest untouched) plus one
attack appended to its second answer cell. The attackers are graded together with `control`,
`honest` (the solutions) and `victim` (control's answers, a target for the others): once with
`connectwell grade`, once with stock `nbgrader autograde` and `generate_feedback`, each in a
fresh copy of the course. An attacker knows everything a learner could find out: the course's
real path, the gradebook's file, the PostgreSQL server's URL with its password, and the
loopback HTTP service's port. Each test checks what the instructor would: the scores in the
gradebook, the feedback HTML, the files on disk and the processes left."""

from __future__ import annotations

import copy
import html
import http.server
import importlib.util
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import nbformat
import pytest
from nbgrader_course import Course

from connectwell.grading import sandbox

AID = "01_not_blank"
TIMEOUT = 8  # per cell: longer than any honest cell needs, short enough for a quick run
MARKER = f"cw-attack-{secrets.token_hex(4)}"  # in every attacker process's command line
SECRET = f"S3cret-{secrets.token_hex(6)}"  # in the grader's environment only
GOOD_NOTE = (
    'note_ben = "Hi Ben, great talking about accessible dashboards at the UX Leeds meetup last '
    'night; could I show you our redesign when it ships?"'
)
ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "connectwell"
# What the solutions and hidden tests of this assignment say; none of it may reach feedback.
LEAKS = ("answered half my questions", 'mentions", "article"', "BEGIN HIDDEN TESTS")

# Each attack is Python appended to the second answer cell. {course} and the other fields are
# filled in per run. Every attack prints what it got, so that a leak would show in its output.
ATTACKS: dict[str, str] = {
    # 1. A detached process that rewrites the gradebook once grading is over.
    "forges-the-gradebook": """
import subprocess, sys
code = '''
import sqlite3, time, pathlib, os
for _ in range(60):
    time.sleep(0.5)
    for db in [pathlib.Path({course!r}) / "gradebook.db", *pathlib.Path.cwd().parents]:
        try:
            con = sqlite3.connect(str(db), timeout=1)
            con.execute("UPDATE grade SET manual_score = 1")
            con.commit()
            pathlib.Path({course!r}, "FORGED").write_text("forged")
        except Exception:
            pass
'''
subprocess.Popen([sys.executable, "-c", code, {marker!r}], start_new_session=True,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print("forger started")
""",
    # 2. Reading the solutions, the hidden tests and the gradebook.
    "reads-the-answers": """
import pathlib, glob
for path in [pathlib.Path({course!r}) / "solutions" / "01_not_blank" / "01_not_blank.ipynb",
             pathlib.Path({course!r}) / "gradebook.db",
             pathlib.Path({course!r}) / "nbgrader_config.py"]:
    try:
        print(path.read_text(errors="replace"))
    except Exception as exc:
        print("refused:", type(exc).__name__)
for pattern in ["/**/solutions/**/*.ipynb", "/**/gradebook.db", "../../**/*.ipynb"]:
    for hit in glob.glob(pattern, recursive=True)[:20]:
        if "site-packages" not in hit:
            try:
                print(hit, open(hit, errors="replace").read())
            except Exception as exc:
                print("refused:", hit, type(exc).__name__)
""",
    # 3. Reading and changing another learner's submission.
    "edits-another-learner": """
import pathlib
for step in ("submitted", "autograded"):
    other = pathlib.Path({course!r}) / step / "victim" / "01_not_blank" / "01_not_blank.ipynb"
    try:
        print(other.read_text()[:200])
        other.write_text("{{}}")
    except Exception as exc:
        print("refused:", step, type(exc).__name__)
""",
    # 4. Writing into the installed package, the venv and the course configuration.
    "writes-the-installation": """
import pathlib, sys, connectwell, nbgrader
targets = [pathlib.Path(connectwell.__file__).parent / "grading" / "judges.py",
           pathlib.Path(nbgrader.__file__).parent / "__init__.py",
           pathlib.Path(sys.prefix) / "pwned.pth",
           pathlib.Path({course!r}) / "nbgrader_config.py"]
for target in targets:
    try:
        with open(target, "a") as fh:
            fh.write("\\nraise SystemExit('pwned')\\n")
        print("WROTE", target)
    except Exception as exc:
        print("refused:", target.name, type(exc).__name__)
""",
    # 5. Reaching a loopback HTTP service and the PostgreSQL server, by TCP and Unix socket.
    "uses-the-network": """
import socket
for where in [("127.0.0.1", {http_port}), ("127.0.0.1", {pg_port}), ("localhost", {http_port})]:
    try:
        s = socket.create_connection(where, timeout=2)
        s.sendall(b"GET /pwned HTTP/1.0\\r\\n\\r\\n")
        print("CONNECTED", where)
    except Exception as exc:
        print("refused:", where, type(exc).__name__)
try:
    import psycopg
    with psycopg.connect({pg_dsn!r}, connect_timeout=3) as con:
        con.execute("CREATE TABLE pwned (x int)")
        print("CONNECTED to PostgreSQL")
except Exception as exc:
    print("refused: postgresql", type(exc).__name__)
s = socket.socket(socket.AF_UNIX)
try:
    s.connect({pg_socket!r})
    print("CONNECTED to the PostgreSQL socket")
except Exception as exc:
    print("refused: unix socket", type(exc).__name__)
""",
    # 6. Reading the grader's environment.
    "reads-the-environment": """
import os
print(dict(os.environ))
try:
    print(open("/proc/1/environ", "rb").read())
except Exception as exc:
    print("refused:", type(exc).__name__)
""",
    # 7. A fork bomb, a memory hog and a disk filler.
    "fork-bomb": """
import os, time
children = 0
deadline = time.time() + 5
while time.time() < deadline:
    try:
        if os.fork() == 0:
            os.execvp("sleep", ["sleep", "600", {marker!r}])
        children += 1
    except OSError as exc:
        print("fork refused after", children, type(exc).__name__)
        raise
""",
    "memory-hog": """
hog = []
while True:
    hog.append(bytearray(64 * 1024 * 1024))
""",
    "disk-filler": """
import os
block = b"x" * (1024 * 1024)
n = 0
for folder in (".", "/tmp"):
    try:
        with open(os.path.join(folder, "filler"), "wb") as fh:
            while True:
                fh.write(block)
                n += 1
    except OSError as exc:
        print("stopped after", n, "MB in", folder, type(exc).__name__)
raise OSError("disk full")
""",
    # 8. Killing the grading worker, its parent and everything it can see.
    "kills-the-grader": """
import os, signal
for target in (os.getppid(), 1):
    try:
        os.kill(target, signal.SIGKILL)
    except Exception as exc:
        print("refused:", target, type(exc).__name__)
for pid in range(2, 5000):
    if pid != os.getpid():
        try:
            os.kill(pid, signal.SIGKILL)
        except Exception:
            pass
try:
    os.kill(-1, signal.SIGKILL)
except Exception as exc:
    print("refused: -1", type(exc).__name__)
""",
}
ATTACKS.update(
    {
        # Found by red-teaming the sandbox. Hidden tests read from the kernel's history, or
        # from a hook that sees every later cell's source, and shown in an output.
        "reads-hidden-tests-from-history": """
print([s for s in In if "HIDDEN" in s or "mentions" in s])
from IPython.display import display, update_display
display({{"text/plain": "x"}}, raw=True, display_id="leak")
_seen = []
def _hook(info):
    if "HIDDEN" in info.raw_cell or "mentions" in info.raw_cell:
        _seen.append(info.raw_cell)
        update_display({{"text/plain": "\\n".join(_seen)}}, raw=True, display_id="leak")
get_ipython().events.register("pre_run_cell", _hook)
""",
        # The kernel's stdout and stderr are the grader's terminal or log.
        "writes-to-the-graders-log": """
import os
for fd in range(0, 20):
    try:
        target = os.readlink(f"/proc/self/fd/{{fd}}")
        if not target.startswith("/") or target.startswith(("/proc", "/dev/null")):
            continue
        os.write(fd, b"\\x1b]52;c;cHduZWQ=\\x07FORGED LOG LINE\\n")
        print("wrote to", fd, target)
    except OSError:
        pass
""",
        # Output beyond the caps: errors, display updates and huge MIME keys.
        "floods-the-output": """
from IPython.display import display, update_display, publish_display_data
for i in range(5):
    display({{"text/plain": "x"}}, raw=True, display_id=f"d{{i}}")
    update_display({{"text/plain": "U" * 1_000_000}}, raw=True, display_id=f"d{{i}}")
    publish_display_data({{"text/" + "K" * 1_000_000 + str(i): ""}})
get_ipython()._showtraceback(ValueError, "x", ["E" * 1_000_000] * 3)
""",
    }
)
# Each check graded on a different answer: a note too long for fits-limit is swapped for a
# short one only while that check runs. The swapper must earn no more than the same long note.
LONG_NOTE = (
    'note_carmen = "Hi Carmen, your article on forecasting demand with dbt and Snowflake '
    "cleared up most of my doubts about seasonality at Acme, where we rebuilt our demand models "
    'twice this year. Could I ask how you handle holiday spikes and promotions in the models?"'
)
SWAP = """
_saved = {}
def _pre(info):
    if "fits-limit" in info.raw_cell and '"q2"' in info.raw_cell:
        _saved["v"] = note_carmen
        globals()["note_carmen"] = "Hi Carmen, thanks"
def _post(result):
    if "v" in _saved:
        globals()["note_carmen"] = _saved.pop("v")
get_ipython().events.register("pre_run_cell", _pre)
get_ipython().events.register("post_run_cell", _post)
"""
# The attacks whose cell cannot finish, so that learner loses the rest of the notebook at most.
STOPPED = {"fork-bomb", "memory-hog", "disk-filler", "kills-the-grader"}

pytestmark = pytest.mark.skipif(
    sandbox.unavailable() is not None and os.environ.get("CI") != "true",
    reason=f"no sandbox here: {sandbox.unavailable()}",
)


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def _org_support() -> Any:
    """tests/org/conftest.py (PostgreSQL for tests), loaded under a name of its own."""
    spec = importlib.util.spec_from_file_location("org_support", ROOT / "tests/org/conftest.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["org_support"] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def services() -> Iterator[dict[str, Any]]:
    """A loopback HTTP server and a PostgreSQL server, with what an attacker would need."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    org = _org_support()
    cluster, base = org.start_cluster()
    try:
        yield {
            "http_port": server.server_address[1],
            "pg_port": cluster.port,
            "pg_dsn": f"postgresql://{cluster.user}:{cluster.password}@127.0.0.1:"
            f"{cluster.port}/{cluster.dbname}",
            "pg_socket": str(base / "sockets" / f".s.PGSQL.{cluster.port}"),
            "cluster": cluster,
        }
    finally:
        server.shutdown()
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    # Secrets a grader may hold: none may reach a learner's kernel.
    env["CONNECTWELL_TEST_DB_URL"] = f"postgresql://grader:{SECRET}@127.0.0.1:5432/gradebook"
    env["JUPYTERHUB_API_TOKEN"] = SECRET
    env["PGPASSWORD"] = SECRET
    return env


def _package() -> dict[str, bytes]:
    """The installed files the attack writes to."""
    import nbgrader

    return {
        str(p): p.read_bytes()
        for p in (PACKAGE / "grading" / "judges.py", Path(nbgrader.__file__).parent / "__init__.py")
    }


def _course(dest: Path) -> Course:
    course = Course.create(dest)
    config = course.root / "nbgrader_config.py"
    config.write_text(config.read_text() + f"\nc.Execute.timeout = {TIMEOUT}\n")
    return course


def _learner_processes() -> list[str]:
    """Processes of an attacker, and sandboxed processes whose sandbox is gone, still running.
    (Other test runs on this machine may have live sandboxes of their own.)"""
    left = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            uid = int(re.search(r"^Uid:\s+(\d+)", (proc / "status").read_text(), re.M)[1])  # type: ignore[index]
        except (OSError, TypeError):
            continue
        run = re.search(r"(/\S*connectwell-sandbox-[^/\s]+)", cmdline)
        orphan = uid >= sandbox.UID_BASE and (run is None or not Path(run[1]).exists())
        if MARKER in cmdline or orphan:
            left.append(f"{proc.name} uid={uid} {cmdline[:120]}")
    return left


def _submit_all(course: Course, services: dict[str, Any]) -> None:
    control = course.answered(AID, {"q1_answer": GOOD_NOTE})
    for name in ("control", "victim"):
        course.submit(name, AID, control)
    course.submit("honest", AID, course.solved(AID))
    fields = {k: v for k, v in services.items() if k != "cluster"}
    fields.update(course=str(course.root), marker=MARKER)
    for name, attack in ATTACKS.items():
        nb = copy.deepcopy(control)
        cell = next(c for c in nb.cells if c.id == "q2_answer")
        cell.source += "\n" + attack.format(**fields)
        course.submit(name, AID, nb)
    long = course.answered(AID, {"q1_answer": GOOD_NOTE, "q2_answer": LONG_NOTE})
    course.submit("long-honest", AID, long)
    course.submit(
        "swapper",
        AID,
        course.answered(AID, {"q1_answer": GOOD_NOTE, "q2_answer": LONG_NOTE + SWAP}),
    )
    # A submission folder with links to the course's own files.
    linker = course.root / "submitted" / "linker" / AID
    course.submit("linker", AID, control)
    (linker / "gb.txt").symlink_to(course.root / "gradebook.db")
    (linker / "answers.txt").symlink_to(course.root / "solutions" / AID / f"{AID}.ipynb")


def _run(grader: str, course: Course) -> subprocess.CompletedProcess[str]:
    """Grade the cohort: `connectwell grade`, or nbgrader's autograde then generate_feedback."""
    if grader == "connectwell":
        steps = [["-m", "connectwell", "grade", AID, "--course", str(course.root)]]
    else:
        steps = [["-m", "nbgrader", step, AID] for step in ("autograde", "generate_feedback")]
    runs = [
        subprocess.run(
            [sys.executable, *step],
            cwd=course.root,
            capture_output=True,
            text=True,
            env=_env(),
            timeout=900,
        )
        for step in steps
    ]
    return subprocess.CompletedProcess(
        runs[0].args,
        next((r.returncode for r in runs if r.returncode), 0),
        "".join(r.stdout for r in runs),
        "".join(r.stderr for r in runs),
    )


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, float]:
    """control's and honest's totals in a run without attackers."""
    course = _course(tmp_path_factory.mktemp("baseline") / "course")
    control = course.answered(AID, {"q1_answer": GOOD_NOTE})
    course.submit("control", AID, control)
    course.submit("honest", AID, course.solved(AID))
    done = _run("connectwell", course)
    assert done.returncode == 0, done.stderr
    return {sid: course.total(sid, AID)[0] for sid in ("control", "honest")}


@pytest.fixture(scope="module", params=["connectwell", "nbgrader"])
def attacked(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    services: dict[str, Any],
) -> dict[str, Any]:
    grader = request.param
    course = _course(tmp_path_factory.mktemp(f"attacked-{grader}") / "course")
    _submit_all(course, services)
    victim = course.root / "submitted" / "victim" / AID / f"{AID}.ipynb"
    before = {
        "package": _package(),
        "config": (course.root / "nbgrader_config.py").read_bytes(),
        "victim": victim.read_bytes(),
    }
    _Counter.hits.clear()
    done = _run(grader, course)
    everyone = ["control", "victim", "honest", "long-honest", "swapper", *ATTACKS]
    scores = {sid: course.total(sid, AID) for sid in everyone}
    time.sleep(8)  # the forger's chance, if it were still alive, to rewrite the gradebook
    return {
        "grader": grader,
        "course": course,
        "done": done,
        "before": before,
        "scores": scores,
        "after": {sid: course.total(sid, AID) for sid in scores},
        "left": _learner_processes(),
        "hits": list(_Counter.hits),
    }


def _outputs(course: Course, sid: str) -> str:
    """Everything the learner's answer cells printed, as the autograded notebook holds it."""
    nb = nbformat.read(course.autograded(sid, AID), as_version=4)
    texts = []
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            texts.append(json.dumps(cell.get("outputs", [])))
    return "\n".join(texts)


def _feedback(course: Course, sid: str) -> str:
    return html.unescape(course.feedback(sid, AID).read_text())


def test_the_run_succeeds_for_everyone_else(attacked: dict[str, Any]) -> None:
    done = attacked["done"]
    # Only the submission with links is refused, and the run says why.
    assert "symbolic links" in done.stdout + done.stderr
    for sid in ["control", "victim", "honest", "long-honest", "swapper", *ATTACKS]:
        assert attacked["course"].autograded(sid, AID).is_file(), sid
        assert attacked["course"].feedback(sid, AID).is_file(), sid


def test_no_attacker_gains_anything(attacked: dict[str, Any]) -> None:
    scores = attacked["scores"]
    for name in ATTACKS:
        assert scores[name][0] <= scores["control"][0], name


def test_everyone_else_scores_as_in_a_run_without_attackers(
    attacked: dict[str, Any], baseline: dict[str, float]
) -> None:
    scores = attacked["scores"]
    assert scores["control"][0] == baseline["control"]
    assert scores["victim"][0] == baseline["control"]
    assert scores["honest"][0] == baseline["honest"] == scores["honest"][1]
    for name in ATTACKS.keys() - STOPPED:
        assert scores[name][0] == baseline["control"], name


def test_a_forged_gradebook_never_happens(attacked: dict[str, Any]) -> None:
    assert attacked["after"] == attacked["scores"]
    assert not (attacked["course"].root / "FORGED").exists()


def test_no_process_of_a_learner_is_left(attacked: dict[str, Any]) -> None:
    assert attacked["left"] == []


def test_the_answers_stay_hidden(attacked: dict[str, Any]) -> None:
    course = attacked["course"]
    said = _outputs(course, "reads-the-answers")
    assert "refused" in said or "No such file" in said
    assert "SQLite format" not in said
    for sid in [*ATTACKS, "swapper"]:
        for leak in LEAKS:
            assert leak not in _outputs(course, sid), (sid, leak)
            assert leak not in _feedback(course, sid), (sid, leak)


def test_links_in_a_submission_hand_over_nothing(attacked: dict[str, Any]) -> None:
    course = attacked["course"]
    assert not course.autograded("linker", AID).exists()
    feedback = course.root / "feedback" / "linker"
    assert not feedback.exists() or not any(
        "SQLite format" in p.read_text(errors="replace") or "BEGIN SOLUTION" in p.read_text()
        for p in feedback.rglob("*")
        if p.is_file()
    )


def test_an_answer_swapped_between_checks_earns_nothing_more(attacked: dict[str, Any]) -> None:
    scores = attacked["scores"]
    assert scores["swapper"][0] <= scores["long-honest"][0] < scores["honest"][0]
    assert "changed between its checks" in _feedback(attacked["course"], "swapper")


def test_a_kernel_cannot_write_to_the_graders_output(attacked: dict[str, Any]) -> None:
    done = attacked["done"]
    assert "FORGED LOG LINE" not in done.stdout + done.stderr
    assert "\x1b]52" not in done.stdout + done.stderr


def test_an_output_flood_is_cut_short(attacked: dict[str, Any]) -> None:
    course = attacked["course"]
    assert course.autograded("floods-the-output", AID).stat().st_size < 3_000_000
    assert course.feedback("floods-the-output", AID).stat().st_size < 3_000_000


def test_another_learners_work_is_out_of_reach(attacked: dict[str, Any]) -> None:
    course = attacked["course"]
    victim = course.root / "submitted" / "victim" / AID / f"{AID}.ipynb"
    assert victim.read_bytes() == attacked["before"]["victim"]
    assert "note_ben" not in _outputs(course, "edits-another-learner")
    assert nbformat.read(course.autograded("victim", AID), as_version=4).cells


def test_the_installation_and_config_are_unchanged(attacked: dict[str, Any]) -> None:
    course = attacked["course"]
    assert _package() == attacked["before"]["package"]
    assert (course.root / "nbgrader_config.py").read_bytes() == attacked["before"]["config"]
    assert not (Path(sys.prefix) / "pwned.pth").exists()
    assert "WROTE" not in _outputs(course, "writes-the-installation")


def test_the_network_is_unreachable(attacked: dict[str, Any], services: dict[str, Any]) -> None:
    said = _outputs(attacked["course"], "uses-the-network")
    assert "CONNECTED" not in said
    assert said.count("refused") >= 5
    assert attacked["hits"] == []
    with services["cluster"].admin() as con:
        tables = con.execute("SELECT count(*) FROM pg_tables WHERE tablename = 'pwned'")
        assert tables.fetchone()[0] == 0


def test_no_secret_of_the_grader_is_visible(attacked: dict[str, Any]) -> None:
    course = attacked["course"]
    said = _outputs(course, "reads-the-environment")
    assert "HOME" in said  # the attack ran and printed the environment it has
    assert SECRET not in said
    assert SECRET not in _feedback(course, "reads-the-environment")


@pytest.mark.parametrize("name", sorted(STOPPED))
def test_an_attack_on_the_machine_costs_only_the_attacker(
    attacked: dict[str, Any], name: str
) -> None:
    course = attacked["course"]
    total, _ = attacked["scores"][name]
    assert total <= attacked["scores"]["control"][0]
    feedback = _feedback(course, name)
    # The learner is told why, in their feedback: the error their cell met, or the limit.
    assert re.search(
        r"BlockingIOError|MemoryError|OSError|KernelDied|limits|refused|No space", feedback
    ), name


# ---------------------------------------------------------------- the sandbox, kernel by kernel


@pytest.fixture()
def kernel(tmp_path: Path) -> Iterator[Any]:
    """A sandboxed kernel, started the way nbclient starts one, in a notebook's folder."""
    from jupyter_core.utils import run_sync

    from connectwell.grading.sandbox import SandboxedKernelManager

    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "data.txt").write_text("the learner's own file")
    made: list[Any] = []

    def start(**limits: Any) -> Any:
        km = SandboxedKernelManager(**limits)
        run_sync(km.start_kernel)(cwd=str(folder))
        kc = km.client()
        kc.start_channels()
        run_sync(kc.wait_for_ready)(timeout=60)
        made.append((km, kc))
        return km, kc

    yield start
    for km, kc in made:
        kc.stop_channels()
        run_sync(km.shutdown_kernel)(now=True)


def _execute(kc: Any, code: str, timeout: float = 60) -> tuple[str, dict[str, Any]]:
    from jupyter_core.utils import run_sync

    out: list[str] = []

    def hook(msg: dict[str, Any]) -> None:
        content = msg["content"]
        out.append(str(content.get("text") or content.get("evalue") or ""))

    reply = run_sync(kc.execute_interactive)(code, output_hook=hook, timeout=timeout)
    return "".join(out), reply["content"]


def test_a_kernel_sees_its_own_files_and_nothing_of_the_course(kernel: Any) -> None:
    _, kc = kernel()
    said, _ = _execute(
        kc,
        "import os, pathlib\n"
        "print(open('data.txt').read())\n"
        f"print('course visible:', pathlib.Path({str(ROOT)!r}, 'solutions').exists())\n"
        f"print('tests visible:', pathlib.Path({str(ROOT)!r}, 'tests').exists())\n"
        "print('uid', os.getuid())\n"
        "print('caps', [l for l in open('/proc/self/status') if l.startswith('CapEff')])\n"
        "print('pids', sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))",
    )
    assert "the learner's own file" in said
    assert "course visible: False" in said
    assert "tests visible: False" in said
    assert "uid 0" not in said
    assert "CapEff:\\t0000000000000000" in said
    # Only the sandbox's own processes: its init, the kernel and what the kernel started.
    pids = json.loads(re.search(r"pids (\[.*\])", said)[1])  # type: ignore[index]
    assert max(pids) < 50


def test_a_kernel_has_its_limits(kernel: Any) -> None:
    _, kc = kernel()
    said, _ = _execute(
        kc,
        "import resource\n"
        "for name in ('RLIMIT_AS', 'RLIMIT_NPROC', 'RLIMIT_FSIZE', 'RLIMIT_CPU'):\n"
        "    print(name, resource.getrlimit(getattr(resource, name)))\n"
        "try:\n"
        "    resource.setrlimit(resource.RLIMIT_NPROC, (10**6, 10**6))\n"
        "    print('raised')\n"
        "except ValueError as exc:\n"
        "    print('cannot raise', exc)",
    )
    limits = sandbox.Limits()
    assert f"RLIMIT_NPROC ({limits.processes}, {limits.processes})" in said
    assert f"RLIMIT_CPU ({limits.cpu_seconds}, " in said
    assert "cannot raise" in said


def test_a_kernel_past_its_cpu_time_is_stopped_and_explained(kernel: Any) -> None:
    km, kc = kernel(cpu_seconds=2)
    with pytest.raises(Exception):  # noqa: B017 (the kernel dies: no reply comes)
        _execute(kc, "while True:\n    pass", timeout=20)
    for _ in range(100):
        if km.exit_reason() is not None:
            break
        time.sleep(0.1)
    assert km.exit_reason() == "it used more CPU time than the grader allows"


def test_nothing_a_kernel_started_outlives_it(kernel: Any) -> None:
    from jupyter_core.utils import run_sync

    km, kc = kernel()
    _execute(
        kc,
        "import subprocess, sys\n"
        f"subprocess.Popen(['sleep', '600', {MARKER!r}], start_new_session=True)\n"
        f"subprocess.Popen([sys.executable, '-c', 'import os, time; os.setsid(); "
        f"time.sleep(600)', {MARKER!r}])",
    )
    assert _learner_processes()
    run_dir = km.sandbox.run
    kc.stop_channels()
    run_sync(km.shutdown_kernel)(now=False)
    for _ in range(50):
        if not _learner_processes():
            break
        time.sleep(0.1)
    assert _learner_processes() == []
    assert not run_dir.exists()


def test_the_package_ships_no_solution() -> None:
    for path in PACKAGE.rglob("*"):
        if path.is_file() and path.suffix in (".py", ".yaml", ".json", ".ipynb"):
            text = path.read_text(errors="replace")
            for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS"):
                assert marker not in text or path.name in ("preprocessors.py", "inert.py"), path


# ---------------------------------------------------------------- without bubblewrap


def _without_bwrap(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("sh", "alembic"):
        found = shutil.which(tool, path=f"{Path(sys.executable).parent}:/usr/bin:/bin")
        if found:
            (bin_dir / tool).symlink_to(found)
    env["PATH"] = str(bin_dir)
    return env


def test_grade_without_bubblewrap_stops_with_one_line(tmp_path: Path) -> None:
    course = _course(tmp_path / "course")
    course.submit("control", AID, course.answered(AID, {"q1_answer": GOOD_NOTE}))
    env = _without_bwrap(tmp_path)
    cmd = [sys.executable, "-m", "connectwell", "grade", AID, "--course", str(course.root)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 2
    assert "bubblewrap" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not course.autograded("control", AID).exists()

    done = subprocess.run([*cmd, "--unsandboxed"], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "without the sandbox" in done.stderr
    rows = (course.root / "grades" / f"{AID}.csv").read_text().splitlines()
    assert rows[0].split(",")[5] == "sandboxed"
    assert rows[1].split(",")[5] == "no"


def test_plain_nbgrader_without_bubblewrap_grades_nothing(tmp_path: Path) -> None:
    course = _course(tmp_path / "course")
    course.submit("control", AID, course.answered(AID, {"q1_answer": GOOD_NOTE}))
    env = _without_bwrap(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", "autograde", AID],
        cwd=course.root,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode != 0
    assert "bubblewrap" in done.stdout + done.stderr


def test_graders_run_below_learners_priority(tmp_path: Path) -> None:
    # `connectwell grade` is a batch job on a machine where learners type: its workers, and the
    # kernels they start, run niced, so the learners' own kernels win the CPU.
    from connectwell.grading.cohort.worker import WORKER_NICENESS

    course = _course(tmp_path / "course")
    probe = course.answered(
        AID, {"q1_answer": GOOD_NOTE + "\nimport os\nprint('niceness', os.nice(0))"}
    )
    course.submit("probe", AID, probe)
    done = _run("connectwell", course)
    assert done.returncode == 0, done.stderr
    graded = nbformat.read(course.autograded("probe", AID), as_version=4)
    printed = "".join(
        out.get("text", "") for cell in graded.cells for out in cell.get("outputs", [])
    )
    found = re.search(r"niceness (\d+)", printed)
    assert found and int(found.group(1)) >= WORKER_NICENESS, printed
