"""Retries: a failed step goes again after a growing pause; every attempt is recorded."""
import json
import subprocess

import pytest

from pipeline_widget import NotebookStep, Pipeline, PipelineData, PipelineError, PythonScriptStep
from tests.conftest import PYTHON, write_notebook, write_script

# Fails until it has been tried `need` times (a counter file outside the project's outputs).
FLAKY = ("import os, sys\n"
         "count, need, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]\n"
         "tries = int(open(count).read()) + 1 if os.path.exists(count) else 1\n"
         "open(count, 'w').write(str(tries))\n"
         "open(os.path.join(out, f'try{tries}.txt'), 'w').write('x')\n"
         "from pipeline_widget import Run\n"
         "Run.get_context().log('try', tries)\n"
         "if tries < need:\n"
         "    raise RuntimeError(f'flaky failure {tries}')\n")


def flaky(project, need: int, retries):
    script = write_script(project / "flaky.py", FLAKY)
    out = PipelineData("out")
    return PythonScriptStep(name="flaky", script_name=script.name, source_directory=project,
                            arguments=[str(project / "count.txt"), str(need), out],
                            outputs=[out], retries=retries)


def test_a_step_that_succeeds_on_a_retry_is_finished_and_shows_its_attempts(ws, project):
    step = flaky(project, need=3, retries=2)
    run = Pipeline(ws, [step], name="flaky").submit("flaky")
    assert run.wait_for_completion(show_output=False) == "Finished"
    result = run.get_step("flaky")
    assert result.status == "Finished" and result.error is None
    assert [a["error"]["message"] for a in result.attempts] == ["flaky failure 1",
                                                                "flaky failure 2"]
    assert [a["metrics"][0]["value"] for a in result.attempts] == [1, 2]
    assert result.get_metrics() == {"try": 3}  # the last attempt's alone
    pauses = [b["start_time"] - a["end_time"] for a, b in
              zip(result.attempts, [*result.attempts[1:], {"start_time": result.start_time}])]
    assert pauses[1] > pauses[0] >= 0.9  # 1 s, then 2 s
    from pathlib import Path
    assert sorted(p.name for p in Path(result.outputs["out"]).iterdir()) == ["try3.txt"]


def test_without_attempts_left_the_step_fails_with_the_last_error(ws, project):
    run = Pipeline(ws, [flaky(project, need=5, retries=1)], name="flaky").submit("flaky")
    assert run.wait_for_completion(show_output=False) == "Failed"
    result = run.get_step("flaky")
    assert result.error.message == "flaky failure 2" and len(result.attempts) == 1


def test_retries_are_saved_in_the_file_and_checked(ws, project, tmp_path):
    nb = write_notebook(project / "n.ipynb", "x = 1", "pass")
    pipeline = Pipeline(ws, [NotebookStep("n", nb, retries=3)], name="r")
    path = pipeline.save(tmp_path / "r.pipeline.json")
    assert json.loads(path.read_text())["steps"][0]["retries"] == 3
    assert Pipeline.load(path, workspace=ws).steps[0].retries == 3
    with pytest.raises(PipelineError, match="retries must be a whole number from 0 to 10"):
        NotebookStep("n", nb, retries=11)


def test_the_cli_retries_steps_that_set_none(project):
    write_script(project / "flaky.py", FLAKY)
    (project / "f.pipeline.json").write_text(json.dumps({
        "schema_version": 1, "name": "f", "steps": [{
            "type": "python_script", "name": "flaky", "script_name": "flaky.py",
            "source_directory": ".", "outputs": ["out"],
            "arguments": [str(project / "count.txt"), "2", {"data": "out"}]}]}))
    res = subprocess.run([PYTHON, "-m", "pipeline_widget", "run", "f.pipeline.json",
                          "--retries", "1"], cwd=project, capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    (record,) = (project / "pipeline_workspace" / "runs").glob("*/run.json")
    assert len(json.loads(record.read_text())["steps"]["flaky"]["attempts"]) == 1
    shown = subprocess.run([PYTHON, "-m", "pipeline_widget", "show", record.parent.name],
                           cwd=project, capture_output=True, text=True, timeout=120)
    assert "attempt 1 failed: error: RuntimeError: flaky failure 1" in shown.stdout
    assert "trying again" not in shown.stdout  # said while it waited, not after


def test_a_run_canceled_during_a_back_off_no_longer_says_it_tries_again(ws, project):
    import time

    from pipeline_widget import Status

    step = flaky(project, need=5, retries=3)
    run = Pipeline(ws, [step], name="flaky").submit("flaky")
    deadline = time.monotonic() + 60
    while "trying again" not in (run.get_step("flaky").reason or ""):
        assert time.monotonic() < deadline, "the first retry never announced"
        time.sleep(0.02)
    run.cancel()
    assert run.wait_for_completion(show_output=False) == "Canceled"
    result = run.get_step("flaky")
    assert result.status == Status.CANCELED
    assert "trying again" not in (result.reason or "")
    assert result.reason == "canceled while waiting to try again"
