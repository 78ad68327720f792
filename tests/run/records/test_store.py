"""The run record's background saver: a step's end is on disk as soon as the write under way
is done; other changes wait for the next write, at most every `interval` seconds."""
from __future__ import annotations

import json
import threading
import time

from pipeline_widget.run.records import store
from pipeline_widget.run.records.model import StepRecord
from pipeline_widget.run.status import Status


def _on_disk(ws) -> dict:
    return json.loads((store.run_dir(ws, "r1") / store.MANIFEST).read_text())


def _until(check, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "not written in time"
        time.sleep(0.01)


def test_a_steps_end_is_written_at_once_and_other_changes_wait_for_the_interval(ws):
    ws.ensure()
    record = store.new_record("r1", experiment="e",
                              steps={"a": StepRecord("a"), "b": StepRecord("b")})
    store.run_dir(ws, "r1").mkdir(parents=True)
    store.save(ws, record)
    lock = threading.Lock()
    saver = store.BackgroundSaver(ws, record, lock, interval=3600)   # never, in this test
    try:
        with lock:
            record.steps["a"].status = Status.RUNNING
        saver.request()   # the first change after a quiet spell is written at once
        _until(lambda: _on_disk(ws)["steps"]["a"]["status"] == "Running")

        with lock:
            record.steps["a"].cell = [1, 3]
        saver.request()   # a cell: waits for the next write
        time.sleep(0.3)
        assert _on_disk(ws)["steps"]["a"]["cell"] is None

        with lock:
            record.steps["a"].status = Status.FINISHED
        saver.request(now=True)   # the step's end: written now, with what waited
        _until(lambda: _on_disk(ws)["steps"]["a"]["status"] == "Finished")
        assert _on_disk(ws)["steps"]["a"]["cell"] == [1, 3]

        with lock:
            record.steps["b"].status = Status.RUNNING
        saver.request()
    finally:
        saver.close()   # what is pending is written before it stops
    assert _on_disk(ws)["steps"]["b"]["status"] == "Running"
