"""azureml.data: outputs (OutputFileDatasetConfig), paths in datastores (DataPath,
DataReference) and how a step reads a dataset (DatasetConsumptionConfig)."""
from typing import Any

from ...missing import module_getattr
from .data_reference import DataReference
from .datapath import DataPath, DataPathComputeBinding
from .dataset_consumption_config import DatasetConsumptionConfig
from .output_dataset_config import InputOf, OutputFileDatasetConfig

__all__ = ["DataPath", "DataPathComputeBinding", "DataReference", "DatasetConsumptionConfig",
           "FileDataset", "InputOf", "OutputFileDatasetConfig", "TabularDataset"]
_missing = module_getattr(__name__)


def __getattr__(name: str) -> Any:
    """FileDataset and TabularDataset, loaded when asked for (they are azureml.core's
    datasets, which import this package)."""
    if name in ("FileDataset", "TabularDataset"):
        from ..core.dataset import V1Dataset

        return V1Dataset
    return _missing(name)
