"""An Elyra `.pipeline` or a Ploomber `pipeline.yaml` opens directly, through its importer:
in the designer (`PipelineDesigner.load`, Load) and with `pipeline-widget run`. Saving
writes `NAME.pipeline.json` beside it; the other tool's file is never written."""
from __future__ import annotations

import json

import pytest

from pipeline_widget import Pipeline, PipelineDesigner, PipelineError, Workspace
from pipeline_widget.interop import export_file, open_pipeline

from .conftest import outputs
from .test_elyra_import import ELYRA_COUNT, ELYRA_REPORT
from .test_ploomber_import import PLOOMBER_SUMMARY


def test_the_designer_opens_an_elyra_file_and_saves_beside_it(copy_project):
    project = copy_project("elyra")
    ws = Workspace(project)
    source = project / "weather.pipeline"
    before = source.read_bytes()
    designer = PipelineDesigner.load(source, workspace=ws)
    try:
        assert sorted(designer.canvas.node_ids) == ["Count rows", "Load data", "Report",
                                                    "clean.py"]
        assert not [p for p in designer.problems if not p.warning]
        assert designer.pipeline.path == project / "weather.pipeline.json"
        assert designer.path.value.endswith("weather.pipeline.json")   # what Save writes to
        assert not designer.pipeline.path.exists()   # opening writes no pipeline file
        designer.save_clicked()
        with pytest.raises(PipelineError, match="another tool's pipeline file"):
            designer.save(source)
    finally:
        designer.close()
    assert source.read_bytes() == before
    saved = json.loads((project / "weather.pipeline.json").read_text())
    assert saved["extensions"]["elyra"]["primary_pipeline"]
    export_file(project / "weather.pipeline.json", "elyra", project / "back.pipeline",
                workspace=ws)
    assert json.loads((project / "back.pipeline").read_text())["id"] == \
        json.loads(before)["id"]


def test_load_in_the_designer_opens_a_ploomber_spec(copy_project):
    project = copy_project("ploomber")
    designer = PipelineDesigner(workspace=Workspace(project))
    try:
        designer.open_file(project / "pipeline.yaml")
        assert designer.pipeline.path == project / "pipeline.pipeline.json"
        assert sorted(designer.canvas.node_ids) == ["clean", "get", "summarize"]
    finally:
        designer.close()


def test_run_takes_an_elyra_file_and_writes_no_pipeline_file(copy_project, cli):
    project = copy_project("elyra")
    code, out, err = cli("--workspace", project, "run", project / "weather.pipeline")
    assert code == 0, out + err
    assert "runtime_image" in out and "kept in the file but ignored" in out
    found = outputs(project)
    assert found["report_files"] == {"report.txt": ELYRA_REPORT}
    assert found["count_rows_files"] == {"count.txt": ELYRA_COUNT}
    assert not (project / "weather.pipeline.json").exists()


def test_run_takes_a_ploomber_spec(copy_project, cli):
    project = copy_project("ploomber")
    code, out, err = cli("--workspace", project, "run", project / "pipeline.yaml")
    assert code == 0, out + err
    assert outputs(project)["summarize_product"] == {"products/summary.txt": PLOOMBER_SUMMARY}


def test_the_pipeline_file_api_refuses_another_tools_file_saying_what_opens_it(copy_project):
    project = copy_project("elyra")
    with pytest.raises(PipelineError, match="open it with pipeline_widget.interop.open_pipeline"):
        Pipeline.load(project / "weather.pipeline")
    pipeline = open_pipeline(project / "weather.pipeline", Workspace(project))
    with pytest.raises(PipelineError, match="another tool's pipeline file"):
        pipeline.save(project / "weather.pipeline")
    (project / "other.yaml").write_text("steps: []\n")
    with pytest.raises(PipelineError, match="none of the formats"):
        open_pipeline(project / "other.yaml")


def test_validate_and_status_take_an_elyra_file(copy_project, cli):
    project = copy_project("elyra")
    code, out, err = cli("--workspace", project, "validate", project / "weather.pipeline")
    assert code == 0, out + err
    code, out, err = cli("--workspace", project, "status", project / "weather.pipeline",
                         "--json")
    assert code == 0, out + err
    assert sorted(s["name"] for s in json.loads(out)) == ["Count rows", "Load data", "Report",
                                                          "clean.py"]
    assert not (project / "weather.pipeline.json").exists()
