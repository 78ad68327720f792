"""The command line, run as a real process as a user would."""
import json
import subprocess

import pandas as pd
import pytest

from tests.conftest import PYTHON, write_notebook


def cli(*args, cwd):
    return subprocess.run([PYTHON, "-m", "pipeline_widget", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_seed_pipeline_runs_end_to_end_and_is_described(seed_copy, project):
    res = cli("run", str(seed_copy), "--param", "alpha=0.25", cwd=project)
    assert res.returncode == 0, res.stderr
    manifest_dir = project / "pipeline_workspace" / "runs"
    (run_dir,) = list(manifest_dir.iterdir())
    manifest = json.loads((run_dir / "run.json").read_text())
    assert manifest["status"] == "Finished" and manifest["parameters"] == {"alpha": 0.25}
    prepped = project / manifest["steps"]["prepare data"]["outputs"]["prepped"]  # relative
    df = pd.read_csv(prepped / "prepped_data.csv")
    assert list(df.columns) == ["col1", "col2", "col3"] and len(df) > 100
    model = project / manifest["steps"]["train model"]["outputs"]["model"]
    assert (model / "model.pkl").is_file()
    assert json.loads((model / "metrics.json").read_text())["alpha"] == 0.25
    assert "Finished" in res.stdout and run_dir.name in res.stdout
    assert f"output prepped (prepare data): {prepped}" in res.stdout

    runs = cli("runs", cwd=project)
    assert runs.returncode == 0 and run_dir.name in runs.stdout and "Finished" in runs.stdout
    show = cli("show", run_dir.name, cwd=project)
    assert show.returncode == 0
    for text in ("prepare data", "train model", str(prepped), "executed.ipynb", "metric r2"):
        assert text in show.stdout

    again = cli("rerun", run_dir.name, cwd=project)
    assert again.returncode == 0, again.stderr
    assert "reused: prepare data, train model" in again.stdout
    records = [json.loads((d / "run.json").read_text()) for d in manifest_dir.iterdir()]
    rerun = [r for r in records if r.get("rerun_of") == run_dir.name]
    assert rerun and rerun[0]["parameters"] == {"alpha": 0.25}


def test_validate_command(seed_copy, project):
    ok = cli("validate", str(seed_copy), cwd=project)
    assert ok.returncode == 0 and "valid" in ok.stdout
    data = json.loads(seed_copy.read_text())
    data["steps"][1]["notebook"] = "../steps/missing.ipynb"
    bad = project / "bad.pipeline.json"
    bad.write_text(json.dumps(data))
    res = cli("validate", str(bad), cwd=project)
    assert res.returncode == 2 and "missing.ipynb" in res.stderr and "Traceback" not in res.stderr
    assert not (project / "pipeline_workspace").exists()


def test_failed_step_exits_1_and_bad_input_exits_2(project):
    nb = write_notebook(project / "boom.ipynb", "x = 1", "raise KeyError('gone')")
    pipeline = {"schema_version": 1, "steps": [{"type": "notebook", "name": "boom",
                                                 "notebook": "boom.ipynb"}]}
    (project / "p.pipeline.json").write_text(json.dumps(pipeline))
    res = cli("run", "p.pipeline.json", cwd=project)
    assert res.returncode == 1
    assert "Failed" in res.stdout and "KeyError" in res.stdout and "gone" in res.stdout
    res = cli("run", "p.pipeline.json", "--param", "nope=1", cwd=project)
    assert res.returncode == 2 and "nope" in res.stderr and "Traceback" not in res.stderr
    res = cli("show", "no-such-run", cwd=project)
    assert res.returncode == 2 and "no run" in res.stderr
    res = cli("run", "missing.pipeline.json", cwd=project)
    assert res.returncode == 2 and "not found" in res.stderr


@pytest.mark.parametrize("args", [["frobnicate"], ["run"], ["run", "x", "--max-parallel", "0"]])
def test_usage_errors_exit_2(project, args):
    res = cli(*args, cwd=project)
    assert res.returncode == 2 and "Traceback" not in res.stderr


def test_commands_in_a_subfolder_use_the_projects_workspace(seed_copy, project):
    import subprocess

    from tests.conftest import PYTHON

    def cli(cwd, *args):
        return subprocess.run([PYTHON, "-m", "pipeline_widget", *args], cwd=cwd,
                              capture_output=True, text=True, timeout=300)

    assert cli(project, "run", str(seed_copy)).returncode == 0
    (project / "notebooks").mkdir()
    listed = cli(project / "notebooks", "runs")
    assert listed.returncode == 0 and "seed_" in listed.stdout, listed.stdout + listed.stderr
    again = cli(project / "notebooks", "run", str(seed_copy))
    assert "(0 ran, 2 reused)" in again.stdout, again.stdout + again.stderr
    assert not (project / "notebooks" / "pipeline_workspace").exists()


def test_show_tells_which_cell_a_running_notebook_is_in(ws, project):
    import time

    from pipeline_widget import NotebookStep, Pipeline

    flag = project / "go"
    nb = write_notebook(project / "wait.ipynb", "x = 1",
                        f"import os, time\nwhile not os.path.exists({str(flag)!r}):\n    time.sleep(0.05)")
    run = Pipeline(ws, [NotebookStep("wait", nb)]).submit("cells")
    try:
        deadline = time.time() + 60
        while run.get_step("wait").progress != "cell 2 of 2" and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)   # the record on disk follows within its save interval
        res = cli("show", run.id, cwd=project)
        assert res.returncode == 0, res.stderr
        assert "Running (cell 2 of 2)" in res.stdout
    finally:
        flag.write_text("")
    assert run.wait_for_completion(show_output=False) == "Finished"
