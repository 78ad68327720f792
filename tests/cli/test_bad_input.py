"""Bad input on the command line: a clear message, exit code 2, no traceback, and the workspace
exactly as it was (a fresh project gets no workspace at all)."""
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from tests.conftest import PYTHON, write_notebook

STEPS = [
    {"type": "notebook", "name": "prepare data", "notebook": "steps/prep.ipynb",
     "outputs": ["prepped"], "parameters": {"alpha": 0.5}},
    {"type": "notebook", "name": "train", "notebook": "steps/train.ipynb",
     "inputs": [{"data": "prepped"}], "parameter_bindings": {"epochs": "epochs"}},
]
VALID = {"schema_version": 1, "name": "p", "parameters": {"epochs": 3}, "steps": STEPS}


def cli(*args, cwd):
    return subprocess.run([PYTHON, "-m", "pipeline_widget", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def write_steps(project: Path) -> None:
    write_notebook(project / "steps" / "prep.ipynb", "prepped = None\nalpha = 0.1",
                   "import os\nopen(os.path.join(prepped, 'a.txt'), 'w').write(str(alpha))")
    write_notebook(project / "steps" / "train.ipynb", "prepped = None\nepochs = 1", "print(epochs)")


@pytest.fixture(scope="module")
def used_project(tmp_path_factory) -> Path:
    """A project whose workspace already holds a finished run (made once)."""
    project = tmp_path_factory.mktemp("used") / "project"
    write_steps(project)
    (project / "p.pipeline.json").write_text(json.dumps(VALID))
    res = cli("run", "p.pipeline.json", cwd=project)
    assert res.returncode == 0, res.stdout + res.stderr
    return project


@pytest.fixture(params=["fresh", "used"])
def where(request, tmp_path, used_project) -> Path:
    project = tmp_path / "project"
    if request.param == "fresh":
        write_steps(project)
    else:
        shutil.copytree(used_project, project)
    return project


def snapshot(root: Path) -> dict[str, tuple]:
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns,
                                       hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else None)
            for p in sorted(root.rglob("*"))}


def changed(edit) -> dict:
    data = json.loads(json.dumps(VALID))
    edit(data)
    return data


def step0(**fields):
    return lambda d: d["steps"][0].update(fields)


BAD_FILES = {
    "not JSON": ("{'steps': []", "not valid JSON"),
    "wrong shape": ([VALID], "JSON object"),
    "steps not a list": (changed(lambda d: d.update(steps={"a": 1})), "steps must be array"),
    "unknown schema_version": (changed(lambda d: d.update(schema_version=7)), "schema_version 7"),
    "data a-b": (changed(lambda d: d["steps"][0].update(outputs=["a-b"])), "'a-b' is not allowed"),
    "data 1abc": (changed(lambda d: d.update(data={"1abc": {}})), "'1abc' is not allowed"),
    "data a/b": (changed(lambda d: d["steps"][1].update(inputs=[{"data": "a/b"}])), "'a/b' is not allowed"),
    "data ..": (changed(step0(outputs=[".."])), "'..' is not allowed"),
    "step name a/b": (changed(step0(name="a/b")), "step name 'a/b' is not allowed"),
    "step name ..": (changed(step0(name="../up")), "step name '../up' is not allowed"),
    "step name control": (changed(step0(name="bell\x07")), "step name 'bell\\x07' is not allowed"),
    "missing notebook": (changed(step0(notebook="../nowhere/missing.ipynb")), "missing.ipynb not found"),
    "wrong parameter type": (changed(step0(parameters={"alpha": "high"})),
                             "parameter 'alpha' is 'high' (str) but the notebook's parameters cell declares float"),
    "cycle": (changed(lambda d: d["steps"][0].update(inputs=[{"data": "back"}])
                      or d["steps"][1].update(outputs=["back"])), "cycle"),
    "two producers": (changed(lambda d: d["steps"][1].update(inputs=[], outputs=["prepped"])),
                      "'prepped' is written by 'prepare data' and 'train'"),
    "empty pipeline": (changed(lambda d: d.update(steps=[], parameters={})), "no steps"),
    "parameter named like its output": (changed(step0(parameters={"prepped": 1})),
                                        "parameter 'prepped' is also the name of one of its"),
    "kernel not installed": (changed(step0(kernel_name="no-such-kernel")),
                             "needs the Jupyter kernel 'no-such-kernel', which is not installed "
                             "here; installed kernels: "),
    "timeout too large": (changed(step0(timeout=1e10)), "at most 2,592,000 (30 days)"),
    "nested 100,000 deep": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
}


def check_refused(project: Path, args: list[str], message: str) -> None:
    before = snapshot(project)
    res = cli(*args, cwd=project)
    assert res.returncode == 2, res.stdout + res.stderr
    assert message in res.stderr, res.stderr
    assert "Traceback" not in res.stderr and "error: " in res.stderr
    after = snapshot(project)
    assert after == before  # nothing created, nothing changed


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_pipeline_file_is_refused_and_changes_nothing(where, case):
    content, message = BAD_FILES[case]
    path = where / "bad.pipeline.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    check_refused(where, ["run", str(path)], message)
    check_refused(where, ["validate", str(path)], message)  # one path decides for both


@pytest.mark.parametrize("args, message", [
    (["run", "p.pipeline.json", "--param", "nope=1"], "no pipeline parameter 'nope'"),
    (["run", "p.pipeline.json", "--param", "epochs=\"many\""],
     "parameter 'epochs' is 'many' (str) but the notebook's parameters cell declares int"),
    (["run", "p.pipeline.json", "--param", "noequals"], "not name=value"),
    (["run", "p.pipeline.json", "--experiment", "../x"], "experiment name '../x' is not allowed"),
    (["run", "p.pipeline.json", "--executor", "nowhere"], "unknown executor"),
    (["run", "missing.pipeline.json"], "not found"),
    (["show", "../../etc"], "is not a run id"),
    (["show", "no_such_run"], "no run 'no_such_run'"),
    (["rerun", "no_such_run"], "no run 'no_such_run'"),
    (["run"], "the following arguments are required: file"),
])
def test_bad_arguments_are_refused_and_change_nothing(where, args, message):
    (where / "p.pipeline.json").write_text(json.dumps(VALID))
    check_refused(where, args, message)


def test_a_notebook_without_kernelspec_or_parameters_cell_runs_and_says_so(project):
    nb = project / "bare.ipynb"
    write_notebook(nb, None, "print(alpha * 2)", kernel=False)
    before = nb.read_bytes()
    (project / "bare.pipeline.json").write_text(json.dumps({"schema_version": 1, "steps": [
        {"type": "notebook", "name": "bare", "notebook": "bare.ipynb", "parameters": {"alpha": 2}}]}))
    res = cli("run", "bare.pipeline.json", cwd=project)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "names no kernel" in res.stdout and "default kernel 'python3'" in res.stdout
    assert "no cell tagged 'parameters'" in res.stdout and "new cell at the top" in res.stdout
    (manifest,) = (project / "pipeline_workspace" / "runs").glob("*/run.json")
    step = json.loads(manifest.read_text())["steps"]["bare"]
    executed = nbformat.read(project / step["notebook"], as_version=4)  # relative to the project
    assert "injected-parameters" in executed.cells[0].metadata.tags
    assert executed.cells[1].outputs[0].text.strip() == "4"
    assert nb.read_bytes() == before  # the user's notebook is not touched


def test_damaged_workspace_files_are_named_or_rebuilt(tmp_path, used_project):
    project = tmp_path / "project"
    shutil.copytree(used_project, project)
    root = project / "pipeline_workspace"
    for cached in root.glob("cache/**/*.json"):  # reuse entries and digests: rebuilt
        cached.write_text(cached.read_text()[:10])
    res = cli("run", "p.pipeline.json", cwd=project)
    assert res.returncode == 0 and "(2 ran, 0 reused)" in res.stdout, res.stdout + res.stderr
    res = cli("run", "p.pipeline.json", cwd=project)
    assert res.returncode == 0 and "(0 ran, 2 reused)" in res.stdout, res.stdout + res.stderr

    (manifest, *_) = root.glob("runs/*/run.json")  # a run record: named, never overwritten
    manifest.write_text("{\"run_id\": ")
    res = cli("show", manifest.parent.name, cwd=project)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert str(manifest) in res.stderr and "damaged" in res.stderr
    res = cli("runs", cwd=project)  # the other runs are still listed, the damaged one marked
    assert res.returncode == 0 and res.stdout.count("Finished") == 2, res.stdout + res.stderr
    (marked,) = [line for line in res.stdout.splitlines() if line.startswith(manifest.parent.name)]
    assert "DAMAGED" in marked
    assert f"damaged: {manifest} is damaged" in res.stdout
    assert manifest.read_text() == "{\"run_id\": "
    manifest.write_text('{"run_id": "x", "steps": 5}')  # valid JSON, wrong shape
    res = cli("runs", cwd=project)
    assert res.returncode == 0 and "DAMAGED" in res.stdout and "Traceback" not in res.stderr


def test_cache_files_of_the_wrong_shape_count_as_absent(tmp_path, used_project):
    project = tmp_path / "project"
    shutil.copytree(used_project, project)
    entries = list((project / "pipeline_workspace").glob("cache/**/*.json"))
    assert entries
    for i, cached in enumerate(entries):
        cached.write_text(json.dumps([[1], {"fingerprint": 3}, "x", {"steps": []}][i % 4]))
    res = cli("run", "p.pipeline.json", cwd=project)
    assert res.returncode == 0 and "(2 ran, 0 reused)" in res.stdout, res.stdout + res.stderr
    res = cli("run", "p.pipeline.json", cwd=project)
    assert res.returncode == 0 and "(0 ran, 2 reused)" in res.stdout, res.stdout + res.stderr


def test_a_pipeline_named_with_a_leading_dash_runs_under_a_valid_experiment(project):
    write_steps(project)
    (project / "p.pipeline.json").write_text(json.dumps({**VALID, "name": "-prep"}))
    res = cli("run", "p.pipeline.json", cwd=project)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "run prep_" in res.stdout


def test_a_param_for_a_text_parameter_is_taken_as_text(project):
    write_notebook(project / "v.ipynb", "version = 'v1'", "print(type(version).__name__, version)")
    (project / "v.pipeline.json").write_text(json.dumps({
        "schema_version": 1, "name": "v", "parameters": {"version": "v1"},
        "steps": [{"type": "notebook", "name": "v", "notebook": "v.ipynb",
                   "parameter_bindings": {"version": "version"}}]}))
    res = cli("run", "v.pipeline.json", "--param", "version=2024", cwd=project)
    assert res.returncode == 0, res.stdout + res.stderr
    (executed,) = project.glob("pipeline_workspace/runs/*/steps/*/executed.ipynb")
    assert "str 2024" in executed.read_text()
