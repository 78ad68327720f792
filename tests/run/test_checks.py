"""One path decides bad input for validate and submit; warnings are said, and runs go on."""
import subprocess

import pytest

from pipeline_widget import NotebookStep, Pipeline, PipelineData, PipelineError
from tests.conftest import PYTHON, write_notebook


def codes(problems):
    return [(p.code, p.warning) for p in problems]


def test_a_pipeline_data_named_like_a_builtin_is_a_warning_and_the_run_says_it(ws, project):
    nb = write_notebook(project / "w.ipynb", "x = 1",
                        "import os\nopen(os.path.join(print, 'f'), 'w').write('1')")
    step = NotebookStep("w", nb, outputs=[PipelineData("print")])
    pipeline = Pipeline(ws, [step], name="builtin")
    assert codes(pipeline.validate()) == [("builtin_data_name", True)]
    assert "hides Python's own 'print'" in pipeline.validate()[0].message
    run = pipeline.submit("builtin")
    assert run.wait_for_completion(show_output=False) == "Finished"
    assert any("hides Python's own 'print'" in n for n in run.get_step("w").notes)


def test_a_pipeline_data_that_replaces_a_typed_notebook_parameter_is_a_warning(ws, project):
    nb = write_notebook(project / "train.ipynb", "epochs = 3\nname = 'a'", "pass")
    step = NotebookStep("train", nb, outputs=[PipelineData("epochs"), PipelineData("name")])
    found = Pipeline(ws, [step]).validate()
    assert codes(found) == [("data_replaces_parameter", True)]
    assert "replaces the parameter epochs = 3 (int)" in found[0].message
    assert "'epochs_dir'" in found[0].message


def test_a_missing_kernel_is_an_error_locally_and_a_warning_for_a_cluster(ws, project):
    nb = write_notebook(project / "k.ipynb", "x = 1", "pass")
    pipeline = Pipeline(ws, [NotebookStep("k", nb, kernel_name="no-such-kernel")])
    assert codes(pipeline.validate()) == [("kernel_missing", False)]
    assert "python3" in pipeline.validate()[0].message  # the kernels there are listed
    assert codes(pipeline.validate(executor="dask")) == [("kernel_missing", True)]
    with pytest.raises(PipelineError, match="no-such-kernel"):
        pipeline.submit("k")
    assert not ws.runs_dir.exists()


def test_the_cli_validate_prints_warnings_and_passes(project):
    write_notebook(project / "w.ipynb", "x = 1", "pass")
    (project / "w.pipeline.json").write_text(
        '{"schema_version": 1, "name": "w", "steps": [{"type": "notebook", "name": "w", '
        '"notebook": "w.ipynb", "outputs": ["list"]}]}')
    res = subprocess.run([PYTHON, "-m", "pipeline_widget", "validate", "w.pipeline.json"],
                         cwd=project, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "valid with 1 warning(s)" in res.stdout and "hides Python's own 'list'" in res.stdout


def test_a_notebook_without_a_parameters_cell_and_an_unlinked_parameter_are_warnings(ws, project):
    make = write_notebook(project / "make.ipynb", "table = None", "pass")
    bare = write_notebook(project / "bare.ipynb", None, "print('no parameters cell')")
    forgot = write_notebook(project / "forgot.ipynb", "table = 'by hand.csv'", "pass")
    table = PipelineData("table")
    pipeline = Pipeline(ws, [NotebookStep("make", make, outputs=[table]),
                             NotebookStep("bare", bare, inputs=[table]),
                             NotebookStep("forgot", forgot)])
    found = {p.code: p for p in pipeline.validate()}
    assert set(found) == {"no_parameters_cell", "unlinked_parameter"}
    assert all(p.warning for p in found.values())
    assert "add the tag 'parameters'" in found["no_parameters_cell"].message
    assert found["unlinked_parameter"].steps == ("forgot",)
    assert "uses its default 'by hand.csv'" in found["unlinked_parameter"].message
