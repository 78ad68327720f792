"""Helpers that drive the designer the way the front end does: cytoscape click messages
(the payload ipycytoscape 1.3.3 sends is `e.target.json()`) and button clicks."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline_widget import PipelineDesigner, Workspace
from tests.conftest import write_notebook


def element_json(kind: str, data: dict) -> dict:
    """What cytoscape.js's `ele.json()` gives for a clicked element."""
    return {"data": data, "group": "nodes" if kind == "node" else "edges", "removed": False,
            "selected": False, "selectable": True, "locked": False, "grabbable": True,
            "pannable": kind == "edge", "classes": "",
            **({"position": {"x": 10.0, "y": 20.0}} if kind == "node" else {})}


def click(designer: PipelineDesigner, name: str) -> None:
    """A click on the node of step `name`, as the browser reports it."""
    node = designer.canvas.node(name)
    designer.canvas._handle_custom_msg(
        {"widget": "node", "event": "click", "data": element_json("node", dict(node.data))}, [])


def drag(designer: PipelineDesigner, source: str, target: str) -> None:
    """A node pressed and dragged onto another, as the browser reports it (the button comes up
    over the node under the pointer)."""
    for event, name in (("mousedown", source), ("mouseup", target)):
        node = designer.canvas.node(name)
        designer.canvas._handle_custom_msg(
            {"widget": "node", "event": event, "data": element_json("node", dict(node.data))}, [])


def click_edge(designer: PipelineDesigner, producer: str, consumer: str, data: str) -> None:
    edge = next(e for e in designer.canvas._edges.values()
                if (e.data["source"], e.data["target"], e.data["data"]) == (producer, consumer, data))
    designer.canvas._handle_custom_msg(
        {"widget": "edge", "event": "click", "data": element_json("edge", dict(edge.data))}, [])


def source_buttons(designer: PipelineDesigner) -> dict:
    """File name -> its button in the palette."""
    designer.refresh_sources()
    return {b.description: b for b in designer.palette.buttons.children[1:]}


def add_step(designer: PipelineDesigner, file_name: str, name: str, after: bool = False) -> None:
    """Type the name, click `file_name` in the palette (linked after the selected step only
    when `after`)."""
    designer.palette.after.value = after
    designer.step_name.value = name
    source_buttons(designer)[file_name].click()


def link(designer: PipelineDesigner, producer: str, consumer: str, data: str | None = None) -> None:
    """Click the producer, press Connect, (type the data name), click the consumer."""
    click(designer, producer)
    designer.connect_button.click()
    if data is not None:
        designer.data_name.value = data
    click(designer, consumer)


@pytest.fixture(autouse=True)
def warm_kernels_end_with_the_test(monkeypatch):
    """Every designer keeps warm kernels; a test's designers are not closed by a person, so
    their kernels are stopped when the test ends (as closing the designer would)."""
    from pipeline_widget.run import WarmKernels
    from pipeline_widget.widget import designer as designer_module

    made: list[WarmKernels] = []

    class Recorded(WarmKernels):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(designer_module, "WarmKernels", Recorded)
    yield made
    for warm in made:
        warm.shutdown()


@pytest.fixture
def steps_dir(project: Path) -> Path:
    """Small notebooks: `source` writes its output folder, `sink` reads what it gets."""
    d = project / "widget_steps"
    write_notebook(d / "source.ipynb", "out = None\nrows: int = 3  # how many rows\nscale = 1.5",
                   "import os\nos.makedirs(out, exist_ok=True)\n"
                   "open(os.path.join(out, 'table.csv'), 'w').write('a,b\\n' + "
                   "''.join(f'{i},{i * scale}\\n' for i in range(rows)))")
    write_notebook(d / "sink.ipynb", "label = 'x'  # a label",
                   "print(sorted(k for k in globals() if not k.startswith('_')))")
    write_notebook(d / "fail.ipynb", "x = 1", "raise ValueError('broken on purpose')")
    (d / "tool.py").write_text("print('tool')\n")
    return d


@pytest.fixture
def designer(ws: Workspace, steps_dir: Path) -> PipelineDesigner:
    return PipelineDesigner(workspace=ws, steps_dir=steps_dir)


def draw_fan_out(designer) -> None:
    """make -> one, make -> two, through one PipelineData, drawn with the controls."""
    add_step(designer, "source.ipynb", "make")
    add_step(designer, "sink.ipynb", "one")
    add_step(designer, "sink.ipynb", "two")
    link(designer, "make", "one")
    link(designer, "make", "two")


def model(designer) -> dict:
    return designer.pipeline.to_dict()
