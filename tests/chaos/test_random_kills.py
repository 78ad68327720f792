"""Chaos: a seeded killer sends SIGKILL at random moments to random kernels, scripts,
supervisors and the runner itself, while a 22-step pipeline (a fan-out and a chain,
notebooks and scripts, some with retries) runs; then the run is resumed or run again until
it finishes. Every time: nothing half written is reused or marked complete, every step is
recorded once with a final status, no process, kernel or scratch is left behind; at the end
the outputs are byte-identical to a clean run's.

The seed is printed (CHAOS_SEED=... replays it); the number of kill points is at least
CHAOS_KILLS (default 100) over the suite's runs.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest

from pipeline_widget import NotebookStep, Pipeline, PipelineData, PythonScriptStep, Status, Workspace
from pipeline_widget.run.records import store
from pipeline_widget.run.reuse.cache import ReuseCache
from tests.conftest import write_notebook, write_script

KILLS = int(os.environ.get("CHAOS_KILLS", "100"))
SEED = int(os.environ.get("CHAOS_SEED", str(random.randrange(1 << 30))))
FINAL = {Status.FINISHED, Status.FAILED, Status.CANCELED, Status.SKIPPED, Status.NOT_SELECTED}
RUNNER_SHARE = 0.15     # of kills aimed at the runner itself
ROUND_LIMIT = 600        # seconds of chaos at most (the suite stays within CI's budget)
WAIT = 120

SCRIPT = ("import hashlib, os, sys, time\n"
          "time.sleep(float(sys.argv[1]))\n"
          "text = ''.join(open(os.path.join(d, 'x.txt')).read() for d in sys.argv[3:])\n"
          "out = os.path.join(sys.argv[2], 'x.txt')\n"
          "with open(out, 'w') as f:\n"
          "    for i in range(50):\n"
          "        f.write(hashlib.sha256((text + str(i)).encode()).hexdigest())\n"
          "        f.flush()\n")


def chaos_pipeline(ws: Workspace, project: Path) -> Path:
    """A root notebook, a fan-out of 10 scripts, a chain of 8 steps (notebooks and scripts)
    after them, a join and a final notebook: 22 steps, some retried."""
    write_script(project / "steps" / "step.py", SCRIPT)
    nb = write_notebook(project / "steps" / "root.ipynb", "root = None\npause = 0.1",
                        "import hashlib, os, time\ntime.sleep(pause)\n"
                        "open(os.path.join(root, 'x.txt'), 'w').write("
                        "hashlib.sha256(b'root').hexdigest())")
    root = PipelineData("root")
    steps: list = [NotebookStep("root", nb, outputs=[root], parameters={"pause": 0.2})]
    fan = []
    for k in range(10):
        out = PipelineData(f"fan{k}")
        fan.append(out)
        steps.append(PythonScriptStep(name=f"fan {k}", script_name="step.py",
                                      source_directory=project / "steps", inputs=[root],
                                      outputs=[out], arguments=[str(0.2 + 0.05 * k), out, root],
                                      retries=1 if k % 3 == 0 else None))
    joined = PipelineData("joined")
    steps.append(PythonScriptStep(name="join", script_name="step.py",
                                  source_directory=project / "steps", inputs=fan,
                                  outputs=[joined], arguments=["0.1", joined, *fan], retries=2))
    previous = joined
    for k in range(8):
        out = PipelineData(f"chain{k}")
        if k % 2:
            chain_nb = write_notebook(project / "steps" / f"chain{k}.ipynb",
                                      f"chain{k - 1} = None\nchain{k} = None",
                                      "import hashlib, os, time\ntime.sleep(0.2)\n"
                                      f"text = open(os.path.join(chain{k - 1}, 'x.txt')).read()\n"
                                      f"open(os.path.join(chain{k}, 'x.txt'), 'w').write("
                                      "hashlib.sha256(text.encode()).hexdigest())")
            steps.append(NotebookStep(f"chain {k}", chain_nb, inputs=[previous], outputs=[out],
                                      retries=1))
        else:
            steps.append(PythonScriptStep(name=f"chain {k}", script_name="step.py",
                                          source_directory=project / "steps", inputs=[previous],
                                          outputs=[out], arguments=["0.3", out, previous]))
        previous = out
    final = PipelineData("final")
    steps.append(PythonScriptStep(name="final", script_name="step.py",
                                  source_directory=project / "steps", inputs=[previous],
                                  outputs=[final], arguments=["0.1", final, previous]))
    path = project / "chaos.pipeline.json"
    Pipeline(ws, steps, name="chaos").save(path)
    return path


def cli(args: list[str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline_widget", *args], cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def targets(runner: psutil.Process, rng: random.Random) -> list[psutil.Process]:
    """The runner, and the supervisors, kernels and scripts under it."""
    try:
        found = [runner, *runner.children(recursive=True)]
    except psutil.Error:
        return []
    return [p for p in found if p.is_running()]


def kind_of(process: psutil.Process, runner: psutil.Process) -> str:
    try:
        line = " ".join(process.cmdline())
    except psutil.Error:
        return "gone"
    if process.pid == runner.pid:
        return "runner"
    forked = {"pw-fork-server": "fork server", "pw-supervisor": "supervisor",
              "pw-kernel": "kernel"}   # forked kernels have their server's command line
    try:
        name = process.name()
    except psutil.Error:
        return "gone"
    if name in forked:
        return forked[name]
    if "supervisor.py" in line:
        return "supervisor"
    if "ipykernel" in line:
        return "kernel"
    return "script"


def outputs(ws: Workspace, run_id: str) -> dict[str, bytes]:
    record = store.load(ws, run_id)
    return {f"{s.name}/{n}": (Path(folder) / "x.txt").read_bytes()
            for s in record.steps.values() for n, folder in s.outputs.items()}


def check_records(ws: Workspace, names: set[str]) -> None:
    for record in store.list_runs(ws):
        assert set(record.steps) == names, record.run_id   # every step recorded once
        if record.status.is_terminal:
            bad = {n: s.status for n, s in record.steps.items() if s.status not in FINAL}
            assert not bad, (record.run_id, bad)


def check_cache(ws: Workspace) -> None:
    """No result offered for reuse has outputs other than the step left them."""
    cache = ReuseCache(ws)
    for entry_file in (ws.cache_dir / "results").rglob("*.json"):
        entry = cache._load(entry_file)
        if entry is not None:
            assert cache.damage(entry) is None, (entry_file, cache.damage(entry))


def leftovers(project: Path, before: set[int], temp_before: set[Path]) -> list[str]:
    """Processes of the project's runs still alive, and scratch folders in the temp folder."""
    left = []
    for p in psutil.process_iter(["pid", "cmdline"]):
        try:
            line = " ".join(p.info["cmdline"] or [])
        except psutil.Error:
            continue
        if p.info["pid"] not in before and str(project) in line and "pytest" not in line:
            left.append(line[:160])
    tmp = Path(tempfile.gettempdir())
    left += [str(d) for d in tmp.glob("pipeline_widget-*") if d not in temp_before]
    left += [str(f) for f in tmp.glob("kernel-*.json") if f not in temp_before]
    return left


def test_random_kills_never_damage_reuse_records_or_results(ws, project):
    print(f"\nCHAOS_SEED={SEED} (replay: CHAOS_SEED={SEED} pytest tests/chaos)")
    rng = random.Random(SEED)
    path = chaos_pipeline(ws, project)
    names = {s["name"] for s in __import__("json").loads(path.read_text())["steps"]}
    before = {p.pid for p in psutil.process_iter()}
    tmp = Path(tempfile.gettempdir())
    temp_before = {*tmp.glob("pipeline_widget-*"), *tmp.glob("kernel-*.json")}
    clean = subprocess.run([sys.executable, "-m", "pipeline_widget", "run", str(path),
                            "--no-reuse", "--experiment", "clean"], cwd=project,
                           capture_output=True, text=True, timeout=WAIT)
    assert clean.returncode == 0, clean.stderr
    expected = outputs(ws, store.list_runs(ws)[-1].run_id)
    kills, kinds, started = 0, {}, time.monotonic()
    while kills < KILLS and time.monotonic() - started < ROUND_LIMIT:
        runner = cli(["run", str(path), "--no-reuse", "--max-parallel", "3"], project)
        proc = psutil.Process(runner.pid)
        for _ in range(rng.randint(1, 4)):
            time.sleep(rng.uniform(0.05, 1.5))
            found = targets(proc, rng)
            if not found or runner.poll() is not None:
                break
            children = [p for p in found if p.pid != proc.pid]
            if rng.random() < RUNNER_SHARE or not children:
                victim = proc
            else:
                victim = rng.choice(children)
            kind = kind_of(victim, proc)
            try:
                victim.send_signal(signal.SIGKILL)
            except psutil.Error:
                continue
            if kind == "gone":
                continue
            kills += 1
            kinds[kind] = kinds.get(kind, 0) + 1
            if kind == "runner":
                break
        code = runner.wait(timeout=WAIT)
        assert "Traceback" not in runner.stderr.read(), "a traceback after a kill"
        last = store.list_runs(ws)[-1]
        # until it finishes: resume a run whose runner died, run a failed one again
        for _ in range(5):
            if last.status == Status.FINISHED:
                break
            if last.interrupted:
                done = subprocess.run([sys.executable, "-m", "pipeline_widget", "resume",
                                       last.run_id], cwd=project, capture_output=True,
                                      text=True, timeout=WAIT)
            else:
                done = subprocess.run([sys.executable, "-m", "pipeline_widget", "run",
                                       str(path)], cwd=project, capture_output=True, text=True,
                                      timeout=WAIT)
            assert "Traceback" not in done.stderr, done.stderr
            last = store.list_runs(ws)[-1] if not last.interrupted else store.load(ws, last.run_id)
        assert last.status == Status.FINISHED, (code, last.run_id)
        assert outputs(ws, last.run_id) == expected, f"outputs differ (CHAOS_SEED={SEED})"
        check_records(ws, names)
        check_cache(ws)
        time.sleep(0.5)   # supervisors poll their runner every 0.25 s
        left = leftovers(project, before, temp_before)
        assert not left, left
    print(f"kills: {kills} {kinds} in {time.monotonic() - started:.0f} s")
    assert kills >= min(KILLS, 100) or time.monotonic() - started >= ROUND_LIMIT
    assert kinds.get("runner") and kinds.get("kernel") or kills < 10


@pytest.fixture
def project(tmp_path):
    p = tmp_path / "project"
    p.mkdir()
    return p
