"""Measuring a command in a process of its own: wall time and the peak RSS of that process.

Peak RSS is the kernel's own high-water mark (VmHWM in /proc/<pid>/status) of
the runner process alone: kernels are separate processes and are not counted.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Measured:
    seconds: float
    peak_rss_mb: float | None
    returncode: int
    stdout: str
    stderr: str


def _hwm_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _rss_kb(pid: int) -> int | None:
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss // 1024
    except Exception:
        return None


def run(cmd: list[str], cwd: Path, env: dict | None = None) -> Measured:
    """Run `cmd`, sampling the process's peak RSS until it exits."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            value = _hwm_kb(proc.pid) or _rss_kb(proc.pid)
            if value:
                peak[0] = max(peak[0], value)
            done.wait(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return Measured(seconds, peak[0] / 1024 if peak[0] else None, proc.returncode, out, err)


def cli() -> list[str]:
    """The installed `pipeline-widget` command (a Python process of its own)."""
    script = Path(sys.executable).with_name("pipeline-widget")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "pipeline_widget"]


def python_json(module: str, *args: str, cwd: Path) -> dict:
    """Run `python -m module args` and parse the JSON it prints last."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(Path(__file__).resolve().parent.parent), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-m", module, *args], cwd=cwd, env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{module} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])
