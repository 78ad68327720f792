"""Steps: a notebook run with papermill or a script run as a process."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

from .dataset import Dataset, DatasetConsumptionConfig
from .errors import PipelineError
from .names import check_identifier, check_step_name
from .pipeline_data import PARAMETER_TYPES, PipelineData, PipelineParameter

Input = PipelineData | DatasetConsumptionConfig | PipelineParameter


class Step:
    kind: str = ""

    def __init__(self, name: str, inputs: Iterable[Input] | None, outputs: Iterable[PipelineData] | None,
                 allow_reuse: bool, timeout: float | None) -> None:
        self.name = check_step_name(name)
        self.inputs: list[Input] = [self._checked_input(i) for i in (inputs or [])]
        self.outputs: list[PipelineData] = [self._checked_output(o) for o in (outputs or [])]
        self.allow_reuse = bool(allow_reuse)
        if timeout is not None and (not isinstance(timeout, (int, float)) or timeout <= 0):
            raise PipelineError(f"step {name!r}: timeout must be a positive number of seconds, "
                                f"not {timeout!r}")
        self.timeout = timeout
        for out in self.outputs:
            out._producers.append(self)

    def _checked_input(self, item: Any) -> Input:
        if isinstance(item, Dataset):
            raise PipelineError(f"step {self.name!r}: a dataset input needs a name; pass "
                                f"dataset.as_named_input('raw_data') instead of the dataset")
        if not isinstance(item, (PipelineData, DatasetConsumptionConfig, PipelineParameter)):
            raise PipelineError(f"step {self.name!r}: input {item!r} is not a PipelineData, "
                                f"a named dataset input or a PipelineParameter")
        return item

    def _checked_output(self, item: Any) -> PipelineData:
        if not isinstance(item, PipelineData):
            raise PipelineError(f"step {self.name!r}: output {item!r} is not a PipelineData; "
                                f"create one with PipelineData('name')")
        return item

    @property
    def input_data(self) -> list[PipelineData]:
        return [i for i in self.inputs if isinstance(i, PipelineData)]

    @property
    def named_datasets(self) -> list[DatasetConsumptionConfig]:
        return [i for i in self.inputs if isinstance(i, DatasetConsumptionConfig)]

    @property
    def source_files(self) -> list[Path]:
        """The files whose content defines the step (for checks and fingerprints)."""
        raise NotImplementedError

    def pipeline_parameters(self) -> list[PipelineParameter]:
        raise NotImplementedError

    def unlink(self) -> None:
        """Forget this step as producer of its outputs (when removed from a design)."""
        for out in self.outputs:
            if self in out._producers:
                out._producers.remove(self)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


def check_parameters(step_name: str, parameters: dict | None) -> dict:
    """Step parameters as saved: identifier keys, JSON-able values or PipelineParameters."""
    parameters = dict(parameters or {})
    for key, value in parameters.items():
        check_identifier(key, f"step {step_name!r}: parameter")
        if not isinstance(value, (*PARAMETER_TYPES, PipelineParameter)):
            raise PipelineError(f"step {step_name!r}: parameter {key!r} has a value of type "
                                f"{type(value).__name__}; use str, int, float, bool, None, list, "
                                f"dict or a PipelineParameter")
    return parameters


class NotebookStep(Step):
    """A notebook executed by papermill; inputs, outputs and parameters are injected."""

    kind = "notebook"

    def __init__(self, name: str, notebook: str | os.PathLike, inputs: Iterable[Input] | None = None,
                 outputs: Iterable[PipelineData] | None = None, parameters: dict | None = None,
                 allow_reuse: bool = True, kernel_name: str | None = None,
                 timeout: float | None = None) -> None:
        super().__init__(name, inputs, outputs, allow_reuse, timeout)
        self.notebook = Path(notebook).expanduser().absolute()
        self.parameters = check_parameters(name, parameters)
        self.kernel_name = kernel_name

    @property
    def source_files(self) -> list[Path]:
        return [self.notebook]

    def pipeline_parameters(self) -> list[PipelineParameter]:
        found = [v for v in self.parameters.values() if isinstance(v, PipelineParameter)]
        return found + [i for i in self.inputs if isinstance(i, PipelineParameter)]


class PythonScriptStep(Step):
    """A Python script run as a process in `source_directory` with resolved `arguments`."""

    kind = "python_script"

    def __init__(self, *, name: str, script_name: str, source_directory: str | os.PathLike = ".",
                 arguments: Iterable[Any] | None = None, inputs: Iterable[Input] | None = None,
                 outputs: Iterable[PipelineData] | None = None, allow_reuse: bool = True,
                 timeout: float | None = None) -> None:
        super().__init__(name, inputs, outputs, allow_reuse, timeout)
        self.source_directory = Path(source_directory).expanduser().absolute()
        self.script_name = str(script_name)
        self.arguments = list(arguments or [])
        for arg in self.arguments:
            if not isinstance(arg, (str, int, float, PipelineData, PipelineParameter,
                                    DatasetConsumptionConfig)):
                raise PipelineError(f"step {name!r}: argument {arg!r} must be a str, a number, "
                                    f"a PipelineData, a PipelineParameter or a named dataset input")

    @property
    def script_path(self) -> Path:
        return self.source_directory / self.script_name

    @property
    def source_files(self) -> list[Path]:
        return [self.script_path]

    def pipeline_parameters(self) -> list[PipelineParameter]:
        return [a for a in [*self.arguments, *self.inputs] if isinstance(a, PipelineParameter)]
