"""Ploomber projects import into .pipeline.json files whose notebooks run unchanged, given
the `upstream` and `product` values Ploomber injects, pointing into PipelineData folders."""
from __future__ import annotations

import json

import pytest

from pipeline_widget import Pipeline, Workspace

from .conftest import outputs

# What `ploomber build` leaves for the fixture (checked against Ploomber itself in
# test_in_their_runners.py when it can be installed).
PLOOMBER_SUMMARY = "5 made, 4 kept, sum 30\n"
PLOOMBER_CLEAN = "x,y\n1,1\n2,4\n3,9\n4,16\n"


def test_ploomber_project_imports_with_its_tasks_upstream_and_products(copy_project, cli):
    project = copy_project("ploomber")
    code, out, err = cli("--workspace", project, "import", project / "pipeline.yaml")
    assert code == 0, err
    assert "turned into notebooks" in out and "product 'nb'" in out
    pipeline = Pipeline.load(project / "pipeline.pipeline.json", workspace=Workspace(project))
    upstream = {n: sorted(u) for n, u in pipeline.upstream().items()}
    assert upstream == {"get": [], "clean": ["get"], "summarize": ["clean", "get"]}
    clean = pipeline.step("clean")
    assert clean.parameters == {"limit": 16}   # params from pipeline.yaml
    injected = json.loads(clean.environment["PIPELINE_WIDGET_INJECT"])
    # env.yaml's {{data_folder}} and the built-in {{root}} filled in, paths into the folders
    assert injected["upstream"] == {"get": {
        "nb": "pipeline_data://get_product/products/get.ipynb",
        "data": "pipeline_data://get_product/products/data/get.csv"}}
    assert injected["product"]["data"] == "pipeline_data://clean_product/products/data/clean.csv"
    assert pipeline.step("get").notebook == project / "tasks" / "get.ipynb"   # run as it is
    generated = pipeline.step("summarize").notebook
    cells = json.loads(generated.read_text())["cells"]
    assert [c["cell_type"] for c in cells] == ["markdown", "code", "code", "code"]
    assert cells[2]["metadata"]["tags"] == ["parameters"]


def test_imported_ploomber_project_runs_with_the_outputs_ploomber_gives(copy_project, cli):
    project = copy_project("ploomber")
    assert cli("--workspace", project, "import", project / "pipeline.yaml")[0] == 0
    code, out, err = cli("--workspace", project, "run", project / "pipeline.pipeline.json")
    assert code == 0, out + err
    found = outputs(project)
    assert found["summarize_product"] == {"products/summary.txt": PLOOMBER_SUMMARY}
    assert found["clean_product"]["products/data/clean.csv"] == PLOOMBER_CLEAN
    assert not (project / "products").exists()   # nothing written where Ploomber would
    code, out, err = cli("--workspace", project, "run", project / "pipeline.pipeline.json")
    assert code == 0 and "3 reused" in out


@pytest.mark.parametrize("spec, message", [
    ("tasks:\n  - source: tasks.get\n    product: out.csv\n", "not a notebook or a script"),
    ("tasks:\n  - source: tasks/get.ipynb\n    product: '{{nowhere}}/x.csv'\n",
     "placeholder {{nowhere}} is not defined"),
    ("tasks:\n  - source: ../../x.ipynb\n    product: x.ipynb\n", "leads outside the project"),
    ("tasks:\n  - source: tasks/get.ipynb\n    product: ../x.csv\n", "outside the project folder"),
    ("tasks:\n  - source: tasks/clean.py\n    product: {nb: a.ipynb, data: a.csv}\n",
     "declares upstream 'get', which is no task"),
    ("tasks:\n  - source: tasks/get.ipynb\n    product: x.csv\n    params: {product: 1}\n",
     "may not set 'product'"),
    ("tasks: 3\n", "needs a list of 'tasks'"),
    ("tasks: [\n", "not valid YAML"),
])
def test_bad_ploomber_specs_are_refused_naming_the_problem(copy_project, cli, spec, message):
    project = copy_project("ploomber")
    (project / "pipeline.yaml").write_text(spec)
    code, out, err = cli("--workspace", project, "import", project / "pipeline.yaml")
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not (project / "pipeline.pipeline.json").exists()


def test_a_notebook_made_from_a_script_is_remade_but_no_other_file_is_replaced(copy_project, cli):
    project = copy_project("ploomber")
    assert cli("--workspace", project, "import", project / "pipeline.yaml")[0] == 0
    made = project / "ploomber.notebooks" / "clean.ipynb"
    assert made.is_file()
    assert cli("--workspace", project, "import", project / "pipeline.yaml", "--force")[0] == 0
    made.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    code, _, err = cli("--workspace", project, "import", project / "pipeline.yaml", "--force")
    assert code == 2 and "was not made from clean.py" in err
    assert json.loads(made.read_text())["cells"] == []
