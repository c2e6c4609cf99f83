#!/usr/bin/env bash
# What the organisation tests (tests/org/) need beyond the `test` extra: Debian's PostgreSQL
# server (initdb, pg_ctl) and JupyterHub's proxy, configurable-http-proxy, from the npm
# registry into deploy/node_modules (the version pinned in deploy/package-lock.json).
# JupyterHub and the PostgreSQL driver are Python packages: the `org` extra, inside `test`.
# The learners' and instructors' servers run as their own accounts, which cannot run .venv's
# Python when it lives under root's home (pyenv): they get .venv-org, a venv of Debian's
# /usr/bin/python3 with this checkout installed editable with the `org` extra.
# Does nothing when everything is there; installing the Debian packages needs root or sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
apt_updated=""
apt_install() {
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "install_org.sh: no apt-get on this machine; install $* by hand" \
            "(the organisation tests skip without them, and fail in CI)" >&2
        return 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    if [ -z "$apt_updated" ]; then
        $sudo apt-get update -q
        apt_updated=1
    fi
    $sudo apt-get install -y -q "$@"
}

# PostgreSQL: on PATH, or where Debian puts it (/usr/lib/postgresql/VERSION/bin).
have_postgres() {
    command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && return 0
    compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null \
        && compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}
if ! have_postgres; then
    apt_install postgresql
    have_postgres
fi

# Node.js and npm for the proxy (Debian's nodejs is enough: the pinned proxy needs Node 18+).
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    apt_install nodejs npm
fi
proxy=deploy/node_modules/.bin/configurable-http-proxy
if [ ! -x "$proxy" ] || ! cmp -s deploy/package-lock.json deploy/node_modules/.package-lock.json.src 2>/dev/null; then
    (cd deploy && npm ci --no-audit --no-fund --loglevel=error)
    cp deploy/package-lock.json deploy/node_modules/.package-lock.json.src
fi
"$proxy" --version >/dev/null

# The accounts' environment; redone when pyproject.toml changes.
if [ ! -x /usr/bin/python3 ] || ! /usr/bin/python3 -c "import ensurepip, venv" 2>/dev/null; then
    apt_install python3 python3-venv
fi
stamp=.venv-org/.connectwell-pyproject
if [ ! -x .venv-org/bin/jupyterhub-singleuser ] || ! cmp -s pyproject.toml "$stamp"; then
    /usr/bin/python3 -m venv .venv-org
    .venv-org/bin/pip install --quiet --disable-pip-version-check -e '.[org]'
    cp pyproject.toml "$stamp"
fi
.venv-org/bin/python -c "import connectwell, ipywidgets, nbgrader, jupyterhub, psycopg"
