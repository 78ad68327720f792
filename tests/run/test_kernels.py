"""Kernels: a fresh one per step, started ahead of need, in the step's folder, none left over."""
import json
import os
import time
from pathlib import Path

import psutil

from pipeline_widget import NotebookStep, Pipeline, PipelineData, Status
from pipeline_widget.run.context import CONTEXT_ENV
from tests.conftest import write_notebook


def kernel_processes() -> set[int]:
    """The ipykernel processes started by this test process (forked ones are named so)."""
    found = set()
    for child in psutil.Process().children(recursive=True):
        try:
            if child.name() == "pw-kernel" or any("ipykernel" in part for part in child.cmdline()):
                found.add(child.pid)
        except psutil.Error:
            continue
    return found


def finished(pipeline: Pipeline, **kwargs) -> dict:
    run = pipeline.submit("kernels", **kwargs)
    assert run.wait_for_completion(show_output=False) == "Finished"
    return {s.name: s for s in run.get_steps()}


def test_no_state_leaks_from_one_step_to_the_next(ws, project):
    a, b = PipelineData("a"), PipelineData("b")
    first = write_notebook(project / "first.ipynb", "a = None",
                           "LEAK = 42\nimport json as leaked_module")
    second = write_notebook(project / "second.ipynb", "a = None\nb = None",
                            "import json, os\n"
                            "seen = {'LEAK': 'LEAK' in globals(), 'module': 'leaked_module' in globals()}\n"
                            "json.dump(seen, open(os.path.join(b, 'seen.json'), 'w'))")
    steps = finished(Pipeline(ws, [NotebookStep("first", first, outputs=[a]),
                                   NotebookStep("second", second, inputs=[a], outputs=[b])]),
                     max_parallel=1)
    seen = json.loads((Path(steps["second"].outputs["b"]) / "seen.json").read_text())
    assert seen == {"LEAK": False, "module": False}


def test_each_step_runs_in_its_notebooks_folder_with_its_own_environment(ws, project):
    outs = {n: PipelineData(f"out_{n}") for n in ("one", "two")}
    steps = []
    for name, out in outs.items():
        body = ("import json, os, sys\n"
                f"where = {{'cwd': os.getcwd(), 'context': os.environ.get({CONTEXT_ENV!r}),\n"
                "         'path0': sys.path[0], 'pid': os.getpid()}\n"
                f"json.dump(where, open(os.path.join({out.name}, 'where.json'), 'w'))")
        nb = write_notebook(project / f"folder_{name}" / f"{name}.ipynb", f"{out.name} = None",
                            body)
        steps.append(NotebookStep(name, nb, outputs=[out]))
    result = finished(Pipeline(ws, steps), max_parallel=2)
    seen = {n: json.loads((Path(result[n].outputs[f"out_{n}"]) / "where.json").read_text())
            for n in outs}
    for name, where in seen.items():
        folder = str(project / f"folder_{name}")
        assert where["cwd"] == folder and where["path0"] == folder
        context = Path(where["context"])
        assert context.is_file() and json.loads(context.read_text())["step"] == name
        assert context.parent == Path(result[name].notebook).parent  # the step's record folder
    assert seen["one"]["context"] != seen["two"]["context"]
    assert seen["one"]["pid"] != seen["two"]["pid"] != os.getpid()


def test_no_kernel_is_left_behind(ws, project, copy_step):
    before = kernel_processes()
    src = PipelineData("src")
    producer = NotebookStep("producer", copy_step("producer", [], ["src"]), outputs=[src])
    consumers = [NotebookStep(f"c{i}", copy_step(f"c{i}", ["src"], []), inputs=[src])
                 for i in range(3)]
    seen_running: list[int] = []
    run = Pipeline(ws, [producer, *consumers]).submit("kernels", max_parallel=2)
    run.subscribe(lambda e: seen_running.append(len(kernel_processes() - before))
                  if e.status == Status.RUNNING else None)
    assert run.wait_for_completion(show_output=False) == "Finished"
    assert seen_running and max(seen_running) >= 1  # the count does see live kernels
    assert kernel_processes() - before == set()

    # a failure stops the run early: kernels started for the skipped steps go too
    boom = write_notebook(project / "boom.ipynb", "src = None", "raise ValueError('no')")
    src2 = PipelineData("src")
    failing = NotebookStep("producer", boom, outputs=[src2])
    waiting = [NotebookStep(f"c{i}", copy_step(f"c{i}", ["src"], []), inputs=[src2])
               for i in range(3)]
    run = Pipeline(ws, [failing, *waiting]).submit("kernels", max_parallel=2)
    assert run.wait_for_completion(show_output=False) == "Failed"
    assert {s.status for s in run.get_steps() if s.name != "producer"} == {"Skipped"}
    assert kernel_processes() - before == set()


def test_the_next_kernel_starts_while_its_upstream_still_runs(ws, project):
    a, b = PipelineData("a"), PipelineData("b")
    slow = write_notebook(project / "slow.ipynb", "a = None", "import time\ntime.sleep(3)")
    probe = write_notebook(project / "probe.ipynb", "a = None\nb = None",
                           "import json, os, psutil\n"
                           "started = psutil.Process().create_time()\n"
                           "json.dump({'kernel_started': started}, open(os.path.join(b, 'k.json'), 'w'))")
    steps = finished(Pipeline(ws, [NotebookStep("slow", slow, outputs=[a]),
                                   NotebookStep("probe", probe, inputs=[a], outputs=[b])]),
                     max_parallel=1)
    kernel_started = json.loads((Path(steps["probe"].outputs["b"]) / "k.json").read_text())
    # the probe's kernel was booted before its upstream ended, not after
    assert kernel_started["kernel_started"] < steps["slow"].end_time
    assert steps["probe"].start_time >= steps["slow"].end_time


def test_a_kernel_that_cannot_enter_the_steps_folder_exits_instead_of_running_elsewhere(tmp_path):
    from pipeline_widget.run.step.kernels import start_kernel

    kernel = start_kernel("python3")
    pid = kernel.pid
    try:
        kernel.connect(str(tmp_path / "gone"), {})
        deadline = time.monotonic() + 30
        while kernel.km.is_alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not kernel.km.is_alive()
    finally:
        kernel.stop()
    assert pid is not None and not psutil.pid_exists(pid)


def test_a_closing_pool_does_not_wait_for_a_kernel_that_never_answers(tmp_path, monkeypatch):
    """A kernel that hangs while starting costs a closing run a few seconds, not the 60 s
    start timeout; its starting thread stops it when it gives up."""
    import sys
    import time as clock

    from pipeline_widget.run.step.kernels import STARTUP_TIMEOUT, KernelPool

    spec = tmp_path / "kernels" / "hangs"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-c", "import time; time.sleep(600)", "{connection_file}"],
        "display_name": "hangs", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    pool = KernelPool(1)
    pool.want("hangs", 1)
    clock.sleep(1)  # the kernel process is up, and silent
    start = clock.monotonic()
    pool.shutdown()
    assert clock.monotonic() - start < STARTUP_TIMEOUT / 2  # a bound, not a measurement


def test_a_step_does_not_wait_for_a_prestarted_kernel_that_never_answers(monkeypatch):
    import time as clock

    from pipeline_widget.run.step import kernels

    started = []
    monkeypatch.setattr(kernels, "start_kernel", lambda *a: started.append(a) or "fresh")
    pool = kernels.KernelPool(1)
    with pool._cond:  # a start under way that never ends
        pool._starting["hangs"] = 1
    begin = clock.monotonic()
    assert pool.acquire("hangs") == "fresh"  # its own kernel, after a bounded wait
    assert clock.monotonic() - begin < kernels.STARTUP_TIMEOUT / 2


def test_the_client_waiting_for_a_new_kernel_tries_again_soon(tmp_path, monkeypatch):
    """It asks before the kernel listens (a forked kernel listens within tens of ms); with
    zmq's default reconnect interval of 100 ms, every kernel would answer that much late."""
    import zmq

    from pipeline_widget.run.step import kernels

    seen = []
    wait_ready = kernels._wait_ready

    def spy(km, timeout):
        socket = km.connect_shell()   # as the kernel's manager connects to it
        seen.append(socket.getsockopt(zmq.RECONNECT_IVL))
        socket.close(linger=0)
        return wait_ready(km, timeout)

    monkeypatch.setattr(kernels, "_wait_ready", spy)
    kernel = kernels.start_kernel("python3", str(tmp_path), str(tmp_path / "kernels"))
    kernel.stop()
    assert seen and seen[0] <= 10, seen


def test_the_fork_server_started_from_the_kernelspec_is_the_one_kernels_use(tmp_path):
    """A pool starts the server from the kernelspec as soon as a kernel is wanted, beside
    (not after) jupyter_client's preparing the kernel's start; the kernels started then
    are forked by that same server, none boots a second one."""
    import pytest

    from pipeline_widget.run.step import kernels
    from pipeline_widget.run.step.forking import client

    if not kernels.fork_kernels():
        pytest.skip("kernels are not forked here")
    client.close_all()
    assert kernels.prepare_forked("python3", str(tmp_path / "kernels"))
    assert not kernels.prepare_forked("no-such-kernel", str(tmp_path / "kernels"))
    [server] = client.servers()
    pool = kernels.KernelPool(1, connection_dir=tmp_path / "kernels")
    try:
        kernel = pool.acquire("python3")
        try:
            supervisor = psutil.Process(kernel.pid)
            assert supervisor.ppid() == server.pid and client.servers() == [server]
        finally:
            kernel.stop()
    finally:
        pool.shutdown()
        client.close_all()


PROVISIONERS = """
import importlib.metadata, json
calls = []
real = importlib.metadata.entry_points
def counted(**kwargs):
    calls.append(kwargs)
    return real(**kwargs)
importlib.metadata.entry_points = counted
import jupyter_client.provisioning.factory as factory
factory.entry_points = counted
from pipeline_widget.run.step.kernels import _kernel_manager
km = _kernel_manager("python3")
assert km.kernel_spec is not None
names = sorted(factory.KernelProvisionerFactory.instance().provisioners)
local = factory.KernelProvisionerFactory.instance().provisioners["local-provisioner"].load()
import sys
from jupyter_client.provisioning import local_provisioner
loopback = local_provisioner.is_local_ip("127.0.0.1")
listed = "psutil" in sys.modules
elsewhere = local_provisioner.is_local_ip("192.0.2.1")   # a documentation address
print(json.dumps({"calls": calls, "names": names, "local": local.__name__,
                  "loopback": [loopback, listed], "elsewhere": [elsewhere,
                  "psutil" in sys.modules]}))
"""


def test_jupyter_client_takes_the_one_reading_of_entry_points_and_knows_the_loopback():
    import subprocess

    from tests.conftest import PYTHON

    done = subprocess.run([PYTHON, "-c", PROVISIONERS], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    # at most the process's one reading of every group (none where it is kept), and no
    # reading of the provisioners' group by jupyter_client
    assert seen.pop("calls") in ([], [{}])
    # the loopback address is local without listing the interfaces; others are listed
    assert seen == {"names": ["local-provisioner", "pipeline-widget-fork"],
                    "local": "LocalProvisioner", "loopback": [True, False],
                    "elsewhere": [False, True]}
