"""The local executor: what a run's first notebook step needs is loaded while its kernels
start."""
from __future__ import annotations

import threading

from pipeline_widget import NotebookStep, Pipeline
from tests.conftest import write_notebook


def test_the_notebook_machinery_loads_in_the_background_as_kernels_start(
        ws, project, monkeypatch):
    from pipeline_widget.run.step import kernels, notebook

    seen: list[tuple[str, str]] = []
    preload, run_notebook = notebook.preload, notebook.run_notebook
    import_papermill, kernel_manager = notebook.import_papermill, kernels._kernel_manager

    def recorded_preload(after=None) -> None:
        seen.append(("preload", threading.current_thread().name))
        preload(after)

    def recorded_import():
        seen.append(("papermill", threading.current_thread().name))
        return import_papermill()

    def recorded_manager(*args, **kwargs):
        made = kernel_manager(*args, **kwargs)
        seen.append(("kernel imports done", threading.current_thread().name))
        return made

    def recorded_run(*args, **kwargs):
        seen.append(("step", threading.current_thread().name))
        return run_notebook(*args, **kwargs)

    monkeypatch.setattr(notebook, "preload", recorded_preload)
    monkeypatch.setattr(notebook, "import_papermill", recorded_import)
    monkeypatch.setattr(kernels, "_kernel_manager", recorded_manager)
    monkeypatch.setattr(notebook, "run_notebook", recorded_run)
    nb = write_notebook(project / "one.ipynb", "x = 1", "print(x)")
    run = Pipeline(ws, [NotebookStep("one", nb)], name="p").submit("p")
    assert run.wait_for_completion(show_output=False) == "Finished"
    # asked for, on its own thread, before the step ran (the kernel start may record first)
    assert ("preload", "notebook-preload") in seen
    kinds = [kind for kind, _ in seen]
    assert kinds.index("preload") < kinds.index("step")
    # imports go one thread at a time: the kernel's start takes its own first, so its
    # process boots while papermill loads, not after
    loads = [i for i, (kind, thread) in enumerate(seen)
             if kind == "papermill" and thread == "notebook-preload"]
    assert loads and kinds.index("kernel imports done") < loads[0]
