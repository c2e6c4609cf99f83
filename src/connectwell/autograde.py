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

What this cannot stop: the kernel runs as the same OS user as nbgrader, so a learner's code
can reach the files and processes that user can (gradebook.db, other submissions, the
installed connectwell, nbgrader's own process). For a graded cohort, autograde in a container
or as a user who cannot write to the course or the Python environment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import run_hook
from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.nbgraderformat import SCHEMA_VERSION
from nbgrader.preprocessors import ClearHiddenTests, Execute, GetGrades, NbGraderPreprocessor
from traitlets import Integer, List

from connectwell import grading
from connectwell.grading import EVIDENCE_MIME, RESULT_MIME, CheckCall, GradingError, Result
from connectwell.kernels import KernelRequest

if TYPE_CHECKING:
    from connectwell.kernels import WarmKernels

# Read the exercises now, while nothing a learner wrote has run on this machine in this process.
for _assignment in grading.assignment_ids():
    grading.questions(_assignment)

_OURS = frozenset(
    cls.__name__
    for cls in (grading.NotAttempted, grading.CodeCrashed, grading.WrongAnswer, grading.RuleFailed)
)


class GuardedExecute(Execute):
    """Execute that survives a dead or unresponsive kernel, and caps each cell's output."""

    max_output_chars = Integer(
        200_000, help="Output a cell may produce before the rest is dropped."
    ).tag(config=True)

    # Set in connectwell grade's workers. None under plain `nbgrader autograde`: there nbclient
    # starts each notebook's kernel itself, when it gets to that notebook, and waits for it.
    kernels: ClassVar[WarmKernels | None] = None

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> Any:
        self._stopped = False
        self._sizes: dict[int, int] = {}
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
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._stop(
                cell,
                "KernelDied",
                "Python stopped while running this cell (os._exit, a crash, or running out of "
                "memory), so the cells after it were not run.",
            )
        except CellTimeoutError:
            self._stop(
                cell,
                "KernelUnresponsive",
                f"This cell was still running after {self.timeout} s and did not stop when "
                "interrupted, so the cells after it were not run.",
            )
        return cell, self.resources

    def _stop(self, cell: NotebookNode, ename: str, message: str) -> None:
        self.log.warning("%s in cell %s: %s", ename, cell.get("id", "?"), message)
        self._stopped = True
        cell.outputs.append(
            new_output("error", ename=ename, evalue=message, traceback=[f"{ename}: {message}"])
        )

    def output(
        self, outs: list[NotebookNode], msg: dict[str, Any], display_id: Any, cell_index: int
    ) -> Any:
        if msg["msg_type"] != "error":
            size = self._sizes.get(cell_index, 0) + _size(msg.get("content", {}))
            self._sizes[cell_index] = size
            if size > self.max_output_chars:
                if size - _size(msg.get("content", {})) <= self.max_output_chars:
                    outs.append(
                        new_output(
                            "stream", name="stdout", text="\n[output cut short by the grader]\n"
                        )
                    )
                return None
        return super().output(outs, msg, display_id, cell_index)


def _size(content: Mapping[str, Any]) -> int:
    if "text" in content:
        return len(str(content["text"]))
    return sum(len(str(v)) for v in (content.get("data") or {}).values())


# ---------------------------------------------------------------- sanitising


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


def grade_cell(
    assignment: str, calls: list[CheckCall], outputs: list[Mapping[str, Any]]
) -> list[NotebookNode]:
    """The outputs a test cell should have: each check judged again from its evidence."""
    records = evidence_in(outputs)
    results: list[Result] = []
    for index, call in enumerate(calls):
        mine = [r for r in records if r.get("index") == index]
        if (
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
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> Any:
        if cell.cell_type != "code" or not utils.is_grade(cell) or utils.is_solution(cell):
            return cell, resources
        grade_id = cell.metadata.nbgrader.get("grade_id")
        source = self._sources.get(grade_id)
        if source is None:
            return cell, resources
        try:
            calls = grading.parse_checks(source)
            if calls:
                cell.outputs = grade_cell(self._assignment, calls, list(cell.get("outputs", [])))
        except Exception as exc:  # our bug or a broken test cell: this cell, not the cohort
            self.log.error("could not grade test cell %s: %s", grade_id, exc, exc_info=True)
            message = f"This test cell could not be graded ({exc}); tell your instructor."
            cell.outputs = [
                new_output("error", ename="BrokenTest", evalue=message, traceback=[message])
            ]
        return cell, resources


# ---------------------------------------------------------------- feedback


class HideHiddenTests(ClearHiddenTests):
    """Strip hidden tests from the feedback learners get, and any traceback that quotes them."""

    # Declared configurable only so that nbconvert's setting of it is not warned about.
    display_data_priority = List(GetGrades.display_data_priority.default()).tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> Any:
        before = cell.source
        cell, resources = super().preprocess_cell(cell, resources, index)
        if cell.source != before and cell.cell_type == "code":
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error" and out.get("ename") not in _OURS:
                    out["traceback"] = [f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"]
        return cell, resources
