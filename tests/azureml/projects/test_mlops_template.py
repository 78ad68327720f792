"""A repository laid out as v1 MLOps templates are: helper modules under ml_service/util, the
build and run scripts run as modules (-m) with settings from environment variables, a
train / evaluate / register pipeline whose evaluate step cancels the pipeline run when the
new model is no better than the registered one, and a register step that tags the model
with the run's build id."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.conftest import PYTHON

FILES = {
    "ml_service/__init__.py": "",
    "ml_service/util/__init__.py": "",
    "ml_service/util/env_variables.py": '''
import os
class Env:
    def __init__(self):
        self.pipeline_name = os.environ.get("PIPELINE_NAME", "house-train")
        self.build_id = os.environ.get("BUILD_ID", "local")
        self.experiment_name = os.environ.get("EXPERIMENT_NAME", "house-exp")
        self.model_name = os.environ.get("MODEL_NAME", "house-model")
        self.compute_name = os.environ.get("COMPUTE_NAME", "train-cluster")
        self.noise = os.environ.get("NOISE", "0")
''',
    "ml_service/util/attach_compute.py": '''
from azureml.core.compute import AmlCompute, ComputeTarget
def get_compute(workspace, compute_name, vm_size):
    if compute_name in workspace.compute_targets:
        compute_target = workspace.compute_targets[compute_name]
        if compute_target and type(compute_target) is AmlCompute:
            print("Found existing compute target " + compute_name)
    else:
        config = AmlCompute.provisioning_configuration(vm_size=vm_size, vm_priority="lowpriority",
                                                       min_nodes=0, max_nodes=2,
                                                       idle_seconds_before_scaledown="300")
        compute_target = ComputeTarget.create(workspace, compute_name, config)
        compute_target.wait_for_completion(show_output=True, min_node_count=None,
                                           timeout_in_minutes=10)
    return compute_target
''',
    "ml_service/util/manage_environment.py": '''
import os
from azureml.core import Environment
def get_environment(workspace, environment_name, conda_file, create_new=False):
    environments = Environment.list(workspace=workspace)
    restored = None
    for env in environments:
        if env == environment_name:
            restored = environments[environment_name]
    if restored is None or create_new:
        new_env = Environment.from_conda_specification(environment_name, conda_file)
        new_env.docker.enabled = True
        restored = new_env.register(workspace)
    return restored
''',
    "ml_service/pipelines/__init__.py": "",
    "ml_service/pipelines/build_train_pipeline.py": '''
from azureml.core import Dataset, Workspace
from azureml.core.runconfig import RunConfiguration
from azureml.pipeline.core import Pipeline, PipelineData, PipelineParameter
from azureml.pipeline.steps import PythonScriptStep
from ml_service.util.attach_compute import get_compute
from ml_service.util.env_variables import Env
from ml_service.util.manage_environment import get_environment

def main():
    e = Env()
    ws = Workspace.from_config()
    compute = get_compute(ws, e.compute_name, "STANDARD_DS2_V2")
    run_config = RunConfiguration()
    run_config.environment = get_environment(ws, "house-env", "house/conda.yml")
    store = ws.get_default_datastore()
    store.upload_files(["data/houses.csv"], target_path="houses", overwrite=True)
    dataset = Dataset.Tabular.from_delimited_files(path=[(store, "houses/houses.csv")])
    dataset = dataset.register(workspace=ws, name="houses", description="training data",
                               tags={"format": "CSV"}, create_new_version=True)
    model_name = PipelineParameter(name="model_name", default_value=e.model_name)
    noise = PipelineParameter(name="noise", default_value=0.0)
    model_folder = PipelineData("model_folder", datastore=store)
    train = PythonScriptStep(name="Train Model", script_name="training/train_aml.py",
                             compute_target=compute, source_directory="house",
                             outputs=[model_folder],
                             arguments=["--model_name", model_name, "--step_output",
                                        model_folder, "--dataset_name", "houses",
                                        "--noise", noise],
                             runconfig=run_config, allow_reuse=True)
    evaluate = PythonScriptStep(name="Evaluate Model ", script_name="evaluate/evaluate_model.py",
                                compute_target=compute, source_directory="house",
                                arguments=["--model_name", model_name], runconfig=run_config,
                                allow_reuse=False)
    register = PythonScriptStep(name="Register Model ", script_name="register/register_model.py",
                                compute_target=compute, source_directory="house",
                                inputs=[model_folder],
                                arguments=["--model_name", model_name, "--step_input",
                                           model_folder],
                                runconfig=run_config, allow_reuse=False)
    evaluate.run_after(train)
    register.run_after(evaluate)
    train_pipeline = Pipeline(workspace=ws, steps=[register])
    train_pipeline._set_experiment_name
    train_pipeline.validate()
    published = train_pipeline.publish(name=e.pipeline_name, description="train houses",
                                       version=e.build_id)
    print(f"Published pipeline: {published.name} for build {published.version}")

if __name__ == "__main__":
    main()
''',
    "ml_service/pipelines/run_train_pipeline.py": '''
import argparse
from azureml.core import Experiment, Workspace
from azureml.pipeline.core import PublishedPipeline
from ml_service.util.env_variables import Env

def main():
    cli = argparse.ArgumentParser()
    cli.add_argument("--noise", type=float, default=0.0)
    args = cli.parse_args()
    e = Env()
    ws = Workspace.from_config()
    matched = [p for p in PublishedPipeline.list(ws)
               if p.name == e.pipeline_name and p.version == e.build_id]
    if len(matched) != 1:
        raise KeyError(f"no published pipeline {e.pipeline_name} for build {e.build_id}")
    experiment = Experiment(workspace=ws, name=e.experiment_name)
    run = experiment.submit(matched[0], tags={"BuildId": e.build_id},
                            pipeline_parameters={"model_name": e.model_name,
                                                 "noise": args.noise})
    print("Pipeline run initiated", run.id)

if __name__ == "__main__":
    main()
''',
    "house/conda.yml": """
name: house
dependencies:
- python=3.8
- pip:
  - pandas
""",
    "house/training/train_aml.py": '''
import argparse, json, os
from azureml.core import Dataset
from azureml.core.run import Run
from training.train import fit   # from the step's source folder

run = Run.get_context()
ws = run.experiment.workspace
cli = argparse.ArgumentParser()
for name in ("--model_name", "--step_output", "--dataset_name", "--noise"):
    cli.add_argument(name)
a = cli.parse_args()
dataset = Dataset.get_by_name(workspace=ws, name=a.dataset_name)
run.parent.tag("dataset_id", value=dataset.id)
model, mse = fit(dataset.to_pandas_dataframe(), float(a.noise))
run.log("mse", mse)
run.parent.log("mse", mse)
with open(os.path.join(a.step_output, "model.json"), "w") as f:
    json.dump(model, f)
run.tag("run_type", value="train")
run.complete()
''',
    "house/training/__init__.py": "",
    "house/training/train.py": '''
def fit(frame, noise):
    mean = float(frame["price"].mean())
    mse = float(((frame["price"] - mean) ** 2).mean()) + noise
    return {"mean": mean}, mse
''',
    "house/evaluate/evaluate_model.py": '''
import argparse
from azureml.core import Model
from azureml.core.run import Run
run = Run.get_context()
ws = run.experiment.workspace
cli = argparse.ArgumentParser(); cli.add_argument("--model_name"); a = cli.parse_args()
new_mse = run.parent.get_metrics().get("mse")
current = Model.list(ws, name=a.model_name, latest=True)
if current and float(current[0].tags["mse"]) <= new_mse:
    print("the new model is no better: canceling the pipeline run")
    run.parent.cancel()
    import time; time.sleep(30)
else:
    print("the new model is better")
''',
    "house/register/register_model.py": '''
import argparse, os
from azureml.core import Model
from azureml.core.run import Run
run = Run.get_context()
ws = run.experiment.workspace
cli = argparse.ArgumentParser(); cli.add_argument("--model_name"); cli.add_argument("--step_input")
a = cli.parse_args()
tags = {**run.parent.get_tags(), "mse": run.parent.get_metrics()["mse"]}
model = Model.register(workspace=ws, model_path=os.path.join(a.step_input, "model.json"),
                       model_name=a.model_name, tags=tags, description="house prices")
print("registered", model.name, model.version, model.tags)
''',
    "data/houses.csv": """
rooms,price
3,100
4,200
5,300
""",
}


def _cli(repo: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "-m", "pipeline_widget", "azureml", *args], cwd=repo,
                          capture_output=True, text=True, timeout=180,
                          env={**os.environ, **env})


def test_build_and_run_modules_with_an_evaluate_step_that_cancels(tmp_path):
    repo = tmp_path / "mlops"
    for name, text in FILES.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text.lstrip("\n"))
    (repo / ".azureml").mkdir()
    (repo / ".azureml" / "config.json").write_text('{"workspace_name": "mlops-ws"}')

    built = _cli(repo, "-m", "ml_service.pipelines.build_train_pipeline", BUILD_ID="101")
    assert built.returncode == 0, built.stdout + built.stderr
    assert "Published pipeline: house-train for build 101" in built.stdout
    first = _cli(repo, "-m", "ml_service.pipelines.run_train_pipeline", BUILD_ID="101")
    assert first.returncode == 0, first.stdout + first.stderr
    models = json.loads((repo / "pipeline_workspace" / "azureml" / "models.json").read_text())
    (v1,) = models["house-model"]
    assert v1["tags"]["BuildId"] == "101" and "dataset_id" in v1["tags"]

    # a worse model: the evaluate step cancels the run, nothing more is registered
    worse = _cli(repo, "-m", "ml_service.pipelines.run_train_pipeline", "--noise", "5",
                 BUILD_ID="101")
    assert worse.returncode == 0, worse.stdout + worse.stderr
    run_id = worse.stdout.split("Pipeline run initiated ")[1].split()[0]
    record = json.loads((repo / "pipeline_workspace" / "runs" / run_id / "run.json").read_text())
    assert record["status"] == "Canceled"
    assert record["steps"]["Register Model "]["status"] in ("Canceled", "NotStarted")
    models = json.loads((repo / "pipeline_workspace" / "azureml" / "models.json").read_text())
    assert len(models["house-model"]) == 1
