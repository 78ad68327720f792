"""The step-kind seam: each kind owns its fields, schema branch and runner; a new kind is a
class and a runner, nothing else."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline_widget import CommandStep, Pipeline, PipelineData, PipelineError, PythonScriptStep
from pipeline_widget.core import schema
from pipeline_widget.core.editing import repoint, set_environment, set_interpreter, set_kernel
from pipeline_widget.core.steps import Step, kinds
from tests.conftest import write_notebook, write_script


def test_the_published_schema_is_the_one_the_kinds_build():
    """Regenerate with `python -m pipeline_widget.core.schema` after changing a kind."""
    assert json.loads(schema.PUBLISHED_PATH.read_text()) == schema.build()
    branches = {b["properties"]["type"]["const"] for b in schema.build()["definitions"]["step"]["oneOf"]}
    assert {"notebook", "python_script", "command"} <= branches


def test_a_command_step_round_trips_through_the_file(ws, project):
    write_script(project / "steps" / "report.sh", "echo hi > \"$1/r.txt\"\n")
    report = PipelineData("report")
    step = CommandStep(name="report", command="bash report.sh {report}",
                       source_directory=project / "steps", outputs=[report],
                       environment={"MODE": "fast", "TOKEN": "${API_TOKEN}"})
    path = project / "p.pipeline.json"
    Pipeline(ws, [step], name="p").save(path)
    saved = json.loads(path.read_text())["steps"][0]
    assert saved["type"] == "command" and saved["command"] == "bash report.sh {report}"
    assert saved["environment"] == {"MODE": "fast", "TOKEN": "${API_TOKEN}"}
    before = path.read_bytes()
    loaded = Pipeline.load(path, workspace=ws)
    loaded.save(path)
    assert path.read_bytes() == before
    assert loaded.steps[0].source == project / "steps" / "report.sh"


def test_a_command_naming_no_input_or_output_is_refused_by_validation(ws, project):
    (project / "steps").mkdir()
    step = CommandStep(name="c", command="bash x.sh {nothing}", source_directory=project / "steps")
    problems = Pipeline(ws, [step], name="p").validate()
    assert any("{nothing}" in p.message and "none of its inputs" in p.message for p in problems)


def test_environment_names_and_values_are_checked():
    with pytest.raises(PipelineError, match="environment variable name '1BAD'"):
        CommandStep(name="c", command="true", environment={"1BAD": "x"})
    with pytest.raises(PipelineError, match="must be text"):
        CommandStep(name="c", command="true", environment={"OK": ["x"]})


def test_editing_asks_the_kind_not_its_type(ws, project):
    nb = write_notebook(project / "n.ipynb", "x = 1", "pass")
    script = write_script(project / "s.py", "pass\n")
    out = PipelineData("out")
    from pipeline_widget import NotebookStep

    pipeline = Pipeline(ws, [NotebookStep("n", nb, outputs=[out], parameters={"x": 2})], name="p")
    set_environment(pipeline.model if hasattr(pipeline, "model") else pipeline, "n", {"A": "1"})
    set_kernel(pipeline, "n", "python3")
    with pytest.raises(PipelineError, match="only scripts take an interpreter"):
        set_interpreter(pipeline, "n", "python3")
    new = repoint(pipeline, "n", script)
    assert isinstance(new, PythonScriptStep)
    assert new.environment == {"A": "1"}
    assert new.arguments == ["--out", out]      # a script learns its folders from arguments
    with pytest.raises(PipelineError, match="runs in no kernel"):
        set_kernel(pipeline, "n", "python3")


def echo_kind() -> type[Step]:
    """A kind defined outside the package (registered when defined, as a plug-in's is)."""
    class EchoStep(Step):
        """A kind defined outside the package: it must need nothing but itself and a runner."""

        kind = "echo_test"
        noun = "echo"
        fields_schema: dict[str, Any] = {"text": {"type": "string"}}
        required_fields = ("text",)

        def __init__(self, *, name: str, text: str, folder: Path, outputs=None, **common: Any) -> None:
            super().__init__(name, common.pop("inputs", None), outputs,
                             common.pop("allow_reuse", True), common.pop("timeout", None),
                             common.pop("dependencies", None), common.pop("retries", None),
                             common.pop("environment", None))
            self.text, self.folder = text, folder

        @property
        def source(self) -> Path:
            return self.folder / "echo.txt"

        def pipeline_parameters(self):
            return []

        def identity(self, values):
            return {"text": self.text}

        def inject(self, values):
            return {}, [values.data(o.name) for o in self.outputs]

        def to_fields(self, rel, ref):
            return {"text": self.text, "folder": rel(self.folder)}

        @classmethod
        def from_fields(cls, s, common, absolute, refs):
            return cls(text=s["text"], folder=absolute(s.get("folder", ".")), **common)


    EchoStep.fields_schema = {"text": {"type": "string"}, "folder": {"$ref": "#/definitions/path"}}
    return EchoStep


def test_a_new_kind_needs_only_its_class_and_a_runner(ws, project):
    EchoStep = echo_kind()
    from pipeline_widget.run.status import Status
    from pipeline_widget.run.step import runners
    from pipeline_widget.run.step.outcome import StepOutcome

    def run_echo(plan, cancel, kernel, on_cell):
        for folder in plan.arguments:
            Path(folder, "echo.txt").write_text("echoed")
        return StepOutcome(Status.FINISHED, 0.0, 0.0, traced=False)   # no Python ran

    runners.register("echo_test", run_echo)
    (project / "echo.txt").write_text("code")
    try:
        out = PipelineData("out")
        path = project / "e.pipeline.json"
        Pipeline(ws, [EchoStep(name="e", text="hi", folder=project, outputs=[out])],
                 name="e").save(path)
        assert "echo_test" in kinds()
        loaded = Pipeline.load(path, workspace=ws)
        run = loaded.submit("e")
        assert run.wait_for_completion(show_output=False) == "Finished", run.get_steps()
        assert (Path(run.get_step("e").outputs["out"]) / "echo.txt").read_text() == "echoed"
        again = Pipeline.load(path, workspace=ws).submit("e")
        assert again.wait_for_completion(show_output=False) == "Finished"
        assert again.get_step("e").is_reused
    finally:
        Step.KINDS.pop("echo_test", None)
        runners._runners.pop("echo_test", None)
