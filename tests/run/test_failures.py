"""Step failures: each one is Failed with its cause, keeps its evidence, costs nothing else."""
import json
import subprocess
from pathlib import Path

import nbformat
import psutil
import pytest

from pipeline_widget import NotebookStep, Pipeline, PipelineData, PythonScriptStep
from pipeline_widget.run.reuse.cache import ReuseCache
from tests.conftest import PYTHON, write_notebook, write_script

# An output written, then the failure: the half-written folder must never be reused.
HALF_WRITE = "import os\nopen(os.path.join(out, 'half.txt'), 'w').write('half')"


def run_steps(ws, steps, **kwargs) -> tuple[str, dict]:
    run = Pipeline(ws, steps, name="failures").submit("failures", **kwargs)
    status = run.wait_for_completion(show_output=False)
    return status, {s.name: s for s in run.get_steps()}


def cells_with_errors(notebook: str) -> list[str]:
    """The sources of the cells that hold an error output in an executed notebook."""
    nb = nbformat.read(notebook, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code"
            and any(o.output_type == "error" for o in c.outputs)]


def consumer(project, name: str = "after") -> Path:
    """A notebook that reads the failing step's output."""
    return write_notebook(project / f"{name}.ipynb", "out = None", "print(out)")


@pytest.mark.parametrize("failing_cell, expected_type, expected_message", [
    ("raise ValueError('broken input')", "ValueError", "broken input"),
    ("import os\nos._exit(1)", "DeadKernelError", "died"),
    ("import time\ntime.sleep(120)", "TimeoutError", "timeout of 3 s"),
], ids=["raises", "kernel-dies", "timeout"])
def test_a_failing_notebook_is_failed_with_its_cause_and_its_notebook_kept(
        ws, project, failing_cell, expected_type, expected_message):
    out = PipelineData("out")
    nb = write_notebook(project / "bad.ipynb", "out = None", HALF_WRITE, failing_cell, "print('never')")
    bad = NotebookStep("bad", nb, outputs=[out], timeout=3)
    after = NotebookStep("after", consumer(project), inputs=[out])
    status, steps = run_steps(ws, [bad, after])
    assert status == "Failed"
    error = steps["bad"].error
    assert steps["bad"].status == "Failed" and error.type == expected_type
    assert expected_message in error.message
    # cells: injected parameters 0, parameters 1, half write 2, the failing cell 3
    assert error.cell == 3
    assert expected_type in error.traceback or expected_message in error.traceback
    assert cells_with_errors(steps["bad"].notebook) == [failing_cell]  # kept with the error
    assert steps["after"].status == "Skipped" and "bad" in steps["after"].reason


def test_a_script_that_exits_non_zero_is_failed_with_its_stderr(ws, project):
    out = PipelineData("out")
    write_script(project / "src" / "bad.py",
                 "import sys\nprint('line one', file=sys.stderr)\nprint('the real cause', "
                 "file=sys.stderr)\nsys.exit(3)")
    bad = PythonScriptStep(name="bad script", script_name="bad.py", source_directory=project / "src",
                           arguments=["--out", out], outputs=[out])
    after = NotebookStep("after", consumer(project), inputs=[out])
    status, steps = run_steps(ws, [bad, after])
    assert status == "Failed"
    error = steps["bad script"].error
    assert error.exit_code == 3 and "exited with code 3" in error.message
    assert error.traceback.splitlines()[-2:] == ["line one", "the real cause"]
    assert Path(steps["bad script"].stderr).read_text().endswith("the real cause\n")
    assert steps["after"].status == "Skipped"


def test_a_script_that_raises_reports_the_exception(ws, project):
    write_script(project / "boom.py", "def f():\n    raise KeyError('gone')\nf()\n")
    status, steps = run_steps(ws, [PythonScriptStep(name="boom", script_name="boom.py",
                                                    source_directory=project)])
    error = steps["boom"].error
    assert status == "Failed" and error.type == "KeyError" and "gone" in error.message
    assert "Traceback" in error.traceback and "line 2, in f" in error.traceback


def test_a_script_over_its_timeout_is_stopped_with_its_children(ws, project):
    write_script(project / "slow.py",
                 "import subprocess, sys, time\n"
                 "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
                 "print(child.pid, flush=True)\nprint('waiting', file=sys.stderr)\ntime.sleep(600)\n")
    status, steps = run_steps(ws, [PythonScriptStep(name="slow", script_name="slow.py",
                                                    source_directory=project, timeout=2)])
    error = steps["slow"].error
    assert status == "Failed" and error.type == "TimeoutError"
    assert "timeout of 2 s" in error.message and error.traceback == "waiting"
    child = int(Path(steps["slow"].stdout).read_text().split()[0])
    try:
        assert psutil.Process(child).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        pass   # ended and reaped


def test_with_continue_on_step_failure_independent_branches_finish(ws, project, copy_step):
    a, b = PipelineData("a"), PipelineData("b")
    write_script(project / "fail.py", "raise SystemExit(5)")
    failing = PythonScriptStep(name="fail", script_name="fail.py", source_directory=project,
                               outputs=[a])
    dependent = NotebookStep("dependent", copy_step("dependent", ["a"]), inputs=[a])
    first = NotebookStep("first", copy_step("first", [], ["b"]), outputs=[b])
    second = NotebookStep("second", copy_step("second", ["b"]), inputs=[b])
    status, steps = run_steps(ws, [failing, dependent, first, second],
                              continue_on_step_failure=True, max_parallel=1)
    assert status == "Failed"
    assert {n: s.status for n, s in steps.items()} == {
        "fail": "Failed", "dependent": "Skipped", "first": "Finished", "second": "Finished"}

    status, steps = run_steps(ws, [failing, dependent, first, second], max_parallel=1)
    # without the option nothing new starts after the failure (the branches were reused)
    assert steps["dependent"].status == "Skipped"


def test_outputs_of_a_failed_step_are_never_offered_for_reuse(ws, project):
    out = PipelineData("out")
    nb = write_notebook(project / "half.ipynb", "out = None", HALF_WRITE, "raise RuntimeError('x')")
    status, first = run_steps(ws, [NotebookStep("half", nb, outputs=[out])])
    half_folder = Path(first["half"].outputs["out"])
    assert status == "Failed" and (half_folder / "half.txt").is_file()
    cache = ReuseCache(ws)
    assert not any(half_folder.as_posix() in p.read_text()
                   for p in (cache.root / "steps").rglob("*.json"))
    # the same step again, unchanged: it runs, into a new folder
    status, second = run_steps(ws, [NotebookStep("half", nb, outputs=[PipelineData("out")])])
    assert second["half"].is_reused is False and second["half"].start_time is not None
    assert Path(second["half"].outputs["out"]) != half_folder


def make_chain(project) -> tuple[Path, Path]:
    """prep -> train (fails until fixed) -> report, and an independent side step."""
    steps = project / "steps"
    write_notebook(steps / "prep.ipynb", "prepped = None",
                   "import os\nopen(os.path.join(prepped, 'data.txt'), 'w').write('3')")
    write_notebook(steps / "train.ipynb", "prepped = None\nmodel = None",
                   "import os\nn = int(open(os.path.join(prepped, 'data.txt')).read())",
                   "raise ValueError('not fixed yet')",
                   "open(os.path.join(model, 'model.txt'), 'w').write(str(n * 2))")
    write_notebook(steps / "report.ipynb", "model = None", "import os\nprint(open(os.path.join(model, 'model.txt')).read())")
    write_notebook(steps / "side.ipynb", "x = 1", "print('side')")
    pipeline = {"schema_version": 1, "name": "chain", "steps": [
        {"type": "notebook", "name": "prep", "notebook": "steps/prep.ipynb", "outputs": ["prepped"]},
        {"type": "notebook", "name": "train model", "notebook": "steps/train.ipynb",
         "inputs": [{"data": "prepped"}], "outputs": ["model"]},
        {"type": "notebook", "name": "report", "notebook": "steps/report.ipynb",
         "inputs": [{"data": "model"}]},
        {"type": "notebook", "name": "side", "notebook": "steps/side.ipynb"}]}
    path = project / "chain.pipeline.json"
    path.write_text(json.dumps(pipeline))
    return path, steps / "train.ipynb"


def cli(*args, cwd):
    return subprocess.run([PYTHON, "-m", "pipeline_widget", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_the_cli_explains_a_failure_and_a_fixed_rerun_resumes(project):
    path, train = make_chain(project)
    res = cli("run", str(path), "--continue-on-failure", "--max-parallel", "1", cwd=project)
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr
    for text in ("Failed", "train model", "ValueError", "not fixed yet", "cell 3",
                 "executed.ipynb", "Skipped", "report"):
        assert text in res.stdout, text
    run_id = json.loads(next((project / "pipeline_workspace" / "runs").glob("*/run.json")).read_text())["run_id"]
    show = cli("show", run_id, cwd=project)
    assert show.returncode == 0
    for text in ("train model [Failed]", "error in cell 3: ValueError: not fixed yet",
                 "raise ValueError", "report [Skipped]", "executed.ipynb"):
        assert text in show.stdout, text

    nb = nbformat.read(str(train), as_version=4)
    nb.cells[2].source = "pass  # fixed"
    nbformat.write(nb, str(train))
    res = cli("run", str(path), "--max-parallel", "1", cwd=project)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Finished" in res.stdout and "(2 ran, 2 reused)" in res.stdout
    assert "reused: prep, side" in res.stdout
    records = [json.loads(p.read_text()) for p in (project / "pipeline_workspace" / "runs").glob("*/run.json")]
    last = max(records, key=lambda r: r["start_time"])
    assert {n: s["is_reused"] for n, s in last["steps"].items()} == {
        "prep": True, "train model": False, "report": False, "side": True}
    assert all(s["status"] == "Finished" for s in last["steps"].values())


def test_a_step_that_logs_without_end_keeps_the_record_bounded(ws, project):
    """50,000 logged values and one huge one: the run record keeps the last MAX_METRICS, the
    huge one is skipped, and the run ends as usual."""
    from pipeline_widget.run.context import MAX_METRICS

    script = write_script(project / "log.py", "from pipeline_widget import Run\n"
                          "run = Run.get_context()\n"
                          "run.log('huge', 'x' * 1_000_000)\n"
                          "for i in range(50_000):\n"
                          "    run.log('loss', i)\n")
    step = PythonScriptStep(name="log", script_name=script.name, source_directory=project)
    run = Pipeline(ws, [step], name="log").submit("log")
    assert run.wait_for_completion(show_output=False) == "Finished"
    metrics = run.get_step("log").metrics
    assert len(metrics) == MAX_METRICS
    assert metrics[-1].value == 49_999 and all(m.name == "loss" for m in metrics)
    assert (ws.runs_dir / run.id / "run.json").stat().st_size < 5_000_000
