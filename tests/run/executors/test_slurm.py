"""`slurm://` against a real single-node Slurm on this machine, started by the fixture
(Debian's slurm-wlm and munge, their own folders and ports, nothing of /etc changed): the
seed and a fan-out run as Slurm jobs, statuses arrive live, cancel ends the jobs, reuse is
shared with local runs."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from pipeline_widget import NotebookStep, Pipeline, PipelineData, PipelineError, Status, Workspace
from tests.conftest import write_notebook

pytestmark = [pytest.mark.dask, pytest.mark.slurm]
WAIT = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(condition, what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.2)


@pytest.fixture(scope="module")
def slurm(request):
    """A private Slurm cluster of this one machine; yields its environment (SLURM_CONF)."""
    if os.geteuid() != 0:
        pytest.skip("a private Slurm cluster is started as root (CI runs as root)")
    missing = [p for p in ("slurmctld", "slurmd", "munged", "mungekey", "sinfo")
               if shutil.which(p) is None]
    if missing:
        pytest.skip(f"Slurm is not installed ({', '.join(missing)} missing): "
                    f"apt-get install slurm-wlm munge")
    pytest.importorskip("dask_jobqueue")
    root = Path(tempfile.mkdtemp(prefix="slurm-", dir="/tmp"))
    for sub in ("state", "spool", "munge"):
        (root / sub).mkdir()
    os.chmod(root / "munge", 0o700)
    key, sock = root / "munge" / "munge.key", root / "munge" / "munge.socket"
    subprocess.run(["mungekey", "-c", "-k", str(key)], check=True, capture_output=True)
    os.chmod(key, 0o600)
    munged = subprocess.run(["munged", "--force", f"--socket={sock}", f"--key-file={key}",
                             f"--pid-file={root / 'munge' / 'munged.pid'}",
                             f"--log-file={root / 'munge' / 'munged.log'}",
                             f"--seed-file={root / 'munge' / 'munged.seed'}"],
                            capture_output=True, text=True)
    if munged.returncode != 0:
        pytest.skip(f"munged did not start: {munged.stderr.strip()}")
    host = socket.gethostname().split(".")[0]
    probe = subprocess.run(["slurmd", "-C"], capture_output=True, text=True).stdout
    fields = dict(f.split("=", 1) for f in probe.split() if "=" in f)
    cpus, memory = fields.get("CPUs", "2"), fields.get("RealMemory", "2000")
    conf = root / "slurm.conf"
    conf.write_text("\n".join([
        "ClusterName=pw", f"SlurmctldHost={host}(127.0.0.1)", "SlurmUser=root",
        "AuthType=auth/munge", f"AuthInfo=socket={sock}", "CryptoType=crypto/munge",
        "ProctrackType=proctrack/linuxproc", "TaskPlugin=task/none", "MpiDefault=none",
        "ReturnToService=2", "SchedulerType=sched/backfill", "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_CPU", f"SlurmctldPort={_free_port()}",
        f"SlurmdPort={_free_port()}", f"StateSaveLocation={root / 'state'}",
        f"SlurmdSpoolDir={root / 'spool'}", f"SlurmctldPidFile={root / 'slurmctld.pid'}",
        f"SlurmdPidFile={root / 'slurmd.pid'}", f"SlurmctldLogFile={root / 'slurmctld.log'}",
        f"SlurmdLogFile={root / 'slurmd.log'}", "JobCompType=jobcomp/filetxt",
        f"JobCompLoc={root / 'jobcomp.txt'}", "MailProg=/bin/true",
        f"NodeName={host} NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={memory} State=UNKNOWN",
        "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP", ""]))
    env = {**os.environ, "SLURM_CONF": str(conf)}
    saved = os.environ.get("SLURM_CONF")
    os.environ["SLURM_CONF"] = str(conf)
    try:
        subprocess.run(["slurmctld", "-f", str(conf)], env=env, check=True, capture_output=True)
        subprocess.run(["slurmd", "-f", str(conf)], env=env, check=True, capture_output=True)

        def idle() -> bool:
            out = subprocess.run(["sinfo", "-h", "-o", "%t"], env=env, capture_output=True,
                                 text=True).stdout
            return "idle" in out or "mix" in out
        try:
            _wait(idle, "the Slurm node to be idle", 60)
        except TimeoutError:
            logs = (root / "slurmctld.log").read_text(errors="replace")[-2000:]
            pytest.skip(f"Slurm did not come up here:\n{logs}")
        yield env
    finally:
        subprocess.run(["scancel", "--user=root"], env=env, capture_output=True)
        for pidfile in ("slurmd.pid", "slurmctld.pid", "munge/munged.pid"):
            try:
                os.kill(int((root / pidfile).read_text().strip()), 15)
            except (OSError, ValueError):
                pass
        if saved is None:
            os.environ.pop("SLURM_CONF", None)
        else:
            os.environ["SLURM_CONF"] = saved
        time.sleep(0.5)
        shutil.rmtree(root, ignore_errors=True)


def queue(env) -> list[str]:
    out = subprocess.run(["squeue", "-h", "-o", "%i %j %T"], env=env, capture_output=True,
                         text=True).stdout
    return [line for line in out.splitlines() if line.strip()]


def fan_out(ws: Workspace, project: Path, n: int = 3, sleep: float = 0.0) -> Pipeline:
    """One source notebook, `n` leaves reading its output, each writing its own."""
    src = PipelineData("src")
    first = write_notebook(project / "src.ipynb", "src = None",
                           "import os\nopen(os.path.join(src, 'x.txt'), 'w').write('x')")
    steps = [NotebookStep("source", first, outputs=[src])]
    for k in range(n):
        leaf = write_notebook(project / f"leaf{k}.ipynb", f"src = None\nout{k} = None",
                              f"import os, time\ntime.sleep({sleep})\n"
                              "text = open(os.path.join(src, 'x.txt')).read()\n"
                              f"open(os.path.join(out{k}, 'y.txt'), 'w').write(text * {k + 1})")
        steps.append(NotebookStep(f"leaf {k}", leaf, inputs=[src],
                                  outputs=[PipelineData(f"out{k}")]))
    return Pipeline(ws, steps, name="fan")


def outputs(run) -> dict[str, str]:
    return {s.name: "".join(f.read_text() for folder in s.outputs.values()
                            for f in sorted(Path(folder).iterdir()))
            for s in run.get_steps()}


def test_the_seed_runs_as_slurm_jobs_and_shares_reuse_with_local_runs(slurm, seed_copy, ws):
    events: list[tuple[str | None, Status]] = []
    pipeline = Pipeline.load(seed_copy, workspace=ws)
    run = pipeline.submit("seed", executor="slurm://?cores=1&memory=1GB&jobs=2")
    run.subscribe(lambda e: events.append((e.step, e.status)))
    assert run.wait_for_completion(show_output=False) == "Finished", run.get_steps()
    for name in ("prepare data", "train model"):   # live statuses, in order, from the jobs
        mine = [status for step, status in events if step == name]
        assert mine.index(Status.RUNNING) < mine.index(Status.FINISHED)
    steps = {s.name: s for s in run.get_steps()}
    assert all(not s.is_reused for s in steps.values())
    assert all("/" in (s.worker or "") for s in steps.values())   # host/worker of Dask
    _wait(lambda: not queue(slurm), "the jobs to end with the run", 60)
    local = Pipeline.load(seed_copy, workspace=ws).submit("seed")
    assert local.wait_for_completion(show_output=False) == "Finished"
    assert all(s.is_reused for s in local.get_steps())


def test_a_fan_out_on_slurm_equals_the_local_run_and_cancel_ends_the_jobs(slurm, ws, project):
    local = fan_out(ws, project).submit("fan")
    assert local.wait_for_completion(show_output=False) == "Finished"
    on_slurm = fan_out(ws, project).submit("fan", executor="slurm://?jobs=2",
                                           regenerate_outputs=True)
    assert on_slurm.wait_for_completion(show_output=False) == "Finished"
    assert outputs(on_slurm) == outputs(local)
    slow = fan_out(ws, project, sleep=60).submit("fan", executor="slurm://?jobs=2",
                                                 regenerate_outputs=True)
    _wait(lambda: any(s.status == Status.RUNNING for s in slow.get_steps()),
          "a step running on a Slurm job")
    assert queue(slurm)
    slow.cancel()
    assert slow.wait_for_completion(show_output=False) == "Canceled"
    _wait(lambda: not queue(slurm), "squeue empty after cancel", 60)


def test_slurm_options_come_from_the_url_or_a_compute_target(ws):
    from pipeline_widget.run.executors.slurm import SlurmExecutor, slurm_cluster_kwargs

    ws.ensure()
    ws.compute_targets_file.write_text(json.dumps({"cpu": {"cores": 2, "queue": "debug"}}))
    executor = SlurmExecutor("slurm://cpu?memory=3GB&walltime=00:05:00", None, ws)
    kwargs = slurm_cluster_kwargs(executor.options)
    assert (kwargs["cores"], kwargs["queue"], kwargs["memory"], kwargs["walltime"]) == (
        2, "debug", "3GB", "00:05:00")
    with pytest.raises(PipelineError, match="unknown option 'gpus'"):
        SlurmExecutor("slurm://?gpus=1", None, ws)
    with pytest.raises(PipelineError, match="no compute target 'nope'"):
        SlurmExecutor("slurm://nope", None, ws)


def test_a_pipeline_mixing_environments_runs_on_slurm_with_the_same_outputs(
        slurm, ws, project, venv, second_kernel):
    from tests.run.test_environments import final, mixed, steps_of

    local = steps_of(mixed(ws, project, venv, second_kernel).submit("mixed"))
    on_slurm = steps_of(mixed(ws, project, venv, second_kernel).submit(
        "mixed", executor="slurm://?jobs=2", regenerate_outputs=True))
    assert final(on_slurm) == final(local) == "first|second|venv|cmd"
    back = steps_of(mixed(ws, project, venv, second_kernel).submit("mixed"))
    assert all(s.is_reused for s in back.values())
