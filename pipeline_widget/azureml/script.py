"""`pipeline-widget azureml SCRIPT.py [ARGS...] [--export FILE]`: run an Azure ML SDK v1
pipeline script here, its `azureml` imports served locally (see pipeline_widget.azureml)."""
from __future__ import annotations

import os
import runpy
import sys
from pathlib import Path

from ..core.errors import PipelineError
from ..run.step.azureml_imports import install
from . import export, ignored


def run_script(script: str, args: list[str], export_to: str | None = None) -> int:
    """Run `script` as `python script args` would, in this process; with `export_to`,
    save the pipeline it builds there instead of running it. Returns an exit code."""
    from .sdk.pipeline.core.run import ActivityFailedException

    path = Path(script)
    if not path.is_file():
        raise PipelineError(f"script {script} not found; give the path of a Python file")
    install()
    if export_to:
        export.start(export_to)
    saved_argv, saved_path = sys.argv[:], sys.path[:]
    sys.argv = [str(path), *args]
    sys.path.insert(0, str(path.absolute().parent))
    try:
        runpy.run_path(str(path), run_name="__main__")
        if export_to:
            done = export.finish()
            if done is None:
                raise PipelineError(f"{script} builds no Pipeline; nothing to export")
            print(f"saved the pipeline to {done} (not run); run it with: pipeline-widget run "
                  f"{os.path.relpath(done)}")
    except export.Exported as done:
        print(done.code)
    except ActivityFailedException as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path
        ignored.warn_once()
    return 0
