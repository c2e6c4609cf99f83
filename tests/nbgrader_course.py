"""A temporary copy of the nbgrader course for end-to-end tests: generate, submit, grade, read.

Used by test_nbgrader_e2e.py and test_tamper.py. nbgrader runs as a subprocess in the copy, as an
instructor runs it, with the repository's nbgrader_config.py."""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parent.parent


def _script() -> Any:
    name = "generate_exercises"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def digest(folder: Path) -> dict[str, str]:
    """Every file under a folder with its content hash and mode: any change shows."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        + oct(p.stat().st_mode)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def sqlite_state(root: Path) -> dict[str, Any]:
    """What a course's gradebook.db says about learners and grades, in plain values."""
    from connectwell.grading.gradebooks import GradebookDB

    return GradebookDB(f"sqlite:///{root / 'gradebook.db'}").state()


def grade_id(cell: Any) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


@dataclass
class Course:
    root: Path

    @classmethod
    def create(cls, dest: Path) -> Course:
        script = _script()
        course = cls(script.copy_course(dest))
        script.generate(course.root)
        return course

    def copy(self, dest: Path) -> Course:
        """An independent copy of the course: gradebook, submissions, autograded work."""
        shutil.copytree(self.root, dest, symlinks=True)
        return Course(dest)

    def nbgrader(self, *args: str) -> subprocess.CompletedProcess[str]:
        return _script().nbgrader(self.root, *args, check=False)

    def release(self, aid: str) -> Any:
        return nbformat.read(self.root / "exercises" / aid / f"{aid}.ipynb", as_version=4)

    def source(self, aid: str) -> Any:
        return nbformat.read(self.root / "solutions" / aid / f"{aid}.ipynb", as_version=4)

    def answered(self, aid: str, sources: dict[str, str]) -> Any:
        """The release with some answer cells (by grade id) rewritten, as a learner would."""
        nb = copy.deepcopy(self.release(aid))
        for cell in nb.cells:
            if grade_id(cell) in sources:
                cell.source = sources[grade_id(cell)]
        return nb

    def solved(self, aid: str) -> Any:
        """The release with every answer cell as the instructor's solution has it."""
        answers = {
            grade_id(c): c.source
            for c in self.source(aid).cells
            if c.metadata.get("nbgrader", {}).get("solution")
        }
        return self.answered(aid, answers)

    def submit(self, student: str, aid: str, nb: Any) -> None:
        folder = self.root / "submitted" / student / aid
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / f"{aid}.ipynb")

    def autograded(self, student: str, aid: str) -> Path:
        return self.root / "autograded" / student / aid / f"{aid}.ipynb"

    def feedback(self, student: str, aid: str) -> Path:
        return self.root / "feedback" / student / aid / f"{aid}.html"

    def gradebook(self) -> Any:
        from nbgrader.api import Gradebook

        return Gradebook(f"sqlite:///{self.root / 'gradebook.db'}")

    def scores(self, student: str, aid: str) -> dict[str, tuple[float, float]]:
        """Each graded cell's (score, max score) for one learner's submission."""
        with self.gradebook() as gb:
            notebook = gb.find_submission_notebook(aid, aid, student)
            return {g.name: (float(g.score), float(g.max_score)) for g in notebook.grades}

    def total(self, student: str, aid: str) -> tuple[float, float]:
        cells = self.scores(student, aid).values()
        return sum(s for s, _ in cells), sum(m for _, m in cells)
