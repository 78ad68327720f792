import json
import shutil

import pytest

from pipeline_widget import (
    Dataset,
    NotebookStep,
    Pipeline,
    PipelineData,
    PipelineError,
    PipelineParameter,
    PythonScriptStep,
)
from pipeline_widget.core.fileformat import SCHEMA_PATH
from tests.conftest import write_notebook, write_script


@pytest.fixture
def pipeline(ws, project):
    nb = write_notebook(project / "steps" / "train.ipynb", "prepped = None\nalpha = 0.1", "pass")
    write_script(project / "steps" / "prep.py", "pass")
    (project / "data").mkdir()
    (project / "data" / "raw.csv").write_text("a\n1\n")
    raw = Dataset.Tabular.from_delimited_files(project / "data" / "raw.csv").register(ws, "raw")
    prepped, model = PipelineData("prepped"), PipelineData("model")
    alpha = PipelineParameter("alpha", 0.5)
    s1 = PythonScriptStep(name="prepare data", script_name="prep.py",
                          source_directory=project / "steps", inputs=[raw.as_named_input("raw_data")],
                          outputs=[prepped], arguments=["--folder", prepped, "--alpha", alpha, 3])
    s2 = NotebookStep("train model", nb, inputs=[prepped], outputs=[model],
                      parameters={"alpha": alpha, "epochs": 3, "tags": ["a"]}, timeout=60,
                      allow_reuse=False)
    return Pipeline(ws, [s2], name="demo", description="two steps")


def test_save_load_save_gives_identical_bytes(pipeline, project):
    first = pipeline.save(project / "p.pipeline.json").read_bytes()
    loaded = Pipeline.load(project / "p.pipeline.json", workspace=pipeline.workspace)
    second = loaded.save(project / "again.pipeline.json").read_bytes()
    assert first == second
    assert loaded.to_dict(project) == pipeline.to_dict(project)


def test_paths_are_relative_so_the_folder_can_move(pipeline, project, tmp_path):
    pipeline.save(project / "p.pipeline.json")
    data = json.loads((project / "p.pipeline.json").read_text())
    assert data["schema_version"] == 1
    assert data["steps"][1]["notebook"] == "steps/train.ipynb"
    assert data["steps"][0]["inputs"][0]["dataset"]["path"] == "data/raw.csv"
    moved = tmp_path / "moved"
    shutil.copytree(project, moved, ignore=shutil.ignore_patterns("pipeline_workspace"))
    loaded = Pipeline.load(moved / "p.pipeline.json")
    assert loaded.step("train model").notebook == moved / "steps" / "train.ipynb"
    assert loaded.validate() == []


def test_the_file_holds_no_layout_and_follows_the_published_schema(pipeline, project):
    import fastjsonschema

    pipeline.save(project / "p.pipeline.json")
    data = json.loads((project / "p.pipeline.json").read_text())
    fastjsonschema.compile(json.loads(SCHEMA_PATH.read_text()))(data)
    assert "position" not in json.dumps(data) and "layout" not in json.dumps(data)


def test_the_model_survives_a_round_trip(pipeline, project):
    pipeline.save(project / "p.pipeline.json")
    p = Pipeline.load(project / "p.pipeline.json", workspace=pipeline.workspace)
    train = p.step("train model")
    assert train.parameters["alpha"] == PipelineParameter("alpha", 0.5)
    assert train.parameters["epochs"] == 3 and train.timeout == 60 and not train.allow_reuse
    prep = p.step("prepare data")
    assert prep.arguments[1] is prep.outputs[0] is train.inputs[0]
    assert prep.named_datasets[0].dataset.kind == "tabular"


@pytest.mark.parametrize("content, message", [
    ("not json", "not valid JSON"),
    ("[1, 2]", "JSON object"),
    ('{"schema_version": 99, "steps": []}', "schema_version 99"),
    ('{"schema_version": 1, "steps": [{"type": "notebook"}]}', "malformed"),
    ('{"schema_version": 1, "steps": [{"type": "notebook", "name": "a", "notebook": "x.ipynb",'
     ' "outputs": ["a-b"]}]}', "PipelineData name 'a-b' is not allowed"),
])
def test_malformed_files_give_a_clear_error(project, content, message):
    path = project / "bad.pipeline.json"
    path.write_text(content)
    with pytest.raises(PipelineError, match=message):
        Pipeline.load(path)


def test_load_then_save_keeps_unused_parameters_and_data(pipeline, project):
    path = pipeline.save(project / "p.pipeline.json")
    data = json.loads(path.read_text())
    data["parameters"]["later"] = 7
    data["data"]["spare"] = {}
    path.write_text(json.dumps(data))
    Pipeline.load(path, workspace=pipeline.workspace).save(path)
    again = json.loads(path.read_text())
    assert again["parameters"] == {"alpha": 0.5, "later": 7}
    assert set(again["data"]) == {"prepped", "model", "spare"}


def test_a_parameter_the_file_declares_but_no_step_uses_is_a_pipeline_parameter(pipeline, project):
    path = pipeline.save(project / "p.pipeline.json")
    data = json.loads(path.read_text())
    data["parameters"]["later"] = 7
    path.write_text(json.dumps(data))
    loaded = Pipeline.load(path, workspace=pipeline.workspace)
    assert set(loaded.parameters) == {"alpha", "later"}
    assert loaded.resolve_parameters({"later": 8}) == {"alpha": 0.5, "later": 8}
    with pytest.raises(PipelineError, match="'alpha', 'later'"):
        loaded.resolve_parameters({"sooner": 1})


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600])
def test_saving_keeps_the_files_mode(pipeline, project, mode):
    path = pipeline.save(project / "p.pipeline.json")
    path.chmod(mode)
    Pipeline.load(path, workspace=pipeline.workspace).save(path)
    assert path.stat().st_mode & 0o777 == mode


def test_a_new_file_gets_the_mode_the_umask_gives(pipeline, project):
    import os

    umask = os.umask(0o027)
    os.umask(umask)
    path = pipeline.save(project / "new.pipeline.json")
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


ELYRA_STEP = {"elyra": {"id": "n-train", "ui_data": {"x_pos": 50, "y_pos": 80},
                        "component_parameters": {"runtime_image": "python:3.11", "cpu": 2}}}


def test_extensions_of_the_pipeline_and_its_steps_are_kept_verbatim(pipeline, project):
    import fastjsonschema

    pipeline.extensions = {"elyra": {"comments": [{"content": "train last"}]}}
    pipeline.step("train model").extensions = ELYRA_STEP
    path = pipeline.save(project / "p.pipeline.json")
    data = json.loads(path.read_text())
    fastjsonschema.compile(json.loads(SCHEMA_PATH.read_text()))(data)
    assert data["extensions"] == {"elyra": {"comments": [{"content": "train last"}]}}
    train = next(s for s in data["steps"] if s["name"] == "train model")
    assert train["extensions"] == ELYRA_STEP and list(train)[-1] == "extensions"
    assert "extensions" not in next(s for s in data["steps"] if s["name"] == "prepare data")
    loaded = Pipeline.load(path, workspace=pipeline.workspace)
    assert loaded.extensions == pipeline.extensions
    assert loaded.step("train model").extensions == ELYRA_STEP
    assert loaded.save(project / "again.pipeline.json").read_bytes() == path.read_bytes()


def test_a_finished_step_given_extensions_is_still_reused(ws, project):
    """The runner never reads extensions: adding them after a run re-runs nothing."""
    write_script(project / "steps" / "make.py",
                 "import sys, pathlib\npathlib.Path(sys.argv[1], 'x.txt').write_text('1')")
    out = PipelineData("made")
    step = PythonScriptStep(name="make", script_name="make.py", source_directory=project / "steps",
                            outputs=[out], arguments=[out])
    pipeline = Pipeline(ws, [step], name="ext")
    run = pipeline.submit("ext")
    assert run.wait_for_completion(show_output=False) == "Finished"
    pipeline.extensions = {"elyra": {"runtime_ref": ""}}
    step.extensions = ELYRA_STEP
    again = Pipeline.load(pipeline.save(project / "ext.pipeline.json"), workspace=ws)
    assert [(s.name, s.would_run) for s in again.status()] == [("make", False)]


@pytest.mark.parametrize("extensions, message", [
    ([1], "must map a namespace"),
    ({"bad name": {}}, "is not a name"),
    ({"elyra": "image"}, "must be an object"),
])
def test_malformed_extensions_are_refused_naming_them(pipeline, project, extensions, message):
    path = pipeline.save(project / "p.pipeline.json")
    data = json.loads(path.read_text())
    data["steps"][0]["extensions"] = extensions
    path.write_text(json.dumps(data))
    with pytest.raises(PipelineError, match="extensions"):
        Pipeline.load(path, workspace=pipeline.workspace)
    with pytest.raises(PipelineError, match=message):
        pipeline.step("train model").extensions = extensions
