"""Proof in the other tools' own runners, each installed in an environment of its own
(.venv-extras/, built once, skipped with the reason when it cannot be installed):

- the exported seed and a fan-out run as an Airflow DAG (`airflow dags test`, SQLite) and
  as a Kubeflow pipeline (`kfp.local`, subprocess runner), with the outputs of
  `pipeline-widget run`, in one joined run record that a local run then reuses;
- Elyra's local runtime and `ploomber build` give the outputs the imports give here, and
  Elyra runs the file the export writes back.
"""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from .conftest import PROJECTS, outputs, record_time, run_program, tool_env
from .test_elyra_import import ELYRA_COUNT, ELYRA_REPORT
from .test_ploomber_import import PLOOMBER_CLEAN, PLOOMBER_SUMMARY


def _seed(root: Path) -> Path:
    from tests.conftest import REPO

    for folder in ("steps", "data", "examples"):
        shutil.copytree(REPO / folder, root / folder,
                        ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    return root / "examples" / "seed.pipeline.json"


def _fanout(root: Path) -> Path:
    shutil.copytree(PROJECTS / "fanout", root / "fanout")
    return root / "fanout" / "fanout.pipeline.json"


PIPELINES = {"seed": (_seed, {"alpha": 0.7}), "fanout": (_fanout, {"n": 5})}


def _reference(tmp_path: Path, name: str, cli) -> dict:
    """The outputs `pipeline-widget run` gives, with the parameters the scheduler gets."""
    make, params = PIPELINES[name]
    root = tmp_path / "local"
    root.mkdir()
    file = make(root)
    code, out, err = cli("--workspace", root, "run", file,
                         *[a for k, v in params.items() for a in ("--param", f"{k}={v}")])
    assert code == 0, out + err
    return outputs(root)


def _one_joined_run(root: Path, prefix: str) -> dict:
    runs = [json.loads(p.read_text()) for p in (root / "pipeline_workspace" / "runs").glob("*/run.json")]
    assert len(runs) == 1, [r.get("run_id") for r in runs]
    assert runs[0]["run_id"].startswith(prefix)
    return runs[0]


def _reused_here(cli, root: Path, file: Path, params: dict, steps: int) -> None:
    """What the scheduler's tasks made is this project's: a local run reuses all of it."""
    code, out, err = cli("--workspace", root, "run", file,
                         *[a for k, v in params.items() for a in ("--param", f"{k}={v}")])
    assert code == 0 and f"(0 ran, {steps} reused)" in out, out + err


@pytest.mark.parametrize("name", ["seed", "fanout"])
def test_exported_dag_runs_in_airflow_with_the_outputs_of_a_local_run(tmp_path, cli, name):
    bin_ = tool_env("airflow")
    expected = _reference(tmp_path, name, cli)
    make, params = PIPELINES[name]
    root = tmp_path / "airflow_project"
    root.mkdir()
    file = make(root)
    dags = tmp_path / "dags"
    dags.mkdir()
    code, out, err = cli("--workspace", root, "export", file, "--to", "airflow",
                         dags / f"{name}_dag.py")
    assert code == 0, err
    env = {"AIRFLOW_HOME": str(tmp_path / "airflow_home"),
           "AIRFLOW__CORE__DAGS_FOLDER": str(dags), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
           "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO", "PATH": f"{bin_}:/usr/bin:/bin"}
    started = time.monotonic()
    done = run_program([str(bin_ / "airflow"), "db", "migrate"], tmp_path, env)
    assert done.returncode == 0, done.stderr[-3000:]
    done = run_program([str(bin_ / "airflow"), "dags", "test", name, "-c", json.dumps(params)],
                       tmp_path, env, timeout=900)
    record_time("airflow", f"dags_test_{name}_s", time.monotonic() - started)
    log = done.stdout + done.stderr
    assert done.returncode == 0 and "state=success" in log, log[-4000:]
    run = _one_joined_run(root, "airflow-")
    assert {s["status"] for s in run["steps"].values()} == {"Finished"}
    assert run["parameters"] == params
    assert outputs(root) == expected
    _reused_here(cli, root, file, params, len(run["steps"]))


@pytest.mark.parametrize("name", ["seed", "fanout"])
def test_exported_pipeline_runs_in_kfp_local_with_the_outputs_of_a_local_run(tmp_path, cli, name):
    bin_ = tool_env("kfp")
    expected = _reference(tmp_path, name, cli)
    make, params = PIPELINES[name]
    root = tmp_path / "kfp_project"
    root.mkdir()
    file = make(root)
    compiled = tmp_path / f"{name}.yaml"
    code, out, err = cli("--workspace", root, "export", file, "--to", "kfp", compiled,
                         "--kfp-python", bin_ / "python")
    assert code == 0, err
    runner = tmp_path / "run_kfp.py"
    runner.write_text(
        "import json, sys\n"
        "import kfp.components, kfp.local\n"
        "kfp.local.init(runner=kfp.local.SubprocessRunner(use_venv=False),\n"
        "               pipeline_root=sys.argv[2])\n"
        "pipeline = kfp.components.load_component_from_file(sys.argv[1])\n"
        "pipeline(**json.loads(sys.argv[3]))\n")
    started = time.monotonic()
    done = run_program([str(bin_ / "python"), str(runner), str(compiled),
                        str(tmp_path / "kfp_root"), json.dumps(params)], tmp_path, timeout=900)
    record_time("kfp", f"local_run_{name}_s", time.monotonic() - started)
    log = done.stdout + done.stderr
    assert done.returncode == 0 and "SUCCESS" in log, log[-4000:]
    run = _one_joined_run(root, "kfp-")
    assert {s["status"] for s in run["steps"].values()} == {"Finished"}
    assert run["parameters"] == params
    assert outputs(root) == expected
    _reused_here(cli, root, file, params, len(run["steps"]))


def test_elyra_runs_the_fixture_and_the_exported_file_with_the_outputs_of_the_import(
        copy_project, cli):
    bin_ = tool_env("elyra")
    theirs = copy_project("elyra")
    started = time.monotonic()
    done = run_program([str(bin_ / "elyra-pipeline"), "run", "weather.pipeline"], theirs,
                       {"PATH": f"{bin_}:/usr/bin:/bin"}, timeout=600)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    assert (theirs / "report.txt").read_text() == ELYRA_REPORT
    assert (theirs / "count.txt").read_text() == ELYRA_COUNT
    # the file our export writes back opens and runs in Elyra, with the same outputs
    ours = theirs.parent / "ours"
    shutil.copytree(PROJECTS / "elyra", ours)
    code, _, err = cli("--workspace", ours, "import", ours / "weather.pipeline")
    assert code == 0, err
    code, _, err = cli("--workspace", ours, "export", ours / "weather.pipeline.json", "--to",
                       "elyra", ours / "exported.pipeline")
    assert code == 0, err
    done = run_program([str(bin_ / "elyra-pipeline"), "run", "exported.pipeline"], ours,
                       {"PATH": f"{bin_}:/usr/bin:/bin"}, timeout=600)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    assert (ours / "report.txt").read_text() == ELYRA_REPORT
    assert (ours / "count.txt").read_text() == ELYRA_COUNT
    # a version 7 file, which Elyra refuses until migrated, comes back as one it runs
    old = theirs.parent / "old"
    shutil.copytree(PROJECTS / "elyra", old)
    done = run_program([str(bin_ / "elyra-pipeline"), "run", "weather_v7.pipeline"], old,
                       {"PATH": f"{bin_}:/usr/bin:/bin"}, timeout=600)
    assert done.returncode != 0 and not (old / "report.txt").exists()
    assert cli("--workspace", old, "import", old / "weather_v7.pipeline")[0] == 0
    assert cli("--workspace", old, "export", old / "weather_v7.pipeline.json", "--to", "elyra",
               old / "migrated.pipeline")[0] == 0
    done = run_program([str(bin_ / "elyra-pipeline"), "run", "migrated.pipeline"], old,
                       {"PATH": f"{bin_}:/usr/bin:/bin"}, timeout=600)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    record_time("elyra", "local_runs_s", time.monotonic() - started)
    assert (old / "report.txt").read_text() == ELYRA_REPORT


def test_ploomber_builds_the_fixture_and_the_exported_file_with_the_outputs_of_the_import(
        copy_project, cli):
    bin_ = tool_env("ploomber")
    theirs = copy_project("ploomber")
    started = time.monotonic()
    done = run_program([str(bin_ / "ploomber"), "build"], theirs,
                       {"PATH": f"{bin_}:/usr/bin:/bin"}, timeout=600)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    assert (theirs / "products" / "summary.txt").read_text() == PLOOMBER_SUMMARY
    assert (theirs / "products" / "data" / "clean.csv").read_text() == PLOOMBER_CLEAN
    # import -> save -> export gives a pipeline.yaml that Ploomber builds the same way
    ours = theirs.parent / "ours"
    shutil.copytree(PROJECTS / "ploomber", ours)
    assert cli("--workspace", ours, "import", ours / "pipeline.yaml")[0] == 0
    (ours / "pipeline.yaml").unlink()
    (ours / "env.yaml").unlink()
    code, _, err = cli("--workspace", ours, "export", ours / "pipeline.pipeline.json", "--to",
                       "ploomber", ours / "pipeline.yaml")
    assert code == 0, err
    done = run_program([str(bin_ / "ploomber"), "build"], ours,
                       {"PATH": f"{bin_}:/usr/bin:/bin"}, timeout=600)
    record_time("ploomber", "builds_s", time.monotonic() - started)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    assert (ours / "products" / "summary.txt").read_text() == PLOOMBER_SUMMARY
