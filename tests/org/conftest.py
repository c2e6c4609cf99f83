"""The course for a whole organisation, on this machine: fixtures for tests/org/.

- `pg_cluster` / `pg_url` / `pg_new_db` (session): a throw-away PostgreSQL cluster. Debian's
  `initdb` runs as the unprivileged `postgres` account (as yourself when not root) into a
  temporary folder; the server listens on 127.0.0.1 on a free port, its unix sockets stay in
  that folder, and every connection needs a password (scram-sha-256). `pg_url` is
  `postgresql+psycopg://connectwell:PASSWORD@127.0.0.1:PORT/connectwell`, for a role that owns
  its database and may create more; `pg_new_db("name")` returns the URL of a new, empty
  database (dropped and made again if it exists). At the end: `pg_ctl stop -m fast`, and the
  folder is removed.
- `org_users` (session): real accounts, made with `useradd` under unique `cwtest-…` names,
  for one instructor and three learners, with private home folders (mode 700) in a temporary
  folder; deleted at the end, and the teardown fails if any of their processes is still alive.
  `org_users.run_as(user, argv)` (also the `run_as` fixture) runs a command as that account
  with a clean environment in which .venv-org/bin comes first on PATH: a venv of Debian's
  /usr/bin/python3 with this checkout installed editable (scripts/install_org.sh makes it),
  because .venv's own Python may live in root's private home.
- `exchange`: a fresh nbgrader exchange root, writable by every account, as nbgrader's
  documentation asks for several users (`chmod ugo+rw`; plus the sticky bit, as /tmp has).
- `proxy_bin`: configurable-http-proxy from deploy/node_modules (scripts/install_org.sh).
- `hub` (module): deploy/jupyterhub_config.py running as root on free loopback ports for
  org_users (instructor in formgrade-connectwell, learners in nbgrader-connectwell), exchange
  `hub_exchange`, gradebook `hub_db_url` (its own PostgreSQL database) for the instructor's
  server, a shared password (`hub.password`) and an admin service token. `hub.token_for(user)`,
  `hub.spawn(user, token)`, `hub.stop_server(user)`, `hub.execute(user, token, code)` (a kernel
  over REST + websocket), `hub.nbgrader_env(user, token, exchange)` (for nbgrader commands
  through run_as with nbgrader's JupyterHub plugin). At the end: SIGTERM, and the teardown
  fails if a process of the hub, the proxy or the accounts is still alive.
- `accounts()`, `exchange_root()`, `start_hub()`: the same as context managers and a function,
  for benchmarks/bench_hub_memory.py.

Without what they need (root, PostgreSQL's binaries, JupyterHub, the proxy) the tests skip
and say how to install it; when CI=true they fail instead, so CI cannot pass by skipping.

    bash scripts/install_org.sh && .venv/bin/pytest tests/org -q
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The course helpers the other test modules use (tests/nbgrader_course.py).
sys.path.insert(0, str(ROOT / "tests"))
# The accounts' environment (scripts/install_org.sh): a venv of /usr/bin/python3 with this
# checkout installed editable, because .venv's Python may sit under root's private home.
ORG_VENV = ROOT / ".venv-org"
VENV_BIN = ORG_VENV / "bin"
PROXY = ROOT / "deploy" / "node_modules" / ".bin" / "configurable-http-proxy"
INSTALL_HINT = "run `bash scripts/install_org.sh` (or `bash scripts/test.sh`)"
START_TIMEOUT = 120  # seconds: a wait limit for a slow machine, not a measurement
IN_CI = os.environ.get("CI") == "true"


def unavailable(reason: str) -> None:
    """Skip, saying what is missing; in CI fail, so that CI cannot pass by skipping."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true, so this fails instead of skipping)", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin(name: str) -> str | None:
    """A PostgreSQL program: on PATH, else the newest under /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found

    def version(path: str) -> tuple[int, ...]:
        part = Path(path).parts[-3]
        return tuple(int(x) for x in re.findall(r"\d+", part))

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version)
    return candidates[-1] if candidates else None


def _is_root() -> bool:
    return os.geteuid() == 0


def _as_account(name: str) -> dict[str, Any]:
    """subprocess arguments that run a child as that account, without root's groups."""
    entry = pwd.getpwnam(name)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def pids_of(uid: int) -> list[int]:
    """Every live process whose real user is uid (from /proc; zombies left out)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("State", "").strip().startswith("Z"):
            continue
        if int(fields.get("Uid", "-1").split()[0]) == uid:
            found.append(int(entry))
    return found


# --- PostgreSQL -------------------------------------------------------------------------------


@dataclass
class PgCluster:
    """A running throw-away cluster; `url` is the course's gradebook database."""

    data: Path
    port: int
    user: str
    password: str
    dbname: str
    admin_user: str
    admin_password: str
    pg_ctl: str
    run_kw: dict[str, Any] = field(default_factory=dict)
    host: str = "127.0.0.1"

    def url_for(self, dbname: str, *, user: str | None = None, password: str | None = None) -> str:
        return (
            f"postgresql+psycopg://{user or self.user}:{password or self.password}"
            f"@{self.host}:{self.port}/{dbname}"
        )

    @property
    def url(self) -> str:
        return self.url_for(self.dbname)

    def admin(self) -> Any:
        """A psycopg connection as the cluster's superuser (autocommit)."""
        import psycopg

        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.admin_user,
            password=self.admin_password,
            dbname="postgres",
            autocommit=True,
        )

    def new_db(self, name: str | None = None) -> str:
        """An empty database owned by the course's role; its SQLAlchemy URL."""
        from psycopg import sql

        name = name or f"cw_{secrets.token_hex(4)}"
        with self.admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(name), sql.Identifier(self.user)
                )
            )
        return self.url_for(name)

    def stop(self) -> None:
        subprocess.run(
            [self.pg_ctl, "stop", "-D", str(self.data), "-m", "fast", "-w", "-t", "60"],
            capture_output=True,
            text=True,
            **self.run_kw,
        )

    def running(self) -> bool:
        pidfile = self.data / "postmaster.pid"
        if not pidfile.exists():
            return False
        pid = int(pidfile.read_text().split()[0])
        return Path(f"/proc/{pid}").exists()


def start_cluster() -> tuple[PgCluster, Path]:
    initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        unavailable(f"PostgreSQL's initdb and pg_ctl are not installed: {INSTALL_HINT}")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        unavailable("the PostgreSQL driver psycopg is not installed: pip install -e '.[test]'")
    run_kw: dict[str, Any] = {}
    if _is_root():  # initdb refuses root: run the server as Debian's postgres account
        try:
            run_kw = _as_account("postgres")
        except KeyError:
            unavailable(f"there is no `postgres` account to run PostgreSQL as: {INSTALL_HINT}")
    base = Path(tempfile.mkdtemp(prefix="cwtest-pg-"))
    if run_kw:
        os.chown(base, run_kw["user"], run_kw["group"])
    os.chmod(base, 0o700)
    data, sockets, pwfile = base / "data", base / "sockets", base / "pwfile"
    admin_password, password = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    pwfile.write_text(admin_password + "\n")
    sockets.mkdir()
    for path in (pwfile, sockets):
        if run_kw:
            os.chown(path, run_kw["user"], run_kw["group"])
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(base)}
    init = subprocess.run(
        [initdb, "-D", str(data), "-U", "cwadmin", f"--pwfile={pwfile}", "-E", "UTF8",
         "--locale=C", "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "--no-instructions"],
        capture_output=True, text=True, env=env, **run_kw,
    )  # fmt: skip
    pwfile.unlink()
    if init.returncode != 0:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"initdb failed: {init.stderr.strip()[-2000:]}", pytrace=False)
    cluster = PgCluster(
        data=data,
        port=0,
        user="connectwell",
        password=password,
        dbname="connectwell",
        admin_user="cwadmin",
        admin_password=admin_password,
        pg_ctl=pg_ctl,
        run_kw=run_kw,
    )
    options = (
        f"-c listen_addresses=127.0.0.1 -c unix_socket_directories={sockets} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
    )
    for _attempt in range(3):  # a free port may be taken between the check and the start
        cluster.port = free_port()
        start = subprocess.run(
            [pg_ctl, "start", "-D", str(data), "-l", str(base / "server.log"), "-w",
             "-t", str(START_TIMEOUT), "-o", f"{options} -c port={cluster.port}"],
            capture_output=True, text=True, env=env, **run_kw,
        )  # fmt: skip
        if start.returncode == 0:
            break
    else:
        log = (base / "server.log").read_text(errors="replace")[-2000:]
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"PostgreSQL did not start: {start.stderr.strip()}\n{log}", pytrace=False)
    from psycopg import sql

    with cluster.admin() as conn:
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN CREATEDB PASSWORD {}").format(
                sql.Identifier(cluster.user), sql.Literal(password)
            )
        )
    cluster.new_db(cluster.dbname)
    return cluster, base


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    cluster, base = start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()
        if cluster.running():  # pg_ctl could not stop it: end the postmaster we started
            os.kill(int((cluster.data / "postmaster.pid").read_text().split()[0]), signal.SIGQUIT)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_url(pg_cluster: PgCluster) -> str:
    """postgresql+psycopg://connectwell:PASSWORD@127.0.0.1:PORT/connectwell"""
    return pg_cluster.url


@pytest.fixture(scope="session")
def pg_new_db(pg_cluster: PgCluster) -> Callable[..., str]:
    """pg_new_db(name=None) -> the URL of a new, empty database."""
    return pg_cluster.new_db


# --- accounts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrgUser:
    name: str
    uid: int
    gid: int
    home: Path

    def __str__(self) -> str:
        return self.name


@dataclass
class OrgUsers:
    instructor: OrgUser
    learners: list[OrgUser]
    base: Path

    @property
    def all(self) -> list[OrgUser]:
        return [self.instructor, *self.learners]

    def get(self, user: OrgUser | str) -> OrgUser:
        if isinstance(user, OrgUser):
            return user
        for u in self.all:
            if u.name == user:
                return u
        raise KeyError(user)

    def env(self, user: OrgUser | str, extra: dict[str, str] | None = None) -> dict[str, str]:
        """A login-like environment: the venv's programs first on PATH, nothing from ours."""
        u = self.get(user)
        env = {
            "HOME": str(u.home),
            "USER": u.name,
            "LOGNAME": u.name,
            "SHELL": "/bin/bash",
            "LANG": "C.UTF-8",
            "PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin",
        }
        env.update(extra or {})
        return env

    def _kw(self, user: OrgUser | str, kw: dict[str, Any]) -> dict[str, Any]:
        u = self.get(user)
        kw = dict(kw)
        kw["env"] = self.env(u, kw.pop("env", None))
        kw.setdefault("cwd", str(u.home))
        kw.update({"user": u.uid, "group": u.gid, "extra_groups": []})
        return kw

    def run_as(
        self, user: OrgUser | str, argv: Sequence[str], **kw: Any
    ) -> subprocess.CompletedProcess[str]:
        """Run argv as that account in its home folder; output captured as text, no check.
        `env=` adds to (does not replace) the clean environment."""
        kw.setdefault("capture_output", True)
        kw.setdefault("text", True)
        kw.setdefault("timeout", 300)
        return subprocess.run(list(argv), **self._kw(user, kw))

    def popen_as(self, user: OrgUser | str, argv: Sequence[str], **kw: Any) -> subprocess.Popen:
        """Start argv as that account (for servers); the caller stops it."""
        return subprocess.Popen(list(argv), **self._kw(user, kw))


def _remove_account(name: str) -> None:
    subprocess.run(["userdel", "--remove", name], capture_output=True)
    subprocess.run(["groupdel", name], capture_output=True)  # userdel keeps a shared one


@contextlib.contextmanager
def accounts(learners: int = 3) -> Iterator[OrgUsers]:
    """One instructor and `learners` learners as real accounts, deleted at the end (an error
    then if any of their processes was still alive: they are killed, by pid, first)."""
    if not _is_root():
        unavailable("making test accounts with useradd needs root")
    if not shutil.which("useradd"):
        unavailable("useradd is not installed (Debian package passwd)")
    if not (VENV_BIN / "jupyterhub-singleuser").exists():
        unavailable(f"the accounts' environment .venv-org is missing: {INSTALL_HINT}")
    closed = [p for p in [ROOT, *ROOT.parents] if not os.stat(p).st_mode & 0o001]
    if closed:
        unavailable(f"other accounts cannot enter {closed[0]}, so they cannot run .venv-org")
    tag = secrets.token_hex(3)
    base = Path(tempfile.mkdtemp(prefix=f"cwtest-{tag}-homes-"))
    os.chmod(base, 0o755)
    roles = ["instr", *(f"learner{i}" for i in range(1, learners + 1))]
    made: list[OrgUser] = []
    try:
        for role in roles:
            name = f"cwtest-{tag}-{role}"
            add = subprocess.run(
                ["useradd", "--create-home", "--base-dir", str(base), "--user-group",
                 "--shell", "/bin/bash", name],
                capture_output=True, text=True,
            )  # fmt: skip
            if add.returncode != 0:
                pytest.fail(f"useradd {name} failed: {add.stderr.strip()}", pytrace=False)
            entry = pwd.getpwnam(name)
            home = Path(entry.pw_dir)
            os.chmod(home, 0o700)  # private homes: the deployment docs ask for this
            made.append(OrgUser(name, entry.pw_uid, entry.pw_gid, home))
        yield OrgUsers(instructor=made[0], learners=made[1:], base=base)
    finally:
        leftovers = {u.name: pids_of(u.uid) for u in made}
        for pids in leftovers.values():
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        time.sleep(0.5 if any(leftovers.values()) else 0)
        for u in made:
            _remove_account(u.name)
        shutil.rmtree(base, ignore_errors=True)
        alive = {name: pids for name, pids in leftovers.items() if pids}
        if alive:
            pytest.fail(f"processes of the test accounts were still alive: {alive}", pytrace=False)


@pytest.fixture(scope="session")
def org_users() -> Iterator[OrgUsers]:
    """org_users.instructor, org_users.learners (three), org_users.all; each an OrgUser with
    name, uid, gid, home. org_users.run_as(user, argv, **kw), popen_as(...), env(user)."""
    with accounts(3) as users:
        yield users


@pytest.fixture(scope="session")
def run_as(org_users: OrgUsers) -> Callable[..., subprocess.CompletedProcess[str]]:
    """run_as(user, argv, **subprocess_kw) -> CompletedProcess (text, captured, unchecked)."""
    return org_users.run_as


# --- exchange, proxy --------------------------------------------------------------------------


@contextlib.contextmanager
def exchange_root() -> Iterator[Path]:
    """An empty nbgrader exchange root every account can write to (mode 1777, like /tmp)."""
    base = Path(tempfile.mkdtemp(prefix="cwtest-exchange-"))
    os.chmod(base, 0o755)
    root = base / "exchange"
    root.mkdir()
    os.chmod(root, 0o1777)
    try:
        yield root
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def exchange() -> Iterator[Path]:
    """An empty nbgrader exchange root every account can write to (mode 1777, like /tmp)."""
    with exchange_root() as root:
        yield root


@pytest.fixture(scope="session")
def proxy_bin() -> Path:
    return proxy_path()


# --- JupyterHub -------------------------------------------------------------------------------

HUB_CONFIG = ROOT / "deploy" / "jupyterhub_config.py"
HUB_BIN = Path(sys.executable).parent / "jupyterhub"


class HubError(RuntimeError):
    pass


@dataclass
class Hub:
    """deploy/jupyterhub_config.py running as root on loopback, with a shared test password
    (SharedPasswordAuthenticator) and an admin service token for the REST API."""

    url: str
    api_url: str  # the hub's own API, as the servers reach it
    admin_token: str
    password: str
    process: subprocess.Popen
    state: Path
    log: Path

    def api(self, method: str, path: str, token: str | None = None, **kw: Any) -> Any:
        import requests

        headers = {"Authorization": f"token {token or self.admin_token}"}
        return requests.request(
            method, f"{self.url}/hub/api{path}", headers=headers, timeout=60, **kw
        )

    def token_for(self, user: OrgUser | str, note: str = "cwtest") -> str:
        r = self.api("POST", f"/users/{user}/tokens", json={"note": note, "expires_in": 3600})
        if r.status_code != 201:
            raise HubError(f"token for {user}: {r.status_code} {r.text}")
        return r.json()["token"]

    def spawn(self, user: OrgUser | str, token: str) -> None:
        """Start the account's server through the API, as its owner; wait until it is ready."""
        r = self.api("POST", f"/users/{user}/server", token=token)
        if r.status_code not in (201, 202):
            raise HubError(f"spawn {user}: {r.status_code} {r.text}")
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            model = self.api("GET", f"/users/{user}", token=token).json()
            server = model.get("servers", {}).get("")
            if server and server.get("ready"):
                return
            if not server or (not server.get("pending") and not server.get("ready")):
                raise HubError(f"{user}'s server did not start:\n{self.tail()}")
            if self.process.poll() is not None:
                raise HubError(f"the hub exited while {user}'s server started:\n{self.tail()}")
            time.sleep(0.5)
        raise HubError(f"{user}'s server was not ready after {START_TIMEOUT}s:\n{self.tail()}")

    def stop_server(self, user: OrgUser | str) -> None:
        r = self.api("DELETE", f"/users/{user}/server")
        if r.status_code not in (202, 204):
            raise HubError(f"stop {user}: {r.status_code} {r.text}")
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if not self.api("GET", f"/users/{user}").json().get("servers"):
                return
            time.sleep(0.5)
        raise HubError(f"{user}'s server did not stop")

    def nbgrader_env(self, user: OrgUser | str, token: str, exchange: Path) -> dict[str, str]:
        """What a server on this hub gives nbgrader (deploy/jupyter/common's config, the
        exchange, the hub API for nbgrader's JupyterHub plugin), for nbgrader commands run
        with run_as as if from that account's terminal. Instructors add
        CONNECTWELL_COURSE_ROOT (their clone) and CONNECTWELL_DB_URL themselves."""
        return {
            "JUPYTER_CONFIG_PATH": str(ROOT / "deploy" / "jupyter" / "common"),
            "CONNECTWELL_EXCHANGE": str(exchange),
            "CONNECTWELL_COURSE_ID": "connectwell",
            "JUPYTERHUB_USER": str(user),
            "JUPYTERHUB_API_URL": self.api_url,
            "JUPYTERHUB_API_TOKEN": token,
        }

    def server(self, user: OrgUser | str) -> str:
        return f"{self.url}/user/{user}"

    def start_kernel(self, user: OrgUser | str, token: str) -> str:
        import requests

        r = requests.post(
            f"{self.server(user)}/api/kernels",
            json={"name": "python3"},
            headers={"Authorization": f"token {token}"},
            timeout=120,
        )
        if r.status_code != 201:
            raise HubError(f"kernel for {user}: {r.status_code} {r.text}")
        return r.json()["id"]

    def stop_kernel(self, user: OrgUser | str, token: str, kernel: str) -> None:
        import requests

        r = requests.delete(
            f"{self.server(user)}/api/kernels/{kernel}",
            headers={"Authorization": f"token {token}"},
            timeout=120,
        )
        if r.status_code != 204:
            raise HubError(f"stop kernel of {user}: {r.status_code} {r.text}")

    def run(self, user: OrgUser | str, token: str, kernel: str, code: str) -> dict[str, Any]:
        """Run code in a kernel of the user's server over its websocket, as JupyterLab does:
        {"stdout": text, "error": the exception's name or None}."""
        import websocket

        ws = websocket.create_connection(
            f"{self.server(user).replace('http://', 'ws://')}/api/kernels/{kernel}/channels",
            header=[f"Authorization: token {token}"],
            timeout=START_TIMEOUT,
        )
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "msg_type": "execute_request", "username": str(user),
                  "session": uuid.uuid4().hex, "version": "5.3", "date": ""}  # fmt: skip
        content = {"code": code, "silent": False, "store_history": False}
        ws.send(json.dumps({"header": header, "parent_header": {}, "metadata": {},
                            "content": content, "channel": "shell", "buffers": []}))  # fmt: skip
        stdout, error = [], None
        try:
            while True:
                msg = json.loads(ws.recv())
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind, body = msg["msg_type"], msg["content"]
                if kind == "stream" and body["name"] == "stdout":
                    stdout.append(body["text"])
                elif kind == "error":
                    error = body["ename"]
                elif kind == "status" and body["execution_state"] == "idle":
                    break
        finally:
            ws.close()
        return {"stdout": "".join(stdout), "error": error}

    def execute(self, user: OrgUser | str, token: str, code: str) -> dict[str, Any]:
        """Run code in a new kernel of the user's server, then shut the kernel down."""
        kernel = self.start_kernel(user, token)
        try:
            return self.run(user, token, kernel, code)
        finally:
            self.stop_kernel(user, token, kernel)

    def tail(self, n: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-n:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the hub stops its servers and its proxy
            try:
                self.process.wait(START_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def session_pids(sid: int) -> list[int]:
    """Live processes in session sid (the hub runs in its own session, with the proxy)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if fields[0] != "Z" and int(fields[3]) == sid:
                found.append(int(entry))
    return found


def proxy_path() -> Path:
    if not (PROXY.exists() and os.access(PROXY, os.X_OK)):
        unavailable(f"configurable-http-proxy is not in deploy/node_modules: {INSTALL_HINT}")
    if not shutil.which("node"):
        unavailable(f"Node.js is not installed: {INSTALL_HINT}")
    return PROXY


def start_hub(
    users: OrgUsers, exchange: Path, proxy: Path, env: dict[str, str] | None = None
) -> Hub:
    """JupyterHub with deploy/jupyterhub_config.py for these accounts, on free loopback ports."""
    if not HUB_BIN.exists():
        unavailable("JupyterHub is not installed: pip install -e '.[test]'")
    state = Path(tempfile.mkdtemp(prefix="cwtest-hub-"))
    os.chmod(state, 0o700)
    admin_token, password = secrets.token_hex(24), secrets.token_urlsafe(12)
    ports: set[int] = set()
    while len(ports) < 3:  # three different ones
        ports.add(free_port())
    port, api_port, proxy_port = sorted(ports)
    config = state / "jupyterhub_config.py"
    config.write_text(
        f"c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(HUB_CONFIG)!r})  # noqa: F821\n"
        "c.JupyterHub.authenticator_class = 'shared-password'\n"
        f"c.SharedPasswordAuthenticator.user_password = {password!r}\n"
        f"c.JupyterHub.services = [{{'name': 'cwtest-admin', 'api_token': {admin_token!r}}}]\n"
        "c.JupyterHub.load_roles.append({'name': 'cwtest-admin', 'services': ['cwtest-admin'],\n"
        "    'scopes': ['admin:users', 'admin:servers', 'tokens', 'admin:groups', 'list:users']})\n"
    )
    hub_env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": str(state),
        "CONNECTWELL_HUB_URL": f"http://127.0.0.1:{port}",
        "CONNECTWELL_HUB_API_URL": f"http://127.0.0.1:{api_port}",
        "CONNECTWELL_PROXY_API_URL": f"http://127.0.0.1:{proxy_port}",
        "CONNECTWELL_HUB_STATE": str(state),
        "CONNECTWELL_PROXY": str(proxy),
        "CONNECTWELL_SINGLEUSER": str(VENV_BIN / "jupyterhub-singleuser"),
        "CONNECTWELL_INSTRUCTORS": users.instructor.name,
        "CONNECTWELL_LEARNERS": ",".join(u.name for u in users.learners),
        "CONNECTWELL_EXCHANGE": str(exchange),
        "CONFIGPROXY_AUTH_TOKEN": secrets.token_hex(24),
        **(env or {}),
    }
    log = state / "jupyterhub.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(HUB_BIN), "-f", str(config)],
            cwd=state,
            env=hub_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    hub = Hub(
        url=f"http://127.0.0.1:{port}",
        api_url=f"http://127.0.0.1:{api_port}/hub/api",
        admin_token=admin_token,
        password=password,
        process=process,
        state=state,
        log=log,
    )
    import requests

    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            raise HubError(f"JupyterHub exited with status {process.returncode}:\n{hub.tail()}")
        try:
            if hub.api("GET", "/").status_code == 200:
                return hub
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            hub.stop()
            raise HubError(f"JupyterHub did not answer within {START_TIMEOUT}s:\n{hub.tail()}")
        time.sleep(0.5)


def leftover_processes(hub: Hub, users: OrgUsers) -> dict[str, list[str]]:
    """What is still alive of the hub's session and of the accounts' processes."""

    def describe(pid: int) -> str:
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            cmd = "?"
        return f"{pid} {cmd[:120]}"

    found = {"hub": [describe(p) for p in session_pids(hub.process.pid)]}
    for u in users.all:
        found[u.name] = [describe(p) for p in pids_of(u.uid)]
    return {k: v for k, v in found.items() if v}


@pytest.fixture(scope="module")
def hub_exchange() -> Iterator[Path]:
    """An exchange root for a module's hub (as `exchange`)."""
    with exchange_root() as root:
        yield root


@pytest.fixture(scope="module")
def hub_db_url(pg_new_db: Callable[..., str]) -> str:
    """The gradebook the hub gives instructors' servers: its own PostgreSQL database."""
    return pg_new_db("hub_gradebook")


@pytest.fixture(scope="module")
def hub(org_users: OrgUsers, hub_exchange: Path, proxy_bin: Path, hub_db_url: str) -> Iterator[Hub]:
    """The course's hub (deploy/jupyterhub_config.py) for org_users, with a PostgreSQL
    gradebook (`hub_db_url`) for the instructor's server. At the end it gets SIGTERM, and the
    teardown fails if any process of the hub, its proxy or the accounts is still alive."""
    try:
        running = start_hub(org_users, hub_exchange, proxy_bin, {"CONNECTWELL_DB_URL": hub_db_url})
    except HubError as err:
        pytest.fail(str(err), pytrace=False)
    try:
        yield running
    finally:
        running.stop()
        deadline = time.monotonic() + 30
        left = leftover_processes(running, org_users)
        while left and time.monotonic() < deadline:  # the hub has exited; give children a moment
            time.sleep(0.5)
            left = leftover_processes(running, org_users)
        shutil.rmtree(running.state, ignore_errors=True)
        if left:
            for lines in left.values():
                for line in lines:
                    try:
                        os.kill(int(line.split()[0]), signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            pytest.fail(f"processes left behind after the hub stopped: {left}", pytrace=False)
