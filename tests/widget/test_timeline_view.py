"""The run view: a running step counts its seconds; after a run, a Gantt chart of its steps."""
from __future__ import annotations

from pipeline_widget.run.pipeline_run import StepRun
from pipeline_widget.widget.canvas import PipelineCanvas
from pipeline_widget.widget.timeline_view import gantt_svg


def test_the_gantt_chart_has_one_bar_per_started_step_in_start_order():
    steps = [StepRun("late <b>", "Finished", start_time=105.0, end_time=110.0),
             StepRun("early", "Finished", start_time=100.0, end_time=104.0, is_reused=True),
             StepRun("never", "NotStarted")]
    svg = gantt_svg(steps)
    assert svg.count("<rect") == 2 and "never" not in svg
    assert svg.index("early") < svg.index("late &lt;b&gt;")
    assert "reused" in svg and "5.0 s" in svg and "10.0 s" in svg   # bars and the axis
    assert gantt_svg([StepRun("x", "NotStarted")]) == ""


def test_a_running_steps_bar_ends_now():
    svg = gantt_svg([StepRun("run", "Running", start_time=100.0)], now=130.0)
    assert "30.0 s" in svg


def test_running_steps_tick_and_other_steps_do_not(ws, project):
    from pipeline_widget import NotebookStep, Pipeline
    from tests.conftest import write_notebook

    nb = write_notebook(project / "n.ipynb", "x = 1", "pass")
    canvas = PipelineCanvas()
    canvas.show(Pipeline(ws, [NotebookStep("a", nb), NotebookStep("b", nb)]))
    canvas.set_status("a", "Running")
    canvas.set_status("b", "Finished")
    canvas.tick({"a": 12.4, "b": 3.0})
    assert canvas.node("a").data["display"].endswith("12 s")
    assert not canvas.node("b").data["display"].endswith("3 s")
    canvas.set_status("a", "Finished")
    assert not canvas.node("a").data["display"].endswith(" s")


def test_a_running_notebook_shows_on_its_node_and_in_its_details_which_cell_it_is_in(
        ws, project, steps_dir):
    import time

    from pipeline_widget.widget import PipelineDesigner
    from tests.conftest import write_notebook
    from tests.widget.conftest import add_step, click

    flag = project / "go"
    write_notebook(steps_dir / "wait.ipynb", "x = 1", "y = 2",
                   f"import os, time\nwhile not os.path.exists({str(flag)!r}):\n    time.sleep(0.05)")
    designer = PipelineDesigner(workspace=ws, steps_dir=steps_dir)
    add_step(designer, "wait.ipynb", "wait")
    click(designer, "wait")
    designer.runs_panel.run()
    try:
        deadline = time.time() + 60
        while "cell 3 of 3" not in designer.canvas.node("wait").data["display"] \
                and time.time() < deadline:
            time.sleep(0.1)
        shown = designer.canvas.node("wait").data["display"]
        assert shown.startswith("wait\n\u25b6 running") and shown.endswith(" s\ncell 3 of 3")
        while ", in cell 3 of 3" not in designer.step_details.value and time.time() < deadline:
            time.sleep(0.1)   # the selected step's details follow it, with no click
        assert ", in cell 3 of 3" in designer.step_details.value
    finally:
        flag.write_text("")
    assert designer.runs_panel.wait(120) == "Finished"
    assert "cell" not in designer.canvas.node("wait").data["display"]


def test_a_run_whose_steps_were_all_reused_says_so_instead_of_zero_seconds():
    steps = [StepRun("prepare", "Finished", start_time=100.0, end_time=100.0, is_reused=True),
             StepRun("train", "Finished", start_time=100.0, end_time=100.0, is_reused=True)]
    shown = gantt_svg(steps)
    assert "reused" in shown and "all 2 step(s)" in shown
    assert "0 s" not in shown and "0.0 s" not in shown and "<rect" not in shown


def test_labels_wrap_so_a_running_nodes_seconds_and_cell_stay_within_a_column():
    from pipeline_widget.widget.styles import stylesheet

    node = next(r["style"] for r in stylesheet() if r["selector"] == "node")
    assert node["text-wrap"] == "wrap" and node["text-max-width"].endswith("px")
    assert int(node["text-max-width"][:-2]) <= 200
