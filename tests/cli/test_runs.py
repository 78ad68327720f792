"""`runs` and `runs --metrics`: every run listed, a damaged record as DAMAGED with the fix."""
import io
import json

import pytest

from pipeline_widget.cli import main
from pipeline_widget.run import records
from pipeline_widget.run.status import Status


def finished_run(ws, run_id: str, start_time: float) -> None:
    record = records.new_record(run_id, pipeline_name="p", parameters={"k": 1},
                                steps={"s": records.StepRecord("s", status=Status.FINISHED)})
    record.status, record.start_time, record.end_time = Status.FINISHED, start_time, start_time + 1
    records.save(ws, record)


@pytest.mark.parametrize("field, value", [("parameters", ["k", 1]), ("start_time", "yesterday"),
                                          (None, "{not json")])
@pytest.mark.parametrize("metrics", [False, True])
def test_a_damaged_record_is_listed_as_damaged_with_the_fix(ws, field, value, metrics):
    finished_run(ws, "good", 100.0)
    finished_run(ws, "bad", 200.0)
    path = ws.runs_dir / "bad" / "run.json"
    if field is None:
        path.write_text(value)
    else:
        path.write_text(json.dumps({**json.loads(path.read_text()), field: value}))
    out = io.StringIO()
    args = ["--workspace", str(ws.path), "runs", *(["--metrics"] if metrics else [])]
    assert main(args, out=out) == 0
    text = out.getvalue()
    rows = {line.split()[0]: line for line in text.splitlines() if line.startswith(("good", "bad"))}
    assert "DAMAGED" in rows["bad"] and "DAMAGED" not in rows["good"]
    assert f"damaged: {path} is damaged" in text and "remove" in text
