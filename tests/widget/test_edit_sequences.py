"""Random sequences of edits through the controls never lose work: a refused edit leaves the
model as it was and says why, an accepted one keeps the drawing free of structural problems,
and the canvas always shows exactly the model."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline_widget import PipelineDesigner, Workspace
from pipeline_widget.widget.canvas import PipelineCanvas
from pipeline_widget.widget.edits import structural_problems
from tests.conftest import write_notebook

from .conftest import add_step, click, click_edge

STEP_NAMES = st.sampled_from(["a", "b", "c", "prepare data", "a/b", "", ".."])
DATA_NAMES = st.sampled_from(["x", "y", "out", "x", "y", "1bad", "with space", "class"])
PICK = st.integers(0, 4)  # which of the drawn steps (modulo their number)
ADD = st.tuples(st.just("add"), st.sampled_from(["w.ipynb", "r.ipynb", "s.py"]), STEP_NAMES)
LINK = st.tuples(st.just("link"), PICK, PICK, DATA_NAMES)
ACTIONS = st.one_of(
    ADD, ADD, LINK, LINK, LINK,
    st.tuples(st.just("remove"), PICK),
    st.tuples(st.just("remove_link"), PICK),
    st.tuples(st.just("rename"), PICK, STEP_NAMES),
    st.tuples(st.just("undo"),),
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sequences")
    write_notebook(root / "w.ipynb", "out = None  # output folder", "pass")
    write_notebook(root / "r.ipynb", "n: int = 1", "pass")
    (root / "s.py").write_text("pass\n")
    return root


def drawn(pipeline) -> dict:
    fresh = PipelineCanvas()
    fresh.show(pipeline)
    return fresh.snapshot()


def act(d: PipelineDesigner, action: tuple) -> None:
    kind, *args = action
    names = d.canvas.node_ids
    if kind == "add":
        add_step(d, *args)
    elif not names:
        return
    elif kind == "link":
        producer, consumer, data = args
        click(d, names[producer % len(names)])
        d.connect_button.click()
        d.data_name.value = data
        click(d, names[consumer % len(names)])
    elif kind == "remove":
        click(d, names[args[0] % len(names)])
        d.remove_button.click()
    elif kind == "remove_link" and d.canvas.edge_list:
        click_edge(d, *d.canvas.edge_list[args[0] % len(d.canvas.edge_list)])
        d.remove_button.click()
    elif kind == "rename":
        click(d, names[args[0] % len(names)])
        d.properties.name_field.value = args[1]
    elif kind == "undo":
        d.undo_button.click()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ADD, min_size=2, max_size=5), st.lists(ACTIONS, min_size=1, max_size=15))
def test_edits_are_all_or_nothing(folder, adds, actions):
    d = PipelineDesigner(workspace=Workspace(folder), steps_dir=folder)
    for action in adds + actions:
        before = d.pipeline.to_dict(folder)
        d.say("")
        act(d, action)
        if d.message_is_error:
            assert d.message  # says why
            assert d.pipeline.to_dict(folder) == before, action
        assert structural_problems(d.pipeline) == [], action
        assert d.canvas.snapshot() == drawn(d.pipeline), action
