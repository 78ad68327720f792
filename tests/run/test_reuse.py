"""Step reuse: what must make a step run again, what must not, and what is shown about it."""
import json
import os
import subprocess
from pathlib import Path

import nbformat
import pytest

from pipeline_widget import (
    Dataset,
    NotebookStep,
    Pipeline,
    PipelineData,
    PipelineParameter,
    Workspace,
)
from tests.conftest import PYTHON, write_notebook


@pytest.fixture
def two_steps(project: Path):
    """`prep` reads a data file and a pipeline parameter, `use` reads prep's output."""
    data = project / "data" / "raw.txt"
    data.parent.mkdir()
    data.write_text("1 2 3")
    prep_nb = write_notebook(project / "steps" / "prep.ipynb", "raw = None\nprepped = None\nscale = 1",
                             "import os\nvalues = [int(v) * scale for v in open(raw).read().split()]\n"
                             "open(os.path.join(prepped, 'values.txt'), 'w').write(str(values))")
    use_nb = write_notebook(project / "steps" / "use.ipynb", "prepped = None\nresult = None\nlabel = ''",
                            "import os\ntext = open(os.path.join(prepped, 'values.txt')).read()\n"
                            "open(os.path.join(result, 'out.txt'), 'w').write(label + text)")

    def make(scale: int = 2, label: str = "x", ws: Workspace | None = None) -> Pipeline:
        prepped, result = PipelineData("prepped"), PipelineData("result")
        raw = Dataset.File.from_files(data).as_named_input("raw")
        prep = NotebookStep("prep", prep_nb, inputs=[raw], outputs=[prepped],
                            parameters={"scale": PipelineParameter("scale", scale)})
        use = NotebookStep("use", use_nb, inputs=[prepped], outputs=[result],
                           parameters={"label": label})
        return Pipeline(ws or Workspace(project), [prep, use], name="reuse")

    make.data, make.prep_nb, make.use_nb = data, prep_nb, use_nb
    return make


def run(pipeline: Pipeline, **kwargs) -> dict:
    handle = pipeline.submit("reuse", **kwargs)
    assert handle.wait_for_completion(show_output=False) == "Finished"
    return {s.name: s for s in handle.get_steps()}


def reused(steps: dict) -> dict[str, bool]:
    return {name: s.is_reused for name, s in steps.items()}


def edit_notebook(path: Path, change) -> None:
    nb = nbformat.read(str(path), as_version=4)
    change(nb)
    nbformat.write(nb, str(path))


# -- what must make a step run again --------------------------------------------------

def test_unchanged_pipeline_is_reused_entirely(two_steps):
    first_run = two_steps().submit("reuse")
    assert first_run.wait_for_completion(show_output=False) == "Finished"
    first = {s.name: s for s in first_run.get_steps()}
    assert reused(first) == {"prep": False, "use": False}
    second = run(two_steps())
    assert reused(second) == {"prep": True, "use": True}
    assert second["use"].reused_from == first_run.id
    assert second["use"].outputs == first["use"].outputs


def test_notebook_code_change_runs_the_step_and_its_consumers(two_steps):
    run(two_steps())
    edit_notebook(two_steps.prep_nb, lambda nb: nb.cells[1].__setitem__(
        "source", nb.cells[1].source + "\nvalues.append(0)"))
    again = run(two_steps())
    assert reused(again) == {"prep": False, "use": False}
    assert again["prep"].why_not_reused == ["steps/prep.ipynb changed"]
    assert again["use"].why_not_reused == ["an upstream step runs again"]


def test_step_parameter_change_runs_the_step(two_steps):
    run(two_steps(label="x"))
    again = run(two_steps(label="y"))
    assert reused(again) == {"prep": True, "use": False}
    assert again["use"].why_not_reused == ["parameter 'label' changed: 'x' -> 'y'"]
    assert (Path(again["use"].outputs["result"]) / "out.txt").read_text().startswith("y")


def test_pipeline_parameter_change_runs_the_step(two_steps):
    run(two_steps(scale=2))
    again = run(two_steps(scale=2), pipeline_parameters={"scale": 3})
    assert reused(again) == {"prep": False, "use": False}
    assert again["prep"].why_not_reused == ["parameter 'scale' changed: 2 -> 3"]
    assert (Path(again["prep"].outputs["prepped"]) / "values.txt").read_text() == "[3, 6, 9]"


def test_upstream_change_runs_the_consumer(two_steps):
    first = run(two_steps(scale=2))
    again = run(two_steps(scale=5))
    assert reused(again) == {"prep": False, "use": False}
    assert again["use"].why_not_reused == ["an upstream step runs again"]
    assert again["use"].inputs["prepped"] != first["use"].inputs["prepped"]
    assert (Path(again["use"].outputs["result"]) / "out.txt").read_text() == "x[5, 10, 15]"


def test_changed_data_content_at_the_same_path_runs_the_reader(two_steps):
    run(two_steps())
    two_steps.data.write_text("4 5 6")  # same path, same size, new content
    again = run(two_steps())
    assert reused(again) == {"prep": False, "use": False}
    assert again["prep"].why_not_reused == ["dataset raw: data/raw.txt changed"]
    assert (Path(again["prep"].outputs["prepped"]) / "values.txt").read_text() == "[8, 10, 12]"


# -- what must not ----------------------------------------------------------------------

def test_notebook_outputs_do_not_count(two_steps):
    run(two_steps())

    def add_outputs(nb):
        nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="hello\n")]
        nb.cells[1].execution_count = 7

    edit_notebook(two_steps.prep_nb, add_outputs)
    assert reused(run(two_steps())) == {"prep": True, "use": True}


def test_cell_and_notebook_metadata_do_not_count(two_steps):
    run(two_steps())

    def add_metadata(nb):
        nb.cells[1].metadata["collapsed"] = True
        nb.cells[1].metadata["tags"] = ["slow"]
        nb.metadata["authors"] = [{"name": "someone"}]

    edit_notebook(two_steps.use_nb, add_metadata)
    assert reused(run(two_steps())) == {"prep": True, "use": True}


def test_a_new_mtime_alone_does_not_count(two_steps):
    run(two_steps())
    for path in (two_steps.data, two_steps.prep_nb, two_steps.use_nb):
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    assert reused(run(two_steps())) == {"prep": True, "use": True}


# -- how reuse is handed on and shown --------------------------------------------------------

def test_a_reused_step_hands_its_earlier_folder_to_consumers(two_steps):
    first = run(two_steps(label="x"))
    again = run(two_steps(label="z"))
    assert again["prep"].is_reused and not again["use"].is_reused
    folder = first["prep"].outputs["prepped"]
    assert again["prep"].outputs["prepped"] == folder
    assert again["use"].inputs["prepped"] == folder  # the same path: nothing copied
    datastore = Path(folder).parent.parent
    assert sorted(p.name for p in datastore.iterdir()) == sorted(
        [first["prep"].step_run_id, first["use"].step_run_id, again["use"].step_run_id])


def test_regenerate_outputs_forces_a_run(two_steps):
    first = run(two_steps())
    again = run(two_steps(), regenerate_outputs=True)
    assert reused(again) == {"prep": False, "use": False}
    assert again["prep"].why_not_reused == ["outputs regenerated on request"]
    assert again["prep"].outputs["prepped"] != first["prep"].outputs["prepped"]


def test_cli_shows_reuse_and_no_reuse_forces_a_run(two_steps, project):
    pipeline_file = two_steps().save(project / "reuse.pipeline.json")

    def cli(*args):
        res = subprocess.run([PYTHON, "-m", "pipeline_widget", *args], cwd=project,
                             capture_output=True, text=True, timeout=300)
        assert res.returncode == 0, res.stderr
        return res.stdout

    cli("run", str(pipeline_file))
    data = json.loads(pipeline_file.read_text())
    data["steps"][1]["parameters"]["label"] = "changed"
    pipeline_file.write_text(json.dumps(data))
    out = cli("run", str(pipeline_file))
    assert "(1 ran, 1 reused)" in out and "reused: prep" in out
    assert "ran 'use': parameter 'label' changed: 'x' -> 'changed'" in out
    run_id = out.split("pipeline-widget show ")[-1].strip()
    record = json.loads((project / "pipeline_workspace" / "runs" / run_id / "run.json").read_text())
    assert record["steps"]["prep"]["is_reused"] and record["steps"]["prep"]["reused_from"]
    assert record["steps"]["use"]["why_not_reused"] == ["parameter 'label' changed: 'x' -> 'changed'"]
    shown = cli("show", run_id)
    assert "Reused" in shown and "not reused: parameter 'label' changed" in shown

    forced = cli("run", str(pipeline_file), "--no-reuse")
    assert "(2 ran, 0 reused)" in forced and "outputs regenerated on request" in forced
