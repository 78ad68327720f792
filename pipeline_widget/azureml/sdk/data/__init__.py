"""azureml.data: OutputFileDatasetConfig."""
from .output_dataset_config import InputOf, OutputFileDatasetConfig

__all__ = ["OutputFileDatasetConfig", "InputOf"]
