"""The learner's own copy of the course, for `connectwell lab` when connectwell is installed
from a wheel (pip or pipx) rather than run from a git checkout.

The wheel carries the learner's material in `connectwell/material/`: the course notebooks and
the released exercises (never `solutions/`, never a hidden test; tests/test_wheel.py checks
the built wheel). JupyterLab cannot open notebooks inside site-packages for editing, so
`connectwell lab` copies them into a working folder the learner can see (~/ConnectWell, or a
folder they name) and opens the course there.

A learner's work is never overwritten. The working folder keeps a manifest of what was copied
(`.connectwell/manifest.json`, a hash per file). When a newer connectwell brings a changed
notebook:
- a file the learner never changed (its hash is the one copied) is replaced by the new one;
- a file the learner changed stays as it is, and the new version is written beside it, as
  `NAME.vVERSION.ipynb`, and the learner is told;
- a file that is new in this version is added.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

MATERIAL = ("course", "exercises")  # the folders the wheel ships, in connectwell/material/
MANIFEST = Path(".connectwell") / "manifest.json"
DEFAULT_FOLDER_NAME = "ConnectWell"
# Files in the material that are not the learner's to keep (maintainers' notes for nbval).
SKIPPED = frozenset({"nbval_sanitize.cfg"})

# The Validate button runs nbgrader in the server's folder and reads nbgrader_config.py there.
LEARNER_CONFIG = '''\
"""nbgrader settings for the Validate button in your ConnectWell course folder."""

c = get_config()  # noqa: F821 (nbgrader provides it)

# Every check takes milliseconds; a cell that runs longer is stuck, and is interrupted.
c.Execute.timeout = 30
'''


def packaged_material() -> Path | None:
    """Where the installed wheel keeps the course, or None (a checkout has no such folder)."""
    folder = resources.files("connectwell") / "material"
    path = Path(str(folder))
    if all((path / name).is_dir() for name in MATERIAL):
        return path
    return None


def default_folder() -> Path:
    """The working folder a learner gets when they name none: visible, in their home folder."""
    return Path.home() / DEFAULT_FOLDER_NAME


def installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("connectwell")
    except PackageNotFoundError:
        return "0"


@dataclass
class Sync:
    """What `sync` did to a working folder, for the lines the learner reads."""

    folder: Path
    created: bool = False  # the folder had no course before
    added: list[str] = field(default_factory=list)  # new files (beyond a first copy)
    updated: list[str] = field(default_factory=list)  # unchanged by the learner, replaced
    beside: list[tuple[str, str]] = field(default_factory=list)  # (theirs, the new version)

    def lines(self) -> list[str]:
        out = []
        if self.created:
            out.append(
                f"Copied the ConnectWell course into {self.folder}; your work is saved there."
            )
        if self.added:
            out.append(f"Added {len(self.added)} new file(s): {', '.join(self.added)}.")
        if self.updated:
            out.append(
                f"Updated {len(self.updated)} file(s) you had not changed: {', '.join(self.updated)}."
            )
        for theirs, new in self.beside:
            out.append(
                f"You changed {theirs}, so it is kept as it is; the new version is beside it: {new}."
            )
        return out


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _files(material: Path) -> list[tuple[str, Path]]:
    found = []
    for name in MATERIAL:
        for path in sorted((material / name).rglob("*")):
            rel = path.relative_to(material)
            if (
                path.is_file()
                and path.name not in SKIPPED
                and not any(part.startswith(".") or part == "__pycache__" for part in rel.parts)
            ):
                found.append((rel.as_posix(), path))
    return found


def _write(path: Path, data: bytes) -> None:
    # Written whole or not at all: a copy cut short by Ctrl+C must not look like the learner's.
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _beside(path: Path, version: str) -> Path:
    return path.with_name(f"{path.stem}.v{version}{path.suffix}")


def is_working_folder(folder: Path) -> bool:
    """A folder `sync` made (it has the manifest), as opposed to a checkout."""
    return (folder / MANIFEST).is_file()


def sync(folder: Path, material: Path, version: str | None = None) -> Sync:
    """Copy the material into folder, or bring an earlier copy up to date, never overwriting a
    file the learner changed (see the module docstring)."""
    version = version or installed_version()
    manifest_path = folder / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        known: dict[str, str] = dict(manifest.get("files", {}))
    except (OSError, ValueError, AttributeError):
        known = {}
    result = Sync(folder, created=not any((folder / name).is_dir() for name in MATERIAL))
    for rel, source in _files(material):
        data = source.read_bytes()
        new = _digest(data)
        target = folder / rel
        if not target.exists():
            _write(target, data)
            if not result.created:
                result.added.append(rel)
        else:
            current = _digest(target.read_bytes())
            if current == new:
                pass
            elif known.get(rel) == current:
                _write(target, data)
                result.updated.append(rel)
            else:
                other = _beside(target, version)
                if not other.exists() or _digest(other.read_bytes()) != new:
                    _write(other, data)
                    result.beside.append((rel, other.relative_to(folder).as_posix()))
                continue  # the manifest keeps the hash of what we last gave them
        known[rel] = new
    config = folder / "nbgrader_config.py"
    if not config.exists():
        _write(config, LEARNER_CONFIG.encode())
    _write(
        manifest_path,
        json.dumps({"version": version, "files": known}, indent=1, sort_keys=True).encode(),
    )
    return result
