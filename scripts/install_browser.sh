#!/usr/bin/env bash
# The system package the browser tests (tests/browser/) need: Debian's Chromium, at
# /usr/bin/chromium. Playwright is a Python package (the `test` extra) and never downloads a
# browser here. Does nothing when Chromium is already there; otherwise needs root or sudo.
exec bash "$(dirname "$0")/install_debian_package.sh" /usr/bin/chromium chromium \
    "the browser tests skip without it, and fail in CI"
