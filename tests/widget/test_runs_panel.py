"""Running from the designer with real kernels: live colours from the event stream, step
details, the runs list, re-run, cancel, and a failed run that leaves the canvas usable."""
from __future__ import annotations

import threading

from pipeline_widget import PipelineDesigner, PipelineRun
from tests.conftest import write_notebook

from .conftest import add_step, click, link

TIMEOUT = 180


def watch(designer: PipelineDesigner) -> dict[str, list[str]]:
    """Every status each node shows, in order, as the canvas widgets receive them."""
    seen: dict[str, list[str]] = {n: [] for n in designer.canvas.node_ids}
    for name in designer.canvas.node_ids:
        node = designer.canvas.node(name)
        node.observe(lambda ch, name=name: seen[name].append(ch["new"]["status"]), "data")
    return seen


def fan_out(designer: PipelineDesigner) -> None:
    add_step(designer, "source.ipynb", "make")
    add_step(designer, "sink.ipynb", "one")
    add_step(designer, "sink.ipynb", "two")
    link(designer, "make", "one")
    link(designer, "make", "two")


def test_run_from_the_widget_shows_live_statuses_details_and_runs(designer):
    fan_out(designer)
    seen = watch(designer)
    designer.run_button.click()
    assert designer.message.startswith("run ") and designer.run_button.disabled
    assert designer.wait(TIMEOUT) == "Finished"
    assert designer.statuses == {"make": "Finished", "one": "Finished", "two": "Finished"}
    for name, statuses in seen.items():
        assert statuses[-1] == "Finished" and "Running" in statuses, (name, statuses)
    assert " Finished - ran: make (" in designer.message and not designer.run_button.disabled
    assert designer.runs_panel.timeline.value.count("<rect") == 3
    assert designer.cancel_button.disabled
    first = designer.runs_panel.live.id

    click(designer, "make")
    details = designer.step_details.value
    assert "Finished" in details and "duration" in details and "table.csv" in details
    assert "<table" in details and "first rows of table.csv" in details  # the CSV head
    assert "executed notebook" in details

    assert designer.runs.value == first
    assert [v for _, v in designer.runs.options][1:] == [first]

    designer.run_button.click()  # nothing changed: every step is reused
    assert designer.wait(TIMEOUT) == "Finished"
    assert set(designer.statuses.values()) == {"Reused"}
    assert "reused the outputs" in designer.step_details.value
    second = designer.runs_panel.live.id

    designer.runs.value = first  # an earlier run: its statuses on the canvas
    assert set(designer.statuses.values()) == {"Finished"}
    assert first in designer.message
    designer.rerun_button.click()
    assert designer.wait(TIMEOUT) == "Finished"
    third = designer.runs_panel.live
    assert third.record.rerun_of == first and third.id not in (first, second)
    assert set(designer.statuses.values()) == {"Reused"}
    ids = [r.id for r in PipelineRun.list(designer.workspace, designer.pipeline.name)]
    assert ids == [first, second, third.id]


def test_failed_run_shows_the_error_and_the_canvas_stays_usable(designer):
    add_step(designer, "fail.ipynb", "broken")
    add_step(designer, "sink.ipynb", "after")
    link(designer, "broken", "after", "nothing")
    designer.run_button.click()
    assert designer.wait(TIMEOUT) == "Failed"
    assert designer.statuses == {"broken": "Failed", "after": "Skipped"}
    assert "Failed" in designer.message
    click(designer, "broken")
    details = designer.step_details.value
    assert "ValueError" in details and "broken on purpose" in details
    click(designer, "after")
    assert "did not finish" in designer.step_details.value
    # still editable and runnable
    add_step(designer, "sink.ipynb", "later")
    assert "later" in designer.canvas.node_ids and not designer.run_button.disabled
    assert designer.canvas.node("later").data["status"] == "NotStarted"


def test_cancel_stops_the_run(designer, steps_dir):
    write_notebook(steps_dir / "slow.ipynb", "x = 1", "import time\ntime.sleep(120)")
    add_step(designer, "slow.ipynb", "slow")
    add_step(designer, "sink.ipynb", "after")
    link(designer, "slow", "after", "late")
    running = threading.Event()
    designer.canvas.node("slow").observe(
        lambda ch: ch["new"]["status"] == "Running" and running.set(), "data")
    assert designer.cancel_button.disabled and designer.cancel_button.button_style == ""
    designer.run_button.click()
    assert running.wait(TIMEOUT)
    assert not designer.cancel_button.disabled
    assert designer.cancel_button.button_style == "warning"   # visibly clickable now
    designer.cancel_button.click()
    assert designer.message.startswith("canceling")
    assert designer.wait(TIMEOUT) == "Canceled"
    assert designer.statuses["slow"] in ("Canceled", "Failed")
    assert designer.statuses["after"] in ("Canceled", "Skipped")
    assert "Canceled" in designer.message


def test_rejected_runs_say_why_and_start_nothing(designer, ws):
    designer.run_button.click()
    assert "no steps" in designer.message and designer.runs_panel.live is None
    designer.cancel_button.click()
    assert designer.message == "no run is running"
    designer.rerun_button.click()
    assert "choose a run" in designer.message
    designer.runs_panel.experiment.value = "bad name!"
    add_step(designer, "sink.ipynb", "one")
    designer.run_button.click()
    assert "experiment name" in designer.message
    assert not ws.runs_dir.exists() or not any(ws.runs_dir.iterdir())


def test_pipeline_parameter_form_is_type_checked(ws, steps_dir):
    from pipeline_widget import NotebookStep, PipelineParameter
    from pipeline_widget.run import Pipeline

    scale = PipelineParameter("scale", 0.5)
    p = Pipeline(ws, [NotebookStep("make", steps_dir / "source.ipynb",
                                   parameters={"scale": scale})], name="params")
    d = PipelineDesigner(pipeline=p)
    d.runs_panel.param_fields["scale"].value = "abc"
    d.run_button.click()
    assert "expects a float" in d.message and d.runs_panel.live is None
    d.runs_panel.param_fields["scale"].value = "3"
    assert d.runs_panel.parameter_values() == {"scale": 3.0}


def test_loading_another_pipeline_during_a_run(designer, steps_dir, project):
    add_step(designer, "sink.ipynb", "other")
    designer.path.value = str(project / "other.pipeline.json")
    designer.save_button.click()
    designer.clear_button.click()
    write_notebook(steps_dir / "slow.ipynb", "x = 1", "import time\ntime.sleep(120)")
    add_step(designer, "slow.ipynb", "slow")
    running = threading.Event()
    designer.canvas.node("slow").observe(
        lambda ch: ch["new"]["status"] == "Running" and running.set(), "data")
    designer.run_button.click()
    assert running.wait(TIMEOUT)
    designer.load_button.click()  # the run goes on; the new drawing is not painted with it
    assert designer.canvas.node_ids == ["other"] and designer.runs.value == ""
    designer.cancel_button.click()
    assert designer.wait(TIMEOUT) == "Canceled"
    assert designer.statuses == {"other": "NotStarted"}
    assert not designer.run_button.disabled and designer.cancel_button.disabled


def test_the_part_run_buttons_name_the_selected_step(seed_copy):
    designer = PipelineDesigner.load(seed_copy)
    buttons = designer.runs_panel.part_buttons
    assert [b.description for b in buttons.values()] == [
        "Run this step", "Run from here", "Run up to here"]
    assert all(b.disabled for b in buttons.values())
    click(designer, "train model")
    assert [b.description for b in buttons.values()] == [
        "Run 'train model' only", "Run from 'train model'", "Run up to 'train model'"]
    assert not any(b.disabled for b in buttons.values())
    designer.select(None)
    assert buttons["only"].description == "Run this step" and buttons["only"].disabled
    designer.close()
