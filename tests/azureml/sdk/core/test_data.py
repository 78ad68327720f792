"""v1's data forms, run here: datastores by constructor and registered as cloud containers
(local folders), DataReference in inputs and arguments, a dataset PipelineParameter read
through DatasetConsumptionConfig and overridden at submit, lists of files, ids, mounted
file datasets as paths in the step, outputs registered when their step finishes, and a URL
that cannot be reached."""
from __future__ import annotations

import socket
import textwrap

from tests.azureml.conftest import azureml_cli

DATA = textwrap.dedent('''
    import sys
    from azureml.core import Dataset, Datastore, Experiment, Workspace
    from azureml.data import OutputFileDatasetConfig
    from azureml.data.data_reference import DataReference
    from azureml.data.dataset_consumption_config import DatasetConsumptionConfig
    from azureml.pipeline.core import Pipeline, PipelineParameter
    from azureml.pipeline.steps import PythonScriptStep

    ws = Workspace.from_config()
    blob = Datastore.register_azure_blob_container(ws, datastore_name="landing",
                                                   container_name="c", account_name="a",
                                                   account_key="k")
    blob.upload(src_dir="raw", target_path="drop", overwrite=True)
    print("SAME", Datastore(ws, "landing").name, Datastore(workspace=ws, name="landing").url
          == blob.url, Datastore.get(ws, "landing").datastore_type)
    print("STORES", sorted(ws.datastores))

    ref = DataReference(datastore=blob, data_reference_name="dropped",
                        path_on_datastore="drop", mode="download")
    two = Dataset.Tabular.from_delimited_files(path=["raw/a.csv", "raw/b.csv"])
    print("ROWS", len(two.to_pandas_dataframe()))
    print("ID", Dataset.get_by_id(ws, two.id).path == two.path)
    only_a = Dataset.Tabular.from_delimited_files(path=(blob, "drop/a.csv"))
    only_a = only_a.register(ws, "only_a", create_new_version=True)
    print("BYID", Dataset.get_by_id(ws, only_a.id).name)
    table = PipelineParameter(name="table", default_value=only_a)
    files = Dataset.File.from_files(path="raw/*.csv")
    summary = OutputFileDatasetConfig(name="summary").register_on_complete(
        name="summary_files", description="what the step saw")
    look = PythonScriptStep(name="look", script_name="look.py", source_directory="code",
                            inputs=[ref, DatasetConsumptionConfig("table", table),
                                    files.as_named_input("files").as_mount()],
                            arguments=["--ref", ref, "--out", summary])
    pipeline = Pipeline(ws, [look])
    params = {"table": two} if "--both" in sys.argv else None
    run = Experiment(ws, "data").submit(pipeline, pipeline_parameters=params)
    run.wait_for_completion(show_output=False)
    print("METRICS", run.find_step_run("look")[0].get_metrics())
    later = Dataset.get_by_name(ws, "summary_files")
    print("REGISTERED", sorted(later.to_path()))
''')

LOOK = textwrap.dedent('''
    import argparse, os
    from azureml.core import Run
    cli = argparse.ArgumentParser(); cli.add_argument("--ref"); cli.add_argument("--out")
    a = cli.parse_args()
    run = Run.get_context()
    rows = len(run.input_datasets["table"].to_pandas_dataframe())
    run.log("first", run.input_datasets["table"].take(1).to_dict("records"))
    mounted = run.input_datasets["files"]
    run.log("ref", sorted(os.listdir(a.ref)))
    run.log("rows", rows)
    run.log("mounted", [type(mounted).__name__, sorted(os.listdir(mounted))])
    os.makedirs(a.out, exist_ok=True)
    open(os.path.join(a.out, "summary.txt"), "w").write(str(rows))
''')


def _project(tmp_path):
    project = tmp_path / "data"
    (project / "code").mkdir(parents=True)
    (project / "raw").mkdir()
    (project / "raw" / "a.csv").write_text("x,y\n1,2\n3,4\n")
    (project / "raw" / "b.csv").write_text("x,y\n5,6\n")
    (project / "raw" / "readme.txt").write_text("not a table\n")
    (project / "code" / "look.py").write_text(LOOK)
    (project / "config.json").write_text("{}")
    (project / "data_script.py").write_text(DATA)
    return project


def test_v1_data_forms_reach_the_step(tmp_path):
    project = _project(tmp_path)
    res = azureml_cli(project, "data_script.py")
    out = res.stdout
    assert res.returncode == 0, out + res.stderr
    assert "SAME landing True AzureBlob" in out
    assert "STORES ['landing', 'workspaceblobstore']" in out
    assert (project / "pipeline_workspace" / "datastores" / "landing" / "drop" / "a.csv").is_file()
    assert "ROWS 3" in out          # exactly the two files listed, not the whole folder
    assert "ID True" in out and "BYID only_a" in out
    assert "'first': [{'x': 1, 'y': 2}]" in out     # a v1 dataset in the step (take)
    assert ("METRICS {'first': [{'x': 1, 'y': 2}], 'ref': ['a.csv', 'b.csv', 'readme.txt'], 'rows': 2, "
            "'mounted': ['str', ['a.csv', 'b.csv']]}") in out
    assert "REGISTERED ['summary.txt']" in out   # registered when the step finished


def test_a_dataset_parameter_is_overridden_at_submit(tmp_path):
    project = _project(tmp_path)
    res = azureml_cli(project, "data_script.py", "--both")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "'rows': 3" in res.stdout


def test_an_unreachable_url_is_named_with_the_fix(tmp_path):
    project = _project(tmp_path)
    with socket.socket() as s:     # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/prices.csv"
    (project / "url.py").write_text(
        f"from azureml.core import Dataset\nDataset.Tabular.from_delimited_files(path={url!r})\n")
    res = azureml_cli(project, "url.py")
    assert res.returncode == 2, res.stdout + res.stderr
    assert f"error: cannot download {url}" in res.stderr
    assert "download the file yourself and give its local path" in res.stderr
