"""Ploomber projects (`pipeline.yaml`), in, and back out for projects imported from it.

Each task whose source is a notebook (`.ipynb`) or a percent-format script run as a
notebook (`.py` with `# %%` cells) becomes a NotebookStep. Its `product` becomes an output
PipelineData named after the task, and the notebook gets, as parameters, the values
Ploomber injects: `product` (a path, or a dict of named paths) pointing into that
folder, and `upstream` (task name -> that task's product) pointing into the folders of
the tasks named in the notebook's parameters cell (`upstream = ['get']`, a dict of
names, or None), as Ploomber injects them (whatever type the cell declares: they come
through the step's environment, `PIPELINE_WIDGET_INJECT`). Paths are written `pipeline_data://NAME/PATH`
(run/step/data_references.py) and become this run's folders when the step runs.
`{{placeholders}}` are filled from `env.yaml` beside the spec and Ploomber's built-ins
(`here`, `root`, `cwd`, `user`, `now`).

A percent-format script is turned into a notebook beside the imported pipeline
(`NAME.notebooks/TASK.ipynb`): import again after changing the script.

What the export back needs (each task's source and product as written, the project's
folder) is kept in the file itself, in the `ploomber` extensions of the pipeline and of
each step (core/extensions.py), which the runner ignores.
"""
from __future__ import annotations

import ast
import datetime
import fnmatch
import getpass
import json
import os
import re
from pathlib import Path
from typing import Any

from ..core import atomic
from ..core.errors import PipelineError
from ..core.names import step_name_problem
from ..core.pipeline import PipelineModel
from ..core.pipeline_data import PipelineData
from ..core.steps import NotebookStep
from ..core.workspace import Workspace
from .registry import Exporter, Imported, Importer
from .shared import check_inside, identifier, unique

SCHEME = "pipeline_data://"   # run/step/data_references.py resolves it
INJECT = "PIPELINE_WIDGET_INJECT"   # ...and merges these parameters in when the step runs
NAMESPACE = "ploomber"   # of the extensions the import keeps and the export reads
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}")
_CELL = re.compile(r"^# %%(.*)$")


def claims(path: Path) -> bool:
    return path.suffix in (".yaml", ".yml") and path.name.startswith("pipeline")


def _yaml(path: Path, what: str) -> Any:
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PipelineError(f"{path} not found; check the path") from None
    except (OSError, UnicodeDecodeError) as err:
        raise PipelineError(f"cannot read {path}: {err}") from None
    except yaml.YAMLError as err:
        raise PipelineError(f"{path.name} is not valid YAML ({err}); fix the {what}") from None


def _placeholders(path: Path) -> dict[str, Any]:
    here = path.parent
    values: dict[str, Any] = {"here": str(here), "root": str(here), "cwd": str(here),
                              "user": getpass.getuser(),
                              "now": datetime.datetime.now().isoformat(timespec="seconds")}
    env_file = here / f"env{'.' + path.stem.partition('.')[2] if '.' in path.stem else ''}.yaml"
    if not env_file.is_file():
        env_file = here / "env.yaml"
    if env_file.is_file():
        env = _yaml(env_file, "environment file")
        if env is not None and not isinstance(env, dict):
            raise PipelineError(f"{env_file.name} must map names to values")
        values.update(env or {})
    return values


def _filled(value: Any, values: dict[str, Any], where: str) -> Any:
    if isinstance(value, dict):
        return {k: _filled(v, values, where) for k, v in value.items()}
    if isinstance(value, list):
        return [_filled(v, values, where) for v in value]
    if not isinstance(value, str):
        return value

    def one(match: re.Match) -> str:
        found: Any = values
        for part in match.group(1).split("."):
            if not isinstance(found, dict) or part not in found:
                raise PipelineError(f"{where}: placeholder {{{{{match.group(1)}}}}} is not "
                                    f"defined; add it to env.yaml beside pipeline.yaml")
            found = found[part]
        return str(found)
    return _PLACEHOLDER.sub(one, value)


def _percent_cells(text: str) -> list[dict[str, Any]]:
    """A percent-format script's cells (as jupytext reads them)."""
    cells: list[dict[str, Any]] = []
    current: list[str] = []
    header: str | None = None

    def close() -> None:
        if header is None and not "".join(current).strip():
            return
        tags: list[str] = []
        kind = "code"
        if header is not None:
            found = re.search(r"tags\s*=\s*(\[[^\]]*\])", header)
            if found:
                try:
                    tags = [str(t) for t in ast.literal_eval(found.group(1))]
                except (ValueError, SyntaxError):
                    tags = []
            if "[markdown]" in header:
                kind = "markdown"
        source = "".join(current).strip("\n")
        if kind == "markdown":
            source = "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#")
                               for line in source.splitlines())
            cells.append({"cell_type": "markdown", "metadata": {}, "source": source})
        else:
            cells.append({"cell_type": "code", "metadata": {"tags": tags} if tags else {},
                          "source": source, "outputs": [], "execution_count": None})

    for line in text.splitlines(keepends=True):
        match = _CELL.match(line.rstrip("\n"))
        if match:
            close()
            header, current = match.group(1), []
        else:
            current.append(line)
    close()
    return cells


def _notebook_cells(path: Path) -> list[dict[str, Any]]:
    try:
        if path.suffix == ".ipynb":
            nb = json.loads(path.read_text(encoding="utf-8"))
            return [c for c in nb.get("cells", []) if isinstance(c, dict)]
        return _percent_cells(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PipelineError(f"task source {path} not found; check 'source' in "
                            f"pipeline.yaml") from None
    except (OSError, ValueError, AttributeError) as err:
        raise PipelineError(f"cannot read task source {path}: {err}") from None


def _upstream(cells: list[dict[str, Any]], source: Path) -> list[str]:
    """The task names the parameters cell declares in `upstream` (a list, a dict's keys, or
    None)."""
    for cell in cells:
        tags = (cell.get("metadata") or {}).get("tags") or []
        if cell.get("cell_type") != "code" or "parameters" not in tags:
            continue
        text = cell.get("source", "")
        text = "".join(text) if isinstance(text, list) else text
        try:
            tree = ast.parse(text)
        except SyntaxError as err:
            raise PipelineError(f"{source.name}: the parameters cell does not parse ({err}); "
                                f"fix it") from None
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "upstream" for t in node.targets):
                try:
                    value = ast.literal_eval(node.value)
                except ValueError:
                    raise PipelineError(f"{source.name}: upstream must be a list of task "
                                        f"names, a dict or None, written as a literal") from None
                if value is None:
                    return []
                if isinstance(value, dict):
                    return [str(k) for k in value]
                if isinstance(value, (list, tuple)):
                    return [str(v) for v in value]
                raise PipelineError(f"{source.name}: upstream is {value!r}; give a list of "
                                    f"task names, a dict or None")
        return []
    raise PipelineError(f"{source.name} has no cell tagged 'parameters'; Ploomber needs one "
                        f"(with upstream and product): add it")


def _product_refs(product: Any, data: str, here: Path, task: str) -> Any:
    """A product (a path or a dict of paths) as references into PipelineData `data`."""
    if isinstance(product, dict):
        return {str(k): _product_refs(v, data, here, task) for k, v in product.items()}
    if not isinstance(product, str) or not product.strip():
        raise PipelineError(f"task {task!r}: product {product!r} is not a file path; "
                            f"give a path or a dict of paths")
    path = Path(product)
    if path.is_absolute():
        try:
            path = path.relative_to(here)
        except ValueError:
            raise PipelineError(f"task {task!r}: product {product!r} is outside the project "
                                f"folder {here}; give a path inside it") from None
    if ".." in path.parts:
        raise PipelineError(f"task {task!r}: product {product!r} leads outside the project "
                            f"folder; give a path inside it without '..'")
    return f"{SCHEME}{data}/{path.as_posix()}"


def read(path: Path, workspace: Workspace, out_dir: Path) -> Imported:
    path = path.absolute()
    spec = _yaml(path, "pipeline spec")
    tasks = spec.get("tasks") if isinstance(spec, dict) else None
    if not isinstance(tasks, list) or not tasks:
        raise PipelineError(f"{path.name} is not a Ploomber pipeline: it needs a list of "
                            f"'tasks' (each with a source and a product)")
    values = _placeholders(path)
    here = path.parent
    root = Path(workspace.path)
    notes: list[str] = []
    entries: list[dict[str, Any]] = []
    names: set[str] = set()
    for i, raw in enumerate(tasks):
        where = f"{path.name}: tasks[{i}]"
        if not isinstance(raw, dict) or "source" not in raw or "product" not in raw:
            raise PipelineError(f"{where} needs a 'source' and a 'product'")
        task = _filled(raw, values, where)
        source_text = str(task["source"])
        if not source_text.endswith((".ipynb", ".py")):
            raise PipelineError(f"{where}: source {source_text!r} is not a notebook or a "
                                f"script (a function, SQL or shell task runs only in Ploomber); "
                                f"pipeline-widget imports .ipynb and percent-format .py tasks")
        source = check_inside(root, here, source_text, f"{where}: source {source_text!r}")
        name = str(task.get("name") or source.stem)
        if name in names:
            raise PipelineError(f"{where}: two tasks are named {name!r}; give one a 'name'")
        if step_name_problem(name):
            raise PipelineError(f"{where}: {step_name_problem(name)}")
        names.add(name)
        params = task.get("params") or {}
        if not isinstance(params, dict):
            raise PipelineError(f"{where}: params must map names to values")
        for reserved in ("upstream", "product"):
            if reserved in params:
                raise PipelineError(f"{where}: params may not set {reserved!r} (Ploomber "
                                    f"injects it); rename the parameter")
        cells = _notebook_cells(source)
        entries.append({"name": name, "source": source, "product": task["product"],
                        "params": params, "cells": cells, "upstream": _upstream(cells, source)})
    idents: set[str] = set()
    data: dict[str, PipelineData] = {}
    for e in entries:
        data[e["name"]] = PipelineData(unique(identifier(e["name"]) + "_product", idents,
                                              sep="_"))
        idents.add(data[e["name"]].name)
    products = {e["name"]: _product_refs(e["product"], data[e["name"]].name, here, e["name"])
                for e in entries}
    nb_folder = out_dir / f"{identifier(path.parent.name or 'pipeline')}.notebooks"
    steps = []
    generated: list[str] = []
    for e in entries:
        ups: list[str] = []
        for pattern in e["upstream"]:
            matched = [n for n in products if fnmatch.fnmatchcase(n, pattern)] \
                if any(c in pattern for c in "*?[") else ([pattern] if pattern in products else [])
            if not matched:
                raise PipelineError(f"task {e['name']!r} declares upstream {pattern!r}, which "
                                    f"is no task of {path.name}; fix the parameters cell")
            ups.extend(m for m in matched if m not in ups)
        notebook = e["source"]
        if notebook.suffix == ".py":
            notebook = nb_folder / f"{identifier(e['name'])}.ipynb"
            generated.append(str(notebook))
            _write_notebook(notebook, e["cells"], e["source"])
        if "nb" in (e["product"] if isinstance(e["product"], dict) else {}):
            notes.append(f"task {e['name']!r}: its executed notebook is kept with the run "
                         f"(pipeline-widget show), not written to product 'nb'")
        injected = {"upstream": {u: products[u] for u in ups}, "product": products[e["name"]]}
        step = NotebookStep(name=e["name"], notebook=notebook,
                            inputs=[data[u] for u in ups], outputs=[data[e["name"]]],
                            parameters=dict(e["params"]),
                            environment={INJECT: json.dumps(injected)},
                            dependencies=[e["source"]] if notebook != e["source"] else None)
        step.extensions = {NAMESPACE: {
            "source": Path(os.path.relpath(e["source"], here)).as_posix(),
            "product": _relative_product(e["product"], here), "named": e["name"] != e["source"].stem}}
        steps.append(step)
    if generated:
        notes.append(f"{len(generated)} percent-format script(s) turned into notebooks in "
                     f"{nb_folder}: import again after changing them")
    # the project's folder, relative to the pipeline file's (out_dir), so both may move
    folder = Path(os.path.relpath(here, out_dir)).as_posix()
    pipeline = PipelineModel(workspace, steps, name=identifier(here.name or "pipeline"),
                             extensions={NAMESPACE: {"source": path.name, "folder": folder}})
    return Imported(pipeline, notes)


def _relative_product(product: Any, here: Path) -> Any:
    if isinstance(product, dict):
        return {k: _relative_product(v, here) for k, v in product.items()}
    path = Path(str(product))
    return os.path.relpath(path, here) if path.is_absolute() else path.as_posix()


# -- export ---------------------------------------------------------------------------------
def write(pipeline: PipelineModel, out: Path, options: dict[str, Any]) -> list[str]:
    """A pipeline.yaml for an imported Ploomber project: its tasks, with the parameters the
    steps have now; paths relative to the new file's folder."""
    import yaml

    project = pipeline.extensions.get(NAMESPACE)
    if not project:
        raise PipelineError(f"{pipeline.name} was not imported from Ploomber: its steps have no "
                            f"products; Ploomber export writes back imported projects only")
    here = Path(os.path.normpath(pipeline.base_dir / str(project.get("folder") or ".")))

    def moved(path: str) -> str:
        return Path(os.path.relpath(here / path, out.parent)).as_posix()

    def products(product: Any) -> Any:
        return {k: products(v) for k, v in product.items()} if isinstance(product, dict) \
            else moved(str(product))

    tasks = []
    for name in pipeline.topological_order():
        task = pipeline.step(name).extensions.get(NAMESPACE)
        if not task:
            raise PipelineError(f"step {name!r} is no task of the imported project (renamed or "
                                f"added since); Ploomber needs its product: rename it back or "
                                f"import again")
        entry: dict[str, Any] = {"source": moved(task["source"]),
                                 "product": products(task["product"])}
        if task.get("named"):
            entry["name"] = name
        params = getattr(pipeline.step(name), "parameters", {})
        if params:
            entry["params"] = {k: v for k, v in params.items() if isinstance(
                v, (str, int, float, bool, list, dict, type(None)))}
        tasks.append(entry)
    atomic.write_text(out, yaml.safe_dump({"tasks": tasks}, sort_keys=False))
    return []


def _write_notebook(path: Path, cells: list[dict[str, Any]], source: Path) -> None:
    """The notebook made from a script; an earlier one made by an import is replaced, any
    other file of that name is refused (it may be someone's)."""
    if path.exists():
        try:
            made_from = json.loads(path.read_text(encoding="utf-8"))["metadata"][
                "pipeline_widget"]["from"]
        except (OSError, ValueError, KeyError, TypeError):
            made_from = None
        if made_from != source.name:
            raise PipelineError(f"{path} exists and was not made from {source.name} by an "
                                f"import; move it away, then import again")
    path.parent.mkdir(parents=True, exist_ok=True)
    nb: dict[str, Any] = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "language": "python",
                                                       "display_name": "Python 3"},
                                        "pipeline_widget": {"from": source.name}},
          "nbformat": 4, "nbformat_minor": 5}
    for i, cell in enumerate(cells):
        cell["id"] = f"cell-{i}"
    atomic.write_text(path, json.dumps(nb, indent=1) + "\n")


IMPORTER = Importer("ploomber", "a Ploomber pipeline.yaml", claims, read)
EXPORTER = Exporter("ploomber", "a Ploomber pipeline.yaml (imported projects)", write)
