"""Cold runs at the kernel floor: forked kernels and the lean runner, against the plain
papermill loop over the same notebooks, measured in the same rounds (median of at least 5).

- cold chain-10 and cold fan-out 1->9, every step in its own fresh kernel process;
- the total CPU of a cold chain-10 run, children included (the OS's accounting);
- the unchanged re-run of chain-10;
- `pipeline-widget --help`, and the CLI's start-up imports;
- the fork server and two forked kernels, in RSS (each process's resident set, summed).
Also, as information: the same cold runs with the fork server turned off.
"""
from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline_widget.core.workspace import WORKSPACE_DIRNAME

from . import measure, shapes
from .core import Project

ROUNDS = 5
COLD_TARGET = 0.12
CPU_TARGET_S = 2.5
RERUN_TARGET = 0.02
HELP_TARGET_S = 0.2
IMPORTS_TARGET_S = 0.3
RSS_TARGET_MB = 150.0
FORK_ENV = "PIPELINE_WIDGET_FORK_KERNELS"


def _timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the command and all its children, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{cmd} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def _cold(project: Project, env: dict[str, str]) -> tuple[float, float, str]:
    shutil.rmtree(project.folder / WORKSPACE_DIRNAME, ignore_errors=True)
    return _timed([*measure.cli(), "--workspace", str(project.folder), "run",
                   str(project.file)], project.folder, env)


def _rss_of_server_and_two_kernels(root: Path) -> tuple[float, float]:
    """MB resident: the fork server and two forked kernels, RSS summed (pages they share
    counted in each: an upper bound); and with the kernels' two supervisors, PSS summed
    (each shared page divided among its sharers: the memory all five take together)."""
    import psutil

    code = ("import sys, psutil\n"
            "from pipeline_widget.run.step.kernels import start_kernel\n"
            f"ks = [start_kernel('python3', {str(root)!r}, {str(root / 'kernels')!r}) "
            "for _ in range(2)]\n"
            "me = psutil.Process()\n"
            "procs = [p for p in me.children(recursive=True)\n"
            "         if p.name() in ('pw-fork-server', 'pw-supervisor', 'pw-kernel')]\n"
            "core = [p for p in procs if p.name() != 'pw-supervisor']\n"
            "print(sum(p.memory_info().rss for p in core) / 2**20, len(procs),\n"
            "      sum(p.memory_full_info().pss for p in procs) / 2**20)\n"
            "for k in ks: k.stop()\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                         text=True, check=True).stdout.split()
    assert psutil is not None and int(out[1]) == 5, out
    return float(out[0]), float(out[2])


def main() -> bool:
    root = Path(tempfile.mkdtemp(prefix="pw-floor-"))
    env = {**os.environ}
    env.pop(FORK_ENV, None)
    off = {**env, FORK_ENV: "0"}
    try:
        chain = Project(shapes.chain(10), root)
        fan = Project(shapes.fan_out(9), root)
        got: dict[str, list[float]] = {k: [] for k in (
            "chain", "fan", "cpu", "again", "chain_off", "fan_off", "help")}
        for r in range(ROUNDS):
            print(f"round {r + 1}/{ROUNDS} ...", flush=True)
            for project, key in ((chain, "chain"), (fan, "fan")):
                loop = project.baseline()["loop"]
                wall, cpu, _ = _cold(project, env)
                got[key].append(wall / loop)
                if key == "chain":
                    got["cpu"].append(cpu)
                    again, _, out = _timed([*measure.cli(), "--workspace", str(project.folder),
                                            "run", str(project.file)], project.folder, env)
                    assert "0 ran" in out, out
                    got["again"].append(again / loop)
                got[f"{key}_off"].append(_cold(project, off)[0] / loop)
            got["help"].append(_timed([*measure.cli(), "--help"], root, env)[0])
        imports, worst = _imports_seconds(chain, env)
        rss, pss = _rss_of_server_and_two_kernels(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    med = {k: statistics.median(v) for k, v in got.items()}
    rows = [
        ("cold chain_10 / papermill loop", med["chain"], COLD_TARGET, "x"),
        ("cold fan_out_1x9 / papermill loop", med["fan"], COLD_TARGET, "x"),
        ("cold chain_10, CPU with children", med["cpu"], CPU_TARGET_S, "s"),
        ("unchanged chain_10 re-run / loop", med["again"], RERUN_TARGET, "x"),
        ("pipeline-widget --help", med["help"], HELP_TARGET_S, "s"),
        ("runner imports, cold chain_10", imports, IMPORTS_TARGET_S, "s"),
        ("fork server + 2 kernels, RSS summed", rss, RSS_TARGET_MB, "MB"),
        ("... and their supervisors, PSS summed", pss, None, "MB"),
        ("cold chain_10, fork server off", med["chain_off"], None, "x"),
        ("cold fan_out_1x9, fork server off", med["fan_off"], None, "x"),
    ]
    ok = True
    for name, value, target, unit in rows:
        verdict = "" if target is None else ("PASS" if value <= target else "FAIL")
        ok = ok and verdict != "FAIL"
        shown = f"{value:.3f} {unit}" if unit != "MB" else f"{value:.0f} MB"
        print(f"{name:38} {shown:>10}  " + (f"target <= {target} {unit}  {verdict}"
                                             if target is not None else "(information)"))
    print(f"  costliest imports of the runner: {worst}")
    return ok


def _imports_seconds(project: Project, env: dict[str, str]) -> tuple[float, str]:
    """Seconds the runner process of a cold chain-10 run spends importing (Python's own
    accounting, -X importtime: every module it imports, whenever it does), and the three
    costliest top-level imports."""
    import re

    shutil.rmtree(project.folder / WORKSPACE_DIRNAME, ignore_errors=True)
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "pipeline_widget",
                           "--workspace", str(project.folder), "run", str(project.file)],
                          cwd=project.folder, env=env, capture_output=True, text=True, check=True)
    tops = []
    for line in done.stderr.splitlines():
        found = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S.*)$", line)
        if found:
            tops.append((int(found.group(1)) / 1e6, found.group(2)))
    worst = ", ".join(f"{name} {t:.2f}" for t, name in sorted(tops, reverse=True)[:3])
    return sum(t for t, _ in tops), worst


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
