"""A run imports Jupyter's packages on several threads at its start (step/jupyter_imports.py)."""
from __future__ import annotations

import subprocess
import sys

import pytest

# In a fresh process: the run's check of the installed kernels imports jupyter_client on one
# thread, held up (an audit hook) as a busy machine may hold it, while a kernel's start or
# papermill's load imports the same packages from their other end on another thread.
RACE = """
import sys, threading, time
from pipeline_widget.run.step import kernels
from pipeline_widget.run.step.papermill_loading import import_papermill

def slow(event, args):
    if event == "import" and args[0] == {slow_module!r} \\
            and threading.current_thread().name == "checks":
        time.sleep(1.0)

sys.addaudithook(slow)
errors = []

def call(fn):
    try:
        fn()
    except BaseException as err:
        errors.append(repr(err))

other = {{"kernel": lambda: kernels._kernel_manager("python3"),
          "papermill": import_papermill}}[{other!r}]
first = threading.Thread(target=call, args=(kernels.spec_manager,), name="checks")
second = threading.Thread(target=call, args=(other,), name="other")
first.start()
time.sleep(0.3)
second.start()
first.join()
second.join()
print(errors)
"""


@pytest.mark.parametrize("slow_module, other", [
    ("traitlets.config.application", "kernel"),
    ("traitlets.config.application", "papermill"),
    ("jupyter_client.kernelspec", "kernel"),
])
def test_jupyter_is_imported_whole_whichever_threads_import_it_at_once(slow_module, other):
    """On the old code a kernel's start found jupyter_client.manager half made
    ("partially initialized module"); the chaos suite once met the same race as
    `_DeadlockError` in traitlets.config, a traceback on the command line."""
    done = subprocess.run([sys.executable, "-c", RACE.format(slow_module=slow_module,
                                                             other=other)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", done.stdout
