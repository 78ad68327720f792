"""The run record as typed objects: a run, its step runs, their errors and metrics.

This module owns the record's shape: the runner writes these objects, and the CLI,
the widget and `PipelineRun` read them. Paths inside the project are stored
relative to it (see `PathCodec`), so a moved or re-cloned project keeps its runs.
"""
from __future__ import annotations

import time
import types
import typing
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from ...core.workspace import project_relative
from ..status import Status

TRACEBACK_TAIL = 30  # lines of a traceback or stderr kept in records


def tail(text: str, lines: int = TRACEBACK_TAIL) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


@dataclass
class StepError:
    """Why a step did not finish: the one error shape of records, events and views."""

    type: str
    message: str
    cell: int | None = None
    traceback: str = ""
    exit_code: int | None = None

    @staticmethod
    def of(err: BaseException, message: str | None = None) -> "StepError":
        return StepError(type(err).__name__,
                         message if message is not None else str(err) or repr(err))

    def headline(self) -> str:
        """`error in cell 3: ValueError: bad value` (the cell when known)."""
        where = f" in cell {self.cell}" if self.cell is not None else ""
        return f"error{where}: {self.type}: {self.message}"

    def render(self, tail_lines: int | None = None) -> list[str]:
        """The headline, then the end of the traceback: how every view shows an error."""
        lines = self.traceback.splitlines()
        if tail_lines is not None:
            lines = lines[-tail_lines:]
        return [self.headline(), *lines]

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"type": self.type, "message": self.message, "cell": self.cell,
                             "traceback": self.traceback}
        if self.exit_code is not None:
            d["exit_code"] = self.exit_code
        return d

    @staticmethod
    def from_dict(d: Any) -> "StepError | None":
        if not isinstance(d, dict):
            return None
        cell = d.get("cell")
        code = d.get("exit_code")
        return StepError(str(d.get("type") or "Error"), str(d.get("message") or ""),
                         cell if isinstance(cell, int) else None, str(d.get("traceback") or ""),
                         code if isinstance(code, int) else None)


@dataclass
class Metric:
    """One value logged with `Run.log(name, value)`."""

    name: str
    value: Any
    time: float | None = None
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = {"name": self.name, "value": self.value, "time": self.time}
        if self.description:
            d["description"] = self.description
        return d

    @staticmethod
    def from_dict(d: dict) -> "Metric":
        return Metric(str(d.get("name")), d.get("value"), d.get("time"),
                      str(d.get("description") or ""))


class PathCodec:
    """Local paths stored relative to the project folder `base`; URLs and None as they are."""

    def __init__(self, base: Path) -> None:
        self.base = Path(base)

    def store(self, path: str | None) -> str | None:
        if not path or "://" in path:
            return path
        return project_relative(path, self.base)

    def load(self, stored: str | None) -> str | None:
        if not stored or "://" in stored or Path(stored).is_absolute():
            return stored
        return str(self.base / stored)


_JSON_NAMES = {str: "text", int: "an integer", float: "a number", bool: "true or false",
               dict: "an object", list: "a list", type(None): "null"}


@lru_cache(maxsize=None)
def _field_types(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _misfit(value: Any, kind: Any, where: str) -> str | None:
    """Why a value read from JSON is not of a field's declared type (nor its items): None
    when it is."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is Any or (origin in (typing.Union, types.UnionType)
                       and any(_misfit(value, a, where) is None for a in args)):
        return None
    wrong = f"{where} is {value!r:.60}, not {_json_name(kind)}"
    if origin in (typing.Union, types.UnionType):
        return wrong
    if kind in (int, float):
        number = isinstance(value, int if kind is int else (int, float))
        return None if number and not isinstance(value, bool) else wrong
    if not isinstance(value, origin or kind):
        return wrong
    items = list(enumerate(value)) if origin is list else \
        list(value.items()) if origin is dict else []
    for key, item in items:
        found = _misfit(item, args[-1], f"{where}[{key!r}]")
        if found:
            return found
    return None


def _json_name(kind: Any) -> str:
    options = typing.get_args(kind) if typing.get_origin(kind) in (typing.Union,
                                                                   types.UnionType) else (kind,)
    return " or ".join(_JSON_NAMES.get(typing.get_origin(o) or o, getattr(o, "__name__", str(o)))
                       for o in options)


def _check_types(cls: type, values: dict[str, Any], where: str = "") -> None:
    """Raise ValueError for the first stored field whose value is not of the type the
    dataclass declares (a record edited by hand, or written by something else): the
    dataclass is the one statement of the record's shape."""
    kinds = _field_types(cls)
    for name, value in values.items():
        found = _misfit(value, kinds[name], where + name) if name in kinds else None
        if found:
            raise ValueError(found)


_PATH_FIELDS = ("source", "record_dir", "notebook", "stdout", "stderr")
_PATH_MAPS = ("inputs", "outputs")
# Read by their own rules: an unknown status is NotStarted, a malformed error, metric or cell
# is left out, steps are each read as a StepRecord.
_LENIENT = {"status", "error", "metrics", "cell", "steps"}


@dataclass
class StepRecord:
    """One step of a run, as recorded. Public as `StepRun`."""

    name: str
    status: Status = Status.NOT_STARTED
    step_run_id: str = ""
    kind: str = ""
    source: str | None = None
    fingerprint: str = ""
    is_reused: bool = False
    reused_from: str | None = None
    why_not_reused: list[str] = field(default_factory=list)
    inputs: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    upstream: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    record_dir: str | None = None
    notebook: str | None = None
    stdout: str | None = None
    stderr: str | None = None
    start_time: float | None = None
    end_time: float | None = None
    error: StepError | None = None
    metrics: list[Metric] = field(default_factory=list)
    worker: str | None = None
    reason: str | None = None
    attempts: list[dict] = field(default_factory=list)   # failed attempts before the last
    cell: list[int] | None = None   # [k, n]: the code cell a notebook step last started
    tags: dict[str, str] = field(default_factory=dict)   # set by the step (store.set_tags)

    def __post_init__(self) -> None:
        self.status = _status(self.status)
        if not (isinstance(self.cell, list) and len(self.cell) == 2
                and all(isinstance(v, int) for v in self.cell)):
            self.cell = None
        if isinstance(self.error, dict):
            self.error = StepError.from_dict(self.error)
        self.metrics = [Metric.from_dict(m) if isinstance(m, dict) else m for m in self.metrics]

    @property
    def duration(self) -> float | None:
        if self.start_time is None:
            return None
        return (self.end_time or time.time()) - self.start_time

    @property
    def display_status(self) -> str:
        """What a person sees: a Finished step that was reused shows as Reused."""
        return "Reused" if self.is_reused and self.status == Status.FINISHED else self.status.value

    @property
    def outputs_made(self) -> bool:
        """Whether its output folders were made: it started (the runner makes them first),
        finished, or was reused (they are an earlier run's). A step left out of a partial
        run, skipped or canceled before it started has its folders planned, never made."""
        return self.is_reused or self.start_time is not None or self.status == Status.FINISHED

    @property
    def progress(self) -> str:
        """`cell 2 of 5` while a notebook step runs; empty otherwise."""
        if self.status != Status.RUNNING or self.cell is None:
            return ""
        return f"cell {self.cell[0]} of {self.cell[1]}"

    def get_metrics(self) -> dict[str, Any]:
        return {m.name: m.value for m in self.metrics}

    def to_dict(self, paths: PathCodec) -> dict[str, Any]:
        d: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "name":
                continue
            if f.name == "status":
                value = _status(value).value
            elif f.name == "error":
                value = value.to_dict() if value else None
            elif f.name == "metrics":
                value = [m.to_dict() for m in value]
            elif f.name in _PATH_FIELDS:
                value = paths.store(value)
            elif f.name in _PATH_MAPS:
                value = {k: paths.store(v) for k, v in value.items()}
            d[f.name] = value
        return d

    @staticmethod
    def from_dict(name: str, d: dict, paths: PathCodec) -> "StepRecord":
        known = {f.name for f in fields(StepRecord)} - {"name"}
        values = {k: v for k, v in d.items() if k in known}
        _check_types(StepRecord, {k: v for k, v in values.items() if k not in _LENIENT},
                     f"steps.{name}.")
        values["status"] = _status(values.get("status"))
        values["error"] = StepError.from_dict(values.get("error"))
        values["metrics"] = [Metric.from_dict(m) for m in values.get("metrics") or []
                             if isinstance(m, dict)]
        for key in _PATH_FIELDS:
            values[key] = paths.load(values.get(key))
        for key in _PATH_MAPS:
            values[key] = {k: paths.load(v) for k, v in (values.get(key) or {}).items()}
        return StepRecord(name=name, **values)


def _status(value: Any) -> Status:
    if isinstance(value, Status):
        return value
    try:
        return Status(value)
    except ValueError:
        return Status.NOT_STARTED


@dataclass
class RunRecord:
    """One run: what was submitted, how it went, and each step run."""

    run_id: str
    experiment: str = ""
    pipeline_name: str = ""
    status: Status = Status.NOT_STARTED
    start_time: float | None = None
    end_time: float | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    pipeline: dict[str, Any] = field(default_factory=dict)   # the saved form, paths from base_dir
    base_dir: str | None = None
    pipeline_file: str | None = None
    rerun_of: str | None = None
    pid: int | None = None
    pid_started: str | None = None
    host: str | None = None
    steps: dict[str, StepRecord] = field(default_factory=dict)
    joined: bool = False        # steps run by several processes (--join): merged records
    resumed: list[dict] = field(default_factory=list)   # each resume: when, kept, run again
    tags: dict[str, str] = field(default_factory=dict)   # given at submit, or later: set_tags
    interrupted: bool = False   # the runner stopped before the run ended (not stored)
    damaged: str | None = None  # why its run.json could not be read (not stored)
    unsaved: str | None = None  # why this process could not write it (not stored)

    def __post_init__(self) -> None:
        self.status = _status(self.status)

    @property
    def duration(self) -> float | None:
        if self.start_time is None:
            return None
        return (self.end_time or time.time()) - self.start_time

    def step(self, name: str) -> StepRecord | None:
        return self.steps.get(name)

    def to_dict(self, project: Path) -> dict[str, Any]:
        paths = PathCodec(project)
        d: dict[str, Any] = {}
        for f in fields(self):
            if f.name in ("interrupted", "damaged", "unsaved"):
                continue
            value = getattr(self, f.name)
            if f.name == "status":
                value = _status(value).value
            elif f.name == "steps":
                value = {n: s.to_dict(paths) for n, s in value.items()}
            elif f.name in ("base_dir", "pipeline_file"):
                value = paths.store(value)
            d[f.name] = value
        return d

    @staticmethod
    def from_dict(d: dict, project: Path) -> "RunRecord":
        paths = PathCodec(project)
        known = {f.name for f in fields(RunRecord)} - {"interrupted", "damaged", "unsaved"}
        values = {k: v for k, v in d.items() if k in known}
        _check_types(RunRecord, {k: v for k, v in values.items() if k not in _LENIENT})
        values["status"] = _status(values.get("status"))
        steps = values.get("steps")
        steps = steps if isinstance(steps, dict) else {}
        values["steps"] = {n: StepRecord.from_dict(n, s, paths) for n, s in steps.items()
                           if isinstance(s, dict)}
        for key in ("base_dir", "pipeline_file"):
            values[key] = paths.load(values.get(key))
        return RunRecord(**values)
