"""The limits of a grading run (timeouts, attempts, scratch folder name), its error, and how many
workers to start by default. Shared by the pool, the run and the CLI.
"""

from __future__ import annotations

import os

SCRATCH_DIR = ".connectwell-grading"  # per-worker course copies; removed when a run ends
DEFAULT_TIMEOUT = 900.0  # s per learner; a backstop over nbgrader's per-cell timeout
START_TIMEOUT = 180.0  # s for a worker to load nbgrader and copy the course
MAX_ATTEMPTS = 2  # a learner whose grader died is tried once more in a fresh worker
# Feedback is made for up to this many learners at once: nbgrader compiles its HTML templates
# once per run, which costs about as much as one learner's feedback.
FEEDBACK_BATCH = 5


UNSANDBOXED_WARNING = (
    "warning: graded without the sandbox (--unsandboxed): any learner's code could have "
    "changed these grades; the grades CSV marks them sandboxed=no"
)
# Learners whose latest grading ran without the sandbox, one per line, kept beside the CSV so
# that a later run (which may skip them) still marks them.
UNSANDBOXED_LIST = "{assignment}-unsandboxed.txt"


class CohortError(Exception):
    """Bad input or a course that cannot be graded; the message is the one line shown."""


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
