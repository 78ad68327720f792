"""The rest of the v1 surface a pipeline script touches, in one script run here."""
import textwrap

from tests.azureml.conftest import azureml_cli

SCRIPT = textwrap.dedent('''
    import os
    from azureml.core import Dataset, Environment, Experiment, ScriptRunConfig, Workspace
    from azureml.core.compute import AmlCompute, ComputeTarget
    from azureml.core.conda_dependencies import CondaDependencies
    from azureml.pipeline.core import Pipeline, PipelineData
    from azureml.pipeline.steps import PythonScriptStep

    ws = Workspace.from_config()
    target = ComputeTarget.create(ws, "gpu", AmlCompute.provisioning_configuration(vm_size="x"))
    env = Environment.from_pip_requirements("env", "requirements.txt")
    env.python.conda_dependencies = CondaDependencies.create(pip_packages=["pandas"])
    store = ws.get_default_datastore()
    store.upload(src_dir="data", target_path="incoming", overwrite=True)
    files = Dataset.File.from_files(path=store.path("incoming"))
    files = files.register(ws, "incoming_files", description="raw files", create_new_version=True)
    copied = Dataset.get_by_name(ws, "incoming_files").download(target_path="copy", overwrite=True)
    print("DOWNLOADED", sorted(os.path.basename(p) for p in copied))

    listing = PipelineData("listing", datastore=store)
    step = PythonScriptStep(name="list", script_name="list.py", source_directory="code",
                            compute_target=target,
                            inputs=[files.as_named_input("incoming").as_download()],
                            outputs=[listing], arguments=["--out", listing])
    run = Experiment(ws, "api").submit(Pipeline(ws, [step]))
    print("STATUS", run.wait_for_completion(show_output=False))
    (step_run,) = run.find_step_run("list")
    print("DETAILS", step_run.get_details()["status"], run.get_details()["status"])
    print("ROW", step_run.get_metrics()["sizes"])
    out = step_run.get_output_data("listing").download("fetched", overwrite=True)
    print("FETCHED", open(os.path.join(out, "names.txt")).read().split())

    single = ScriptRunConfig(source_directory="code", script="hello.py", arguments=["there"],
                             environment=env, compute_target=target)
    alone = Experiment(ws, "single").submit(single)
    print("SINGLE", alone.wait_for_completion(show_output=False),
          alone.get_steps()[0].get_metrics())
''')

LIST = textwrap.dedent('''
    import argparse, os
    from azureml.core import Run
    run = Run.get_context()
    folder = run.input_datasets["incoming"]   # downloaded: its path, as in v1
    names = sorted(os.listdir(folder))
    run.log_row("sizes", people=len(names), first=names[0])
    a = argparse.ArgumentParser()
    a.add_argument("--out")
    out = a.parse_args().out
    open(os.path.join(out, "names.txt"), "w").write("\\n".join(names))
''')


def test_datastores_file_datasets_step_runs_and_script_run_configs(v1_project):
    (v1_project / "code" / "list.py").write_text(LIST)
    (v1_project / "code" / "hello.py").write_text(
        "import sys\nfrom azureml.core import Run\nRun.get_context().log('hello', sys.argv[1])\n")
    (v1_project / "requirements.txt").write_text("pandas\n")
    (v1_project / "api.py").write_text(SCRIPT)
    res = azureml_cli(v1_project, "api.py")
    assert res.returncode == 0, res.stdout + res.stderr
    out = res.stdout
    assert "DOWNLOADED ['people.csv']" in out
    assert "STATUS Finished" in out and "DETAILS Finished Finished" in out
    assert "ROW {'people': 1, 'first': 'people.csv'}" in out
    assert "FETCHED ['people.csv']" in out
    assert "SINGLE Finished {'hello': 'there'}" in out
    (note,) = [line for line in res.stderr.splitlines() if line.startswith("note: ignored")]
    assert "Environment" in note and "compute_target 'gpu'" in note
