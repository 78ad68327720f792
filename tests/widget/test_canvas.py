"""The canvas: elements drawn from the model, status colours, problem marks, clicks."""
from __future__ import annotations

from ipycytoscape import MONITORED_USER_INTERACTIONS, MONITORED_USER_TYPES

from pipeline_widget import NotebookStep, PipelineData, Status
from pipeline_widget.run import Pipeline
from pipeline_widget.widget import elements
from pipeline_widget.widget.canvas import PipelineCanvas
from pipeline_widget.widget.styles import LEGEND_LABELS, STATUS_COLOURS, legend_html, stylesheet

from .conftest import element_json


def fan_out(ws, steps_dir) -> Pipeline:
    table = PipelineData("table")
    a = NotebookStep("make", steps_dir / "source.ipynb", outputs=[table])
    b = NotebookStep("read one", steps_dir / "sink.ipynb", inputs=[table])
    c = NotebookStep("read two", steps_dir / "sink.ipynb", inputs=[table])
    return Pipeline(ws, [b, c], name="fan")


def test_nodes_are_steps_and_edges_are_labelled_links(ws, steps_dir):
    canvas = PipelineCanvas()
    canvas.show(fan_out(ws, steps_dir))
    assert sorted(canvas.node_ids) == ["make", "read one", "read two"]
    assert sorted(canvas.edge_list) == [("make", "read one", "table"), ("make", "read two", "table")]
    for name in canvas.node_ids:
        assert canvas.node(name).data["status"] == Status.NOT_STARTED.value
    assert {e.data["label"] for e in canvas._edges.values()} == {"table"}
    # the graph widget holds exactly these elements, with the adjacency ipycytoscape keeps
    assert sorted(n.data["id"] for n in canvas.graph.nodes) == sorted(canvas.node_ids)
    assert canvas.graph._adj["make"] == {"read one": 1, "read two": 1}


def test_unread_outputs_and_dataset_inputs_show_in_the_label(ws, steps_dir, seed_copy):
    from pipeline_widget.run import Pipeline as P

    seed = P.load(seed_copy, workspace=ws)
    nodes, edges = elements.build(seed)
    labels = {n["data"]["id"]: n["data"]["label"] for n in nodes}
    assert "raw_data" in labels["prepare data"] and "raw_dataset" in labels["prepare data"]
    assert "model" in labels["train model"]  # written, read by no step
    assert [e["data"]["data"] for e in edges] == ["prepped"]


def test_canvas_is_set_up_for_ipycytoscape_1_3_3():
    canvas = PipelineCanvas()
    assert canvas.auto_unselectify is False
    assert canvas.cytoscape_layout["name"] == "dagre" and canvas.cytoscape_layout["rankDir"] == "TB"
    assert set(canvas._interaction_handlers) <= set(MONITORED_USER_TYPES)
    for events in canvas._interaction_handlers.values():
        assert set(events) <= set(MONITORED_USER_INTERACTIONS)
    assert canvas.desktop_tap_threshold == 4 and canvas.pixel_ratio == "auto"
    assert "pw-canvas" in canvas._dom_classes


def test_status_changes_only_touch_data(ws, steps_dir):
    canvas = PipelineCanvas()
    canvas.show(fan_out(ws, steps_dir))
    node = canvas.node("make")
    canvas.set_status("make", "Running")
    canvas.set_status("no such step", "Running")  # ignored
    assert canvas.node("make") is node and node.data["status"] == "Running"
    assert canvas.statuses == {"make": "Running", "read one": "NotStarted",
                               "read two": "NotStarted"}
    canvas.set_statuses({"read one": "Reused"})
    assert canvas.statuses == {"make": "NotStarted", "read one": "Reused",
                               "read two": "NotStarted"}


def test_additions_append_and_removals_replace_every_element(ws, steps_dir):
    pipeline = fan_out(ws, steps_dir)
    canvas = PipelineCanvas()
    canvas.show(pipeline)
    canvas.set_status("make", "Finished")
    first = list(canvas.graph.nodes)
    canvas.show(pipeline)  # nothing changed: the same widgets
    assert canvas.graph.nodes == first
    pipeline.steps.append(NotebookStep("alone", steps_dir / "sink.ipynb"))
    canvas.show(pipeline)  # an addition: the drawn widgets stay, the new one is appended
    assert canvas.graph.nodes[:3] == first and len(canvas.graph.nodes) == 4
    assert canvas.node("alone").data["status"] == "NotStarted"
    pipeline.steps = [s for s in pipeline.steps if s.name != "alone"]
    canvas.show(pipeline)  # a removal: fresh widgets for everything (ipycytoscape issue 322)
    old = {n.model_id for n in first}
    assert not old & {n.model_id for n in canvas.graph.nodes}
    assert sorted(canvas.node_ids) == ["make", "read one", "read two"]
    assert canvas.node("make").data["status"] == "Finished"
    assert sorted(canvas.graph._adj) == sorted(canvas.node_ids)


def test_node_and_edge_clicks_reach_the_pick_handler(ws, steps_dir):
    canvas = PipelineCanvas()
    canvas.show(fan_out(ws, steps_dir))
    picked = []
    canvas.on_pick(lambda kind, eid: picked.append((kind, eid)))
    canvas._handle_custom_msg({"widget": "node", "event": "click",
                               "data": element_json("node", {"id": "make"})}, [])
    edge = next(iter(canvas._edges.values()))
    canvas._handle_custom_msg({"widget": "edge", "event": "click",
                               "data": element_json("edge", dict(edge.data))}, [])
    canvas._handle_custom_msg({"widget": "node", "event": "mouseover",
                               "data": element_json("node", {"id": "make"})}, [])
    assert picked == [("node", "make"), ("edge", edge.data["id"])]


def test_marks_are_exclusive(ws, steps_dir):
    canvas = PipelineCanvas()
    canvas.show(fan_out(ws, steps_dir))
    canvas.mark("make", "picked")
    canvas.mark("read one", "picked")
    assert "picked" not in canvas.node("make").classes
    assert "picked" in canvas.node("read one").classes
    canvas.mark(None, "picked")
    assert all("picked" not in canvas.node(n).classes for n in canvas.node_ids)


def test_every_status_has_a_colour_a_style_and_a_legend_entry():
    shown = set(STATUS_COLOURS)
    assert shown == {s.value for s in Status} | {"Reused"}
    assert set(LEGEND_LABELS) == shown
    selectors = {r["selector"] for r in stylesheet()}
    legend = legend_html()
    for status, colour in STATUS_COLOURS.items():
        assert f'node[status = "{status}"]' in selectors
        assert colour in legend
    assert len(set(STATUS_COLOURS.values())) == len(STATUS_COLOURS)


def test_replaced_widgets_are_closed_one_rebuild_later(ws, steps_dir):
    pipeline = fan_out(ws, steps_dir)
    canvas = PipelineCanvas()
    canvas.show(pipeline)
    first = [*canvas._nodes.values(), *canvas._edges.values()]
    pipeline.steps = pipeline.steps[:2]
    canvas.show(pipeline)
    assert all(w.comm is not None for w in first)  # the front end may still be dropping them
    pipeline.steps = pipeline.steps[:1]
    canvas.show(pipeline)
    assert all(w.comm is None for w in first)
    assert all(n.comm is not None for n in canvas.graph.nodes)


def test_links_with_a_problem_are_marked(ws, steps_dir):
    shared = PipelineData("shared")
    a = NotebookStep("a", steps_dir / "source.ipynb", outputs=[shared])
    b = NotebookStep("b", steps_dir / "source.ipynb", outputs=[shared])
    c = NotebookStep("c", steps_dir / "sink.ipynb", inputs=[shared])
    pipeline = Pipeline(ws, [a, b, c])
    canvas = PipelineCanvas()
    canvas.show(pipeline, pipeline.validate())
    assert sorted(canvas.edge_list) == [("a", "c", "shared"), ("b", "c", "shared")]
    assert all("problem" in e.classes for e in canvas._edges.values())
    assert "problem" in canvas.node("a").classes and "problem" in canvas.node("b").classes
    assert "problem" not in canvas.node("c").classes


def test_a_status_shows_in_words_on_the_node_not_only_in_colour(ws, steps_dir):
    from pipeline_widget import NotebookStep, Pipeline
    from pipeline_widget.widget.canvas import PipelineCanvas

    canvas = PipelineCanvas()
    canvas.show(Pipeline(ws, [NotebookStep("make", steps_dir / "sink.ipynb")]))
    assert canvas.node("make").data["display"] == "make"   # not started: the name alone
    canvas.set_status("make", "Running")
    assert canvas.node("make").data["display"] == "make\n\u25b6 running"
    canvas.set_status("make", "Reused")
    assert canvas.node("make").data["display"] == "make\n\u267b reused"


def test_a_link_past_a_rank_bows_around_the_steps_between(designer):
    from tests.widget.conftest import add_step, link

    add_step(designer, "source.ipynb", "make")
    add_step(designer, "source.ipynb", "middle")
    add_step(designer, "sink.ipynb", "last")
    link(designer, "make", "middle", "first")
    link(designer, "middle", "last", "second")
    link(designer, "make", "last", "first")          # skips 'middle': drawn straight, hidden
    classes = {e.data["id"]: e.classes for e in designer.canvas._edges.values()}
    assert "skip" in classes["make->last:first"]
    assert "skip" not in classes["make->middle:first"] + classes["middle->last:second"]
    designer.show_data_nodes(True)                   # the same in the data view
    skips = sorted(e.data["id"] for e in designer.canvas._edges.values() if "skip" in e.classes)
    assert skips == ["data/first->last"]
