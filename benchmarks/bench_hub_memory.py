"""How much memory does one learner take on the course's JupyterHub? Prints the figures.

    bash scripts/install_org.sh && .venv/bin/python benchmarks/bench_hub_memory.py [--learners 4]

As root (it makes throw-away accounts, as tests/org/ does): starts deploy/jupyterhub_config.py
on loopback, spawns each learner's server through the hub's API, opens one kernel per learner
that runs what the course's first notebook runs (`import connectwell as cw`, `from connectwell
import data, widgets`, a LiveChecker, a check), and then reads /proc:

- RSS: resident memory of each process, shared libraries counted in full (an upper bound)
- PSS: the same with each shared page split between the processes that share it (what a
  learner adds when many run on one machine)
- the CPU time the learner's processes used to start and run that code
- the machine's MemAvailable before the servers started and after, divided by the learners

Then it stops everything and removes the accounts. This is a measurement, not a test: nothing
here fails CI, and the numbers depend on the machine and the package versions.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
KERNEL_CODE = """\
import connectwell as cw
from connectwell import data, widgets
checker = widgets.LiveChecker(profile="priya")
checker.text = "Hi Priya, your Kafka talk at Globex was great; I run the Kafka guild here."
report = cw.check({"message": checker.text, "recipient": {"name": "Priya Raman"}})
print(type(report).__name__)
"""


def _support() -> Any:
    """tests/org/conftest.py: accounts, the exchange, the hub (shared with the tests)."""
    spec = importlib.util.spec_from_file_location("org_support", ROOT / "tests/org/conftest.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["org_support"] = module
    spec.loader.exec_module(module)
    return module


def memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes, from /proc/PID/smaps_rollup."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1]) * 1024
            elif line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return rss, pss


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def mem_available() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024
    return 0


def measure(learners: int) -> dict[str, Any]:
    org = _support()
    with org.accounts(learners) as users, org.exchange_root() as exchange:
        hub = org.start_hub(users, exchange, org.proxy_path())
        try:
            time.sleep(2)  # let the hub and proxy settle before the baseline
            before = mem_available()
            tokens = {}
            for user in users.learners:
                tokens[user.name] = hub.token_for(user)
                hub.spawn(user, tokens[user.name])
            kernels = {}
            for user in users.learners:
                kernels[user.name] = hub.start_kernel(user, tokens[user.name])
                out = hub.run(user, tokens[user.name], kernels[user.name], KERNEL_CODE)
                if out["error"] or out["stdout"].strip() != "Report":
                    raise org.HubError(f"the course did not run for {user}: {out}")
            time.sleep(2)
            after = mem_available()
            per_learner = []
            for user in users.learners:
                parts = {"server": [0, 0, 0.0], "kernel": [0, 0, 0.0], "other": [0, 0, 0.0]}
                for pid in org.pids_of(user.uid):
                    cmd = cmdline(pid)
                    kind = (
                        "kernel"
                        if "ipykernel" in cmd
                        else "server"
                        if "jupyterhub-singleuser" in cmd
                        else "other"
                    )
                    rss, pss = memory(pid)
                    parts[kind][0] += rss
                    parts[kind][1] += pss
                    parts[kind][2] += cpu_seconds(pid)
                per_learner.append(parts)
            hub_pids = org.session_pids(hub.process.pid)
            hub_rss = sum(memory(p)[0] for p in hub_pids)
            hub_pss = sum(memory(p)[1] for p in hub_pids)
            for user in users.learners:
                hub.stop_kernel(user, tokens[user.name], kernels[user.name])
                hub.stop_server(user)
        finally:
            hub.stop()
            shutil.rmtree(hub.state, ignore_errors=True)
    return {
        "learners": learners,
        "per_learner": per_learner,
        "hub": (hub_rss, hub_pss),
        "available_drop": before - after,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=4, help="servers to start (4)")
    args = parser.parse_args(argv)
    if args.learners < 1:
        print("bench_hub_memory: --learners must be at least 1", file=sys.stderr)
        return 2
    try:
        figures = measure(args.learners)
    except BaseException as err:  # pytest's skip/fail (what is missing) and the hub's errors
        if isinstance(err, KeyboardInterrupt):
            raise
        message = str(getattr(err, "msg", None) or err).strip().splitlines()
        print(f"bench_hub_memory: {message[0] if message else type(err).__name__}", file=sys.stderr)
        return 2

    def mib(values: list[int]) -> str:
        return f"{statistics.median(values) / MIB:6.0f} MiB (max {max(values) / MIB:.0f})"

    rows = figures["per_learner"]
    print(f"learners: {figures['learners']} (each: one server + one kernel with the course loaded)")
    for kind in ("server", "kernel"):
        print(
            f"  {kind:7} RSS {mib([r[kind][0] for r in rows])}   PSS {mib([r[kind][1] for r in rows])}"
        )
    cpu = [sum(v[2] for v in r.values()) for r in rows]
    print(f"  CPU time to start server + kernel and run the course: {statistics.median(cpu):.1f} s")
    total_rss = [sum(v[0] for v in r.values()) for r in rows]
    total_pss = [sum(v[1] for v in r.values()) for r in rows]
    print(f"  total   RSS {mib(total_rss)}   PSS {mib(total_pss)}")
    hub_rss, hub_pss = figures["hub"]
    print(f"hub + proxy: RSS {hub_rss / MIB:.0f} MiB, PSS {hub_pss / MIB:.0f} MiB")
    drop = figures["available_drop"] / figures["learners"] / MIB
    print(f"MemAvailable dropped by {drop:.0f} MiB per learner")
    return 0


if __name__ == "__main__":
    sys.exit(main())
