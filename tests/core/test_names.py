import pytest

from pipeline_widget import NotebookStep, PipelineData, PipelineError, PipelineParameter
from pipeline_widget.core.names import step_slug


@pytest.mark.parametrize("name", ["prepped", "_x", "a1", "Model_2"])
def test_identifier_names_are_accepted(name):
    assert PipelineData(name).name == name


@pytest.mark.parametrize("name", ["a-b", "1abc", "a/b", "..", "", "a b", "class", None])
def test_bad_pipeline_data_names_are_refused_with_the_rule(name):
    with pytest.raises(PipelineError) as err:
        PipelineData(name)
    assert "[A-Za-z_][A-Za-z0-9_]*" in str(err.value) or "keyword" in str(err.value)


def test_pipeline_parameter_names_follow_the_same_rule():
    with pytest.raises(PipelineError, match=r"\[A-Za-z_\]"):
        PipelineParameter("learning-rate", 0.1)


@pytest.mark.parametrize("name", ["a/b", "a\\b", "..", "x..y", "tab\there", "nl\n", ""])
def test_bad_step_names_are_refused(tmp_path, name):
    with pytest.raises(PipelineError):
        NotebookStep(name, tmp_path / "x.ipynb")


def test_step_names_may_hold_spaces_and_never_become_raw_folder_names():
    assert NotebookStep("prepare data", "x.ipynb").name == "prepare data"
    slug = step_slug("prepare data")
    assert " " not in slug and slug.startswith("prepare_data-")
    assert step_slug("a b") != step_slug("a_b")  # distinct names, distinct folders
