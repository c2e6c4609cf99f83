"""What does the sandbox cost one kernel? Start, first reply and shutdown of an IPython kernel,
with and without connectwell.grading.sandbox, alternated so that the machine's load falls on
both alike.

    .venv/bin/python benchmarks/bench_sandbox.py            # 10 kernels each way
    .venv/bin/python benchmarks/bench_sandbox.py --kernels 20

This is a measurement, not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any


def one(manager_class: Any, folder: Path) -> tuple[float, float]:
    """Seconds to a kernel's first reply, and to its shutdown."""
    from jupyter_core.utils import run_sync

    started = time.perf_counter()
    km = manager_class()
    run_sync(km.start_kernel)(cwd=str(folder))
    kc = km.client()
    kc.start_channels()
    run_sync(kc.wait_for_ready)(timeout=60)
    msg_id = kc.execute("from connectwell import grading", store_history=False)
    while run_sync(kc.get_shell_msg)(timeout=60)["parent_header"].get("msg_id") != msg_id:
        pass
    ready = time.perf_counter() - started
    kc.stop_channels()
    run_sync(km.shutdown_kernel)(now=False)
    return ready, time.perf_counter() - started - ready


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernels", type=int, default=10)
    args = parser.parse_args(argv)
    from jupyter_client.manager import AsyncKernelManager

    from connectwell.grading.sandbox import SandboxedKernelManager, unavailable

    if unavailable():
        print(f"no sandbox here: {unavailable()}")
        return 1
    times: dict[str, list[tuple[float, float]]] = {"plain": [], "sandboxed": []}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "notebook.ipynb").write_text("{}")
        for _ in range(args.kernels):
            times["plain"].append(one(AsyncKernelManager, folder))
            times["sandboxed"].append(one(SandboxedKernelManager, folder))
    for name, runs in times.items():
        ready = [r for r, _ in runs]
        down = [d for _, d in runs]
        print(
            f"{name:>9}: ready and `from connectwell import grading` done in "
            f"{statistics.median(ready):.3f} s (median of {len(runs)}; min {min(ready):.3f}), "
            f"shutdown {statistics.median(down):.3f} s"
        )
    cost = statistics.median(r for r, _ in times["sandboxed"]) - statistics.median(
        r for r, _ in times["plain"]
    )
    print(f"the sandbox adds {cost * 1000:+.0f} ms to a kernel's start")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
