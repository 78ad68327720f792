"""run.sweep: a grid counted without being built, walked lazily, its values checked before
the first run."""
import pytest

from pipeline_widget import NotebookStep, Pipeline, PipelineError, PipelineParameter
from pipeline_widget.run.sweep import Sweep
from tests.conftest import write_notebook


def test_a_sweep_is_counted_and_walked_without_building_its_grid():
    sweep = Sweep({f"p{i}": list(range(10)) for i in range(8)})
    assert sweep.count == 10 ** 8
    walk = iter(sweep)
    assert next(walk) == {f"p{i}": 0 for i in range(8)}
    assert next(walk) == {**{f"p{i}": 0 for i in range(7)}, "p7": 1}
    assert Sweep({}).count == 1 and list(Sweep({})) == [{}]


def test_a_value_that_one_combination_would_refuse_is_refused_before_any_run(ws, project):
    nb = write_notebook(project / "train.ipynb", "alpha = 0.1\nseed = 1", "pass")
    step = NotebookStep("train", nb, parameters={"alpha": PipelineParameter("alpha", 0.1),
                                                 "seed": PipelineParameter("seed", 1)})
    pipeline = Pipeline(ws, [step])
    Sweep({"seed": [1, 2], "alpha": [0.5, 0.9]}).check(pipeline, {})
    with pytest.raises(PipelineError) as err:
        Sweep({"seed": [1, 2], "alpha": [0.5, "abc"]}).check(pipeline, {})
    assert "alpha='abc'" in str(err.value) and "float" in str(err.value)
    with pytest.raises(PipelineError, match="no pipeline parameter 'beta'"):
        Sweep({"beta": [1]}).check(pipeline, {})
    assert not ws.runs_dir.exists()
