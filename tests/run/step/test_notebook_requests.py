"""What a notebook step asks its kernel: nothing the kernel already said as it started."""
from __future__ import annotations

import nbformat
from jupyter_client.asynchronous import AsyncKernelClient

from pipeline_widget import NotebookStep, Pipeline
from tests.conftest import write_notebook


def test_a_step_does_not_ask_its_kernel_again_for_the_info_it_gave_at_start(
        ws, project, monkeypatch):
    asked: list[str] = []
    real = AsyncKernelClient.kernel_info

    def spy(self):
        asked.append("kernel_info")
        return real(self)

    monkeypatch.setattr(AsyncKernelClient, "kernel_info", spy)
    nb = write_notebook(project / "info.ipynb", "x = 1", "print(x)")
    run = Pipeline(ws, [NotebookStep("info", nb, allow_reuse=False)]).submit("info")
    assert run.wait_for_completion(show_output=False) == "Finished"
    assert asked == []   # papermill asks after the cells; the answer came with the start
    executed = nbformat.read(run.get_step("info").notebook, as_version=4)
    assert executed.metadata.language_info.name == "python"   # as the kernel gave it
    assert "1" in "".join(o.get("text", "") for o in executed.cells[-1].outputs)
