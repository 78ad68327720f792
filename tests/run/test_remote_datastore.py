"""Datastores on object storage: a real S3-compatible server (moto) on 127.0.0.1, steps that
see local folders, outputs uploaded in full or not at all, reuse across executors."""
from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from pipeline_widget import Datastore, NotebookStep, Pipeline, PipelineData
from pipeline_widget.run.records import store as records
from pipeline_widget.run.reuse.cache import ReuseCache
from pipeline_widget.run.step import staging as transfer
from tests.conftest import write_notebook
from tests.run.test_dask_executor import dask_cluster  # noqa: F401  (the shared cluster)

pytestmark = pytest.mark.dask

BUCKET = "lake"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_options():
    """A moto S3 server on a free local port with one bucket; yields the fsspec options."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    options = {"endpoint_url": f"http://127.0.0.1:{port}", "key": "testing",
               "secret": "testing"}
    try:
        import s3fs

        try:
            s3fs.S3FileSystem(**options).mkdir(BUCKET)
        except FileExistsError:   # moto's state is the process's: another module made it
            pass
        yield options
    finally:
        server.stop()


@pytest.fixture
def s3(s3_options):
    import s3fs

    fs = s3fs.S3FileSystem(**s3_options, skip_instance_cache=True)
    fs.invalidate_cache()
    return fs


@pytest.fixture
def lake(ws, s3_options, request) -> Datastore:
    """A datastore under a prefix of its own in the bucket."""
    return Datastore.register(ws, "lake", f"s3://{BUCKET}/{request.node.name}", **s3_options)


def seed_on(seed_copy: Path, store: str) -> Path:
    data = json.loads(seed_copy.read_text())
    for options in data["data"].values():
        options["datastore"] = store
    seed_copy.write_text(json.dumps(data, indent=2))
    return seed_copy


def test_registration_keeps_the_fsspec_options(ws, lake, s3_options):
    again = Datastore.get(ws, "lake")
    assert again.url.startswith("s3://") and not again.is_local
    assert again.storage_options == s3_options
    assert again.data_path("step_1", "prepped") == f"{again.url}/step_1/prepped"


def test_upload_and_download_round_trip(tmp_path, lake, s3):
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("a")
    (src / "sub" / "b.bin").write_bytes(b"\x00\x01")
    url = lake.data_path("step_1", "out")
    assert not transfer.is_complete(url, lake.storage_options)
    assert transfer.upload(src, url, lake.storage_options) == 2
    assert transfer.is_complete(url, lake.storage_options)
    marker = json.loads(s3.cat(transfer.marker_url(url)[len("s3://"):]))
    assert sorted(marker["files"]) == ["a.txt", "sub/b.bin"]
    back = tmp_path / "back"
    assert transfer.download(url, back, lake.storage_options) == 2
    assert (back / "a.txt").read_text() == "a" and (back / "sub" / "b.bin").read_bytes() == b"\x00\x01"


def test_seed_on_s3_with_dask_lands_in_the_bucket_and_is_reused_locally(seed_copy, ws, lake, s3,
                                                                          dask_cluster):  # noqa: F811
    pipeline = Pipeline.load(seed_on(seed_copy, "lake"), workspace=ws)
    run = pipeline.submit("seed", executor=dask_cluster)
    assert run.wait_for_completion(show_output=False) == "Finished", run.get_steps()
    steps = {s.name: s for s in run.get_steps()}
    prepped = steps["prepare data"].outputs["prepped"]
    model = steps["train model"].outputs["model"]
    assert prepped.startswith(lake.url + "/") and model.startswith(lake.url + "/")
    assert steps["train model"].inputs["prepped"] == prepped
    assert s3.exists(f"{prepped[5:]}/prepped_data.csv")
    assert sorted(Path(p).name for p in s3.ls(model[5:])) == ["metrics.json", "model.pkl"]
    assert json.loads(s3.cat(f"{model[5:]}/metrics.json"))["r2"] > 0
    # the step saw a local folder, not the URL
    context = json.loads((Path(steps["train model"].notebook).parent / records.CONTEXT).read_text())
    assert not context["outputs"]["model"].startswith("s3://")
    assert Path(context["outputs"]["model"]).is_absolute()
    # and the scratch folder is gone
    assert not Path(context["outputs"]["model"]).exists()

    again = pipeline.submit("seed")   # locally, same datastore
    assert again.wait_for_completion(show_output=False) == "Finished"
    assert all(s.is_reused for s in again.get_steps())
    assert again.get_step("train model").outputs["model"] == model


def test_an_incomplete_upload_is_never_reused(ws, project, lake, s3):
    out = PipelineData("out", datastore=lake)
    nb = write_notebook(project / "w.ipynb", "out = None",
                        "import os\nopen(os.path.join(out, 'f.txt'), 'w').write('x')")
    pipeline = Pipeline(ws, [NotebookStep("write", nb, outputs=[out])], name="w")
    first = pipeline.submit("w")
    assert first.wait_for_completion(show_output=False) == "Finished"
    url = first.get_step("write").outputs["out"]
    assert s3.cat(f"{url[5:]}/f.txt") == b"x"
    fingerprint = first.record.steps["write"].fingerprint
    assert ReuseCache(ws).candidates(fingerprint)

    s3.rm(transfer.marker_url(url)[5:])   # as if the upload broke before its end
    cache = ReuseCache(ws)
    assert cache.damage(cache.candidates(fingerprint)[0]) == "output 'out' is incomplete or gone"
    second = pipeline.submit("w")
    assert second.wait_for_completion(show_output=False) == "Finished"
    step = second.get_step("write")
    assert not step.is_reused and step.outputs["out"] != url
    assert "output 'out' is incomplete or gone" in step.why_not_reused


def test_a_failed_step_uploads_nothing(ws, project, lake, s3):
    out = PipelineData("out", datastore=lake)
    nb = write_notebook(project / "bad.ipynb", "out = None",
                        "import os\nopen(os.path.join(out, 'half.txt'), 'w').write('x')\n"
                        "raise RuntimeError('after writing half')")
    run = Pipeline(ws, [NotebookStep("bad", nb, outputs=[out])], name="bad").submit("bad")
    assert run.wait_for_completion(show_output=False) == "Failed"
    url = run.get_step("bad").outputs["out"]
    assert not s3.exists(url[5:]) and not transfer.is_complete(url, lake.storage_options)


def test_an_upload_that_breaks_fails_the_step_and_offers_nothing(ws, project, s3_options, s3):
    gone = Datastore.register(ws, "gone", "s3://no-such-bucket/data", **s3_options)
    out = PipelineData("out", datastore=gone)
    nb = write_notebook(project / "w.ipynb", "out = None",
                        "import os\nopen(os.path.join(out, 'f.txt'), 'w').write('x')")
    run = Pipeline(ws, [NotebookStep("write", nb, outputs=[out])], name="gone").submit("gone")
    assert run.wait_for_completion(show_output=False) == "Failed"
    step = run.get_step("write")
    assert "could not upload output 'out' of step 'write'" in step.error.message
    assert Path(step.notebook).is_file()   # the executed notebook is kept for a look
    assert ReuseCache(ws).candidates(run.record.steps["write"].fingerprint) == []
