"""The designer: validation, datasets, save and load, code round trips, controls."""
from __future__ import annotations

import json

from pipeline_widget import (
    NotebookStep,
    PipelineData,
    PipelineDesigner,
    PipelineParameter,
)
from pipeline_widget.run import Pipeline

from .conftest import add_step, click, draw_fan_out, link, model


def test_validate_lists_problems_and_marks_the_steps(designer, steps_dir):
    designer.validate_button.click()
    assert "no steps" in designer.problem_list.value
    add_step(designer, "source.ipynb", "make")
    add_step(designer, "sink.ipynb", "read")
    (steps_dir / "sink.ipynb").unlink()
    designer.validate_button.click()
    assert "1 problem" in designer.message
    assert "not found" in designer.problem_list.value
    assert "problem" in designer.canvas.node("read").classes
    assert "problem" not in designer.canvas.node("make").classes
    assert "pw-problems" in designer.problem_list._dom_classes


def test_problems_update_on_every_edit(ws, steps_dir):
    lost = PipelineData("lost")
    p = Pipeline(ws, [NotebookStep("read", steps_dir / "sink.ipynb", inputs=[lost])])
    d = PipelineDesigner(pipeline=p)
    assert "no step writes it" in d.problem_list.value
    assert "problem" in d.canvas.node("read").classes
    add_step(d, "source.ipynb", "make")
    click(d, "read")
    d.remove_button.click()
    assert "no problems" in d.problem_list.value and d.problems == []


def test_dataset_input_from_the_registered_datasets(designer, project):
    from pipeline_widget import Dataset

    (project / "raw.csv").write_text("a,b\n1,2\n")
    Dataset.Tabular.from_delimited_files(project / "raw.csv").register(designer.workspace, "raw")
    add_step(designer, "sink.ipynb", "read")
    click(designer, "read")
    assert [v for _, v in designer.properties.data_rows.dataset_pick.options] == ["raw"]
    designer.properties.data_rows.dataset_as.value = "raw_rows"
    designer.properties.data_rows.dataset_add.click()
    ds = designer.pipeline.step("read").named_datasets
    assert [d.name for d in ds] == ["raw_rows"] and ds[0].dataset.name == "raw"
    assert "raw_rows" in designer.canvas.node("read").data["label"]
    designer.properties.data_rows.dataset_add.click()  # the same name twice is refused
    assert "two inputs or outputs named 'raw_rows'" in designer.message
    assert len(designer.pipeline.step("read").named_datasets) == 1


def test_draw_save_load_gives_the_identical_canvas(designer, project):
    draw_fan_out(designer)
    click(designer, "make")
    designer.properties.fields["rows"].value = "5"
    drawn = designer.canvas.snapshot()
    designer.path.value = str(project / "drawn.pipeline.json")
    designer.save_button.click()
    assert designer.message.startswith("saved")
    saved = json.loads((project / "drawn.pipeline.json").read_text())
    assert "position" not in json.dumps(saved) and "layout" not in saved

    again = PipelineDesigner.load(project / "drawn.pipeline.json", workspace=designer.workspace)
    assert again.canvas.snapshot() == drawn
    assert again.pipeline.to_dict(project) == designer.pipeline.to_dict(project)

    add_step(designer, "sink.ipynb", "three")  # loading replaces the drawing
    designer.load_button.click()
    assert designer.canvas.snapshot() == drawn
    assert designer.pipeline.step("make").parameters == {"rows": 5}


def test_load_of_a_bad_file_keeps_the_drawing(designer, project):
    add_step(designer, "source.ipynb", "make")
    before = model(designer)
    (project / "bad.pipeline.json").write_text("{not json")
    designer.path.value = str(project / "bad.pipeline.json")
    designer.load_button.click()
    assert "not valid JSON" in designer.message
    assert model(designer) == before and designer.canvas.node_ids == ["make"]


def test_pipeline_from_code_to_canvas_and_back(ws, steps_dir, project):
    table, extra = PipelineData("table"), PipelineData("extra")
    scale = PipelineParameter("scale", 2.0)
    make = NotebookStep("make", steps_dir / "source.ipynb", outputs=[table, extra],
                        parameters={"rows": 4, "scale": scale}, allow_reuse=False)
    one = NotebookStep("one", steps_dir / "sink.ipynb", inputs=[table], parameters={"label": "a"})
    two = NotebookStep("two", steps_dir / "sink.ipynb", inputs=[table, extra])
    p = Pipeline(ws, [one, two], name="coded")
    d = PipelineDesigner(pipeline=p)
    assert sorted(d.canvas.edge_list) == [("make", "one", "table"), ("make", "two", "extra"),
                                          ("make", "two", "table")]
    d.path.value = str(project / "coded.pipeline.json")
    d.save_button.click()
    back = PipelineDesigner.load(project / "coded.pipeline.json", workspace=ws)
    assert back.pipeline.to_dict(project) == p.to_dict(project)
    assert back.canvas.snapshot() == d.canvas.snapshot()


def test_hooks_are_on_the_controls(designer):
    hooks = {"pw-designer": designer, "pw-canvas": designer.canvas,
             "pw-palette": designer.palette, "pw-step-name": designer.step_name,
             "pw-add-step": designer.add_button, "pw-connect": designer.connect_button,
             "pw-data-name": designer.data_name, "pw-remove": designer.remove_button,
             "pw-validate": designer.validate_button, "pw-problems": designer.problem_list,
             "pw-save": designer.save_button, "pw-load": designer.load_button,
             "pw-path": designer.path, "pw-run": designer.run_button,
             "pw-cancel": designer.cancel_button, "pw-legend": designer.legend,
             "pw-step-details": designer.step_details, "pw-runs": designer.runs,
             "pw-rerun": designer.rerun_button, "pw-message": designer.message_line}
    for hook, widget in hooks.items():
        assert hook in widget._dom_classes, hook

    def descendants(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from descendants(child)

    shown = {id(x) for x in descendants(designer)}
    assert all(id(widget) in shown for widget in hooks.values())


def test_script_arguments_name_the_steps_data(designer, project):
    add_step(designer, "source.ipynb", "make")
    add_step(designer, "tool.py", "tool")
    link(designer, "make", "tool", "table")
    click(designer, "tool")
    field = designer.properties.fields["arguments"]
    field.value = "--input {table} --rows 3 'a b'"
    step = designer.pipeline.step("tool")
    assert step.arguments[0] == "--input" and step.arguments[1] is step.inputs[0]
    assert step.arguments[2:] == ["--rows", "3", "a b"]
    assert designer.properties.fields["arguments"].value == "--input {table} --rows 3 'a b'"
    before = model(designer)
    field.value = "--input {nothing}"
    assert "names no input" in designer.message and model(designer) == before
    field.value = "--input 'unclosed"
    assert "quotes" in designer.message and model(designer) == before
    designer.path.value = str(project / "args.pipeline.json")
    designer.save_button.click()
    again = PipelineDesigner.load(project / "args.pipeline.json", workspace=designer.workspace)
    assert again.pipeline.to_dict(project) == designer.pipeline.to_dict(project)


def test_clear_gives_a_blank_canvas_and_undo_brings_it_back(designer):
    add_step(designer, "source.ipynb", "make")
    add_step(designer, "sink.ipynb", "read")
    link(designer, "make", "read")
    drawn, before = designer.canvas.snapshot(), model(designer)
    designer.clear_button.click()
    assert designer.pipeline.steps == [] and designer.canvas.node_ids == []
    assert designer.selected is None
    add_step(designer, "sink.ipynb", "new")
    designer.undo_button.click()
    designer.undo_button.click()
    assert model(designer) == before and designer.canvas.snapshot() == drawn


def test_after_a_link_the_next_connect_offers_a_fresh_name(designer):
    add_step(designer, "source.ipynb", "make")
    add_step(designer, "source.ipynb", "other")
    add_step(designer, "sink.ipynb", "read")
    link(designer, "make", "read", "rows")
    click(designer, "other")
    designer.connect_button.click()
    assert designer.data_name.value == "out"  # not 'rows', which belongs to 'make'
    click(designer, "read")
    assert sorted(designer.canvas.edge_list) == [("make", "read", "rows"), ("other", "read", "out")]


def test_new_files_in_steps_dir_are_offered_after_an_edit(designer, steps_dir):
    from tests.conftest import write_notebook

    from .conftest import source_buttons

    write_notebook(steps_dir / "added.ipynb", "a = 1", "pass")
    designer.validate_button.click()
    assert "added.ipynb" in {b.description for b in designer.palette.buttons.children[1:]}
    source_buttons(designer)["added.ipynb"].click()
    assert designer.pipeline.steps[-1].source == steps_dir / "added.ipynb"


def test_dependencies_typed_in_the_properties_panel_reach_the_model(designer, steps_dir):
    add_step(designer, "source.ipynb", "a")
    click(designer, "a")
    designer.properties.dependencies_field.value = "conf/*.toml, lookup.csv"
    step = designer.pipeline.step("a")
    assert step.dependencies == [str(steps_dir / "conf" / "*.toml"), str(steps_dir / "lookup.csv")]
    designer.undo()
    assert designer.pipeline.step("a").dependencies == []


def test_a_dependency_outside_the_steps_folder_shows_as_typed(designer, steps_dir):
    add_step(designer, "source.ipynb", "a")
    click(designer, "a")
    designer.properties.dependencies_field.value = "../conf/*.toml"
    click(designer, "a")   # shown again from the model
    assert designer.properties.dependencies_field.value == "../conf/*.toml"
