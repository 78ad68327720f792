"""azureml.core.runconfig: run configurations have no local meaning (accepted, ignored)."""
from ...ignored import Accepted


class RunConfiguration(Accepted):
    pass


class DockerConfiguration(Accepted):
    pass


class CondaDependencies(Accepted):
    @staticmethod
    def create(*args, **kwargs) -> "CondaDependencies":
        return CondaDependencies(**kwargs)
