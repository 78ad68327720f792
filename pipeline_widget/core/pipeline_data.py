"""PipelineData and PipelineParameter: the named links and knobs of a pipeline."""
from __future__ import annotations

from typing import Any

from .names import check_identifier
from .parameter_types import check_value


class PipelineData:
    """A named folder in a datastore, written by one step and read by others.

    Identity is the object (as in Azure ML); the step that lists it in its
    outputs becomes its producer, which lets a pipeline find the producers of
    a step's inputs.
    """

    def __init__(self, name: str, datastore=None) -> None:
        self.name = check_identifier(name, "PipelineData")
        self.datastore = datastore  # a Datastore, or None for the workspace default
        self._producers: list = []

    @property
    def producers(self) -> list:
        """The steps that list this PipelineData in their outputs."""
        return list(self._producers)

    def _add_producer(self, step) -> None:
        """Register `step` as producer; an earlier step of the same name is replaced (a
        notebook cell that defines a step, run again, redefines it)."""
        self._producers = [p for p in self._producers if p is not step and p.name != step.name]
        self._producers.append(step)

    def _remove_producer(self, step) -> None:
        self._producers = [p for p in self._producers if p is not step]

    @property
    def datastore_name(self) -> str | None:
        return self.datastore.name if self.datastore is not None else None

    def __repr__(self) -> str:
        return f"PipelineData({self.name!r})"


class PipelineParameter:
    """A pipeline-level value, overridable at submit and with --param name=value."""

    def __init__(self, name: str, default_value: Any) -> None:
        self.name = check_identifier(name, "PipelineParameter")
        self.default_value = check_value(default_value, f"PipelineParameter {name!r}: default")

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, PipelineParameter) and other.name == self.name
                and other.default_value == self.default_value)

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"PipelineParameter({self.name!r}, {self.default_value!r})"
