"""Steps: a notebook run with papermill or a script run as a process.

What differs between the kinds lives on the classes: where the source is, which
of its text is code, how values reach it (parameters or arguments), what of it
identifies a result, and how it is saved. Other modules ask the step, never its type.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, ClassVar, Iterable, Protocol

from .dataset import Dataset, DatasetConsumptionConfig
from .errors import PipelineError
from .names import check_step_name
from .parameter_types import check_parameters
from .pipeline_data import PipelineData, PipelineParameter

Input = PipelineData | DatasetConsumptionConfig | PipelineParameter
DEFAULT_KERNEL = "python3"
# Cell tags that change what executing a notebook does (papermill and nbclient honour them).
EXECUTION_TAGS = frozenset({"parameters", "injected-parameters", "raises-exception",
                            "skip-execution"})


class Binding(Protocol):
    """What a step's references stand for in one run."""

    def data(self, name: str) -> str: ...          # a PipelineData's folder
    def dataset(self, name: str) -> str: ...       # a named dataset input's path
    def parameter(self, name: str) -> Any: ...     # a pipeline parameter's value


class Step:
    """A unit of a pipeline; subclasses say what kind of source it runs."""

    kind: ClassVar[str] = ""
    noun: ClassVar[str] = "source"        # what a person calls the source
    suffix: ClassVar[str] = ""            # the source file's suffix
    takes_parameters: ClassVar[bool] = False
    KINDS: ClassVar[dict[str, type["Step"]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        Step.KINDS[cls.kind] = cls

    def __init__(self, name: str, inputs: Iterable[Input] | None,
                 outputs: Iterable[PipelineData] | None, allow_reuse: bool,
                 timeout: float | None, dependencies: Iterable[str | os.PathLike] | None) -> None:
        self.name = check_step_name(name)
        self.inputs: list[Input] = [self._checked_input(i) for i in (inputs or [])]
        self.outputs: list[PipelineData] = [self._checked_output(o) for o in (outputs or [])]
        self.allow_reuse = bool(allow_reuse)
        if timeout is not None and (isinstance(timeout, bool)
                                    or not isinstance(timeout, (int, float)) or timeout <= 0):
            raise PipelineError(f"step {name!r}: timeout must be a positive number of seconds, "
                                f"not {timeout!r}")
        self.timeout = timeout
        self.dependencies: list[str] = [self._checked_dependency(d) for d in dependencies or []]
        for out in self.outputs:
            out._add_producer(self)

    # -- checks ---------------------------------------------------------------------------------
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

    def _checked_dependency(self, item: Any) -> str:
        if not isinstance(item, (str, os.PathLike)) or not str(item).strip():
            raise PipelineError(f"step {self.name!r}: dependency {item!r} is not a path or glob; "
                                f"give e.g. 'helpers/*.py'")
        return str(Path(item).expanduser().absolute())

    # -- what every kind has ----------------------------------------------------------------------
    @property
    def input_data(self) -> list[PipelineData]:
        return [i for i in self.inputs if isinstance(i, PipelineData)]

    @property
    def named_datasets(self) -> list[DatasetConsumptionConfig]:
        return [i for i in self.inputs if isinstance(i, DatasetConsumptionConfig)]

    def unlink(self) -> None:
        """Forget this step as producer of its outputs (when removed from a design)."""
        for out in self.outputs:
            out._remove_producer(self)

    def source_problem(self) -> str | None:
        """Why the source cannot run (missing, unreadable), or None."""
        try:
            if not self.source.is_file():
                return f"{self.source_label()} not found; {self.source_hint}"
        except (OSError, ValueError):
            return f"{self.source_label()} cannot be looked up; check the path"
        return None

    def content_problem(self) -> str | None:
        """Why the source's content cannot run (checked once the file is there), or None."""
        return None

    def passed_references(self) -> list[Any]:
        """Model objects the step hands on besides its inputs (a script's arguments)."""
        return []

    def source_label(self) -> str:
        return f"{self.kind.replace('_', ' ')} {self.source}"

    source_hint = "check the path (relative paths are relative to the pipeline file)"

    # -- what each kind says ----------------------------------------------------------------------
    @property
    def source(self) -> Path:
        """The notebook or script this step runs."""
        raise NotImplementedError

    @property
    def cwd(self) -> Path:
        """The folder the step runs in."""
        return self.source.parent

    def pipeline_parameters(self) -> list[PipelineParameter]:
        raise NotImplementedError

    def kernel(self) -> tuple[str | None, str | None]:
        """(kernel name, a note for the user) for steps that run in a kernel; (None, None)."""
        return None, None

    def code_text(self, raw: bytes) -> str:
        """The part of the source file that decides what runs (for fingerprints)."""
        return raw.decode("utf-8", "replace")

    def python_sources(self, raw: bytes) -> list[str]:
        """The Python code of the source, in pieces that parse alone (for import analysis)."""
        return [raw.decode("utf-8", "replace")]

    def identity(self, values: Binding) -> dict[str, Any]:
        """What, besides code and data, decides this step's result in one run."""
        raise NotImplementedError

    def inject(self, values: Binding) -> tuple[dict[str, Any], list[str]]:
        """(parameters, command-line arguments) the step is given in one run."""
        raise NotImplementedError

    def to_fields(self, rel: Any, ref: Any) -> dict[str, Any]:
        """The kind's own fields in the saved form (`rel` makes paths relative)."""
        raise NotImplementedError

    @classmethod
    def from_fields(cls, s: dict, common: dict, absolute: Any, refs: Any) -> "Step":
        """A step from its saved form (`common`: the fields every kind has, built)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


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
    """

    kind = "notebook"
    noun = "notebook"
    suffix = ".ipynb"
    takes_parameters = True

    def __init__(self, name: str, notebook: str | os.PathLike,
                 inputs: Iterable[Input] | None = None,
                 outputs: Iterable[PipelineData] | None = None, parameters: dict | None = None,
                 allow_reuse: bool = True, kernel_name: str | None = None,
                 timeout: float | None = None,
                 dependencies: Iterable[str | os.PathLike] | None = None) -> None:
        super().__init__(name, inputs, outputs, allow_reuse, timeout, dependencies)
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
            nb = json.loads(self.notebook.read_text(encoding="utf-8"))
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
            nb = json.loads(self.notebook.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
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
            nb = json.loads(raw)
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
                 dependencies: Iterable[str | os.PathLike] | None = None) -> None:
        super().__init__(name, inputs, outputs, allow_reuse, timeout, dependencies)
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
                "arguments": [symbol(a) for a in self.arguments]}

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
                               else ref(a)) for a in self.arguments]}

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
                   arguments=args, **common)


def step_for_source(source: str | os.PathLike, name: str) -> Step:
    """A step of the kind that runs `source` (by its suffix)."""
    path = Path(source).expanduser().absolute()
    if path.suffix == NotebookStep.suffix:
        return NotebookStep(name=name, notebook=path)
    if path.suffix == PythonScriptStep.suffix:
        return PythonScriptStep(name=name, script_name=path.name, source_directory=path.parent)
    kinds = " or ".join(f"{k.suffix} ({k.kind.replace('_', ' ')})" for k in Step.KINDS.values())
    raise PipelineError(f"step {name!r}: {path.name} is not a step source; pick a {kinds}")
