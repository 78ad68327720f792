"""A running notebook step tells which code cell it is in ("cell k of n")."""
from __future__ import annotations

import time

import nbformat

from pipeline_widget import NotebookStep, Pipeline
from tests.conftest import write_notebook


def _with_markdown(path):
    """Markdown cells are not counted: a person counts the cells that run."""
    nb = nbformat.read(str(path), as_version=4)
    nb.cells.insert(1, nbformat.v4.new_markdown_cell("# notes"))
    nbformat.write(nb, str(path))
    return path


def test_a_running_step_reports_its_cell_and_keeps_the_last_one(ws, project):
    flag = project / "go"
    nb = _with_markdown(write_notebook(
        project / "slow.ipynb", "x = 1", "y = 2",
        f"import os, time\nwhile not os.path.exists({str(flag)!r}):\n    time.sleep(0.05)",
        "z = 3"))
    run = Pipeline(ws, [NotebookStep("slow", nb)]).submit("cells")
    deadline = time.time() + 60
    while run.get_step("slow").progress != "cell 3 of 4" and time.time() < deadline:
        time.sleep(0.05)
    assert run.get_step("slow").progress == "cell 3 of 4"   # waits in the third code cell
    flag.write_text("")
    assert run.wait_for_completion(show_output=False) == "Finished"
    step = run.get_step("slow")
    assert step.cell == [4, 4] and step.progress == ""   # the last cell reached; not running


def test_a_failed_step_keeps_the_cell_it_stopped_in_on_disk(ws, project):
    nb = write_notebook(project / "bad.ipynb", "x = 1", "y = 2", "raise ValueError('no')", "z = 3")
    run = Pipeline(ws, [NotebookStep("bad", nb)]).submit("cells")
    assert run.wait_for_completion(show_output=False) == "Failed"
    from pipeline_widget.run.pipeline_run import PipelineRun

    assert PipelineRun.get(ws, run.id).get_step("bad").cell == [3, 4]   # read back from disk


def test_a_record_with_a_malformed_cell_reads_as_none():
    from pipeline_widget.run.pipeline_run import StepRun

    assert StepRun("a", "Running", cell=["x", 2]).cell is None  # type: ignore[list-item]
    assert StepRun("a", "Running", cell=[1, 2]).progress == "cell 1 of 2"
