"""Models registered in the workspace: versions kept, found by name, version, tags and run,
their files downloaded; bad names and paths refused with the fix."""
from __future__ import annotations

import pytest

from pipeline_widget.azureml.sdk.core import Model, Workspace
from pipeline_widget.core.errors import PipelineError


def test_versions_are_kept_and_found_by_tags_run_and_latest(tmp_path):
    ws = Workspace(folder=tmp_path)
    (tmp_path / "m1.txt").write_text("one")
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "w.bin").write_text("two")
    first = Model.register(ws, str(tmp_path / "m1.txt"), "churn", tags={"stage": "dev"},
                           _run_id="run_a")
    second = Model.register(ws, str(tmp_path / "folder"), "churn",
                            tags={"stage": "prod", "owner": "me"}, _run_id="run_b")
    Model.register(ws, str(tmp_path / "m1.txt"), "other", tags={"stage": "prod"})
    (tmp_path / "m1.txt").write_text("changed later")       # the registered copy stays
    assert (first.version, second.version, second.id) == (1, 2, "churn:2")
    assert Model(ws, "churn").version == 2
    assert Model(ws, "churn", version=1).tags == {"stage": "dev"}
    assert Model(ws, id="churn:1").run_id == "run_a"
    assert [m.id for m in Model.list(ws, tags=[["stage", "prod"]])] == ["other:1", "churn:2"]
    assert [m.id for m in Model.list(ws, tags=["owner"])] == ["churn:2"]
    assert [m.id for m in Model.list(ws, run_id="run_a")] == ["churn:1"]
    assert [m.id for m in Model.list(ws, name="churn", latest=True)] == ["churn:2"]
    assert open(Model.get_model_path("churn", version=1, _workspace=ws)).read() == "one"
    got = Model(ws, "churn").download(target_dir=str(tmp_path / "dl"))
    assert (tmp_path / "dl" / "folder" / "w.bin").read_text() == "two" and got.endswith("folder")
    with pytest.raises(PipelineError, match="exists; pass exist_ok=True"):
        Model(ws, "churn").download(target_dir=str(tmp_path / "dl"))
    Model(ws, "churn", version=1).add_tags({"checked": True})
    assert Model(ws, "churn", version=1).tags == {"stage": "dev", "checked": "True"}


def test_bad_models_are_refused_with_the_fix(tmp_path):
    ws = Workspace(folder=tmp_path)
    with pytest.raises(PipelineError, match="not found; give the path of the model"):
        Model.register(ws, str(tmp_path / "absent.pkl"), "m")
    (tmp_path / "m.pkl").write_text("x")
    with pytest.raises(PipelineError, match="model name 'a/b'"):
        Model.register(ws, str(tmp_path / "m.pkl"), "a/b")
    with pytest.raises(PipelineError, match="no model with name='nothing'"):
        Model(ws, "nothing")
