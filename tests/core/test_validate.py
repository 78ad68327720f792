import pytest

from pipeline_widget import NotebookStep, Pipeline, PipelineData, PythonScriptStep
from tests.conftest import write_notebook, write_script


@pytest.fixture
def nb(project):
    return write_notebook(project / "steps" / "s.ipynb", "x = 1", "pass")


def codes(pipeline):
    return [p.code for p in pipeline.validate()]


def test_a_valid_pipeline_has_no_problems(ws, nb):
    a = PipelineData("a")
    p = Pipeline(ws, [NotebookStep("one", nb, outputs=[a]), NotebookStep("two", nb, inputs=[a])])
    assert p.validate() == []


def test_listing_the_last_step_pulls_in_its_producers(ws, nb):
    a, b = PipelineData("a"), PipelineData("b")
    s1 = NotebookStep("one", nb, outputs=[a])
    s2 = NotebookStep("two", nb, inputs=[a], outputs=[b])
    s3 = NotebookStep("three", nb, inputs=[b])
    p = Pipeline(ws, [s3])
    assert [s.name for s in p.steps] == ["one", "two", "three"]
    assert p.upstream() == {"one": [], "two": ["one"], "three": ["two"]}


def test_cycle_names_the_steps(ws, nb):
    a, b = PipelineData("a"), PipelineData("b")
    s1 = NotebookStep("one", nb, inputs=[b], outputs=[a])
    s2 = NotebookStep("two", nb, inputs=[a], outputs=[b])
    problems = Pipeline(ws, [s1, s2]).validate()
    cycle = [p for p in problems if p.code == "cycle"]
    assert cycle and "'one'" in cycle[0].message and "'two'" in cycle[0].message
    assert set(cycle[0].steps) == {"one", "two"}


def test_data_read_but_never_written(ws, nb):
    ghost = PipelineData("ghost")
    problems = Pipeline(ws, [NotebookStep("reader", nb, inputs=[ghost])]).validate()
    assert [p.code for p in problems] == ["unproduced_data"]
    assert "ghost" in problems[0].message and problems[0].data == ("ghost",)


def test_data_written_by_two_steps(ws, nb):
    a = PipelineData("a")
    p = Pipeline(ws, [NotebookStep("one", nb, outputs=[a]), NotebookStep("two", nb, outputs=[a])])
    problems = p.validate()
    assert [x.code for x in problems] == ["two_producers"]
    assert problems[0].steps == ("one", "two")


def test_unused_outputs_are_allowed(ws, nb):
    assert Pipeline(ws, [NotebookStep("one", nb, outputs=[PipelineData("spare")])]).validate() == []


def test_pipeline_data_in_arguments_but_not_declared(ws, project):
    write_script(project / "steps" / "s.py", "pass")
    a = PipelineData("a")
    step = PythonScriptStep(name="s", script_name="s.py", source_directory=project / "steps",
                            arguments=["--out", a])
    assert codes(Pipeline(ws, [step])) == ["argument_not_declared"]


def test_two_steps_with_one_name(ws, nb):
    assert codes(Pipeline(ws, [NotebookStep("same", nb), NotebookStep("same", nb)])) == ["duplicate_step"]


def test_missing_notebook_and_script(ws, project):
    s1 = NotebookStep("nb", project / "nope.ipynb")
    s2 = PythonScriptStep(name="py", script_name="nope.py", source_directory=project)
    problems = Pipeline(ws, [s1, s2]).validate()
    assert [p.code for p in problems] == ["missing_source", "missing_source"]
    assert "nope.ipynb" in problems[0].message and "nope.py" in problems[1].message


def test_invalid_notebook(ws, project):
    bad = project / "bad.ipynb"
    bad.write_text('{"cells": "not a list"}')
    assert codes(Pipeline(ws, [NotebookStep("bad", bad)])) == ["bad_notebook"]
    bad.write_text("not json")
    assert codes(Pipeline(ws, [NotebookStep("bad", bad)])) == ["bad_notebook"]


def test_empty_pipeline(ws):
    assert codes(Pipeline(ws, [])) == ["empty"]


def test_two_pipeline_data_objects_with_one_name(ws, nb):
    s1 = NotebookStep("one", nb, outputs=[PipelineData("a")])
    s2 = NotebookStep("two", nb, outputs=[PipelineData("a")])
    assert "duplicate_data" in codes(Pipeline(ws, [s1, s2]))


def test_a_pipeline_data_name_longer_than_a_folder_name_may_be_is_refused(ws, nb, project):
    import os

    limit = os.pathconf(project, "PC_NAME_MAX")
    fits, too_long = PipelineData("a" * limit), PipelineData("b" * (limit + 1))
    assert codes(Pipeline(ws, [NotebookStep("one", nb, outputs=[fits])])) == []
    problems = Pipeline(ws, [NotebookStep("one", nb, outputs=[too_long]),
                             NotebookStep("two", nb, inputs=[too_long])]).validate()
    assert [p.code for p in problems] == ["long_name"]
    assert f"at most {limit} bytes" in problems[0].message and "shorten it" in problems[0].message
    assert problems[0].steps == ("one",) and problems[0].data == (too_long.name,)


def test_a_special_file_as_a_dataset_is_refused(ws, nb, project):
    import os

    from pipeline_widget import Dataset

    fifo = project / "data.fifo"
    os.mkfifo(fifo)
    folder = project / "data"
    (folder / "part").mkdir(parents=True)
    (folder / "a.csv").write_text("a\n1\n")
    os.symlink(os.devnull, folder / "null.csv")
    for path, named in ((fifo, fifo), (folder, folder / "null.csv"), (os.devnull, os.devnull)):
        step = NotebookStep("one", nb, inputs=[Dataset(str(path)).as_named_input("raw")])
        problems = Pipeline(ws, [step]).validate()
        assert [p.code for p in problems] == ["special_dataset"], problems
        assert str(named) in problems[0].message
        assert "regular files or folders" in problems[0].message
    os.remove(folder / "null.csv")
    os.mkfifo(folder / "part" / "b.csv")
    step = NotebookStep("one", nb, inputs=[Dataset(str(folder)).as_named_input("raw")])
    (problem,) = Pipeline(ws, [step]).validate()
    assert str(folder / "part" / "b.csv") in problem.message and "FIFO" in problem.message


def test_the_file_system_is_asked_its_name_limit_once_per_folder_not_per_data(ws, nb,
                                                                              monkeypatch):
    from pipeline_widget.core import validation

    asked = []
    real = validation.name_max
    monkeypatch.setattr(validation, "name_max", lambda folder: asked.append(folder) or
                        real(folder))
    data = [PipelineData(f"d{i}") for i in range(5)]
    steps = [NotebookStep(f"s{i}", nb, outputs=[d]) for i, d in enumerate(data)]
    assert Pipeline(ws, steps).validate() == []
    assert len(asked) == 1   # all five in the default datastore: one folder
