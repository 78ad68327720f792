"""azureml.data.OutputFileDatasetConfig: a step's output folder that later steps read, the
PipelineData of later v1 pipelines. Passed as it is in a step's arguments it is that step's
output (its producer: the first step given it); `.as_input()` makes it a later step's input,
as does passing it to a later step; `.read_delimited_files()` reads it as a table."""
from __future__ import annotations

import itertools
from typing import Any

from ....core.pipeline_data import PipelineData
from ...ignored import ignore
from ...missing import module_getattr
from .modes import AsIs

_numbers = itertools.count(1)


class OutputFileDatasetConfig(PipelineData):
    register_as: dict[str, Any] | None = None
    tabular = False

    def __init__(self, name: str | None = None, destination: Any = None, source: str | None = None,
                 partition_format: str | None = None) -> None:
        datastore = destination[0] if isinstance(destination, tuple) else None
        super().__init__(name or f"output_{next(_numbers)}", datastore=datastore)
        if isinstance(destination, tuple) and len(destination) > 1 and destination[1]:
            ignore(f"OutputFileDatasetConfig(destination path {destination[1]!r})")
        if source:
            ignore("OutputFileDatasetConfig(source=...)")

    def as_input(self, name: str | None = None) -> "InputOf":
        return InputOf(self)

    def read_delimited_files(self, *args: Any, **kwargs: Any) -> "OutputFileDatasetConfig":
        """The output read as a table; also what register_on_complete then registers."""
        self.tabular = True
        if self.register_as is not None:
            self.register_as["tabular"] = True
        return self

    def read_parquet_files(self, *args: Any, **kwargs: Any) -> "OutputFileDatasetConfig":
        return self

    def as_upload(self, overwrite: bool = False, source_globs: Any = None) -> "OutputFileDatasetConfig":
        return self

    def as_mount(self, disable_metadata_cache: bool = False) -> "OutputFileDatasetConfig":
        return self

    def register_on_complete(self, name: str, description: str | None = None,
                             tags: Any = None) -> "OutputFileDatasetConfig":
        """Register the output as a dataset of this name when its step finishes."""
        self.register_as = {"name": name, "description": description, "tags": tags,
                            "tabular": getattr(self, "tabular", False)}
        return self


class InputOf(AsIs):
    """An OutputFileDatasetConfig read by a later step: that step gets its folder."""

    def __init__(self, output: OutputFileDatasetConfig) -> None:
        self.output = output


__getattr__ = module_getattr(__name__)
