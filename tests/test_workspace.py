"""The learner's working copy of the course (connectwell.course.workspace, `connectwell lab` after a
pip install): a first copy, and updates that never overwrite what the learner changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from connectwell.course import lab, workspace

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def material(tmp_path: Path) -> Path:
    """The course as a wheel carries it: course/ and exercises/ only."""
    out = tmp_path / "material"
    for name in workspace.MATERIAL:
        shutil.copytree(
            ROOT / name, out / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints")
        )
    return out


def test_a_first_copy_holds_the_course_and_exercises_and_never_the_solutions(
    material: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "ConnectWell"
    result = workspace.sync(folder, material, version="1.0")
    assert result.created and not result.added and not result.beside
    assert (folder / "course" / "01_start_here.ipynb").read_bytes() == (
        ROOT / "course" / "01_start_here.ipynb"
    ).read_bytes()
    assert sorted(p.name for p in (folder / "exercises").iterdir()) == sorted(
        p.name for p in (ROOT / "exercises").iterdir()
    )
    assert not (folder / "solutions").exists()
    assert (folder / "nbgrader_config.py").is_file()  # the Validate button reads it
    assert "Copied the ConnectWell course into" in result.lines()[0]


def test_the_learners_work_is_kept_and_the_new_version_goes_beside_it(
    material: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "ConnectWell"
    workspace.sync(folder, material, version="1.0")
    mine = folder / "exercises" / "01_not_blank" / "01_not_blank.ipynb"
    untouched = folder / "course" / "03_not_blank.ipynb"
    mine.write_text(mine.read_text(encoding="utf-8").replace("YOUR ANSWER", "my answer"), "utf-8")
    learners_work = mine.read_bytes()

    # A newer connectwell changes both notebooks and adds a lesson.
    for path in (
        material / "exercises/01_not_blank/01_not_blank.ipynb",
        material / "course/03_not_blank.ipynb",
    ):
        path.write_text(
            path.read_text(encoding="utf-8").replace("not-blank", "not-blank "), "utf-8"
        )
    (material / "course" / "10_new_lesson.ipynb").write_text("{}", "utf-8")
    result = workspace.sync(folder, material, version="2.0")

    assert mine.read_bytes() == learners_work  # never overwritten
    new = folder / "exercises" / "01_not_blank" / "01_not_blank.v2.0.ipynb"
    assert new.read_bytes() == (material / "exercises/01_not_blank/01_not_blank.ipynb").read_bytes()
    assert untouched.read_bytes() == (material / "course/03_not_blank.ipynb").read_bytes()
    assert (folder / "course" / "10_new_lesson.ipynb").is_file()
    text = "\n".join(result.lines())
    assert "course/10_new_lesson.ipynb" in text
    assert "You changed exercises/01_not_blank/01_not_blank.ipynb" in text
    assert "01_not_blank.v2.0.ipynb" in text
    assert "course/03_not_blank.ipynb" in text  # updated, and said so

    # Run again with nothing new: nothing is written or said.
    again = workspace.sync(folder, material, version="2.0")
    assert again.lines() == []
    assert mine.read_bytes() == learners_work


def test_a_broken_manifest_never_costs_the_learner_their_work(
    material: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "ConnectWell"
    workspace.sync(folder, material, version="1.0")
    (folder / workspace.MANIFEST).write_text("not json", "utf-8")
    mine = folder / "course" / "04_personalised.ipynb"
    mine.write_text("my notes", "utf-8")
    workspace.sync(folder, material, version="1.1")
    assert mine.read_text("utf-8") == "my notes"
    assert (folder / "course" / "04_personalised.v1.1.ipynb").is_file()
    assert json.loads((folder / workspace.MANIFEST).read_text("utf-8"))["version"] == "1.1"


def test_lab_copies_the_course_into_home_when_installed_from_a_wheel(
    material: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, elsewhere = tmp_path / "home", tmp_path / "elsewhere"
    home.mkdir()
    elsewhere.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(elsewhere)
    monkeypatch.setattr(lab, "is_checkout", lambda: False)
    said: list[str] = []
    root = lab.find_course(None, material=material, say=said.append)
    assert root == (home / "ConnectWell").resolve()
    assert (root / "course" / "01_start_here.ipynb").is_file()
    assert said and "ConnectWell" in said[0]

    # A folder the learner names, which does not exist yet.
    chosen = tmp_path / "my course"
    assert lab.find_course(str(chosen), material=material, say=said.append) == chosen.resolve()
    assert (chosen / "exercises").is_dir()


def test_lab_in_a_checkout_never_copies_anything(tmp_path: Path) -> None:
    # The repository itself has course/ but no manifest: it is used as it is.
    said: list[str] = []
    assert lab.find_course(str(ROOT), material=tmp_path, say=said.append) == ROOT
    assert said == []


def test_install_hints_fit_how_connectwell_was_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lab, "is_checkout", lambda: False)
    assert "-e" not in lab.install_hint() and "connectwell[course]" in lab.install_hint()
    monkeypatch.setattr(lab, "is_checkout", lambda: True)
    assert lab.install_hint() == lab.INSTALL_HINT
