"""Data as nodes: a toggle draws each PipelineData and dataset as a node of its own, and the
designer's clicks and buttons act on the links those nodes stand for."""
from __future__ import annotations

from tests.widget.conftest import add_step, click, draw_fan_out, model


def test_the_toggle_draws_data_between_writer_and_readers_and_back(designer):
    draw_fan_out(designer)
    data = designer.pipeline.step("make").outputs[0].name
    before = sorted(designer.canvas.edge_list)
    designer.data_nodes_toggle.value = True
    assert sorted(designer.canvas.node_ids) == sorted(["make", "one", "two", f"data/{data}"])
    assert sorted((e.data["source"], e.data["target"]) for e in designer.canvas._edges.values()) \
        == sorted([("make", f"data/{data}"), (f"data/{data}", "one"), (f"data/{data}", "two")])
    assert "data" in designer.canvas.node(f"data/{data}").classes
    assert designer.canvas.node("make").data["label"] == "make"   # the data is no longer listed
    assert designer.pipeline.to_dict() == designer.pipeline.to_dict()  # a view: model unchanged
    designer.data_nodes_toggle.value = False
    assert sorted(designer.canvas.edge_list) == before


def test_statuses_stay_on_the_steps_and_never_on_data(designer):
    draw_fan_out(designer)
    designer.canvas.set_status("make", "Finished")
    designer.show_data_nodes(True)
    assert designer.data_nodes_toggle.value is True
    assert designer.canvas.node("make").data["status"] == "Finished"
    assert set(designer.canvas.statuses) == {"make", "one", "two"}
    designer.canvas.set_statuses({})
    data_node = next(n for n in designer.canvas.node_ids if n.startswith("data/"))
    assert designer.canvas.node(data_node).data["status"] == ""


def test_a_dataset_and_an_output_no_step_reads_are_nodes_too(designer, project):
    from pipeline_widget import Dataset

    (project / "raw.csv").write_text("a,b\n1,2\n")
    Dataset.Tabular.from_delimited_files(project / "raw.csv").register(designer.workspace, "raw")
    add_step(designer, "sink.ipynb", "read")
    click(designer, "read")
    designer.properties.data_rows.dataset_as.value = "raw_rows"
    designer.properties.data_rows.dataset_add.click()
    add_step(designer, "source.ipynb", "make")
    click(designer, "make")
    designer.properties.data_rows.output_name.value = "report"
    designer.properties.data_rows.output_add.click()
    designer.show_data_nodes(True)
    assert "dataset" in designer.canvas.node("dataset/raw").classes
    edge = designer.canvas.edge("dataset/raw->read")
    assert edge.data["label"] == "raw_rows"          # the name the step reads it by
    assert designer.canvas.edge("make->data/report")  # written, read by no step
    click(designer, "dataset/raw")                    # shows the step that reads it
    assert designer.properties.step_name == "read"
    designer.remove_button.click()                    # no link to remove: said, nothing lost
    assert "in its step's panel" in designer.message
    assert [d.name for d in designer.pipeline.step("read").named_datasets] == ["raw_rows"]


def test_clicking_a_data_node_selects_its_link_and_remove_drops_every_reader(designer):
    draw_fan_out(designer)
    data = designer.pipeline.step("make").outputs[0].name
    designer.show_data_nodes(True)
    click(designer, f"data/{data}")
    assert designer.properties.link == ("make", "one", data)
    designer.properties.name_field.value = "table"          # rename from the data node
    assert designer.selected == ("node", "data/table")       # still selected, by its new id
    assert designer.pipeline.step("one").input_data[0].name == "table"
    designer.remove_button.click()
    assert designer.message.startswith("removed link 'table' from 'make' to 'one', 'two'")
    assert all(not s.input_data for s in designer.pipeline.steps)
    assert designer.pipeline.step("make").outputs == []


def test_connect_from_a_data_node_adds_a_reader_of_that_data(designer):
    draw_fan_out(designer)
    add_step(designer, "sink.ipynb", "three")
    data = designer.pipeline.step("make").outputs[0].name
    designer.show_data_nodes(True)
    click(designer, f"data/{data}")
    designer.connect_button.click()
    assert designer.data_name.value == data
    click(designer, f"data/{data}")                    # data cannot read: asked for a step
    assert designer.message.startswith("now click the step that reads it")
    click(designer, "three")
    assert [d.name for d in designer.pipeline.step("three").input_data] == [data]
    assert designer.pipeline.step("three").input_data[0] is designer.pipeline.step("make").outputs[0]
    assert f"data/{data}->three" in designer.canvas.edge_ids
    assert len(model(designer)["steps"]) == 4


def test_a_selected_data_node_is_no_step_to_add_after(designer):
    draw_fan_out(designer)
    designer.show_data_nodes(True)
    data = designer.pipeline.step("make").outputs[0].name
    click(designer, f"data/{data}")
    assert designer.palette.after.description == "after the selected step"
    add_step(designer, "sink.ipynb", "alone", after=True)
    assert designer.pipeline.step("alone").input_data == []
    assert designer.message == "added step 'alone'"
