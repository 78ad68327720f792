"""What every v1 step has: its data (inputs, outputs, arguments in v1's many forms),
run-after links, environment variables, and how it becomes a step of the local model
(`to_local`) once its pipeline is built to run."""
from __future__ import annotations

import inspect
import os
from typing import Any

from .....core.dataset import Dataset as LocalDataset
from .....core.dataset import DatasetConsumptionConfig as LocalConsumption
from .....core.errors import PipelineError
from .....core.pipeline_data import PipelineData, PipelineParameter
from ....missing import MissingNames
from ...core.dataset import mode_of
from ...core.environment import variables_of
from ...core.run import MOUNTED_ENV
from ...data.data_reference import DataReference
from ...data.datapath import DataPath, DataPathComputeBinding
from ...data.dataset_consumption_config import ParameterConsumption
from ...data.output_dataset_config import InputOf, OutputFileDatasetConfig



class Build:
    """What one build of a pipeline gives its steps: parameter values chosen at submit,
    the run-after links, and the names the steps get (v1 allows duplicates)."""

    def __init__(self, values: dict[str, Any] | None = None,
                 default_source_directory: str | None = None) -> None:
        self.values = dict(values or {})
        self.default_source_directory = default_source_directory
        self.after_inputs: dict[int, list[PipelineData]] = {}
        self.after_outputs: dict[int, list[PipelineData]] = {}
        self.names: dict[int, str] = {}


class V1Step(MissingNames):
    """Kept as given until its pipeline is built (`to_local`)."""

    def __init__(self, name: str, inputs: list | None, outputs: list | None,
                 arguments: list | None, allow_reuse: bool, compute_target: Any = None,
                 environment: Any = None) -> None:
        self.name = name
        self.inputs = list(inputs or [])
        self.outputs = list(outputs or [])
        self.arguments = list(arguments or [])
        self.allow_reuse = allow_reuse
        self.compute_target_name = (compute_target if isinstance(compute_target, str) or
                                    compute_target is None else getattr(compute_target, "name",
                                                                        None))
        self.environment_variables = variables_of(environment) if environment else {}
        self.after: list[V1Step] = []
        written = [*self.outputs, *(a for a in self.arguments
                                     if isinstance(a, OutputFileDatasetConfig)
                                     and not a.__dict__.get("v1_producers")
                                     and not any(_consumed(i) is a for i in self.inputs))]
        for data in written:
            producers = data.__dict__.setdefault("v1_producers", [])
            if not any(p is self for p in producers):
                producers.append(self)

    def run_after(self, step: "V1Step") -> None:
        """Run this step after `step` finished, without data between them."""
        self.after.append(step)

    def upstream(self) -> list["V1Step"]:
        """The steps this one needs: the producers of its data, and those it runs after."""
        found = list(self.after)
        for item in [*self.inputs, *self.arguments]:
            data = _consumed(item)
            for producer in getattr(data, "__dict__", {}).get("v1_producers", []):
                if producer is not self:
                    found.append(producer)
        return found

    # -- the local model -------------------------------------------------------------
    def local_data(self, build: Build) -> tuple[list[Any], list[PipelineData], list[Any]]:
        """(inputs, outputs, arguments) in the local model's forms."""
        inputs: list[Any] = []
        outputs: list[PipelineData] = []

        def add(items: list, item: Any) -> Any:
            if not any(item is x or (isinstance(x, LocalConsumption) and x == item)
                       for x in items):
                items.append(item)
            return item

        def value(item: Any, as_argument: bool) -> Any:
            if isinstance(item, InputOf):
                return add(inputs, item.output)
            if isinstance(item, OutputFileDatasetConfig) and as_argument:
                mine = any(p is self for p in item.__dict__.get("v1_producers", []))
                return add(outputs if mine else inputs, item)
            if isinstance(item, tuple) and len(item) == 2 and isinstance(
                    item[1], DataPathComputeBinding):
                return value(item[0], as_argument)
            if isinstance(item, DataReference):
                return add(inputs, item.consumption())
            if isinstance(item, ParameterConsumption):
                return add(inputs, item.resolve(build.values))
            if isinstance(item, LocalConsumption):
                return add(inputs, item)
            if isinstance(item, DataPath):
                return item.local()
            dataset = getattr(item, "dataset_default", None)
            if isinstance(item, PipelineParameter) and dataset is not None:
                return str(build.values.get(item.name, dataset).path)
            if isinstance(item, (PipelineData, PipelineParameter)):
                return item if as_argument else add(inputs, item)
            if isinstance(item, LocalDataset):
                raise PipelineError(f"step {self.name!r}: a dataset is passed as "
                                    f"dataset.as_named_input('name') (or .as_mount(), "
                                    f".as_download()), not as the dataset itself")
            if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                return item
            return str(item)

        for item in self.inputs:
            value(item, as_argument=False)
        for item in self.outputs:
            add(outputs, item)
        arguments = [value(a, as_argument=True) for a in self.arguments]
        for link in build.after_inputs.get(id(self), []):
            add(inputs, link)
        for link in build.after_outputs.get(id(self), []):
            add(outputs, link)
        inputs = [i for i in inputs if not any(i is o for o in outputs)]
        return inputs, outputs, arguments

    def local_environment(self, inputs: list[Any]) -> dict[str, str]:
        """The step's variables: its v1 environment's, which named inputs are paths, and
        the working folder on PYTHONPATH (v1 puts the source folder on sys.path)."""
        mounted = [i.name for i in inputs if isinstance(i, LocalConsumption)
                   and i.dataset.kind == "file" and mode_of(i) in ("mount", "download")]
        inherited = os.environ.get("PYTHONPATH")
        return {"PYTHONPATH": "." + (os.pathsep + inherited if inherited else ""),
                **self.environment_variables,
                **({MOUNTED_ENV: ",".join(mounted)} if mounted else {})}

    def to_local(self, build: Build) -> Any:
        raise NotImplementedError


def with_environment(kind: type, environment: dict[str, str], **fields: Any) -> Any:
    """A local step of `kind`, given `environment` when the local model has per-step
    variables (until it does, v1 environment variables do not reach the step)."""
    if environment and "environment" in inspect.signature(kind).parameters:
        fields["environment"] = environment
    elif environment:
        from ....ignored import ignore

        ignore("Environment.environment_variables")
    return kind(**fields)


def _consumed(item: Any) -> Any:
    if isinstance(item, InputOf):
        return item.output
    if isinstance(item, tuple) and item:
        return item[0]
    return item
