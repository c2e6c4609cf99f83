"""Every report check() gives on every corpus scenario, as one JSON file to compare across a change.

    .venv/bin/python benchmarks/report_snapshot.py before.json   # before a refactor
    .venv/bin/python benchmarks/report_snapshot.py after.json    # after it
    .venv/bin/python benchmarks/report_snapshot.py --compare before.json after.json

A refactor that should not move a verdict is held to this: verdicts, messages, hints and spans on
every scenario in tests/corpus/, the course's lesson data and the shared calibration cases, plus
what suggest() offers for each. `--compare` prints the first differences and exits 1 if any.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    *sorted((ROOT / "tests" / "corpus").glob("*.jsonl")),
    ROOT.parent / "shared" / "calibration" / "cases.jsonl",
]


def scenarios() -> dict[str, dict]:
    """Raw scenario documents by a stable key: file name and line number."""
    found: dict[str, dict] = {}
    for path in SOURCES:
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                found[f"{path.name}:{number}"] = json.loads(line)["scenario"]
    return found


def snapshot() -> dict[str, object]:
    import connectwell as cw
    from connectwell import data

    out: dict[str, object] = {}
    for key, raw in scenarios().items():
        report = cw.check(raw)
        offered = cw.suggest(raw, n=3)
        out[key] = {
            "findings": [f.to_dict() for f in report],
            "suggestions": [s.text for s in offered],
            "missing": offered.missing,
        }
    for stem in data.lesson_stems():
        for number, example in enumerate(data.lesson_examples(stem)):
            out[f"lesson {stem}:{number}"] = [f.to_dict() for f in cw.check(example.scenario)]
    for set_name in data.QUIZ_SETS:
        for number, item in enumerate(data.quiz(set_name)):
            out[f"quiz {set_name}:{number}"] = [f.to_dict() for f in cw.check(item.scenario)]
    return out


def compare(before: Path, after: Path) -> int:
    old = json.loads(before.read_text(encoding="utf-8"))
    new = json.loads(after.read_text(encoding="utf-8"))
    keys = sorted(set(old) | set(new))
    differ = [k for k in keys if old.get(k) != new.get(k)]
    print(f"{len(keys)} scenarios compared, {len(differ)} differ")
    for key in differ[:10]:
        print(f"  {key}:\n    before {old.get(key)}\n    after  {new.get(key)}")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args(argv)
    if args.compare:
        return compare(*args.files[:2])
    args.files[0].write_text(json.dumps(snapshot(), sort_keys=True), encoding="utf-8")
    print(f"wrote {args.files[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
