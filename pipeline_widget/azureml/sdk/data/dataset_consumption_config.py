"""azureml.data.dataset_consumption_config.DatasetConsumptionConfig: a dataset (or a
PipelineParameter whose default is one) read by a step under a name. A parameter's value
is chosen when the pipeline is submitted (its default, or the dataset given then)."""
from __future__ import annotations

from typing import Any

from ....core.dataset import DatasetConsumptionConfig as LocalConsumption
from ....core.errors import PipelineError
from ....core.names import check_identifier
from ...missing import MissingNames, module_getattr

MODES = ("direct", "mount", "download", "hdfs")


class ParameterConsumption(MissingNames):
    """A dataset parameter read by a step; resolved when its pipeline is built to run."""

    def __init__(self, name: str, parameter: Any, mode: str = "direct") -> None:
        self.name, self.parameter, self.mode = name, parameter, mode

    def resolve(self, values: dict[str, Any]) -> LocalConsumption:
        dataset = values.get(self.parameter.name, self.parameter.dataset_default)
        return consume(self.name, dataset, self.mode)

    def as_mount(self, path_on_compute: str | None = None) -> "ParameterConsumption":
        return ParameterConsumption(self.name, self.parameter, "mount")

    def as_download(self, path_on_compute: str | None = None) -> "ParameterConsumption":
        return ParameterConsumption(self.name, self.parameter, "download")


def consume(name: str, dataset: Any, mode: str = "direct") -> LocalConsumption:
    """A local named input of `dataset`, remembering v1's mode (a file dataset mounted or
    downloaded is a path in the step, as in v1)."""
    from ..core.dataset import V1Consumption, with_mode

    if not hasattr(dataset, "path") or not hasattr(dataset, "kind"):
        raise PipelineError(f"DatasetConsumptionConfig {name!r}: {dataset!r} is not a dataset; "
                            f"give Dataset.File.from_files(...) or a PipelineParameter whose "
                            f"default is a dataset")
    return with_mode(V1Consumption(check_identifier(name, "named input"), dataset), mode)


def DatasetConsumptionConfig(name: str, dataset: Any, mode: str = "direct",
                             path_on_compute: str | None = None) -> Any:
    """v1's constructor: a dataset or a dataset PipelineParameter, read under `name`."""
    if mode not in MODES:
        raise PipelineError(f"DatasetConsumptionConfig {name!r}: mode {mode!r} is not one of "
                            f"{MODES}")
    if hasattr(dataset, "dataset_default"):
        return ParameterConsumption(check_identifier(name, "named input"), dataset, mode)
    return consume(name, dataset, mode)


__all__ = ["DatasetConsumptionConfig"]
__getattr__ = module_getattr(__name__)
