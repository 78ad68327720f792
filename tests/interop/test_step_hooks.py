"""The runner's two hooks for imported pipelines, alone: file passing (Elyra) and
pipeline_data:// parameter values (Ploomber); paths from a file never leave their root."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline_widget.core.errors import PipelineError
from pipeline_widget.run.plan.model import StepPlan
from pipeline_widget.run.status import Status
from pipeline_widget.run.step import data_references, file_passing
from pipeline_widget.run.step.outcome import StepOutcome


def _plan(tmp_path: Path, files: dict | None = None, parameters: dict | None = None,
          inject: dict | None = None) -> StepPlan:
    cwd = tmp_path / "project"
    cwd.mkdir(exist_ok=True)
    (cwd / "nb.ipynb").write_text("{}")
    env = {}
    if files is not None:
        env[file_passing.VARIABLE] = json.dumps(files)
    if inject is not None:
        env[data_references.INJECT] = json.dumps(inject)
    folders = {}
    for name in ("up", "mine"):
        folders[name] = tmp_path / "store" / name
        folders[name].mkdir(parents=True, exist_ok=True)
    return StepPlan(name="step", slug="step", kind="notebook", run_id="r", step_run_id="s",
                    source=str(cwd / "nb.ipynb"), cwd=str(cwd),
                    record_dir=str(tmp_path / "record"), environment=env,
                    parameters=parameters or {}, inputs={"up": str(folders["up"])},
                    outputs={"mine": str(folders["mine"])})


def test_globbed_outputs_are_gathered_with_their_folders(tmp_path):
    plan = file_passing.place_inputs(_plan(tmp_path, {"outputs": ["plots/*.png", "a.txt"],
                                                      "into": "mine"}))
    cwd = Path(plan.cwd)
    assert cwd != tmp_path / "project"   # a working copy
    (cwd / "plots").mkdir(exist_ok=True)
    (cwd / "plots" / "one.png").write_text("1")
    (cwd / "plots" / "two.png").write_text("2")
    (cwd / "a.txt").write_text("a")
    outcome = StepOutcome(Status.FINISHED)
    file_passing.gather_outputs(plan, outcome)
    mine = tmp_path / "store" / "mine"
    assert sorted(p.relative_to(mine).as_posix() for p in mine.rglob("*") if p.is_file()) == \
        ["a.txt", "plots/one.png", "plots/two.png"]
    assert outcome.status == Status.FINISHED
    assert not (tmp_path / "project" / "a.txt").exists()


def test_a_project_folder_of_an_output_is_never_written_through(tmp_path):
    plan0 = _plan(tmp_path, {"outputs": ["data/out.csv"], "into": "mine"})
    (Path(plan0.cwd) / "data").mkdir()
    (Path(plan0.cwd) / "data" / "out.csv").write_text("the user's")
    plan = file_passing.place_inputs(plan0)
    target = Path(plan.cwd) / "data" / "out.csv"
    assert not target.exists() and not (Path(plan.cwd) / "data").is_symlink()
    target.write_text("the step's")
    file_passing.gather_outputs(plan, StepOutcome(Status.FINISHED))
    assert (tmp_path / "project" / "data" / "out.csv").read_text() == "the user's"
    assert (tmp_path / "store" / "mine" / "data" / "out.csv").read_text() == "the step's"


@pytest.mark.parametrize("files", [{"outputs": ["../x.csv"], "into": "mine"},
                                   {"outputs": ["/etc/passwd"], "into": "mine"}])
def test_outputs_outside_the_working_folder_are_refused(tmp_path, files):
    with pytest.raises(PipelineError, match="leads outside the step's working folder"):
        file_passing.place_inputs(_plan(tmp_path, files))


def test_input_files_are_placed_and_an_unknown_input_is_refused(tmp_path):
    (tmp_path / "store" / "up").mkdir(parents=True)
    (tmp_path / "store" / "up" / "ok.csv").write_text("fine")
    placed = file_passing.place_inputs(_plan(tmp_path, {"inputs": ["up"]}))
    assert (Path(placed.cwd) / "ok.csv").read_text() == "fine"
    assert not (tmp_path / "project" / "ok.csv").exists()
    with pytest.raises(PipelineError, match="not one of its PipelineData inputs"):
        file_passing.place_inputs(_plan(tmp_path, {"inputs": ["nope"]}))


def test_parameter_values_become_paths_in_this_runs_folders(tmp_path):
    plan = _plan(tmp_path, parameters={"keep": "text", "paths": ["pipeline_data://up/a.csv"]},
                 inject={"product": {"data": "pipeline_data://mine/out/data.csv"},
                         "upstream": {"get": "pipeline_data://up"}})
    resolved = data_references.resolve(plan)
    assert resolved.parameters["keep"] == "text"
    assert resolved.parameters["paths"] == [str(tmp_path / "store" / "up" / "a.csv")]
    assert resolved.parameters["upstream"] == {"get": str(tmp_path / "store" / "up")}
    assert resolved.parameters["product"]["data"] == str(tmp_path / "store" / "mine" / "out" /
                                                         "data.csv")
    assert (tmp_path / "store" / "mine" / "out").is_dir()   # an output file's folder is made


@pytest.mark.parametrize("value, message", [
    ("pipeline_data://up/../../etc/passwd", "leads outside the folder of 'up'"),
    ("pipeline_data://elsewhere/x", "none of its inputs or outputs"),
])
def test_parameter_references_that_leave_their_folder_or_name_nothing_are_refused(
        tmp_path, value, message):
    with pytest.raises(PipelineError, match=message):
        data_references.resolve(_plan(tmp_path, parameters={"p": value}))


def test_a_malformed_inject_variable_is_refused_naming_it(tmp_path):
    plan = _plan(tmp_path)
    plan.environment[data_references.INJECT] = "[1]"
    with pytest.raises(PipelineError, match="PIPELINE_WIDGET_INJECT must be a JSON object"):
        data_references.resolve(plan)
