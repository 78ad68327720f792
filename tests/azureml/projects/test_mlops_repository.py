"""An MLOps-style repository, as v1 templates lay them out: a build script that publishes
the training pipeline, a run script that submits the published pipeline by id from another
process with a build id tag, steps that read `run.parent`, register a model tagged with
the build id, and a later script that finds the model by that tag."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.azureml.conftest import azureml_cli

BUILD = textwrap.dedent('''
    import argparse, json
    from azureml.core import Dataset, Environment, Workspace
    from azureml.core.compute import AmlCompute, ComputeTarget
    from azureml.core.compute_target import ComputeTargetException
    from azureml.core.runconfig import RunConfiguration
    from azureml.pipeline.core import Pipeline, PipelineData, PipelineParameter
    from azureml.pipeline.steps import PythonScriptStep

    cli = argparse.ArgumentParser()
    cli.add_argument("--version", default="1")
    args = cli.parse_args()
    ws = Workspace.from_config()
    try:
        target = ComputeTarget(workspace=ws, name="train-cluster")
    except ComputeTargetException:
        target = ComputeTarget.create(ws, "train-cluster",
                                      AmlCompute.provisioning_configuration(vm_size="STANDARD_D2_V2",
                                                                            max_nodes=2))
        target.wait_for_completion(show_output=True)
    env = Environment.from_pip_requirements("train-env", "requirements.txt")
    env.environment_variables = {"MODEL_KIND": "mean"}
    env.register(ws)
    runconfig = RunConfiguration()
    runconfig.environment = Environment.get(ws, "train-env")
    Dataset.Tabular.from_delimited_files("data/houses.csv").register(
        ws, "houses", create_new_version=True)
    model_name = PipelineParameter("model_name", default_value="house-model")
    scale = PipelineParameter("scale", default_value=1.0)
    features = PipelineData("features", datastore=ws.get_default_datastore())
    prep = PythonScriptStep(name="prepare", script_name="prepare.py", source_directory="src",
                            inputs=[Dataset.get_by_name(ws, "houses").as_named_input("houses")],
                            outputs=[features], arguments=["--out", features],
                            compute_target=target, runconfig=runconfig)
    train = PythonScriptStep(name="train", script_name="train.py", source_directory="src",
                             inputs=[features],
                             arguments=["--data", features, "--model-name", model_name,
                                        "--scale", scale],
                             compute_target=target, runconfig=runconfig, allow_reuse=False)
    pipeline = Pipeline(ws, steps=[train])    # prepare comes in as train's producer
    assert pipeline.validate() == []
    published = pipeline.publish(name="training", description="train the house model",
                                 version=args.version)
    print("PUBLISHED", published.id, published.name, published.version)
    json.dump({"id": published.id}, open("published.json", "w"))
''')

PREPARE = textwrap.dedent('''
    import argparse, os
    from azureml.core import Run
    from utils.columns import FEATURES

    run = Run.get_context()
    table = run.input_datasets["houses"].to_pandas_dataframe()
    cli = argparse.ArgumentParser()
    cli.add_argument("--out")
    out = cli.parse_args().out
    table[FEATURES].to_csv(os.path.join(out, "features.csv"), index=False)
    run.parent.log("rows", len(table))
''')

TRAIN = textwrap.dedent('''
    import argparse, json, os
    import pandas as pd
    from azureml.core import Run
    from azureml.core.model import Model

    cli = argparse.ArgumentParser()
    cli.add_argument("--data")
    cli.add_argument("--model-name")
    cli.add_argument("--scale", type=float)
    a = cli.parse_args()
    run = Run.get_context()
    tags = run.parent.get_tags()
    rows = pd.read_csv(os.path.join(a.data, "features.csv"))
    os.makedirs("outputs", exist_ok=True)
    with open("outputs/model.json", "w") as f:
        json.dump({"mean_price": float(rows["price"].mean()) * a.scale,
                   "kind": os.environ.get("MODEL_KIND", "unset")}, f)
    run.log("mean_price", float(rows["price"].mean()) * a.scale)
    run.parent.tag("trained", "yes")
    model = run.register_model(model_name=a.model_name, model_path="outputs/model.json",
                               tags={"build_id": tags.get("BuildId", "none")})
    print("REGISTERED", model.name, model.version, run.experiment.name,
          run.experiment.workspace.name)
''')

RUN = textwrap.dedent('''
    import argparse, json
    from azureml.core import Experiment, Workspace
    from azureml.pipeline.core import PublishedPipeline

    cli = argparse.ArgumentParser()
    cli.add_argument("--build-id")
    args = cli.parse_args()
    ws = Workspace.from_config()
    published = PublishedPipeline.get(ws, id=json.load(open("published.json"))["id"])
    run = Experiment(ws, "house-training").submit(
        published, tags={"BuildId": args.build_id},
        pipeline_parameters={"model_name": "house-model", "scale": 2.0})
    print("SUBMITTED", run.id, run.get_tags())
''')

LOOKUP = textwrap.dedent('''
    import sys
    from azureml.core import Model, Workspace
    ws = Workspace.from_config()
    (model,) = Model.list(ws, name="house-model", tags=[["build_id", sys.argv[1]]], latest=True)
    print("FOUND", model.name, model.version, model.tags["build_id"])
    print("PATH", Model.get_model_path("house-model", _workspace=ws))
    print("LATEST", Model(ws, "house-model").version, Model(ws, "house-model", version=1).tags)
    print("RUNS", [r.get_tags()["BuildId"] for r in ws.experiments["house-training"].get_runs()])
''')


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    repo = tmp_path / "mlops"
    (repo / "src" / "utils").mkdir(parents=True)
    (repo / "data").mkdir()
    (repo / ".azureml").mkdir()
    (repo / ".azureml" / "config.json").write_text(json.dumps(
        {"subscription_id": "sub", "resource_group": "rg", "workspace_name": "houses-ws"}))
    (repo / "data" / "houses.csv").write_text("rooms,price,street\n3,100,a\n4,200,b\n")
    (repo / "requirements.txt").write_text("pandas\n")
    (repo / "src" / "utils" / "__init__.py").write_text("")
    (repo / "src" / "utils" / "columns.py").write_text("FEATURES = ['rooms', 'price']\n")
    (repo / "src" / "prepare.py").write_text(PREPARE)
    (repo / "src" / "train.py").write_text(TRAIN)
    (repo / "build_pipeline.py").write_text(BUILD)
    (repo / "run_pipeline.py").write_text(RUN)
    (repo / "find_model.py").write_text(LOOKUP)
    return repo


def test_build_publishes_and_a_second_process_runs_it_by_id_with_tags(repository):
    built = azureml_cli(repository, "build_pipeline.py", "--version", "7")
    assert built.returncode == 0, built.stdout + built.stderr
    assert "PUBLISHED" in built.stdout and "training 7" in built.stdout
    ran = azureml_cli(repository, "run_pipeline.py", "--build-id", "b42")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "{'BuildId': 'b42'}" in ran.stdout   # tags given at submit are on the run
    run_id = ran.stdout.split("SUBMITTED ")[1].split()[0]
    record = json.loads((repository / "pipeline_workspace" / "runs" / run_id / "run.json")
                        .read_text())
    # the script never waited: the command did, and both steps ran
    assert {n: s["status"] for n, s in record["steps"].items()} == {
        "prepare": "Finished", "train": "Finished"}
    assert record["parameters"] == {"model_name": "house-model", "scale": 2.0}
    found = azureml_cli(repository, "find_model.py", "b42")
    assert found.returncode == 0, found.stdout + found.stderr
    assert "FOUND house-model 1 b42" in found.stdout
    assert "LATEST 1 {'build_id': 'b42'}" in found.stdout
    assert "RUNS ['b42']" in found.stdout
    path = Path(found.stdout.split("PATH ")[1].split()[0])
    assert json.loads(path.read_text()) == {"mean_price": 300.0,   # 150 x scale 2.0
                                            "kind": "mean"}   # the environment's variable
    # the run's tags, given at submit and set by a step, are kept in its record; what the
    # steps logged on it in the workspace
    record = json.loads((repository / "pipeline_workspace" / "runs" / run_id / "run.json")
                        .read_text())
    assert record["tags"] == {"BuildId": "b42", "trained": "yes"}
    runs = json.loads((repository / "pipeline_workspace" / "azureml" / "runs.json").read_text())
    assert "tags" not in runs.get(run_id, {})
    assert runs[run_id]["metrics"] == {"rows": [2]}


def test_the_registries_command_lists_the_published_pipeline_and_the_model(repository):
    assert azureml_cli(repository, "build_pipeline.py").returncode == 0
    assert azureml_cli(repository, "run_pipeline.py", "--build-id", "b1").returncode == 0
    import subprocess

    from tests.conftest import PYTHON

    listed = subprocess.run([PYTHON, "-m", "pipeline_widget", "registries"], cwd=repository,
                            capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr
    assert "pipelines:" in listed.stdout and "training" in listed.stdout
    assert "house-model  1" in listed.stdout and "build_id=b1" in listed.stdout
    assert "train-env  1" in listed.stdout
