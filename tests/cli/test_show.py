"""`show RUN_ID`: the output folders a run made, and none it did not."""
import io
import json

from pipeline_widget.cli import main
from tests.conftest import write_script


def test_show_says_that_the_outputs_of_a_step_left_out_of_a_partial_run_were_not_created(project):
    write_script(project / "write.py", "import os, sys\nopen(os.path.join(sys.argv[1], 'f'), 'w')\n")
    (project / "p.pipeline.json").write_text(json.dumps({
        "schema_version": 1, "name": "p", "steps": [
            {"type": "python_script", "name": "a", "script_name": "write.py",
             "source_directory": ".", "outputs": ["x"], "arguments": [{"data": "x"}]},
            {"type": "python_script", "name": "b", "script_name": "write.py",
             "source_directory": ".", "inputs": [{"data": "x"}], "outputs": ["y"],
             "arguments": [{"data": "y"}]}]}))
    ws = ["--workspace", str(project)]
    assert main([*ws, "run", str(project / "p.pipeline.json"), "--only", "a"],
                out=io.StringIO()) == 0
    (run_json,) = (project / "pipeline_workspace" / "runs").glob("*/run.json")
    record = json.loads(run_json.read_text())
    assert record["steps"]["b"]["status"] == "NotSelected"
    planned = project / record["steps"]["b"]["outputs"]["y"]
    assert not planned.exists()
    out = io.StringIO()
    assert main([*ws, "show", run_json.parent.name], out=out) == 0
    text = out.getvalue()
    assert "output y: not created" in text and str(planned) not in text
    made = project / record["steps"]["a"]["outputs"]["x"]
    assert f"output x: {made}" in text and (made / "f").is_file()
