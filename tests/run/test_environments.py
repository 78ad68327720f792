"""Each step in its own environment: a kernel per notebook, an interpreter per script,
variables per step (values or references, never written out), and a command step; the
same outputs and shared reuse on every executor."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from pipeline_widget import (
    CommandStep,
    NotebookStep,
    Pipeline,
    PipelineData,
    PipelineError,
    PythonScriptStep,
)
from tests.conftest import write_notebook, write_script


def steps_of(run) -> dict:
    assert run.wait_for_completion(show_output=False) == "Finished", run.get_steps()
    return {s.name: s for s in run.get_steps()}


def test_a_script_runs_in_the_interpreter_it_names(ws, project, venv):
    out = PipelineData("out")
    write_script(project / "who.py", "import sys\nopen(sys.argv[1] + '/who.txt', 'w')"
                 ".write(sys.prefix)\n")

    def pipeline(interpreter):
        return Pipeline(ws, [PythonScriptStep(name="who", script_name="who.py",
                                              source_directory=project, outputs=[out],
                                              arguments=[out], interpreter=interpreter)],
                        name="who")
    first = steps_of(pipeline(str(venv)).submit("who"))["who"]
    assert (Path(first.outputs["out"]) / "who.txt").read_text() == str(venv.parent.parent)
    assert steps_of(pipeline(str(venv)).submit("who"))["who"].is_reused
    mine = steps_of(pipeline(None).submit("who"))["who"]
    assert not mine.is_reused
    assert f"interpreter changed: {venv} -> python" in mine.why_not_reused
    assert (Path(mine.outputs["out"]) / "who.txt").read_text() == sys.prefix


def test_a_script_interpreter_that_is_not_there_is_bad_input(ws, project):
    write_script(project / "s.py", "pass\n")
    step = PythonScriptStep(name="s", script_name="s.py", source_directory=project,
                            interpreter="no-such-kernel")
    with pytest.raises(PipelineError, match="neither a path nor an installed kernel"):
        Pipeline(ws, [step], name="s").submit("s")


def test_variables_reach_the_step_and_references_stay_secret(ws, project, monkeypatch):
    monkeypatch.setenv("API_TOKEN", "s3cr3t-value")
    out = PipelineData("out")
    nb = write_notebook(project / "env.ipynb", "out = None",
                        "import os\nopen(os.path.join(out, 'env.txt'), 'w').write("
                        "os.environ['MODE'] + ':' + os.environ['TOKEN'])")
    path = project / "env.pipeline.json"

    def run():
        step = NotebookStep("env", nb, outputs=[out],
                            environment={"MODE": "fast", "TOKEN": "${API_TOKEN}"})
        Pipeline(ws, [step], name="env").save(path)
        return steps_of(Pipeline.load(path, workspace=ws).submit("env"))["env"]
    first = run()
    assert (Path(first.outputs["out"]) / "env.txt").read_text() == "fast:s3cr3t-value"
    written = [path, *Path(ws.root).rglob("*.json"), *Path(ws.root).rglob("*.ipynb"),
               *Path(ws.root).rglob("*.jsonl")]
    for file in written:
        assert "s3cr3t-value" not in file.read_text(errors="replace"), file
    assert "${API_TOKEN}" in path.read_text()
    assert run().is_reused
    monkeypatch.setenv("API_TOKEN", "another")
    again = run()
    assert again.why_not_reused == ["the step's environment variable TOKEN changed"]


def test_a_missing_reference_is_bad_input_named_on_the_command_line(ws, project, monkeypatch):
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    write_script(project / "s.py", "pass\n")
    step = PythonScriptStep(name="s", script_name="s.py", source_directory=project,
                            environment={"KEY": "${NOT_SET_ANYWHERE}"})
    path = project / "s.pipeline.json"
    Pipeline(ws, [step], name="s").save(path)
    done = subprocess.run([sys.executable, "-m", "pipeline_widget", "run", str(path)],
                          cwd=project, capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert "NOT_SET_ANYWHERE" in done.stderr and "Traceback" not in done.stderr


def test_a_command_step_runs_its_command_line_and_is_reused(ws, project):
    script = write_script(project / "steps" / "make_report.sh",
                          'printf "%s" "report for $1" > "$2/report.txt"\n')
    report = PipelineData("report")

    def pipeline():
        from pipeline_widget import PipelineParameter

        return Pipeline(ws, [CommandStep(name="report", command="bash make_report.sh {who} {report}",
                                         source_directory=project / "steps", outputs=[report],
                                         parameters=[PipelineParameter("who", "ann")])],
                        name="cmd")
    first = steps_of(pipeline().submit("cmd"))["report"]
    assert (Path(first.outputs["report"]) / "report.txt").read_text() == "report for ann"
    assert steps_of(pipeline().submit("cmd"))["report"].is_reused
    other = steps_of(pipeline().submit("cmd", pipeline_parameters={"who": "bob"}))["report"]
    assert "parameter 'who' changed: 'ann' -> 'bob'" in other.why_not_reused
    script.write_text('printf "%s" "REPORT for $1" > "$2/report.txt"\n')
    edited = steps_of(pipeline().submit("cmd"))["report"]
    assert "steps/make_report.sh changed" in edited.why_not_reused
    assert (Path(edited.outputs["report"]) / "report.txt").read_text() == "REPORT for ann"


def test_a_command_that_is_not_installed_fails_with_its_name(ws, project):
    (project / "steps").mkdir()
    step = CommandStep(name="r", command="no-such-program-here --x", source_directory=project / "steps")
    run = Pipeline(ws, [step], name="r").submit("r")
    assert run.wait_for_completion(show_output=False) == "Failed"
    error = run.get_step("r").error
    assert error.type == "CommandNotFound" and "no-such-program-here" in error.message


def mixed(ws, project: Path, venv: Path, kernel: str) -> Pipeline:
    a, b, c, d = (PipelineData(n) for n in "abcd")
    first = write_notebook(project / "first.ipynb", "a = None",
                           "import os\nopen(os.path.join(a, 'x.txt'), 'w').write('first')")
    second = write_notebook(project / "second.ipynb", "a = None\nb = None",
                            "import os\ntext = open(os.path.join(a, 'x.txt')).read()\n"
                            "open(os.path.join(b, 'x.txt'), 'w').write(text + '|' + "
                            "os.environ.get('KERNEL_FLAVOR', 'default'))")
    doc = nbformat.read(str(second), as_version=4)
    doc.metadata["kernelspec"] = {"name": kernel, "display_name": "Second", "language": "python"}
    nbformat.write(doc, str(second))
    write_script(project / "third.py", "import os, sys\ntext = open(sys.argv[1] + '/x.txt').read()\n"
                 "open(sys.argv[2] + '/x.txt', 'w').write(text + '|' + "
                 "('venv' if sys.prefix != sys.base_prefix else 'base'))\n")
    write_script(project / "fourth.sh", 'printf "%s|cmd" "$(cat "$1/x.txt")" > "$2/x.txt"\n')
    return Pipeline(ws, [
        NotebookStep("first", first, outputs=[a]),
        NotebookStep("second", second, inputs=[a], outputs=[b]),
        PythonScriptStep(name="third", script_name="third.py", source_directory=project,
                         inputs=[b], outputs=[c], arguments=[b, c], interpreter=str(venv)),
        CommandStep(name="fourth", command="bash fourth.sh {c} {d}", source_directory=project,
                    inputs=[c], outputs=[d])], name="mixed")


def final(steps: dict) -> str:
    return (Path(steps["fourth"].outputs["d"]) / "x.txt").read_text()


def test_a_pipeline_mixing_kernels_interpreters_and_a_command(ws, project, venv, second_kernel):
    steps = steps_of(mixed(ws, project, venv, second_kernel).submit("mixed"))
    assert final(steps) == "first|second|venv|cmd"
    again = steps_of(mixed(ws, project, venv, second_kernel).submit("mixed"))
    assert all(s.is_reused for s in again.values())


@pytest.mark.dask
def test_the_mixed_pipeline_on_dask_gives_the_same_outputs_and_shares_reuse(
        ws, project, venv, second_kernel):
    pytest.importorskip("distributed")
    local = steps_of(mixed(ws, project, venv, second_kernel).submit("mixed"))
    on_dask = steps_of(mixed(ws, project, venv, second_kernel).submit(
        "mixed", executor="dask", regenerate_outputs=True))
    assert not any(s.is_reused for s in on_dask.values())
    assert final(on_dask) == final(local) == "first|second|venv|cmd"
    back = steps_of(mixed(ws, project, venv, second_kernel).submit("mixed"))
    assert all(s.is_reused for s in back.values())
    run_ids = {s.reused_from for s in back.values()}
    assert len(run_ids) == 1 and run_ids != {local["first"].reused_from}   # the Dask run's
