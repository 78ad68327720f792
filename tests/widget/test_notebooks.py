"""The designer notebooks run top to bottom in a fresh kernel (nbclient), as in a class."""
from __future__ import annotations

import shutil

import nbclient
import nbformat

from tests.conftest import REPO


def execute(project, name: str) -> str:
    for folder in ("steps", "data", "examples", "notebooks"):
        if not (project / folder).exists():
            shutil.copytree(REPO / folder, project / folder,
                            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    nb = nbformat.read(project / "notebooks" / name, as_version=4)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(project / "notebooks")}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    return "\n".join(str(o.get("text") or o.get("data", {}).get("text/plain", ""))
                     for c in nb.cells for o in c.get("outputs", []))


def test_designer_notebook_opens_the_seed(project):
    seed = (REPO / "examples" / "seed.pipeline.json").read_text()
    text = execute(project, "Designer.ipynb")
    assert "PipelineDesigner(" in text
    assert text.strip().endswith("[]")  # the seed pipeline validates
    assert (project / "examples" / "seed.pipeline.json").read_text() == seed


def test_teaching_tour_runs_and_shows_reuse(project):
    text = execute(project, "Teaching_Tour.ipynb")
    assert "same folder: True" in text
    assert "prepped = " in text  # the injected-parameters cell
    assert "{'prepare data': 'Reused', 'train model': 'Reused'}" in text
    assert "{'prepare data': 'Reused', 'train model': 'Finished'}" in text
    assert (project / "pipeline_workspace" / "runs").is_dir()
