"""Comparing runs: --sweep runs one run per combination, sharing what the values do not
reach; runs --metrics puts parameters and metrics side by side."""
import json
import subprocess

from tests.conftest import PYTHON


def cli(project, *args):
    return subprocess.run([PYTHON, "-m", "pipeline_widget", *args], cwd=project,
                          capture_output=True, text=True, timeout=300)


def test_a_sweep_runs_each_value_and_the_shared_step_once(seed_copy, project):
    res = cli(project, "run", str(seed_copy), "--sweep", "alpha=0.1,0.9")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "sweep 1/2: alpha=0.1" in res.stdout and "sweep 2/2: alpha=0.9" in res.stdout
    records = sorted((json.loads(p.read_text()) for p in
                      (project / "pipeline_workspace" / "runs").glob("*/run.json")),
                     key=lambda r: r["start_time"])
    assert [r["parameters"]["alpha"] for r in records] == [0.1, 0.9]
    assert [r["steps"]["prepare data"]["is_reused"] for r in records] == [False, True]
    assert [r["steps"]["train model"]["is_reused"] for r in records] == [False, False]

    table = cli(project, "runs", "--metrics")
    assert table.returncode == 0, table.stderr
    header, *rows = table.stdout.splitlines()
    assert header.split()[:3] == ["RUN", "ID", "STATUS"] and "alpha" in header
    metric_columns = [c for c in header.split() if c.startswith("train")]
    assert metric_columns, header  # the seed's training logs metrics
    assert [row.split()[2] for row in rows] == ["0.1", "0.9"]


def test_a_bad_sweep_is_refused(seed_copy, project):
    for args, message in ((["--sweep", "alpha"], "not name=value,value"),
                          (["--sweep", "beta=1,2"], "no pipeline parameter 'beta'")):
        res = cli(project, "run", str(seed_copy), *args)
        assert res.returncode == 2 and message in res.stderr, res.stderr
