"""azureml.data: outputs (OutputFileDatasetConfig), paths in datastores (DataPath,
DataReference) and how a step reads a dataset (DatasetConsumptionConfig)."""
from ...missing import module_getattr
from .data_reference import DataReference
from .datapath import DataPath, DataPathComputeBinding
from .dataset_consumption_config import DatasetConsumptionConfig
from .output_dataset_config import InputOf, OutputFileDatasetConfig

__all__ = ["DataPath", "DataPathComputeBinding", "DataReference", "DatasetConsumptionConfig",
           "InputOf", "OutputFileDatasetConfig"]
__getattr__ = module_getattr(__name__)
