"""azureml.core.compute: compute targets are names here. A name mapped to an executor in
the workspace's compute_targets.json (e.g. "dask://host:8786") runs there; any other runs
locally."""
from ...ignored import Accepted


class ComputeTarget(Accepted):
    def __init__(self, workspace=None, name=None, **kwargs) -> None:
        super().__init__(name=name, **kwargs)

    @staticmethod
    def create(workspace, name, provisioning_configuration) -> "ComputeTarget":
        return ComputeTarget(workspace, name)

    def wait_for_completion(self, show_output: bool = False, **kwargs) -> None:
        pass


class AmlCompute(ComputeTarget):
    @staticmethod
    def provisioning_configuration(**kwargs) -> Accepted:
        return Accepted(**kwargs)


class ComputeTargetException(Exception):
    pass
