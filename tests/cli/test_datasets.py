"""Datasets on the command line: a FIFO or a device is no data. validate, status and run
refuse it alike (exit 2, the file named), before reading it would wait forever."""
import json
import os
import subprocess

import pytest

from tests.conftest import PYTHON, write_script


def cli(project, *args):
    return subprocess.run([PYTHON, "-m", "pipeline_widget", *args], cwd=project,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("where", ["the dataset", "inside a folder dataset"])
def test_a_fifo_dataset_is_refused_by_validate_status_and_run(project, where):
    write_script(project / "read.py", "import sys\nprint(open(sys.argv[1]).read())\n")
    if where == "the dataset":
        dataset = fifo = project / "data.fifo"
    else:
        dataset = project / "data"
        (dataset / "more").mkdir(parents=True)
        (dataset / "a.csv").write_text("a\n1\n")
        fifo = dataset / "more" / "b.csv"
    os.mkfifo(fifo)
    (project / "p.pipeline.json").write_text(json.dumps({
        "schema_version": 1, "name": "p", "steps": [
            {"type": "python_script", "name": "read", "script_name": "read.py",
             "source_directory": ".",
             "inputs": [{"dataset": {"path": os.path.relpath(dataset, project), "kind": "file"},
                         "as": "raw"}]}]}))
    for command in ("validate", "status", "run"):
        res = cli(project, command, "p.pipeline.json")
        assert res.returncode == 2, (command, res.stdout, res.stderr)
        assert str(fifo) in res.stderr and "regular files or folders" in res.stderr
        assert "Traceback" not in res.stderr
    assert not (project / "pipeline_workspace" / "runs").exists()
