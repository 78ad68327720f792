"""azureml.core.authentication: there is nothing to log in to here. The objects are
accepted (a workspace needs no credentials); asking one for a token or a header, as code
that calls a published pipeline's REST endpoint does, says what to call instead."""
from __future__ import annotations

from typing import Any, NoReturn

from ...ignored import ignore
from ...missing import MissingNames, module_getattr, no_local_version

INSTEAD = ("submit the published pipeline with Experiment(ws, name).submit("
           "PublishedPipeline.get(ws, id), pipeline_parameters=...) instead, from Python or "
           "with `pipeline-widget azureml SCRIPT.py`")


class AbstractAuthentication(MissingNames):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        ignore(f"{type(self).__name__} (no login here)")

    def get_authentication_header(self) -> NoReturn:
        no_local_version("REST calls to a published pipeline's endpoint (and their "
                         "authentication header)", INSTEAD)

    def get_token(self, *scopes: Any, **kwargs: Any) -> NoReturn:
        no_local_version("Azure login tokens", INSTEAD)


class InteractiveLoginAuthentication(AbstractAuthentication):
    pass


class ServicePrincipalAuthentication(AbstractAuthentication):
    pass


class AzureCliAuthentication(AbstractAuthentication):
    pass


class MsiAuthentication(AbstractAuthentication):
    pass


__getattr__ = module_getattr(__name__)
