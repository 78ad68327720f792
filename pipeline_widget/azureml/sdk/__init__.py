"""`azureml`: the local stand-in for Azure ML SDK v1 (see pipeline_widget.azureml). A v1
module or name it does not have yet raises NoLocalVersion (see ..missing)."""
from ..missing import install as _serve_missing_modules
from ..missing import module_getattr

_serve_missing_modules()
__getattr__ = module_getattr(__name__)
