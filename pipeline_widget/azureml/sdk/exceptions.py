"""azureml.exceptions: v1's exception types, so that `except ...` clauses of v1 code work."""
from ..missing import module_getattr


class AzureMLException(Exception):
    """The base of v1's exceptions."""


class UserErrorException(AzureMLException):
    pass


class ComputeTargetException(AzureMLException):
    pass


class WebserviceException(AzureMLException):
    pass


class ExperimentExecutionException(AzureMLException):
    pass


class ActivityFailedException(AzureMLException):
    """Raised by wait_for_completion when the run failed (as v1 does, unless
    raise_on_error=False)."""


__getattr__ = module_getattr(__name__)
