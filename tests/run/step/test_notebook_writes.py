"""The executed notebook of a step is written once when the step is short (papermill writes
it as the engine returns), whole, and still written when the kernel dies."""
from __future__ import annotations

from pathlib import Path

import nbformat
import papermill.iorw

from pipeline_widget import NotebookStep, Pipeline
from tests.conftest import write_notebook


def _writes_of(monkeypatch) -> list[str]:
    written: list[str] = []
    write = papermill.iorw.papermill_io.write

    def spy(buf, path, *args, **kwargs):
        written.append(str(path))
        return write(buf, path, *args, **kwargs)

    monkeypatch.setattr(papermill.iorw.papermill_io, "write", spy)
    return written


def _outputs(notebook: str) -> str:
    nb = nbformat.read(notebook, as_version=4)
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.get("outputs", []))


def _executed(ws, nb: Path, status: str) -> str:
    """Run the notebook as a one-step pipeline that ends `status`; its executed notebook."""
    run = Pipeline(ws, [NotebookStep(nb.stem, nb, allow_reuse=False)]).submit("writes")
    assert run.wait_for_completion(show_output=False) == status
    return run.get_step(nb.stem).notebook


def test_a_short_step_writes_its_executed_notebook_once_and_whole(ws, project, monkeypatch):
    written = _writes_of(monkeypatch)
    nb = write_notebook(project / "short.ipynb", "x = 1", "print('first')",
                        "print('last of', x)")
    executed = _executed(ws, nb, "Finished")
    assert [Path(p) for p in written] == [Path(executed)]
    assert "first" in _outputs(executed) and "last of 1" in _outputs(executed)


def test_a_step_whose_kernel_dies_still_writes_its_executed_notebook(ws, project, monkeypatch):
    written = _writes_of(monkeypatch)
    nb = write_notebook(project / "dies.ipynb", "x = 1", "print('before')",
                        "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    executed = _executed(ws, nb, "Failed")
    assert Path(executed) in [Path(p) for p in written]
    assert "before" in _outputs(executed)
