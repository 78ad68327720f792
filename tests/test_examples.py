"""The shipped example notebook runs top to bottom, as a newcomer would run it."""
import shutil

import papermill

from tests.conftest import REPO


def test_seed_example_notebook_runs(tmp_path, seed_copy, project):
    shutil.copy(REPO / "notebooks" / "Seed_Example.ipynb", project / "Seed_Example.ipynb")
    (project / "notebooks").mkdir()
    nb_path = project / "notebooks" / "Seed_Example.ipynb"
    shutil.move(project / "Seed_Example.ipynb", nb_path)
    before = seed_copy.read_bytes()
    out = papermill.execute_notebook(str(nb_path), str(tmp_path / "out.ipynb"),
                                     cwd=str(project / "notebooks"), progress_bar=False,
                                     kernel_name="python3")
    text = "".join(str(o) for c in out.cells for o in c.get("outputs", []))
    assert "col1" in text and "Finished" in text and "Reused" in text
    assert (project / "pipeline_workspace" / "runs").is_dir()
    assert seed_copy.read_bytes() == before  # saving the same pipeline gives the same file
