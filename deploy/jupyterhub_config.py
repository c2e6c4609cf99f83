"""JupyterHub for the ConnectWell course: one server per account, on this machine.

    jupyterhub -f deploy/jupyterhub_config.py      # as root: servers run as the accounts

Learners (hub group nbgrader-<course>) get JupyterLab with the course's widgets, nbgrader's
Assignments tab and Validate; instructors (hub group formgrade-<course>) get the formgrader and
the course list too. Each account's server runs as that system account (LocalProcessSpawner),
so the filesystem's permissions decide who reads what: private homes (mode 700), and nbgrader's
exchange, where a learner can submit but cannot list anyone's submissions.

Every setting comes from the environment, so that production and the tests (tests/org/) use
this same file. Defaults are for a single machine, on loopback:

CONNECTWELL_COURSE_ID       course id and group suffix (connectwell)
CONNECTWELL_INSTRUCTORS     comma-separated accounts: group formgrade-<course>
CONNECTWELL_LEARNERS        comma-separated accounts: group nbgrader-<course>
CONNECTWELL_ADMINS          comma-separated hub admins (none)
CONNECTWELL_HUB_URL         where people connect (http://127.0.0.1:8000); behind a TLS proxy
                            in production, e.g. http://0.0.0.0:8000 with nginx in front
CONNECTWELL_HUB_API_URL     the hub's own API, for the proxy and servers (http://127.0.0.1:8081)
CONNECTWELL_PROXY_API_URL   configurable-http-proxy's API (http://127.0.0.1:8001)
CONNECTWELL_PROXY           configurable-http-proxy (deploy/node_modules/.bin/…, else PATH)
CONNECTWELL_HUB_STATE       the hub's database, cookie secret and proxy pid file
                            (/srv/connectwell/hub)
CONNECTWELL_HUB_DB_URL      the hub's own database (sqlite in CONNECTWELL_HUB_STATE)
CONNECTWELL_SINGLEUSER      jupyterhub-singleuser of the environment the servers run in: it
                            must have connectwell[org] installed (default: next to this
                            Python, else PATH)
CONNECTWELL_EXCHANGE        nbgrader's exchange root (/srv/nbgrader/exchange)
CONNECTWELL_COURSE_ROOT     instructors' clone of the course repository (~/connectwell)
CONNECTWELL_DB_URL          the gradebook (PostgreSQL), given to instructors' servers only
CONNECTWELL_START_TIMEOUT   seconds a server may take to start (120)

The authenticator is JupyterHub's default, PAM (the machine's passwords); set another one in a
config file that loads this one (`load_subconfig`), as tests/org/test_hub.py does.
"""

import os
import shutil
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub provides it)

HERE = Path(__file__).resolve().parent
JUPYTER = HERE / "jupyter"  # per-role Jupyter config folders (see deploy/jupyter/)
# The same JupyterLab defaults as `connectwell lab`.
LAB_DEFAULTS = HERE.parent / "src" / "connectwell" / "course" / "jupyter_config"


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def _names(name: str) -> list[str]:
    return [n.strip() for n in os.environ.get(name, "").split(",") if n.strip()]


COURSE = _env("CONNECTWELL_COURSE_ID", "connectwell")
INSTRUCTORS = _names("CONNECTWELL_INSTRUCTORS")
LEARNERS = _names("CONNECTWELL_LEARNERS")
ADMINS = _names("CONNECTWELL_ADMINS")
STATE = Path(_env("CONNECTWELL_HUB_STATE", "/srv/connectwell/hub"))
STATE.mkdir(parents=True, exist_ok=True, mode=0o700)


def _program(variable: str, name: str, *candidates: Path) -> str:
    configured = os.environ.get(variable)
    if configured:
        return configured
    for path in candidates:
        if path.exists():
            return str(path)
    return shutil.which(name) or name


PROXY = _program(
    "CONNECTWELL_PROXY",
    "configurable-http-proxy",
    HERE / "node_modules" / ".bin" / "configurable-http-proxy",
)
SINGLEUSER = _program(
    "CONNECTWELL_SINGLEUSER",
    "jupyterhub-singleuser",
    Path(sys.executable).parent / "jupyterhub-singleuser",
)

# --- the hub and its proxy --------------------------------------------------------------------
c.JupyterHub.bind_url = _env("CONNECTWELL_HUB_URL", "http://127.0.0.1:8000")
c.JupyterHub.hub_bind_url = _env("CONNECTWELL_HUB_API_URL", "http://127.0.0.1:8081")
c.JupyterHub.db_url = _env("CONNECTWELL_HUB_DB_URL", f"sqlite:///{STATE / 'jupyterhub.sqlite'}")
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.ConfigurableHTTPProxy.command = [PROXY]
c.ConfigurableHTTPProxy.api_url = _env("CONNECTWELL_PROXY_API_URL", "http://127.0.0.1:8001")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
# Stopping the hub stops the proxy and every server it started.
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# --- who is who -------------------------------------------------------------------------------
c.Authenticator.allowed_users = set(INSTRUCTORS + LEARNERS)
c.Authenticator.admin_users = set(ADMINS)
# nbgrader ties groups to courses by name: nbgrader-<course> takes the course, formgrade-<course>
# grades it (nbgrader's "multiple classes" set-up). `nbgrader db student add` with the
# JupyterHub plugin adds learners to nbgrader-<course> later.
c.JupyterHub.load_groups = {
    f"formgrade-{COURSE}": {"users": INSTRUCTORS},
    f"nbgrader-{COURSE}": {"users": LEARNERS},
}
c.JupyterHub.load_roles = [
    # A server's own token acts as its owner, as nbgrader's JupyterHub plugin needs (it reads
    # the owner's groups, and an instructor's server adds learners to the course group).
    {"name": "server", "scopes": ["inherit"]},
    {
        "name": f"instructor-{COURSE}",
        "description": f"Instructors of {COURSE}: see the accounts, manage the course's group",
        "groups": [f"formgrade-{COURSE}"],
        "scopes": [
            "list:users",
            "read:users",
            "list:groups",
            "read:groups",
            f"groups!group=nbgrader-{COURSE}",
        ],
    },
]

# --- each account's server --------------------------------------------------------------------
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.cmd = [SINGLEUSER]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = int(_env("CONNECTWELL_START_TIMEOUT", "120"))
c.Spawner.http_timeout = int(_env("CONNECTWELL_START_TIMEOUT", "120"))
# Only what is set here reaches the servers (and never CONNECTWELL_DB_URL, see below).
c.Spawner.env_keep = ["LANG", "LC_ALL", "TZ"]

_COMMON_ENV = {
    # The server's environment first, so its kernels run the same Python.
    "PATH": os.pathsep.join([str(Path(SINGLEUSER).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
    "CONNECTWELL_COURSE_ID": COURSE,
    "CONNECTWELL_EXCHANGE": _env("CONNECTWELL_EXCHANGE", "/srv/nbgrader/exchange"),
}


def role_of(user) -> str:
    """'instructor' for the course's graders (formgrade-<course>), else 'learner'."""
    groups = {g.name for g in user.groups}
    return "instructor" if f"formgrade-{COURSE}" in groups else "learner"


def pre_spawn_hook(spawner) -> None:
    """Per role: which nbgrader extensions the server loads (deploy/jupyter/<role>/) and, for
    instructors only, where the course and the gradebook are."""
    role = role_of(spawner.user)
    config_path = [JUPYTER / role, JUPYTER / "common", LAB_DEFAULTS]
    env = dict(_COMMON_ENV, JUPYTER_CONFIG_PATH=os.pathsep.join(map(str, config_path)))
    if role == "instructor":
        env["CONNECTWELL_COURSE_ROOT"] = _env("CONNECTWELL_COURSE_ROOT", "~/connectwell")
        if os.environ.get("CONNECTWELL_DB_URL"):
            env["CONNECTWELL_DB_URL"] = os.environ["CONNECTWELL_DB_URL"]
    spawner.environment = env  # a new dict each time: nothing carries over between accounts


c.Spawner.pre_spawn_hook = pre_spawn_hook
