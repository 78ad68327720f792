"""Reuse that is never stale: one test for each way a result could be handed back wrongly,
and for each needless re-run that reuse must avoid."""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from pipeline_widget import (
    Dataset,
    NotebookStep,
    Pipeline,
    PipelineData,
    PythonScriptStep,
    Workspace,
)
from pipeline_widget.run import rerun
from pipeline_widget.run.reuse import manifest
from tests.conftest import write_notebook, write_script

COPY = ("import shutil, sys\n"
        "shutil.copy(sys.argv[1], sys.argv[2] + '/out.txt')\n")


def run(pipeline: Pipeline, expect: str = "Finished", **kwargs) -> dict:
    handle = pipeline.submit("trust", **kwargs)
    assert handle.wait_for_completion(show_output=False) == expect, handle.get_steps()
    return {s.name: s for s in handle.get_steps()}


def script_pipeline(ws: Workspace, project: Path, script: str = "a.py",
                    data: Path | None = None) -> Pipeline:
    out = PipelineData("out")
    data = data or project / "data" / "in.txt"
    raw = Dataset.File.from_files(data).as_named_input("raw")
    step = PythonScriptStep(name="copy", script_name=script, source_directory=project / "steps",
                            inputs=[raw], outputs=[out], arguments=[raw, out])
    return Pipeline(ws, [step], name="trust")


@pytest.fixture
def scripts(project: Path) -> Path:
    write_script(project / "steps" / "a.py", COPY)
    write_script(project / "steps" / "b.py", COPY.replace("out.txt'", "out.txt'") + "print('b')\n")
    (project / "data").mkdir()
    (project / "data" / "in.txt").write_text("hello")
    return project


def test_a_script_switched_to_another_of_its_folder_runs_again(ws, scripts):
    run(script_pipeline(ws, scripts, "a.py"))
    steps = run(script_pipeline(ws, scripts, "b.py"))
    assert not steps["copy"].is_reused
    assert "script changed: a.py -> b.py" in steps["copy"].why_not_reused


def test_a_changed_helper_module_imported_by_a_notebook_runs_it_again(ws, project):
    write_script(project / "steps" / "helpers.py", "def value():\n    return 1\n")
    out = PipelineData("out")
    nb = write_notebook(project / "steps" / "use.ipynb", "out = None",
                        "import os\nimport helpers\n"
                        "open(os.path.join(out, 'v.txt'), 'w').write(str(helpers.value()))")
    pipeline = Pipeline(ws, [NotebookStep("use", nb, outputs=[out])], name="trust")
    first = run(pipeline)
    assert run(pipeline)["use"].is_reused
    write_script(project / "steps" / "helpers.py", "def value():\n    return 2\n")
    again = run(pipeline)["use"]
    assert not again.is_reused and again.why_not_reused == [
        "steps/helpers.py changed (read by the step in its last run)"]
    assert (Path(again.outputs["out"]) / "v.txt").read_text() == "2"
    assert first["use"].outputs != again.outputs


def test_removing_the_parameters_tag_runs_the_notebook_again(ws, project):
    out = PipelineData("out")
    nb = write_notebook(project / "n.ipynb", "x = 1", "pass")
    pipeline = Pipeline(ws, [NotebookStep("n", nb, outputs=[out], parameters={"x": 2})],
                        name="trust")
    run(pipeline)
    doc = nbformat.read(str(nb), as_version=4)
    doc.cells[0].metadata["tags"] = []
    nbformat.write(doc, str(nb))
    again = run(pipeline)["n"]
    assert not again.is_reused and "n.ipynb changed" in again.why_not_reused


def test_data_rewritten_with_its_size_and_mtime_restored_counts_as_changed(ws, scripts):
    data = scripts / "data" / "in.txt"
    run(script_pipeline(ws, scripts))
    before = os.stat(data)
    data.write_text("HELLO")                       # same size
    os.utime(data, ns=(before.st_atime_ns, before.st_mtime_ns))
    steps = run(script_pipeline(ws, scripts))
    assert not steps["copy"].is_reused
    assert steps["copy"].why_not_reused == ["dataset raw: data/in.txt changed"]
    assert (Path(steps["copy"].outputs["out"]) / "out.txt").read_text() == "HELLO"


def test_a_dataset_that_changes_while_the_step_runs_is_not_cached(ws, scripts):
    write_script(scripts / "steps" / "slow.py",
                 "import shutil, sys\nshutil.copy(sys.argv[1], sys.argv[2] + '/out.txt')\n"
                 "open(sys.argv[1], 'w').write('changed during the step')\n")
    first = run(script_pipeline(ws, scripts, "slow.py"))["copy"]
    assert any("changed while the step ran" in n for n in first.notes)
    (scripts / "data" / "in.txt").write_text("hello")   # back to what the step read
    again = run(script_pipeline(ws, scripts, "slow.py"))["copy"]
    assert not again.is_reused   # the result was never stored under the old data


def test_symlinked_subfolders_of_a_folder_dataset_are_followed(ws, project):
    real = project / "elsewhere"
    real.mkdir()
    (real / "f.txt").write_text("1")
    folder = project / "data"
    folder.mkdir()
    (folder / "linked").symlink_to(real, target_is_directory=True)
    (folder / "loop").symlink_to(folder, target_is_directory=True)   # a cycle: cut, not followed
    write_script(project / "steps" / "ls.py", "import os, sys\n"
                 "open(sys.argv[2] + '/n.txt', 'w').write(open(sys.argv[1] + '/linked/f.txt').read())\n")
    pipeline = lambda: script_pipeline(ws, project, "ls.py", data=folder)  # noqa: E731
    run(pipeline())
    assert run(pipeline())["copy"].is_reused
    (real / "f.txt").write_text("2")
    again = run(pipeline())["copy"]
    assert not again.is_reused
    assert "dataset raw: data/linked/f.txt changed" in again.why_not_reused


def chain(ws: Workspace, project: Path, fail: bool = False) -> Pipeline:
    mid = PipelineData("mid")
    first = PythonScriptStep(name="first", script_name="first.py", source_directory=project,
                             outputs=[mid], arguments=[mid])
    second = PythonScriptStep(name="second", script_name="second.py", source_directory=project,
                              inputs=[mid], outputs=[PipelineData("end")],
                              arguments=[mid, "END", str(fail)])
    return Pipeline(ws, [second], name="chain")


@pytest.fixture
def chain_scripts(project: Path) -> Path:
    write_script(project / "first.py", "import sys, time\n"
                 "open(sys.argv[1] + '/mid.txt', 'w').write(str(time.time_ns()))\n")
    write_script(project / "second.py", "import sys\n"
                 "if sys.argv[3] == 'True': raise SystemExit('told to fail')\n")
    return project


def test_results_of_different_runs_are_never_mixed(ws, chain_scripts):
    pipeline = chain(ws, chain_scripts)
    run(pipeline)
    run(chain(ws, chain_scripts, fail=True), expect="Failed", regenerate_outputs=True)
    steps = run(pipeline)   # first: reused from the failed run; second: not beside it
    assert steps["first"].is_reused and not steps["second"].is_reused
    assert "upstream output 'mid' is from another run" in steps["second"].why_not_reused


def test_outputs_are_read_only_and_a_consumer_that_writes_into_an_input_fails(ws, chain_scripts):
    write_script(chain_scripts / "second.py", "import sys\n"
                 "open(sys.argv[1] + '/mid.txt', 'a').write('tampered')\n")
    steps = run(chain(ws, chain_scripts), expect="Failed")
    mid = Path(steps["first"].outputs["mid"]) / "mid.txt"
    assert not os.stat(mid).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    error = steps["second"].error
    if os.geteuid() == 0:  # root writes through the mode bits: the check after the step says it
        assert error.type == "InputChanged" and "write to the step's outputs" in error.message
    else:
        assert error.type == "PermissionError" and "write to the step's outputs" in error.message
    write_script(chain_scripts / "second.py", "pass\n")
    again = run(chain(ws, chain_scripts))
    assert not again["first"].is_reused or "tampered" not in mid.read_text()


def as_normal_user(code: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run Python `code` as a user without privileges (nobody when the tests run as root)."""
    python = shutil.which("python3", path="/usr/bin:/bin") or sys.executable
    prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] \
        if os.geteuid() == 0 else []
    return subprocess.run([*prefix, python, "-c", code], cwd=cwd, capture_output=True, text=True,
                          timeout=60)


def test_read_only_outputs_stop_a_normal_user_and_still_go_with_rm_rf(tmp_path):
    root = tmp_path / "ws"
    (root / "out" / "sub").mkdir(parents=True)
    (root / "out" / "sub" / "f.txt").write_text("x")
    manifest.make_read_only(root / "out")
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("setpriv is needed to act as a normal user")
        os.chmod(tmp_path, 0o755)
        subprocess.run(["chown", "-R", "65534:65534", str(root)], check=True)
    tried = as_normal_user("open('out/sub/f.txt', 'a').write('y')", root)
    assert tried.returncode != 0 and "PermissionError" in tried.stderr
    removed = as_normal_user("import shutil; shutil.rmtree('out')", root)
    assert removed.returncode == 0, removed.stderr
    assert not (root / "out").exists()


def test_an_output_folder_emptied_by_hand_is_not_reused(ws, scripts):
    first = run(script_pipeline(ws, scripts))["copy"]
    for f in Path(first.outputs["out"]).iterdir():
        f.unlink()
    again = run(script_pipeline(ws, scripts))["copy"]
    assert not again.is_reused
    assert again.why_not_reused == ["output 'out' changed after its run (it was emptied)"]


def test_a_moved_project_keeps_its_reuse_and_reruns_earlier_runs(tmp_path, scripts):
    first = script_pipeline(Workspace(scripts), scripts).submit("trust")
    assert first.wait_for_completion(show_output=False) == "Finished"
    moved = tmp_path / "moved"
    shutil.move(str(scripts), moved)
    ws = Workspace(moved)
    steps = run(script_pipeline(ws, moved))
    assert steps["copy"].is_reused
    assert Path(steps["copy"].outputs["out"]).is_relative_to(moved)
    again = rerun(ws, first.id)
    assert again.wait_for_completion(show_output=False) == "Finished"
    assert again.get_step("copy").is_reused


def test_editing_only_the_notebook_step_keeps_the_script_step_reused(seed_copy, ws):
    pipeline = Pipeline.load(seed_copy, workspace=ws)
    run(pipeline)
    notebook = seed_copy.parent.parent / "steps" / "train_model.ipynb"
    doc = nbformat.read(str(notebook), as_version=4)
    doc.cells[-1].source += "\n# a comment"
    nbformat.write(doc, str(notebook))
    steps = run(Pipeline.load(seed_copy, workspace=ws))
    assert steps["prepare data"].is_reused
    assert not steps["train model"].is_reused


def test_a_declared_dependency_runs_the_step_again_when_it_changes(ws, scripts):
    config = scripts / "conf" / "settings.toml"
    config.parent.mkdir()
    config.write_text("a = 1")
    out = PipelineData("out")

    def pipeline() -> Pipeline:
        step = PythonScriptStep(name="s", script_name="a.py", source_directory=scripts / "steps",
                                arguments=[str(scripts / "data" / "in.txt"), out], outputs=[out],
                                dependencies=[scripts / "conf" / "*.toml"])
        return Pipeline(ws, [step], name="deps")
    run(pipeline())
    assert run(pipeline())["s"].is_reused
    config.write_text("a = 2")
    again = run(pipeline())["s"]
    assert not again.is_reused and "conf/settings.toml changed" in again.why_not_reused


def test_a_dependency_given_with_dots_is_named_by_its_plain_path(ws, scripts):
    (scripts / "conf").mkdir()
    (scripts / "conf" / "a.toml").write_text("a = 1")
    out = PipelineData("out")

    def pipeline(deps: list) -> Pipeline:
        step = PythonScriptStep(name="s", script_name="a.py", source_directory=scripts / "steps",
                                arguments=[str(scripts / "data" / "in.txt"), out], outputs=[out],
                                dependencies=deps)
        return Pipeline(ws, [step], name="dots")
    run(pipeline([]))
    again = run(pipeline([scripts / "steps" / ".." / "conf" / "*.toml"]))["s"]
    assert "conf/a.toml is new to the step" in again.why_not_reused


def test_sealing_an_output_never_follows_a_link_out_of_it(ws, project, tmp_path):
    """An output holding a link to a file elsewhere (here: outside the project) leaves that
    file as it was: recorded as a link, never made read-only, never digested."""
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("not the step's")
    os.chmod(outside, 0o644)
    write_script(project / "link.py", "import os, sys\n"
                 f"os.symlink({str(outside)!r}, os.path.join(sys.argv[1], 'link'))\n"
                 "open(os.path.join(sys.argv[1], 'own.txt'), 'w').write('own')\n")
    out = PipelineData("out")
    step = PythonScriptStep(name="link", script_name="link.py", source_directory=project,
                            outputs=[out], arguments=[out])
    first = run(Pipeline(ws, [step], name="link"))["link"]
    assert stat.S_IMODE(os.stat(outside).st_mode) == 0o644          # untouched
    own = Path(first.outputs["out"]) / "own.txt"
    assert not os.stat(own).st_mode & stat.S_IWUSR                  # its own file is sealed
    again = run(Pipeline(ws, [step], name="link"))["link"]
    assert again.is_reused
    outside.write_text("changed elsewhere, not by the step")
    assert run(Pipeline(ws, [step], name="link"))["link"].is_reused   # a link, not its target
