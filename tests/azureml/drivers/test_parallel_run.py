"""The ParallelRunStep driver: init() once per worker, run() per mini batch, failed items
counted against error_threshold, tables split by size, rows appended in order."""
from __future__ import annotations

import subprocess
import textwrap

import pytest

from pipeline_widget.azureml.drivers import PARALLEL_RUN
from tests.conftest import PYTHON

ENTRY = textwrap.dedent('''
    import os
    calls = []
    def init():
        with open(os.path.join(os.environ["MARKS"], f"init-{os.getpid()}"), "a") as f:
            f.write("init\\n")
    def run(mini_batch):
        open(os.path.join(os.environ["MARKS"], f"run-{os.getpid()}"), "w").close()
        if hasattr(mini_batch, "columns"):
            return [f"rows {len(mini_batch)} first {mini_batch.iloc[0, 0]}"]
        names = [os.path.basename(p) for p in mini_batch]
        if "bad.txt" in names:
            raise ValueError("cannot score bad.txt")
        return [f"{n} {len(names)}" for n in names]
''')


def _driver(tmp_path, *options):
    marks = tmp_path / "marks"
    marks.mkdir(exist_ok=True)
    return subprocess.run([PYTHON, str(PARALLEL_RUN), "--entry", "entry.py", *options],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={"MARKS": str(marks), "PATH": "/usr/bin:/bin"})


@pytest.fixture
def batch(tmp_path):
    (tmp_path / "entry.py").write_text(ENTRY)
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt", "bad.txt", "e.txt"):
        (folder / name).write_text(name)
    return folder


def test_batches_workers_and_appended_rows(tmp_path, batch):
    (batch / "bad.txt").unlink()
    res = _driver(tmp_path, "--input", str(batch), "--mini-batch-size", "2", "--processes", "2",
                  "--error-threshold", "0", "--output", "out")
    assert res.returncode == 0, res.stderr
    rows = (tmp_path / "out" / "parallel_run_step.txt").read_text().splitlines()
    assert rows == ["a.txt 2", "b.txt 2", "c.txt 2", "e.txt 2"]
    assert "2 mini batches of 4 items in 2 processes; 0 failed" in res.stdout
    # init once in each worker before its first batch (a worker that got no batch on a busy
    # machine may be stopped before it started)
    marks = tmp_path / "marks"
    inits = {p.name[len("init-"):]: p.read_text() for p in marks.glob("init-*")}
    ran = {p.name[len("run-"):] for p in marks.glob("run-*")}
    assert ran <= set(inits) and 1 <= len(inits) <= 2
    assert all(text == "init\n" for text in inits.values())


def test_failed_items_beyond_the_threshold_fail_the_step(tmp_path, batch):
    res = _driver(tmp_path, "--input", str(batch), "--mini-batch-size", "2",
                  "--error-threshold", "1", "--output", "out")
    assert res.returncode == 1
    assert "ValueError: cannot score bad.txt" in res.stderr
    assert "2 items failed, more than error_threshold 1" in res.stderr
    tolerant = _driver(tmp_path, "--input", str(batch), "--mini-batch-size", "2",
                       "--error-threshold", "-1", "--output", "out")
    assert tolerant.returncode == 0, tolerant.stderr
    assert "3 mini batches of 5 items in 1 processes; 2 failed" in tolerant.stdout


def test_a_table_is_split_by_size(tmp_path, batch):
    table = tmp_path / "table.csv"
    table.write_text("n\n" + "".join(f"{i:04d}\n" for i in range(100)))
    res = _driver(tmp_path, "--input", str(table), "--kind", "tabular", "--mini-batch-size",
                  "100B", "--output", "out", "--append-file", "scores.txt")
    assert res.returncode == 0, res.stderr
    rows = (tmp_path / "out" / "scores.txt").read_text().splitlines()
    assert rows[0] == "rows 20 first 0" and len(rows) == 5


def test_a_bad_mini_batch_size_is_named(tmp_path, batch):
    res = _driver(tmp_path, "--input", str(batch), "--mini-batch-size", "lots")
    assert res.returncode != 0 and "mini_batch_size 'lots' is not a number" in res.stderr


def test_an_init_that_fails_fails_the_step_at_once(tmp_path, batch):
    (tmp_path / "entry.py").write_text("def init():\n    raise RuntimeError('no model')\n"
                                       "def run(mini_batch):\n    return []\n")
    res = _driver(tmp_path, "--input", str(batch), "--mini-batch-size", "2", "--processes", "2",
                  "--output", "out")
    assert res.returncode == 1
    assert "init() failed" in res.stderr and "RuntimeError: no model" in res.stderr
