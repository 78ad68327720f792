"""The runner with real kernels: injection, fan-out, parameters, context, failures."""
import json
from pathlib import Path

import pytest

from pipeline_widget import (
    Dataset,
    NotebookStep,
    Pipeline,
    PipelineData,
    PipelineError,
    PipelineParameter,
    PythonScriptStep,
    Run,
    Status,
)
from tests.conftest import write_notebook, write_script

INJECTED = """import json, os
json.dump({k: v for k, v in globals().items() if k in NAMES}, open(os.path.join(OUT, 'seen.json'), 'w'))"""


def test_inputs_and_outputs_are_injected_as_absolute_folders(ws, project):
    a, b = PipelineData("a"), PipelineData("b")
    w = write_notebook(project / "w.ipynb", "a = None",
                       "import os\nassert os.path.isdir(a)\nopen(os.path.join(a, 'f.txt'), 'w').write('hi')")
    r = write_notebook(project / "r.ipynb", "a = None\nb = None",
                       "import os\nopen(os.path.join(b, 'copy.txt'), 'w').write(open(os.path.join(a, 'f.txt')).read())")
    run = Pipeline(ws, [NotebookStep("read", r, inputs=[a], outputs=[b]),
                        NotebookStep("write", w, outputs=[a])]).submit("t")
    assert run.wait_for_completion(show_output=False) == "Finished"
    steps = {s.name: s for s in run.get_steps()}
    folder_a = Path(steps["write"].outputs["a"])
    assert folder_a.is_absolute() and folder_a.parts[-1] == "a"
    assert folder_a.parent.name == steps["write"].step_run_id  # <datastore>/<step run id>/<name>
    assert str(folder_a).startswith(str(ws.get_default_datastore().local_root))
    assert steps["read"].inputs["a"] == str(folder_a)  # handed on, not copied
    assert (Path(steps["read"].outputs["b"]) / "copy.txt").read_text() == "hi"
    executed = json.loads(Path(steps["read"].notebook).read_text())
    injected = [c for c in executed["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert injected and str(folder_a) in "".join(injected[0]["source"])


def test_the_users_notebook_is_never_written(ws, project):
    nb = write_notebook(project / "n.ipynb", "x = 1", "print(x)")
    before = nb.read_bytes()
    run = Pipeline(ws, [NotebookStep("n", nb, parameters={"x": 2})]).submit("t")
    assert run.wait_for_completion(show_output=False) == "Finished"
    assert nb.read_bytes() == before
    executed = run.get_step("n").notebook
    assert Path(executed).is_file() and Path(executed) != nb and "runs" in Path(executed).parts


def test_fan_out_and_two_outputs(ws, project, copy_step):
    raw, left, right = PipelineData("raw"), PipelineData("left"), PipelineData("right")
    src = write_notebook(project / "steps" / "src.ipynb", "raw = None\nleft = None",
                         "import os\nopen(os.path.join(raw, 'data.txt'), 'w').write('src')\n"
                         "open(os.path.join(left, 'data.txt'), 'w').write('side')")
    producer = NotebookStep("source", src, outputs=[raw, left])
    c1 = NotebookStep("one", copy_step("one", ["raw"], ["right"]), inputs=[raw], outputs=[right])
    c2 = NotebookStep("two", copy_step("two", ["raw"], []), inputs=[raw])
    run = Pipeline(ws, [c1, c2]).submit("fan", max_parallel=2)
    assert run.wait_for_completion(show_output=False) == "Finished"
    steps = {s.name: s for s in run.get_steps()}
    assert set(steps) == {"source", "one", "two"}
    assert steps["one"].inputs["raw"] == steps["two"].inputs["raw"] == steps["source"].outputs["raw"]
    assert (Path(steps["one"].outputs["right"]) / "data.txt").read_text() == "src\none"
    assert (Path(steps["source"].outputs["left"]) / "data.txt").read_text() == "side"
    assert all(s.start_time >= steps["source"].end_time for s in (steps["one"], steps["two"]))


def test_script_step_gets_resolved_arguments_and_its_output_is_kept(ws, project):
    out = PipelineData("out")
    write_script(project / "src" / "s.py",
                 "import sys, os\nprint('args', sys.argv[1:])\nprint('cwd', os.getcwd())\n"
                 "open(os.path.join(sys.argv[2], 'x.txt'), 'w').write(sys.argv[4])\n"
                 "print('warn', file=sys.stderr)")
    n = PipelineParameter("n", 3)
    step = PythonScriptStep(name="script", script_name="s.py", source_directory=project / "src",
                            arguments=["--folder", out, "--n", n], outputs=[out])
    run = Pipeline(ws, [step]).submit("s", pipeline_parameters={"n": 7})
    assert run.wait_for_completion(show_output=False) == "Finished"
    s = run.get_step("script")
    assert (Path(s.outputs["out"]) / "x.txt").read_text() == "7"
    stdout = Path(s.stdout).read_text()
    assert s.outputs["out"] in stdout and f"cwd {project / 'src'}" in stdout
    assert Path(s.stderr).read_text().strip() == "warn"


def test_pipeline_parameters_default_and_override(ws, project):
    out = PipelineData("out")
    nb = write_notebook(project / "p.ipynb", "alpha = 0.1\nout = None",
                        "import os\nopen(os.path.join(out, 'alpha.txt'), 'w').write(repr(alpha))")
    alpha = PipelineParameter("alpha", 0.5)
    p = Pipeline(ws, [NotebookStep("p", nb, outputs=[out], parameters={"alpha": alpha})])
    r1 = p.submit("params")
    r1.wait_for_completion(show_output=False)
    assert (Path(r1.get_step("p").outputs["out"]) / "alpha.txt").read_text() == "0.5"
    r2 = p.submit("params", pipeline_parameters={"alpha": 0.9})
    r2.wait_for_completion(show_output=False)
    assert (Path(r2.get_step("p").outputs["out"]) / "alpha.txt").read_text() == "0.9"
    assert r2.parameters == {"alpha": 0.9}
    with pytest.raises(PipelineError, match="no pipeline parameter 'nope'"):
        p.submit("params", pipeline_parameters={"nope": 1})


def test_run_context_inside_a_notebook_and_a_script(ws, project):
    (project / "raw.csv").write_text("a,b\n1,2\n3,4\n")
    raw = Dataset.Tabular.from_delimited_files(project / "raw.csv").register(ws, "raw")
    out = PipelineData("out")
    nb = write_notebook(project / "ctx.ipynb", "out = None",
                        "from pipeline_widget import Run\nimport os\nrun = Run.get_context()\n"
                        "df = run.input_datasets['raw_data'].to_pandas_dataframe()\n"
                        "assert run.outputs['out'] == out\n"
                        "open(os.path.join(out, 'n.txt'), 'w').write(str(len(df)))\n"
                        "run.log('rows', len(df))\nrun.log('loss', 0.25)")
    write_script(project / "ctx.py", "from pipeline_widget import Run\nrun = Run.get_context()\n"
                 "run.log('inputs', sorted(run.inputs))\n")
    s1 = NotebookStep("nb", nb, inputs=[raw.as_named_input("raw_data")], outputs=[out])
    s2 = PythonScriptStep(name="py", script_name="ctx.py", source_directory=project, inputs=[out])
    run = Pipeline(ws, [s2]).submit("ctx")
    assert run.wait_for_completion(show_output=False) == "Finished"
    assert run.get_step("nb").get_metrics() == {"rows": 2, "loss": 0.25}
    assert run.get_metrics()["py"] == {"inputs": ["out"]}
    assert (Path(run.get_step("nb").outputs["out"]) / "n.txt").read_text() == "2"
    manifest = json.loads((ws.runs_dir / run.id / "run.json").read_text())
    assert manifest["steps"]["nb"]["metrics"][0]["name"] == "rows"


def test_offline_context_works_outside_a_pipeline(capsys, monkeypatch):
    monkeypatch.delenv("PIPELINE_WIDGET_CONTEXT", raising=False)
    run = Run.get_context()
    assert run.input_datasets == {} and run.outputs == {} and run.offline
    run.log("accuracy", 0.9)
    assert "accuracy" in capsys.readouterr().out


def test_a_failed_step_skips_downstream_and_keeps_its_error(ws, project, copy_step):
    a, b = PipelineData("a"), PipelineData("b")
    bad = write_notebook(project / "bad.ipynb", "a = None", "x = 1", "raise ValueError('broken input')")
    s1 = NotebookStep("bad", bad, outputs=[a])
    s2 = NotebookStep("after", copy_step("after", ["a"], ["b"]), inputs=[a], outputs=[b])
    s3 = NotebookStep("last", copy_step("last", ["b"]), inputs=[b])
    run = Pipeline(ws, [s3]).submit("fail")
    assert run.wait_for_completion(show_output=False) == "Failed"
    steps = {s.name: s for s in run.get_steps()}
    assert steps["bad"].status == "Failed"
    assert steps["bad"].error.type == "ValueError" and "broken input" in steps["bad"].error.message
    assert steps["bad"].error.cell == 3  # injected cell, parameters, x = 1, raise
    assert Path(steps["bad"].notebook).is_file()
    assert steps["after"].status == steps["last"].status == "Skipped"


def test_continue_on_step_failure_runs_independent_branches(ws, project, copy_step):
    bad = write_notebook(project / "bad.ipynb", "x = 1", "raise RuntimeError('no')")
    ok = copy_step("ok", [], [])
    run = Pipeline(ws, [NotebookStep("bad", bad), NotebookStep("ok", ok)]).submit(
        "cont", continue_on_step_failure=True, max_parallel=1)
    assert run.wait_for_completion(show_output=False) == "Failed"
    assert {s.name: s.status for s in run.get_steps()} == {"bad": "Failed", "ok": "Finished"}


def test_status_events_reach_subscribers_in_order(ws, project, copy_step):
    events = []
    run = Pipeline(ws, [NotebookStep("one", copy_step("one"))]).submit("ev")
    run.subscribe(events.append, replay=True)
    run.wait_for_completion(show_output=False)
    step_statuses = [e.status for e in events if e.step == "one"]
    assert step_statuses == [Status.QUEUED, Status.RUNNING, Status.FINISHED]
    assert events[-1].step is None and events[-1].status == Status.FINISHED
