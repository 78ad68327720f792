"""A whole v1-style notebook, run with `pipeline-widget azureml NOTEBOOK.ipynb` as Run All
would: SDK version and workspace cells, compute provisioning, %%writefile cells for the
step scripts, datasets from a glob and from a URL (a local HTTP server on 127.0.0.1), a
DataPath parameter overridden at submit, a HyperDrive step, a ParallelRunStep that scores
a batch, RunDetails, and a last cell that asks the sweep for its best run."""
from __future__ import annotations

import functools
import http.server
import json
import threading
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tests.azureml.conftest import azureml_cli

TRAIN = '''%%writefile scripts/train.py
import argparse
from azureml.core import Run
cli = argparse.ArgumentParser()
cli.add_argument("--alpha", type=float)
cli.add_argument("--depth", type=int)
a = cli.parse_args()
run = Run.get_context()
run.log("accuracy", 1.0 - abs(a.alpha - 0.5) - 0.01 * a.depth)
import os, json
os.makedirs("outputs", exist_ok=True)
json.dump({"alpha": a.alpha, "depth": a.depth}, open("outputs/model.json", "w"))
'''

SCORE = '''%%writefile scripts/score.py
import os
model = None
def init():
    global model
    model = "words"
def run(mini_batch):
    rows = []
    for path in mini_batch:
        with open(path) as f:
            rows.append(f"{os.path.basename(path)},{len(f.read().split())},{model}")
    return rows
'''

PREP = '''%%writefile scripts/prep.py
import argparse, os
cli = argparse.ArgumentParser()
cli.add_argument("--input")
cli.add_argument("--out")
a = cli.parse_args()
names = sorted(os.listdir(a.input))
open(os.path.join(a.out, "seen.txt"), "w").write(",".join(names))
'''

TABLE = '''%%writefile scripts/table.py
from azureml.core import Run
run = Run.get_context()
frame = run.input_datasets["prices"].to_pandas_dataframe()
run.log("rows", len(frame))
run.log("total", int(frame["price"].sum()))
'''

PIPELINE = '''
from azureml.core import Dataset, Experiment, ScriptRunConfig
from azureml.data.datapath import DataPath, DataPathComputeBinding
from azureml.pipeline.core import Pipeline, PipelineData, PipelineParameter, TrainingOutput
from azureml.pipeline.steps import (HyperDriveStep, ParallelRunConfig, ParallelRunStep,
                                    PythonScriptStep)
from azureml.train.hyperdrive import (BanditPolicy, GridParameterSampling, HyperDriveConfig,
                                      PrimaryMetricGoal, choice)

store = ws.get_default_datastore()
store.upload("inputs", target_path="inputs", overwrite=True, show_progress=False)
texts = Dataset.File.from_files(path="batch/*.txt")
prices = Dataset.Tabular.from_delimited_files(path="URL")

input_path = PipelineParameter("input_path", default_value=DataPath(store, "inputs/a"))
seen = PipelineData("seen", datastore=store)
prep = PythonScriptStep(name="prep", script_name="prep.py", source_directory="scripts",
                        inputs=[(input_path, DataPathComputeBinding(mode="mount"))],
                        arguments=["--input", input_path, "--out", seen], outputs=[seen],
                        compute_target=cluster)

table = PythonScriptStep(name="table", script_name="table.py", source_directory="scripts",
                         inputs=[prices.as_named_input("prices")], compute_target=cluster)

sweep_config = HyperDriveConfig(
    run_config=ScriptRunConfig(source_directory="scripts", script="train.py",
                               compute_target=cluster),
    hyperparameter_sampling=GridParameterSampling({"--alpha": choice(0.2, 0.5),
                                                   "--depth": choice(1, 3)}),
    policy=BanditPolicy(evaluation_interval=1, slack_factor=0.1),
    primary_metric_name="accuracy", primary_metric_goal=PrimaryMetricGoal.MAXIMIZE,
    max_total_runs=4, max_concurrent_runs=2)
metrics = PipelineData("sweep_metrics", datastore=store)
best_model = PipelineData("best_model", datastore=store,
                          training_output=TrainingOutput("Model", model_file="outputs/model.json"))
sweep = HyperDriveStep(name="sweep", hyperdrive_config=sweep_config, outputs=[best_model],
                       metrics_output=metrics)

scores = PipelineData("scores", datastore=store)
score_config = ParallelRunConfig(source_directory="scripts", entry_script="score.py",
                                 mini_batch_size="2", error_threshold=0,
                                 output_action="append_row", environment=None,
                                 compute_target=cluster, node_count=1,
                                 process_count_per_node=2)
score = ParallelRunStep(name="score", parallel_run_config=score_config,
                        inputs=[texts.as_named_input("texts")], output=scores)
pipeline = Pipeline(workspace=ws, steps=[prep, table, sweep, score])
run = Experiment(ws, "v1-notebook").submit(
    pipeline, pipeline_parameters={"input_path": DataPath(store, "inputs/b")})
print("RUN", run.id)
'''

BEST = '''
from azureml.train.hyperdrive import HyperDriveStepRun
run.wait_for_completion(show_output=False)
sweep_run = HyperDriveStepRun(run.find_step_run("sweep")[0])
best = sweep_run.get_best_run_by_primary_metric()
print("BEST", round(best.get_metrics()["accuracy"], 3),
      best.get_details()["runDefinition"]["arguments"])
print("RANKED", [round(r["best_primary_metric"], 3)
                 for r in sweep_run.get_children_sorted_by_primary_metric()])
'''


def _notebook(path: Path, url: str) -> None:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python38-azureml", "display_name": "Python 3.8 - AzureML",
                                 "language": "python"}
    nb.cells = [
        new_markdown_cell("# Scoring and tuning, the v1 way"),
        new_code_cell("import azureml.core\nfrom azureml.core import Workspace\n"
                      "print('SDK version:', azureml.core.VERSION)"),
        new_code_cell("ws = Workspace.from_config()\n"
                      "print(ws.name, ws.location, ws.resource_group, ws.subscription_id, sep='|')"),
        new_code_cell("from azureml.core.compute import ComputeTarget, AmlCompute\n"
                      "from azureml.core.compute_target import ComputeTargetException\n"
                      "try:\n    cluster = ComputeTarget(workspace=ws, name='cpu-cluster')\n"
                      "    print('Found existing cluster')\n"
                      "except ComputeTargetException:\n"
                      "    config = AmlCompute.provisioning_configuration(vm_size='STANDARD_D2_V2',"
                      " max_nodes=4)\n"
                      "    cluster = ComputeTarget.create(ws, 'cpu-cluster', config)\n"
                      "cluster.wait_for_completion(show_output=True)\n"
                      "print(sorted(ws.compute_targets))"),
        new_code_cell("import os\nos.makedirs('scripts', exist_ok=True)"),
        new_code_cell(TRAIN), new_code_cell(SCORE), new_code_cell(PREP), new_code_cell(TABLE),
        new_code_cell("!pip install --upgrade azureml-sdk[notebooks]"),
        new_code_cell(PIPELINE.replace("URL", url)),
        new_code_cell("from azureml.widgets import RunDetails\nRunDetails(run).show()"),
        new_code_cell(BEST),
    ]
    nbformat.write(nb, str(path))


@pytest.fixture
def served(tmp_path: Path):
    """A folder served over HTTP on 127.0.0.1 (a free port), for the URL dataset."""
    folder = tmp_path / "web"
    folder.mkdir()
    (folder / "prices.csv").write_text("item,price\na,3\nb,4\nc,5\n")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/prices.csv"
    server.shutdown()


def test_a_v1_notebook_runs_all_its_cells_and_its_pipeline(tmp_path, served):
    project = tmp_path / "nb"
    (project / "batch").mkdir(parents=True)
    for name, text in (("one.txt", "a b c"), ("two.txt", "d e"), ("three.txt", "f"),
                       ("notes.md", "not scored")):
        (project / "batch" / name).write_text(text)
    for folder, name in (("a", "first.csv"), ("b", "second.csv")):
        (project / "inputs" / folder).mkdir(parents=True)
        (project / "inputs" / folder / name).write_text("x\n1\n")
    (project / "config.json").write_text(json.dumps(
        {"subscription_id": "s1", "resource_group": "rg1", "workspace_name": "ws1"}))
    _notebook(project / "tuning.ipynb", served)

    res = azureml_cli(project, "tuning.ipynb")
    out = res.stdout
    assert res.returncode == 0, out + res.stderr
    assert "SDK version: 1.48.0" in out
    assert "ws1|local|rg1|s1" in out
    assert "['cpu-cluster']" in out                       # created, then listed
    assert "kernel 'python38-azureml' is not installed" in res.stderr
    assert "skipped here: pip install of azureml packages" in out
    assert (project / "scripts" / "score.py").is_file()    # %%writefile ran
    assert "[RunDetails] step 'sweep': Finished" in out
    run_id = out.split("RUN ")[1].split()[0]
    run = json.loads((project / "pipeline_workspace" / "runs" / run_id / "run.json").read_text())
    assert {n: s["status"] for n, s in run["steps"].items()} == {
        "prep": "Finished", "table": "Finished", "sweep": "Finished", "score": "Finished"}
    steps = run["steps"]

    def at(stored: str, *parts: str) -> Path:   # records keep paths relative to the project
        return Path(project, stored, *parts)
    # the DataPath parameter given at submit replaced its default
    assert at(steps["prep"]["outputs"]["seen"], "seen.txt").read_text() == "second.csv"
    # the glob is exactly its files: notes.md is not scored; two processes, batches of 2
    scored = at(steps["score"]["outputs"]["scores"], "parallel_run_step.txt").read_text()
    assert sorted(scored.split()) == ["one.txt,3,words", "three.txt,1,words", "two.txt,2,words"]
    # the URL's table was downloaded into the workspace and read
    metrics = [json.loads(line) for line in
               at(steps["table"]["record_dir"], "metrics.jsonl").read_text().splitlines()]
    assert {m["name"]: m["value"] for m in metrics} == {"rows": 3, "total": 12}
    assert list((project / "pipeline_workspace" / "azureml" / "downloads").rglob("prices.csv"))
    # the sweep: 4 trials of a grid, the best by accuracy, its model handed on
    assert "BEST 0.99 ['--alpha', '0.5', '--depth', '1']" in out
    assert "RANKED [0.99, 0.97, 0.69, 0.67]" in out
    model = json.loads(at(steps["sweep"]["outputs"]["best_model"], "model.json").read_text())
    assert model == {"alpha": 0.5, "depth": 1}
    trials = json.loads(at(steps["sweep"]["outputs"]["sweep_metrics"], "metrics.json").read_text())
    assert len(trials) == 4
    # the executed notebook is kept in the workspace; the user's is unchanged
    (kept,) = (project / "pipeline_workspace" / "azureml" / "notebooks").glob("tuning-*.ipynb")
    assert "BEST 0.99" in kept.read_text()
    assert "BEST 0.99" not in (project / "tuning.ipynb").read_text()
