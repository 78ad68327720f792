"""Cold runs at the kernel floor: forked kernels and the lean runner, against the plain
papermill loop over the same notebooks, measured in the same rounds (median of at least 5).

- cold chain-10 and cold fan-out 1->9, every step in its own fresh kernel process;
- the total CPU of a cold chain-10 run, children included (the OS's accounting);
- the unchanged re-run of chain-10;
- `pipeline-widget --help`, and the CPU the runner of a cold chain-10 spends importing;
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
from pipeline_widget.run.step.forking.setting import FORK_ENV

from . import measure, shapes
from .core import Project

ROUNDS = 5
IMPORT_ROUNDS = 5   # cold runs timed for their imports (about 1 s each)
COLD_TARGET = 0.12
CPU_TARGET_S = 2.5
RERUN_TARGET = 0.02
HELP_TARGET_S = 0.2
IMPORTS_TARGET_S = 0.3
RSS_TARGET_MB = 150.0


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
            "chain", "fan", "cpu", "again", "chain_off", "fan_off", "help", "chain_prompt",
            "fan_prompt")}
        loops: dict[str, list[str]] = {"chain": [], "fan": []}
        for r in range(ROUNDS):
            print(f"round {r + 1}/{ROUNDS} ...", flush=True)
            for project, key in ((chain, "chain"), (fan, "fan")):
                baseline = project.baseline()
                loop = baseline["loop"]
                prompt = loop - baseline["late_shutdown_seconds"]
                loops[key].append(f"{loop:.1f}" + (f" ({baseline['late_shutdowns']} late)"
                                                   if baseline["late_shutdowns"] else ""))
                wall, cpu, _ = _cold(project, env)
                got[key].append(wall / loop)
                got[f"{key}_prompt"].append(wall / prompt)
                if key == "chain":
                    got["cpu"].append(cpu)
                    again, _, out = _timed([*measure.cli(), "--workspace", str(project.folder),
                                            "run", str(project.file)], project.folder, env)
                    assert "0 ran" in out, out
                    got["again"].append(again / loop)
                got[f"{key}_off"].append(_cold(project, off)[0] / loop)
            got["help"].append(_timed([*measure.cli(), "--help"], root, env)[0])
        timed = sorted((_imports_seconds(chain, env) for _ in range(IMPORT_ROUNDS)),
                       key=lambda t: t[0])
        imports, worst = timed[IMPORT_ROUNDS // 2]   # the median
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
        ("runner imports, CPU, cold chain_10", imports, IMPORTS_TARGET_S, "s"),
        ("fork server + 2 kernels, RSS summed", rss, RSS_TARGET_MB, "MB"),
        ("... and their supervisors, PSS summed", pss, None, "MB"),
        ("cold chain_10 / loop, no late shutdown", med["chain_prompt"], None, "x"),
        ("cold fan_out_1x9 / loop, no late shutdown", med["fan_prompt"], None, "x"),
        ("cold chain_10, fork server off", med["chain_off"], None, "x"),
        ("cold fan_out_1x9, fork server off", med["fan_off"], None, "x"),
    ]
    ok = True
    for name, value, target, unit in rows:
        verdict = "" if target is None else ("PASS" if value <= target else "FAIL")
        ok = ok and verdict != "FAIL"
        shown = f"{value:.3f} {unit}" if unit != "MB" else f"{value:.0f} MB"
        print(f"{name:42} {shown:>10}  " + (f"target <= {target} {unit}  {verdict}"
                                             if target is not None else "(information)"))
    print(f"  costliest imports of the runner: {worst}")
    # papermill's loop is bimodal: now and then a kernel does not exit on its shutdown
    # request, and its notebook takes about 3 s more (jupyter_client waits, then sends
    # SIGTERM); the ratios move with how often that happened. "no late shutdown": against
    # the loop less what those notebooks took beyond a usual one.
    for key, seconds in loops.items():
        print(f"  papermill loop, {key}: " + ", ".join(seconds) + " s")
    return ok


# Runs the command line with every import timed in CPU seconds of the thread that imports
# (outermost imports only: what they import inside is theirs), whichever thread imports.
# `-X importtime` cannot serve here: its nesting and its cumulative times are process-wide,
# so imports in the background (the notebook machinery loads while kernels boot) are mixed
# with other threads' imports and work, and modules imported by importlib are not listed.
TIMED_IMPORTS = """
import builtins, importlib, json, sys, threading, time, atexit
inside = threading.local()
spent = {}
def timed(real):
    def wrapper(name, *args, **kwargs):
        if getattr(inside, "depth", 0):
            return real(name, *args, **kwargs)
        inside.depth = 1
        start = time.thread_time()
        try:
            return real(name, *args, **kwargs)
        finally:
            inside.depth = 0
            top = name.partition(".")[0] or name
            spent[top] = spent.get(top, 0.0) + time.thread_time() - start
    return wrapper
builtins.__import__ = timed(builtins.__import__)
importlib.import_module = timed(importlib.import_module)
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write(json.dumps(spent)))
sys.argv = ["pipeline-widget", *sys.argv[2:]]
from pipeline_widget.cli import entry
entry()
"""


def _imports_seconds(project: Project, env: dict[str, str]) -> tuple[float, str]:
    """CPU seconds the runner process of a cold chain-10 run spends importing, in any of its
    threads, and the three costliest top-level packages (TIMED_IMPORTS)."""
    import json

    shutil.rmtree(project.folder / WORKSPACE_DIRNAME, ignore_errors=True)
    out = project.folder / "imports.json"
    subprocess.run([sys.executable, "-c", TIMED_IMPORTS, str(out), "--workspace",
                    str(project.folder), "run", str(project.file)],
                   cwd=project.folder, env=env, capture_output=True, text=True, check=True)
    spent: dict[str, float] = json.loads(out.read_text())
    out.unlink()
    worst = ", ".join(f"{name} {t:.2f}" for name, t in
                      sorted(spent.items(), key=lambda kv: -kv[1])[:3])
    return sum(spent.values()), worst


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
