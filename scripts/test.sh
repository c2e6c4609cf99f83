#!/usr/bin/env bash
# Every check CI runs, on a fresh machine or an existing one: lint, format, tests.
# Extra arguments go to pytest instead of the default runs, e.g. `bash scripts/test.sh tests/test_cli.py -q`.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv || exit $?
fi
.venv/bin/pip install --quiet --disable-pip-version-check -e '.[test]' || exit $?
# Debian's Chromium for the browser tests (tests/browser/); a no-op once it is installed.
# In CI a failed install fails the run (the browser tests then fail rather than skip).
if ! bash scripts/install_browser.sh; then
    [ "${CI:-}" = "true" ] && exit 1
    echo "note: Chromium is not installed, so the browser tests will be skipped" >&2
fi
# Debian's bubblewrap, the sandbox learners' kernels are graded in (tests/test_sandbox.py);
# a no-op once it is installed. In CI a failed install fails the run.
if ! bash scripts/install_sandbox.sh; then
    [ "${CI:-}" = "true" ] && exit 1
    echo "note: bubblewrap is not installed, so the sandbox and grading tests will fail or skip" >&2
fi
# Debian's PostgreSQL and JupyterHub's proxy (deploy/node_modules) for tests/org/; a no-op once
# they are installed. In CI a failed install fails the run, as for Chromium.
if ! bash scripts/install_org.sh; then
    [ "${CI:-}" = "true" ] && exit 1
    echo "note: PostgreSQL or configurable-http-proxy is missing, so the organisation tests will be skipped" >&2
fi

# Run all three so one run shows every problem; exit with the first failure's status
# (pytest's "no tests collected", 5, counts as a failure).
status=0
.venv/bin/ruff check . || { rc=$?; [ "$status" -eq 0 ] && status=$rc; }
.venv/bin/ruff format --check . || { rc=$?; [ "$status" -eq 0 ] && status=$rc; }
if [ "$#" -gt 0 ]; then
    .venv/bin/pytest "$@" || { rc=$?; [ "$status" -eq 0 ] && status=$rc; }
else
    .venv/bin/pytest || { rc=$?; [ "$status" -eq 0 ] && status=$rc; }
    # The course notebooks, strictly: stored outputs must match a fresh run.
    .venv/bin/pytest --nbval course/ --nbval-sanitize-with course/nbval_sanitize.cfg -q \
        || { rc=$?; [ "$status" -eq 0 ] && status=$rc; }
fi
exit "$status"
