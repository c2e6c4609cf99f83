#!/usr/bin/env bash
# What the browser tests (tests/browser/) need beyond the `test` extra: Debian's Chromium, at
# /usr/bin/chromium (Playwright is a Python package and never downloads a browser here), and
# axe-core for the accessibility audit, from the npm registry into tests/browser/axe/node_modules
# (the version pinned in tests/browser/axe/package-lock.json), with Debian's Node.js and npm.
# Does nothing when everything is there; installing the Debian packages needs root or sudo.
set -euo pipefail
here="$(dirname "$0")"
bash "$here/install_debian_package.sh" /usr/bin/chromium chromium \
    "the browser tests skip without it, and fail in CI"
bash "$here/install_debian_package.sh" npm npm \
    "the accessibility audit skips without axe-core, and fails in CI"
bash "$here/install_debian_package.sh" node nodejs \
    "the accessibility audit skips without axe-core, and fails in CI"
axe="$here/../tests/browser/axe"
if [ ! -f "$axe/node_modules/axe-core/axe.min.js" ] \
    || ! cmp -s "$axe/package-lock.json" "$axe/node_modules/.package-lock.json.src" 2>/dev/null; then
    (cd "$axe" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$axe/package-lock.json" "$axe/node_modules/.package-lock.json.src"
fi
