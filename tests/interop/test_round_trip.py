"""Import -> save -> export gives back an Elyra file with what Elyra needs (node ids, ops,
files, links, variables, outputs, runtime settings, positions, comments), and the designer
shows an imported pipeline like one of its own."""
from __future__ import annotations

import json

import pytest

from pipeline_widget import Pipeline, PipelineDesigner, Workspace
from pipeline_widget.interop import export_file, import_file


def _nodes(doc: dict) -> dict[str, dict]:
    return {n["id"]: n for n in doc["pipelines"][0]["nodes"]}


def _links(node: dict) -> list[str]:
    return sorted(link["node_id_ref"] for port in node["inputs"] for link in port.get("links", []))


def _env(params: dict) -> dict[str, str]:
    return {(e["env_var"] if isinstance(e, dict) else e.partition("=")[0]):
            (e["value"] if isinstance(e, dict) else e.partition("=")[2])
            for e in params.get("env_vars", [])}


@pytest.mark.parametrize("file", ["weather.pipeline", "weather_v7.pipeline"])
def test_import_save_export_gives_back_the_elyra_pipeline(copy_project, file):
    project = copy_project("elyra")
    ws = Workspace(project)
    original = json.loads((project / file).read_text())
    saved, _ = import_file(project / file, workspace=ws)
    Pipeline.load(saved, workspace=ws).save(saved)   # as the designer saves it
    back = project / "back.pipeline"
    notes = export_file(saved, "elyra", back, workspace=ws)
    doc = json.loads(back.read_text())
    assert doc["doc_type"] == "pipeline" and doc["version"] == "3.0"
    assert doc["primary_pipeline"] == original["primary_pipeline"] and doc["id"] == original["id"]
    primary = doc["pipelines"][0]
    assert primary["app_data"]["version"] == 8
    assert primary["app_data"]["ui_data"]["comments"] == \
        original["pipelines"][0]["app_data"]["ui_data"]["comments"]
    assert primary["app_data"]["properties"]["name"] == "weather"
    before, after = _nodes(original), _nodes(doc)
    assert set(after) == set(before)
    defaults = _env(original["pipelines"][0]["app_data"]["properties"].get(
        "pipeline_defaults", {}))
    for node_id, node in before.items():
        mine, theirs = after[node_id]["app_data"], node["app_data"]
        params, original_params = mine["component_parameters"], theirs["component_parameters"]
        assert after[node_id]["op"] == node["op"]
        assert params["filename"] == original_params["filename"]
        assert params["outputs"] == original_params["outputs"]
        assert params["runtime_image"] == original_params["runtime_image"]
        assert {**defaults, **_env(original_params)} == _env(params)
        assert all(isinstance(e, dict) for e in params["env_vars"])   # version 8's shape
        assert _links(after[node_id]) == _links(node)
        assert mine["ui_data"]["x_pos"] == theirs["ui_data"]["x_pos"]
        assert mine["label"] == theirs["label"]
    clean = after["n-clean"]["app_data"]["component_parameters"]
    assert clean["cpu"] == 2 and clean["memory"] == 4
    assert clean["mounted_volumes"] == [{"path": "/mnt/data", "pvc_name": "data-pvc"}]
    if file == "weather_v7.pipeline":
        assert any("version 8" in n for n in notes)


def test_an_exported_file_imports_again_to_the_same_pipeline(copy_project):
    project = copy_project("elyra")
    ws = Workspace(project)
    first, _ = import_file(project / "weather.pipeline", workspace=ws)
    export_file(first, "elyra", project / "again.pipeline", workspace=ws)
    second, _ = import_file(project / "again.pipeline", workspace=ws)
    one = json.loads(first.read_text())
    two = json.loads(second.read_text())
    def by_name(doc: dict) -> dict:
        return {s["name"]: s for s in doc["steps"]}
    assert by_name(one) == by_name(two) and one["data"] == two["data"]


def test_a_pipeline_of_our_own_exports_to_elyra_and_says_what_elyra_cannot_hold(seed_copy):
    ws = Workspace(seed_copy.parent.parent)
    out = seed_copy.parent / "seed.pipeline"
    notes = export_file(seed_copy, "elyra", out, workspace=ws)
    doc = json.loads(out.read_text())
    nodes = doc["pipelines"][0]["nodes"]
    assert [n["op"] for n in nodes] == ["execute-python-node", "execute-notebook-node"]
    assert nodes[0]["app_data"]["component_parameters"]["filename"] == "../steps/data_prep.py"
    assert _links(nodes[1]) == [nodes[0]["id"]]
    assert any("PipelineData folders are not passed" in n for n in notes)
    assert any("notebook parameters are not exported" in n for n in notes)


def test_the_designer_shows_an_imported_pipeline_like_its_own(copy_project):
    project = copy_project("elyra")
    saved, _ = import_file(project / "weather.pipeline", workspace=Workspace(project))
    designer = PipelineDesigner.load(saved, workspace=Workspace(project))
    try:
        assert sorted(designer.canvas.node_ids) == sorted(["Load data", "clean.py", "Report",
                                                           "Count rows"])
        assert not [p for p in designer.problems if not p.warning]
        edges = {(e.data["source"], e.data["target"]) for e in designer.canvas._edges.values()}
        assert ("Load data", "clean.py") in edges and ("clean.py", "Report") in edges
    finally:
        designer.close()


def test_an_imported_ploomber_project_exports_back_to_its_tasks(copy_project, cli):
    import yaml

    project = copy_project("ploomber")
    assert cli("--workspace", project, "import", project / "pipeline.yaml")[0] == 0
    saved = project / "pipeline.pipeline.json"
    Pipeline.load(saved, workspace=Workspace(project)).save(saved)
    code, _, err = cli("--workspace", project, "export", saved, "--to", "ploomber",
                       project / "pipeline.exported.yaml")
    assert code == 0, err
    tasks = yaml.safe_load((project / "pipeline.exported.yaml").read_text())["tasks"]
    assert [t["source"] for t in tasks] == ["tasks/get.ipynb", "tasks/clean.py",
                                            "tasks/summarize.py"]
    assert tasks[0]["product"] == {"nb": "products/get.ipynb", "data": "products/data/get.csv"}
    assert tasks[1]["params"] == {"limit": 16}
    assert all("name" not in t for t in tasks)   # each is its file's stem, as Ploomber names it


def test_a_pipeline_not_from_ploomber_is_not_exported_to_it(seed_copy, cli, tmp_path):
    code, _, err = cli("--workspace", seed_copy.parent.parent, "export", seed_copy, "--to",
                       "ploomber", tmp_path / "pipeline.yaml")
    assert code == 2 and "was not imported from Ploomber" in err


def test_a_step_renamed_in_the_designer_keeps_its_elyra_settings_in_the_export(copy_project):
    """What Elyra needs travels with the step in the file itself, so an edit that renames
    the step (and an undo and redo of it) loses nothing of it."""
    from pipeline_widget.core import editing

    project = copy_project("elyra")
    ws = Workspace(project)
    original = _nodes(json.loads((project / "weather.pipeline").read_text()))["n-clean"]
    saved, _ = import_file(project / "weather.pipeline", workspace=ws)
    designer = PipelineDesigner.load(saved, workspace=ws)
    try:
        assert designer.edit("rename", lambda: editing.rename_step(
            designer.pipeline, "clean.py", "Clean the data"))
        assert designer.undo() and designer.redo()
        designer.save(saved)
    finally:
        designer.close()
    export_file(saved, "elyra", project / "back.pipeline", workspace=ws)
    node = _nodes(json.loads((project / "back.pipeline").read_text()))["n-clean"]
    params, before = node["app_data"]["component_parameters"], \
        original["app_data"]["component_parameters"]
    assert params["runtime_image"] == before["runtime_image"] and params["cpu"] == before["cpu"]
    assert params["mounted_volumes"] == [{"path": "/mnt/data", "pvc_name": "data-pvc"}]
    assert node["app_data"]["ui_data"]["x_pos"] == original["app_data"]["ui_data"]["x_pos"]
    assert node["app_data"]["ui_data"]["label"] == "Clean the data"
    assert _links(node) == _links(original)
