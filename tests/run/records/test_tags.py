"""Tags live in the run record. Other processes set them in the file under its lock while
the runner keeps writing the record from memory; the runner's next write keeps them."""
from __future__ import annotations

import json
import threading

import pytest

from pipeline_widget.core.errors import PipelineError
from pipeline_widget.run.records import store
from pipeline_widget.run.records.model import StepRecord


@pytest.fixture
def record(ws):
    ws.ensure()
    found = store.new_record("r1", experiment="e", tags={"BuildId": "b1"},
                             steps={"train": StepRecord("train")})
    store.run_dir(ws, "r1").mkdir(parents=True)
    store.save(ws, found)
    return found


def _on_disk(ws) -> dict:
    return json.loads((store.run_dir(ws, "r1") / store.MANIFEST).read_text())


def test_a_tag_set_by_another_process_survives_the_runners_next_write(ws, record):
    assert store.set_tags(ws, "r1", {"trained": "yes"}) == {"BuildId": "b1", "trained": "yes"}
    store.set_tags(ws, "r1", {"stage": 2}, step="train")
    record.steps["train"].notes.append("the runner goes on")
    store.save(ws, record)   # from memory, which never saw the tags
    data = _on_disk(ws)
    assert data["tags"] == {"BuildId": "b1", "trained": "yes"}
    assert data["steps"]["train"]["tags"] == {"stage": "2"}
    assert data["steps"]["train"]["notes"] == ["the runner goes on"]
    assert record.tags["trained"] == "yes"   # and the runner's record has them now
    assert store.load(ws, "r1").steps["train"].tags == {"stage": "2"}


def test_the_background_saver_keeps_tags_set_meanwhile(ws, record):
    lock = threading.Lock()
    saver = store.BackgroundSaver(ws, record, lock, interval=0.01)
    try:
        for i in range(20):
            store.set_tags(ws, "r1", {f"t{i}": i})
            with lock:
                record.steps["train"].notes.append(str(i))
            saver.request()
    finally:
        saver.close()
    data = _on_disk(ws)
    assert data["tags"] == {"BuildId": "b1", **{f"t{i}": str(i) for i in range(20)}}
    assert data["steps"]["train"]["notes"] == [str(i) for i in range(20)]


def test_tagging_a_run_or_step_that_does_not_exist_is_refused(ws, record):
    with pytest.raises(PipelineError, match="no run 'r2'"):
        store.set_tags(ws, "r2", {"a": 1})
    with pytest.raises(PipelineError, match="no step 'other'"):
        store.set_tags(ws, "r1", {"a": 1}, step="other")


def test_a_record_without_tags_reads_with_none(ws, record):
    data = _on_disk(ws)
    del data["tags"], data["steps"]["train"]["tags"]
    (store.run_dir(ws, "r1") / store.MANIFEST).write_text(json.dumps(data))
    found = store.load(ws, "r1")
    assert found.tags == {} and found.steps["train"].tags == {}
