"""Each step in its own environment, from the properties panel: a kernel picker for notebooks
(installed kernelspecs; a saved one that is missing stays, marked), an interpreter for
scripts, environment variables for every step (a reference's value shown as ***), and the
command step added from the palette and edited like the others."""
from __future__ import annotations

import sys
from pathlib import Path

from pipeline_widget import Pipeline
from pipeline_widget.widget.kind_fields import installed_kernels, kernel_options
from tests.conftest import write_script
from tests.widget.conftest import add_step, click, link


def saved(designer, tmp: Path) -> dict:
    path = designer.save(tmp / "p.pipeline.json")
    return {s["name"]: s for s in Pipeline.load(path).to_dict()["steps"]}


def test_the_kernel_picker_lists_installed_kernels_and_keeps_a_missing_one(designer, project):
    kernels = installed_kernels()
    assert "python3" in kernels and kernels["python3"]   # name -> display name
    add_step(designer, "source.ipynb", "make")
    click(designer, "make")
    picker = designer.properties.kind_fields.fields["kernel_name"]
    assert "pw-prop-kernel" in picker._dom_classes
    assert ("" in picker.options[0][1:]) and any(v == "python3" and "python3" in label
                                                 for label, v in picker.options)
    picker.value = "python3"
    assert designer.pipeline.step("make").kernel_name == "python3"
    assert saved(designer, project)["make"]["kernel_name"] == "python3"
    designer.pipeline.step("make").kernel_name = "py311-ml"   # e.g. a file from elsewhere
    designer.refresh()
    click(designer, "make")
    picker = designer.properties.kind_fields.fields["kernel_name"]
    assert picker.value == "py311-ml"
    assert ("py311-ml (missing: not installed here)", "py311-ml") in picker.options
    assert designer.pipeline.step("make").kernel_name == "py311-ml"   # looking changes nothing
    assert kernel_options(None, {"a": "A"}) == [("(the notebook's own)", ""), ("A (a)", "a")]


def test_a_script_gets_an_interpreter_and_a_notebook_none(designer, steps_dir, project):
    add_step(designer, "tool.py", "tool")
    click(designer, "tool")
    fields = designer.properties.kind_fields.fields
    assert "interpreter" in fields and "kernel_name" not in fields
    fields["interpreter"].value = sys.executable
    assert designer.pipeline.step("tool").interpreter == sys.executable
    assert "interpreter" in saved(designer, project)["tool"]
    add_step(designer, "sink.ipynb", "read")
    click(designer, "read")
    assert "interpreter" not in designer.properties.kind_fields.fields


def test_environment_values_and_references_hidden_as_stars(designer, project, monkeypatch):
    monkeypatch.setenv("API_TOKEN", "s3cret-value")
    add_step(designer, "source.ipynb", "make")
    click(designer, "make")
    area = designer.properties.kind_fields.fields["environment"]
    area.value = "MODE=fast\nTOKEN=${API_TOKEN}"
    assert designer.pipeline.step("make").environment == {"MODE": "fast",
                                                         "TOKEN": "${API_TOKEN}"}
    shown = designer.properties.kind_fields.environment_view.value
    assert "fast" in shown and "***" in shown and "s3cret" not in shown
    assert saved(designer, project)["make"]["environment"]["TOKEN"] == "${API_TOKEN}"
    assert "s3cret" not in (project / "p.pipeline.json").read_text()
    area.value = "no equals sign"           # refused: the text stays, with the reason
    assert designer.message_is_error and "has no '='" in designer.message
    assert area.value == "no equals sign"
    assert "has no" in designer.properties.kind_fields.errors["environment"].value
    assert designer.pipeline.step("make").environment["MODE"] == "fast"


def test_a_command_step_from_the_palette_runs_and_is_edited_in_the_panel(designer, steps_dir,
                                                                          project):
    write_script(steps_dir / "report.sh", "test -f \"$1/table.csv\" && echo \"read $1\"\n")
    designer.refresh_sources()
    assert "report.sh" in {b.description for b in designer.palette.buttons.children[1:]}
    add_step(designer, "source.ipynb", "make")
    designer.palette.after.value = False
    designer.step_path.value = "bash report.sh {out}"
    designer.palette.kind_buttons["command"].click()
    assert designer.pipeline.step("report").kind == "command"    # named after its file
    assert designer.pipeline.step("report").source_directory == steps_dir
    click(designer, "report")
    fields = designer.properties.kind_fields.fields
    assert {"command", "source_directory", "environment"} <= set(fields)
    assert "arguments" not in designer.properties.fields and "kernel_name" not in fields
    link(designer, "make", "report", "out")
    click(designer, "report")
    fields = designer.properties.kind_fields.fields
    fields["command"].value = "bash report.sh {nothing}"      # a problem, listed
    assert any("{nothing}" in p.message for p in designer.problems)
    assert "report" in designer.problem_list.value
    fields["command"].value = "bash report.sh {out}"
    assert designer.pipeline.step("report").command == "bash report.sh {out}"
    assert [i.name for i in designer.pipeline.step("report").inputs] == ["out"]
    assert designer.problems == [] or all(p.warning for p in designer.problems), designer.problems
    run = designer.run()
    assert designer.wait(120) == "Finished", designer.message
    assert run.get_step("report").status.value == "Finished"
    on_disk = saved(designer, project)["report"]
    assert on_disk["type"] == "command" and on_disk["command"] == "bash report.sh {out}"
    designer.undo()
    assert designer.pipeline.step("report").command == "bash report.sh {nothing}"
