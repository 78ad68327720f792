"""--sweep on the command line: a grid that is counted and capped before anything is built,
every value checked before the first run, one --sweep per parameter, and parameters that
the file declares but no step uses (yet) accepted like any other."""
import json
import resource
import subprocess
from pathlib import Path

from tests.conftest import PYTHON, write_notebook, write_script

MEMORY_CAP = 1 << 30  # bytes of address space: the refusal needs some 40 MiB, a grid of 10^8 runs 30 GiB


def cli(project, *args, limit_memory=False):
    def cap_memory():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    return subprocess.run([PYTHON, "-m", "pipeline_widget", *args], cwd=project,
                          capture_output=True, text=True, timeout=300,
                          preexec_fn=cap_memory if limit_memory else None)


def records(project: Path) -> list[dict]:
    return [json.loads(p.read_text())
            for p in (project / "pipeline_workspace" / "runs").glob("*/run.json")]


def script_pipeline(project: Path, used: dict, declared_only: dict | None = None) -> Path:
    """One script step that prints the `used` pipeline parameters; the file also declares
    `declared_only`, which no step uses."""
    write_script(project / "echo.py", "import sys\nprint(sys.argv[1:])\n")
    path = project / "p.pipeline.json"
    path.write_text(json.dumps({"schema_version": 1, "name": "p",
                                "parameters": {**used, **(declared_only or {})},
                                "steps": [{"type": "python_script", "name": "echo",
                                           "script_name": "echo.py", "source_directory": ".",
                                           "arguments": [{"parameter": n} for n in used]}]}))
    return path


def test_a_sweep_of_a_hundred_million_runs_is_refused_with_its_count_and_the_cap(project):
    script_pipeline(project, {f"p{i}": 0 for i in range(8)})
    ten = ",".join(map(str, range(10)))
    sweeps = [a for i in range(8) for a in ("--sweep", f"p{i}={ten}")]
    res = cli(project, "run", "p.pipeline.json", *sweeps, limit_memory=True)
    assert res.returncode == 2, res.stderr
    assert "100000000 runs" in res.stderr and "1000" in res.stderr, res.stderr
    assert "--max-runs" in res.stderr and "Traceback" not in res.stderr
    assert not records(project)


def test_max_runs_raises_the_cap(project):
    script_pipeline(project, {"k": 0})
    refused = cli(project, "run", "p.pipeline.json", "--sweep", "k=1,2,3", "--max-runs", "2")
    assert refused.returncode == 2 and "3 runs" in refused.stderr, refused.stderr
    assert "--max-runs 3" in refused.stderr and not records(project)
    ran = cli(project, "run", "p.pipeline.json", "--sweep", "k=1,2,3", "--max-runs", "3")
    assert ran.returncode == 0, ran.stderr
    assert sorted(r["parameters"]["k"] for r in records(project)) == [1, 2, 3]


def test_a_value_any_combination_would_refuse_stops_the_sweep_before_its_first_run(project):
    write_notebook(project / "train.ipynb", "alpha = 0.1\nseed = 1", "print(alpha, seed)")
    (project / "p.pipeline.json").write_text(json.dumps({
        "schema_version": 1, "name": "p", "parameters": {"alpha": 0.1, "seed": 1},
        "steps": [{"type": "notebook", "name": "train", "notebook": "train.ipynb",
                   "parameter_bindings": {"alpha": "alpha", "seed": "seed"}}]}))
    res = cli(project, "run", "p.pipeline.json", "--sweep", "seed=1,2", "--sweep", "alpha=0.5,abc")
    assert res.returncode == 2, res.stdout + res.stderr
    assert "'abc'" in res.stderr and "float" in res.stderr and "Traceback" not in res.stderr
    assert not records(project)


def test_a_parameter_swept_twice_is_refused(project):
    script_pipeline(project, {"k": 0})
    res = cli(project, "run", "p.pipeline.json", "--sweep", "k=1,2", "--sweep", "k=3")
    assert res.returncode == 2, res.stdout + res.stderr
    assert "'k'" in res.stderr and "one --sweep" in res.stderr and "k=1,2,3" in res.stderr
    assert not records(project)


def test_a_declared_parameter_no_step_uses_can_be_set_and_swept(project):
    script_pipeline(project, {"k": 0}, declared_only={"b": 1})
    for args in (["status", "p.pipeline.json", "--param", "b=5"],
                 ["run", "p.pipeline.json", "--param", "b=5"],
                 ["run", "p.pipeline.json", "--sweep", "b=6,7"]):
        res = cli(project, *args)
        assert res.returncode == 0, res.stdout + res.stderr
    assert sorted(r["parameters"]["b"] for r in records(project)) == [5, 6, 7]
