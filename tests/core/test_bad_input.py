"""Bad pipeline files: each is refused with PipelineError and a message that names the culprit."""
import copy
import json

import pytest

from pipeline_widget import Pipeline, PipelineError, Workspace
from tests.conftest import write_notebook

VALID = {"schema_version": 1, "name": "p", "steps": [
    {"type": "notebook", "name": "prepare data", "notebook": "a.ipynb", "outputs": ["prepped"]},
    {"type": "notebook", "name": "train", "notebook": "b.ipynb", "inputs": [{"data": "prepped"}]}]}


@pytest.fixture
def load(project):
    write_notebook(project / "a.ipynb", "prepped = None", "pass")
    write_notebook(project / "b.ipynb", "prepped = None", "pass")

    def load_(data=None, text: str | None = None) -> Pipeline:
        path = project / "bad.pipeline.json"
        path.write_text(text if text is not None else json.dumps(data))
        return Pipeline.load(path, workspace=Workspace(project))

    return load_


def changed(edit) -> dict:
    data = copy.deepcopy(VALID)
    edit(data)
    return data


def test_the_valid_file_loads_and_validates(load):
    assert load(VALID).validate() == []


@pytest.mark.parametrize("text, message", [
    ("{not json", "not valid JSON (line 1"),
    ("", "not valid JSON"),
    ("\x00\x01", "not valid JSON"),
    ('"a string"', "holds a JSON object, not str"),
    ("[]", "holds a JSON object, not list"),
    ('{"steps": []}', "schema_version None is not supported"),
    ('{"schema_version": 2, "steps": []}', "schema_version 2 is not supported"),
    ('{"schema_version": "1", "steps": []}', "schema_version '1' is not supported"),
    ('{"schema_version": 1}', "'steps'"),
    ('{"schema_version": 1, "steps": {}}', "steps must be array"),
    ('{"schema_version": 1, "steps": [1]}', "steps[0]"),
    ('{"schema_version": 1, "steps": [{"type": "notebook", "name": "x"}]}', "steps[0]"),
])
def test_files_that_are_not_pipelines(load, text, message):
    with pytest.raises(PipelineError) as err:
        load(text=text)
    assert message in str(err.value) and "bad.pipeline.json" in str(err.value)


@pytest.mark.parametrize("name", ["a-b", "1abc", "a/b", "..", "", "with space", "class"])
@pytest.mark.parametrize("where", ["output", "input", "data"])
def test_pipeline_data_names_must_be_identifiers(load, name, where):
    def edit(d):
        if where == "output":
            d["steps"][0]["outputs"] = [name]
        elif where == "input":
            d["steps"][1]["inputs"] = [{"data": name}]
        else:
            d["data"] = {name: {}}
    with pytest.raises(PipelineError) as err:
        load(changed(edit))
    assert f"PipelineData name {name!r}" in str(err.value)


@pytest.mark.parametrize("name", ["a/b", "a\\b", "..", "../../etc", "x\ny", "tab\there", "nul\x00",
                                  "   ", "x" * 101])
def test_step_names_with_path_separators_dots_or_control_characters(load, name):
    with pytest.raises(PipelineError) as err:
        load(changed(lambda d: d["steps"][0].update(name=name)))
    assert "step" in str(err.value) and "name" in str(err.value)


def test_step_names_with_spaces_are_fine(load):
    assert load(changed(lambda d: d["steps"][1].update(name="train the  model"))).validate() == []


def problems(pipeline: Pipeline) -> dict[str, str]:
    return {p.code: p.message for p in pipeline.validate()}


def test_a_notebook_that_does_not_exist(load):
    pipeline = load(changed(lambda d: d["steps"][1].update(notebook="../elsewhere/missing.ipynb")))
    found = problems(pipeline)
    assert "missing.ipynb" in found["missing_source"] and "'train'" in found["missing_source"]
    with pytest.raises(PipelineError, match="missing.ipynb"):
        pipeline.check()


def test_a_cycle(load):
    def edit(d):
        d["steps"][0]["inputs"] = [{"data": "back"}]
        d["steps"][1]["outputs"] = ["back"]
    found = problems(load(changed(edit)))
    assert "cycle" in found and "'prepare data'" in found["cycle"] and "'train'" in found["cycle"]


def test_a_pipeline_data_with_two_producers(load):
    def edit(d):
        d["steps"][1]["inputs"] = []
        d["steps"][1]["outputs"] = ["prepped"]
    found = problems(load(changed(edit)))
    assert "'prepped'" in found["two_producers"] and "'train'" in found["two_producers"]


def test_an_empty_pipeline(load):
    pipeline = load(changed(lambda d: d.update(steps=[])))
    assert "no steps" in problems(pipeline)["empty"]


def test_a_parameter_binding_to_an_unknown_pipeline_parameter(load):
    edit = lambda d: d["steps"][0].update(parameter_bindings={"alpha": "alpha"})  # noqa: E731
    with pytest.raises(PipelineError, match="'alpha'.*add it there"):
        load(changed(edit))


def test_a_wrongly_typed_field_names_the_field(load):
    with pytest.raises(PipelineError, match=r"steps\[0\]\.timeout"):
        load(changed(lambda d: d["steps"][0].update(timeout=-1)))
    with pytest.raises(PipelineError, match=r"steps\[1\]\.allow_reuse"):
        load(changed(lambda d: d["steps"][1].update(allow_reuse="yes")))
