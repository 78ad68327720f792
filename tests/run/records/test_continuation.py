"""Runs that go on under the same id: `resume` after the runner died, and `--join` (each step
in a process of its own, one record)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline_widget import Pipeline, PipelineData, PythonScriptStep, Status, Workspace
from pipeline_widget.run.records import store
from tests.conftest import write_script

WAIT = 120
STEP = ("import os, sys, time\n"
        "while os.path.exists(os.path.join(os.path.dirname(os.path.abspath(__file__)), "
        "'slow.flag')):\n"
        "    time.sleep(0.05)\n"
        "src = open(sys.argv[1] + '/x.txt').read() if len(sys.argv) > 2 else ''\n"
        "open(sys.argv[-1] + '/x.txt', 'w').write(src + sys.argv[0][-4])\n")


def chain_file(ws: Workspace, project: Path) -> Path:
    """a -> b -> c, each a script appending its letter; b waits while slow.flag exists."""
    write_script(project / "steps" / "a.py", STEP.replace("slow.flag", "never.flag"))
    write_script(project / "steps" / "b.py", STEP)
    write_script(project / "steps" / "c.py", STEP.replace("slow.flag", "never.flag"))
    data = {n: PipelineData(n) for n in ("da", "db", "dc")}
    steps = [
        PythonScriptStep(name="a", script_name="a.py", source_directory=project / "steps",
                         outputs=[data["da"]], arguments=[data["da"]]),
        PythonScriptStep(name="b", script_name="b.py", source_directory=project / "steps",
                         inputs=[data["da"]], outputs=[data["db"]], arguments=[data["da"], data["db"]]),
        PythonScriptStep(name="c", script_name="c.py", source_directory=project / "steps",
                         inputs=[data["db"]], outputs=[data["dc"]], arguments=[data["db"], data["dc"]]),
    ]
    path = project / "chain.pipeline.json"
    Pipeline(ws, steps, name="chain").save(path)
    return path


def cli(*args: str, cwd: Path, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline_widget", *args], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, **kwargs)


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def the_run(ws: Workspace):
    runs = store.list_runs(ws)
    return runs[-1] if runs else None


def test_resume_keeps_finished_steps_and_runs_the_others_under_the_same_id(ws, project):
    path = chain_file(ws, project)
    (project / "steps" / "slow.flag").write_text("")
    runner = cli("run", str(path), cwd=project)
    wait_for(lambda: (r := the_run(ws)) is not None and r.steps["b"].status == Status.RUNNING,
             "step b running")
    before = the_run(ws)
    os.kill(runner.pid, signal.SIGKILL)   # the runner dies; b's supervisor ends b
    runner.wait()
    interrupted = store.load(ws, before.run_id)
    assert interrupted.interrupted and interrupted.steps["b"].error.type == "RunnerStopped"
    (project / "steps" / "slow.flag").unlink()
    done = subprocess.run([sys.executable, "-m", "pipeline_widget", "resume", before.run_id],
                          cwd=project, capture_output=True, text=True, timeout=WAIT)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "kept a" in done.stdout
    record = store.load(ws, before.run_id)
    assert [r.run_id for r in store.list_runs(ws)] == [before.run_id]   # no second run
    assert record.status == Status.FINISHED and not record.interrupted
    a, b, c = (record.steps[n] for n in "abc")
    assert (a.step_run_id, a.start_time) == (before.steps["a"].step_run_id,
                                             before.steps["a"].start_time)
    assert not a.is_reused and a.status == Status.FINISHED
    assert b.step_run_id != before.steps["b"].step_run_id
    assert b.attempts and b.attempts[-1]["error"]["type"] == "RunnerStopped"
    assert any("resumed" in n for n in b.notes)
    assert record.resumed[-1]["kept"] == ["a"] and record.resumed[-1]["again"] == ["b", "c"]
    assert (Path(c.outputs["dc"]) / "x.txt").read_text() == "abc"


def test_resume_is_refused_for_a_run_that_ended_or_still_runs(ws, project):
    path = chain_file(ws, project)
    done = subprocess.run([sys.executable, "-m", "pipeline_widget", "run", str(path)],
                          cwd=project, capture_output=True, text=True, timeout=WAIT)
    assert done.returncode == 0, done.stderr
    run_id = the_run(ws).run_id
    again = subprocess.run([sys.executable, "-m", "pipeline_widget", "resume", run_id],
                           cwd=project, capture_output=True, text=True, timeout=WAIT)
    assert again.returncode == 2 and "rerun" in again.stderr and "Traceback" not in again.stderr
    (project / "steps" / "slow.flag").write_text("")
    runner = cli("run", str(path), "--no-reuse", cwd=project)
    try:
        wait_for(lambda: (r := the_run(ws)) is not None and r.run_id != run_id
                 and r.steps["b"].status == Status.RUNNING, "a second run going on")
        live = subprocess.run([sys.executable, "-m", "pipeline_widget", "resume",
                               the_run(ws).run_id], cwd=project, capture_output=True, text=True,
                              timeout=WAIT)
        assert live.returncode == 2 and "still running" in live.stderr
    finally:
        (project / "steps" / "slow.flag").unlink()
        runner.wait(timeout=WAIT)


def test_steps_run_by_separate_processes_write_one_record(ws, project):
    path = chain_file(ws, project)
    run_id = "joined_20261206_000000_abcdef"
    refused = subprocess.run([sys.executable, "-m", "pipeline_widget", "run", str(path),
                              "--only", "b", "--join", run_id], cwd=project,
                             capture_output=True, text=True, timeout=WAIT)
    assert refused.returncode == 2 and "'a'" in refused.stderr and "has not finished" in refused.stderr
    for name in "abc":
        done = subprocess.run([sys.executable, "-m", "pipeline_widget", "run", str(path),
                               "--only", name, "--join", run_id], cwd=project,
                              capture_output=True, text=True, timeout=WAIT)
        assert done.returncode == 0, done.stderr + done.stdout
        record = store.load(ws, run_id)
        assert record.steps[name].status == Status.FINISHED
        assert record.status == (Status.FINISHED if name == "c" else Status.RUNNING)
    record = store.load(ws, run_id)
    assert record.joined and [r.run_id for r in store.list_runs(ws)] == [run_id]
    assert all(not s.is_reused for s in record.steps.values())
    c = record.steps["c"]
    assert (Path(c.outputs["dc"]) / "x.txt").read_text() == "abc"
    assert record.steps["b"].inputs["da"] == record.steps["a"].outputs["da"]


def test_a_joined_run_refuses_another_pipeline(ws, project):
    path = chain_file(ws, project)
    run_id = "joined_20261206_000000_fedcba"
    done = subprocess.run([sys.executable, "-m", "pipeline_widget", "run", str(path), "--only",
                           "a", "--join", run_id], cwd=project, capture_output=True, text=True,
                          timeout=WAIT)
    assert done.returncode == 0, done.stderr
    other = json.loads(path.read_text())
    other["steps"][0]["arguments"].append("extra")
    path.write_text(json.dumps(other))
    refused = subprocess.run([sys.executable, "-m", "pipeline_widget", "run", str(path), "--only",
                              "b", "--join", run_id], cwd=project, capture_output=True, text=True,
                             timeout=WAIT)
    assert refused.returncode == 2 and "another pipeline" in refused.stderr


@pytest.fixture(autouse=True)
def _no_leftover_flag(project):
    yield
    (project / "steps" / "slow.flag").unlink(missing_ok=True)
