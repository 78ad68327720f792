"""The typed run record: one shape for errors, relative paths on disk, a killed run's steps."""
from __future__ import annotations

import io
import json

import pytest

from pipeline_widget import PipelineError
from pipeline_widget.cli import main
from pipeline_widget.run import records
from pipeline_widget.run.records import RunRecord, StepError, StepRecord
from pipeline_widget.run.status import Status


def killed_run(ws) -> RunRecord:
    """A run whose runner died while one step ran: it was written by a process that is gone."""
    step = StepRecord("train", status=Status.RUNNING, start_time=100.0,
                      outputs={"model": str(ws.root / "datastores" / "x" / "model")})
    record = records.new_record("killed", pipeline_name="p", steps={"train": step})
    record.status, record.pid = Status.RUNNING, 2 ** 22 + 1  # no such process
    records.save(ws, record)
    return record


def test_a_killed_runs_step_is_canceled_with_a_named_error_and_a_fixed_duration(ws):
    killed_run(ws)
    first = records.load(ws, "killed")
    step = first.steps["train"]
    assert first.status == Status.CANCELED and first.interrupted
    assert step.status == Status.CANCELED
    assert step.error is not None and step.error.type == "RunnerStopped"
    assert step.end_time is not None and step.duration == records.load(ws, "killed") \
        .steps["train"].duration  # it does not keep growing


def test_show_of_a_killed_run_names_the_error_type(ws):
    killed_run(ws)
    out = io.StringIO()
    assert main(["--workspace", str(ws.path), "show", "killed"], out=out) == 0
    text = out.getvalue()
    assert "error: RunnerStopped: the runner process stopped" in text
    assert "None:" not in text


def test_paths_in_the_project_are_stored_relative_and_read_back_absolute(ws):
    killed_run(ws)
    saved = json.loads((ws.runs_dir / "killed" / "run.json").read_text())
    assert saved["steps"]["train"]["outputs"]["model"] == \
        "pipeline_workspace/datastores/x/model"
    assert records.load(ws, "killed").steps["train"].outputs["model"] == \
        str(ws.root / "datastores" / "x" / "model")


def test_an_error_renders_one_way_with_its_cell_and_traceback_tail():
    error = StepError("ValueError", "bad", cell=3, traceback="a\nb\nc")
    assert error.render(2) == ["error in cell 3: ValueError: bad", "b", "c"]
    assert StepError.from_dict(error.to_dict()) == error
    assert StepError.from_dict({"message": "no type"}).type == "Error"


@pytest.mark.parametrize("field, value", [("parameters", [1, 2]), ("start_time", "yesterday"),
                                          ("pid", "12"), ("steps.train.end_time", "later"),
                                          ("steps.train.why_not_reused", [1])])
def test_a_record_whose_fields_have_the_wrong_type_is_listed_as_damaged(ws, field, value):
    killed_run(ws)
    path = ws.runs_dir / "killed" / "run.json"
    data = json.loads(path.read_text())
    *parents, last = field.split(".")
    target = data
    for key in parents:
        target = target[key]
    target[last] = value
    path.write_text(json.dumps(data))
    (listed,) = records.list_runs(ws, include_damaged=True)
    assert listed.damaged and last in listed.damaged and "remove the folder" in listed.damaged
    assert records.list_runs(ws) == []
    with pytest.raises(PipelineError, match="damaged"):
        records.load(ws, "killed")
