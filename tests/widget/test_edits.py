"""EditHistory: all-or-nothing edits and undo, whatever the edit raises."""
from __future__ import annotations

import pytest

from pipeline_widget import NotebookStep, PipelineData, PipelineError
from pipeline_widget.core import editing
from pipeline_widget.run import Pipeline
from pipeline_widget.widget import edits


def two_steps(ws, steps_dir) -> Pipeline:
    table = PipelineData("table")
    a = NotebookStep("a", steps_dir / "source.ipynb", outputs=[table])
    b = NotebookStep("b", steps_dir / "sink.ipynb", inputs=[table])
    return Pipeline(ws, [b])


def test_an_edit_that_fails_half_way_is_rolled_back(ws, steps_dir):
    p = two_steps(ws, steps_dir)
    history = edits.EditHistory(p)
    before = p.to_dict()

    def half_done():
        p.steps[0].name = "renamed"
        p.steps.pop()
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        history.apply("broken", half_done)
    assert p.to_dict() == before and not history.can_undo


def test_an_edit_that_brings_a_cycle_is_refused(ws, steps_dir):
    p = two_steps(ws, steps_dir)
    history = edits.EditHistory(p)
    before = p.to_dict()
    with pytest.raises(PipelineError, match="cycle"):
        history.apply("loop", lambda: editing.connect(p, "b", "a", "back"))
    assert p.to_dict() == before


def test_existing_problems_do_not_block_other_edits(ws, steps_dir):
    shared = PipelineData("shared")
    a = NotebookStep("a", steps_dir / "source.ipynb", outputs=[shared])
    b = NotebookStep("b", steps_dir / "source.ipynb", outputs=[shared])  # two producers
    p = Pipeline(ws, [a, b])
    history = edits.EditHistory(p)
    history.apply("rename", lambda: editing.rename_step(p, "a", "first"))
    assert [s.name for s in p.steps] == ["first", "b"]


def test_undo_restores_shared_pipeline_data(ws, steps_dir):
    p = two_steps(ws, steps_dir)
    p.steps.append(NotebookStep("c", steps_dir / "sink.ipynb"))
    history = edits.EditHistory(p)
    history.apply("link", lambda: editing.connect(p, "a", "c", "table"))
    history.apply("remove", lambda: editing.remove_step(p, "a"))
    assert history.undo() == "remove"
    steps = {s.name: s for s in p.steps}
    assert steps["b"].inputs[0] is steps["c"].inputs[0] is steps["a"].outputs[0]
    assert p.upstream() == {"a": [], "b": ["a"], "c": ["a"]}
    history.undo()
    with pytest.raises(PipelineError, match="nothing to undo"):
        history.undo()


def test_default_data_name(ws, steps_dir):
    p = two_steps(ws, steps_dir)
    assert edits.default_data_name(p, "a") == "table"   # its own output
    p.steps.append(NotebookStep("fresh", steps_dir / "source.ipynb"))
    assert edits.default_data_name(p, "fresh") == "out"  # the notebook's output parameter
    p.steps.append(NotebookStep("Read It", steps_dir / "sink.ipynb"))
    assert edits.default_data_name(p, "Read It") == "read_it_out"
