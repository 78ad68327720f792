"""What a step sees of its run, as v1 code uses it: tags on itself and on the pipeline run,
uploads and a model registered from them, the experiment, allow_offline, and
run.parent.cancel() cancelling the pipeline run."""
from __future__ import annotations

import json
import subprocess
import textwrap

from tests.azureml.conftest import azureml_cli
from tests.conftest import PYTHON

PIPELINE = textwrap.dedent('''
    import sys
    from azureml.core import Experiment, Workspace
    from azureml.pipeline.core import Pipeline
    from azureml.pipeline.steps import PythonScriptStep
    ws = Workspace.from_config()
    steps = [PythonScriptStep(name=n, script_name=f"{n}.py", source_directory="code",
                              allow_reuse=False) for n in sys.argv[1:]]
    run = Experiment(ws, "context").submit(Pipeline(ws, steps), tags={"team": "blue"})
    status = run.wait_for_completion(show_output=False, raise_on_error=False)
    print("STATUS", status, {s.name: s.get_status() for s in run.get_steps()})
    print("TAGS", run.get_tags())
    print("PARENT_METRICS", run.get_metrics())
''')

STEPS = {
    "keep.py": textwrap.dedent('''
        import os
        from azureml.core import Run
        run = Run.get_context(allow_offline=False)
        run.tag("stage", "keep")
        run.set_tags({"owner": "me"})
        run.parent.tag("kept", "1")
        run.parent.log("files", 2)
        with open("model.txt", "w") as f:
            f.write("weights")
        run.upload_file(name="outputs/model.txt", path_or_stream="model.txt")
        os.makedirs("bundle", exist_ok=True)
        open("bundle/a.txt", "w").write("a")
        run.upload_folder(name="bundle", path="bundle")
        model = run.register_model(model_name="kept-model", model_path="outputs/model.txt",
                                   tags={"team": run.parent.get_tags()["team"]})
        print("NAMES", run.get_file_names())
        print("OWN", run.get_tags(), run.experiment.name, model.name, model.version)
    '''),
    "stop.py": textwrap.dedent('''
        import time
        from azureml.core import Run
        time.sleep(0.5)
        Run.get_context().parent.cancel()
    '''),
    "slow.py": "import time\ntime.sleep(30)\n",
}


def _project(tmp_path):
    project = tmp_path / "ctx"
    (project / "code").mkdir(parents=True)
    for name, text in STEPS.items():
        (project / "code" / name).write_text(text)
    (project / "config.json").write_text("{}")
    (project / "pipeline.py").write_text(PIPELINE)
    return project


def test_tags_uploads_and_a_model_from_a_step(tmp_path):
    project = _project(tmp_path)
    res = azureml_cli(project, "pipeline.py", "keep")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "STATUS Finished {'keep': 'Finished'}" in res.stdout
    assert "TAGS {'team': 'blue', 'kept': '1'}" in res.stdout
    assert "PARENT_METRICS {'files': 2}" in res.stdout
    (stdout,) = (project / "pipeline_workspace" / "runs").glob("*/steps/keep-*/stdout.txt")
    text = stdout.read_text()
    assert "NAMES ['bundle/a.txt', 'outputs/model.txt']" in text
    assert "OWN {'stage': 'keep', 'owner': 'me'} context kept-model 1" in text
    models = json.loads((project / "pipeline_workspace" / "azureml" / "models.json").read_text())
    (entry,) = models["kept-model"]
    assert entry["tags"] == {"team": "blue"} and entry["run_id"].startswith("keep")
    kept = project / "pipeline_workspace" / "azureml" / entry["path"]
    assert kept.read_text() == "weights"


def test_run_parent_cancel_cancels_the_pipeline_run(tmp_path):
    project = _project(tmp_path)
    res = azureml_cli(project, "pipeline.py", "stop", "slow")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "STATUS Canceled" in res.stdout
    assert "'slow': 'Canceled'" in res.stdout


def test_offline_context_and_allow_offline_false(tmp_path):
    code = textwrap.dedent('''
        import pipeline_widget.azureml
        from azureml.core import Run
        run = Run.get_context()
        run.tag("a", 1)
        print(run.get_tags(), run.id.startswith("OfflineRun"))
        try:
            Run.get_context(allow_offline=False)
        except Exception as err:
            print("REFUSED", type(err).__name__, err)
    ''')
    res = subprocess.run([PYTHON, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 0, res.stderr
    assert "{'a': '1'} True" in res.stdout
    assert "REFUSED PipelineError Run.get_context(allow_offline=False) outside a pipeline" \
        in res.stdout


def test_start_logging_keeps_what_the_notebook_logs(tmp_path):
    code = textwrap.dedent('''
        import pipeline_widget.azureml
        from azureml.core import Experiment, Workspace
        ws = Workspace.from_config()
        with Experiment(ws, "by-hand").start_logging() as run:
            run.log("alpha", 0.5)
            run.log("alpha", 0.7)
            run.tag("who", "me")
            run_id = run.id
        print(run.get_status(), run.get_metrics(), run.get_tags(), run.experiment.name)
    ''')
    (tmp_path / "config.json").write_text("{}")
    res = subprocess.run([PYTHON, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 0, res.stderr
    assert "Completed {'alpha': [0.5, 0.7]} {'who': 'me'} by-hand" in res.stdout
    runs = json.loads((tmp_path / "pipeline_workspace" / "azureml" / "runs.json").read_text())
    (entry,) = runs.values()
    assert entry["metrics"] == {"alpha": [0.5, 0.7]}


LOOKUP = textwrap.dedent('''
    import sys
    from azureml.core import Experiment, Workspace, get_run
    ws = Workspace.from_config()
    experiment = Experiment(ws, "context")
    print("BLUE", [r.id for r in experiment.get_runs(tags={"team": "blue"})])
    print("KEPT", [r.id for r in experiment.get_runs(tags="kept")])
    print("NONE", [r.id for r in experiment.get_runs(tags={"team": "red"})])
    run = get_run(ws, sys.argv[1])
    run.tag("checked", None)
    print("RUN", run.get_tags())
    print("STEP", {s.name: s.get_tags() for s in run.get_steps()})
''')


def test_tags_are_kept_in_the_run_record_and_looked_up_from_it_by_another_process(tmp_path):
    project = _project(tmp_path)
    res = azureml_cli(project, "pipeline.py", "keep")
    assert res.returncode == 0, res.stdout + res.stderr
    (run_json,) = (project / "pipeline_workspace" / "runs").glob("*/run.json")
    record = json.loads(run_json.read_text())
    # given at submit, and set by the step on its parent while the runner wrote the record
    assert record["tags"] == {"team": "blue", "kept": "1"}
    assert record["steps"]["keep"]["tags"] == {"stage": "keep", "owner": "me"}
    registry = project / "pipeline_workspace" / "azureml" / "runs.json"
    assert "tags" not in json.loads(registry.read_text()).get(record["run_id"], {})
    (project / "lookup.py").write_text(LOOKUP)
    found = azureml_cli(project, "lookup.py", record["run_id"])
    assert found.returncode == 0, found.stdout + found.stderr
    assert f"BLUE ['{record['run_id']}']" in found.stdout
    assert f"KEPT ['{record['run_id']}']" in found.stdout and "NONE []" in found.stdout
    assert "RUN {'team': 'blue', 'kept': '1', 'checked': ''}" in found.stdout
    assert "STEP {'keep': {'stage': 'keep', 'owner': 'me'}}" in found.stdout
    assert json.loads(run_json.read_text())["tags"]["checked"] == ""


def test_a_record_written_before_tags_were_kept_in_it_still_reads(tmp_path):
    project = _project(tmp_path)
    assert azureml_cli(project, "pipeline.py", "keep").returncode == 0
    (run_json,) = (project / "pipeline_workspace" / "runs").glob("*/run.json")
    record = json.loads(run_json.read_text())
    run_id = record["run_id"]
    for entry in [record, *record["steps"].values()]:
        del entry["tags"]
    run_json.write_text(json.dumps(record))
    registry = project / "pipeline_workspace" / "azureml" / "runs.json"
    registry.write_text(json.dumps({run_id: {"tags": {"BuildId": "old"}}}))
    (project / "lookup.py").write_text(LOOKUP)
    found = azureml_cli(project, "lookup.py", run_id)
    assert found.returncode == 0, found.stdout + found.stderr
    assert "RUN {'BuildId': 'old', 'checked': ''}" in found.stdout
    shown = subprocess.run([PYTHON, "-m", "pipeline_widget", "show", run_id], cwd=project,
                           capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0 and "DAMAGED" not in shown.stdout, shown.stdout + shown.stderr
