"""The step base: what every kind of step has, and what each kind must say.

What differs between the kinds lives on the classes: where the source is, which
of its text is code, how values reach it (parameters or arguments), what of it
identifies a result, and how it is saved. Other modules ask the step, never its type.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, ClassVar, Iterable, Protocol

from ..dataset import Dataset, DatasetConsumptionConfig
from ..environment import check_environment
from ..errors import PipelineError
from ..extensions import Extensions, check_extensions
from ..names import check_step_name
from ..pipeline_data import PipelineData, PipelineParameter

Input = PipelineData | DatasetConsumptionConfig | PipelineParameter
DEFAULT_KERNEL = "python3"
RETRIES_MAX = 10
TIMEOUT_MAX = 30 * 24 * 3600   # seconds; beyond, timers overflow and nothing is gained
# Cell tags that change what executing a notebook does (papermill and nbclient honour them).
EXECUTION_TAGS = frozenset({"parameters", "injected-parameters", "raises-exception",
                            "skip-execution"})


class Binding(Protocol):
    """What a step's references stand for in one run."""

    def data(self, name: str) -> str: ...          # a PipelineData's folder
    def dataset(self, name: str) -> str: ...       # a named dataset input's path
    def parameter(self, name: str) -> Any: ...     # a pipeline parameter's value


def checked_retries(retries: object, where: str = "") -> int | None:
    """The one rule for retries: None (the run's default) or a whole number 0-RETRIES_MAX."""
    if retries is not None and (isinstance(retries, bool) or not isinstance(retries, int)
                                or not 0 <= retries <= RETRIES_MAX):
        raise PipelineError(f"{where}retries must be a whole number from 0 to {RETRIES_MAX}, "
                            f"not {retries!r}")
    return retries  # type: ignore[return-value]


class Step:
    """A unit of a pipeline; subclasses say what kind of source it runs."""

    kind: ClassVar[str] = ""
    noun: ClassVar[str] = "source"        # what a person calls the source
    suffix: ClassVar[str] = ""            # the source file's suffix ("" for none)
    takes_parameters: ClassVar[bool] = False   # notebook parameters
    takes_arguments: ClassVar[bool] = False    # a command line with {name} references
    runs_in_kernel: ClassVar[bool] = False
    # The kind's own fields in the file: their JSON Schema, which are required, their order.
    fields_schema: ClassVar[dict[str, Any]] = {}
    required_fields: ClassVar[tuple[str, ...]] = ()
    KINDS: ClassVar[dict[str, type["Step"]]] = {}
    snapshot: bool = False   # run in a working copy of its folder (script steps may)
    interpreter: str | None = None   # the Python of a script step (None: the runner's)

    @staticmethod
    def _checked_timeout(name: str, timeout: object) -> float | None:
        if timeout is None:
            return None
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) \
                or not 0 < timeout <= TIMEOUT_MAX:
            raise PipelineError(f"step {name!r}: timeout must be a number of seconds above 0 and "
                                f"at most {TIMEOUT_MAX:,} (30 days), not {timeout!r}; "
                                f"leave it empty (null) for no timeout")
        return timeout

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.kind:
            Step.KINDS[cls.kind] = cls

    COMMON_FIELDS: ClassVar[tuple[str, ...]] = (
        "inputs", "outputs", "allow_reuse", "timeout", "retries", "dependencies", "environment",
        "extensions")

    @classmethod
    def schema_branch(cls) -> dict[str, Any]:
        """This kind's branch of the file's JSON Schema: the fields every kind has and its own."""
        common = {f: {"$ref": f"#/definitions/common/{f}"} for f in cls.COMMON_FIELDS}
        return {"type": "object", "required": ["type", "name", *cls.required_fields],
                "additionalProperties": False,
                "properties": {"type": {"const": cls.kind},
                               "name": {"$ref": "#/definitions/common/name"},
                               **cls.fields_schema, **common}}

    # The kind's own fields saved after its inputs and outputs (the others come before).
    fields_after_io: ClassVar[tuple[str, ...]] = ()
    # ... and after every common field.
    fields_last: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def field_order(cls) -> list[str]:
        """The order of a saved step's fields: the same for a kind's files ever since, so
        saving a loaded file gives its bytes back and git diffs stay small."""
        own = [f for f in cls.fields_schema if f not in (*cls.fields_after_io, *cls.fields_last)]
        return ["type", "name", *own, "inputs", "outputs", *cls.fields_after_io,
                "allow_reuse", "timeout", "retries", "dependencies", "environment",
                *cls.fields_last, "extensions"]

    def __init__(self, name: str, inputs: Iterable[Input] | None,
                 outputs: Iterable[PipelineData] | None, allow_reuse: bool,
                 timeout: float | None, dependencies: Iterable[str | os.PathLike] | None,
                 retries: int | None = None,
                 environment: dict[str, str] | None = None) -> None:
        self.name = check_step_name(name)
        self.inputs: list[Input] = [self._checked_input(i) for i in (inputs or [])]
        self.outputs: list[PipelineData] = [self._checked_output(o) for o in (outputs or [])]
        self.allow_reuse = bool(allow_reuse)
        self.timeout = self._checked_timeout(name, timeout)
        self.retries = checked_retries(retries, f"step {name!r}: ")   # None: the run's default
        self.dependencies: list[str] = [self._checked_dependency(d) for d in dependencies or []]
        # variables of the step's process: values, or ${NAME} references to the runner's
        self.environment: dict[str, str] = check_environment(name, environment)
        # other tools' settings, kept and never read when running (core/extensions.py)
        self._extensions: Extensions = {}
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
        return os.path.normpath(Path(item).expanduser().absolute())

    # -- what every kind has ----------------------------------------------------------------------
    @property
    def extensions(self) -> Extensions:
        """Other tools' settings of this step, by namespace ({"elyra": {...}}): kept in the
        file as they are, carried by edits, read by exports, ignored when running."""
        return self._extensions

    @extensions.setter
    def extensions(self, value: Extensions | None) -> None:
        self._extensions = check_extensions(value, f"step {self.name!r}")

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

    def adopt(self, old: "Step", keep_parameters: set[str] | None) -> None:
        """Take over what still applies of `old` when a step is pointed at a new source
        (editing.repoint): its kind says what (parameters, arguments)."""

    def source_files(self) -> list[Path]:
        """The files whose text is the step's code (in its fingerprint)."""
        return [self.source]

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

    def clashing_parameters(self) -> list[str]:
        """Parameter names that are also the names of its inputs or outputs (they would be
        one variable)."""
        return []

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
