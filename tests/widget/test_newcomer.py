"""The newcomer's flow from Python, on the project's own steps: everything is declared from
the designer's controls, guessed where the sources say how (a script's output option, the
dataset name it reads, a notebook's output parameter), and then runs for real."""
from __future__ import annotations

import json

from pipeline_widget import PipelineDesigner, Workspace

from .conftest import click, source_buttons


def test_an_empty_designer_builds_runs_and_saves_the_three_step_pipeline(seed_copy, project,
                                                                         monkeypatch):
    monkeypatch.chdir(project)
    d = PipelineDesigner(workspace=Workspace(project), warm_kernels=0)
    buttons = source_buttons(d)
    assert list(buttons) == ["data_prep.py", "evaluate_model.ipynb", "train_model.ipynb"]

    d.step_name.value = "prepare"
    buttons["data_prep.py"].click()
    rows = d.properties.data_rows
    assert rows.dataset_pick.value == "file:data/raw.csv"      # the project's data file
    assert rows.dataset_as.value == "raw_data"                # what the script looks up
    rows.dataset_add.click()
    assert "raw" in Workspace(project).datasets              # registered on the way

    d.step_name.value = "train"
    buttons["train_model.ipynb"].click()                      # after 'prepare': linked
    assert d.pipeline.step("train").inputs[0].name == "prepped"
    assert d.pipeline.step("prepare").arguments[0] == "--folder"
    assert "passed to it as --folder" in d.message
    d.properties.fields["alpha"].value = "0.7"

    d.step_name.value = "evaluate"
    buttons["evaluate_model.ipynb"].click()                   # after 'train': reads model
    assert [i.name for i in d.pipeline.step("evaluate").inputs] == ["model", "prepped"]
    assert "and 'prepped' from 'prepare'" in d.message
    assert d.properties.data_rows.output_name.value == "report"
    d.properties.data_rows.output_add.click()
    assert [o.name for o in d.pipeline.step("evaluate").outputs] == ["report"]

    d.validate_button.click()
    assert not d.message_is_error, d.message
    d.path.value = "newcomer.pipeline.json"
    d.save_button.click()
    saved = json.loads((project / "newcomer.pipeline.json").read_text())
    assert [s["name"] for s in saved["steps"]] == ["prepare", "train", "evaluate"]

    run = d.run()
    assert run is not None and d.wait(240) == "Finished", d.message
    click(d, "evaluate")
    details = d.step_details.value
    assert "executed.ipynb</a>" in details and "scores.csv</a>" in details
    assert "href='pipeline_workspace/runs/" in details
    assert "r2_low" in details                               # the CSV's head

    d.properties.fields["bootstrap_rounds"].value = "300"
    assert list(d.stale) == ["evaluate"] and "'bootstrap_rounds' changed" in d.stale["evaluate"]
    assert d.run() is not None and d.wait(240) == "Finished"
    reused = {s.name: s.is_reused for s in d.runs_panel.live.get_steps()}
    assert reused == {"prepare": True, "train": True, "evaluate": False}
    assert "reused: prepare, train" in d.message
    assert "ran: evaluate (parameter 'bootstrap_rounds' changed" in d.message

    fresh = PipelineDesigner(workspace=Workspace(project), warm_kernels=0)
    fresh.path.value = "newcomer.pipeline.json"
    fresh.load_button.click()
    assert [s.name for s in fresh.pipeline.steps] == ["prepare", "train", "evaluate"]
    assert fresh.stale == {}                                  # everything would be reused
    d.close()
    fresh.close()


def test_a_refused_edit_keeps_the_typed_text_with_the_reason_beside_it(seed_copy, project,
                                                                       monkeypatch):
    monkeypatch.chdir(project)
    d = PipelineDesigner(workspace=Workspace(project), warm_kernels=0)
    buttons = source_buttons(d)
    buttons["data_prep.py"].click()
    field = d.properties.fields["arguments"]
    field.value = "--folder {prepped}"                      # nothing is named prepped yet
    assert field.value == "--folder {prepped}"
    label = d.properties._error_labels["arguments"]
    assert "names no input, output" in label.value and "pw-field-error" in label._dom_classes
    d.properties.name_field.value = "bad\u202ename"
    assert d.properties.name_field.value == "bad\u202ename"
    assert d.pipeline.steps[0].name == "data prep"
    field.value = "--rows 3"                                # mended: the reason goes
    assert d.properties._error_labels["arguments"].value == ""
    d.close()


def test_repoint_keeps_links_and_the_parameters_that_still_exist(seed_copy, project,
                                                                 monkeypatch):
    import shutil

    monkeypatch.chdir(project)
    d = PipelineDesigner.load(seed_copy, workspace=Workspace(project))
    click(d, "train model")
    d.properties.fields["alpha"].value = "0.9"
    renamed = project / "steps" / "fit_model.ipynb"
    shutil.copy(project / "steps" / "train_model.ipynb", renamed)
    d.properties.source_field.value = "steps/fit_model.ipynb"
    step = d.pipeline.step("train model")
    assert step.source == renamed and step.parameters == {"alpha": 0.9}
    assert [i.name for i in step.inputs] == ["prepped"] and step.outputs[0].producers == [step]
    assert d.problems == [] and "now runs fit_model.ipynb" in d.message
    d.properties.source_field.value = "steps/missing.ipynb"
    assert "is not a file" in d.properties._error_labels["source"].value
    assert d.pipeline.step("train model").source == renamed
    d.close()
