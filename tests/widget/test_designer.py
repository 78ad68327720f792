"""Every edit through the designer's own controls: buttons pressed, fields typed,
nodes clicked as the front end reports it; checked on the model, the canvas and the messages."""
from __future__ import annotations

import json

from pipeline_widget import (
    NotebookStep,
    PipelineDesigner,
    PipelineParameter,
    PythonScriptStep,
)
from pipeline_widget.run import Pipeline

from .conftest import add_step, click, click_edge, draw_fan_out, link, model, source_buttons


def test_open_three_ways(ws, steps_dir, seed_copy, project):
    empty = PipelineDesigner(workspace=ws, steps_dir=steps_dir)
    assert empty.pipeline.steps == [] and empty.pipeline.workspace == ws
    assert list(source_buttons(empty)) == ["fail.ipynb", "sink.ipynb", "source.ipynb", "tool.py"]
    assert "pw-designer" in empty._dom_classes

    built = Pipeline.load(seed_copy, workspace=ws)
    from_code = PipelineDesigner(pipeline=built)
    assert from_code.pipeline is built
    assert sorted(from_code.canvas.node_ids) == ["prepare data", "train model"]

    loaded = PipelineDesigner.load(seed_copy, workspace=ws)
    assert loaded.pipeline.to_dict() == built.to_dict()
    assert loaded.canvas.snapshot() == from_code.canvas.snapshot()
    assert hasattr(loaded.pipeline, "submit")  # the public Pipeline


def test_add_step_from_the_dropdown(designer, steps_dir):
    add_step(designer, "source.ipynb", "make table")
    add_step(designer, "tool.py", "tool")
    steps = {s.name: s for s in designer.pipeline.steps}
    assert isinstance(steps["make table"], NotebookStep)
    assert steps["make table"].notebook == steps_dir / "source.ipynb"
    assert isinstance(steps["tool"], PythonScriptStep) and steps["tool"].script_name == "tool.py"
    assert sorted(designer.canvas.node_ids) == ["make table", "tool"]
    assert designer.message == "added step 'tool'"
    assert designer.selected == ("node", "tool")


def test_add_step_with_an_empty_name_suggests_one(designer):
    add_step(designer, "sink.ipynb", "")
    add_step(designer, "sink.ipynb", "")
    assert [s.name for s in designer.pipeline.steps] == ["sink", "sink 2"]


def test_add_step_from_any_path(designer, project):
    from tests.conftest import write_notebook

    other = write_notebook(project / "elsewhere" / "x.ipynb", "a = 1", "pass")
    designer.step_path.value = str(other)
    designer.step_name.value = "from path"
    designer.add_button.click()
    assert designer.pipeline.step("from path").notebook == other


def test_refused_step_names_leave_the_model_unchanged(designer):
    add_step(designer, "source.ipynb", "make")
    before = model(designer)
    add_step(designer, "sink.ipynb", "make")
    assert "already a step named 'make'" in designer.message
    add_step(designer, "sink.ipynb", "a/b")
    assert "must not contain '/'" in designer.message
    designer.step_path.value = "/no/such/notebook.ipynb"
    designer.step_name.value = "ghost"
    designer.add_button.click()
    assert "is not a file" in designer.message
    assert model(designer) == before
    assert designer.canvas.node_ids == ["make"]
    assert "is not a file" in designer.message_line.value  # shown in the widget


def test_connect_creates_pipeline_data_with_an_offered_name(designer):
    add_step(designer, "source.ipynb", "make")
    add_step(designer, "sink.ipynb", "read")
    click(designer, "make")
    designer.connect_button.click()
    assert designer.data_name.value == "out"  # the notebook's output parameter (out = None)
    assert "now click the step" in designer.message
    assert "connecting" in designer.canvas.node("make").classes
    click(designer, "read")
    make, read = designer.pipeline.step("make"), designer.pipeline.step("read")
    assert [o.name for o in make.outputs] == ["out"] and read.inputs == make.outputs
    assert designer.canvas.edge_list == [("make", "read", "out")]
    assert designer.pipeline.upstream() == {"make": [], "read": ["make"]}
    assert "connecting" not in designer.canvas.node("make").classes
    assert designer.connect_from is None


def test_fan_out_reuses_the_producers_pipeline_data(designer):
    draw_fan_out(designer)
    make = designer.pipeline.step("make")
    assert len(make.outputs) == 1
    assert designer.pipeline.step("one").inputs[0] is designer.pipeline.step("two").inputs[0]
    assert sorted(designer.canvas.edge_list) == [("make", "one", "out"), ("make", "two", "out")]
    data = model(designer)
    assert list(data["data"]) == ["out"]


def test_several_outputs_by_typed_names(designer):
    add_step(designer, "source.ipynb", "make")
    add_step(designer, "sink.ipynb", "one")
    add_step(designer, "sink.ipynb", "two")
    link(designer, "make", "one", "first")
    link(designer, "make", "two", "second")
    assert [o.name for o in designer.pipeline.step("make").outputs] == ["first", "second"]
    assert sorted(designer.canvas.edge_list) == [("make", "one", "first"),
                                                 ("make", "two", "second")]


def test_data_name_rule_is_checked_as_typed_and_on_connect(designer):
    add_step(designer, "source.ipynb", "make")
    add_step(designer, "sink.ipynb", "read")
    designer.data_name.value = "1abc"
    assert "must match" in designer.message
    designer.data_name.value = "abc"
    assert designer.message == ""
    before = model(designer)
    link(designer, "make", "read", "a-b")
    assert "not allowed" in designer.message
    assert model(designer) == before and designer.canvas.edge_list == []


def test_refused_links(designer):
    add_step(designer, "source.ipynb", "a")
    add_step(designer, "source.ipynb", "b")
    link(designer, "a", "b", "x")
    before = model(designer)
    link(designer, "b", "a", "y")  # a cycle
    assert "cycle" in designer.message
    link(designer, "a", "a", "z")
    assert "cannot read its own output" in designer.message
    link(designer, "b", "a", "x")  # x is a's: b cannot write it too
    assert "written by step 'a'" in designer.message
    link(designer, "a", "b", "x")
    assert "already reads 'x'" in designer.message
    assert model(designer) == before
    assert designer.canvas.edge_list == [("a", "b", "x")]


def test_connect_needs_a_selected_step_and_can_be_canceled(designer):
    add_step(designer, "source.ipynb", "a")
    designer.select(None)
    designer.connect_button.click()
    assert "first" in designer.message and designer.connect_from is None
    click(designer, "a")
    designer.connect_button.click()
    assert designer.connect_from == "a"
    designer.connect_button.click()
    assert designer.connect_from is None and designer.message == "connect canceled"


def test_rename_step_and_pipeline_data(designer):
    add_step(designer, "source.ipynb", "make")
    add_step(designer, "sink.ipynb", "read")
    link(designer, "make", "read", "table")
    click(designer, "make")
    designer.properties.name_field.value = "make table"
    assert [s.name for s in designer.pipeline.steps] == ["make table", "read"]
    assert designer.selected == ("node", "make table")  # still selected, under its new name
    assert designer.properties.step_name == "make table"
    assert "picked" in designer.canvas.node("make table").classes
    assert designer.canvas.edge_list == [("make table", "read", "table")]
    click_edge(designer, "make table", "read", "table")
    assert designer.properties.link == ("make table", "read", "table")
    designer.properties.name_field.value = "rows"
    assert designer.pipeline.step("read").inputs[0].name == "rows"
    assert designer.properties.link == ("make table", "read", "rows")
    assert designer.selected == ("edge", "make table->read:rows")
    assert designer.canvas.edge_list == [("make table", "read", "rows")]
    before = model(designer)
    designer.properties.name_field.value = "not valid!"
    assert "not allowed" in designer.message and model(designer) == before
    click(designer, "read")
    designer.properties.name_field.value = "make table"
    assert "already a step named" in designer.message and model(designer) == before


def test_parameters_from_the_notebook_are_type_checked(designer):
    add_step(designer, "source.ipynb", "make")
    add_step(designer, "sink.ipynb", "read")
    link(designer, "make", "read")
    click(designer, "make")
    fields = designer.properties.fields
    assert set(fields) == {"rows", "scale"}  # `out` is injected, not a field
    assert "0" not in fields["rows"].value and fields["rows"].placeholder == "3 (default)"
    assert fields["rows"].tooltip == "how many rows"
    fields["rows"].value = "abc"
    assert "expects an int" in designer.message
    assert designer.pipeline.step("make").parameters == {}
    fields["rows"].value = "7"
    assert designer.properties.fields["scale"] is fields["scale"]  # kept: focus stays put
    fields["scale"].value = "2"
    assert designer.pipeline.step("make").parameters == {"rows": 7, "scale": 2.0}
    fields["scale"].value = "true"
    assert "expects a float" in designer.message
    fields["rows"].value = ""
    assert designer.pipeline.step("make").parameters == {"scale": 2.0}
    click(designer, "read")
    designer.properties.fields["label"].value = "hello"
    assert designer.pipeline.step("read").parameters == {"label": "hello"}


def test_bound_pipeline_parameter_shows_in_the_field_and_the_run_form(ws, steps_dir):
    alpha = PipelineParameter("scale", 0.5)
    p = Pipeline(ws, [NotebookStep("make", steps_dir / "source.ipynb",
                                   parameters={"scale": alpha})])
    d = PipelineDesigner(pipeline=p)
    click(d, "make")
    assert d.properties.fields["scale"].value == "=scale"
    assert list(d.runs_panel.param_fields) == ["scale"]
    assert d.runs_panel.param_fields["scale"].value == "0.5"
    d.properties.fields["scale"].value = "3.5"  # unbind: a plain value again
    assert d.pipeline.step("make").parameters == {"scale": 3.5}
    assert d.pipeline.parameters == {} and d.runs_panel.param_fields == {}


def test_bind_a_step_parameter_to_a_pipeline_parameter(designer, project):
    add_step(designer, "source.ipynb", "make")
    add_step(designer, "source.ipynb", "make too")
    click(designer, "make")
    designer.properties.fields["rows"].value = "=n_rows"
    click(designer, "make too")
    designer.properties.fields["rows"].value = "=n_rows"  # the same parameter, shared
    assert designer.pipeline.parameters["n_rows"].default_value == 3  # the notebook's default
    assert designer.pipeline.step("make").parameters["rows"] is \
        designer.pipeline.step("make too").parameters["rows"]
    assert designer.runs_panel.param_fields["n_rows"].value == "3"
    designer.properties.fields["scale"].value = "=not valid"
    assert "not allowed" in designer.message
    designer.path.value = str(project / "bound.pipeline.json")
    designer.save_button.click()
    saved = json.loads((project / "bound.pipeline.json").read_text())
    assert saved["parameters"] == {"n_rows": 3}
    assert saved["steps"][0]["parameter_bindings"] == {"rows": "n_rows"}


def test_allow_reuse_checkbox(designer):
    add_step(designer, "source.ipynb", "make")
    click(designer, "make")
    designer.properties.reuse_box.value = False
    assert designer.pipeline.step("make").allow_reuse is False
    assert model(designer)["steps"][0]["allow_reuse"] is False


def test_retries_field(designer):
    add_step(designer, "source.ipynb", "make")
    click(designer, "make")
    designer.properties.retries_field.value = 2
    assert designer.pipeline.step("make").retries == 2
    assert model(designer)["steps"][0]["retries"] == 2
    assert designer.message == "step 'make': 2 retries after a failure"
    designer.undo_button.click()
    assert designer.pipeline.step("make").retries is None


def test_remove_step_takes_its_links_and_says_who_lost_an_input(designer):
    draw_fan_out(designer)
    click(designer, "make")
    designer.remove_button.click()
    assert [s.name for s in designer.pipeline.steps] == ["one", "two"]
    assert sorted(designer.canvas.node_ids) == ["one", "two"] and designer.canvas.edge_list == []
    assert designer.selected is None and designer.message.startswith("removed step 'make'")
    assert "'one', 'two'" in designer.message and "no step writes" in designer.message
    assert [p.code for p in designer.problems] == ["unproduced_data"]
    assert "no step writes it" in designer.problem_list.value
    click(designer, "one")
    designer.properties.data_rows.drop_unwritten.click()   # or link a step that writes 'out'
    assert designer.pipeline.step("one").inputs == []
    assert designer.pipeline.step("two").inputs != []


def test_remove_link_keeps_the_other_reader(designer):
    draw_fan_out(designer)
    click_edge(designer, "make", "one", "out")
    designer.remove_button.click()
    assert designer.canvas.edge_list == [("make", "two", "out")]
    assert [o.name for o in designer.pipeline.step("make").outputs] == ["out"]
    click_edge(designer, "make", "two", "out")
    designer.remove_button.click()
    assert designer.canvas.edge_list == [] and designer.pipeline.step("make").outputs == []


def test_remove_needs_a_selection(designer):
    designer.remove_button.click()
    assert "click a step or a link" in designer.message


def test_undo_the_last_edits(designer):
    add_step(designer, "source.ipynb", "make")
    add_step(designer, "sink.ipynb", "read")
    link(designer, "make", "read")
    linked = model(designer)
    click(designer, "make")
    designer.remove_button.click()
    assert designer.canvas.node_ids == ["read"]
    designer.undo_button.click()
    assert model(designer) == linked and designer.canvas.edge_list == [("make", "read", "out")]
    assert designer.message.startswith("undid: remove step")
    designer.undo_button.click()
    designer.undo_button.click()
    assert [s.name for s in designer.pipeline.steps] == ["make"]
    designer.undo_button.click()
    designer.undo_button.click()
    assert designer.message == "there is nothing to undo" and designer.pipeline.steps == []


def test_connect_guesses_the_name_both_ends_use_and_forgets_a_refused_one(designer, steps_dir):
    from tests.conftest import write_notebook

    write_notebook(steps_dir / "reader.ipynb", "table = None\nlabel = 'x'", "print(table)")
    (steps_dir / "make_table.py").write_text("import sys\nopen(sys.argv[1] + '/t.csv', 'w')\n")
    designer.refresh_sources()
    add_step(designer, "make_table.py", "script")
    add_step(designer, "reader.ipynb", "read")
    click(designer, "script")
    designer.connect_button.click()
    offered = designer.data_name.value      # made up from the producer's name
    click(designer, "read")
    # a script takes its path as an argument: the reader's own input parameter is the name
    assert designer.canvas.edge_list == [("script", "read", "table")], offered
    add_step(designer, "reader.ipynb", "again")
    click(designer, "read")
    designer.connect_button.click()
    designer.data_name.value = "table"      # written by 'script' already: refused
    click(designer, "again")
    assert "written by step 'script'" in designer.message
    assert designer.data_name.value == ""   # not offered again


def test_panels_follow_the_model_after_remove_and_between_steps(designer):
    draw_fan_out(designer)
    click(designer, "one")
    assert "one" in designer.step_details.value
    designer.properties.data_rows.dataset_as.value = "raw_for_one"
    click(designer, "two")
    assert designer.properties.data_rows.dataset_as.value == ""   # typed for 'one', not for 'two'
    designer.remove_button.click()
    assert "two" not in designer.step_details.value     # the removed step's details go
    assert all(b.disabled for b in designer.runs_panel.part_buttons.values())


def test_run_with_parameters_types_them_into_the_form_and_refuses_unknown_names(designer):
    import pytest

    from pipeline_widget import PipelineError

    draw_fan_out(designer)
    click(designer, "make")
    designer.properties.fields["rows"].value = "=n_rows"
    with pytest.raises(PipelineError, match="no parameter 'rows'; its parameters are n_rows"):
        designer.run({"rows": 4})
    run = designer.run({"n_rows": 4})
    assert designer.runs_panel.param_fields["n_rows"].value == "4"   # the form shows what ran
    assert designer.wait(120) == "Finished"
    assert run.parameters == {"n_rows": 4}
