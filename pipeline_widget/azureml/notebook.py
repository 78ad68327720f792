"""`pipeline-widget azureml NOTEBOOK.ipynb`: a v1 notebook's code cells run in order in a
kernel, as Run All would (magics included), with `azureml` served locally, its outputs
printed as each cell ends, and the runs it submitted waited for before the kernel stops.

The user's notebook is never written to; the executed copy is kept in the workspace
(pipeline_workspace/azureml/notebooks/). A kernel the notebook names that is not installed
here (v1 notebooks name cloud kernels such as python38-azureml) is replaced by the default
Python kernel, with a note. `pip install` lines for azureml packages are skipped: those
packages are served locally, and installing them would replace the local version.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from ..core.errors import PipelineError
from .registries import table

DEFAULT_KERNEL = "python3"
FIRST = "import pipeline_widget.azureml  # azureml served locally"
FAILED_MARK = "__pipeline_widget_azureml_failed__"
LAST = ("from pipeline_widget.azureml import submitted as _pw_submitted\n"
        f"print({FAILED_MARK!r}, _pw_submitted.finish())")
_PIP_AZUREML = re.compile(r"^\s*[!%]\s*pip\s+install\b[^\n]*\bazureml[^\n]*$", re.MULTILINE)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def kernel_for(nb: Any, err: TextIO) -> str:
    """The notebook's kernel if installed here, else the default Python kernel (noted)."""
    from jupyter_client.kernelspec import KernelSpecManager

    wanted = (nb.metadata.get("kernelspec") or {}).get("name") or DEFAULT_KERNEL
    if wanted in KernelSpecManager().find_kernel_specs():
        return wanted
    print(f"note: kernel {wanted!r} is not installed here; running on {DEFAULT_KERNEL!r}",
          file=err)
    return DEFAULT_KERNEL


def _without_azureml_installs(source: str) -> str:
    return _PIP_AZUREML.sub(
        "print('skipped here: pip install of azureml packages (served locally)')", source)


def _print_outputs(cell: Any, out: TextIO) -> None:
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "stream":
            print(output.get("text", ""), end="", file=out)
        elif kind in ("execute_result", "display_data"):
            text = output.get("data", {}).get("text/plain")
            if text:
                print(text, file=out)
    out.flush()


def _error_of(cell: Any) -> tuple[str, str, str] | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            trace = _ANSI.sub("", "\n".join(output.get("traceback", [])))
            return output.get("ename", "Error"), output.get("evalue", ""), trace
    return None


def run_notebook(path: str, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the notebook's code cells in order; an exit code (0, 1 a cell or a run failed,
    2 a v1 API with no local version, or bad input)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    out, err = out or sys.stdout, err or sys.stderr
    source = Path(path)
    if not source.is_file():
        raise PipelineError(f"notebook {path} not found; give the path of a .ipynb file")
    try:
        nb = nbformat.read(str(source), as_version=4)
    except Exception as error:
        raise PipelineError(f"{path} is not a readable notebook ({error}); open it in "
                            f"Jupyter and save it again") from None
    code = [c for c in nb.cells if c.cell_type == "code"]
    for cell in code:
        cell.source = _without_azureml_installs(cell.source)
    first, last = nbformat.v4.new_code_cell(FIRST), nbformat.v4.new_code_cell(LAST)
    nb.cells = [first, *nb.cells, last]
    client = NotebookClient(nb, kernel_name=kernel_for(nb, err), timeout=None,
                            allow_errors=False, resources={"metadata": {
                                "path": str(source.absolute().parent)}})
    status, failed_runs = EXIT_OK, 0
    from .sdk.widgets import HEADLESS_ENV

    env = {**os.environ, HEADLESS_ENV: "1"}   # RunDetails prints: nobody sees widgets here
    # cell output arrives over the kernel's channels; its own stderr is start-up noise
    with client.setup_kernel(cwd=str(source.absolute().parent), env=env,
                             stderr=subprocess.DEVNULL):
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or cell is last:
                continue
            try:
                client.execute_cell(cell, index)
            except CellExecutionError:
                _print_outputs(cell, out)
                ename, evalue, trace = _error_of(cell) or ("Error", "", "")
                number = code.index(cell) + 1 if cell in code else 0
                if ename in ("NoLocalVersion", "PipelineError"):
                    print(f"error: cell {number}: {evalue}", file=err)
                    status = EXIT_BAD_INPUT
                else:
                    print(f"{trace}\nerror: cell {number} of {len(code)} failed: {ename}: "
                          f"{evalue}", file=err)
                    status = EXIT_FAILED
                break
            _print_outputs(cell, out)
        client.execute_cell(last, len(nb.cells) - 1)
    for name, line in stream_lines(last.get("outputs", [])):   # the wait: its notes on
        if name == "stdout" and line.startswith(FAILED_MARK):   # stderr, the rest as is
            count = line[len(FAILED_MARK):].strip()
            failed_runs = int(count) if count.isdigit() else 1
        else:
            print(line, file=err if name == "stderr" else out)
    _keep(nb, source)
    return status if status != EXIT_OK else (EXIT_FAILED if failed_runs else EXIT_OK)


def stream_lines(outputs: list[Any]) -> list[tuple[str, str]]:
    """(stream name, line) of a cell's stream outputs. A kernel may send one printed line
    in several messages (a busy kernel flushes between the parts of `print(a, b)`), so the
    consecutive texts of a stream are joined before they are split into lines."""
    chunks: list[tuple[str, str]] = []
    for output in outputs:
        if output.get("output_type") not in (None, "stream"):
            continue
        name, text = str(output.get("name", "stdout")), str(output.get("text", ""))
        if chunks and chunks[-1][0] == name:
            chunks[-1] = (name, chunks[-1][1] + text)
        else:
            chunks.append((name, text))
    return [(name, line) for name, text in chunks for line in text.splitlines()]


def _keep(nb: Any, source: Path) -> None:
    """The executed copy, in the workspace (the user's notebook stays as it was)."""
    import nbformat

    from .sdk.core.workspace import Workspace

    try:
        folder = table.folder(Workspace.from_config(source.parent).ensure()) / "notebooks"
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(folder / f"{source.stem}-{time.strftime('%Y%m%d_%H%M%S')}.ipynb"))
    except OSError:
        pass
