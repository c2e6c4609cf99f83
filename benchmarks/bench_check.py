"""How fast is `connectwell.check`? One run prints every figure next to its target.

    .venv/bin/python benchmarks/bench_check.py            # the figures
    .venv/bin/python benchmarks/bench_check.py --profile  # plus where check() spends its time

Figures: median and p95 time to check one ~200-character note with full recipient profiles
(every rule), notes per second, the same notes through proselint (its Python API) and the
ratio, one 1 MB note, and the cold `import connectwell` time. This is a measurement, not a
test: nothing here fails CI, and the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import itertools
import pstats
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_MEDIAN_US = 100.0
TARGET_RATIO = 10.0
TARGET_IMPORT_MS = 150.0

# Openings, reasons and asks in the style of the course's calibration notes; combined with each
# example recipient they give a few hundred distinct, realistic notes of about 200 characters.
OPENINGS = (
    "Hi {first}, your work at {company} on {skill} caught my eye.",
    "Hi {first}, {shared} suggested I get in touch about {skill}.",
    "{first}, great meeting you at {event} last week.",
    "Hello {first}, I read your post on {skill} and learnt a lot from it.",
    "Hi {first}! I have an exciting opportunity that would be perfect for you.",
    "Dear {first}, I came across your profile and was impressed by your background.",
)
MIDDLES = (
    " We're hiring a {job} at Acme and your {skill} experience is exactly what the team needs.",
    " I'm rebuilding our {skill} setup and would value your view on what you'd do differently.",
    " I'd love to add you to my professional network and stay in touch.",
    " Your talk changed how our team plans {skill} work at {company}.",
    " Contact me on WhatsApp to receive a guaranteed 20% weekly return on crypto.",
)
ASKS = (" Open to a quick call?", " Could I ask you two questions?", " Let's connect!", "")


def example_scenarios() -> list[Any]:
    """Every note in examples/, read with the command's own readers."""
    from connectwell.cli import inputs

    batches = [inputs.read_input(name) for name in inputs.expand([str(ROOT / "examples")])]
    return [item.scenario for item in inputs.iter_items(batches)]


def realistic_notes(count: int) -> list[Any]:
    """~200-character notes to the example recipients, varied so that no two are alike."""
    from dataclasses import replace

    recipients = {s.recipient.name: s for s in example_scenarios() if s.recipient.name}
    notes = []
    # Recipients vary fastest so that every profile is in the sample, whatever the count.
    combos = itertools.product(OPENINGS, MIDDLES, ASKS, recipients.values())
    for opening, middle, ask, base in itertools.islice(combos, count):
        r = base.recipient
        fill = {
            "first": r.first_name,
            "company": r.company or "your company",
            "skill": (r.skills or ("data",))[0],
            "shared": (r.shared_connections or ("Alex Chen",))[0],
            "event": (r.events or ("PyData London",))[0],
            "job": base.job.title if base.job else "Senior Engineer",
        }
        text = opening + middle
        for extra in MIDDLES:  # top up towards the 200-character limit, as real notes are
            if len(text + ask) >= 185:
                break
            if extra != middle:
                text += extra
        text = (text + ask).format(**fill)
        if len(text) > 200:
            text = text[:200].rsplit(" ", 1)[0]
        notes.append(replace(base, message=text))
    return notes


def corpus_scenarios() -> list[Any]:
    """The lead's labelled calibration corpus, if present: real notes of every length."""
    import json

    from connectwell.scenario import parse_scenario

    path = ROOT / "tests" / "corpus" / "scenarios.jsonl"
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [parse_scenario(json.loads(line)["scenario"]) for line in lines if line.strip()]


def per_call(fn: Callable[[Any], Any], items: list[Any], rounds: int) -> list[float]:
    """Seconds per call, one sample per (round, item), with the collector paused while timing."""
    samples = []
    timer = time.perf_counter
    gc.disable()
    try:
        for _ in range(rounds):
            for item in items:
                start = timer()
                fn(item)
                samples.append(timer() - start)
    finally:
        gc.enable()
    return samples


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


def proselint_lint() -> Callable[[str], Any] | None:
    """proselint 0.16's Python API: register the checks once, then lint text via LintFile."""
    try:
        from proselint.checks import __register__
        from proselint.registry import CheckRegistry
        from proselint.tools import LintFile
    except ImportError:
        return None
    registry = CheckRegistry()
    if not registry.checks:
        registry.register_many(__register__)
    return lambda text: LintFile("<note>", text).lint()


def import_time(runs: int) -> tuple[float, float]:
    """Median wall time of `import connectwell` in a fresh interpreter, minus interpreter start."""

    def median_run(code: str) -> float:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    bare = median_run("pass")
    with_import = median_run("import connectwell")
    first_check = median_run("import connectwell as cw; cw.check({'message': 'Hi Priya, hello'})")
    return with_import - bare, first_check - bare


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notes", type=int, default=400, help="distinct notes (default 400)")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the notes (default 5)")
    parser.add_argument("--import-runs", type=int, default=9, help="fresh interpreters per figure")
    parser.add_argument("--profile", action="store_true", help="print check()'s profile top-10")
    args = parser.parse_args(argv)

    import connectwell as cw

    notes = realistic_notes(args.notes)
    lengths = [len(n.message) for n in notes]
    print(f"{len(notes)} distinct notes, {statistics.mean(lengths):.0f} characters on average,")
    print(f"to {len({n.recipient.name for n in notes})} recipients with full profiles; every rule.")

    start = time.perf_counter()
    cw.check(notes[0])  # the first check loads lazily imported data (e.g. nicknames)
    print(f"\nfirst check in this process:   {(time.perf_counter() - start) * 1e3:8.1f} ms")
    for note in notes:  # warm-up pass: what a long-running kernel or batch job sees
        cw.check(note)

    samples = per_call(cw.check, notes, args.rounds)
    median_us = statistics.median(samples) * 1e6
    print(
        f"check(), median per note:      {median_us:8.1f} µs   target <= {TARGET_MEDIAN_US:.0f} µs:"
        f" {verdict(median_us <= TARGET_MEDIAN_US)}"
    )
    print(f"check(), p95 per note:         {p95(samples) * 1e6:8.1f} µs")
    start = time.perf_counter()
    for note in notes:
        cw.check(note)
    rate = len(notes) / (time.perf_counter() - start)
    print(f"notes per second (one core):   {rate:8.0f}")

    corpus = corpus_scenarios()
    if corpus:
        for note in corpus:
            cw.check(note)
        corpus_us = statistics.median(per_call(cw.check, corpus, args.rounds)) * 1e6
        mean = statistics.mean(len(n.message) for n in corpus)
        print(
            f"labelled corpus, median:       {corpus_us:8.1f} µs   "
            f"({len(corpus)} notes, {mean:.0f} characters on average)"
        )

    lint = proselint_lint()
    if lint is None:
        print("proselint: not installed (pip install -e '.[bench]'); comparison skipped")
    else:
        texts = [n.message for n in notes]
        lint(texts[0])
        prose = per_call(lint, texts, max(1, args.rounds // 2))
        prose_us = statistics.median(prose) * 1e6
        ratio = prose_us / median_us
        print(
            f"proselint, median per note:    {prose_us:8.1f} µs   (p95 {p95(prose) * 1e6:.0f} µs)"
        )
        print(
            f"connectwell vs proselint:      {ratio:8.1f}x faster  target >= {TARGET_RATIO:.0f}x:"
            f" {verdict(ratio >= TARGET_RATIO)}"
        )

    big = notes[0].message + " "
    big_note = (big * (1_000_000 // len(big) + 1))[:1_000_000]
    big_times = per_call(cw.check, [big_note], 3)
    print(f"one 1 MB note:                 {statistics.median(big_times) * 1e3:8.1f} ms")

    imported, first = import_time(args.import_runs)
    print(
        f"cold import connectwell:       {imported * 1e3:8.1f} ms   "
        f"target <= {TARGET_IMPORT_MS:.0f} ms: {verdict(imported * 1e3 <= TARGET_IMPORT_MS)}"
    )
    print(f"cold import + first check:     {first * 1e3:8.1f} ms")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for note in notes:
            cw.check(note)
        profiler.disable()
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(10)
            print(f"\ncheck() profile over {len(notes)} notes, top 10 by {order}:")
            print(out.getvalue().split("ncalls", 1)[-1].join(["   ncalls", ""]).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
