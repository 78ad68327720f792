"""Elyra pipelines (versions 7 and 8) import into .pipeline.json files whose notebooks and
scripts run unchanged, with Elyra's data passing by files; bad files are refused, named."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pipeline_widget import Pipeline, Workspace
from pipeline_widget.core.errors import PipelineError
from pipeline_widget.interop import import_file

from .conftest import outputs

# What Elyra's own local runtime (`elyra-pipeline run weather.pipeline`) leaves for the
# fixture; test_in_their_runners.py checks them against Elyra itself when it can.
ELYRA_REPORT = "raw 5 clean 4 total 42.0\n"
ELYRA_COUNT = "5 rows\n"


@pytest.mark.parametrize("file", ["weather.pipeline", "weather_v7.pipeline"])
def test_elyra_pipeline_imports_with_its_nodes_links_and_settings(copy_project, file):
    project = copy_project("elyra")
    out, notes = import_file(project / file, workspace=Workspace(project))
    assert out == project / (file + ".json")
    pipeline = Pipeline.load(out, workspace=Workspace(project))
    steps = {s.name: s for s in pipeline.steps}
    assert set(steps) == {"Load data", "clean.py", "Report", "Count rows"}
    assert steps["Load data"].kind == "notebook" and steps["clean.py"].kind == "python_script"
    upstream = {name: sorted(ups) for name, ups in pipeline.upstream().items()}
    assert upstream == {"Load data": [], "clean.py": ["Load data"],
                        "Report": ["Load data", "clean.py"], "Count rows": ["Load data"]}
    # env_vars (both shapes), with the pipeline default filled in where a node sets none
    assert steps["Load data"].environment["SCALE"] == "3"
    assert steps["clean.py"].environment["THRESHOLD"] == "4"
    assert steps["Load data"].environment["ELYRA_RUNTIME_ENV"] == "local"
    if file == "weather.pipeline":
        assert steps["Report"].environment["THRESHOLD"] == "0"
    files = json.loads(steps["Report"].environment["PIPELINE_WIDGET_FILES"])
    assert files["outputs"] == ["report.txt"]
    assert sorted(files["inputs"]) == ["clean_files", "load_data_files"]
    assert any("clean.py" in n and "cpu" in n and "mounted_volumes" in n for n in notes)
    # what Elyra needs and the runner ignores: in the file itself, nothing beside it
    assert sorted(p.name for p in project.iterdir() if p.name.startswith("weather")) == \
        sorted(["weather.pipeline", "weather_v7.pipeline", out.name])
    saved = json.loads(out.read_text())
    kept = {s["name"]: s.get("extensions", {}).get("elyra") for s in saved["steps"]}
    assert kept["clean.py"]["component_parameters"]["runtime_image"] == \
        "docker.io/library/python:3.11"
    assert kept["clean.py"]["component_parameters"]["mounted_volumes"]
    assert kept["Load data"]["ui_data"]["x_pos"] == 50
    assert steps["Load data"].extensions["elyra"] == kept["Load data"]
    assert saved["extensions"]["elyra"]["app_data"]["ui_data"]["comments"][0]["content"] == \
        "Load, then clean"
    assert pipeline.extensions == saved["extensions"]


def test_imported_elyra_pipeline_runs_with_the_outputs_elyra_gives(copy_project, cli):
    project = copy_project("elyra")
    code, out, err = cli("--workspace", project, "import", project / "weather.pipeline")
    assert code == 0, err
    assert "runtime_image" in out and "weather.pipeline.json" in out
    code, out, err = cli("--workspace", project, "run", project / "weather.pipeline.json")
    assert code == 0, out + err
    found = outputs(project)
    assert found["report_files"] == {"report.txt": ELYRA_REPORT}
    assert found["count_rows_files"] == {"count.txt": ELYRA_COUNT}
    assert found["load_data_files"]["data/raw.csv"].splitlines()[1:3] == ["1,3", "2,6"]
    # the notebooks ran unchanged; a dependent's placed files went to its working copy only
    assert not (project / "report.txt").exists() and not (project / "data").exists()
    code, out, err = cli("--workspace", project, "run", project / "weather.pipeline.json")
    assert code == 0 and "4 reused" in out


def test_a_dependent_gets_read_only_copies_and_the_project_file_of_that_name_is_untouched(
        copy_project, cli):
    project = copy_project("elyra")
    (project / "data").mkdir()
    (project / "data" / "clean.csv").write_text("mine, not the pipeline's\n")
    assert cli("--workspace", project, "import", project / "weather.pipeline")[0] == 0
    code, out, err = cli("--workspace", project, "run", project / "weather.pipeline.json")
    assert code == 0, out + err
    assert (project / "data" / "clean.csv").read_text() == "mine, not the pipeline's\n"
    placed = next((project / "pipeline_workspace" / "runs").glob("*/steps/Report-*/snapshot/data/clean.csv"))
    assert not os.access(placed, os.W_OK) or os.geteuid() == 0
    assert placed.stat().st_mode & 0o222 == 0
    assert outputs(project)["report_files"] == {"report.txt": ELYRA_REPORT}


def test_a_declared_output_the_node_does_not_write_fails_it_naming_the_file(copy_project, cli):
    project = copy_project("elyra")
    doc = json.loads((project / "weather.pipeline").read_text())
    doc["pipelines"][0]["nodes"][3]["app_data"]["component_parameters"]["outputs"] = ["nothing.txt"]
    (project / "weather.pipeline").write_text(json.dumps(doc))
    assert cli("--workspace", project, "import", project / "weather.pipeline")[0] == 0
    code, out, err = cli("--workspace", project, "run", project / "weather.pipeline.json",
                         "--continue-on-failure")
    assert code == 1
    assert "'nothing.txt'" in out + err and "did not write" in out + err


def _edit(project: Path, change) -> Path:
    doc = json.loads((project / "weather.pipeline").read_text())
    change(doc)
    (project / "weather.pipeline").write_text(json.dumps(doc))
    return project / "weather.pipeline"


@pytest.mark.parametrize("change, message", [
    (lambda d: d["pipelines"][0]["nodes"][0].update(op="bash-operator_BashOperator"),
     "runs only on its own runtime"),
    (lambda d: d["pipelines"][0]["nodes"][0]["app_data"]["component_parameters"].update(
        filename="../../outside.ipynb"), "leads outside the project folder"),
    (lambda d: d["pipelines"][0]["nodes"][0]["app_data"]["component_parameters"].update(
        outputs=["../escape.csv"]), "leads outside its folder"),
    (lambda d: d["pipelines"][0]["nodes"][0]["inputs"][0].update(
        links=[{"id": "x", "node_id_ref": "n-report", "port_id_ref": "outPort"}]), "cycle"),
    (lambda d: d["pipelines"][0]["app_data"].update(version=9), "version 9 is not supported"),
    (lambda d: d.update(primary_pipeline="nope"), "primary_pipeline 'nope'"),
    (lambda d: d["pipelines"][0]["nodes"][1]["app_data"]["component_parameters"].update(
        env_vars=[{"env_var": "BAD NAME", "value": "1"}]), "'BAD NAME' is not allowed"),
])
def test_bad_elyra_files_are_refused_naming_the_problem(copy_project, cli, change, message):
    project = copy_project("elyra")
    path = _edit(project, change)
    code, out, err = cli("--workspace", project, "import", path)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not (project / "weather.pipeline.json").exists()


def test_not_an_elyra_file_and_an_existing_output_are_refused(copy_project, cli):
    project = copy_project("elyra")
    (project / "broken.pipeline").write_text("{not json")
    code, _, err = cli("--workspace", project, "import", project / "broken.pipeline")
    assert code == 2 and "not valid JSON" in err
    assert cli("--workspace", project, "import", project / "weather.pipeline")[0] == 0
    before = (project / "weather.pipeline.json").read_bytes()
    code, _, err = cli("--workspace", project, "import", project / "weather.pipeline")
    assert code == 2 and "already exists" in err and "--force" in err
    assert (project / "weather.pipeline.json").read_bytes() == before
    assert cli("--workspace", project, "import", project / "weather.pipeline", "--force")[0] == 0


def test_file_passing_written_by_hand_that_is_malformed_is_refused_before_running(copy_project):
    project = copy_project("elyra")
    out, _ = import_file(project / "weather.pipeline", workspace=Workspace(project))
    data = json.loads(out.read_text())
    data["steps"][0]["environment"]["PIPELINE_WIDGET_FILES"] = "[1, 2]"
    out.write_text(json.dumps(data))
    pipeline = Pipeline.load(out, workspace=Workspace(project))
    run = pipeline.submit("bad-files", only=["Load data"])
    assert run.wait_for_completion(show_output=False) == "Failed"
    step = run.get_step("Load data")
    assert step.error is not None
    assert "PIPELINE_WIDGET_FILES must be JSON" in step.error.message


def test_import_refuses_a_missing_file_and_an_unknown_format(tmp_path):
    with pytest.raises(PipelineError, match="not found"):
        import_file(tmp_path / "nope.pipeline")
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(PipelineError, match="none of the formats"):
        import_file(tmp_path / "x.txt")


def test_an_r_node_becomes_a_command_step_and_goes_back_as_an_r_node(copy_project):
    from pipeline_widget.interop import export_file

    project = copy_project("elyra")
    (project / "plot.r").write_text("write('plotted', 'plot.txt')\n")

    def add_r(doc):
        nodes = doc["pipelines"][0]["nodes"]
        r = json.loads(json.dumps(nodes[3]))
        r.update(id="n-plot", op="execute-r-node")
        r["app_data"].update(label="Plot")
        r["app_data"]["component_parameters"].update(filename="plot.r", outputs=[],
                                                     dependencies=["*.csv"])
        nodes.append(r)
    _edit(project, add_r)
    out, _ = import_file(project / "weather.pipeline", workspace=Workspace(project))
    step = Pipeline.load(out, workspace=Workspace(project)).step("Plot")
    assert step.kind == "command" and step.command == "Rscript plot.r"
    assert step.dependencies == [str(project / "*.csv")]
    export_file(out, "elyra", project / "back.pipeline", workspace=Workspace(project))
    nodes = {n["id"]: n for n in json.loads((project / "back.pipeline").read_text())[
        "pipelines"][0]["nodes"]}
    params = nodes["n-plot"]["app_data"]["component_parameters"]
    assert nodes["n-plot"]["op"] == "execute-r-node"
    assert params["filename"] == "plot.r" and params["dependencies"] == ["*.csv"]
