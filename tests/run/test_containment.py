"""Names from a pipeline file never lead a write outside the workspace or the datastores.

Everything lives in one sandbox folder: the project (pipeline file, step notebooks and
scripts), its workspace, and a registered datastore outside the workspace. After a run, or a
refused submission, nothing outside the workspace and the datastore may have changed, and
the steps' own folder must be exactly as it was.
"""
import json
import os
import subprocess
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pipeline_widget import Datastore, Pipeline, PipelineError, Workspace
from tests.conftest import PYTHON, write_notebook, write_script

WRITE = "import os, sys\nopen(os.path.join(sys.argv[1], 'out.txt'), 'w').write('x')\n"
ESCAPES = ["../../escape", "/tmp/escape", "..", ".", "~", "$HOME", "a..b", "%s%n", "*?", "-rf",
           "C:\\x", "CON", "é è", " lead space", "x" * 100]


def snapshot(sandbox: Path, *inside: Path) -> dict[str, tuple]:
    """Every file and folder under `sandbox` except the `inside` ones, with size and mtime."""
    skip = {str(p) for p in inside}
    found = {}
    for dirpath, dirnames, filenames in os.walk(sandbox):
        dirnames[:] = [d for d in dirnames if os.path.join(dirpath, d) not in skip]
        for name in [*dirnames, *filenames]:
            p = os.path.join(dirpath, name)
            st_ = os.lstat(p)
            found[p] = (st_.st_size, st_.st_mtime_ns)
    return found


def make_sandbox(tmp: Path) -> tuple[Path, Workspace, Datastore]:
    project = tmp / "project"
    write_script(project / "steps" / "write.py", WRITE)
    write_notebook(project / "steps" / "nb.ipynb", "src = None",
                   "import os\nprint(sorted(os.listdir(src)))")
    ws = Workspace(project)
    store = Datastore.register(ws, "outside", str(tmp / "store"))
    return project, ws, store


def pipeline_file(project: Path, name: str, steps: list[tuple[str, str]], notebook: bool) -> Path:
    """Script steps named by `steps` (name, output PipelineData name), and optionally a
    notebook step reading the first output."""
    data = {"schema_version": 1, "name": name, "data": {}, "steps": []}
    for step_name, output in steps:
        data["data"][output] = {"datastore": "outside"} if len(data["data"]) % 2 else {}
        data["steps"].append({"type": "python_script", "name": step_name, "script_name": "write.py",
                              "source_directory": "steps", "outputs": [output],
                              "arguments": [{"data": output}]})
    if notebook and steps:
        data["steps"].append({"type": "notebook", "name": f"read {steps[0][0]}",
                              "notebook": "steps/nb.ipynb", "inputs": [{"data": steps[0][1]}],
                              "parameter_bindings": {}})
    path = project / "generated.pipeline.json"
    path.write_text(json.dumps(data))
    return path


def test_a_run_of_escaping_names_writes_only_in_the_workspace_and_datastore(tmp_path):
    project, ws, store = make_sandbox(tmp_path)
    steps = [(name, f"d{i}") for i, name in enumerate(ESCAPES)
             if not any(bad in name for bad in ("/", "\\", ".."))]
    path = pipeline_file(project, "../../../escape", steps, notebook=True)
    before = snapshot(tmp_path, ws.root, store.local_root)
    res = subprocess.run([PYTHON, "-m", "pipeline_widget", "run", str(path), "--max-parallel", "2"],
                         cwd=project, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    assert snapshot(tmp_path, ws.root, store.local_root) == before
    record = json.loads(next(ws.runs_dir.glob("*/run.json")).read_text())
    assert len(record["steps"]) == len(steps) + 1
    for step in record["steps"].values():
        assert (project / step["record_dir"]).resolve().is_relative_to(ws.runs_dir)
        for folder in step["outputs"].values():
            assert ((project / folder).resolve().is_relative_to(ws.root)
                    or (project / folder).resolve().is_relative_to(store.local_root))


NAMES = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=0, max_size=20) \
    | st.sampled_from(ESCAPES + ["a/b", "../x", "..\\x", "a\x00b", "\n"])

# Mostly names that pass the rules, so that most examples run
PRINTABLE = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1,
                    max_size=20)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(name=NAMES, step_names=st.lists(st.one_of(*[PRINTABLE] * 3, NAMES), min_size=1, max_size=3),
       data_names=st.lists(st.one_of(*[st.from_regex(r"\A[a-z_][a-z0-9_]{0,8}\Z")] * 4, NAMES),
                           min_size=3, max_size=3))
def test_generated_names_never_write_outside(tmp_path_factory, name, step_names, data_names):
    tmp = tmp_path_factory.mktemp("sandbox")
    project, ws, store = make_sandbox(tmp)
    path = pipeline_file(project, name, list(zip(step_names, data_names)), notebook=False)
    before = snapshot(tmp, ws.root, store.local_root)
    try:
        run = Pipeline.load(path, workspace=ws).submit("contained")
    except PipelineError:
        event("refused")
    else:
        event("ran")
        assert run.wait_for_completion(show_output=False) == "Finished"
    assert snapshot(tmp, ws.root, store.local_root) == before
