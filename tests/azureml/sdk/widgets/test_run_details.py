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
    (project / "code" / "second.py").write_text(
        "from azureml.core import Run\nrun = Run.get_context()\nrun.parent.log('seen', 1)\n"
        "open('outputs/m.txt', 'w').write('m')\nrun.register_model('tiny', 'outputs/m.txt')\n")
    ws = Workspace(folder=project)
    link = PipelineData("link")
    first = PythonScriptStep(name="first", script_name="first.py", source_directory=project / "code",
                             arguments=["--out", link], outputs=[link])
    second = PythonScriptStep(name="second", script_name="second.py",
                              source_directory=project / "code", inputs=[link])
    return Experiment(ws, "details").submit(Pipeline(ws, [second]), tags={"build": "7"})


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
    # beside the canvas: the run's tags, what steps logged on it, the models they registered
    assert details.summary() == {"tags": {"build": "7"}, "metrics": {"seen": 1},
                                 "models": ["tiny:1"]}
    assert "build=7" in details.summary_html() and "tiny:1" in details.summary_html()
    designer.close()
    submitted.clear()


def test_show_in_a_notebook_displays_the_summary_and_the_designer(project, monkeypatch):
    import IPython.display

    from pipeline_widget.azureml.sdk import widgets

    shown = []
    monkeypatch.setattr(widgets, "in_notebook", lambda: True)
    monkeypatch.setattr(IPython.display, "display", shown.append)
    run = _run(project)
    widget = RunDetails(run).show()
    (project / "gate").touch()
    run.wait_for_completion(show_output=False)
    summary, designer = widget.children
    assert shown == [widget]
    assert "build=7" in summary.value and "tiny:1" in summary.value   # updated at the end
    assert designer.statuses == {"first": "Finished", "second": "Finished"}
    designer.close()
    submitted.clear()
