"""`pipeline-widget azureml SCRIPT.py [ARGS...] [--export FILE]`: run an Azure ML SDK v1
script here, its `azureml` imports served locally (see pipeline_widget.azureml), and wait
for the runs it submitted before exiting: the exit code reports their failure."""
from __future__ import annotations

import os
import runpy
import sys
import traceback
from pathlib import Path
from typing import Any, Callable

from ..core.errors import PipelineError
from ..run.step.azureml_imports import install
from . import export, ignored, submitted

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def run_script(script: str, args: list[str], export_to: str | None = None) -> int:
    """Run `script` as `python script args` would, in this process; with `export_to`,
    save the pipeline it builds there instead of running it. Returns an exit code."""
    path = Path(script)
    if not path.is_file():
        raise PipelineError(f"script {script} not found; give the path of a Python file")
    return _run(str(path), str(path.absolute().parent), args, export_to,
                lambda: runpy.run_path(str(path), run_name="__main__"))


def run_module(module: str, args: list[str], export_to: str | None = None) -> int:
    """Run `module` as `python -m module args` would (the current folder first on
    sys.path: MLOps templates run their build and run scripts so)."""
    import importlib.util

    sys.path.insert(0, os.getcwd())
    try:
        found = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        found = None
    finally:
        sys.path.remove(os.getcwd())
    if found is None:
        raise PipelineError(f"module {module} not found from {os.getcwd()}; run the command in "
                            f"the folder that holds its package, or give a script's path")
    return _run(module, os.getcwd(), args, export_to,
                lambda: runpy.run_module(module, run_name="__main__", alter_sys=True))


def _run(name: str, first_path: str, args: list[str], export_to: str | None,
         run: Callable[[], Any]) -> int:
    from .sdk.exceptions import ActivityFailedException

    script = name
    install()
    if export_to:
        export.start(export_to)
    saved_argv, saved_path = sys.argv[:], sys.path[:]
    sys.argv = [name, *args]
    sys.path.insert(0, first_path)
    status = EXIT_OK
    try:
        run()
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
        status = EXIT_FAILED
    except PipelineError as err:   # bad input, or a v1 API with no local version
        print(f"error: {err}", file=sys.stderr)
        status = EXIT_BAD_INPUT
    except SystemExit as exit_:   # the script's own sys.exit
        code = exit_.code
        if isinstance(code, str):
            print(code, file=sys.stderr)
        status = code if isinstance(code, int) else (EXIT_FAILED if code else EXIT_OK)
    except Exception:   # the script's own error: its traceback, as python prints it
        traceback.print_exc()
        status = EXIT_FAILED
    except KeyboardInterrupt:   # Ctrl-C: its runs stop too, none is waited for
        submitted.cancel_all()
        raise
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path
        ignored.warn_once()
    failed = submitted.finish()
    return status if status != EXIT_OK else (EXIT_FAILED if failed else EXIT_OK)


def run_file(path: str, args: list[str], export_to: str | None = None) -> int:
    """A script or a notebook, by its suffix."""
    if path.endswith(".ipynb"):
        if export_to or args:
            raise PipelineError("a notebook takes no arguments and no --export here; run it, "
                                "or export from a script")
        from .notebook import run_notebook

        return run_notebook(path)
    return run_script(path, args, export_to)
