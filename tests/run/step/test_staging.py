"""Downloads from object storage never write outside the step's scratch folder."""
import fsspec
import pytest

from pipeline_widget import PipelineError
from pipeline_widget.run.step import staging


@pytest.fixture
def bucket():
    fs = fsspec.filesystem("memory")
    yield fs
    if fs.exists("/store"):
        fs.rm("/store", recursive=True)


def test_an_object_key_with_dot_dot_fails_the_download_naming_the_key(bucket, tmp_path):
    bucket.pipe("/store/run1/out/ok.txt", b"fine")
    bucket.pipe("/store/run1/out/../../../../escape.txt", b"hostile")
    scratch = tmp_path / "scratch" / "inputs" / "out"
    with pytest.raises(PipelineError, match=r"object key '/store/run1/out/\.\./\.\./\.\./\.\./escape"
                                            r"\.txt' leads outside"):
        staging.download("memory://store/run1/out", scratch, {})
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written == []  # not even the good file: refused before anything is copied


def test_plain_keys_are_downloaded(bucket, tmp_path):
    bucket.pipe("/store/run1/out/a/b.txt", b"1")
    bucket.pipe("/store/run1/out/c.txt", b"2")
    assert staging.download("memory://store/run1/out", tmp_path / "in", {}) == 2
    assert (tmp_path / "in" / "a" / "b.txt").read_bytes() == b"1"


def test_the_scratch_folder_lives_with_the_step_run_not_in_the_system_temp(tmp_path):
    """A runner killed mid-step leaves its downloads in its run's folder, which goes with the
    run, never in the system's temporary folder."""
    from pipeline_widget.run.plan.model import StepPlan

    record = tmp_path / "runs" / "r" / "steps" / "s"
    plan = StepPlan(name="s", slug="s", kind="notebook", run_id="r", step_run_id="s_1",
                    source="n.ipynb", cwd=str(tmp_path), record_dir=str(record),
                    inputs={"a": "s3://bucket/a"})
    scratch = staging.Staging(plan).scratch
    assert scratch.is_relative_to(record) and scratch.is_dir()
    assert staging.Staging(plan).plan.inputs["a"].startswith(str(record))
