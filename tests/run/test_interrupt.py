"""Interruptions of the command line: Ctrl-C, SIGTERM and kill -9, with real processes.

A run is interrupted while a notebook step and a script step (with a child of its own) are
running; afterwards no process of the run may be left, the record must say what happened,
and the next run must resume.
"""
import json
import signal
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest

from pipeline_widget.run.step.kernels import fork_kernels
from tests.conftest import PYTHON, process_ended, write_notebook, write_script

WAIT = 120  # seconds: a bound for things that must happen, never a measured time


def make_pipeline(project: Path) -> Path:
    """first -> (slow notebook, slow script that starts a child of its own)."""
    marks = project / "marks"
    marks.mkdir()
    write_notebook(project / "first.ipynb", "a = None",
                   "import os\nopen(os.path.join(a, 'data.txt'), 'w').write('1')")
    write_notebook(project / "slow.ipynb", "a = None",
                   "import os, subprocess, time\n"
                   "child = subprocess.Popen(['sleep', '600'], start_new_session=True)\n"
                   f"open({str(marks / 'slow')!r}, 'w').write(f'{{os.getpid()}} {{child.pid}}')\n"
                   "time.sleep(600)")
    write_script(project / "slow.py",
                 "import os, subprocess, sys, time\n"
                 "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
                 f"open({str(marks / 'script')!r}, 'w').write(f'{{os.getpid()}} {{child.pid}}')\n"
                 "time.sleep(600)\n")
    path = project / "slow.pipeline.json"
    path.write_text(json.dumps({"schema_version": 1, "name": "slow", "steps": [
        {"type": "notebook", "name": "first", "notebook": "first.ipynb", "outputs": ["a"]},
        {"type": "notebook", "name": "slow notebook", "notebook": "slow.ipynb",
         "inputs": [{"data": "a"}]},
        {"type": "python_script", "name": "slow script", "script_name": "slow.py",
         "source_directory": ".", "inputs": [{"data": "a"}], "arguments": [{"data": "a"}]}]}))
    return path


def start_cli(project: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([PYTHON, "-m", "pipeline_widget", *args], cwd=project,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.1)


def step_processes(project: Path, cli: subprocess.Popen) -> list[psutil.Process]:
    """Once both slow steps run: every process the run started (kernels, script, its child)."""
    marks = project / "marks"
    wait_until(lambda: all(len(_read(marks / m).split()) == 2 for m in ("slow", "script")),
               "both slow steps running")
    assert cli.poll() is None
    procs = psutil.Process(cli.pid).children(recursive=True)
    pids = {p.pid for p in procs}
    started = {int(pid) for m in ("slow", "script") for pid in (marks / m).read_text().split()}
    assert started <= pids  # kernel, script, and a child of each (the kernel's in a session of its own)
    return procs


def _read(path: Path) -> str:
    return path.read_text() if path.is_file() else ""


def all_gone(procs: list[psutil.Process]) -> bool:
    return all(process_ended(p) for p in procs)


def manifests(project: Path) -> list[dict]:
    return sorted((json.loads(p.read_text()) for p in
                   (project / "pipeline_workspace" / "runs").glob("*/run.json")),
                  key=lambda r: r["start_time"])


def cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "-m", "pipeline_widget", *args], cwd=project,
                          capture_output=True, text=True, timeout=300)


def check_resumes(project: Path, path: Path, rerun_of: str | None = None) -> None:
    """The next run (or a rerun of the interrupted one) reuses the step that finished and
    runs the interrupted ones (which are made quick first)."""
    (project / "slow.ipynb").unlink()
    write_notebook(project / "slow.ipynb", "a = None", "print('quick now')")
    write_script(project / "slow.py", "print('quick now')\n")
    res = cli(project, "rerun", rerun_of) if rerun_of else cli(project, "run", str(path))
    assert res.returncode == 0, res.stdout + res.stderr
    assert "reused: first" in res.stdout
    last = manifests(project)[-1]
    assert {n: (s["status"], s["is_reused"]) for n, s in last["steps"].items()} == {
        "first": ("Finished", True), "slow notebook": ("Finished", False),
        "slow script": ("Finished", False)}


@contextmanager
def cleaned_up(procs: list[psutil.Process]):
    """Whatever the test's outcome, no process it caused outlives it."""
    try:
        yield
    finally:
        for p in procs:
            try:
                p.kill()
            except psutil.Error:
                pass


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_cancels_the_run_stops_every_process_and_the_next_run_resumes(project, signum):
    path = make_pipeline(project)
    proc = start_cli(project, "run", str(path), "--max-parallel", "2")
    procs = step_processes(project, proc)
    with cleaned_up(procs):
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=WAIT)
        assert proc.returncode == 130, out + err
        assert "interrupted" in err and "Traceback" not in err
        assert "Canceled" in out
        wait_until(lambda: all_gone(procs), "no process of the run left")

        (record,) = manifests(project)
        assert record["status"] == "Canceled"
        assert {n: s["status"] for n, s in record["steps"].items()} == {
            "first": "Finished", "slow notebook": "Canceled", "slow script": "Canceled"}
        stopped = record["steps"]["slow notebook"]["error"]
        assert stopped["type"] == "Canceled" and stopped["cell"] == 2  # the cell that ran
        runs = cli(project, "runs")
        assert runs.returncode == 0 and "Canceled" in runs.stdout
        check_resumes(project, path, rerun_of=record["run_id"] if signum == signal.SIGTERM else None)


def test_kill_9_of_the_runner_leaves_no_process_and_no_corrupt_record(project):
    path = make_pipeline(project)
    proc = start_cli(project, "run", str(path), "--max-parallel", "2")
    procs = step_processes(project, proc)
    with cleaned_up(procs):
        proc.kill()
        proc.communicate(timeout=WAIT)
        # nothing a step started runs on without its runner: each step's supervisor
        # notices and ends its whole tree, children in sessions of their own included
        wait_until(lambda: all_gone(procs), "every process of a killed runner's steps exits")
        runs = project / "pipeline_workspace" / "runs"
        if fork_kernels():   # the fork server removed its kernels' files as it ended
            wait_until(lambda: not list(runs.glob("*/kernels/kernel-*.json")),
                       "no connection file left")
        else:   # left in the run's folder, for the next pool there to remove
            assert list(runs.glob("*/kernels/kernel-*.json")), "connection files in the run's folder"

        (record,) = manifests(project)  # still valid JSON: every write is a rename
        assert record["status"] == "Running"  # as last written; readers know better:
        runs = cli(project, "runs")
        assert runs.returncode == 0 and "Canceled" in runs.stdout and "Running" not in runs.stdout
        show = cli(project, "show", record["run_id"])
        assert show.returncode == 0
        assert "slow notebook [Canceled]" in show.stdout and "first [Finished]" in show.stdout
        assert "the runner process stopped" in show.stdout
        for entry in (project / "pipeline_workspace" / "cache").rglob("*.json"):
            json.loads(entry.read_text())  # no half-written cache entry
        assert not list((project / "pipeline_workspace").rglob("*.tmp"))
        check_resumes(project, path)


def test_a_run_whose_pid_now_belongs_to_another_process_counts_as_canceled(ws):
    from pipeline_widget.run import records
    from pipeline_widget.run.records import StepRecord

    record = records.new_record("pid_reuse", steps={"s": StepRecord("s", status="Running")})
    record.status = "Running"
    records.save(ws, record)
    assert records.load(ws, "pid_reuse").status == "Running"  # this process: alive
    record.pid_started = "1"  # the same pid, but a process started at another time
    records.save(ws, record)
    loaded = records.load(ws, "pid_reuse")
    assert loaded.status == "Canceled" and loaded.steps["s"].status == "Canceled"


def test_sigterm_while_the_run_is_submitted_cancels_it_with_130(project):
    """Kernels boot while the submission checks the notebooks' parameters: a SIGTERM then
    is an interrupt like any other, and no kernel outlives the command."""
    path = make_pipeline(project)
    marks = project / "marks"
    # the parameters check is made slow, so the signal surely comes during the submission
    slow_check = ("import sys, time\n"
                  "import pipeline_widget.run.parameters_cell as cell\n"
                  "check = cell.note_unusual_cells\n"
                  "def slow(*args):\n"
                  f"    open({str(marks / 'checking')!r}, 'w').close()\n"
                  "    time.sleep(60)\n"
                  "    return check(*args)\n"
                  "cell.note_unusual_cells = slow\n"
                  "from pipeline_widget.cli import main\n"
                  "sys.exit(main(sys.argv[1:]))\n")
    proc = subprocess.Popen([PYTHON, "-c", slow_check, "run", str(path)], cwd=project,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_until(lambda: (marks / "checking").exists() and psutil.Process(proc.pid).children(),
               "kernels booting while the submission checks parameters")
    procs = psutil.Process(proc.pid).children(recursive=True)
    with cleaned_up(procs):
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=WAIT)
        assert proc.returncode == 130, (proc.returncode, out + err)
        assert "interrupted" in err and "Traceback" not in err
        wait_until(lambda: all_gone(procs), "no kernel left")
