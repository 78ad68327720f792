"""Run records: their typed shape (model) and where they live on disk (store)."""
from .model import Metric, PathCodec, RunRecord, StepError, StepRecord
from .store import list_runs, load, new_record, new_run_id, run_dir, save, step_dir

__all__ = ["Metric", "PathCodec", "RunRecord", "StepError", "StepRecord", "list_runs", "load",
           "new_record", "new_run_id", "run_dir", "save", "step_dir"]
