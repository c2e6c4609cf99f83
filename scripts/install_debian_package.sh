#!/usr/bin/env bash
# install_debian_package.sh PROGRAM PACKAGE WHY: make PROGRAM (a command on PATH, or an absolute
# path) exist by installing Debian's PACKAGE, with sudo if not root. Does nothing when PROGRAM is
# already there. WHY says, if it cannot be installed, what goes without it.
set -euo pipefail
program=$1 package=$2 why=$3

have() { if [[ $program == /* ]]; then [ -x "$program" ]; else command -v "$program" >/dev/null 2>&1; fi; }
if have; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "$(basename "$0"): no apt-get on this machine; install $package so that $program" \
        "exists ($why)" >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q "$package"
have
