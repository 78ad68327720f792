"""Chaos on object storage: with a local S3 (moto), uploads and downloads fail at random
(a seeded share of the object transfers raise). A step then fails, or its retries carry it,
with a message naming the object's URL; an output whose upload broke is never marked
complete nor reused; once the faults stop, a run finishes with a clean run's outputs."""
from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from pipeline_widget import Pipeline, PipelineData, PythonScriptStep, Status
from pipeline_widget.run.step import staging
from tests.conftest import write_script
from tests.run.test_remote_datastore import lake, s3, s3_options  # noqa: F401

SEED = int(os.environ.get("CHAOS_SEED", str(random.randrange(1 << 30))))
WRITE = ("import os, sys\n"
         "src = sys.argv[1]\n"
         "text = ''.join(open(os.path.join(src, n)).read() for n in sorted(os.listdir(src))) "
         "if src != '-' else 'root'\n"
         "for i in range(6):\n"
         "    open(os.path.join(sys.argv[2], f'part{i}.txt'), 'w').write(text[:40] + str(i))\n")


def pipeline(ws, project: Path, store) -> Pipeline:
    write_script(project / "w.py", WRITE)
    a, b, c = (PipelineData(n, datastore=store) for n in "abc")
    return Pipeline(ws, [
        PythonScriptStep(name="a", script_name="w.py", source_directory=project,
                         outputs=[a], arguments=["-", a], retries=3),
        PythonScriptStep(name="b", script_name="w.py", source_directory=project,
                         inputs=[a], outputs=[b], arguments=[a, b], retries=3),
        PythonScriptStep(name="c", script_name="w.py", source_directory=project,
                         inputs=[b], outputs=[c], arguments=[b, c], retries=3)], name="faults")


def contents(run, s3fs_) -> dict[str, str]:
    found = {}
    for step in run.get_steps():
        for url in step.outputs.values():
            root = url[len("s3://"):]
            for key in sorted(s3fs_.find(root)):
                found[f"{step.name}/{key[len(root) + 1:]}"] = s3fs_.cat(key).decode()
    return found


@pytest.fixture
def faults(monkeypatch):
    """Object transfers that fail at random (seeded); `faults.share` sets how often."""
    import s3fs

    rng = random.Random(SEED)

    class Faults:
        share = 0.0
        seen = 0

    put, get = s3fs.S3FileSystem._put_file, s3fs.S3FileSystem._get_file

    async def flaky_put(self, lpath, rpath, *args, **kwargs):
        if rng.random() < Faults.share:
            Faults.seen += 1
            raise OSError(f"injected upload failure of {rpath}")
        return await put(self, lpath, rpath, *args, **kwargs)

    async def flaky_get(self, rpath, lpath, *args, **kwargs):
        if rng.random() < Faults.share:
            Faults.seen += 1
            raise OSError(f"injected download failure of {rpath}")
        return await get(self, rpath, lpath, *args, **kwargs)

    monkeypatch.setattr(s3fs.S3FileSystem, "_put_file", flaky_put)
    monkeypatch.setattr(s3fs.S3FileSystem, "_get_file", flaky_get)
    return Faults


def test_failing_transfers_never_leave_a_partial_output_marked_complete(ws, project, lake, s3,  # noqa: F811
                                                                        faults, s3_options):  # noqa: F811
    print(f"\nCHAOS_SEED={SEED}")
    clean = pipeline(ws, project, lake).submit("faults", regenerate_outputs=True)
    assert clean.wait_for_completion(show_output=False) == "Finished", clean.get_steps()
    expected = contents(clean, s3)
    faults.share = 0.3
    outcomes = []
    for _ in range(4):
        run = pipeline(ws, project, lake).submit("faults", regenerate_outputs=True)
        outcomes.append(run.wait_for_completion(show_output=False, timeout_seconds=300))
        for step in run.get_steps():
            errors = [a["error"]["message"] for a in step.attempts if a.get("error")]
            if step.status == Status.FAILED:
                errors.append(step.error.message)
            for message in errors:
                if "injected" in message:   # the failure names the object and what to do
                    assert "s3://" in message or "lake/" in message, message
            for url in step.outputs.values():
                if step.status != Status.FINISHED and staging.is_complete(url, s3_options):
                    pytest.fail(f"{step.name}: {url} is marked complete after a failure")
                if step.status == Status.FINISHED:
                    assert staging.is_complete(url, s3_options)
    assert faults.seen > 0
    faults.share = 0.0
    final = pipeline(ws, project, lake).submit("faults")
    assert final.wait_for_completion(show_output=False) == "Finished", final.get_steps()
    assert contents(final, s3) == expected


def test_a_transfer_that_hangs_fails_its_step_naming_it_and_nothing_is_complete(
        ws, project, lake, s3, monkeypatch, s3_options):  # noqa: F811
    """A storage server that stops answering mid-upload: the step fails after the transfer
    timeout, naming the URL; its output is not marked complete; a run after it finishes."""
    import asyncio

    import s3fs

    put = s3fs.S3FileSystem._put_file
    hang = {"on": True}

    async def hanging_put(self, lpath, rpath, *args, **kwargs):
        if hang["on"]:
            await asyncio.sleep(3600)
        return await put(self, lpath, rpath, *args, **kwargs)

    monkeypatch.setattr(s3fs.S3FileSystem, "_put_file", hanging_put)
    monkeypatch.setenv(staging.TIMEOUT_ENV, "2")
    one = pipeline(ws, project, lake)
    for step in one.steps:
        step.retries = 0
    run = one.submit("hang", regenerate_outputs=True)
    assert run.wait_for_completion(show_output=False, timeout_seconds=120) == "Failed"
    first = run.get_step("a")
    assert "did not finish within 2 s" in first.error.message
    assert "s3://" in first.error.message
    assert not staging.is_complete(first.outputs["a"], s3_options)
    hang["on"] = False
    again = pipeline(ws, project, lake).submit("hang")
    assert again.wait_for_completion(show_output=False, timeout_seconds=120) == "Finished"
