"""A notebook's parameters cell is read without papermill, and reads as papermill's
`inspect_notebook` reads it: names, types, defaults and help, typed, commented and multi-line."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import papermill
import pytest

from pipeline_widget.core.errors import PipelineError
from pipeline_widget.run.parameters_cell import notebook_parameters, read_parameters_cell

REPO = Path(__file__).resolve().parents[2]

CELLS = {
    "typed": 'alpha: float = 0.5  # the learning rate\nn: int = 3\nname: "str" = "x"  # quoted\n'
             'flag: bool = True\nratio = 0.1\nnothing = None\n',
    "type comments": "epochs = 10  # type: int how long to train\nlabel = 'a'  # type: str\n"
                     "# a comment line\n\nplain = 'b'  # only help\n",
    "multi-line": "# Parameters\nlayers = [\n    16,  # first\n    32,\n]  # the sizes\n"
                  "options: dict = {\n  'a': 1,\n  'b': [2, 3],\n}\nafter = 'x'\n",
    "odd lines": "a = b = 1\nwhere = 'k=v'\nprint('hello')\nx=1#no spaces\n_private = 2\n"
                 "twice = 1\ntwice = 2  # again\n",
    "empty value": "empty =\nlast = 5",
}


def notebook(path: Path, source: str | list[str], *, tag: bool = True,
             kernel: str | None = "python3", language: str | None = "python") -> Path:
    meta: dict = {}
    if kernel:
        meta["kernelspec"] = {"name": kernel, "display_name": kernel}
    if language:
        meta["language_info"] = {"name": language}
    cells = [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": "# title"},
             {"cell_type": "code", "id": "b", "metadata": {"tags": ["parameters"] if tag else []},
              "source": source, "outputs": [], "execution_count": None},
             {"cell_type": "code", "id": "c", "metadata": {"tags": ["parameters"]},
              "source": "later = 1", "outputs": [], "execution_count": None}]
    path.write_text(json.dumps({"cells": cells, "metadata": meta, "nbformat": 4,
                                "nbformat_minor": 5}))
    return path


def as_papermill(path: Path) -> list[dict]:
    return list(papermill.inspect_notebook(str(path)).values())


def as_read(path: Path) -> list[dict]:
    return list({line.name: vars(line) for line in read_parameters_cell(str(path))}.values())


@pytest.mark.parametrize("name", sorted(CELLS))
def test_a_cell_reads_as_papermill_reads_it(tmp_path, name):
    path = notebook(tmp_path / "nb.ipynb", CELLS[name])
    assert as_read(path) == as_papermill(path)
    assert as_read(path)   # every case declares something


def test_a_source_as_a_list_of_lines_reads_the_same(tmp_path):
    lines = CELLS["multi-line"].splitlines(keepends=True)
    path = notebook(tmp_path / "nb.ipynb", lines)
    assert as_read(path) == as_papermill(path)


@pytest.mark.parametrize("source", ["steps/train_model.ipynb", "steps/evaluate_model.ipynb",
                                    "notebooks/Designer.ipynb", "notebooks/Seed_Example.ipynb"])
def test_the_repositorys_notebooks_read_as_papermill_reads_them(source):
    assert as_read(REPO / source) == as_papermill(REPO / source)


def test_the_declared_types_defaults_and_help(tmp_path):
    path = notebook(tmp_path / "nb.ipynb", CELLS["typed"] + CELLS["type comments"])
    found = {p.name: p for p in notebook_parameters(path)}
    assert (found["alpha"].type_name, found["alpha"].default, found["alpha"].help) == \
        ("float", 0.5, "the learning rate")
    assert found["name"].type_name == "str" and found["name"].default == "x"
    assert found["ratio"].type_name == "float"          # from its literal
    assert found["nothing"].type_name == ""             # None says nothing
    assert found["epochs"].type_name == "int" and found["epochs"].help == "how long to train"


def test_a_name_set_twice_keeps_its_place_and_its_last_value(tmp_path):
    path = notebook(tmp_path / "nb.ipynb", "twice = 1\nother = 2\ntwice = 3\n")
    assert [(p.name, p.default) for p in notebook_parameters(path)] == \
        [("twice", 3), ("other", 2)]


def test_no_parameters_cell_is_no_parameters(tmp_path):
    path = notebook(tmp_path / "nb.ipynb", "x = 1", tag=False, kernel=None, language=None)
    path.write_text(path.read_text().replace('"parameters"', '"other"'))
    assert as_read(path) == as_papermill(path) == []
    assert notebook_parameters(path) == []


def test_other_languages_declare_nothing_as_with_papermill(tmp_path):
    path = notebook(tmp_path / "nb.ipynb", "x <- 1", kernel="ir", language="R")
    assert as_read(path) == as_papermill(path) == []


@pytest.mark.parametrize("kernel, language", [(None, "python"), ("python3", None),
                                              ("mystery", "cobol")])
def test_what_papermill_cannot_read_is_a_clear_error(tmp_path, kernel, language):
    path = notebook(tmp_path / "nb.ipynb", "x = 1", kernel=kernel, language=language)
    with pytest.raises(Exception):
        papermill.inspect_notebook(str(path))
    with pytest.raises(PipelineError, match="cannot read the parameters of nb.ipynb"):
        notebook_parameters(path)


def test_a_file_that_is_not_a_notebook_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text("{ not json")
    with pytest.raises(PipelineError, match="cannot read the parameters of broken.ipynb"):
        notebook_parameters(path)


def test_reading_parameters_imports_neither_papermill_nor_nbformat():
    code = ("import sys\nfrom pipeline_widget.run.parameters_cell import notebook_parameters\n"
            f"notebook_parameters({str(REPO / 'steps/train_model.ipynb')!r})\n"
            "print(sorted(m for m in ('papermill', 'nbformat') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
