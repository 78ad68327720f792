"""Loaded at the start of every step's Python process (the runner puts this folder on
PYTHONPATH): `from azureml.core import Run` then works in a step's script or notebook
without the Azure ML SDK. Then the next sitecustomize on sys.path, if any, runs as usual."""
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
