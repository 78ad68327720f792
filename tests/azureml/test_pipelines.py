"""v1 pipeline scripts run unchanged with `pipeline-widget azureml`."""
import json
import subprocess

from tests.azureml.conftest import azureml_cli
from tests.conftest import PYTHON


def test_a_two_step_pipeline_with_a_dataset_and_an_estimator_runs(v1_project):
    res = azureml_cli(v1_project, "two_steps.py")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "STATUS Finished" in res.stdout
    assert "METRICS {'mean_height': 175.0}" in res.stdout
    # one warning line names what has no local meaning
    (note,) = [line for line in res.stderr.splitlines() if line.startswith("note: ignored")]
    assert "compute_target 'cpu-cluster'" in note and "RunConfiguration" in note
    # the local workspace is the config.json's project; the steps' records are there
    (record,) = (v1_project / "pipeline_workspace" / "runs").glob("*/run.json")
    steps = json.loads(record.read_text())["steps"]
    assert {n: s["status"] for n, s in steps.items()} == {"clean": "Finished", "fit": "Finished"}
    # ./outputs and ./logs stay with the step run, as v1 keeps them; the code folder is clean
    (model,) = (v1_project / "pipeline_workspace" / "runs").glob("*/steps/fit-*/snapshot/outputs/*")
    assert model.name == "model.txt" and model.read_text() == "2"
    assert list((v1_project / "pipeline_workspace" / "runs").glob("*/steps/fit-*/snapshot/logs"))
    assert not (v1_project / "code" / "outputs").exists()


def test_output_file_dataset_configs_and_pipeline_parameters(v1_project):
    (v1_project / "ofdc.py").write_text(
        "from azureml.core import Dataset, Experiment, Workspace\n"
        "from azureml.data import OutputFileDatasetConfig\n"
        "from azureml.pipeline.core import Pipeline, PipelineParameter\n"
        "from azureml.pipeline.steps import PythonScriptStep\n"
        "ws = Workspace.from_config()\n"
        "people = Dataset.Tabular.from_delimited_files(path='data/people.csv')\n"
        "cleaned = OutputFileDatasetConfig(name='cleaned')\n"
        "scale = PipelineParameter(name='scale', default_value=1.0)\n"
        "clean = PythonScriptStep(name='clean', script_name='clean.py', source_directory='code',\n"
        "    inputs=[people.as_named_input('measurements').as_mount()],\n"
        "    arguments=['--out', cleaned])\n"
        "fit = PythonScriptStep(name='fit', script_name='fit.py', source_directory='code',\n"
        "    arguments=['--data', cleaned.as_input(), '--scale', scale])\n"
        "run = Experiment(ws, 'ofdc').submit(Pipeline(ws, [clean, fit]),\n"
        "                                   pipeline_parameters={'scale': 2.0})\n"
        "print('STATUS', run.wait_for_completion(show_output=False))\n"
        "print('METRICS', run.get_metrics())\n")
    res = azureml_cli(v1_project, "ofdc.py")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "STATUS Finished" in res.stdout
    assert "'fit': {'mean_height': 350.0}" in res.stdout  # the parameter's value at submit


def test_a_step_sequence_keeps_its_order(v1_project):
    (v1_project / "code" / "mark.py").write_text(
        "import sys\nopen(sys.argv[2], 'a').write(sys.argv[1] + '\\n')\n")
    order = v1_project / "order.txt"
    (v1_project / "sequence.py").write_text(
        "from azureml.core import Experiment, Workspace\n"
        "from azureml.pipeline.core import Pipeline, StepSequence\n"
        "from azureml.pipeline.steps import PythonScriptStep\n"
        "ws = Workspace.from_config()\n"
        "steps = [PythonScriptStep(name=f's{i}', script_name='mark.py', source_directory='code',\n"
        f"                          arguments=[str(i), {str(order)!r}], allow_reuse=False)\n"
        "         for i in range(4)]\n"
        "run = Experiment(ws, 'seq').submit(Pipeline(ws, StepSequence(steps=steps)))\n"
        "print('STATUS', run.wait_for_completion(show_output=False))\n")
    res = azureml_cli(v1_project, "sequence.py")
    assert res.returncode == 0 and "STATUS Finished" in res.stdout, res.stdout + res.stderr
    assert order.read_text().split() == ["0", "1", "2", "3"]


def test_export_then_run_gives_the_same_outputs(v1_project):
    res = azureml_cli(v1_project, "two_steps.py", "--export", "people.pipeline.json")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "STATUS" not in res.stdout  # saved at submit: nothing ran
    assert not (v1_project / "pipeline_workspace" / "runs").exists()
    exported = json.loads((v1_project / "people.pipeline.json").read_text())
    assert [s["name"] for s in exported["steps"]] == ["clean", "fit"]
    assert all(s["snapshot"] is True for s in exported["steps"])
    ran = subprocess.run([PYTHON, "-m", "pipeline_widget", "run", "people.pipeline.json"],
                         cwd=v1_project, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    via_v1 = azureml_cli(v1_project, "two_steps.py")
    assert via_v1.returncode == 0 and "METRICS {'mean_height': 175.0}" in via_v1.stdout
    # the same pipeline: the v1 run reuses what the exported file's run made
    records = sorted((v1_project / "pipeline_workspace" / "runs").glob("*/run.json"),
                     key=lambda p: json.loads(p.read_text())["start_time"])
    last = json.loads(records[-1].read_text())["steps"]
    assert all(s["is_reused"] for s in last.values()), last


def test_a_failing_step_fails_the_script_with_the_cause_and_exit_1(v1_project):
    (v1_project / "code" / "clean.py").write_text("raise ValueError('no measurements today')\n")
    res = azureml_cli(v1_project, "two_steps.py")
    assert res.returncode == 1, res.stdout + res.stderr
    assert "no measurements today" in res.stderr and "Traceback" not in res.stderr


def test_compute_target_names_map_to_executors_in_the_workspace(v1_project):
    (v1_project / "pipeline_workspace").mkdir()
    (v1_project / "pipeline_workspace" / "compute_targets.json").write_text(
        '{"cpu-cluster": "dask://not-an-address"}')
    res = azureml_cli(v1_project, "two_steps.py")
    assert res.returncode == 2, res.stdout + res.stderr  # the mapped executor was used
    assert "'dask://not-an-address' is not a scheduler address" in res.stderr
    assert "Traceback" not in res.stderr
