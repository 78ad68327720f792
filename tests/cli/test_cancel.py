"""A run started in one process is canceled from another: `pipeline-widget cancel RUN_ID`,
or `PipelineRun.cancel()` on the run read from its record. The runner's watcher notices the
request in the run's record folder and stops the running step at once."""
from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from pipeline_widget import PipelineRun, Workspace
from pipeline_widget.cli import main
from tests.conftest import PYTHON, write_script

SLOW = ("import pathlib, sys, time\n"
        "pathlib.Path(sys.argv[1]).write_text('started')\n"
        "time.sleep(120)\n")


def _start(project: Path) -> tuple[subprocess.Popen, str]:
    """`pipeline-widget run` of a pipeline whose first step sleeps two minutes, in a process
    of its own; returns it and the run's id once the step has started."""
    marker = project / "started.txt"
    write_script(project / "slow.py", SLOW)
    write_script(project / "after.py", "print('never')\n")
    path = project / "slow.pipeline.json"
    path.write_text(json.dumps({"schema_version": 1, "name": "slow", "data": {"d": {}},
                                "steps": [
        {"type": "python_script", "name": "slow", "script_name": "slow.py",
         "source_directory": ".", "arguments": [str(marker)], "outputs": ["d"]},
        {"type": "python_script", "name": "after", "script_name": "after.py",
         "source_directory": ".", "inputs": [{"data": "d"}]}]}))
    runner = subprocess.Popen([PYTHON, "-m", "pipeline_widget", "--workspace", str(project),
                               "run", str(path)], cwd=project, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert runner.poll() is None and time.monotonic() < deadline, runner.stdout.read()
        time.sleep(0.05)
    (run_json,) = (project / "pipeline_workspace" / "runs").glob("*/run.json")
    return runner, run_json.parent.name


def _ended(runner: subprocess.Popen, project: Path, run_id: str) -> dict:
    out, _ = runner.communicate(timeout=30)
    assert runner.returncode == 1, out   # the run did not finish
    return json.loads((project / "pipeline_workspace" / "runs" / run_id / "run.json")
                      .read_text())


def test_the_cancel_command_cancels_a_run_of_another_process(project, capsys):
    runner, run_id = _start(project)
    try:
        began = time.monotonic()
        assert main(["--workspace", str(project), "cancel", run_id, "--wait", "30"]) == 0
        assert time.monotonic() - began < 10   # the sleeping step was stopped, not awaited
        assert f"{run_id}: Canceled" in capsys.readouterr().out
        record = _ended(runner, project, run_id)
    finally:
        runner.kill()
    assert record["status"] == "Canceled"
    assert {n: s["status"] for n, s in record["steps"].items()} == {
        "slow": "Canceled", "after": "Canceled"}


def test_pipeline_run_cancel_from_a_second_process_cancels_it(project):
    runner, run_id = _start(project)
    try:
        run = PipelineRun.get(Workspace(project), run_id)   # read from its record
        assert run.get_status() == "Running"
        run.cancel()
        record = _ended(runner, project, run_id)
    finally:
        runner.kill()
    assert record["status"] == "Canceled" and record["steps"]["slow"]["status"] == "Canceled"


def test_cancel_of_a_run_that_ended_or_does_not_exist_is_bad_input(project, capsys):
    write_script(project / "quick.py", "print('done')\n")
    path = project / "quick.pipeline.json"
    path.write_text(json.dumps({"schema_version": 1, "name": "quick", "steps": [
        {"type": "python_script", "name": "quick", "script_name": "quick.py",
         "source_directory": "."}]}))
    assert main(["--workspace", str(project), "run", str(path)]) == 0
    (run_json,) = (project / "pipeline_workspace" / "runs").glob("*/run.json")
    capsys.readouterr()
    assert main(["--workspace", str(project), "cancel", run_json.parent.name]) == 2
    assert "already ended (Finished)" in capsys.readouterr().err
    assert main(["--workspace", str(project), "cancel", "no-such-run"]) == 2
    assert "no run 'no-such-run'" in capsys.readouterr().err


@pytest.fixture(autouse=True)
def _no_strays(project):
    yield
    leftover = subprocess.run(["pgrep", "-f", str(project / "slow.py")], capture_output=True,
                              text=True).stdout.split()
    assert not leftover, f"step processes left running: {leftover}"
