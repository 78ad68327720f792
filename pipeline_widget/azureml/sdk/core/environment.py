"""azureml.core.environment: environments have no local meaning (accepted, ignored); steps
run in this machine's Python and kernels."""
from ...ignored import Accepted


class Environment(Accepted):
    @staticmethod
    def get(workspace, name, version=None) -> "Environment":
        return Environment(name=name)

    @staticmethod
    def from_conda_specification(name, file_path) -> "Environment":
        return Environment(name=name)

    @staticmethod
    def from_pip_requirements(name, file_path) -> "Environment":
        return Environment(name=name)

    def register(self, workspace) -> "Environment":
        return self
