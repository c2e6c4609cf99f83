"""The files of a grading run: each worker's scratch copy of the course, the lock that keeps two
runs of one assignment apart, and atomic replacement of a learner's folders.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from connectwell.grading.cohort.settings import SCRATCH_DIR, CohortError

# ---------------------------------------------------------------- files


@contextlib.contextmanager
def scratch_space(course: Path, assignment: str) -> Iterator[Path]:
    """The run's scratch folder, with a lock so that two runs never grade the same assignment
    of a course at once. Runs on different assignments (two instructors) go side by side."""
    if not assignment or assignment.startswith(".") or any(c in assignment for c in "/\\"):
        raise CohortError(f"{assignment!r} is not an assignment name (a folder name in source/)")
    top = course / SCRATCH_DIR
    root = top / assignment
    # The lock is taken before anything is touched and outside the `try` that removes the
    # folder: a run turned away must not delete the scratch of the run that holds it. Its file
    # sits beside the folder (a leading dot: no assignment name can take it), so the folder is
    # gone completely before the lock is released and the next run may recreate it.
    with _run_lock(top / f".{assignment}.lock", assignment):
        try:
            root.mkdir(parents=True, exist_ok=True)
            for stale in root.iterdir():  # a killed run's copies
                if stale.is_dir():
                    _wait_for_stale_worker(stale)
                    shutil.rmtree(stale, ignore_errors=True)
            yield root
        finally:
            shutil.rmtree(root, ignore_errors=True)
    with contextlib.suppress(OSError):
        top.rmdir()  # only when no other assignment is being graded


@contextlib.contextmanager
def _run_lock(path: Path, assignment: str) -> Iterator[None]:
    """An exclusive flock on `path`, held for the run; its file is removed when it ends.

    Removing a lock file is safe only this way round: the holder unlinks it while still
    holding it, and a run that got the lock checks that the file it locked is still the one at
    `path`. Otherwise it locked a file the previous holder had just removed, while a third run
    may hold a new one there, so it tries again."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): one run at a time is up to the user
        yield
        return
    while True:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except FileNotFoundError:  # a run that just ended removed the empty folder: again
            continue
        except OSError as exc:
            raise CohortError(
                f"cannot create {path} ({exc.strerror or exc}); `connectwell grade` needs to "
                "write in the course folder"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise CohortError(
                f"another `connectwell grade {assignment}` is running in this course; wait for "
                "it to finish"
            ) from None
        except OSError as exc:
            os.close(fd)
            raise CohortError(
                f"cannot lock {path} ({exc.strerror or exc}); is the course on a file system "
                "without locks?"
            ) from None
        try:
            here = os.stat(path)
        except FileNotFoundError:
            here = None
        mine = os.fstat(fd)
        if here is not None and (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino):
            break
        os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)  # while still holding it: see above
        os.close(fd)  # releases the lock


def _wait_for_stale_worker(folder: Path, patience: float = 15.0) -> None:
    """A killed run's worker stops by itself once it sees its parent gone; give it time to,
    so it does not write into the folder we are about to delete."""
    try:
        pid = int((folder / "worker.pid").read_text())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return
    if b"connectwell.grading.cohort.worker" not in cmdline:
        return
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
        time.sleep(0.2)


def replace_dir(dest: Path, new: Path) -> None:
    """Put `new` at `dest` so that a reader, or a crash at any moment, finds the old folder or
    the new one complete, never half of one (an autograded folder marks a learner done)."""
    parent = dest.parent
    parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(dest)
    tag = uuid.uuid4().hex
    # Built beside `dest`, so that the final step is a rename within one folder.
    staged = parent / f".{dest.name}.connectwell-new-{tag}"
    try:
        os.replace(new, staged)
    except OSError:  # another file system: copy instead, all of it before it is put in place
        try:
            shutil.copytree(new, staged, symlinks=True)
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise
    old = parent / f".{dest.name}.connectwell-old-{tag}"
    if dest.exists() or dest.is_symlink():
        os.replace(dest, old)
    try:
        os.replace(staged, dest)
    except BaseException:
        if old.exists():
            os.replace(old, dest)  # the old folder back, rather than none
        shutil.rmtree(staged, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)


def remove_dir(dest: Path) -> None:
    """Remove `dest` by a rename first: a crash leaves it whole or gone, never half."""
    _remove_leftovers(dest)
    if dest.exists() or dest.is_symlink():
        old = dest.parent / f".{dest.name}.connectwell-old-{uuid.uuid4().hex}"
        os.replace(dest, old)
        shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(dest: Path) -> None:
    """Folders that replace_dir or remove_dir left beside `dest` when a run was killed."""
    for path in dest.parent.glob(f".{glob.escape(dest.name)}.connectwell-*"):
        shutil.rmtree(path, ignore_errors=True)
