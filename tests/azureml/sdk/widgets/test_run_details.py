"""RunDetails(run).show(): the designer's run view in a notebook, status lines elsewhere;
it returns at once while the run goes on."""
from __future__ import annotations

import io

from pipeline_widget.azureml import submitted
from pipeline_widget.azureml.sdk.core import Experiment, Workspace
from pipeline_widget.azureml.sdk.pipeline.core import Pipeline, PipelineData
from pipeline_widget.azureml.sdk.pipeline.steps import PythonScriptStep
from pipeline_widget.azureml.sdk.widgets import RunDetails


def _run(project):
    (project / "code").mkdir()
    gate = project / "gate"   # the first step waits for it: the test opens it
    (project / "code" / "first.py").write_text(
        f"import os, time\nwhile not os.path.exists({str(gate)!r}):\n    time.sleep(0.05)\n")
    (project / "code" / "second.py").write_text("print('second')\n")
    ws = Workspace(folder=project)
    link = PipelineData("link")
    first = PythonScriptStep(name="first", script_name="first.py", source_directory=project / "code",
                             arguments=["--out", link], outputs=[link])
    second = PythonScriptStep(name="second", script_name="second.py",
                              source_directory=project / "code", inputs=[link])
    return Experiment(ws, "details").submit(Pipeline(ws, [second]))


def test_in_a_script_a_line_per_status_change_and_it_returns_at_once(project):
    run = _run(project)
    out = io.StringIO()
    RunDetails(run).show(out=out)
    assert run.local.is_live                      # show() did not wait
    (project / "gate").touch()
    assert run.wait_for_completion(show_output=False) == "Finished"
    lines = out.getvalue().splitlines()
    assert "[RunDetails] step 'first': Running" in lines
    assert lines.index("[RunDetails] step 'first': Finished") < \
        lines.index("[RunDetails] step 'second': Running")
    assert lines[-1] == f"[RunDetails] run {run.id}: Finished"
    submitted.clear()


def test_in_a_notebook_the_designer_shows_the_run_live(project):
    run = _run(project)
    details = RunDetails(run)
    designer = details.run_view()
    assert run.local.is_live
    (project / "gate").touch()
    assert designer.runs.value == run.id              # the run view shows this run
    run.wait_for_completion(show_output=False)
    assert designer.statuses == {"first": "Finished", "second": "Finished"}
    assert "timeline" in designer.runs_panel.timeline.value
    assert details.get_widget_data()["steps"] == {"first": "Finished", "second": "Finished"}
    designer.close()
    submitted.clear()
