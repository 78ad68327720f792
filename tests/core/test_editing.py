"""The core editing API keeps the model consistent: producers, links, redefinitions."""
from __future__ import annotations

import pytest

from pipeline_widget import NotebookStep, Pipeline, PipelineData, PipelineError
from pipeline_widget.core import editing
from tests.conftest import write_notebook


@pytest.fixture
def nb(project):
    return write_notebook(project / "steps" / "n.ipynb", "x = 1", "pass")


def test_connect_registers_the_producer_and_remove_link_forgets_it(ws, nb):
    p = Pipeline(ws, [NotebookStep("a", nb), NotebookStep("b", nb)])
    data = editing.connect(p, "a", "b", "table")
    assert [s.name for s in data.producers] == ["a"] and p.validate() == []
    editing.remove_link(p, "a", "b", "table")
    assert data.producers == [] and p.step("a").outputs == []


def test_removing_a_middle_step_leaves_its_reader_with_an_input_nobody_writes(ws, nb):
    p = Pipeline(ws, [NotebookStep("a", nb), NotebookStep("b", nb), NotebookStep("c", nb)])
    editing.connect(p, "a", "b", "table")
    editing.connect(p, "b", "c", "scores")
    editing.remove_step(p, "b")
    assert [i.name for i in p.step("c").inputs] == ["scores"]
    assert [(q.code, q.steps) for q in p.validate()] == [("unproduced_data", ("c",))]
    assert p.step("a").outputs == [] or p.step("a").outputs[0].name == "table"
    editing.connect(p, "a", "c", "scores")       # mended by a link of the same name
    assert p.validate() == [] and p.step("c").inputs[0].producers == [p.step("a")]


def test_an_output_no_step_reads_can_be_declared(ws, nb):
    p = Pipeline(ws, [NotebookStep("a", nb), NotebookStep("b", nb)])
    editing.add_output(p, "a", "report")
    assert [o.name for o in p.step("a").outputs] == ["report"] and p.validate() == []
    with pytest.raises(PipelineError, match="already written by step 'a'"):
        editing.add_output(p, "b", "report")
    with pytest.raises(PipelineError, match="PipelineData"):
        editing.add_output(p, "b", "not a name")


def test_a_step_defined_again_replaces_the_old_one_as_producer(ws, nb):
    table = PipelineData("table")
    NotebookStep("make", nb, outputs=[table])
    again = NotebookStep("make", nb, outputs=[table])   # the same cell, run again
    use = NotebookStep("use", nb, inputs=[table])
    p = Pipeline(ws, [use])
    assert table.producers == [again] and p.validate() == []


def test_snapshot_and_restore_undo_an_edit(ws, nb):
    p = Pipeline(ws, [NotebookStep("a", nb)])
    before = editing.snapshot(p)
    editing.rename_step(p, "a", "first")
    editing.restore(p, before)
    assert [s.name for s in p.steps] == ["a"]


def test_add_step_picks_the_kind_from_the_file_and_refuses_others(ws, nb, project):
    p = Pipeline(ws, [])
    assert editing.add_step(p, nb, "n").kind == "notebook"
    (project / "x.txt").write_text("")
    with pytest.raises(PipelineError, match="not a step source"):
        editing.add_step(p, project / "x.txt", "x")


def test_edits_carry_a_steps_extensions(ws, nb, project):
    """Renaming, relinking, repointing, undo and redo keep what another tool keeps on a step."""
    kept = {"elyra": {"id": "n-a", "ui_data": {"x_pos": 10}}}
    p = Pipeline(ws, [NotebookStep("a", nb), NotebookStep("b", nb)],
                 extensions={"elyra": {"comments": []}})
    p.step("a").extensions = kept
    before = editing.snapshot(p)
    editing.rename_step(p, "a", "first")
    editing.connect(p, "first", "b", "table")
    other = write_notebook(project / "steps" / "other.ipynb", "x = 2", "pass")
    editing.repoint(p, "first", other)
    assert p.step("first").extensions == kept
    editing.restore(p, before)
    assert p.step("a").extensions == kept and p.extensions == {"elyra": {"comments": []}}
