"""azureml.contrib.notebook: NotebookRunnerStep as a notebook step of the local model (run
with papermill in a kernel, its parameters injected). A kernel the notebook names that is
not installed here (v1 notebooks name cloud kernels such as python38-azureml) is replaced by
the default Python kernel, with a note."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .....core.errors import PipelineError
from .....core.steps import NotebookStep as LocalNotebookStep
from ....ignored import ignore, ignore_all
from ....missing import MissingNames, module_getattr
from ...pipeline.steps.base import Build, V1Step, with_environment

DEFAULT_KERNEL = "python3"


class AzureMLNotebookHandler(MissingNames):
    """How v1 runs a notebook (papermill with Azure ML's engine): papermill here."""

    def __init__(self, timeout: int | None = None, progress_bar: bool = True,
                 log_output: bool = False, start_timeout: int | None = None) -> None:
        self.timeout = timeout


class PapermillExecutionHandler(AzureMLNotebookHandler):
    pass


class NotebookRunConfig(MissingNames):
    def __init__(self, source_directory: str, notebook: str, output_notebook: str | None = None,
                 parameters: dict | None = None, handler: Any = None, run_config: Any = None,
                 _telemetry_values: Any = None) -> None:
        self.source_directory, self.notebook = source_directory, notebook
        self.output_notebook = output_notebook
        self.parameters = dict(parameters or {})
        self.handler, self.run_config = handler, run_config
        if output_notebook:
            ignore("NotebookRunConfig(output_notebook=...): the executed notebook is kept "
                   "with the step run")


def installed_kernel(notebook: Path) -> str | None:
    """The kernel to run `notebook` on: None (its own) when installed here, else the
    default Python kernel (noted once)."""
    from .....core.jsonfiles import loads

    try:
        wanted = loads(notebook.read_text(encoding="utf-8")).get("metadata", {}).get(
            "kernelspec", {}).get("name")
    except (OSError, ValueError, AttributeError):
        return None
    if not wanted:
        return None
    from jupyter_client.kernelspec import KernelSpecManager

    if wanted in KernelSpecManager().find_kernel_specs():
        return None
    ignore(f"kernel {wanted!r} of {notebook.name} (not installed here: runs on "
           f"{DEFAULT_KERNEL!r})")
    return DEFAULT_KERNEL


class NotebookRunnerStep(V1Step):
    def __init__(self, name: str | None = None, notebook_run_config: Any = None,
                 runconfig_pipeline_params: Any = None, compute_target: Any = None,
                 params: dict | None = None, inputs: list | None = None,
                 outputs: list | None = None, allow_reuse: bool = True,
                 version: str | None = None,
                 output_notebook_pipeline_data_name: str | None = None) -> None:
        if not isinstance(notebook_run_config, NotebookRunConfig):
            raise PipelineError("NotebookRunnerStep needs notebook_run_config="
                                "NotebookRunConfig(source_directory, notebook)")
        config = notebook_run_config
        super().__init__(name or Path(config.notebook).stem, inputs, outputs, [], allow_reuse,
                         compute_target, getattr(config.run_config, "environment", None))
        self.config = config
        self.parameters = {**config.parameters, **(params or {})}
        ignore_all("NotebookRunnerStep", compute_target=compute_target,
                   runconfig_pipeline_params=runconfig_pipeline_params,
                   output_notebook_pipeline_data_name=output_notebook_pipeline_data_name)

    def to_local(self, build: Build) -> LocalNotebookStep:
        inputs, outputs, _ = self.local_data(build)
        notebook = Path(self.config.source_directory, self.config.notebook).absolute()
        return with_environment(
            LocalNotebookStep, self.local_environment(inputs), name=build.names[id(self)],
            notebook=notebook, inputs=inputs, outputs=outputs, parameters=self.parameters,
            allow_reuse=self.allow_reuse, kernel_name=installed_kernel(notebook))


__all__ = ["AzureMLNotebookHandler", "NotebookRunConfig", "NotebookRunnerStep",
           "PapermillExecutionHandler"]
__getattr__ = module_getattr(__name__)
