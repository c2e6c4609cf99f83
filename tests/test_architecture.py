"""The package's layout is its architecture: imports point only down the wings.

    cli  ->  course, grading  ->  the linter (every other module, and rules/)

The linter imports neither wing and nothing from Jupyter or nbgrader; the course never imports
grading; nothing imports the CLI. One sideways edge is declared: the editor a learner types in
during a graded exercise (grading.notebook.editor) is the course's live checker, without its
suggestion button. These tests read every module's imports, including those inside functions,
so a lazy import cannot slip past them. docs/architecture.md draws the same picture.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "connectwell"
WINGS = ("course", "grading", "cli")
# Third-party packages that belong to a wing: the linter must run without any of them.
JUPYTER = {
    "ipywidgets",
    "IPython",
    "ipykernel",
    "nbgrader",
    "nbformat",
    "nbclient",
    "nbconvert",
    "jupyter_client",
    "jupyter_server",
    "jupyterlab",
    "traitlets",
    "matplotlib",
    "sqlalchemy",
}
SIDEWAYS = {("connectwell.grading.notebook", "connectwell.course.checker")}


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the module imported, as precisely as the statement names it
    line: int


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


MODULES = all_modules()


def imports_of(name: str) -> list[Import]:
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[Import] = []

    for child in ast.walk(tree):  # every import: at the top, in a function, for type checkers
        if isinstance(child, ast.Import):
            for alias in child.names:
                found.append(Import(name, alias.name, child.lineno))
        elif isinstance(child, ast.ImportFrom):
            base = child.module or ""
            if child.level:
                anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in child.names:
                # `from connectwell import grading` imports a module; `from x import name`
                # imports from x.
                sub = f"{base}.{alias.name}"
                found.append(Import(name, sub if sub in MODULES else base, child.lineno))
    return found


def wing(module: str) -> str:
    """Which part of the house a module of ours is in: a wing's name, or 'linter'."""
    if module == "connectwell.__main__":  # `python -m connectwell` is the command
        return "cli"
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in WINGS:
        return parts[1]
    return "linter"


def ours(imp: Import) -> bool:
    return imp.target == "connectwell" or imp.target.startswith("connectwell.")


ALL_IMPORTS = [imp for name in MODULES for imp in imports_of(name)]


def test_the_wings_are_where_the_layout_says() -> None:
    assert {wing(m) for m in MODULES} == {"linter", *WINGS}
    for name in ("connectwell.engine", "connectwell.rules.personalised", "connectwell.suggest"):
        assert wing(name) == "linter"
    assert wing("connectwell.course.checker") == "course"
    assert wing("connectwell.grading.cohort.worker") == "grading"


ALLOWED = {
    "linter": {"linter"},
    "course": {"linter", "course"},
    "grading": {"linter", "grading"},
    "cli": {"linter", "course", "grading", "cli"},
}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_point_down_the_wings(name: str) -> None:
    here = wing(name)
    wrong = []
    for imp in imports_of(name):
        if not ours(imp) or imp.target == "connectwell":
            continue
        if wing(imp.target) in ALLOWED[here] or (imp.source, imp.target) in SIDEWAYS:
            continue
        wrong.append(f"line {imp.line}: {here} imports {imp.target} ({wing(imp.target)})")
    assert not wrong, f"{name} imports against the direction of the wings:\n" + "\n".join(wrong)


@pytest.mark.parametrize("name", sorted(m for m in MODULES if wing(m) == "linter"))
def test_the_linter_runs_without_jupyter(name: str) -> None:
    heavy = [
        f"line {imp.line}: {imp.target}"
        for imp in imports_of(name)
        if imp.target.split(".")[0] in JUPYTER
    ]
    assert not heavy, f"{name} is part of the linter but imports: {heavy}"


# Inside the linter, layers: a module imports from its own layer or a lower one, never a higher.
# text -> mentions -> what a note says (names, statements, reasons, scams) -> context -> rules
# -> engine -> suggest. scenario, report and data stand beside them, on text at most.
LINTER_LAYERS = {
    "connectwell": 7,  # the public face hands on names from every layer, lazily
    "connectwell.text": 0,
    "connectwell.abbreviations": 0,
    "connectwell.scenario": 0,
    "connectwell.report": 0,
    "connectwell.data": 1,
    "connectwell.mentions": 1,
    "connectwell.names": 2,
    "connectwell.statements": 2,
    "connectwell.reason_cues": 0,
    "connectwell.reasons": 2,
    "connectwell.scams": 2,
    "connectwell.context": 3,
    "connectwell.rules": 4,
    "connectwell.engine": 5,
    "connectwell.suggest": 6,
}


def test_every_linter_module_has_a_layer() -> None:
    top = {".".join(m.split(".")[:2]) for m in MODULES if wing(m) == "linter"}
    assert top - {"connectwell.__main__"} <= set(LINTER_LAYERS), sorted(top - set(LINTER_LAYERS))


def linter_layer(module: str) -> int:
    while module not in LINTER_LAYERS:
        module = module.rpartition(".")[0]
    return LINTER_LAYERS[module]


@pytest.mark.parametrize("name", sorted(m for m in MODULES if wing(m) == "linter"))
def test_the_linter_imports_only_down_its_layers(name: str) -> None:
    own = linter_layer(name)
    higher = [
        f"line {imp.line}: {imp.target} (layer {linter_layer(imp.target)})"
        for imp in imports_of(name)
        if ours(imp) and imp.target != "connectwell" and linter_layer(imp.target) > own
    ]
    assert not higher, f"{name} (layer {own}) imports from a higher layer: {higher}"


def test_no_module_imports_another_that_imports_it_back() -> None:
    """No circle among the package's imports, of any length: those run at import time, those
    inside functions, and those only type checkers read (a circle there still ties two modules
    together)."""
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for imp in ALL_IMPORTS:
        if imp.target in MODULES and imp.target != imp.source:
            # A package's __init__ importing its own submodules is how a package is made.
            if not imp.target.startswith(imp.source + "."):
                graph[imp.source].add(imp.target)
    circles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the current path, 2 finished

    def walk(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                walk(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            walk(start, [start])
    assert not circles, "import circles:\n" + "\n".join(" -> ".join(c) for c in circles)


def _fake_package(root: Path, files: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A small connectwell of our own making, for the tests above to read instead."""
    for rel, source in files.items():
        path = root / "connectwell" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f'"""A module."""\n{source}\n', encoding="utf-8")
    here = sys.modules[__name__]
    monkeypatch.setattr(here, "PACKAGE", root / "connectwell")
    monkeypatch.setattr(here, "MODULES", all_modules())
    monkeypatch.setattr(here, "ALL_IMPORTS", [i for name in MODULES for i in imports_of(name)])


def test_an_import_against_the_wings_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "__init__.py": "",
        "engine.py": "def check():\n    from connectwell.grading import judges",
        "course/__init__.py": "",
        "course/checker.py": "from connectwell.grading.results import Result",
        "grading/__init__.py": "",
        "grading/judges.py": "",
        "grading/results.py": "",
        "cli/__init__.py": "",
    }
    _fake_package(tmp_path, files, monkeypatch)
    with pytest.raises(
        AssertionError, match=re.escape("linter imports connectwell.grading.judges")
    ):
        test_imports_point_down_the_wings("connectwell.engine")
    with pytest.raises(
        AssertionError, match=re.escape("course imports connectwell.grading.results")
    ):
        test_imports_point_down_the_wings("connectwell.course.checker")


def test_an_import_circle_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "__init__.py": "",
        "context.py": "from connectwell.scams import find_scam",
        "scams.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from connectwell.context import Context",
    }
    _fake_package(tmp_path, files, monkeypatch)
    with pytest.raises(AssertionError, match=re.escape("connectwell.context -> connectwell.scams")):
        test_no_module_imports_another_that_imports_it_back()


def test_every_module_says_what_it_holds() -> None:
    missing = [
        name
        for name, path in MODULES.items()
        if not ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        and path.name != "__main__.py"
    ]
    assert not missing, f"modules without a docstring: {missing}"
