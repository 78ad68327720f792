"""Warm kernels: a run takes a kernel that is ready, each kernel serves one step, and the
pool stops its kernels when idle or shut down."""
import json
import os
import time
from pathlib import Path

import psutil
import pytest

from pipeline_widget import NotebookStep, Pipeline, PipelineData
from pipeline_widget.run import WarmKernels
from pipeline_widget.run.step.kernels import fork_kernels
from tests.conftest import process_ended, write_notebook

WAIT = 120


def wait_for(condition, what):
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_runs_take_ready_kernels_and_never_share_one(ws, project):
    nb = write_notebook(project / "pid.ipynb", "n = 0",
                        "import os\nprint('PID', os.getppid())  # its supervisor's, as the pool knows it")
    warm = WarmKernels(size=2)
    try:
        warm.want("python3")
        wait_for(lambda: len(warm.ready()) == 2, "two kernels ready")
        used = []
        for n in (1, 2, 3):
            ready = set(warm.ready())
            run = Pipeline(ws, [NotebookStep("pid", nb, parameters={"n": n})], name="w").submit(
                "w", kernels=warm)
            assert run.wait_for_completion(show_output=False) == "Finished"
            text = open(run.get_step("pid").notebook).read()
            pid = int(text.split("PID ")[1].split("\\")[0])
            assert pid in ready   # no kernel start: it was ready before the run
            used.append(pid)
            wait_for(lambda: len(warm.ready()) == 2, "the pool refilled")
        assert len(set(used)) == 3   # one kernel per step, never reused
        assert all(process_ended(p) for p in used[:2])
    finally:
        warm.shutdown()


def test_without_idle_kernels_only_kernels_that_are_not_forked_wait_idle(
        ws, project, monkeypatch):
    """idle_kernels=False keeps a forked kernel's server, not the kernel (its start is
    short); a kernel started as a program (forking turned off here) is kept idle as ever,
    and a run from either pool gets its kernels."""
    from pipeline_widget.run.step.forking.client import servers
    from pipeline_widget.run.step.forking.setting import FORK_ENV

    nb = write_notebook(project / "one.ipynb", "n = 0", "print(n)")
    for forked in (True, False):
        monkeypatch.setenv(FORK_ENV, "1" if forked else "0")
        warm = WarmKernels(size=1, idle_kernels=False)
        try:
            warm.want("python3")
            if forked:
                wait_for(servers, "a fork server started")
                time.sleep(1.0)   # an idle kernel would be ready by now
                assert warm.ready() == []
            else:
                wait_for(lambda: len(warm.ready()) == 1, "a kernel kept idle")
            run = Pipeline(ws, [NotebookStep("one", nb, parameters={"n": 1})],
                           name="w").submit("w", kernels=warm, regenerate_outputs=True)
            assert run.wait_for_completion(show_output=False) == "Finished"
        finally:
            warm.shutdown()


def test_an_idle_pool_stops_its_kernels_and_warms_again_when_used(ws, project):
    warm = WarmKernels(size=1, idle_timeout=1.0)
    try:
        warm.want("python3")
        wait_for(lambda: len(warm.ready()) == 1, "one kernel ready")
        (pid,) = warm.ready()
        wait_for(lambda: process_ended(pid), "the idle kernel stopped")
        assert warm.ready() == []
        warm.want("python3")
        wait_for(lambda: len(warm.ready()) == 1, "warm again")
    finally:
        warm.shutdown()
    assert warm.ready() == []


def test_a_pool_idle_for_less_than_its_kernels_take_to_start_still_gets_them_ready(
        ws, monkeypatch):
    """Idle time counts from when the kernels are ready: a timeout shorter than a kernel's
    start (a busy machine) must not stop the pool before its kernels ever served."""
    from pipeline_widget.run.step import kernels

    start = kernels.start_kernel

    def slow_start(*args, **kwargs):
        time.sleep(1.5)   # as on a loaded machine
        return start(*args, **kwargs)

    monkeypatch.setattr(kernels, "start_kernel", slow_start)
    warm = WarmKernels(size=1, idle_timeout=0.5)
    try:
        warm.want("python3")
        wait_for(lambda: len(warm.ready()) == 1, "the kernel got ready")
        (pid,) = warm.ready()
        wait_for(lambda: process_ended(pid),
                 "then, idle, it stopped")
    finally:
        warm.shutdown()


def test_warm_kernels_end_with_the_process_that_holds_them(tmp_path):
    """The designer's kernel is the holder: when it stops (even by kill -9), so do they."""
    import subprocess
    import sys

    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import time\nfrom pipeline_widget.run import WarmKernels\n"
         "w = WarmKernels(size=2)\nw.want('python3')\n"
         "while len(w.ready()) < 2: time.sleep(0.05)\n"
         "print(*w.ready(), flush=True)\ntime.sleep(600)\n"],
        stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        pids = [int(p) for p in holder.stdout.readline().split()]
        assert len(pids) == 2
        supervisors = [psutil.Process(p) for p in pids]   # taken now: once gone, a pid is no
        kernels = [c for p in supervisors for c in p.children(recursive=True)]   # process
        holder.kill()
        holder.wait(WAIT)
        for process in [*supervisors, *kernels]:
            wait_for(lambda p=process: process_ended(p), f"process {process.pid} outlived the holder")
    finally:
        holder.kill()


SEES = ("import json, os, sys\n"
        "seen = {'env': dict(os.environ), 'cwd': os.getcwd(), 'path': sys.path,\n"
        "        'dh': [str(d) for d in _dh], 'kernel': os.getppid()}\n"
        "open(os.path.join(out, 'seen.json'), 'w').write(json.dumps(seen))")


@pytest.mark.parametrize("change", ["folder", "environment", "start-up variable"])
def test_a_warm_kernel_is_indistinguishable_from_a_cold_one(ws, project, monkeypatch, tmp_path,
                                                           change):
    """Warmed before the runner's folder or environment changed, a pool's kernel must still
    give the step what a kernel started for it now gives (or not be used)."""
    nb = write_notebook(project / "steps" / "see.ipynb", "out = None", SEES)

    def seen(**kwargs) -> dict:
        step = NotebookStep("see", nb, outputs=[PipelineData("out")], allow_reuse=False)
        handle = Pipeline(ws, [step], name="see").submit("see", **kwargs)
        assert handle.wait_for_completion(show_output=False) == "Finished"
        found = json.loads((Path(handle.get_step("see").outputs["out"]) / "seen.json").read_text())
        for name in ("PIPELINE_WIDGET_CONTEXT", "PIPELINE_WIDGET_TRACE"):   # the step run's own
            found["env"].pop(name, None)
        return found

    warm = WarmKernels(size=1)
    try:
        warm.want("python3")
        wait_for(lambda: len(warm.ready()) == 1, "a kernel ready")
        ready = warm.ready()
        if change == "environment":
            monkeypatch.setenv("SET_AFTER_WARMING", "yes")
            monkeypatch.delenv("SHLVL", raising=False)   # one gone, too
        elif change == "folder":
            monkeypatch.chdir(tmp_path)
        else:   # read as Python starts (sys.path): a kernel started before is not used
            monkeypatch.setenv("PYTHONPATH", str(tmp_path) + os.pathsep
                               + os.environ.get("PYTHONPATH", ""))
        from_pool = seen(kernels=warm)
    finally:
        warm.shutdown()
    cold = seen()
    assert (from_pool.pop("kernel") in ready) == (change != "start-up variable")   # or replaced
    cold.pop("kernel")
    assert from_pool == cold
    assert from_pool["path"][0] == str(project / "steps")
    assert (str(tmp_path) in from_pool["path"]) == (change == "start-up variable")
    assert (from_pool["env"].get("SET_AFTER_WARMING") == "yes") == (change == "environment")


def test_shutdown_during_a_run_is_final(ws, project, tmp_path):
    nb = write_notebook(project / "slow.ipynb", "n = 0", "import time\ntime.sleep(1)")
    warm = WarmKernels(size=2, connection_dir=tmp_path / "kernels")
    warm.want("python3")
    wait_for(lambda: len(warm.ready()) == 2, "two kernels ready")
    steps = [NotebookStep(f"s{k}", nb, parameters={"n": k}) for k in range(3)]
    run = Pipeline(ws, steps, name="w").submit("w", kernels=warm, max_parallel=1)
    time.sleep(0.5)
    warm.shutdown()
    assert run.wait_for_completion(show_output=False) == "Finished"
    time.sleep(1.0)
    assert warm.ready() == []        # the run's end did not warm it again
    warm.want("python3")
    assert warm.ready() == []


def test_connection_files_of_a_killed_owner_go_with_the_next_pool(tmp_path):
    import signal
    import subprocess
    import sys

    folder = tmp_path / "kernels"
    owner = subprocess.Popen([sys.executable, "-c", (
        "import time\nfrom pipeline_widget.run import WarmKernels\n"
        f"w = WarmKernels(size=1, connection_dir={str(folder)!r})\nw.want('python3')\n"
        "while not w.ready(): time.sleep(0.05)\nprint(w.ready()[0], flush=True)\n"
        "time.sleep(600)\n")], stdout=subprocess.PIPE, text=True)
    kernel = int(owner.stdout.readline())
    assert list(folder.glob("kernel-*.json"))
    owner.send_signal(signal.SIGKILL)
    owner.wait()
    wait_for(lambda: process_ended(kernel),
             "the kernel ended with its owner")
    if fork_kernels():   # the fork server, seeing its owner gone, removed them
        wait_for(lambda: not list(folder.glob("kernel-*.json")), "the server removed them")
        return
    assert list(folder.glob("kernel-*.json"))           # a killed owner cannot clean up...
    WarmKernels(size=1, connection_dir=folder).shutdown()
    from pipeline_widget.run.step.kernels import KernelPool

    KernelPool(1, connection_dir=folder)
    assert not list(folder.glob("kernel-*.json"))       # ...the next pool does


def test_a_path_entry_that_is_also_the_start_folder_stays(ws, project, monkeypatch, tmp_path):
    """An entry the interpreter had before it started (a .pth's, PYTHONPATH's) that happens
    to be the folder the kernel started in is kept: only the start folder's own goes."""
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "shared_here.py").write_text("VALUE = 'found'\n")
    monkeypatch.setenv("PYTHONPATH", str(lib))
    monkeypatch.chdir(lib)   # the runner, and so the kernel, start in that same folder
    nb = write_notebook(project / "uses.ipynb", "out = None",
                        "import os, shared_here\n"
                        "open(os.path.join(out, 'v.txt'), 'w').write(shared_here.VALUE)")
    run = Pipeline(ws, [NotebookStep("uses", nb, outputs=[PipelineData("out")])],
                   name="p").submit("p")
    assert run.wait_for_completion(show_output=False) == "Finished", run.get_steps()
    assert (Path(run.get_step("uses").outputs["out"]) / "v.txt").read_text() == "found"
