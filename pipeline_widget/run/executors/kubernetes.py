"""`kubernetes://`: the run's steps on Dask workers in pods (dask-kubernetes' operator
KubeCluster), with the options of the URL or of a compute target. The image must hold
this package and the project (or mount it at the same path)."""
from __future__ import annotations

from typing import Any

from ...core.errors import PipelineError
from .cluster_options import cluster_options
from .dask_cluster import DaskExecutor

OPTIONS = {"image": "the container image of scheduler and workers",
           "workers": "worker pods (default 2)", "cpu": "CPU limit per pod, e.g. 1",
           "memory": "memory limit per pod, e.g. 2Gi", "namespace": "the namespace",
           "name": "the cluster's name (default pipeline-widget)"}


def kubernetes_cluster_spec(options: dict[str, Any]) -> dict[str, Any]:
    """The DaskCluster resource the executor creates (one thread per worker)."""
    from dask_kubernetes.operator import make_cluster_spec

    resources = {}
    limits = {k: str(options[k]) for k in ("cpu", "memory") if k in options}
    if limits:
        resources = {"limits": limits, "requests": limits}
    return make_cluster_spec(name=str(options.get("name", "pipeline-widget")),
                             image=str(options.get("image", "ghcr.io/dask/dask:latest")),
                             n_workers=int(options.get("workers", 2)), resources=resources,
                             worker_command="dask-worker --nthreads 1")


class KubernetesExecutor(DaskExecutor):
    name = "kubernetes"

    def __init__(self, address: str, max_parallel: int | None = None, workspace: Any = None
                 ) -> None:
        self.options = cluster_options(address, workspace, OPTIONS)
        super().__init__(address, max_parallel)

    @staticmethod
    def _scheduler_for(address: str) -> str | None:
        return None

    def cluster_spec(self) -> dict[str, Any]:
        return kubernetes_cluster_spec(self.options)

    def _make_cluster(self) -> Any:
        from dask_kubernetes.operator import KubeCluster

        namespace = self.options.get("namespace")
        try:
            return KubeCluster(custom_cluster_spec=self.cluster_spec(),
                               **({"namespace": str(namespace)} if namespace else {}))
        except Exception as err:
            raise PipelineError(f"executor {self.address!r}: could not start a Dask cluster on "
                                f"Kubernetes ({type(err).__name__}: {err}); check that kubectl "
                                f"reaches the cluster and that the Dask operator is "
                                f"installed there") from None
