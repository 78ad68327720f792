"""The local executor: what a run's first notebook step needs is loaded while its kernels
start."""
from __future__ import annotations

import threading

from pipeline_widget import NotebookStep, Pipeline
from tests.conftest import write_notebook


def test_the_notebook_machinery_loads_in_the_background_as_kernels_start(
        ws, project, monkeypatch):
    from pipeline_widget.run.step import notebook

    seen: list[tuple[str, str]] = []
    preload, run_notebook = notebook.preload, notebook.run_notebook

    def recorded_preload() -> None:
        seen.append(("preload", threading.current_thread().name))
        preload()

    def recorded_run(*args, **kwargs):
        seen.append(("step", threading.current_thread().name))
        return run_notebook(*args, **kwargs)

    monkeypatch.setattr(notebook, "preload", recorded_preload)
    monkeypatch.setattr(notebook, "run_notebook", recorded_run)
    nb = write_notebook(project / "one.ipynb", "x = 1", "print(x)")
    run = Pipeline(ws, [NotebookStep("one", nb)], name="p").submit("p")
    assert run.wait_for_completion(show_output=False) == "Finished"
    assert seen[0] == ("preload", "notebook-preload")   # asked for before the step ran
    assert [kind for kind, _ in seen] == ["preload", "step"]
