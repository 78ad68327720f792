"""A notebook step: run by papermill, with inputs, outputs and parameters injected."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable

from ..jsonfiles import loads
from ..errors import PipelineError
from ..parameter_types import check_parameters
from ..pipeline_data import PipelineData, PipelineParameter
from .base import DEFAULT_KERNEL, EXECUTION_TAGS, Binding, Input, Step


def _inject(params: dict, key: str, value: Any, step: str) -> None:
    if key in params and params[key] != value:
        raise PipelineError(f"step {step!r}: parameter {key!r} is also the name of one of its "
                            f"inputs or outputs; rename the parameter or the PipelineData")
    params[key] = value


class NotebookStep(Step):
    """A notebook executed by papermill; inputs, outputs and parameters are injected.

    name: free text shown on the canvas and in records.
    notebook: the .ipynb to run; never written to (each run keeps an executed copy).
    inputs: PipelineData, named dataset inputs or PipelineParameters it reads.
    outputs: PipelineData it writes; each is injected as a folder path.
    parameters: values for the parameters cell, or PipelineParameters.
    allow_reuse: reuse an earlier result when nothing that decides it changed.
    kernel_name: the kernel to run in (default: the notebook's own, else python3).
    timeout: seconds after which the step is stopped.
    dependencies: extra files (paths or globs) whose change must re-run the step.
    retries: attempts after a failure (0-10), with exponential backoff; None: the run's
        default.
    environment: variables of the kernel's process for this step: values, or '${NAME}' to
        pass the runner's NAME (never written out in clear).
    """

    kind = "notebook"
    noun = "notebook"
    suffix = ".ipynb"
    takes_parameters = True
    runs_in_kernel = True
    fields_schema = {
        "notebook": {"$ref": "#/definitions/path"},
        "parameters": {"type": "object",
                       "propertyNames": {"$ref": "#/definitions/identifier"}},
        "parameter_bindings": {
            "description": "notebook parameter -> pipeline parameter whose value it takes",
            "type": "object", "propertyNames": {"$ref": "#/definitions/identifier"},
            "additionalProperties": {"$ref": "#/definitions/identifier"}},
        "kernel_name": {"type": ["string", "null"]},
    }
    required_fields = ("notebook",)
    fields_after_io = ("parameters", "parameter_bindings", "kernel_name")

    def __init__(self, name: str, notebook: str | os.PathLike,
                 inputs: Iterable[Input] | None = None,
                 outputs: Iterable[PipelineData] | None = None, parameters: dict | None = None,
                 allow_reuse: bool = True, kernel_name: str | None = None,
                 timeout: float | None = None,
                 dependencies: Iterable[str | os.PathLike] | None = None,
                 retries: int | None = None, environment: dict[str, str] | None = None) -> None:
        super().__init__(name, inputs, outputs, allow_reuse, timeout, dependencies, retries,
                         environment)
        self.notebook = Path(notebook).expanduser().absolute()
        self.parameters = check_parameters(name, parameters)
        self.kernel_name = kernel_name

    @property
    def source(self) -> Path:
        return self.notebook

    def pipeline_parameters(self) -> list[PipelineParameter]:
        found = [v for v in self.parameters.values() if isinstance(v, PipelineParameter)]
        return found + [i for i in self.inputs if isinstance(i, PipelineParameter)]

    def kernel(self) -> tuple[str | None, str | None]:
        if self.kernel_name:
            return self.kernel_name, None
        try:
            nb = loads(self.notebook.read_text(encoding="utf-8"))
            name = nb.get("metadata", {}).get("kernelspec", {}).get("name")
        except (OSError, ValueError, AttributeError):
            name = None
        if name:
            return name, None
        return DEFAULT_KERNEL, (f"notebook {self.notebook.name} names no kernel (no kernelspec "
                                f"in its metadata); using the default kernel {DEFAULT_KERNEL!r}")

    def content_problem(self) -> str | None:
        """Why the file is not a usable notebook (a light nbformat 4 check), or None."""
        try:
            nb = loads(self.notebook.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            return f"is not a readable notebook ({type(err).__name__}: {err})"
        if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
            return "is not a notebook (no list of cells)"
        if not isinstance(nb.get("nbformat"), int) or nb["nbformat"] < 4:
            return "is not in nbformat 4; open and save it in JupyterLab to upgrade it"
        for i, cell in enumerate(nb["cells"]):
            if not isinstance(cell, dict) or cell.get("cell_type") not in (
                    "code", "markdown", "raw") or not isinstance(cell.get("source"), (str, list)):
                return f"is not valid nbformat: cell {i} has no cell_type or source"
        return None

    @staticmethod
    def _code_cells(raw: bytes) -> list[dict]:
        try:
            nb = loads(raw)
        except ValueError:
            return []
        cells = nb.get("cells", []) if isinstance(nb, dict) else []
        return [c for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"]

    @staticmethod
    def _source(cell: dict) -> str:
        source = cell.get("source", "")
        return "".join(source) if isinstance(source, list) else str(source)

    def code_text(self, raw: bytes) -> str:
        """Code cells and their execution tags; not outputs, counts or other metadata."""
        cells = self._code_cells(raw)
        if not cells and raw.strip() and not raw.lstrip().startswith(b"{"):
            return raw.decode("utf-8", "replace")
        result = []
        for cell in cells:
            metadata = cell.get("metadata")
            metadata = metadata if isinstance(metadata, dict) else {}
            tags = metadata.get("tags")
            tags = tags if isinstance(tags, list) else []
            result.append([self._source(cell), sorted(t for t in tags if t in EXECUTION_TAGS)])
        return json.dumps(result)

    def python_sources(self, raw: bytes) -> list[str]:
        return [self._source(c) for c in self._code_cells(raw)]

    def _own(self, values: Binding) -> dict[str, Any]:
        return {k: values.parameter(v.name) if isinstance(v, PipelineParameter) else v
                for k, v in self.parameters.items()}

    def identity(self, values: Binding) -> dict[str, Any]:
        return {"parameters": self._own(values)}

    def clashing_parameters(self) -> list[str]:
        names = {d.name for d in [*self.input_data, *self.outputs]}
        names |= {ds.name for ds in self.named_datasets}
        return [key for key in self.parameters if key in names]

    def inject(self, values: Binding) -> tuple[dict[str, Any], list[str]]:
        injected = self._own(values)
        for d in [*self.input_data, *self.outputs]:
            _inject(injected, d.name, values.data(d.name), self.name)
        for ds in self.named_datasets:
            _inject(injected, ds.name, values.dataset(ds.name), self.name)
        for p in self.inputs:
            if isinstance(p, PipelineParameter):
                _inject(injected, p.name, values.parameter(p.name), self.name)
        return injected, []

    def adopt(self, old: Step, keep_parameters: set[str] | None) -> None:
        if old.takes_parameters:
            self.parameters = {k: v for k, v in getattr(old, "parameters", {}).items()
                               if keep_parameters is None or k in keep_parameters}

    def to_fields(self, rel: Any, ref: Any) -> dict[str, Any]:
        d: dict[str, Any] = {"notebook": rel(self.notebook)}
        d["parameters"] = {k: v for k, v in self.parameters.items()
                           if not isinstance(v, PipelineParameter)}
        bindings = {k: v.name for k, v in self.parameters.items()
                    if isinstance(v, PipelineParameter)}
        if bindings:
            d["parameter_bindings"] = bindings
        d["kernel_name"] = self.kernel_name
        return d

    @classmethod
    def from_fields(cls, s: dict, common: dict, absolute: Any, refs: Any) -> "NotebookStep":
        parameters = dict(s.get("parameters", {}))
        for key, pname in s.get("parameter_bindings", {}).items():
            parameters[key] = refs.parameter(pname)
        return cls(notebook=absolute(s["notebook"]), parameters=parameters,
                   kernel_name=s.get("kernel_name"), **common)
