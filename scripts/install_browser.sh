#!/usr/bin/env bash
# The system package the browser tests (tests/browser/) need: Debian's Chromium, at
# /usr/bin/chromium. Playwright is a Python package (the `test` extra) and never downloads a
# browser here. Does nothing when Chromium is already there; otherwise needs root or sudo.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_browser.sh: no apt-get on this machine; install Chromium so that" \
        "/usr/bin/chromium exists (the browser tests skip without it, and fail in CI)" >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q chromium
test -x /usr/bin/chromium
