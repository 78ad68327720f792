"""The cells of v1's getting-started pipeline samples, in one script of our own: a cluster
looked up by AmlCompute(ws, name) and its status serialized, a DataReference to an uploaded
file, a run configuration with Docker settings, the step runs' logs and files read back, a
model registered from a step run, the run found again as PipelineRun(experiment, run_id)."""
from __future__ import annotations

import textwrap

from tests.azureml.conftest import azureml_cli

SAMPLE = textwrap.dedent('''
    import os
    import azureml.core
    from azureml.core import Datastore, Experiment, Workspace
    from azureml.core.compute import AmlCompute, ComputeTarget
    from azureml.core.compute_target import ComputeTargetException
    from azureml.core.conda_dependencies import CondaDependencies
    from azureml.core.runconfig import DEFAULT_CPU_IMAGE, RunConfiguration
    from azureml.data.data_reference import DataReference
    from azureml.pipeline.core import Pipeline, PipelineData
    from azureml.pipeline.core.run import PipelineRun
    from azureml.pipeline.steps import PythonScriptStep
    from azureml.widgets import RunDetails

    print("SDK version:", azureml.core.VERSION)
    ws = Workspace.from_config()
    print(ws.name, ws.resource_group, ws.location, ws.subscription_id, sep="\\n")
    blob = Datastore(ws, "workspaceblobstore")
    blob.upload_files(["./words.txt"], target_path="hello", overwrite=True)
    words = DataReference(datastore=blob, data_reference_name="words",
                          path_on_datastore="hello/words.txt")
    try:
        cluster = AmlCompute(ws, "cpu-cluster")
    except ComputeTargetException:
        config = AmlCompute.provisioning_configuration(vm_size="STANDARD_D2_V2", min_nodes=1,
                                                       max_nodes=4)
        cluster = ComputeTarget.create(ws, "cpu-cluster", config)
        cluster.wait_for_completion(show_output=True, min_node_count=None,
                                    timeout_in_minutes=20)
    print("STATUS", cluster.get_status().serialize()["provisioningState"])
    run_config = RunConfiguration()
    run_config.environment.docker.enabled = True
    run_config.environment.docker.base_image = DEFAULT_CPU_IMAGE
    run_config.environment.python.user_managed_dependencies = False
    run_config.environment.python.conda_dependencies = CondaDependencies.create(
        conda_packages=["scikit-learn"])
    counted = PipelineData("counted", datastore=blob, output_name="counted")
    count = PythonScriptStep(name="count", script_name="count.py", source_directory="steps",
                             arguments=["--input", words, "--output", counted],
                             inputs=[words], outputs=[counted], compute_target=cluster,
                             runconfig=run_config, allow_reuse=True)
    pipeline = Pipeline(workspace=ws, steps=[count])
    print("VALID", pipeline.validate())
    run = Experiment(ws, "Hello_World").submit(pipeline, regenerate_outputs=False)
    RunDetails(run).show()
    run.wait_for_completion()
    for step_run in run.get_children():
        print("Script:", step_run.name, "status:", step_run.get_status())
        print("JOB", step_run.get_job_log().strip())
        print("FILES", step_run.get_file_names())
        step_run.download_file("outputs/count.txt", output_file_path="got.txt")
        model = step_run.register_model("word-counter", "outputs/count.txt")
        print("MODEL", model.name, model.version, model.run_id == step_run.id)
    print("GOT", open("got.txt").read())
    again = PipelineRun(ws.experiments["Hello_World"], run.id)
    print("AGAIN", again.get_status(), again.find_step_run("count")[0].get_output_data(
        "counted").download("fetched", overwrite=True))
''')

COUNT = textwrap.dedent('''
    import argparse, os
    cli = argparse.ArgumentParser()
    cli.add_argument("--input"); cli.add_argument("--output")
    a = cli.parse_args()
    n = len(open(a.input).read().split())
    print("counted", n)
    open(os.path.join(a.output, "n.txt"), "w").write(str(n))
    open("outputs/count.txt", "w").write(str(n))
''')


def test_the_getting_started_sample_cells_run(tmp_path):
    project = tmp_path / "hello"
    (project / "steps").mkdir(parents=True)
    (project / "steps" / "count.py").write_text(COUNT)
    (project / "words.txt").write_text("one two three four\n")
    (project / "config.json").write_text('{"workspace_name": "hello-ws"}')
    (project / "sample.py").write_text(SAMPLE)
    res = azureml_cli(project, "sample.py")
    out = res.stdout
    assert res.returncode == 0, out + res.stderr
    assert "SDK version: 1.48.0" in out and "hello-ws\nlocal\nlocal\nlocal" in out
    assert "STATUS Succeeded" in out and "VALID []" in out
    assert "[RunDetails] step 'count': Finished" in out
    assert "Script: count status: Finished" in out and "JOB counted 4" in out
    assert "FILES ['outputs/count.txt']" in out
    assert "MODEL word-counter 1 True" in out and "GOT 4" in out
    fetched = out.split("AGAIN Finished ")[1].split()[0]
    assert (project / fetched / "n.txt").read_text() == "4"
