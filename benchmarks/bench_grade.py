"""How much faster is `connectwell grade` than sequential `nbgrader autograde`? One run prints
both times, the ratio, and whether the gradebooks agree cell for cell.

    .venv/bin/python benchmarks/bench_grade.py                     # 10 and 40 learners
    .venv/bin/python benchmarks/bench_grade.py --sizes 10,20,40 --assignment 02_personalised

For each cohort size it builds a synthetic cohort from the instructor's solutions (a mix of
full, partial and untouched answers, the same in every copy), then grades four copies of the
course and compares like with like:
    nbgrader autograde ASSIGNMENT               vs  connectwell grade ASSIGNMENT --no-feedback
    ... followed by nbgrader generate_feedback  vs  connectwell grade ASSIGNMENT (feedback too)
(connectwell grade also writes the grades CSV both times.) Both sides run every kernel in the
bubblewrap sandbox, as the course's configuration says; two more copies are graded without it
(`nbgrader autograde --GuardedExecute.sandbox=False`, `connectwell grade --unsandboxed`) to show
what the sandbox costs. Every gradebook must
equal nbgrader's, cell by cell, or the script exits 1. This is a measurement, not a test: the
numbers depend on the machine and on what else runs on it (the load average is printed).

The default assignment is the capstone: every rule, three notes and a hand-graded reflection,
as a final check of an onboarding cohort would be.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.8
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
FILLER = (
    " I look forward to hearing from you and to learning more about your work, your team and "
    "everything you are building this year."
)


def _generate_script() -> Any:
    spec = importlib.util.spec_from_file_location("gen", ROOT / "scripts" / "generate_exercises.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def _busy_cpu_seconds() -> float | None:
    """CPU time spent by every process on the machine so far (Linux /proc/stat)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return None
    ticks = [int(x) for x in fields]
    idle = ticks[3] + ticks[4]  # idle + iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


OTHERS: list[float] = []  # share of the machine's CPU taken by other processes, per run


def timed(cmd: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Wall time of a command; also notes how much CPU everything else on the machine used
    meanwhile, since a shared machine makes any parallel speed-up look smaller."""
    import resource

    busy0, kids0 = _busy_cpu_seconds(), resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=_env(), capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    busy1, kids1 = _busy_cpu_seconds(), resource.getrusage(resource.RUSAGE_CHILDREN)
    if busy0 is not None and busy1 is not None:
        ours = (kids1.ru_utime + kids1.ru_stime) - (kids0.ru_utime + kids0.ru_stime)
        capacity = seconds * (os.cpu_count() or 1)
        OTHERS.append(max(0.0, (busy1 - busy0) - ours) / capacity)
    return seconds, done


# ---------------------------------------------------------------- the synthetic cohort


def degraded(text: str, rng: random.Random) -> str:
    """A partial answer made from a good note: the kind of slip the rules catch."""
    first = re.match(r"(?:Hi|Hello|Dear) (\w+),", text)
    name = first.group(1) if first else "there"
    choices = [
        re.sub(r"^(?:Hi|Hello|Dear) \w+,\s*", "Hi, ", text),  # no name
        re.split(r"(?<=[.;:!?])\s", text)[0],  # stops after the first sentence
        f"Hi {name}, I'd like to add you to my professional network on LinkedIn.",  # canned
        text + FILLER + FILLER,  # over the invitation limit
    ]
    return rng.choice(choices)


def answer(solution: Any, release: Any, kind: str, rng: random.Random) -> str:
    """An answer cell's source for a learner giving a full, partial or empty answer."""
    if kind == "empty":
        return release.source
    if kind == "full":
        return solution.source
    m = SOLUTION.search(solution.source)
    code = m.group(1) if m else solution.source
    if solution.cell_type == "markdown":
        return re.split(r"(?<=[.!?])\s", code.strip())[0] if rng.random() < 0.5 else release.source
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return solution.source
    node = tree.body[0] if tree.body else None
    if (
        isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    ):
        return f"{node.targets[0].id} = {degraded(node.value.value, rng)!r}\n"
    return solution.source if rng.random() < 0.5 else release.source  # a dict or a function


def build_cohort(course: Path, assignment: str, size: int, seed: int = 7) -> dict[str, int]:
    """submitted/learnerNN/ASSIGNMENT for `size` learners; returns how many of each kind."""
    source = nbformat.read(course / "solutions" / assignment / f"{assignment}.ipynb", 4)
    release = nbformat.read(course / "exercises" / assignment / f"{assignment}.ipynb", 4)
    gid = lambda c: c.metadata.get("nbgrader", {}).get("grade_id")  # noqa: E731
    solutions = {gid(c): c for c in source.cells if c.metadata.get("nbgrader", {}).get("solution")}
    kinds = {"full": 0, "partial": 0, "empty": 0}
    for i in range(1, size + 1):
        rng = random.Random(seed * 1000 + i)
        kind = rng.choices(["full", "partial", "empty"], weights=[3, 5, 2])[0]
        kinds[kind] += 1
        nb = nbformat.reads(nbformat.writes(release), 4)  # a fresh copy of the release
        for cell in nb.cells:
            if gid(cell) in solutions:
                per_answer = kind if kind != "partial" else rng.choice(["full", "partial", "empty"])
                cell.source = answer(solutions[gid(cell)], cell, per_answer, rng)
        folder = course / "submitted" / f"learner{i:02d}" / assignment
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{assignment}.ipynb")
    return kinds


# ---------------------------------------------------------------- one size


@dataclass
class Figures:
    size: int
    kinds: dict[str, int]
    scores: str
    autograde: float  # nbgrader autograde
    feedback: float  # nbgrader generate_feedback, after it
    grade_only: float  # connectwell grade --no-feedback
    grade: float  # connectwell grade
    identical: bool
    cells: int
    autograde_open: float  # nbgrader autograde --GuardedExecute.sandbox=False
    grade_only_open: float  # connectwell grade --no-feedback --unsandboxed

    @property
    def ratio(self) -> float:
        """Autograde alone, both ways."""
        return self.autograde / self.grade_only

    @property
    def ratio_open(self) -> float:
        """Sandboxed connectwell grade against nbgrader autograde without the sandbox."""
        return self.autograde_open / self.grade_only

    @property
    def ratio_with_feedback(self) -> float:
        return (self.autograde + self.feedback) / self.grade


def _run_or_exit(cmd: list[str], cwd: Path) -> float:
    seconds, done = timed(cmd, cwd)
    if done.returncode:
        sys.exit(f"{' '.join(cmd[2:4])} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return seconds


def measure(template: Path, work: Path, assignment: str, size: int, jobs: int) -> Figures:
    from connectwell.grading import report as cohort_report
    from connectwell.grading.gradebooks import GradebookDB

    def gradebook_state(course: Path) -> dict[str, Any]:
        return GradebookDB(f"sqlite:///{course / 'gradebook.db'}").state()

    base = work / f"cohort{size}"
    shutil.copytree(template, base)
    kinds = build_cohort(base, assignment, size)
    seq, par, par_fb = work / f"seq{size}", work / f"par{size}", work / f"parfb{size}"
    seq_open, par_open = work / f"seqopen{size}", work / f"paropen{size}"
    for dest in (seq, par, par_fb, seq_open, par_open):
        shutil.copytree(base, dest)
    nbgrader = [sys.executable, "-m", "nbgrader"]
    grade = [sys.executable, "-m", "connectwell", "grade", assignment, "--jobs", str(jobs)]
    t_auto = _run_or_exit([*nbgrader, "autograde", assignment], seq)
    t_feedback = _run_or_exit([*nbgrader, "generate_feedback", assignment], seq)
    t_grade_only = _run_or_exit([*grade, "--no-feedback"], par)
    t_grade = _run_or_exit(grade, par_fb)
    # The same two without the sandbox, for its cost.
    t_auto_open = _run_or_exit(
        [*nbgrader, "autograde", assignment, "--GuardedExecute.sandbox=False"], seq_open
    )
    t_grade_only_open = _run_or_exit([*grade, "--no-feedback", "--unsandboxed"], par_open)
    reference = gradebook_state(seq)
    identical = all(gradebook_state(c) == reference for c in (par, par_fb, seq_open, par_open))
    made = len(list((par_fb / "feedback").glob(f"*/{assignment}/*.html")))
    if made != size:
        sys.exit(f"connectwell grade made feedback for {made} of {size} learners")
    graded = cohort_report.load(f"sqlite:///{par_fb / 'gradebook.db'}", par_fb, assignment)
    p = sorted(graded.assignments[0].percents)
    scores = f"scores {p[0]:.0f}–{p[len(p) // 2]:.0f}–{p[-1]:.0f}% (min–median–max)"
    return Figures(
        size,
        kinds,
        scores,
        t_auto,
        t_feedback,
        t_grade_only,
        t_grade,
        identical,
        len(reference["grades"]),
        t_auto_open,
        t_grade_only_open,
    )


def load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="07_capstone")
    parser.add_argument("--sizes", default="10,40", help="cohort sizes, e.g. 10,20,40")
    parser.add_argument("--jobs", type=int, default=None, help="default: the number of cores")
    args = parser.parse_args(argv)
    from connectwell.grading.cohort import default_jobs

    jobs = args.jobs or default_jobs()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"{args.assignment}, cohorts of {args.sizes} learners; {jobs} worker(s) on "
        f"{os.cpu_count()} core(s); load average before: {load()}"
    )
    gen = _generate_script()
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
        work = Path(tmp)
        template = gen.copy_course(work / "template")
        gen.generate(template)
        for size in sizes:
            f = measure(template, work, args.assignment, size, jobs)
            results.append(f)
            print(
                f"{f.size:>3} learners ({f.kinds['full']} full, {f.kinds['partial']} partial, "
                f"{f.kinds['empty']} untouched; {f.scores}), {f.cells} graded cells\n"
                f"    autograde:            nbgrader autograde {f.autograde:6.1f} s   "
                f"connectwell grade --no-feedback {f.grade_only:6.1f} s   "
                f"ratio {f.ratio:.2f}x\n"
                f"    without the sandbox:  nbgrader autograde {f.autograde_open:6.1f} s   "
                f"connectwell grade --no-feedback --unsandboxed {f.grade_only_open:6.1f} s\n"
                f"    sandboxed connectwell grade against unsandboxed nbgrader autograde: "
                f"{f.ratio_open:.2f}x; the sandbox costs nbgrader "
                f"{f.autograde / f.autograde_open - 1:+.0%} and connectwell grade "
                f"{f.grade_only / f.grade_only_open - 1:+.0%}\n"
                f"    autograde + feedback: nbgrader {f.autograde + f.feedback:6.1f} s   "
                f"connectwell grade {f.grade:6.1f} s   ratio {f.ratio_with_feedback:.2f}x\n"
                f"    gradebooks identical to nbgrader's, cell by cell: "
                f"{'yes' if f.identical else 'NO'}"
            )
    print(f"load average after: {load()}")
    if OTHERS:
        print(
            f"Other processes used {100 * statistics.fmean(OTHERS):.0f}% of the machine's CPU "
            f"during the timed runs on average (max {100 * max(OTHERS):.0f}%)"
        )
    if len(results) > 1:
        a, b = results[0], results[-1]
        extra = b.size - a.size

        def growth(name: str, t0: float, t1: float) -> str:
            return f"{name} {(t1 - t0) / extra:.2f} s per extra learner ({t1 / t0:.1f}x)"

        print(
            f"From {a.size} to {b.size} learners: "
            + "; ".join(
                [
                    growth("nbgrader autograde", a.autograde, b.autograde),
                    growth("connectwell grade --no-feedback", a.grade_only, b.grade_only),
                    growth(
                        "nbgrader autograde + generate_feedback",
                        a.autograde + a.feedback,
                        b.autograde + b.feedback,
                    ),
                    growth("connectwell grade", a.grade, b.grade),
                ]
            )
        )
    best = results[-1]
    for name, ratio in (
        ("autograde", best.ratio),
        ("autograde + feedback", best.ratio_with_feedback),
    ):
        verdict = "met" if ratio >= TARGET_RATIO else "NOT met"
        print(f"Target >= {TARGET_RATIO}x ({name}, {best.size} learners): {ratio:.2f}x, {verdict}")
    return 0 if all(f.identical for f in results) else 1


if __name__ == "__main__":
    sys.exit(main())
