"""A kernel started ahead (connectwell.grading.kernels) must be, to the notebook, the kernel nbclient
would have started in the notebook's folder: same folder, fresh history, no extra names."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from traitlets.config import Config

from connectwell.grading.kernels import KernelRequest, WarmKernels

PROBE = (
    "import os, sys\n"
    "print(os.getcwd(), get_ipython().execution_count, len(In), list(map(str, _dh)),"
    " get_ipython().starting_dir, sorted(k for k in dir() if not k.startswith('_'))[:6],"
    " 'helper' in sys.modules)\n"
    "import helper\n"
    "print(helper.WHERE)"
)


def _run(kc: Any, code: str) -> str:
    msg_id = kc.execute(code)
    out = []
    while True:
        msg = run_sync(kc.get_iopub_msg)(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            out.append(msg["content"]["ename"])
        elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return "".join(out)


def _cold(request: KernelRequest) -> tuple[Any, Any]:
    """The kernel nbclient starts: in the notebook's folder, from the start."""
    km = AsyncKernelManager(kernel_name=request.kernel_name)
    run_sync(km.start_kernel)(extra_arguments=request.arguments(km), cwd=request.cwd)
    kc = km.client()
    kc.start_channels()
    run_sync(kc.wait_for_ready)(timeout=60)
    return km, kc


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    home, notebook = tmp_path / "worker", tmp_path / "autograded" / "learner01" / "01_not_blank"
    home.mkdir()
    notebook.mkdir(parents=True)
    (notebook / "helper.py").write_text("WHERE = 'beside the notebook'\n")
    return home, notebook


def test_a_kernel_started_ahead_looks_like_one_started_in_the_notebooks_folder(
    folders: tuple[Path, Path],
) -> None:
    home, notebook = folders
    request = KernelRequest(AsyncKernelManager, "python3", str(notebook), (), ":memory:")
    kernels = WarmKernels(Config(), home)
    try:
        assert kernels.take(request) is None  # the first notebook tells what kind to start
        warm = kernels.take(request)
        assert warm is not None and kernels.used == 1
        cold = _cold(request)
        try:
            seen = [_run(kc, PROBE) for _, kc in (warm, cold)]
        finally:
            kernels.release(*cold)
            kernels.release(*warm)
        assert seen[0] == seen[1]
        assert seen[0].startswith(f"{notebook} 2 2 ['{notebook}'] {notebook}")  # first cell
        assert seen[0].endswith("beside the notebook\n")
    finally:
        kernels.close()
    assert not kernels.dying and kernels.spare is None


def test_another_kind_of_kernel_is_not_handed_over(folders: tuple[Path, Path]) -> None:
    home, notebook = folders
    request = KernelRequest(AsyncKernelManager, "python3", str(notebook), (), ":memory:")
    kernels = WarmKernels(Config(), home)
    try:
        kernels.take(request)
        other = KernelRequest(AsyncKernelManager, "python3", str(notebook), ("--debug",), "")
        assert kernels.take(other) is None
        assert kernels.used == 0
    finally:
        kernels.close()


def test_no_kernel_outlives_close(folders: tuple[Path, Path]) -> None:
    home, notebook = folders
    request = KernelRequest(AsyncKernelManager, "python3", str(notebook), (), ":memory:")
    kernels = WarmKernels(Config(), home)
    kernels.take(request)
    assert kernels.spare is not None
    pid = kernels.spare[1].provisioner.process.pid
    kernels.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_kernel_that_cannot_be_asked_is_killed_not_dropped(folders: tuple[Path, Path]) -> None:
    home, notebook = folders
    request = KernelRequest(AsyncKernelManager, "python3", str(notebook), (), ":memory:")
    kernels = WarmKernels(Config(), home)
    kernels.take(request)
    assert kernels.spare is not None
    _, km, kc = kernels.spare
    kernels.spare = None
    pid = km.provisioner.process.pid

    async def broken() -> bool:
        raise RuntimeError("the kernel's manager cannot tell")

    km.is_alive = broken  # type: ignore[method-assign]
    kernels.release(km, kc)
    kernels.reap(kill=True)
    assert not kernels.dying
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_sandboxed_kernel_started_ahead_gets_the_notebooks_files(
    folders: tuple[Path, Path],
) -> None:
    from connectwell.grading import sandbox

    if sandbox.unavailable() is not None:
        pytest.skip(sandbox.unavailable() or "")
    home, notebook = folders
    (home / "secret.txt").write_text("the worker's folder, which holds the solutions")
    request = KernelRequest(sandbox.SandboxedKernelManager, "python3", str(notebook), (), "")
    kernels = WarmKernels(Config(), home)
    try:
        assert kernels.take(request) is None
        warm = kernels.take(request)
        assert warm is not None and kernels.used == 1
        try:
            seen = _run(warm[1], "import os\nprint(sorted(os.listdir('.')))\nimport helper\n"
                        "print(helper.WHERE)")  # fmt: skip
        finally:
            kernels.release(*warm)
        assert seen == "['helper.py']\nbeside the notebook\n"
    finally:
        kernels.close()
    assert not kernels.dying and kernels.spare is None
