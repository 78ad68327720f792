"""`pipeline-widget azureml SCRIPT.py | NOTEBOOK.ipynb`: submitted runs are never lost (the
command waits for them and its exit code reports their failure), bad input and v1 APIs
with no local version exit 2 with a message, --workspace is honoured."""
from __future__ import annotations

import json
import textwrap

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from tests.azureml.conftest import azureml_cli

NEVER_WAITS = textwrap.dedent('''
    from azureml.core import Experiment, Workspace
    from azureml.pipeline.core import Pipeline
    from azureml.pipeline.steps import PythonScriptStep
    import sys
    ws = Workspace.from_config()
    ok = PythonScriptStep(name="slow", script_name="slow.py", source_directory="code")
    run = Experiment(ws, "fire").submit(Pipeline(ws, [ok]))
    bad = PythonScriptStep(name="broken", script_name="broken.py", source_directory="code")
    if "--fail" in sys.argv:
        Experiment(ws, "fire").submit(Pipeline(ws, [bad]))
    print("SUBMITTED", run.id)
''')


def _project(tmp_path):
    project = tmp_path / "p"
    (project / "code").mkdir(parents=True)
    (project / "code" / "slow.py").write_text(
        "import time\ntime.sleep(1.5)\nopen('outputs/done.txt', 'w').write('yes')\n")
    (project / "code" / "broken.py").write_text("raise ValueError('no good')\n")
    (project / "fire.py").write_text(NEVER_WAITS)
    return project


def _statuses(project):
    return sorted(s["status"] for path in (project / "pipeline_workspace" / "runs").glob("*/run.json")
                  for s in json.loads(path.read_text())["steps"].values())


def test_a_script_that_never_waits_has_its_runs_finish(tmp_path):
    project = _project(tmp_path)
    res = azureml_cli(project, "fire.py")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "waiting for 1 submitted run(s) to end" in res.stderr
    assert "cannot schedule new futures" not in res.stderr
    assert _statuses(project) == ["Finished"]
    (done,) = (project / "pipeline_workspace" / "runs").glob("*/steps/*/snapshot/outputs/done.txt")
    assert done.read_text() == "yes"


def test_a_failed_run_nobody_waited_for_fails_the_command(tmp_path):
    project = _project(tmp_path)
    res = azureml_cli(project, "fire.py", "--fail")
    assert res.returncode == 1, res.stdout + res.stderr
    (line,) = [x for x in res.stderr.splitlines() if x.startswith("run ")]
    assert ": Failed: broken: " in line and "ValueError: no good" in line
    assert _statuses(project) == ["Failed", "Finished"]


def test_a_notebook_that_never_waits_has_its_runs_finish_and_reports_failure(tmp_path):
    project = _project(tmp_path)
    nb = new_notebook()
    nb.cells = [new_code_cell("import sys\nsys.argv = ['x', '--fail']"),
                new_code_cell(NEVER_WAITS.replace("import sys\n", "")),
                new_code_cell("from azureml.widgets import RunDetails\nRunDetails(run).show()")]
    nbformat.write(nb, str(project / "fire.ipynb"))
    res = azureml_cli(project, "fire.ipynb")
    assert res.returncode == 1, res.stdout + res.stderr
    (line,) = [x for x in res.stderr.splitlines() if x.startswith("run ")]
    assert ": Failed: broken: " in line and "ValueError: no good" in line
    assert "[RunDetails] step 'slow': Finished" in res.stdout
    assert "IPKernelApp" not in res.stderr          # the kernel's start-up noise is not shown
    assert _statuses(project) == ["Failed", "Finished"]


def test_bad_input_and_missing_apis_exit_2_with_a_message(tmp_path):
    project = _project(tmp_path)
    missing = azureml_cli(project, "nowhere.py")
    assert missing.returncode == 2 and "script nowhere.py not found" in missing.stderr
    no_module = azureml_cli(project, "-m", "ml_service.nowhere", "--x", "1")
    assert no_module.returncode == 2 and "module ml_service.nowhere not found" in no_module.stderr
    nothing = azureml_cli(project)
    assert nothing.returncode == 2 and "give a script or notebook to run" in nothing.stderr
    (project / "automl.py").write_text("from azureml.train.automl import AutoMLConfig\n")
    res = azureml_cli(project, "automl.py")
    assert res.returncode == 2, res.stderr
    assert ("error: azureml.train.automl.AutoMLConfig (Azure ML SDK v1) has no local version "
            "yet" in res.stderr)
    assert "Traceback" not in res.stderr
    nb = new_notebook()
    nb.cells = [new_code_cell("from azureml.core import Webservice")]
    nbformat.write(nb, str(project / "deploy.ipynb"))
    res = azureml_cli(project, "deploy.ipynb")
    assert res.returncode == 2, res.stderr
    assert "error: cell 1: azureml.core.Webservice (Azure ML SDK v1) has no local version" \
        in res.stderr
    (project / "oops.py").write_text("import azureml.core\nprint(1 / 0)\n")
    res = azureml_cli(project, "oops.py")   # the script's own error: its traceback, exit 1
    assert res.returncode == 1 and "ZeroDivisionError" in res.stderr


def test_the_workspace_option_is_honoured(tmp_path):
    project = _project(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    import subprocess

    from tests.conftest import PYTHON

    res = subprocess.run([PYTHON, "-m", "pipeline_widget", "--workspace", str(elsewhere),
                          "azureml", "fire.py"], cwd=project, capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    assert list((elsewhere / "pipeline_workspace" / "runs").glob("fire_*/run.json"))
    assert not (project / "pipeline_workspace").exists()


def test_plain_python_with_the_import_also_waits_for_its_runs(tmp_path):
    import subprocess

    from tests.conftest import PYTHON

    project = _project(tmp_path)
    (project / "plain.py").write_text("import pipeline_widget.azureml\n" + NEVER_WAITS)
    res = subprocess.run([PYTHON, "plain.py"], cwd=project, capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    assert "cannot schedule new futures" not in res.stderr
    assert _statuses(project) == ["Finished"]


def test_an_interrupted_command_cancels_its_runs(tmp_path):
    import signal
    import subprocess
    import time

    from tests.conftest import PYTHON

    project = _project(tmp_path)
    (project / "code" / "slow.py").write_text("import time\ntime.sleep(60)\n")
    (project / "hang.py").write_text(NEVER_WAITS.replace('print("SUBMITTED", run.id)',
                                                         'print("SUBMITTED", run.id, flush=True)\n'
                                                         'import time\ntime.sleep(60)'))
    proc = subprocess.Popen([PYTHON, "-m", "pipeline_widget", "azureml", "hang.py"],
                            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None and "SUBMITTED" in proc.stdout.readline()
    deadline = time.time() + 20
    while time.time() < deadline and not list(
            (project / "pipeline_workspace" / "runs").glob("*/steps/slow-*/stdout.txt")):
        time.sleep(0.1)
    started = time.time()
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=40) == 130
    assert time.time() - started < 30            # not the step's 60 seconds
    assert _statuses(project) == ["Canceled"]
