"""azureml.core.conda_dependencies (accepted, ignored)."""
from .runconfig import CondaDependencies

__all__ = ["CondaDependencies"]
