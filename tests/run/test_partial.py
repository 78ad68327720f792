"""Partial runs: --only, --from, --to; upstream reused or the run refused; the rest not
selected."""
import json
import subprocess

import pytest

from pipeline_widget import Pipeline, PipelineError
from tests.conftest import PYTHON, write_script

STEP = ("import os, sys\n"
        "name, log, out = sys.argv[1], sys.argv[2], sys.argv[3]\n"
        "open(log, 'a').write(name + '\\n')\n"
        "open(os.path.join(out, 'x.txt'), 'w').write(name)\n")


@pytest.fixture
def chain_file(project):
    """a -> b -> c -> d, and e on its own; every step that runs writes its name to ran.log."""
    write_script(project / "step.py", STEP)
    log = str(project / "ran.log")
    steps = []
    for name, up in (("a", None), ("b", "a"), ("c", "b"), ("d", "c"), ("e", None)):
        step = {"type": "python_script", "name": name, "script_name": "step.py",
                "source_directory": ".", "outputs": [name],
                "arguments": [name, log, {"data": name}]}
        if up:
            step["inputs"] = [{"data": up}]
        steps.append(step)
    path = project / "chain.pipeline.json"
    path.write_text(json.dumps({"schema_version": 1, "name": "chain", "steps": steps}))
    return path


def ran(project) -> list[str]:
    log = project / "ran.log"
    names = log.read_text().split() if log.exists() else []
    log.unlink(missing_ok=True)
    return names


def run(ws, path, **kwargs):
    r = Pipeline.load(path, workspace=ws).submit("chain", **kwargs)
    assert r.wait_for_completion(show_output=False) == "Finished"
    return {s.name: s.display_status for s in r.get_steps()}


def test_without_results_upstream_a_partial_run_is_refused_naming_the_step(ws, chain_file):
    with pytest.raises(PipelineError, match="steps 'a', 'b' run before the selected steps and "
                                            "have no result to reuse"):
        Pipeline.load(chain_file, workspace=ws).submit("chain", only=["c"])
    assert not ws.runs_dir.exists()


def test_only_from_and_to(ws, project, chain_file):
    assert run(ws, chain_file, to_steps=["b"]) == {
        "a": "Finished", "b": "Finished", "c": "NotSelected", "d": "NotSelected",
        "e": "NotSelected"}
    assert sorted(ran(project)) == ["a", "b"]
    assert run(ws, chain_file, only=["c"]) == {
        "a": "Reused", "b": "Reused", "c": "Finished", "d": "NotSelected", "e": "NotSelected"}
    assert ran(project) == ["c"]
    # selected steps run again on request; the steps they read stay reused
    assert run(ws, chain_file, from_steps=["c"], regenerate_outputs=True) == {
        "a": "Reused", "b": "Reused", "c": "Finished", "d": "Finished", "e": "NotSelected"}
    assert ran(project) == ["c", "d"]
    assert run(ws, chain_file, only=["e", "a"]) == {
        "a": "Reused", "b": "NotSelected", "c": "NotSelected", "d": "NotSelected",
        "e": "Finished"}
    assert ran(project) == ["e"]


def test_an_unknown_step_is_refused_with_the_names(ws, chain_file):
    with pytest.raises(PipelineError, match="no step named 'z'; steps are 'a', 'b'"):
        Pipeline.load(chain_file, workspace=ws).submit("chain", from_steps=["z"])


def test_the_cli_runs_part_of_a_pipeline_and_status_shows_it(project, chain_file):
    def cli(*args):
        return subprocess.run([PYTHON, "-m", "pipeline_widget", *args], cwd=project,
                              capture_output=True, text=True, timeout=300)

    res = cli("run", str(chain_file), "--to", "c")
    assert res.returncode == 0, res.stdout + res.stderr
    assert sorted(ran(project)) == ["a", "b", "c"]
    res = cli("status", str(chain_file), "--only", "d")
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[-1] == "1 would run, 3 would be reused, 1 not selected"
    res = cli("run", str(chain_file), "--only", "d", "--only", "e")
    assert res.returncode == 0, res.stdout + res.stderr
    assert sorted(ran(project)) == ["d", "e"]
    records = [json.loads(p.read_text()) for p in
               (project / "pipeline_workspace" / "runs").glob("*/run.json")]
    last = max(records, key=lambda r: r["start_time"])
    assert {n: s["status"] for n, s in last["steps"].items()} == {
        "a": "Finished", "b": "Finished", "c": "Finished", "d": "Finished", "e": "Finished"}
    assert [n for n, s in last["steps"].items() if s["is_reused"]] == ["a", "b", "c"]
    bad = cli("run", str(chain_file), "--only", "nope")
    assert bad.returncode == 2 and "no step named 'nope'" in bad.stderr
