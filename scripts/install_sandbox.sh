#!/usr/bin/env bash
# The system package grading needs: Debian's bubblewrap (bwrap), the sandbox every learner's
# kernel runs in under `connectwell grade` and `nbgrader autograde` (src/connectwell/grading/sandbox.py).
# Does nothing when bwrap is already there; otherwise needs root or sudo.
exec bash "$(dirname "$0")/install_debian_package.sh" bwrap bubblewrap \
    "grading refuses to run learners' code without it"
