"""A script step: a Python process in its source directory, with resolved arguments."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

from ..dataset import DatasetConsumptionConfig
from ..errors import PipelineError
from ..pipeline_data import PipelineData, PipelineParameter
from .base import Binding, Input, Step


class PythonScriptStep(Step):
    """A Python script run as a process in `source_directory` with resolved `arguments`.

    name: free text shown on the canvas and in records.
    script_name: the script, relative to `source_directory`.
    source_directory: the folder the script runs in.
    arguments: command-line arguments; PipelineData, named dataset inputs and
        PipelineParameters in it are replaced by their folder, path or value.
    inputs, outputs, allow_reuse, timeout, dependencies: as for NotebookStep.
    """

    kind = "python_script"
    noun = "script"
    suffix = ".py"
    source_hint = "check script_name and source_directory"

    def __init__(self, *, name: str, script_name: str, source_directory: str | os.PathLike = ".",
                 arguments: Iterable[Any] | None = None, inputs: Iterable[Input] | None = None,
                 outputs: Iterable[PipelineData] | None = None, allow_reuse: bool = True,
                 timeout: float | None = None,
                 dependencies: Iterable[str | os.PathLike] | None = None,
                 retries: int | None = None,
                 snapshot: bool = False) -> None:
        """retries: attempts after a failure (0-10), with exponential backoff; None: the run's
        default. snapshot: run in a working copy of source_directory (links to its files) whose
        ./outputs and ./logs are kept with the step run, as Azure ML runs a script."""
        super().__init__(name, inputs, outputs, allow_reuse, timeout, dependencies, retries)
        self.snapshot = bool(snapshot)
        self.source_directory = Path(source_directory).expanduser().absolute()
        self.script_name = str(script_name)
        self.arguments = list(arguments or [])
        for arg in self.arguments:
            if isinstance(arg, bool) or not isinstance(arg, (
                    str, int, float, PipelineData, PipelineParameter, DatasetConsumptionConfig)):
                raise PipelineError(f"step {name!r}: argument {arg!r} must be a str, a number, "
                                    f"a PipelineData, a PipelineParameter or a named dataset input")

    @property
    def script_path(self) -> Path:
        return self.source_directory / self.script_name

    @property
    def source(self) -> Path:
        return self.script_path

    @property
    def cwd(self) -> Path:
        return self.source_directory

    def pipeline_parameters(self) -> list[PipelineParameter]:
        return [a for a in [*self.arguments, *self.inputs] if isinstance(a, PipelineParameter)]

    def passed_references(self) -> list[Any]:
        return list(self.arguments)

    def identity(self, values: Binding) -> dict[str, Any]:
        def symbol(arg: Any) -> Any:
            if isinstance(arg, PipelineData):
                return {"data": arg.name}
            if isinstance(arg, DatasetConsumptionConfig):
                return {"input": arg.name}
            if isinstance(arg, PipelineParameter):
                return values.parameter(arg.name)
            return arg
        return {"script": self.script_name,
                "parameters": {p.name: values.parameter(p.name)
                               for p in self.pipeline_parameters()},
                "arguments": [symbol(a) for a in self.arguments],
                **({"snapshot": True} if self.snapshot else {})}

    def inject(self, values: Binding) -> tuple[dict[str, Any], list[str]]:
        def argument(arg: Any) -> str:
            if isinstance(arg, PipelineData):
                return values.data(arg.name)
            if isinstance(arg, DatasetConsumptionConfig):
                return values.dataset(arg.name)
            if isinstance(arg, PipelineParameter):
                return str(values.parameter(arg.name))
            return str(arg)
        used = {p.name: values.parameter(p.name) for p in self.pipeline_parameters()}
        return used, [argument(a) for a in self.arguments]

    def to_fields(self, rel: Any, ref: Any) -> dict[str, Any]:
        return {"script_name": self.script_name,
                "source_directory": rel(self.source_directory),
                "arguments": [({"input": a.name} if isinstance(a, DatasetConsumptionConfig)
                               else ref(a)) for a in self.arguments],
                **({"snapshot": True} if self.snapshot else {})}

    @classmethod
    def from_fields(cls, s: dict, common: dict, absolute: Any, refs: Any) -> "PythonScriptStep":
        named = {i.name: i for i in common["inputs"] if isinstance(i, DatasetConsumptionConfig)}
        args: list[Any] = []
        for a in s.get("arguments", []):
            if isinstance(a, dict) and "data" in a:
                args.append(refs.data(a["data"]))
            elif isinstance(a, dict) and "parameter" in a:
                args.append(refs.parameter(a["parameter"]))
            elif isinstance(a, dict):
                if a["input"] not in named:
                    raise PipelineError(f"step {s['name']!r} passes input {a['input']!r} in its "
                                        f"arguments but has no dataset input of that name")
                args.append(named[a["input"]])
            else:
                args.append(a)
        return cls(script_name=s["script_name"],
                   source_directory=absolute(s.get("source_directory", ".")),
                   arguments=args, snapshot=s.get("snapshot", False), **common)
