"""Executors: where steps run (local threads and kernels, or a Dask cluster: local, a
running scheduler, Slurm jobs, Kubernetes pods), chosen by URL scheme (registry.py)."""
from __future__ import annotations

from .base import Executor, default_parallelism
from .local import LocalExecutor
from .registry import make_executor, register

__all__ = ["Executor", "LocalExecutor", "default_parallelism", "make_executor", "register"]
