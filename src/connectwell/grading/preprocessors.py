"""The nbgrader side of the exercises, wired in by nbgrader_config.py. No kernel imports this.

nbgrader grades a test cell by its output alone: no error output means full points. The
learner's code shares the kernel with the test cells, so it can make a failing check print
nothing (replace a helper, patch a rule, silence tracebacks), and a kernel that dies or hangs
costs the whole submission. These preprocessors close those gaps:

GuardedExecute   nbgrader's Execute, except that a kernel that dies (os._exit) or ignores the
                 timeout's interrupt ends this notebook's run: the cell says why, later cells
                 stay unrun, and the submission is still graded. Output per cell is capped, so
                 a print loop cannot fill the grader's memory.
TrustedChecks    after the run, grades every connectwell test cell again, here, in nbgrader's
                 process: it reads the cell's checks from the gradebook's copy of the source
                 (with the hidden tests) and judges the evidence the kernel recorded. Whatever
                 the kernel printed is replaced by the result, so a fake "all tests passed" is
                 gone too. A check without evidence earns nothing.
RestoreCellMetadata  before nbgrader's own checks: puts back the nbgrader metadata of every
                 graded, answer and locked cell as the gradebook has it, and drops it from cells
                 the gradebook does not know (a learner's "bonus" cell, the copy that
                 DeduplicateIds empties). Otherwise a flipped flag or an invented grade_id
                 makes nbgrader fail the whole submission.
HideHiddenTests  feedback without the hidden tests' source, which nbgrader otherwise shows to
                 learners (jupyter/nbgrader#917).

The kernel itself runs in grading/sandbox.py's bubblewrap sandbox (GuardedExecute.sandbox, on
by default): it cannot see the course, the gradebook or other learners, reach the network, keep
a process running after its notebook, or use more than its limits.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import run_hook
from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.nbgraderformat import SCHEMA_VERSION
from nbgrader.preprocessors import ClearHiddenTests, Execute, GetGrades, NbGraderPreprocessor
from traitlets import Bool, Integer, List

from connectwell import grading
from connectwell.grading import EVIDENCE_MIME, RESULT_MIME, CheckCall, GradingError, Result
from connectwell.grading.kernels import KernelRequest

if TYPE_CHECKING:
    from connectwell.grading.kernels import WarmKernels

# Read the exercises now, while nothing a learner wrote has run on this machine in this process.
for _aid in grading.assignment_ids():
    grading.questions(_aid)

_OURS = frozenset(
    cls.__name__
    for cls in (grading.NotAttempted, grading.CodeCrashed, grading.WrongAnswer, grading.RuleFailed)
)


class GuardedExecute(Execute):
    """Execute that survives a dead or unresponsive kernel, caps each cell's output, and runs
    the kernel in the sandbox (connectwell.grading.sandbox)."""

    max_output_chars = Integer(
        200_000, help="Output a cell may produce before the rest is dropped."
    ).tag(config=True)
    max_notebook_chars = Integer(
        2_000_000, help="Output a whole notebook may produce before the rest is dropped."
    ).tag(config=True)
    sandbox = Bool(
        True,
        help="Run each notebook's kernel in the bubblewrap sandbox. Off only for a course "
        "whose learners are all trusted: without it any learner can forge grades.",
    ).tag(config=True)

    # Set in connectwell grade's workers. None under plain `nbgrader autograde`: there nbclient
    # starts each notebook's kernel itself, when it gets to that notebook, and waits for it.
    kernels: ClassVar[WarmKernels | None] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # nbgrader's Execute passes its kernel manager class as an argument, which outranks
        # configuration: so the choice is made here, from our own setting.
        if self.sandbox:
            from connectwell.grading.sandbox import SandboxedKernelManager

            self.kernel_manager_class = SandboxedKernelManager

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> Any:
        self._stopped = False
        self._sizes: dict[int, int] = {}
        self._total = 0
        self._ready_kc = None
        source = GuardedExecute.kernels
        warm = source.take(self.kernel_request(nb, resources)) if km is None and source else None
        if warm is None:
            return super().preprocess(nb, resources, km)
        km, self._ready_kc = warm
        try:
            return super().preprocess(nb, resources, km)
        finally:
            source.release(km, self.kc or self._ready_kc)  # type: ignore[union-attr]
            self.kc = self.km = self._ready_kc = None

    async def async_start_new_kernel_client(self) -> Any:
        """The ready client of a kernel started ahead, else nbclient's own."""
        kc, self._ready_kc = self._ready_kc, None
        if kc is None:
            return await super().async_start_new_kernel_client()
        self.kc = kc
        kc.allow_stdin = False
        await run_hook(self.on_notebook_start, notebook=self.nb)
        return kc

    def kernel_request(self, nb: NotebookNode, resources: Any) -> KernelRequest:
        """What nbclient's create_kernel_manager and async_start_new_kernel would use."""
        name = self.kernel_name or nb.metadata.get("kernelspec", {}).get("name") or ""
        cwd = ((resources or {}).get("metadata") or {}).get("path") or ""
        return KernelRequest(
            self.kernel_manager_class,
            name,
            cwd,
            tuple(self.extra_arguments),
            self.ipython_hist_file or "",
        )

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> Any:
        if self._stopped:
            return cell, resources  # the kernel is gone or stuck: nothing after this runs
        full = cell.source
        withheld = withhold_hidden(full) if is_test_cell(cell) else None
        try:
            if withheld is not None:
                cell.source = withheld
            return self._run_cell(cell, resources, index)
        finally:
            cell.source = full

    def _run_cell(self, cell: NotebookNode, resources: Any, index: int) -> Any:
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            limit = self._limit_hit()
            self._stop(
                cell,
                "KernelDied",
                f"Python stopped while running this cell ({limit}), so the cells after it were "
                "not run."
                if limit
                else "Python stopped while running this cell (os._exit, a crash, or going past "
                "the grader's limits on memory, processes, file size or CPU time), so the cells "
                "after it were not run.",
            )
        except CellTimeoutError:
            self._stop(
                cell,
                "KernelUnresponsive",
                f"This cell was still running after {self.timeout} s and did not stop when "
                "interrupted, so the cells after it were not run.",
            )
        return cell, self.resources

    def _limit_hit(self) -> str | None:
        """A sandbox limit that explains why the kernel died, if one does."""
        reason = getattr(self.km, "exit_reason", None)
        with contextlib.suppress(Exception):
            return reason() if reason is not None else None
        return None

    def _stop(self, cell: NotebookNode, ename: str, message: str) -> None:
        self.log.warning("%s in cell %s: %s", ename, cell.get("id", "?"), message)
        self._stopped = True
        cell.outputs.append(
            new_output("error", ename=ename, evalue=message, traceback=[f"{ename}: {message}"])
        )

    def output(
        self, outs: list[NotebookNode], msg: dict[str, Any], display_id: Any, cell_index: int
    ) -> Any:
        content = msg.get("content", {})
        grown = _size(content)
        size = self._sizes.get(cell_index, 0) + grown
        self._sizes[cell_index] = size
        self._total += grown
        if size > self.max_output_chars or self._total > self.max_notebook_chars:
            if msg["msg_type"] == "error":
                # An error is kept, shortened: in a cell it is what says the cell failed.
                short = f"{str(content.get('evalue', ''))[:500]} [cut short by the grader]"
                ename = str(content.get("ename", "Error"))[:100]
                outs.append(new_output("error", ename=ename, evalue=short, traceback=[short]))
                return None
            if size - grown <= self.max_output_chars:
                outs.append(
                    new_output("stream", name="stdout", text="\n[output cut short by the grader]\n")
                )
            return None
        return super().output(outs, msg, display_id, cell_index)

    def _update_display_id(self, display_id: str, msg: dict[str, Any]) -> None:
        # An update replaces an earlier output: it counts towards the notebook's total, which
        # is all the grader keeps in memory and writes to the autograded notebook.
        self._total += _size(msg.get("content", {}))
        if self._total > self.max_notebook_chars:
            return
        super()._update_display_id(display_id, msg)


HIDDEN = re.compile(
    r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*\n?", re.M | re.S
)


def is_test_cell(cell: Mapping[str, Any]) -> bool:
    """A grade cell that is not an answer cell: its source is the instructor's."""
    return cell.get("cell_type") == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


def withhold_hidden(source: str) -> str | None:
    """A test cell's source without its hidden tests (None when it has none).

    Whatever the kernel runs, a learner's code can read (IPython's In, a pre_run_cell hook)
    and print into their feedback. TrustedChecks judges a hidden check from the answer the
    visible checks recorded, so the kernel never sees it, nor the answer key a hidden check
    carries."""
    hidden = "".join(m.group() for m in HIDDEN.finditer(source))
    if not hidden:
        return None
    try:
        grading.parse_checks(hidden)
    except Exception:  # a broken cell: TrustedChecks reports it
        return None
    return HIDDEN.sub("", source)


def _size(content: Mapping[str, Any]) -> int:
    """An output message's size: everything in it, keys, metadata and tracebacks included."""
    try:
        return len(json.dumps(content, default=str))
    except (TypeError, ValueError):
        return len(str(content))


# ---------------------------------------------------------------- sanitising


def refuse_linked_submissions() -> None:
    """Make nbgrader's Autograde refuse a submission folder that holds a symbolic link.

    nbgrader copies a submission into autograded/ following links, and generate_feedback
    copies its extra files into the learner's feedback: a link to gradebook.db or solutions/
    would hand them over. Called from the course's nbgrader_config.py, so it holds for
    `nbgrader autograde` and for `connectwell grade` (whose workers load that file)."""
    from nbgrader.converters import Autograde
    from nbgrader.converters.base import NbGraderException

    if getattr(Autograde.init_assignment, "_refuses_links", False):
        return
    original = Autograde.init_assignment

    def init_assignment(self: Any, assignment_id: str, student_id: str) -> None:
        folder = Path(self._format_source(assignment_id, student_id))
        links = [p for p in folder.rglob("*") if p.is_symlink()] if folder.is_dir() else []
        if links:
            names = ", ".join(str(p.relative_to(folder)) for p in links[:3])
            msg = (
                f"the submission holds symbolic links ({names}); links are not graded, since "
                "they can point at the course's own files: replace them with the files"
            )
            self.log.error(msg)
            raise NbGraderException(msg)
        original(self, assignment_id, student_id)

    init_assignment._refuses_links = True  # type: ignore[attr-defined]
    Autograde.init_assignment = init_assignment  # type: ignore[method-assign]


class RestoreCellMetadata(NbGraderPreprocessor):
    """Make every cell's nbgrader metadata what the gradebook says, or remove it."""

    def preprocess(self, nb: NotebookNode, resources: Any) -> Any:
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            source = gb.find_notebook(info["notebook"], info["assignment"])
            self._locked = {cell.name: cell.locked for cell in source.source_cells}
            self._points = {cell.name: cell.max_score for cell in source.grade_cells}
            self._solution = {cell.name for cell in source.solution_cells}
            self._task = {cell.name for cell in source.task_cells}
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> Any:
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            return cell, resources
        grade_id = meta.get("grade_id") if isinstance(meta, Mapping) else None
        if grade_id not in self._locked:
            if meta:
                self.log.warning(
                    "Cell %r is not in the gradebook; grading it as a plain cell", grade_id
                )
            del cell.metadata["nbgrader"]
            return cell, resources
        for key, value in (
            ("grade", grade_id in self._points),
            ("solution", grade_id in self._solution),
            ("task", grade_id in self._task),
            ("locked", self._locked[grade_id]),
        ):
            if meta.get(key, False) != value:
                self.log.warning("Cell %s: %s was changed; restoring it", grade_id, key)
                meta[key] = value
        meta["schema_version"] = SCHEMA_VERSION
        if grade_id in self._points:
            meta["points"] = self._points[grade_id]
        else:
            meta.pop("points", None)
        return cell, resources


# ---------------------------------------------------------------- trusted grading


def evidence_in(outputs: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The evidence records a test cell's outputs hold, in order."""
    found = []
    for out in outputs:
        record = (
            (out.get("data") or {}).get(EVIDENCE_MIME)
            if out.get("output_type")
            in (
                "display_data",
                "execute_result",
            )
            else None
        )
        if isinstance(record, Mapping):
            found.append(record)
    return found


def _why_missing(outputs: list[Mapping[str, Any]]) -> str:
    errors = [o for o in outputs if o.get("output_type") == "error"]
    if not outputs:
        return (
            "This check never ran: an earlier cell stopped Python or never finished, so the "
            "rest of the notebook was not run."
        )
    for err in errors:
        ename = str(err.get("ename", ""))
        if ename in ("KernelDied", "KernelUnresponsive"):
            return str(err.get("evalue", ""))
        if ename in ("KeyboardInterrupt", "CellTimeoutError"):
            return "This check did not finish in time: does your code loop forever?"
    if errors:
        ename = errors[0].get("ename", "an error")
        return f"This check stopped with {ename} before it could grade your answer."
    return "This check left no record of your answer, so there is nothing to grade."


CHANGED = object()  # a question whose checks saw different answers


def answers_in(assignment: str, cells: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The one answer each question's checks saw, across the notebook's test cells, or CHANGED.

    A learner's code can change the answer between checks (a pre_run_cell hook, say), so each
    check would see the answer that passes it. Every check of a question must see the same."""
    seen: dict[str, dict[str, Any]] = {}
    for cell in cells:
        for record in evidence_in(cell.get("outputs", [])):
            qid = record.get("question")
            if not isinstance(qid, str) or record.get("state") != "ok" or "calls" in record:
                continue  # a function's results depend on each check's cases
            key = json.dumps(record.get("value"), sort_keys=True, default=str)
            seen.setdefault(qid, {})[key] = record
    return {qid: next(iter(v.values())) if len(v) == 1 else CHANGED for qid, v in seen.items()}


def grade_cell(
    assignment: str,
    calls: list[CheckCall],
    outputs: list[Mapping[str, Any]],
    answers: Mapping[str, Any] | None = None,
    executed: list[bool] | None = None,
) -> list[NotebookNode]:
    """The outputs a test cell should have: each check judged again from its evidence.

    `executed` says which calls the kernel ran (the others were withheld hidden tests); a
    withheld check is judged on the answer its question's visible checks in this cell saw.
    `answers` (from answers_in) is the one answer per question; a check whose question saw
    two answers earns nothing."""
    records = evidence_in(outputs)
    executed = executed if executed is not None else [True] * len(calls)
    results: list[Result] = []
    ran = 0  # the kernel's numbering counts only the checks it ran
    for call, was_run in zip(calls, executed, strict=True):
        index = ran
        ran += was_run
        if was_run:
            mine = [r for r in records if r.get("index") == index]
        else:
            # Withheld: judged if this cell did check the same question, on what it saw.
            seen = [
                r for r in records if r.get("question") == call.question and r.get("state") == "ok"
            ]
            mine = [{**seen[0], "check": call.check}] if seen else []
        if answers is not None and answers.get(call.question) is CHANGED and mine:
            result = Result(
                call.question,
                call.check,
                "crashed",
                f"Your answer to {call.question} changed between its checks, so none of them "
                "is graded: every check of a question must see the same answer.",
            )
        elif (
            len(mine) == 1
            and mine[0].get("question") == call.question
            and mine[0].get("check") == call.check
        ):
            try:
                result = grading.judge(assignment, call.question, call.check, call.args, mine[0])
            except GradingError as exc:  # the test cell itself is wrong: nobody earns it
                result = Result(
                    call.question, call.check, "crashed", f"This test cell is broken: {exc}"
                )
        elif len(mine) > 1:
            result = Result(
                call.question,
                call.check,
                "crashed",
                "This check recorded more than one answer, so none is graded.",
            )
        else:
            result = Result(call.question, call.check, "crashed", _why_missing(list(outputs)))
        results.append(result)
        if not result.passed:
            break  # the cell fails here, as it did in the kernel; later checks add nothing
    out = []
    for result in results:
        data = {RESULT_MIME: result.to_dict()}
        if result.passed:
            data.update({"text/plain": result.text(), "text/html": result.to_html()})
            out.append(new_output("display_data", data=data))
        else:
            out.append(new_output("display_data", data={**data, "text/html": ""}))
            out.append(
                new_output(
                    "error", ename=result.ename, evalue=result.message, traceback=result.lines()
                )
            )
    return out


class TrustedChecks(NbGraderPreprocessor):
    """Re-grade connectwell test cells from their evidence, in this (learner-free) process."""

    def preprocess(self, nb: NotebookNode, resources: Any) -> Any:
        info = resources["nbgrader"]
        self._assignment = info["assignment"]
        with Gradebook(info["db_url"]) as gb:
            source = gb.find_notebook(info["notebook"], info["assignment"])
            self._sources = {cell.name: cell.source for cell in source.source_cells}
        self._answers = answers_in(self._assignment, filter(is_test_cell, nb.cells))
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> Any:
        if not is_test_cell(cell):
            return cell, resources
        grade_id = cell.metadata.nbgrader.get("grade_id")
        source = self._sources.get(grade_id)
        if source is None:
            return cell, resources
        try:
            calls = grading.parse_checks(source)
            if calls:
                shown = grading.parse_checks(withhold_hidden(source) or source)
                cell.outputs = grade_cell(
                    self._assignment,
                    calls,
                    list(cell.get("outputs", [])),
                    self._answers,
                    _executed(calls, shown),
                )
        except Exception as exc:  # our bug or a broken test cell: this cell, not the cohort
            self.log.error("could not grade test cell %s: %s", grade_id, exc, exc_info=True)
            message = f"This test cell could not be graded ({exc}); tell your instructor."
            cell.outputs = [
                new_output("error", ename="BrokenTest", evalue=message, traceback=[message])
            ]
        return cell, resources


def _executed(calls: list[CheckCall], shown: list[CheckCall]) -> list[bool]:
    """Which of a cell's calls the kernel ran: the shown calls, a subsequence of all of them."""
    out, i = [], 0
    for call in calls:
        hit = i < len(shown) and shown[i] == call
        out.append(hit)
        i += hit
    return out


# ---------------------------------------------------------------- feedback


class HideHiddenTests(ClearHiddenTests):
    """Strip hidden tests from the feedback learners get, and any traceback that quotes them.

    Only test cells (grade cells that are not answer cells) are read for the markers: their
    source is the instructor's, put back from the gradebook. Every other cell is the learner's
    text, which may quote a marker (in a string, say): nbgrader would cut it there, or fail the
    learner's feedback, and `connectwell grade` with it, on a marker without its end."""

    # Declared configurable only so that nbconvert's setting of it is not warned about.
    display_data_priority = List(GetGrades.display_data_priority.default()).tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> Any:
        if not utils.is_grade(cell) or utils.is_solution(cell):
            return cell, resources  # the learner's own text: hidden tests are never there
        before = cell.source
        cell, resources = super().preprocess_cell(cell, resources, index)
        if cell.source != before and cell.cell_type == "code":
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error" and out.get("ename") not in _OURS:
                    out["traceback"] = [f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"]
        return cell, resources
