"""The set-up cells of v1 notebooks, accepted with v1's results: the SDK version, the
workspace's details and config, datastores, compute provisioning, environments (their
variables reach the step), conda dependencies and run configurations."""
from __future__ import annotations

import json
import textwrap

from tests.azureml.conftest import azureml_cli

SETUP = textwrap.dedent('''
    import azureml.core, json, os
    from azureml.core import Environment, Experiment, ScriptRunConfig, Workspace
    from azureml.core.compute import AmlCompute, ComputeInstance, ComputeTarget
    from azureml.core.compute_target import ComputeTargetException
    from azureml.core.conda_dependencies import CondaDependencies
    from azureml.core.environment import DEFAULT_GPU_IMAGE
    from azureml.core.runconfig import DEFAULT_CPU_IMAGE, MpiConfiguration, RunConfiguration
    from azureml.exceptions import ComputeTargetException as SameException

    print("VERSION", azureml.core.VERSION)
    ws = Workspace.from_config()
    print("WS", ws.name, ws.location, ws.subscription_id, ws.resource_group)
    details = ws.get_details()
    print("DETAILS", details["name"], details["location"], sorted(details)[:3])
    written = ws.write_config(path="elsewhere")
    print("WRITTEN", json.load(open(written))["workspace_name"],
          Workspace.from_config(path="elsewhere").name)

    print("STORES", sorted(ws.datastores))
    ws.set_default_datastore("workspaceblobstore")
    print("DEFAULT", ws.get_default_datastore().name)

    print("SAME", ComputeTargetException is SameException)
    try:
        ComputeTarget(workspace=ws, name="gpu")
    except ComputeTargetException as err:
        print("MISSING", "ComputeTargetNotFound" in str(err))
    gpu = ComputeTarget.create(ws, "gpu", AmlCompute.provisioning_configuration(
        vm_size="STANDARD_NC6", max_nodes=2))
    gpu.wait_for_completion(show_output=True, min_node_count=None, timeout_in_minutes=20)
    box = ComputeTarget.create(ws, "box", ComputeInstance.provisioning_configuration(
        vm_size="STANDARD_DS3_V2"))
    print("TARGETS", sorted(ws.compute_targets), type(box).__name__,
          ComputeTarget(workspace=ws, name="gpu").provisioning_state)
    print("IMAGES", DEFAULT_CPU_IMAGE.startswith("mcr.microsoft.com/azureml/"),
          DEFAULT_GPU_IMAGE != DEFAULT_CPU_IMAGE)

    deps = CondaDependencies.create(pip_packages=["pandas"], conda_packages=["numpy"],
                                    python_version="3.8")
    deps.add_pip_package("scikit-learn")
    print("DEPS", deps.pip_packages, "- pip:" in deps.serialize_to_string())
    conda = Environment.from_conda_specification("conda-env", "env.yml")
    print("CONDA", conda.python.conda_dependencies.conda_packages,
          conda.python.conda_dependencies.pip_packages)
    docker = Environment.from_dockerfile("docker-env", "Dockerfile")
    print("DOCKER", docker.docker.base_dockerfile.splitlines()[0])
    env = Environment.from_pip_requirements("pip-env", "requirements.txt")
    env.environment_variables = {"GREETING": "hello", "LEVEL": "3"}
    env.register(ws)
    env.environment_variables["LEVEL"] = "4"
    env.register(ws)
    got = Environment.get(ws, "pip-env")
    print("ENV", got.version, got.environment_variables,
          Environment.get(ws, "pip-env", version="1").environment_variables,
          sorted(Environment.list(ws)))
    curated = Environment.get(ws, "AzureML-sklearn-0.24-ubuntu18.04-py37-cpu")
    print("CURATED", curated.name)

    rc = RunConfiguration(conda_dependencies=deps)
    rc.environment = got
    rc.mpi = MpiConfiguration(process_count_per_node=2, node_count=1)
    src = ScriptRunConfig(source_directory="code", script="env.py", run_config=rc,
                          compute_target=gpu)
    run = Experiment(ws, "envs").submit(src)
    run.wait_for_completion(show_output=False)
    print("STEP", run.get_steps()[0].get_metrics())
''')

ENV_SCRIPT = textwrap.dedent('''
    import os
    from azureml.core import Run
    Run.get_context().log("seen", os.environ.get("GREETING", "") + os.environ.get("LEVEL", ""))
''')


def test_setup_calls_give_v1_results(tmp_path):
    project = tmp_path / "setup"
    (project / "code").mkdir(parents=True)
    (project / "code" / "env.py").write_text(ENV_SCRIPT)
    (project / "config.json").write_text(json.dumps(
        {"subscription_id": "sub-1", "resource_group": "group-1", "workspace_name": "ml-ws"}))
    (project / "env.yml").write_text("name: e\ndependencies:\n- python=3.8\n- numpy\n- pip:\n"
                                     "  - pandas\n")
    (project / "Dockerfile").write_text("FROM python:3.11\nRUN pip install pandas\n")
    (project / "requirements.txt").write_text("pandas\n# a comment\nscikit-learn\n")
    (project / "setup.py").write_text(SETUP)
    res = azureml_cli(project, "setup.py")
    out = res.stdout
    assert res.returncode == 0, out + res.stderr
    assert "VERSION 1.48.0" in out
    assert "WS ml-ws local sub-1 group-1" in out
    assert "DETAILS ml-ws local" in out
    assert "WRITTEN ml-ws ml-ws" in out
    assert (project / "elsewhere" / "config.json").is_file()
    assert "STORES ['workspaceblobstore']" in out and "DEFAULT workspaceblobstore" in out
    assert "SAME True" in out and "MISSING True" in out
    assert "gpu: local, ready (Succeeded)" in out
    assert "TARGETS ['box', 'gpu'] ComputeInstance Succeeded" in out
    assert "IMAGES True True" in out
    assert "DEPS ['pandas', 'scikit-learn'] True" in out
    assert "CONDA ['python=3.8', 'numpy'] ['pandas']" in out
    assert "DOCKER FROM python:3.11" in out
    assert ("ENV 2 {'GREETING': 'hello', 'LEVEL': '4'} {'GREETING': 'hello', 'LEVEL': '3'} "
            "['pip-env']") in out
    assert "CURATED AzureML-sklearn-0.24-ubuntu18.04-py37-cpu" in out
    assert "STEP {'seen': 'hello4'}" in out   # the environment's variables reached the step
    (note,) = [line for line in res.stderr.splitlines() if line.startswith("note: ignored")]
    assert "Environment packages and Docker settings" in note and "RunConfiguration" in note
