"""A script step: a Python process in its source directory, with resolved arguments."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

from ..dataset import DatasetConsumptionConfig
from ..errors import PipelineError
from ..pipeline_data import PipelineData, PipelineParameter
from .base import Binding, Input, Step


def check_interpreter(step: str, interpreter: object) -> str | None:
    """A script's interpreter: a kernel name (no path separator) or an absolute path."""
    if interpreter is None or interpreter == "":
        return None
    if not isinstance(interpreter, (str, os.PathLike)):
        raise PipelineError(f"step {step!r}: interpreter must be a path to a Python or the "
                            f"name of a kernel, not {interpreter!r}")
    text = os.fspath(interpreter)
    if os.sep in text or text.startswith("."):
        return os.path.normpath(Path(text).expanduser().absolute())
    return text


def interpreter_field(interpreter: str, rel: Any) -> str:
    """As saved: a path relative to the file, or the kernel's name."""
    return rel(interpreter) if os.path.isabs(interpreter) else interpreter


def interpreter_from_field(value: str | None, absolute: Any) -> str | None:
    if not value:
        return None
    return str(absolute(value)) if (os.sep in value or value.startswith(".")) else value


class PythonScriptStep(Step):
    """A Python script run as a process in `source_directory` with resolved `arguments`.

    name: free text shown on the canvas and in records.
    script_name: the script, relative to `source_directory`.
    source_directory: the folder the script runs in.
    arguments: command-line arguments; PipelineData, named dataset inputs and
        PipelineParameters in it are replaced by their folder, path or value.
    inputs, outputs, allow_reuse, timeout, dependencies, environment: as for NotebookStep.
    interpreter: the Python that runs it: a path to a python executable, or the name of an
        installed kernel whose Python is used; None: the runner's own.
    """

    kind = "python_script"
    noun = "script"
    suffix = ".py"
    takes_arguments = True
    source_hint = "check script_name and source_directory"
    fields_schema = {
        "script_name": {"$ref": "#/definitions/path"},
        "source_directory": {"$ref": "#/definitions/path"},
        "arguments": {"type": "array", "items": {"$ref": "#/definitions/argument"}},
        "interpreter": {"type": ["string", "null"], "minLength": 1,
                        "description": "the Python that runs the script: a path (relative to "
                                       "the file), or the name of a kernel whose Python is "
                                       "used; default: the runner's own"},
        "snapshot": {"type": "boolean",
                     "description": "run in a working copy of source_directory, with ./outputs "
                                    "and ./logs kept with the step run (as Azure ML runs "
                                    "scripts)"},
    }
    required_fields = ("script_name",)
    fields_last = ("snapshot",)

    def __init__(self, *, name: str, script_name: str, source_directory: str | os.PathLike = ".",
                 arguments: Iterable[Any] | None = None, inputs: Iterable[Input] | None = None,
                 outputs: Iterable[PipelineData] | None = None, allow_reuse: bool = True,
                 timeout: float | None = None,
                 dependencies: Iterable[str | os.PathLike] | None = None,
                 retries: int | None = None,
                 snapshot: bool = False, interpreter: str | os.PathLike | None = None,
                 environment: dict[str, str] | None = None) -> None:
        """retries: attempts after a failure (0-10), with exponential backoff; None: the run's
        default. snapshot: run in a working copy of source_directory (links to its files) whose
        ./outputs and ./logs are kept with the step run, as Azure ML runs a script."""
        super().__init__(name, inputs, outputs, allow_reuse, timeout, dependencies, retries,
                         environment)
        self.snapshot = bool(snapshot)
        self.interpreter = check_interpreter(name, interpreter)
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

    def adopt(self, old: Step, keep_parameters: set[str] | None) -> None:
        if old.takes_arguments:
            self.arguments = list(getattr(old, "arguments", []))
        else:   # a script learns its folders from arguments: pass it every output
            self.arguments = [x for o in old.outputs for x in (f"--{o.name}", o)]
        self.interpreter = old.interpreter

    def to_fields(self, rel: Any, ref: Any) -> dict[str, Any]:
        return {"script_name": self.script_name,
                "source_directory": rel(self.source_directory),
                "arguments": [({"input": a.name} if isinstance(a, DatasetConsumptionConfig)
                               else ref(a)) for a in self.arguments],
                **({"interpreter": interpreter_field(self.interpreter, rel)}
                   if self.interpreter else {}),
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
                   arguments=args, snapshot=s.get("snapshot", False),
                   interpreter=interpreter_from_field(s.get("interpreter"), absolute), **common)
