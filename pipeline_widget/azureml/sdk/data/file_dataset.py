"""azureml.data.file_dataset.FileDataset: the type of a file dataset (type hints, checks)."""
from ...missing import module_getattr
from ..core.dataset import V1Dataset as FileDataset

__all__ = ["FileDataset"]
__getattr__ = module_getattr(__name__)
