"""v1-style projects, in this project's own words: scripts that use `azureml.core.Run`, and
pipeline scripts that build and submit v1 pipelines."""
from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.conftest import PYTHON

CLEAN = textwrap.dedent('''
    import argparse, os
    from azureml.core import Run

    context = Run.get_context()
    table = context.input_datasets["measurements"].to_pandas_dataframe()
    cli = argparse.ArgumentParser()
    cli.add_argument("--out")
    out = cli.parse_args().out
    os.makedirs(out, exist_ok=True)
    table[["height", "weight"]].to_csv(os.path.join(out, "clean.csv"), index=False)
    context.log("rows_in", len(table))
''')

FIT = textwrap.dedent('''
    import argparse, os
    import pandas as pd
    from azureml.core import Run

    cli = argparse.ArgumentParser()
    cli.add_argument("--data")
    cli.add_argument("--scale", type=float, default=1.0)
    a = cli.parse_args()
    rows = pd.read_csv(os.path.join(a.data, "clean.csv"))
    Run.get_context().log("mean_height", float(rows["height"].mean()) * a.scale)
    os.makedirs("outputs", exist_ok=True)
    open(os.path.join("outputs", "model.txt"), "w").write(str(len(rows)))
''')

TWO_STEPS = textwrap.dedent('''
    from azureml.core import Dataset, Experiment, Workspace
    from azureml.core.runconfig import RunConfiguration
    from azureml.pipeline.core import Pipeline, PipelineData
    from azureml.pipeline.steps import EstimatorStep, PythonScriptStep
    from azureml.train.estimator import Estimator

    workspace = Workspace.from_config()
    table = Dataset.Tabular.from_delimited_files(path="data/people.csv")
    table.register(workspace=workspace, name="people", create_new_version=True)
    people = Dataset.get_by_name(workspace, "people")
    store = workspace.get_default_datastore()
    cleaned = PipelineData("cleaned", datastore=store)

    clean = PythonScriptStep(name="clean", script_name="clean.py", source_directory="code",
                             compute_target="cpu-cluster", runconfig=RunConfiguration(),
                             inputs=[people.as_named_input("measurements")], outputs=[cleaned],
                             arguments=["--out", cleaned])
    fitter = Estimator(source_directory="code", entry_script="fit.py",
                       compute_target="cpu-cluster", pip_packages=["pandas"])
    fit = EstimatorStep(name="fit", estimator=fitter, inputs=[cleaned],
                        estimator_entry_script_arguments=["--data", cleaned],
                        compute_target="cpu-cluster")
    run = Experiment(workspace, "people").submit(Pipeline(workspace, [clean, fit]))
    run.wait_for_completion(show_output=False)
    print("STATUS", run.get_status())
    print("METRICS", run.find_step_run("fit")[0].get_metrics())
''')


@pytest.fixture
def v1_project(tmp_path: Path) -> Path:
    project = tmp_path / "v1"
    (project / "code").mkdir(parents=True)
    (project / "data").mkdir()
    (project / "data" / "people.csv").write_text("height,weight,name\n170,60,a\n180,80,b\n")
    (project / "code" / "clean.py").write_text(CLEAN)
    (project / "code" / "fit.py").write_text(FIT)
    (project / "two_steps.py").write_text(TWO_STEPS)
    (project / ".azureml").mkdir()
    (project / ".azureml" / "config.json").write_text(
        '{"subscription_id": "s", "resource_group": "g", "workspace_name": "people-ws"}')
    return project


def azureml_cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "-m", "pipeline_widget", "azureml", *args], cwd=project,
                          capture_output=True, text=True, timeout=300)
