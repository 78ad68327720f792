"""Loaded at the start of every step's Python process (the runner puts this folder on
PYTHONPATH), before any user code: the read tracer's audit hook is installed (reuse/
tracer.py: a script starts recording at once, a kernel when its step is handed to it),
and `from azureml.core import Run` works in a step's script or notebook without the
Azure ML SDK. Then the next sitecustomize on sys.path, if any, runs as usual."""
import importlib.util
import os
import sys


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_here = os.path.dirname(os.path.abspath(__file__))
try:
    _tracer = _load("_pipeline_widget_trace", os.path.join(
        os.path.dirname(os.path.dirname(_here)), "reuse", "tracer.py"))
    sys.modules["_pipeline_widget_trace"] = _tracer
    _tracer.install()
except Exception:  # never stop a step from starting; its result is then not kept
    pass
try:
    _load("_pipeline_widget_azureml_imports",
          os.path.join(os.path.dirname(_here), "azureml_imports.py")).install()
except Exception:  # never stop a step from starting
    pass
for _entry in sys.path:
    if _entry and os.path.abspath(_entry) != _here:
        _other = os.path.join(_entry, "sitecustomize.py")
        if os.path.isfile(_other):
            _load("_chained_sitecustomize", _other)
            break
