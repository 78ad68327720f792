"""Shared fixtures: small real pipelines in temporary folders, run in real kernels."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from pipeline_widget import Workspace

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def _user_cache(tmp_path_factory):
    """What the package keeps in the user's cache folder goes to one folder of the test
    session (shared by its processes), never to the machine's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))
        yield


def write_notebook(path: Path, params: str, *cells: str, kernel: bool = True) -> Path:
    """A notebook with a cell tagged `parameters` (unless `params` is None) and code cells."""
    nb = new_notebook()
    if kernel:
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
    if params is not None:
        nb.cells.append(new_code_cell(params, metadata={"tags": ["parameters"]}))
    nb.cells.extend(new_code_cell(c) for c in cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def write_script(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body)
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project folder."""
    p = tmp_path / "project"
    p.mkdir()
    return p


@pytest.fixture
def ws(project: Path) -> Workspace:
    return Workspace(project)


@pytest.fixture
def seed_copy(project: Path) -> Path:
    """A copy of the repository's seed example (steps, data, pipeline file) in `project`."""
    for folder in ("steps", "data", "examples"):
        shutil.copytree(REPO / folder, project / folder,
                        ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    return project / "examples" / "seed.pipeline.json"


@pytest.fixture
def copy_step(project: Path):
    """A writer of trivial notebook steps: each copies its input file(s) and adds a line."""

    def make(name: str, inputs: list[str] = (), outputs: list[str] = (), extra: str = "") -> Path:
        params = "\n".join(f"{n} = None" for n in [*inputs, *outputs]) or "x = 1"
        body = ["import os",
                "lines = []",
                *[f"lines += open(os.path.join({i}, 'data.txt')).read().splitlines()" for i in inputs],
                f"lines.append({name!r})",
                *[f"open(os.path.join({o}, 'data.txt'), 'w').write('\\n'.join(lines))" for o in outputs]]
        return write_notebook(project / "steps" / f"{name}.ipynb", params, "\n".join(body), extra or "pass")

    return make


def read_json(path) -> dict:
    return json.loads(Path(path).read_text())


PYTHON = sys.executable


def process_ended(process) -> bool:
    """Whether a process (a pid, or a psutil.Process taken while it ran: its pid, once free,
    may be another's) has ended or is a zombie. It may end between two looks at it, so a
    vanished process is an ended one, never an error."""
    import psutil

    try:
        if not isinstance(process, psutil.Process):
            process = psutil.Process(process)
        return not process.is_running() or process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True
