"""Exports: an Airflow DAG and a Kubeflow pipeline whose tasks run the steps through
`pipeline-widget run FILE --only STEP --join RUN`, with the step graph, parameters,
retries and timeouts of the pipeline; nothing the user has is overwritten."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
import yaml

from pipeline_widget import Pipeline, Workspace

from .conftest import tool_env


@pytest.fixture
def seed(seed_copy: Path) -> Path:
    """The seed, with a retry and a timeout on its training step."""
    data = json.loads(seed_copy.read_text())
    data["steps"][1].update(retries=2, timeout=600)
    seed_copy.write_text(json.dumps(data, indent=2))
    return seed_copy


def _calls(tree: ast.Module, name: str) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Name) and n.func.id == name]


def _keywords(call: ast.Call) -> dict[str, object]:
    found = {}
    for k in call.keywords:
        try:
            found[k.arg] = ast.literal_eval(k.value)
        except ValueError:
            found[k.arg] = ast.unparse(k.value)
    return found


def test_airflow_dag_has_a_task_per_step_the_graph_params_retries_and_timeouts(seed, cli, tmp_path):
    dag = tmp_path / "seed_dag.py"
    project = seed.parent.parent
    code, out, err = cli("--workspace", project, "export", seed, "--to", "airflow", dag)
    assert code == 0, err
    tree = ast.parse(dag.read_text())
    (dag_call,) = _calls(tree, "DAG")
    dag_args = _keywords(dag_call)
    assert dag_args["dag_id"] == "seed" and dag_args["schedule"] is None
    assert "'alpha': Param(0.5)" in ast.unparse(dag_call)
    tasks = {_keywords(c)["task_id"]: _keywords(c) for c in _calls(tree, "BashOperator")}
    assert set(tasks) == {"prepare_data", "train_model"}
    edges = [ast.unparse(n.value) for n in ast.walk(tree)
             if isinstance(n, ast.Expr) and isinstance(n.value, ast.BinOp)]
    assert edges == ["prepare_data >> train_model"]
    train = tasks["train_model"]
    assert train["retries"] == 2 and "seconds=720" in str(train["execution_timeout"])
    assert tasks["prepare_data"]["retries"] == 0 and "execution_timeout" not in tasks["prepare_data"]
    command = str(train["bash_command"])
    assert f"--workspace {project}" in command and f"run {seed}" in command
    assert "--only 'train model'" in command and '--join "$JOIN"' in command
    assert '--param "alpha=$PW_PARAM_alpha"' in command
    assert "{{ params.alpha | tojson }}" in str(train["env"]) and "{{ run_id }}" in str(train["env"])
    # every task gives every parameter: the steps of one joined run share their values
    assert '--param "alpha=$PW_PARAM_alpha"' in str(tasks["prepare_data"]["bash_command"])


def test_airflow_step_names_are_never_templated_by_airflow(seed, cli, tmp_path):
    data = json.loads(seed.read_text())
    data["steps"][0]["name"] = "prepare {{ data }}"
    seed.write_text(json.dumps(data))
    dag = tmp_path / "dag.py"
    assert cli("--workspace", seed.parent.parent, "export", seed, "--to", "airflow", dag)[0] == 0
    text = dag.read_text()
    (call,) = [c for c in _calls(ast.parse(text), "BashOperator") if "prepare" in ast.unparse(c)]
    command = _keywords(call)["bash_command"]
    assert command.startswith("{% raw %}") and command.endswith("{% endraw %}")
    assert "--only 'prepare {{ data }}'" in command
    ast.parse(text)


def test_exports_refuse_to_overwrite_and_name_unknown_targets(seed, cli, tmp_path):
    dag = tmp_path / "dag.py"
    dag.write_text("# mine\n")
    code, _, err = cli("--workspace", seed.parent.parent, "export", seed, "--to", "airflow", dag)
    assert code == 2 and "already exists" in err and "--force" in err
    assert dag.read_text() == "# mine\n"
    assert cli("--workspace", seed.parent.parent, "export", seed, "--to", "airflow", dag,
               "--force")[0] == 0
    code, _, err = cli("--workspace", seed.parent.parent, "export", seed, "--to", "airflow",
                       tmp_path / "other.py", "--dag-id", "my dag!")
    assert code == 2 and "'my dag!' is not a DAG id" in err
    code, _, err = cli("--workspace", seed.parent.parent, "export", seed, "--to", "luigi", dag)
    assert code == 2 and "no exporter for 'luigi'" in err and "airflow" in err
    code, _, err = cli("export", tmp_path / "missing.pipeline.json", "--to", "airflow",
                       tmp_path / "x.py")
    assert code == 2 and "not found" in err and "Traceback" not in err
    (tmp_path / "theirs.pipeline").write_text("{}")
    code, _, err = cli("export", tmp_path / "theirs.pipeline", "--to", "airflow",
                       tmp_path / "x.py")
    assert code == 2 and "import it first" in err


def test_kfp_export_without_the_sdk_says_how_to_get_it(seed, cli, tmp_path, monkeypatch):
    monkeypatch.delenv("PIPELINE_WIDGET_KFP_PYTHON", raising=False)
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "kfp" else real(name, *a))
    code, _, err = cli("--workspace", seed.parent.parent, "export", seed, "--to", "kfp",
                       tmp_path / "p.yaml")
    assert code == 2 and "pip install 'kfp==2.*'" in err and "--kfp-python" in err
    assert not (tmp_path / "p.yaml").exists()


def test_kfp_pipeline_has_a_component_per_step_the_graph_params_retries_and_no_caching(
        seed, cli, tmp_path):
    python = tool_env("kfp") / "python"
    out = tmp_path / "seed.yaml"
    code, text, err = cli("--workspace", seed.parent.parent, "export", seed, "--to", "kfp", out,
                          "--kfp-python", python)
    assert code == 0, err
    spec = yaml.safe_load(out.read_text())
    tasks = spec["root"]["dag"]["tasks"]
    assert set(tasks) == {"prepare-data", "train-model"}
    assert tasks["train-model"]["dependentTasks"] == ["prepare-data"]
    assert tasks["train-model"]["retryPolicy"]["maxRetryCount"] == 2
    assert all(t["cachingOptions"] == {} or t["cachingOptions"].get("enableCache") is False
               for t in tasks.values())
    assert spec["root"]["inputDefinitions"]["parameters"]["alpha"]["defaultValue"] == 0.5
    assert "'--only', 'train model'" in json.dumps(spec) or "train model" in json.dumps(spec)


def test_export_of_a_pipeline_never_saved_is_refused(tmp_path):
    from pipeline_widget.core.errors import PipelineError
    from pipeline_widget.interop.airflow import dag_source

    pipeline = Pipeline(workspace=Workspace(tmp_path), steps=[])
    with pytest.raises(PipelineError, match="save it first"):
        dag_source(pipeline, {})


def test_kfp_export_refuses_a_parameter_kubeflow_cannot_take(seed, cli, tmp_path):
    data = json.loads(seed.read_text())
    data["parameters"]["pipeline_widget_run_id"] = "x"
    seed.write_text(json.dumps(data))
    code, _, err = cli("--workspace", seed.parent.parent, "export", seed, "--to", "kfp",
                       tmp_path / "p.yaml", "--kfp-python", tool_env("kfp") / "python")
    assert code == 2 and "'pipeline_widget_run_id' cannot be a Kubeflow pipeline input" in err


@pytest.fixture
def always_failing(project: Path) -> tuple[Path, Path]:
    """A pipeline whose one step (retries=2) fails every time, counting its attempts."""
    from pipeline_widget import PythonScriptStep

    counter = project / "attempts.txt"
    (project / "steps").mkdir()
    (project / "steps" / "flaky.py").write_text(
        f"with open({str(counter)!r}, 'a') as f:\n    f.write('x')\nraise SystemExit(1)\n")
    step = PythonScriptStep(name="flaky", script_name="flaky.py",
                            source_directory=project / "steps", retries=2, allow_reuse=False)
    path = Pipeline(Workspace(project), [step], name="flaky").save(project / "flaky.pipeline.json")
    return path, counter


def test_a_step_with_two_retries_failing_every_time_runs_three_times_under_the_dag(
        always_failing, cli, tmp_path):
    """Airflow owns the retries: its task is tried 1 + retries times, each try running the
    step once (--once), so the step's retries and Airflow's do not multiply (it ran 9 times
    when both retried)."""
    import os
    import subprocess

    pipeline_file, counter = always_failing
    project = pipeline_file.parent
    dag = tmp_path / "dag.py"
    assert cli("--workspace", project, "export", pipeline_file, "--to", "airflow", dag)[0] == 0
    (task,) = [_keywords(c) for c in _calls(ast.parse(dag.read_text()), "BashOperator")]
    assert task["retries"] == 2
    codes = []
    for _ in range(1 + task["retries"]):   # Airflow's semantics: a failed try is tried again
        done = subprocess.run(["bash", "-c", str(task["bash_command"])], capture_output=True,
                              text=True, env={**os.environ, "PW_AIRFLOW_RUN": "manual__1"},
                              timeout=120)
        codes.append(done.returncode)
    assert codes == [1, 1, 1]
    assert counter.read_text() == "xxx"
    run = json.loads(next((project / "pipeline_workspace" / "runs").glob("*/run.json"))
                     .read_text())
    assert run["run_id"] == "airflow-manual__1" and run["steps"]["flaky"]["status"] == "Failed"


def test_the_kfp_component_attempts_its_step_once_and_kubeflow_retries_it(seed):
    from pipeline_widget.interop.kfp import dsl_source

    source = dsl_source(Pipeline.load(seed, workspace=Workspace(seed.parent.parent)), {})
    assert source.count("['--join', join, '--once']") == 2
    assert "task_train_model.set_retry(num_retries=2" in source
