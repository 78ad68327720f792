"""`slurm://`: the run's steps on Dask workers started as Slurm jobs (dask-jobqueue's
SLURMCluster), so a pipeline grows past one machine unchanged. The workers must see the
project folder at the same path (a shared filesystem); the jobs end with the run."""
from __future__ import annotations

from typing import Any

from .cluster_options import cluster_options
from .dask_cluster import DaskExecutor

OPTIONS = {"cores": "cores per job", "memory": "memory per job, e.g. 4GB",
           "walltime": "time limit per job, e.g. 01:00:00", "queue": "the partition",
           "account": "the account charged", "jobs": "worker jobs to start (default 2)",
           "processes": "worker processes per job (default 1)",
           "python": "the Python the workers run (default: the runner's)"}
DEFAULTS = {"cores": 1, "memory": "2GB", "walltime": "01:00:00", "processes": 1}


def slurm_cluster_kwargs(options: dict[str, Any], local_directory: str | None = None
                         ) -> dict[str, Any]:
    """SLURMCluster's arguments for these options (one thread per worker: one step each)."""
    kwargs = {**DEFAULTS, **{k: v for k, v in options.items() if k != "jobs"}}
    kwargs["worker_extra_args"] = ["--nthreads", "1"]
    if local_directory:
        kwargs["local_directory"] = local_directory
        kwargs["log_directory"] = local_directory
    return kwargs


class SlurmExecutor(DaskExecutor):
    name = "slurm"

    def __init__(self, address: str, max_parallel: int | None = None, workspace: Any = None
                 ) -> None:
        self.options = cluster_options(address, workspace, OPTIONS)
        self.workspace = workspace
        super().__init__(address, max_parallel)
        self.jobs = int(self.options.get("jobs", max_parallel or 2))

    @staticmethod
    def _scheduler_for(address: str) -> str | None:
        return None

    def _make_cluster(self) -> Any:
        from dask_jobqueue import SLURMCluster

        folder = None
        if self.workspace is not None:
            folder = str(self.workspace.root / "slurm")
        cluster = SLURMCluster(**slurm_cluster_kwargs(self.options, folder))
        cluster.scale(jobs=self.jobs)
        return cluster
