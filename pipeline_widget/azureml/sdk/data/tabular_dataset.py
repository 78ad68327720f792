"""azureml.data.tabular_dataset.TabularDataset: the type of a tabular dataset."""
from ...missing import module_getattr
from ..core.dataset import V1Dataset as TabularDataset

__all__ = ["TabularDataset"]
__getattr__ = module_getattr(__name__)
