"""Re-execute the course notebooks in place, top to bottom, and store them normalised.

    python scripts/execute_notebooks.py           # execute every course/*.ipynb and save it
    python scripts/execute_notebooks.py 04 09     # only the notebooks whose names start so
    python scripts/execute_notebooks.py --check   # save nothing; exit 1 naming stale notebooks

The course is committed executed so a learner sees every example's verdict before running
anything, and so `pytest --nbval course/` can tell when a rule change alters what the course
teaches. Normalising keeps re-execution from producing diffs that carry no meaning:

- notebook metadata is reduced to the kernel ("python3") and the language (no version numbers,
  no widget state: nbval does not need it and it changes on every run);
- cell metadata keeps only what a person sets on purpose (tags, collapsed/hidden state);
- widget views are dropped from stored outputs, keeping their text fallback: a stored view
  points at a random model id that no longer exists once the kernel is gone, so JupyterLab
  would show "Error displaying widget: model not found" instead of the text.

The comparison used by --check (and by tests/test_notebooks.py) applies the same sanitize file
as nbval, course/nbval_sanitize.cfg, so both agree on what counts as "the same output".
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "course"
SANITIZE_FILE = COURSE / "nbval_sanitize.cfg"
KERNEL = "python3"

KERNELSPEC = {"name": KERNEL, "display_name": "Python 3 (ipykernel)", "language": "python"}
# language_info without "version": the same notebook must not differ between Python 3.11.x.
LANGUAGE_INFO = {
    "name": "python",
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
}
CELL_METADATA_KEPT = ("tags", "collapsed", "scrolled", "jupyter", "editable", "deletable")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# What nbval leaves out of its comparison (see nbval.plugin.IPyNbFile.skip_compare).
NOT_COMPARED = {"metadata", "traceback", "execution_count", "output_type", WIDGET_VIEW}
NOT_COMPARED |= {"image/png", "image/jpeg"}


@dataclass(frozen=True)
class Outcome:
    """One notebook's execution: the normalised result and how long the kernel took."""

    path: Path
    notebook: Any  # nbformat.NotebookNode
    seconds: float


class NotebookFailed(Exception):
    """A cell raised: the message names the notebook, the cell and the error in one line."""


def rel(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def course_notebooks(selectors: Iterable[str] = ()) -> list[Path]:
    """course/*.ipynb in order; selectors keep those whose file name starts with one of them."""
    paths = sorted(COURSE.glob("*.ipynb"))
    wanted = [s.removeprefix("course/") for s in selectors]
    if wanted:
        paths = [p for p in paths if any(p.name.startswith(w) for w in wanted)]
    return paths


# ---------------------------------------------------------------- normalising


def normalise(nb: Any) -> Any:
    """Strip what changes from run to run or machine to machine (in place; returns nb)."""
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO)}
    nb.nbformat, nb.nbformat_minor = 4, 5
    seen: set[str] = set()
    for index, cell in enumerate(nb.cells):
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in CELL_METADATA_KEPT}
        # Keep the ids cells already have (JupyterLab made them) so diffs stay small; give a
        # predictable one only to a cell that lacks one or repeats another's.
        if not cell.get("id") or cell.id in seen:
            cell.id = f"cell-{index:02d}"
        seen.add(cell.id)
        if cell.cell_type == "code":
            outputs = [out for out in map(_strip_widget_view, cell.outputs) if out]
            cell.outputs = _merge_adjacent_streams(outputs)
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    return nb


def _strip_widget_view(output: Any) -> Any:
    if "data" in output and WIDGET_VIEW in output.data:
        del output.data[WIDGET_VIEW]
        if not output.data:
            return None
    return output


def _merge_adjacent_streams(outputs: list[Any]) -> list[Any]:
    """Join consecutive chunks of one stream, as JupyterLab shows them.

    Only neighbours are joined: a print, a display, then a print must stay in that order, or
    the stored notebook would show every comment above every report.
    """
    merged: list[Any] = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and out.output_type == prev.output_type == "stream"
            and out.name == prev.name
        ):
            prev.text += out.text
        else:
            merged.append(out)
    return merged


# ---------------------------------------------------------------- executing


def execute(path: Path, timeout: int = 120) -> Outcome:
    """Run a copy of the notebook in a fresh python3 kernel, in course/, and normalise it."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    client = NotebookClient(
        nb,
        kernel_name=KERNEL,
        timeout=timeout,
        record_timing=False,
        store_widget_state=False,
        coalesce_streams=False,  # normalise() joins neighbouring chunks and keeps the order
        resources={"metadata": {"path": str(path.parent)}},
    )
    started = time.perf_counter()
    try:
        # The kernel's own log (e.g. ipykernel's TCP warning) is not course output; errors in
        # cells still arrive as error outputs and raise CellExecutionError below.
        client.execute(stderr=subprocess.DEVNULL)
    except CellExecutionError as exc:
        raise NotebookFailed(f"{rel(path)}: {_failing_cell(nb)}{_first_error_line(exc)}") from None
    except TimeoutError:
        raise NotebookFailed(f"{rel(path)}: a cell ran longer than {timeout} s") from None
    except DeadKernelError:
        raise NotebookFailed(f"{rel(path)}: the kernel died while running it") from None
    return Outcome(path, normalise(nb), time.perf_counter() - started)


def _failing_cell(nb: Any) -> str:
    code = [c for c in nb.cells if c.cell_type == "code"]
    for number, cell in enumerate(code, 1):
        if any(out.output_type == "error" for out in cell.outputs):
            return f"code cell {number}: "
    return ""


def _first_error_line(exc: Exception) -> str:
    name, value = getattr(exc, "ename", ""), getattr(exc, "evalue", "")
    return f"{name}: {value}" if name else str(exc).strip().splitlines()[-1]


# ---------------------------------------------------------------- comparing


def sanitize_patterns(path: Path = SANITIZE_FILE) -> list[tuple[str, str]]:
    """(regex, replacement) pairs, read exactly as nbval reads --nbval-sanitize-with."""
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    return re.findall(r"^regex: (.*)$\n^replace: (.*)$", text, flags=re.MULTILINE)


def comparable(nb: Any, patterns: list[tuple[str, str]]) -> list[tuple[str, list[dict]]]:
    """Each code cell as (source, outputs) with the fields nbval ignores left out."""

    def clean(value: Any) -> Any:
        if isinstance(value, list):  # nbformat may store text as a list of lines
            value = "".join(value)
        if isinstance(value, str):
            for regex, replace in patterns:
                value = re.sub(regex, replace, value)
        return value

    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        streams: dict[str, dict[str, Any]] = {}
        for out in cell.outputs:
            if out.output_type == "stream":
                # nbval joins every chunk of a stream into its first position; so do we, so
                # that both agree whatever chunks the kernel happened to send.
                text = "".join(out.text) if isinstance(out.text, list) else out.text
                if out.name in streams:
                    streams[out.name][out.name] += text
                    continue
                streams[out.name] = {out.name: text}
                outputs.append(streams[out.name])
                continue
            flat: dict[str, Any] = {}
            for key, value in out.items():
                if key == "data":
                    flat.update({k: clean(v) for k, v in value.items() if k not in NOT_COMPARED})
                elif key not in NOT_COMPARED:
                    flat[key] = clean(value)
            outputs.append(flat)
        for stream in streams.values():
            for name, text in stream.items():
                stream[name] = clean(text)
        cells.append((cell.source, outputs))
    return cells


def differences(committed: Any, fresh: Any, patterns: list[tuple[str, str]]) -> list[str]:
    """One line per code cell whose stored outputs differ from a fresh run's."""
    old, new = comparable(committed, patterns), comparable(fresh, patterns)
    if [s for s, _ in old] != [s for s, _ in new]:
        return ["the code cells differ from the executed copy"]
    found = []
    for number, ((source, before), (_, after)) in enumerate(zip(old, new, strict=True), 1):
        if before != after:
            first_line = source.strip().splitlines()[0] if source.strip() else ""
            found.append(f"code cell {number} ({first_line[:60]!r}): outputs changed")
            found += _first_changed_line(before, after)
    return found


def _first_changed_line(before: list[dict], after: list[dict]) -> list[str]:
    """The first line that differs, so the reader sees which verdict or message moved."""
    import difflib
    import json

    def lines(outputs: list[dict]) -> list[str]:
        return [
            line
            for out in outputs
            for value in out.values()
            for line in (value if isinstance(value, str) else json.dumps(value)).splitlines()
        ]

    diff = [
        line
        for line in difflib.unified_diff(lines(before), lines(after), lineterm="", n=0)
        if line[:1] in "-+" and line[:3] not in ("---", "+++")
    ]
    removed = next((line[1:] for line in diff if line.startswith("-")), None)
    added = next((line[1:] for line in diff if line.startswith("+")), None)
    shown = []
    if removed is not None:
        shown.append(f"    stored: {removed.strip()[:160]}")
    if added is not None:
        shown.append(f"    now:    {added.strip()[:160]}")
    return shown


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="name prefixes, e.g. 04 or 04_personalised")
    parser.add_argument(
        "--check", action="store_true", help="save nothing; exit 1 if a notebook is out of date"
    )
    parser.add_argument("--timeout", type=int, default=120, help="seconds per cell (default 120)")
    args = parser.parse_args(argv)

    import nbformat

    paths = course_notebooks(args.notebooks)
    if not paths:
        print(f"no course notebooks match {' '.join(args.notebooks) or 'course/*.ipynb'}")
        return 1
    patterns = sanitize_patterns()
    stale: list[str] = []
    failed: list[str] = []
    total = 0.0
    for path in paths:
        try:
            outcome = execute(path, args.timeout)
        except NotebookFailed as exc:
            print(f"FAILED  {exc}")
            failed.append(rel(path))
            continue
        total += outcome.seconds
        committed = nbformat.read(path, as_version=4)
        changed = differences(committed, outcome.notebook, patterns)
        written = nbformat.writes(outcome.notebook) + "\n"
        if args.check:
            if changed or _unclean(committed):
                stale.append(rel(path))
                for line in changed or ["metadata or execution counts are not normalised"]:
                    print(f"STALE   {rel(path)}: {line}" if not line.startswith(" ") else line)
            else:
                print(f"ok      {rel(path)} ({outcome.seconds:.1f} s)")
        elif path.read_text(encoding="utf-8") != written:
            path.write_text(written, encoding="utf-8")
            print(f"updated {rel(path)} ({outcome.seconds:.1f} s)")
        else:
            print(f"same    {rel(path)} ({outcome.seconds:.1f} s)")
    print(f"executed {len(paths) - len(failed)} notebook(s) in {total:.1f} s of kernel time")
    if stale:
        print("out of date: " + ", ".join(stale) + "; run python scripts/execute_notebooks.py")
    return 1 if stale or failed else 0


def _unclean(nb: Any) -> bool:
    """True when the stored notebook is not what normalise() and a clean run would store."""
    import copy

    code = [c for c in nb.cells if c.cell_type == "code"]
    in_order = [c.execution_count for c in code] == list(range(1, len(code) + 1))
    return not in_order or normalise(copy.deepcopy(nb)) != nb


if __name__ == "__main__":
    sys.exit(main())
