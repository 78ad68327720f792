"""Schedules kept in the workspace: when a recurrence or a watched datastore is due, and
`pipeline-widget schedules [run-due]` listing them and running the due ones."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import textwrap
import time

import pytest

from pipeline_widget.azureml.registries import schedules
from pipeline_widget.core.errors import PipelineError
from tests.azureml.conftest import azureml_cli
from tests.conftest import PYTHON


def _entry(created: float, **recurrence) -> dict:
    return {"created": created, "recurrence": {"interval": 1, **recurrence}}


def test_an_interval_is_due_once_its_period_has_passed():
    now = time.time()
    entry = _entry(now - 10, frequency="Hour")
    assert schedules.due_by_recurrence(entry, now)            # never ran: due at once
    entry["last_run_time"] = now - 1800
    assert not schedules.due_by_recurrence(entry, now)
    entry["last_run_time"] = now - 3601
    assert schedules.due_by_recurrence(entry, now)
    later = _entry(now, frequency="Day", start_time=dt.datetime.fromtimestamp(now + 60))
    assert not schedules.due_by_recurrence(later, now)         # not before its start time


def test_hours_minutes_and_week_days_name_the_slots():
    monday_9 = dt.datetime(2024, 1, 1, 9, 0).timestamp()       # a Monday
    entry = _entry(monday_9 - 7 * 86400, frequency="Week", week_days=["Monday"], hours=[9],
                   minutes=[0])
    assert schedules.due_by_recurrence(entry, monday_9 + 30)
    entry["last_run_time"] = monday_9 + 30
    assert not schedules.due_by_recurrence(entry, monday_9 + 86400)   # Tuesday: no slot
    assert schedules.due_by_recurrence(entry, monday_9 + 7 * 86400 + 5)


@pytest.mark.parametrize("recurrence, problem", [
    ({"frequency": "Fortnight", "interval": 1}, "frequency 'Fortnight' is not one of"),
    ({"frequency": "Day", "interval": 0}, "interval must be a whole number from 1"),
    ({"frequency": "Week", "interval": 1, "week_days": ["Funday"]}, "week day 'Funday'"),
    ({"frequency": "Day", "interval": 1, "hours": [25]}, "hours must be whole numbers from 0"),
])
def test_a_bad_recurrence_is_refused_with_the_fix(recurrence, problem):
    with pytest.raises(PipelineError, match=problem):
        schedules.check_recurrence(recurrence)


PUBLISH = textwrap.dedent('''
    from azureml.core import Datastore, Workspace
    from azureml.pipeline.core import Pipeline, PipelineParameter, Schedule, ScheduleRecurrence
    from azureml.pipeline.steps import PythonScriptStep
    ws = Workspace.from_config()
    where = PipelineParameter("where", default_value="none")
    step = PythonScriptStep(name="tick", script_name="tick.py", source_directory="code",
                            arguments=["--where", where], allow_reuse=False)
    published = Pipeline(ws, [step]).publish(name="ticker")
    hourly = Schedule.create(ws, name="hourly", pipeline_id=published.id,
                             experiment_name="ticks", pipeline_parameters={"where": "clock"},
                             recurrence=ScheduleRecurrence(frequency="Hour", interval=1))
    store = Datastore.register_azure_blob_container(ws, "drops", "c", "a")
    watch = Schedule.create(ws, name="on-drop", pipeline_id=published.id,
                            experiment_name="ticks", datastore=store, path_on_datastore="in",
                            data_path_parameter_name="where", polling_interval=5)
    paused = Schedule.create(ws, name="paused", pipeline_id=published.id,
                             experiment_name="ticks",
                             recurrence=ScheduleRecurrence(frequency="Minute", interval=5))
    paused.disable()
    paused.update(description="weekly later")
    print("UPDATED", Schedule.get(ws, paused.id).description)
    print("LISTED", sorted(s.name for s in Schedule.list(ws)),
          Schedule.get(ws, hourly.id).recurrence["frequency"], paused.status)
''')


def _cli(project, *args):
    return subprocess.run([PYTHON, "-m", "pipeline_widget", *args], cwd=project,
                          capture_output=True, text=True, timeout=120)


def test_schedules_are_listed_and_the_due_ones_run(tmp_path):
    project = tmp_path / "sched"
    (project / "code").mkdir(parents=True)
    (project / "code" / "tick.py").write_text(
        "import argparse\nfrom azureml.core import Run\ncli = argparse.ArgumentParser()\n"
        "cli.add_argument('--where')\nRun.get_context().log('where', cli.parse_args().where)\n")
    (project / "config.json").write_text("{}")
    (project / "publish.py").write_text(PUBLISH)
    res = azureml_cli(project, "publish.py")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "LISTED ['hourly', 'on-drop'] Hour Disabled" in res.stdout
    assert "UPDATED weekly later" in res.stdout

    listed = _cli(project, "schedules")
    assert listed.returncode == 0, listed.stderr
    assert "every 1 Hour" in listed.stdout and "on changes in datastore drops/in" in listed.stdout
    assert "Disabled" in listed.stdout

    first = _cli(project, "schedules", "run-due")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "hourly: started run" in first.stdout and "on-drop" not in first.stdout
    again = _cli(project, "schedules", "run-due")
    assert "no schedule is due" in again.stdout      # the hour has not passed

    dropped = project / "pipeline_workspace" / "datastores" / "drops" / "in"
    dropped.mkdir(parents=True)
    (dropped / "new.csv").write_text("x\n")
    third = _cli(project, "schedules", "run-due")
    assert third.returncode == 0, third.stdout + third.stderr
    assert "on-drop: started run" in third.stdout and "hourly" not in third.stdout
    seen = sorted(json.loads(line)["value"] for path in
                  (project / "pipeline_workspace" / "runs").glob("ticks_*/steps/*/metrics.jsonl")
                  for line in path.read_text().splitlines())
    assert len(seen) == 2 and "clock" in seen
    assert any(v.endswith("drops/in/new.csv") for v in seen)   # the changed file, as parameter
    shown = _cli(project, "registries", "schedules")
    assert "hourly" in shown.stdout and "on-drop" in shown.stdout
    (project / "last.py").write_text(
        "from azureml.core import Workspace\nfrom azureml.pipeline.core import Schedule\n"
        "last = Schedule.get(Workspace.from_config(), 'hourly').get_last_pipeline_run()\n"
        "print('LAST', last.get_status(), last.get_tags())\n")
    last = azureml_cli(project, "last.py")
    assert "LAST Finished {'schedule': 'hourly'}" in last.stdout, last.stderr
