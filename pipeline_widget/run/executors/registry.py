"""Executors by URL scheme, like papermill's engine registry: `local`, `dask` (a new local
cluster), `dask://host:port` (a running scheduler), `slurm://` (Dask workers as Slurm jobs)
and `kubernetes://` (Dask workers as pods). Other packages add schemes through the
`pipeline_widget.executors` entry point group (name: the scheme; value: a factory with
the Factory signature)."""
from __future__ import annotations

import threading
from typing import Any, Callable

from ...core import plugins
from ...core.errors import PipelineError
from .base import Executor

# (the executor URL, max_parallel, warm kernels or None, the workspace or None) -> Executor
Factory = Callable[[str, "int | None", Any, Any], Executor]
ENTRY_POINTS = "pipeline_widget.executors"
_factories: dict[str, Factory] = {}
_loaded = False
_lock = threading.Lock()


def register(scheme: str, factory: Factory) -> None:
    _factories[scheme] = factory


def scheme_of(url: str) -> str:
    return url.split("://", 1)[0] if "://" in url else url


def _local(url: str, max_parallel: int | None, warm: Any, workspace: Any) -> Executor:
    from .local import LocalExecutor

    return LocalExecutor(max_parallel, warm)


def _needs(module: str, extra: str, url: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise PipelineError(f"executor {url!r} needs {module}, which is not installed; "
                            f"install it with: pip install \"pipeline-widget[{extra}]\"")


def _dask(url: str, max_parallel: int | None, warm: Any, workspace: Any) -> Executor:
    _needs("distributed", "dask", url)
    from .dask_cluster import DaskExecutor

    return DaskExecutor(url, max_parallel)


def _slurm(url: str, max_parallel: int | None, warm: Any, workspace: Any) -> Executor:
    _needs("distributed", "dask", url)
    _needs("dask_jobqueue", "slurm", url)
    from .slurm import SlurmExecutor

    return SlurmExecutor(url, max_parallel, workspace)


def _kubernetes(url: str, max_parallel: int | None, warm: Any, workspace: Any) -> Executor:
    _needs("distributed", "dask", url)
    _needs("dask_kubernetes", "kubernetes", url)
    from .kubernetes import KubernetesExecutor

    return KubernetesExecutor(url, max_parallel, workspace)


def _load() -> None:
    global _loaded
    with _lock:
        if _loaded:
            return
        for scheme, factory in (("local", _local), ("dask", _dask), ("tcp", _dask),
                                ("slurm", _slurm), ("kubernetes", _kubernetes)):
            _factories.setdefault(scheme, factory)
        for point in plugins.entry_points_of(ENTRY_POINTS):
            try:
                register(point.name, point.load())
            except Exception:   # a broken plug-in must not stop the built-in executors
                pass
        _loaded = True


def schemes() -> list[str]:
    _load()
    return sorted(_factories)


def make_executor(executor: str | Executor | None, max_parallel: int | None,
                  warm: Any = None, workspace: Any = None) -> Executor:
    """The executor for a URL (None: local); warm: kernels kept ready for the local one."""
    if isinstance(executor, Executor):
        return executor
    url = executor or "local"
    if not isinstance(url, str):
        raise PipelineError(f"executor {executor!r} is not an executor URL")
    _load()
    factory = _factories.get(scheme_of(url))
    if factory is None:
        raise PipelineError(f"unknown executor {url!r}; use 'local', 'dask' (a new local "
                            f"cluster), 'dask://host:8786' (a running scheduler), "
                            f"'slurm://' or 'kubernetes://'"
                            + (f"; installed: {', '.join(s + '://' for s in schemes())}"))
    return factory(url, max_parallel, warm, workspace)
