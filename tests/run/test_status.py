"""`status`: what a run would do, without running or writing anything."""
import json
import os
import subprocess

from pipeline_widget import Pipeline
from tests.conftest import PYTHON


def tree(root):
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            found[p] = (st.st_size, st.st_mtime_ns)
    return found


def test_status_says_what_would_run_and_why_and_writes_nothing(seed_copy, ws, project):
    pipeline = Pipeline.load(seed_copy, workspace=ws)
    before = tree(project)
    fresh = pipeline.status()
    assert [(s.name, s.would_run) for s in fresh] == [("prepare data", True), ("train model", True)]
    assert fresh[0].reasons == ["no earlier successful run of this step"]
    assert tree(project) == before  # nothing written, not even the workspace folder

    run = pipeline.submit("seed")
    assert run.wait_for_completion(show_output=False) == "Finished"
    before = tree(project)
    after = pipeline.status()
    assert [(s.would_run, s.reused_from) for s in after] == [(False, run.id), (False, run.id)]
    changed = pipeline.status({"alpha": 0.9})
    assert [s.would_run for s in changed] == [False, True]
    assert changed[1].reasons == ["parameter 'alpha' changed: 0.5 -> 0.9"]
    assert tree(project) == before

    again = pipeline.submit("seed", pipeline_parameters={"alpha": 0.9})
    assert again.wait_for_completion(show_output=False) == "Finished"
    assert [s.is_reused for s in again.get_steps()] == [True, False]  # as status said


def test_the_cli_status_prints_a_line_per_step_and_json(seed_copy, project):
    def cli(*args):
        return subprocess.run([PYTHON, "-m", "pipeline_widget", *args], cwd=project,
                              capture_output=True, text=True, timeout=120)

    res = cli("status", str(seed_copy))
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].startswith("run    prepare data") and "no earlier successful run" in lines[0]
    assert lines[-1] == "2 would run, 0 would be reused"
    assert not (project / "pipeline_workspace").exists()
    res = cli("status", str(seed_copy), "--json", "--param", "alpha=0.3")
    data = json.loads(res.stdout)
    assert [d["name"] for d in data] == ["prepare data", "train model"]
    assert data[1]["upstream"] == ["prepare data"] and data[1]["would_run"] is True
    bad = cli("status", str(seed_copy), "--param", "nope=1")
    assert bad.returncode == 2 and "no pipeline parameter 'nope'" in bad.stderr


def test_steps_that_share_a_script_have_its_imports_read_once_per_plan(ws, project,
                                                                        monkeypatch):
    from pipeline_widget import PythonScriptStep
    from pipeline_widget.run.plan.build import build
    from pipeline_widget.run.reuse import imports
    from pipeline_widget.run.reuse.cache import ReuseCache
    from tests.conftest import write_script

    write_script(project / "helpers.py", "SCALE = 2\n")
    write_script(project / "step.py", "import sys\nimport helpers\nprint(sys.argv)\n")
    write_script(project / "other.py", "print('no local import')\n")
    steps = [PythonScriptStep(script_name="step.py", name=f"s{i}", arguments=[str(i)],
                              source_directory=str(project)) for i in range(3)]
    steps.append(PythonScriptStep(script_name="other.py", name="other",
                                  source_directory=str(project)))
    read = []
    real = imports.local_modules
    monkeypatch.setattr(imports, "local_modules",
                        lambda sources, folder, proj: read.append(folder) or
                        real(sources, folder, proj))
    plan = build(Pipeline(ws, steps), "status", {}, ReuseCache(ws))
    assert len(read) == 2   # step.py once for its three steps, other.py once
    assert [list(plan.steps[f"s{i}"].components["imports"]) for i in range(3)] == \
        [["helpers.py"]] * 3
    assert plan.steps["other"].components["imports"] == {}
    assert len(build(Pipeline(ws, steps), "status", {}, ReuseCache(ws)).steps) == 4
    assert len(read) == 4   # a new plan reads again: files may have changed in between
