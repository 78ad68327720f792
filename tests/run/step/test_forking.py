"""Kernels forked from the fork server: each step still gets a fresh kernel process that
sees exactly what a kernel started as a program for it sees, and nothing outlives its
owner."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from pipeline_widget import NotebookStep, Pipeline, PipelineData
from pipeline_widget.run.reuse.reads import TRACE_FILE
from pipeline_widget.run.reuse.tracer import read_trace
from pipeline_widget.run.step.forking.setting import FORK_ENV
from pipeline_widget.run.step.kernels import fork_kernels
from tests.conftest import process_ended, write_notebook

pytestmark = pytest.mark.skipif(not fork_kernels(), reason="kernels are not forked here")

SEES = ("import gc, json, os, random, sys\n"
        "packages = sorted(n for n in sys.modules if n.partition('.')[0] not in\n"
        "                  sys.stdlib_module_names and not n.startswith('_pipeline_widget'))\n"
        "import helper\n"
        "seen = {'env': dict(os.environ), 'cwd': os.getcwd(), 'path': sys.path,\n"
        "        'packages': packages,\n"
        "        'argv0': sys.argv[0], 'argv_flags': sys.argv[1::2],\n"
        "        'dh': [str(d) for d in _dh], 'main': type(sys.modules['__main__']).__name__,\n"
        "        'random': random.random(), 'pid': os.getpid(), 'parent': os.getppid(),\n"
        "        'helper': helper.VALUE, 'gc': [gc.isenabled(), gc.get_threshold()]}\n"
        "open(os.path.join(out, 'seen.json'), 'w').write(json.dumps(seen))")
PER_PROCESS = ("PIPELINE_WIDGET_CONTEXT", "PIPELINE_WIDGET_TRACE", "JPY_PARENT_PID", FORK_ENV)


def _seen(ws, project: Path) -> tuple[dict, Path]:
    nb = project / "steps" / "see.ipynb"
    step = NotebookStep("see", nb, outputs=[PipelineData("out")], allow_reuse=False)
    handle = Pipeline(ws, [step], name="see").submit("see")
    assert handle.wait_for_completion(show_output=False) == "Finished"
    record = handle.get_step("see")
    found = json.loads((Path(record.outputs["out"]) / "seen.json").read_text())
    return found, Path(record.record_dir)


def test_a_forked_kernel_sees_what_a_kernel_started_as_a_program_sees(ws, project, monkeypatch):
    write_notebook(project / "steps" / "see.ipynb", "out = None", SEES)
    (project / "steps" / "helper.py").write_text("VALUE = 1\n")
    first, first_record = _seen(ws, project)
    second, _ = _seen(ws, project)
    monkeypatch.setenv(FORK_ENV, "0")
    cold, _ = _seen(ws, project)

    # a fresh process for each step, with random state of its own
    assert first["pid"] != second["pid"] and first["random"] != second["random"]
    for seen in (first, second, cold):
        for name in ("pid", "parent", "random"):
            seen.pop(name)
        for name in PER_PROCESS:
            seen["env"].pop(name, None)
    differ = {k for k in {*first["env"], *cold["env"]} if first["env"].get(k) != cold["env"].get(k)}
    assert not differ, {k: (first["env"].get(k), cold["env"].get(k)) for k in differ}
    # the packages loaded when the step's code begins are a cold kernel's, no more: what
    # the step imports itself is traced alike (the server preloads only what a cold
    # kernel has loaded by then)
    assert first["packages"] == cold["packages"]
    assert "debugpy" in cold["packages"] and "helper" not in cold["packages"]
    assert first == second == cold
    assert first["path"][0] == str(project / "steps")
    assert first["argv0"].endswith("ipykernel_launcher.py") and first["main"] == "module"
    # the read tracing was installed as for a cold kernel: the helper it imported is there
    trace = read_trace(first_record / TRACE_FILE)
    assert str(project / "steps" / "helper.py") in trace["files"]


def test_the_fork_server_and_its_kernels_end_with_their_owner_killed(tmp_path):
    """kill -9 of the process that owns the server: no server, supervisor, kernel or
    connection file is left."""
    folder = tmp_path / "kernels"
    owner = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import time
            from pipeline_widget.run.step.kernels import start_kernel
            kernels = [start_kernel("python3", {str(tmp_path)!r}, {str(folder)!r})
                       for _ in range(2)]
            print(*[k.pid for k in kernels], flush=True)
            time.sleep(600)
        """)], stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        line = owner.stdout.readline()
        assert line.strip(), "the owner started no kernel"
        processes = psutil.Process(owner.pid).children(recursive=True)
        names = sorted(p.name() for p in processes)
        assert names == ["pw-fork-server", "pw-kernel", "pw-kernel",
                         "pw-supervisor", "pw-supervisor"], names
        assert len(list(folder.glob("kernel-*.json"))) == 2
        owner.send_signal(signal.SIGKILL)
        owner.wait()
        deadline = time.monotonic() + 30
        while not all(process_ended(p) for p in processes):
            assert time.monotonic() < deadline, "a forked process outlived its owner"
            time.sleep(0.05)
        assert not list(folder.glob("kernel-*.json")), "connection files left"
    finally:
        owner.kill()


def test_turned_off_kernels_are_started_as_programs(monkeypatch, tmp_path):
    from pipeline_widget.run.step.kernels import start_kernel

    monkeypatch.setenv(FORK_ENV, "0")
    assert not fork_kernels()
    kernel = start_kernel("python3", str(tmp_path), str(tmp_path / "kernels"))
    try:
        child = psutil.Process(kernel.pid).children()[0]
        assert "ipykernel_launcher" in " ".join(child.cmdline())
        assert os.getpid() == psutil.Process(kernel.pid).ppid()
    finally:
        kernel.stop()
