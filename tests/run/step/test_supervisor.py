"""The supervisor finds a step's whole process tree from the tree's own /proc entries."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

from pipeline_widget.run.step import supervisor

# A process whose children are started by its main thread and by another thread (Linux
# lists a child under the thread that started it), one of them with a child of its own.
TREE = textwrap.dedent("""
    import subprocess, sys, threading, time
    kids = [subprocess.Popen(["sleep", "60"])]
    t = threading.Thread(target=lambda: kids.append(subprocess.Popen(
        ["sh", "-c", "sleep 60 & wait"])))
    t.start(); t.join()
    print("ready", flush=True)
    time.sleep(60)
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads Linux's /proc")
def test_the_subtree_read_from_its_children_files_is_the_tree_every_process_shows():
    root = subprocess.Popen([sys.executable, "-c", TREE], stdout=subprocess.PIPE, text=True)
    try:
        assert root.stdout is not None and root.stdout.readline() == "ready\n"
        deadline = time.monotonic() + 10
        while len(supervisor._descendants_from_every_process(root.pid)) < 3:
            assert time.monotonic() < deadline, "the tree did not start"
            time.sleep(0.05)
        found = supervisor.descendants(root.pid)
        assert sorted(found) == sorted(supervisor._descendants_from_every_process(root.pid))
        assert len(found) == 3   # sleep, sh and sh's sleep, none twice
    finally:
        for pid in supervisor.descendants(root.pid):
            subprocess.run(["kill", "-9", str(pid)])
        root.kill()
        root.wait()
