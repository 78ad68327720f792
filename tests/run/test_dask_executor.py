"""Steps on a dask.distributed cluster: same outputs as locally, both workers used, failures,
cancel, reuse across executors, and nothing left running."""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from pipeline_widget import NotebookStep, Pipeline, PipelineData, PythonScriptStep, Status
from tests.conftest import write_notebook, write_script

pytestmark = pytest.mark.dask


@pytest.fixture(scope="session")
def dask_cluster():
    """A LocalCluster of two single-threaded worker processes, shared by the Dask tests;
    yields its address as the executor string ("dask://host:port")."""
    import dask
    from distributed import LocalCluster

    from pipeline_widget.run.executors import dask_cluster as executor_module
    from pipeline_widget.run.executors.kept_environment import environment_kept, put_back

    # its nannies' variables would reach every kernel the later tests start
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            environment_kept(touched := set()) as saved:
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address="127.0.0.1:0",
                               silence_logs=logging.ERROR)
    # the tests check that nothing is left after a run: workers keep no kernel for the next
    # (but in the test of that)
    keep, executor_module.KEEP_WARM = executor_module.KEEP_WARM, 0.0
    try:
        yield "dask://" + cluster.scheduler_address[len("tcp://"):]
    finally:
        executor_module.KEEP_WARM = keep
        cluster.close()
        put_back(saved, touched)


def descendants() -> set[int]:
    """Processes started under this one, but multiprocessing's resource tracker and the
    kernel fork server (each serves the whole process and lives as long as it does)."""
    found = set()
    for p in psutil.Process().children(recursive=True):
        try:
            if p.name() != "pw-fork-server" and \
                    not any("resource_tracker" in part for part in p.cmdline()):
                found.add(p.pid)
        except psutil.Error:
            continue
    return found


_EARLIER: set[int] = set()   # kernels other modules' tests left running (warm pools)


@pytest.fixture(autouse=True)
def _kernels_from_before():
    _EARLIER.update(p.pid for p in psutil.Process().children(recursive=True))
    yield


def kernels_of_this_test_process() -> list[psutil.Process]:
    found = []
    for p in psutil.Process().children(recursive=True):
        try:
            if p.pid not in _EARLIER and any("ipykernel" in part for part in p.cmdline()):
                found.append(p)
        except psutil.Error:
            continue
    return found


def wait_no_kernels(seconds: float = 15) -> list[psutil.Process]:
    deadline = time.monotonic() + seconds
    while (left := kernels_of_this_test_process()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def outputs_content(run) -> dict[str, dict[str, bytes]]:
    """Step name -> {relative file: bytes} of every output folder of the run."""
    found = {}
    for step in run.get_steps():
        for name, folder in step.outputs.items():
            root = Path(folder)
            found[f"{step.name}/{name}"] = {p.relative_to(root).as_posix(): p.read_bytes()
                                           for p in sorted(root.rglob("*")) if p.is_file()}
    return found


def fan_out(ws, project, copy_step, consumers: int = 4) -> Pipeline:
    raw = PipelineData("raw")
    src = write_notebook(project / "steps" / "src.ipynb", "raw = None",
                         "import os\nopen(os.path.join(raw, 'data.txt'), 'w').write('src')")
    steps = [NotebookStep("source", src, outputs=[raw])]
    for i in range(consumers):
        out = PipelineData(f"out{i}")
        steps.append(NotebookStep(f"consumer {i}", copy_step(f"c{i}", ["raw"], [f"out{i}"]),
                                  inputs=[raw], outputs=[out]))
    return Pipeline(ws, steps, name="fan")


def test_executor_strings_choose_a_new_cluster_or_a_running_scheduler():
    from pipeline_widget.run.executors import make_executor
    from pipeline_widget.run.executors.dask_cluster import DaskExecutor

    own = make_executor("dask", None)
    assert isinstance(own, DaskExecutor) and own.name == "dask" and own.max_parallel == 2
    assert make_executor("dask", 3).max_parallel == 3
    running = make_executor("dask://10.0.0.5:8786", None)
    assert running._scheduler == "tcp://10.0.0.5:8786" and running.max_parallel is None
    assert make_executor("tcp://10.0.0.5:8786", 4)._scheduler == "tcp://10.0.0.5:8786"
    for executor in (own, running):
        executor.close()  # never opened: nothing to stop


def test_seed_on_its_own_cluster_matches_local_and_is_reused_locally(seed_copy, ws):
    before = descendants()
    pipeline = Pipeline.load(seed_copy, workspace=ws)
    on_dask = pipeline.submit("seed", executor="dask")
    seen: list[tuple[str | None, Status]] = []
    on_dask.subscribe(lambda e: seen.append((e.step, e.status)))
    assert on_dask.wait_for_completion(show_output=False) == "Finished"
    assert on_dask.record.options["executor"] == "dask"
    for step in on_dask.get_steps():
        assert step.worker and "/" in step.worker          # host/worker name
        assert Path(step.notebook or step.stdout).is_file()  # records kept on the submitting side
    train = [s for n, s in seen if n == "train model"]
    assert train == [Status.QUEUED, Status.RUNNING, Status.FINISHED]
    cells = len([c for c in nbformat.read(str(seed_copy.parents[1] / "steps" / "train_model.ipynb"),
                                          as_version=4).cells if c.cell_type == "code"])
    assert on_dask.get_step("train model").cell == [cells + 1, cells + 1]  # with the injected one
    assert on_dask.get_step("train model").get_metrics()["r2"] > 0

    locally = pipeline.submit("seed")
    assert locally.wait_for_completion(show_output=False) == "Finished"
    assert all(s.is_reused for s in locally.get_steps())
    assert outputs_content(locally) == outputs_content(on_dask)

    fresh = pipeline.submit("seed", regenerate_outputs=True)
    assert fresh.wait_for_completion(show_output=False) == "Finished"
    assert {k: v for k, v in outputs_content(fresh).items() if "model" not in k} == \
        {k: v for k, v in outputs_content(on_dask).items() if "model" not in k}
    ran, dask_ran = fresh.get_step("train model"), on_dask.get_step("train model")
    assert ran.get_metrics() == dask_ran.get_metrics()

    deadline = time.monotonic() + 15   # the cluster's worker processes are gone, and kernels
    while (left := descendants() - before) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not left


def test_a_run_on_its_own_cluster_leaves_the_callers_environment_as_it_was(
        ws, project, copy_step, monkeypatch):
    """Distributed's nannies set their workers' variables in the os.environ of the process
    that starts them; the user's process (a notebook, the designer) would then hand them to
    every kernel it starts later."""
    for name in ("PYTHONHASHSEED", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                 "OPENBLAS_NUM_THREADS", "MALLOC_TRIM_THRESHOLD_"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PW_TEST_OWN", "kept")
    before = dict(os.environ)
    run = fan_out(ws, project, copy_step, consumers=1).submit("fan", executor="dask")
    assert run.wait_for_completion(show_output=False) == "Finished"
    assert {name: os.environ.get(name) for name in set(os.environ) | set(before)
            if os.environ.get(name) != before.get(name)} == {}


def test_fan_out_runs_on_both_workers_with_local_outputs(ws, project, copy_step, dask_cluster):
    pipeline = fan_out(ws, project, copy_step)
    run = pipeline.submit("fan", executor=dask_cluster)
    assert run.wait_for_completion(show_output=False) == "Finished"
    steps = {s.name: s for s in run.get_steps()}
    workers = {steps[f"consumer {i}"].worker for i in range(4)}
    assert len(workers) == 2, workers
    saved = json.loads((ws.runs_dir / run.id / "run.json").read_text())
    assert saved["steps"]["consumer 0"]["worker"] == steps["consumer 0"].worker
    for i in range(4):
        assert (Path(steps[f"consumer {i}"].outputs[f"out{i}"]) / "data.txt").read_text() == f"src\nc{i}"

    local = pipeline.submit("fan", regenerate_outputs=True)
    assert local.wait_for_completion(show_output=False) == "Finished"
    assert sorted(outputs_content(local).values(), key=repr) == \
        sorted(outputs_content(run).values(), key=repr)
    assert not wait_no_kernels()


def test_a_chain_takes_turns_on_the_workers(ws, project, copy_step, dask_cluster):
    """Each step of a chain goes to the worker that ran the fewer steps, so one worker's
    next kernel boots while the other runs."""
    datas = [PipelineData(f"d{i}") for i in range(4)]
    steps = [NotebookStep(f"link {i}",
                          copy_step(f"l{i}", [f"d{i - 1}"] if i else [], [f"d{i}"]),
                          inputs=[datas[i - 1]] if i else [], outputs=[datas[i]])
             for i in range(4)]
    run = Pipeline(ws, steps, name="chain").submit("chain", executor=dask_cluster)
    assert run.wait_for_completion(show_output=False) == "Finished"
    workers = [run.get_step(f"link {i}").worker for i in range(4)]
    assert all(workers) and len(set(workers)) == 2, workers
    assert all(a != b for a, b in zip(workers, workers[1:])), workers
    last = Path(run.get_step("link 3").outputs["d3"]) / "data.txt"
    assert last.read_text() == "l0\nl1\nl2\nl3"


def _remote_step(name: str):
    from pipeline_widget.run.executors.relay import RemoteStep
    from pipeline_widget.run.plan.model import StepPlan

    plan = StepPlan(name=name, slug=name, kind="notebook", run_id="r", step_run_id=name,
                    source="x.ipynb", cwd=".", record_dir=".")
    return RemoteStep(plan, lambda: None, None)


class _Finished:
    """A task future that ended; its result is fetched only when asked for."""

    status = "finished"

    def __init__(self, outcome) -> None:
        self.outcome, self.fetched = outcome, 0

    def result(self):
        self.fetched += 1
        return self.outcome


def test_an_outcome_comes_once_from_the_workers_event_or_else_from_the_task():
    """A worker sends a step's outcome as an event before its task returns: taken from
    there, the runner never fetches the task's result (a round trip less); when the task's
    end is heard first, its result is fetched and the later event changes nothing."""
    from pipeline_widget.run.executors.dask_cluster import DaskExecutor
    from pipeline_widget.run.executors.relay import outcome_event
    from pipeline_widget.run.step.outcome import StepOutcome

    executor = DaskExecutor("dask")
    by_event, by_task = _remote_step("a"), _remote_step("b")
    sent = StepOutcome(Status.FINISHED, 1.0, 2.0, worker="w/1")
    returned = StepOutcome(Status.FINISHED, 1.0, 3.0, worker="w/2")
    for entry in (by_event, by_task):
        executor._relay.add(entry)
        executor._in_flight += 1

    executor._relay.on_event(outcome_event("a", sent))
    got = by_event.result.result(timeout=10)
    task = _Finished(returned)
    executor._done(by_event, task)
    assert (got.end_time, got.worker, task.fetched) == (2.0, "w/1", 0)
    assert by_event.running   # Running was told before the outcome

    task = _Finished(returned)
    executor._done(by_task, task)
    executor._relay.on_event(outcome_event("b", sent))
    executor.close()          # the relay's thread has handed over every event by now
    got = by_task.result.result(timeout=10)
    assert (got.end_time, got.worker, task.fetched) == (3.0, "w/2", 1)
    assert executor._in_flight == 0   # each step's place given back once


def test_workers_keep_fresh_kernels_for_the_next_run_and_then_stop_them(
        ws, project, dask_cluster, monkeypatch):
    """After a run on a running cluster, its workers keep their fresh kernels a while, and
    the next run's steps start in them; a kernel still serves one step only."""
    from distributed import Client

    from pipeline_widget.run.executors import dask_cluster as executor_module
    from pipeline_widget.run.executors.dask_worker import stop_spare_kernels

    def idle_kernels(dask_worker=None) -> list[int]:
        from pipeline_widget.run.executors import dask_worker as module

        pool = module._pool
        return [k.pid for k in pool.idle("python3")] if pool is not None else []

    monkeypatch.setattr(executor_module, "KEEP_WARM", 60.0)
    nb = write_notebook(project / "pid.ipynb", "n = 0",
                        "import os\nprint('PID', os.getppid())  # its supervisor, as the pool knows it")
    client = Client(dask_cluster[len("dask://"):], timeout=10)

    def run_two() -> set[int]:
        """Two independent steps (one per worker): each worker starts two kernels."""
        run = Pipeline(ws, [NotebookStep(name, nb, parameters={"n": i})
                            for i, name in enumerate(("a", "b"))], name="k").submit(
            "k", executor=dask_cluster, regenerate_outputs=True)
        assert run.wait_for_completion(show_output=False) == "Finished"
        return {int(open(run.get_step(name).notebook).read().split("PID ")[1].split("\\")[0])
                for name in ("a", "b")}

    def kept() -> set[int]:
        """The kernels the workers keep, once each worker has its own ready (a kernel
        started as a program may still be booting on one worker when the other's is)."""
        deadline = time.monotonic() + 30
        while not (per_worker := client.run(idle_kernels)) or not all(per_worker.values()):
            assert time.monotonic() < deadline, f"a worker kept no kernel: {per_worker}"
            time.sleep(0.1)
        return {p for pids in per_worker.values() for p in pids}

    try:
        first = run_two()
        waiting = kept()
        assert not waiting & first
        second = run_two()
        assert second <= waiting             # the next run's steps took the kept kernels
        client.run(stop_spare_kernels, 0.0)
        assert not wait_no_kernels()
    finally:
        client.close()


def test_a_failing_step_on_a_worker_is_reported(ws, project, copy_step, dask_cluster):
    a = PipelineData("a")
    bad = write_notebook(project / "bad.ipynb", "a = None", "raise ValueError('broken on purpose')")
    after = NotebookStep("after", copy_step("after", ["a"], []), inputs=[a])
    run = Pipeline(ws, [NotebookStep("bad", bad, outputs=[a]), after]).submit(
        "fail", executor=dask_cluster)
    assert run.wait_for_completion(show_output=False) == "Failed"
    bad_step = run.get_step("bad")
    assert bad_step.status == "Failed" and bad_step.worker
    assert bad_step.error.type == "ValueError" and "broken on purpose" in bad_step.error.message
    assert bad_step.error.cell is not None
    assert run.get_step("after").status == "Skipped"


def test_cancel_reaches_the_worker_and_stops_its_kernel(ws, project, dask_cluster):
    a = PipelineData("a")
    slow = write_notebook(project / "slow.ipynb", "a = None",
                          "import os, time\nopen(os.path.join(a, 'started'), 'w').close()\n"
                          "time.sleep(300)")
    later = write_notebook(project / "later.ipynb", "a = None", "pass")
    run = Pipeline(ws, [NotebookStep("slow", slow, outputs=[a]),
                        NotebookStep("later", later, inputs=[a])]).submit("cancel",
                                                                          executor=dask_cluster)
    running = threading.Event()
    run.subscribe(lambda e: running.set() if e.step == "slow" and e.status == Status.RUNNING else None)
    assert running.wait(120)
    started = Path(run.get_step("slow").outputs["a"]) / "started"
    deadline = time.monotonic() + 60
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert started.exists()  # the cell that sleeps is executing on the worker
    run.cancel()
    # The run ends only if the worker killed the kernel (the cell would sleep for 300 s).
    assert run.wait_for_completion(show_output=False, timeout_seconds=60) == "Canceled"
    assert run.get_step("slow").status == "Canceled"
    assert run.get_step("later").status == "Canceled"
    assert not wait_no_kernels()


def test_a_killed_worker_is_a_failed_attempt_retried_on_another_worker(ws, project,
                                                                        dask_cluster):
    """Its first attempt's worker is killed (SIGKILL) mid-step: with a retry the step runs
    again on a worker that lives, and the run ends as it would have without the kill."""
    write_script(project / "kill" / "once.py",
                 "import os, signal, sys, time\n"
                 "marker = sys.argv[1] + '.killed'\n"
                 "if not os.path.exists(marker):\n"
                 "    open(marker, 'w').write('x')\n"
                 "    with open(f'/proc/{os.getppid()}/stat') as f:\n"
                 "        worker = int(f.read().rsplit(')', 1)[1].split()[1])\n"
                 "    os.kill(worker, signal.SIGKILL)\n"
                 "    time.sleep(30)\n"
                 "open(os.path.join(sys.argv[2], 'done.txt'), 'w').write('done')\n")
    out = PipelineData("out")
    step = PythonScriptStep(name="once", source_directory=project / "kill", script_name="once.py",
                            arguments=[str(project / "attempt"), out], outputs=[out], retries=1)
    run = Pipeline(ws, [step], name="kill").submit("kill", executor=dask_cluster)
    assert run.wait_for_completion(show_output=False, timeout_seconds=180) == "Finished"
    result = run.get_step("once")
    assert len(result.attempts) == 1 and "worker" in result.attempts[0]["error"]["message"]
    assert (Path(result.outputs["out"]) / "done.txt").read_text() == "done"


def test_a_worker_that_dies_fails_its_step(ws, project, dask_cluster):
    """A step that kills its own worker process: the run reports it as a step failure.
    Last in this module: the nanny restarts the worker afterwards."""
    # the script's parent is its supervisor; the supervisor's parent is the worker
    script = write_script(project / "die" / "die.py",
                          "import os, signal\n"
                          "with open(f'/proc/{os.getppid()}/stat') as f:\n"
                          "    worker = int(f.read().rsplit(')', 1)[1].split()[1])\n"
                          "os.kill(worker, signal.SIGKILL)\n")
    run = Pipeline(ws, [PythonScriptStep(name="die", source_directory=project / "die",
                                         script_name="die.py")]).submit("die",
                                                                         executor=dask_cluster)
    assert run.wait_for_completion(show_output=False, timeout_seconds=120) == "Failed"
    step = run.get_step("die")
    assert step.status == "Failed"
    assert "worker" in step.error.message and "'die'" in step.error.message
