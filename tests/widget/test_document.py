"""The designer's document, from Python: the messages the JupyterLab extension sends and gets
(pipeline_widget.widget.document), with the page replaced by a list of sent messages."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline_widget.widget.document import DesignerDocument, parse_pipeline, pipeline_text

from .conftest import click


@pytest.fixture
def sent() -> list[dict]:
    return []


def open_doc(path: Path, server_path: str, sent: list[dict], text: str | None = None):
    text = path.read_text() if text is None and path.exists() else (text or "")
    return DesignerDocument(path, server_path, text, sent.append, warm_kernels=0)


def steps_of(text: str) -> list[str]:
    return sorted(s["name"] for s in json.loads(text)["steps"])


def test_opening_a_file_changes_nothing_and_an_edit_sends_the_new_text(seed_copy, sent):
    doc = open_doc(seed_copy, "examples/seed.pipeline.json", sent)
    assert sorted(doc.designer.canvas.step_ids) == ["prepare data", "train model"]
    assert sent == []   # the tab stays saved: the file is what the page already has

    click(doc.designer, "train model")
    doc.designer.add_step(seed_copy.parent.parent / "steps" / "evaluate_model.ipynb", "evaluate")
    texts = [m["text"] for m in sent if "text" in m]
    assert len(texts) == 1
    assert steps_of(texts[0]) == ["evaluate", "prepare data", "train model"]
    # exactly what saving the pipeline to the file would write
    assert texts[0] == pipeline_text(doc.designer.pipeline, seed_copy)
    assert steps_of(seed_copy.read_text()) == ["prepare data", "train model"]   # not written


def test_a_new_empty_file_becomes_an_empty_pipeline_named_after_it(project, sent):
    path = project / "untitled.pipeline.json"
    path.write_text("")
    doc = open_doc(path, "untitled.pipeline.json", sent)
    assert doc.designer.pipeline.steps == []
    assert [sorted(m) for m in sent] == [["initial", "text"]]   # not an edit: the tab stays saved
    assert json.loads(sent[0]["text"])["name"] == "untitled"
    assert parse_pipeline(sent[0]["text"], path).steps == []


def test_text_from_the_page_replaces_the_pipeline_without_an_echo(seed_copy, sent):
    doc = open_doc(seed_copy, "examples/seed.pipeline.json", sent)
    data = json.loads(seed_copy.read_text())
    data["steps"] = [s for s in data["steps"] if s["name"] == "prepare data"]
    doc.received({"text": json.dumps(data)})
    assert doc.designer.canvas.step_ids == ["prepare data"]
    assert sent == []   # the page has this text already
    assert "as it is now" in doc.designer.message


def test_text_that_is_no_pipeline_is_refused_and_the_designer_keeps_its_pipeline(seed_copy, sent):
    doc = open_doc(seed_copy, "examples/seed.pipeline.json", sent)
    doc.received({"text": '{"steps": ['})
    assert doc.designer.message_is_error and "not valid JSON" in doc.designer.message
    assert sorted(doc.designer.canvas.step_ids) == ["prepare data", "train model"]


def test_keys_undo_redo_delete_and_escape(seed_copy, sent):
    doc = open_doc(seed_copy, "examples/seed.pipeline.json", sent)
    click(doc.designer, "train model")
    doc.received({"key": "delete"})
    assert doc.designer.canvas.step_ids == ["prepare data"]
    doc.received({"key": "undo"})
    assert sorted(doc.designer.canvas.step_ids) == ["prepare data", "train model"]
    doc.received({"key": "redo"})
    assert doc.designer.canvas.step_ids == ["prepare data"]
    assert doc.designer.message == "redid: remove step 'train model'"
    doc.received({"key": "redo"})
    assert doc.designer.message == "there is nothing to redo"
    click(doc.designer, "prepare data")
    doc.received({"key": "escape"})
    assert doc.designer.selected is None
    assert steps_of(sent[-1]["text"]) == ["prepare data"]


def test_an_edit_after_undo_forgets_what_redo_would_bring_back(seed_copy, sent):
    doc = open_doc(seed_copy, "examples/seed.pipeline.json", sent)
    click(doc.designer, "train model")
    doc.received({"key": "delete"})
    doc.received({"key": "undo"})
    click(doc.designer, "train model")
    doc.designer.add_step(seed_copy.parent.parent / "steps" / "evaluate_model.ipynb", "evaluate")
    assert not doc.designer.history.can_redo


def test_save_asks_the_page_and_a_save_is_confirmed_next_to_the_toolbar(seed_copy, sent):
    doc = open_doc(seed_copy, "examples/seed.pipeline.json", sent)
    doc.designer.save_button.click()
    assert sent == [{"save": True}]
    doc.received({"saved": "examples/seed.pipeline.json"})
    assert doc.designer.message == "saved seed.pipeline.json"


def test_a_dropped_notebook_becomes_a_step_after_the_selected_one(seed_copy, sent):
    doc = open_doc(seed_copy, "examples/seed.pipeline.json", sent)
    click(doc.designer, "train model")
    doc.received({"drop": "steps/evaluate_model.ipynb"})
    assert "evaluate model" in doc.designer.canvas.step_ids
    assert ("train model", "evaluate model", "model") in doc.designer.canvas.edge_list
    doc.received({"drop": "data/raw.csv"})
    assert doc.designer.message_is_error and "not a notebook or a Python script" in \
        doc.designer.message


def test_a_double_click_on_a_step_asks_the_page_to_open_its_source(seed_copy, sent):
    doc = open_doc(seed_copy, "examples/seed.pipeline.json", sent)
    click(doc.designer, "train model")
    assert [m for m in sent if "open" in m] == []   # one click selects only
    click(doc.designer, "train model")
    assert [m for m in sent if "open" in m] == [{"open": "steps/train_model.ipynb"}]
    assert doc.designer.message == "opened steps/train_model.ipynb"


def test_two_clicks_with_a_key_between_them_are_no_double_click(seed_copy, sent):
    doc = open_doc(seed_copy, "examples/seed.pipeline.json", sent)
    click(doc.designer, "train model")
    doc.received({"key": "escape"})
    click(doc.designer, "train model")
    assert [m for m in sent if "open" in m] == []


def test_a_new_pipeline_offers_the_steps_folder_above_its_file(seed_copy, sent):
    path = seed_copy.parent / "new.pipeline.json"
    doc = open_doc(path, "examples/new.pipeline.json", sent, text="")
    assert doc.designer.steps_dir == seed_copy.parent.parent / "steps"


def test_the_in_notebook_designer_offers_open_as_document_once_saved(ws, steps_dir, project,
                                                                      monkeypatch):
    from pipeline_widget import PipelineDesigner

    from .conftest import add_step

    monkeypatch.chdir(project)
    designer = PipelineDesigner(workspace=ws, steps_dir=steps_dir, warm_kernels=0)
    assert designer.file_row.open_document.value == ""   # nothing in a file yet
    add_step(designer, "source.ipynb", "make")
    designer.path.value = "made.pipeline.json"
    designer.save_button.click()
    link = designer.file_row.open_document.value
    assert "Open as document" in link and "href='made.pipeline.json'" in link
    designer.redo_button.click()
    assert designer.message == "there is nothing to redo"


def test_a_document_offers_no_open_as_document_link(seed_copy, sent):
    doc = open_doc(seed_copy, "examples/seed.pipeline.json", sent)
    assert doc.designer.file_row.open_document.value == ""


def test_dragging_a_step_onto_another_links_them(ws, steps_dir, sent):
    from pipeline_widget import PipelineDesigner

    from .conftest import add_step, drag

    designer = PipelineDesigner(workspace=ws, steps_dir=steps_dir, warm_kernels=0)
    add_step(designer, "source.ipynb", "make")
    add_step(designer, "sink.ipynb", "use")
    drag(designer, "make", "use")
    assert designer.canvas.edge_list == [("make", "use", "out")]   # the name Connect guesses
    assert designer.message == "'use' now reads PipelineData 'out' written by 'make'"
    drag(designer, "use", "use")   # pressed and released on one node: a click, no link
    assert designer.canvas.edge_list == [("make", "use", "out")]
    drag(designer, "use", "make")   # a cycle: refused, nothing changed
    assert designer.message_is_error and designer.canvas.edge_list == [("make", "use", "out")]


def test_dragging_from_a_data_node_adds_a_reader(ws, steps_dir):
    from pipeline_widget import PipelineDesigner

    from .conftest import add_step, drag

    designer = PipelineDesigner(workspace=ws, steps_dir=steps_dir, warm_kernels=0)
    add_step(designer, "source.ipynb", "make")
    add_step(designer, "sink.ipynb", "one")
    add_step(designer, "sink.ipynb", "two")
    drag(designer, "make", "one")
    designer.show_data_nodes(True)
    data_node = next(n for n in designer.canvas.node_ids if n not in ("make", "one", "two"))
    drag(designer, data_node, "two")
    assert ("make", "two", "out") in [(p, c, d) for p, c, d in
                                     ((s.name, t.name, d.name) for t in designer.pipeline.steps
                                      for d in t.input_data for s in d.producers)]
    drag(designer, "two", data_node)
    assert designer.message_is_error and "a link ends on a step" in designer.message


def test_the_wheel_zooms_a_documents_canvas_and_scrolls_a_notebook(seed_copy, sent):
    from pipeline_widget import PipelineDesigner

    doc = open_doc(seed_copy, "examples/seed.pipeline.json", sent)
    assert doc.designer.canvas.user_zooming_enabled
    in_notebook = PipelineDesigner.load(seed_copy)
    assert not in_notebook.canvas.user_zooming_enabled
    in_notebook.close()


def test_in_a_tab_run_and_cancel_sit_above_the_canvas(seed_copy, sent):
    doc = open_doc(seed_copy, "examples/seed.pipeline.json", sent)
    rows = list(doc.designer.children)
    run_row = next(r for r in rows if doc.designer.run_button in getattr(r, "children", ()))
    canvas_row = next(r for r in rows if any(doc.designer.canvas in getattr(c, "children", ())
                                             for c in getattr(r, "children", ())))
    assert rows.index(run_row) < rows.index(canvas_row)
    assert doc.designer.run_button not in doc.designer.runs_panel.children


def test_opening_a_document_imports_no_papermill_nbformat_pandas_or_networkx(seed_copy):
    """What a cold open costs: these take seconds to import and the designer's first drawing
    needs none of them (the parameters cell is read from JSON, ipycytoscape's graph inputs
    are imported when used)."""
    code = ("import sys\n"
            "from pipeline_widget.widget.document import DesignerDocument\n"
            f"path = {str(seed_copy)!r}\n"
            "DesignerDocument(path, 'examples/seed.pipeline.json', open(path).read(),\n"
            "                 lambda m: None, warm_kernels=0)\n"
            "heavy = ('papermill', 'nbformat', 'pandas', 'networkx')\n"
            "print(sorted(m for m in heavy if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=seed_copy.parent, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_ipycytoscape_still_takes_networkx_graphs_and_data_frames():
    """The graph libraries ipycytoscape imports lazily here still work when given."""
    import networkx as nx
    import pandas as pd
    from ipycytoscape import CytoscapeWidget

    import pipeline_widget.widget.canvas  # noqa: F401  (its import of ipycytoscape)

    graph = nx.DiGraph([("a", "b")])
    assert len(CytoscapeWidget(graph).graph.nodes) == 2
    frame = pd.DataFrame({"x": [1, 2], "y": [3, 4]})
    widget = CytoscapeWidget()
    widget.graph.add_graph_from_df(frame, ["x"])
    assert len(widget.graph.nodes) >= 1


def test_the_canvas_row_is_named_for_the_page_s_handle(seed_copy, sent):
    """The page puts its resize handle between the parts named here: the canvas's box and
    the properties panel beside it."""
    doc = open_doc(seed_copy, "examples/seed.pipeline.json", sent)
    rows = [c for c in doc.designer.children if "pw-canvas-row" in c._dom_classes]
    assert len(rows) == 1
    box, side = rows[0].children
    assert "pw-canvas-box" in box._dom_classes and doc.designer.canvas in box.children
    assert "pw-side" in side._dom_classes and doc.designer.properties in side.children


ELYRA = Path(__file__).resolve().parents[1] / "interop" / "projects" / "elyra"


@pytest.fixture
def elyra_copy(tmp_path) -> Path:
    import shutil

    shutil.copytree(ELYRA, tmp_path / "elyra")
    return tmp_path / "elyra" / "weather.pipeline"


def test_an_elyra_file_opens_through_its_importer_and_is_never_written(elyra_copy, sent,
                                                                      monkeypatch):
    monkeypatch.chdir(elyra_copy.parent)
    before = elyra_copy.read_text()
    doc = open_doc(elyra_copy, "elyra/weather.pipeline", sent)
    assert len(doc.designer.canvas.step_ids) == 4
    assert sent == []   # opened as it is
    assert "saving writes weather.pipeline.json" in doc.designer.message

    # an edit marks the tab unsaved without changing its text
    click(doc.designer, doc.designer.canvas.step_ids[0])
    doc.designer.remove_selected()
    assert sent == [{"dirty": True}]

    # saving (Ctrl+S, then the page says so): the pipeline goes beside the Elyra file
    doc.received({"saved": "elyra/weather.pipeline"})
    beside = elyra_copy.with_name("weather.pipeline.json")
    assert len(json.loads(beside.read_text())["steps"]) == 3
    assert sent[-1] == {"open": "elyra/weather.pipeline.json"}
    assert elyra_copy.read_text() == before
    assert "saved weather.pipeline.json beside weather.pipeline" in doc.designer.message


def test_an_elyra_file_changed_on_disk_is_imported_again_without_an_edit(elyra_copy, sent,
                                                                         monkeypatch):
    monkeypatch.chdir(elyra_copy.parent)
    doc = open_doc(elyra_copy, "elyra/weather.pipeline", sent)
    data = json.loads(elyra_copy.read_text())
    pipeline = data["pipelines"][0]
    kept = [n for n in pipeline["nodes"] if not n.get("inputs") or not any(
        p.get("links") for p in n["inputs"])]
    pipeline["nodes"] = kept
    elyra_copy.write_text(json.dumps(data))
    doc.received({"text": elyra_copy.read_text()})
    assert len(doc.designer.canvas.step_ids) == len(kept)
    assert sent == []   # the file as it is: no edit
