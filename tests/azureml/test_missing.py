"""What has no local version yet fails with one clear error naming the v1 API, never an
AttributeError or ModuleNotFoundError traceback; an installed (or stand-in) azureml keeps
its own behaviour."""
from __future__ import annotations

import subprocess
import textwrap

import pytest

from pipeline_widget.azureml.missing import NoLocalVersion
from pipeline_widget.azureml.sdk.core import Model, Workspace
from pipeline_widget.azureml.sdk.core.authentication import InteractiveLoginAuthentication
from pipeline_widget.azureml.sdk.core.datastore import Datastore
from tests.conftest import PYTHON


def python(code: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "-c", textwrap.dedent(code)], cwd=cwd, capture_output=True,
                          text=True, timeout=60)


def test_a_missing_method_names_the_v1_api(tmp_path):
    ws = Workspace(folder=tmp_path)
    with pytest.raises(NoLocalVersion, match=r"^Workspace\.delete \(Azure ML SDK v1\) has no "
                                             r"local version yet; see the README"):
        ws.delete()
    assert getattr(ws, "delete", None) is None      # still an AttributeError to getattr
    with pytest.raises(NoLocalVersion, match="Model.deploy .* web services have no local"):
        Model.deploy(ws, "svc", [])
    with pytest.raises(NoLocalVersion, match="register_azure_sql_database .* CSV files"):
        Datastore.register_azure_sql_database(ws, "sql", "server", "db")
    with pytest.raises(NoLocalVersion, match="REST calls .* submit the published pipeline"):
        InteractiveLoginAuthentication().get_authentication_header()
    with pytest.raises(NoLocalVersion, match="get_mlflow_tracking_uri .* Run.get_context"):
        ws.get_mlflow_tracking_uri()


def test_missing_modules_and_names_of_v1_paths(tmp_path):
    res = python("""
        import pipeline_widget.azureml
        for statement in ("from azureml.core import Webservice",
                          "from azureml.core.webservice import AciWebservice",
                          "import azureml.automl.core.shared as s; s.constants",
                          "from azureml.train.automl import AutoMLConfig",
                          "from azureml.contrib.fairness import upload_dashboard_dictionary; "
                          "upload_dashboard_dictionary()",
                          "from azureml.pipeline.steps import DatabricksStep"):
            try:
                exec(statement)
                print("NO ERROR", statement)
            except Exception as err:
                print(type(err).__name__, "|", err)
    """, tmp_path)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert len(lines) == 6 and all(line.startswith("NoLocalVersion | ") for line in lines[:2])
    assert "azureml.core.Webservice (Azure ML SDK v1) has no local version yet" in lines[0]
    assert "azureml.core.webservice.AciWebservice (Azure ML SDK v1)" in lines[1]
    assert lines[2].startswith("NO ERROR")      # a module's lower-case name may be a module
    assert "azureml.train.automl.AutoMLConfig (Azure ML SDK v1) has no local" in lines[3]
    assert "azureml.contrib.fairness.upload_dashboard_dictionary() (Azure ML SDK v1)" in lines[4]
    assert "azureml.pipeline.steps.DatabricksStep (Azure ML SDK v1)" in lines[5]
    assert "AttributeError" not in res.stdout and "ModuleNotFoundError" not in res.stdout


def test_a_stand_in_azureml_keeps_its_own_missing_modules(tmp_path):
    fake = tmp_path / "site" / "azureml" / "core"
    fake.mkdir(parents=True)
    (fake.parent / "__init__.py").write_text("")
    (fake / "__init__.py").write_text("class Run:\n    WHO = 'stand-in'\n")
    res = python("""
        import sys
        sys.path.insert(0, "site")
        import pipeline_widget.azureml
        from azureml.core import Run
        print(Run.WHO)
        try:
            import azureml.pipeline.core
        except ModuleNotFoundError as err:
            print("NOT FOUND", err.name)
    """, tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["stand-in", "NOT", "FOUND", "azureml.pipeline"]
