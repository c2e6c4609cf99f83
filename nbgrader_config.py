"""This repository is an nbgrader course (run nbgrader from the repository root).

solutions/NN_name/   the instructor's notebooks: solutions, test cells and hidden tests
exercises/NN_name/   what learners get: `python scripts/generate_exercises.py` regenerates it
                     (nbgrader generate_assignment) and tests/test_exercises.py fails if the
                     committed copy is stale
submitted/ autograded/ feedback/ gradebook.db   a cohort's work; git-ignored

    nbgrader autograde 02_personalised          # grade every learner's submission
    nbgrader generate_feedback 02_personalised  # HTML feedback, hidden tests removed
    nbgrader validate exercises/02_personalised/02_personalised.ipynb   # a learner's self-check

The grading itself is in connectwell.grading (what test cells call) and connectwell.grading.preprocessors
(how nbgrader runs and re-grades them); see their docstrings.
"""

import os

from nbgrader.converters import Autograde, GenerateFeedback
from nbgrader.preprocessors import DeduplicateIds, Execute, GetGrades, SaveAutoGrades

from connectwell.grading.preprocessors import refuse_linked_submissions

c = get_config()  # noqa: F821 (nbgrader provides it)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "connectwell"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
# nbgrader's default solution_directory, "solution", is one letter away from our source folder
# "solutions"; `nbgrader generate_solution` writes here instead (git-ignored).
c.CourseDirectory.solution_directory = "released_solutions"

# The answer cells keep their starting value above the solution region, so the stub only has
# to say where the answer goes; it must stay a valid statement inside a function body too.
c.ClearSolutions.code_stub = {"python": "# YOUR ANSWER HERE"}

# A learner who deletes a graded cell gets it back, and it is graded (as failing).
c.OverwriteCells.add_missing_cells = True

# Every check takes milliseconds; a cell that runs longer is stuck, and is interrupted.
c.Execute.timeout = 30

# Every learner's kernel runs in a bubblewrap sandbox (connectwell/grading/sandbox.py): it sees only a
# copy of its own submission, has no network, leaves no process behind and has limits on
# memory, processes, file size and CPU time. Without bubblewrap, grading stops and says how to
# install it; `--GuardedExecute.sandbox=False` turns it off, for trusted learners only.
c.GuardedExecute.sandbox = True

# A submission that holds a symbolic link is refused: nbgrader would follow it when it copies
# the submission, and hand the file it points at (the gradebook, a solution) to the learner.
refuse_linked_submissions()

# Before nbgrader's checks of a submission, put back the nbgrader metadata a learner may have
# changed (flags, points, invented or duplicated grade ids), so nbgrader does not fail on it.
_sanitize = list(Autograde.sanitize_preprocessors.default())
_sanitize.insert(
    _sanitize.index(DeduplicateIds) + 1, "connectwell.grading.preprocessors.RestoreCellMetadata"
)
c.Autograde.sanitize_preprocessors = _sanitize

# Run the notebook with GuardedExecute, then grade every test cell again with TrustedChecks
# before nbgrader saves the scores (see connectwell/grading/preprocessors.py).
_steps = list(Autograde.autograde_preprocessors.default())
_steps[_steps.index(Execute)] = "connectwell.grading.preprocessors.GuardedExecute"
_steps.insert(_steps.index(SaveAutoGrades), "connectwell.grading.preprocessors.TrustedChecks")
# Then make every output inert (connectwell/grading/inert.py): the autograded notebook is what the
# formgrader shows the instructor and what feedback is made from, and a learner's output may
# be <script>, JavaScript, SVG or a widget that would run in the instructor's browser.
_steps.insert(_steps.index(SaveAutoGrades), "connectwell.grading.inert.InertOutputs")
c.Autograde.autograde_preprocessors = _steps

# Feedback without the hidden tests (nbgrader shows them by default, jupyter/nbgrader#917).
_feedback = list(GenerateFeedback.preprocessors.default())
_feedback.insert(
    _feedback.index(GetGrades) + 1, "connectwell.grading.preprocessors.HideHiddenTests"
)
# Inert outputs also in notebooks autograded before InertOutputs was in the list above.
_feedback.insert(_feedback.index(GetGrades) + 2, "connectwell.grading.inert.InertOutputs")
c.GenerateFeedback.preprocessors = _feedback

# A second layer for the feedback pages, and for the formgrader wherever it reads this file (a
# server started in this folder; on the hub, deploy/jupyter/common/nbgrader_config.py loads it):
# nbconvert leaves out JavaScript and widgets and sanitizes HTML and Markdown, with
# connectwell.grading.inert's allowlist (nbconvert's own shows every Markdown cell's <p> and <h1> as
# text; nbgrader's templates render Markdown cells, which learners can edit, unsanitized).
c.HTMLExporter.sanitize_html = True
c.HTMLExporter.filters = {
    "clean_html": "connectwell.grading.inert.clean_html",
    "markdown2html": "connectwell.grading.inert.markdown2html",
}
