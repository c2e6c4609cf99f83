"""Regenerate exercises/ (what learners get) from solutions/ with nbgrader generate_assignment.

    python scripts/generate_exercises.py            # rewrite exercises/
    python scripts/generate_exercises.py --check    # exit 1, naming the files, if it is stale

nbgrader runs in a temporary copy of the course, so the repository's gradebook.db is neither
created nor changed; only exercises/ is replaced. tests/test_exercises.py runs --check.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE, RELEASE = "solutions", "exercises"


def nbgrader(course: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run nbgrader in `course`. The venv's bin goes first on PATH: nbgrader runs `alembic`
    from PATH when it creates a gradebook, and fails if the venv is not activated."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
    )
    if check and done.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def copy_course(dest: Path, root: Path = ROOT) -> Path:
    """A copy of the course (config, solutions, exercises) to run nbgrader in."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(root / "nbgrader_config.py", dest / "nbgrader_config.py")
    shutil.copytree(
        root / SOURCE, dest / SOURCE, ignore=shutil.ignore_patterns(".ipynb_checkpoints")
    )
    return dest


def generate(course: Path) -> Path:
    """Generate every assignment in a course copy; returns its release folder."""
    nbgrader(course, "generate_assignment", "*", "--force")
    return course / RELEASE


def differences(a: Path, b: Path) -> list[str]:
    """Files that differ between two release folders, as paths relative to them."""
    out: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        out.extend(f"{prefix}{name} (only in one)" for name in cmp.left_only + cmp.right_only)
        out.extend(f"{prefix}{name}" for name in cmp.diff_files)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(a, b, ignore=[".ipynb_checkpoints", "__pycache__"]), "")
    return sorted(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only report whether exercises/ is stale"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        fresh = generate(copy_course(Path(tmp) / "course"))
        stale = differences(fresh, ROOT / RELEASE) if (ROOT / RELEASE).exists() else ["exercises/"]
        if args.check:
            if stale:
                print(
                    f"{RELEASE}/ is out of date ({', '.join(stale)}): "
                    "run python scripts/generate_exercises.py"
                )
                return 1
            print(f"{RELEASE}/ is up to date")
            return 0
        shutil.rmtree(ROOT / RELEASE, ignore_errors=True)
        shutil.copytree(fresh, ROOT / RELEASE)
        print(f"wrote {RELEASE}/ ({len(list((ROOT / RELEASE).glob('*/*.ipynb')))} notebooks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
