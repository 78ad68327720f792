"""azureml.core.Run: a step's view of its run (see pipeline_widget.run.context)."""
from ....run.context import OfflineRun, Run

__all__ = ["Run", "OfflineRun"]
