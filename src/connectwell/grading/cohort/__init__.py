"""`connectwell grade`: grade a cohort in parallel on stock nbgrader. The run (run.py) hands
learners to a pool of workers (pool.py, worker.py), each with a scratch copy of the course
(scratch.py); one writer (writer.py) merges their grades into the gradebook.

nbgrader grades one submission after another (jupyter/nbgrader#174), and its SQLite gradebook
takes one writer at a time. `grade` runs N workers (worker.py), each with a
private copy of the course (the assignment's source and, for SQLite, a gradebook snapshot),
each running nbgrader's own Autograde and GenerateFeedback converters with the course's
nbgrader_config.py. This process hands out learners one at a time. With SQLite it is the only
writer of the real gradebook: it copies in exactly the fields autograde writes (submission
timestamp, each cell's auto_score and needs_manual_grade, auto comments, late penalty), so the
gradebook ends as a sequential `nbgrader autograde` leaves it. Only the rows a learner's grading
wrote are copied, and needs_manual_grade is decided against the real gradebook, so what a
grader does in formgrader during a run survives the worker's older snapshot; a grading that
failed writes no scores (a failed --force regrade keeps the earlier ones). A gradebook on a
database server (PostgreSQL) takes many writers, so there the workers' nbgrader writes to it
directly. A learner's rows do not depend on any other learner's, so the order in which workers
finish does not matter. Feedback is made a few learners at a time per
worker (FEEDBACK_BATCH), as `nbgrader generate_feedback` makes it for many at once.

Safety: submitted/ is only read. A learner's grades land in the gradebook in one transaction as
soon as they are autograded; once their feedback is made, their feedback and autograded folders
are moved into the course (renames, atomic; from another file system, a complete copy beside
the folder, renamed into place), autograded last. An autograded folder is what marks a learner
done: a rerun skips those, as nbgrader does, and grades every other learner again, rewriting
their gradebook rows alike. So a run killed at any point, run again, finishes
with the same scores. A notebook that is broken, loops, or kills its grader costs only its own
learner: the rest are graded. Two runs of one assignment never overlap: the second stops.

Heavy imports (nbgrader, tqdm) happen inside the functions that use them.
"""

from __future__ import annotations

from connectwell.grading.cohort.export import CsvNotWritten, ReportRun, export_csv, report
from connectwell.grading.cohort.run import GradeRun, grade
from connectwell.grading.cohort.settings import UNSANDBOXED_WARNING, CohortError, default_jobs

__all__ = [
    "UNSANDBOXED_WARNING",
    "CohortError",
    "CsvNotWritten",
    "GradeRun",
    "ReportRun",
    "default_jobs",
    "export_csv",
    "grade",
    "report",
]
