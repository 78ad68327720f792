"""Executors: where steps run (local threads and kernels, or a Dask cluster), one interface."""
from __future__ import annotations

from typing import Any

from ...core.errors import PipelineError
from .base import Executor, default_parallelism
from .local import LocalExecutor

__all__ = ["Executor", "LocalExecutor", "default_parallelism", "make_executor"]


def make_executor(executor: str | Executor | None, max_parallel: int | None,
                  warm: Any = None) -> Executor:
    """warm: kernels kept ready (run.warm.WarmKernels) for the local executor."""
    if isinstance(executor, Executor):
        return executor
    if executor in (None, "local"):
        return LocalExecutor(max_parallel, warm)
    if isinstance(executor, str) and (executor == "dask" or executor.startswith("dask://")
                                      or executor.startswith("tcp://")):
        import importlib.util

        if importlib.util.find_spec("distributed") is None:
            raise PipelineError(f"executor {executor!r} needs Dask, which is not installed; "
                                f"install it with: pip install \"pipeline-widget[dask]\"")
        from .dask_cluster import DaskExecutor

        return DaskExecutor(executor, max_parallel)
    raise PipelineError(f"unknown executor {executor!r}; use 'local', 'dask' (a new local "
                        f"cluster) or 'dask://host:8786' (a running scheduler)")
