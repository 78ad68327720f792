"""Where `azureml` comes from: the local implementation, unless a real one is there."""
import json
import subprocess
import textwrap

from pipeline_widget import NotebookStep, Pipeline
from tests.conftest import PYTHON, write_notebook


def python(code: str, cwd, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "-c", textwrap.dedent(code)], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env=env)


def test_importing_pipeline_widget_azureml_serves_azureml(tmp_path):
    res = python("""
        import pipeline_widget.azureml
        import azureml.core, azureml.pipeline.core, azureml.pipeline.steps
        from azureml.core import Run
        from azureml.train.estimator import Estimator
        from azureml.train.sklearn import SKLearn
        from azureml.data import OutputFileDatasetConfig
        from azureml.core.compute import ComputeTarget, AmlCompute
        from azureml.core.environment import Environment
        from pipeline_widget.azureml.sdk import core
        assert azureml.core is core  # one module, not a copy
        run = Run.get_context()
        print(run.id.startswith("OfflineRun"), run.input_datasets)
        run.log("accuracy", 0.9)
    """, tmp_path)
    assert res.returncode == 0, res.stderr
    assert "True {}" in res.stdout
    assert "Attempted to log scalar metric accuracy:\n0.9" in res.stdout


def test_without_the_import_azureml_stays_unknown(tmp_path):
    res = python("import pipeline_widget\nimport azureml.core\n", tmp_path)
    assert res.returncode != 0 and "No module named 'azureml'" in res.stderr


def test_an_installed_azureml_wins_over_the_local_one(tmp_path):
    fake = tmp_path / "site" / "azureml" / "core"
    fake.mkdir(parents=True)
    (fake.parent / "__init__.py").write_text("WHO = 'installed'\n")
    (fake / "__init__.py").write_text("class Run:\n    WHO = 'installed'\n")
    res = python("""
        import sys
        sys.path.insert(0, "site")
        import pipeline_widget.azureml
        import azureml
        from azureml.core import Run
        print(azureml.WHO, Run.WHO)
    """, tmp_path)
    assert res.returncode == 0, res.stderr
    assert "installed installed" in res.stdout


def test_a_notebook_step_uses_azureml_run_without_the_sdk(ws, project, monkeypatch):
    # run from the project, as its owner would: a kernel started in this repository's folder
    # loses the editable install's sys.path entry, which the tracer's prepare_kernel drops
    # as the kernel's start folder
    monkeypatch.chdir(project)
    nb = write_notebook(project / "nb.ipynb", "rate = 0.5",
                        "from azureml.core import Run\n"
                        "context = Run.get_context()\n"
                        "context.log('rate', rate)\n"
                        "context.log_list('steps', [1, 2])\n"
                        "print(context.get_metrics()['rate'], context.parent.id == context.run_id)")
    run = Pipeline(ws, [NotebookStep("nb", nb)], name="nb").submit("nb")
    assert run.wait_for_completion(show_output=False) == "Finished"
    assert run.get_step("nb").get_metrics() == {"rate": 0.5, "steps": [1, 2]}
    executed = json.loads(open(run.get_step("nb").notebook).read())
    assert "0.5 True" in "".join(executed["cells"][-1]["outputs"][0]["text"])


def test_workspace_from_config_searches_upwards_and_falls_back_to_here(tmp_path):
    (tmp_path / "proj" / "deep" / "er").mkdir(parents=True)
    (tmp_path / "proj" / "config.json").write_text('{"workspace_name": "w1"}')
    (tmp_path / "alone").mkdir()
    code = """
        import pipeline_widget.azureml
        from azureml.core import Workspace
        ws = Workspace.from_config()
        print(ws.name, ws.path)
    """
    found = python(code, tmp_path / "proj" / "deep" / "er")
    assert found.returncode == 0, found.stderr
    assert f"w1 {tmp_path / 'proj'}" in found.stdout
    alone = python(code, tmp_path / "alone")
    assert f"local {tmp_path / 'alone'}" in alone.stdout


def test_datastore_uploads_stay_inside_the_datastore(tmp_path):
    (tmp_path / "f.csv").write_text("a\n1\n")
    res = python("""
        import pipeline_widget.azureml
        from azureml.core import Workspace, Dataset
        ws = Workspace.from_config()
        store = ws.get_default_datastore()
        store.upload_files(["f.csv"], target_path="raw", overwrite=True)
        table = Dataset.Tabular.from_delimited_files(path=(store, "raw/f.csv"))
        print(len(table.to_pandas_dataframe()))
        try:
            store.upload_files(["f.csv"], target_path="../../escape")
        except Exception as err:
            print("refused:", err)
    """, tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[0] == "1"
    assert "refused:" in res.stdout and "leads outside" in res.stdout
    assert not (tmp_path.parent / "escape").exists()
