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
    assert "4.0 s" in svg and "5.0 s" in svg and "10.0 s" in svg   # bars and the axis
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
