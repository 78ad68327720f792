"""Azure ML SDK v1 pipeline code, run locally: `import pipeline_widget.azureml` makes
`import azureml...` resolve to this project's local implementation (`sdk/`) for the rest of
the process, unless the real SDK is installed, which always wins.

`pipeline-widget azureml SCRIPT.py` does the same for a script; steps' scripts and
notebooks get it from the runner.
"""
from ..run.step.azureml_imports import install

install()
