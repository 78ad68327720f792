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
    seed = (REPO / "examples" / "seed.pipeline.json").read_text()
    text = execute(project, "Teaching_Tour.ipynb")
    assert "same folder: True" in text
    assert "prepped = " in text  # the injected-parameters cell
    assert "{'prepare data': 'Reused', 'train model': 'Reused'}" in text
    # the reasons, in full: first run in a clean workspace, then the changed parameter
    assert "no earlier successful run of this step" in text
    assert text.count("parameter 'alpha' changed: 0.5 -> 2.0") == 2   # asked, then ran
    assert "nothing changed since that run" in text
    tour = project / "pipeline_workspace" / "tour"
    assert (tour / "pipeline_workspace" / "runs").is_dir()
    assert (tour / "my_tour.pipeline.json").is_file()               # saved to scratch
    assert (project / "examples" / "seed.pipeline.json").read_text() == seed
    assert not (project / "pipeline_workspace" / "runs").exists()   # the project's own: untouched
    assert (project / "pipeline_workspace" / ".gitignore").is_file()  # the scratch is ignored
    # nothing printed is cut off (the designer's plain-text form is not shown in JupyterLab)
    printed = "\n".join(line for line in text.splitlines()
                        if not line.startswith("PipelineDesigner("))
    assert "..." not in printed and "\u2026" not in printed


def test_teaching_tour_starts_clean_each_time(project):
    execute(project, "Teaching_Tour.ipynb")
    again = execute(project, "Teaching_Tour.ipynb")   # a class runs it twice: the same story
    assert "no earlier successful run of this step" in again
    assert again.count("Reused") == execute(project, "Teaching_Tour.ipynb").count("Reused")


def test_teaching_tour_uses_only_the_public_api():
    nb = nbformat.read(REPO / "notebooks" / "Teaching_Tour.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "._" not in code and "runs_panel" not in code and "canvas" not in code
    imported = {n.strip() for line in code.splitlines() if line.startswith("from pipeline_widget")
                for n in line.split("import", 1)[1].split(",")}
    import pipeline_widget

    assert imported <= set(pipeline_widget.__all__)
