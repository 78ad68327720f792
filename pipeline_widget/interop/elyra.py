"""Elyra pipelines (pipeline-flow v3, `.pipeline` files of pipeline versions 7 and 8), in
and out.

Generic nodes map to steps: a notebook to a NotebookStep, a Python script to a
PythonScriptStep, an R script to a CommandStep (`Rscript FILE`), each in its file's
folder, as Elyra's local runtime runs them. `env_vars` become the step's environment
(with ELYRA_RUNTIME_ENV=local, as Elyra sets it); `dependencies` are watched for reuse;
links become PipelineData (one per node with dependents, `<node>_files`); declared
`outputs` are passed as files (run/step/file_passing.py): gathered into that PipelineData
and placed in the working folder of every step downstream, as Elyra's other runtimes do.
What has no meaning locally (runtime images, resources, volumes, secrets, Kubernetes
settings), node ids, labels, positions and comments are kept in the pipeline file itself,
in the `elyra` extensions of the pipeline and of each step (core/extensions.py), which the
runner ignores and the export gives back.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import uuid
from pathlib import Path
from typing import Any

from ..core import atomic
from ..core.environment import NAME_RULE
from ..core.errors import PipelineError
from ..core.names import step_name_problem
from ..core.pipeline import PipelineModel
from ..core.pipeline_data import PipelineData
from ..core.steps import CommandStep, NotebookStep, PythonScriptStep, Step
from ..core.workspace import Workspace
from .registry import Exporter, Imported, Importer
from .shared import check_inside, identifier, unique

FILES_VARIABLE = "PIPELINE_WIDGET_FILES"   # run/step/file_passing.py reads it
NAMESPACE = "elyra"   # of the extensions the import keeps and the export reads
RUNTIME_ENV = "ELYRA_RUNTIME_ENV"
SCHEMA_URL = ("http://api.dataplatform.ibm.com/schemas/common-pipeline/pipeline-flow/"
              "pipeline-flow-v3-schema.json")
CURRENT_VERSION = 8
OPS = {"execute-notebook-node": "notebook", "execute-python-node": "python",
       "execute-r-node": "r"}
# component parameters that only a container runtime uses: kept, reported, given back
IGNORED_LOCALLY = ("runtime_image", "cpu", "gpu", "memory", "cpu_limit", "memory_limit",
                   "gpu_vendor", "mounted_volumes", "kubernetes_secrets",
                   "kubernetes_tolerations", "kubernetes_pod_annotations",
                   "kubernetes_pod_labels", "kubernetes_shared_mem_size",
                   "disable_node_caching", "include_subdirectories", "pipeline_parameters")
_ENV_NAME = re.compile(rf"^{NAME_RULE}$")


# -- import ---------------------------------------------------------------------------------
def claims(path: Path) -> bool:
    return path.suffix == ".pipeline"


def _load(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PipelineError(f"{path} not found; check the path") from None
    except (OSError, UnicodeDecodeError) as err:
        raise PipelineError(f"cannot read {path}: {err}") from None
    except ValueError as err:
        raise PipelineError(f"{path.name} is not valid JSON ({err}); is it an Elyra "
                            f".pipeline file?") from None
    if not isinstance(doc, dict) or doc.get("doc_type") != "pipeline" \
            or not isinstance(doc.get("pipelines"), list):
        raise PipelineError(f"{path.name} is not an Elyra pipeline (pipeline-flow v3 with "
                            f"doc_type 'pipeline' and a list of pipelines); open and save it "
                            f"in Elyra's pipeline editor")
    if str(doc.get("version")) != "3.0":
        raise PipelineError(f"{path.name}: pipeline-flow version {doc.get('version')!r} is not "
                            f"supported (3.0 is); save it with a current Elyra")
    return doc


def _primary(doc: dict[str, Any], name: str) -> dict[str, Any]:
    for pipeline in doc["pipelines"]:
        if isinstance(pipeline, dict) and pipeline.get("id") == doc.get("primary_pipeline"):
            return pipeline
    raise PipelineError(f"{name}: primary_pipeline {doc.get('primary_pipeline')!r} is none of "
                        f"its pipelines; save it again in Elyra's pipeline editor")


def _version(primary: dict[str, Any], name: str) -> int:
    version = (primary.get("app_data") or {}).get("version", CURRENT_VERSION)
    if isinstance(version, bool) or not isinstance(version, (int, float)) \
            or not 1 <= version <= CURRENT_VERSION:
        raise PipelineError(f"{name}: Elyra pipeline version {version!r} is not supported "
                            f"(versions up to {CURRENT_VERSION} are); open it in Elyra to "
                            f"migrate it")
    return int(version)


def _env_vars(items: Any, version: int, node: str) -> dict[str, str]:
    """Version 8: [{"env_var": NAME, "value": V}]; earlier: ["NAME=V"]."""
    found: dict[str, str] = {}
    for item in items or []:
        if isinstance(item, dict):
            name, value = item.get("env_var"), item.get("value")
        elif isinstance(item, str):
            name, _, value = item.partition("=")
        else:
            raise PipelineError(f"node {node!r}: env_vars entry {item!r} is neither "
                                f"'NAME=value' (version 7) nor {{'env_var', 'value'}} "
                                f"(version 8)")
        name = (name or "").strip()
        if not name or value in (None, ""):
            continue   # Elyra passes no variable without a name and a value
        if not _ENV_NAME.match(name):
            raise PipelineError(f"node {node!r}: environment variable name {name!r} is not "
                                f"allowed ({NAME_RULE}); rename it in Elyra")
        found[name] = str(value)
    return found


def _node_label(node: dict[str, Any], params: dict[str, Any]) -> str:
    app = node.get("app_data") or {}
    label = app.get("label") or (app.get("ui_data") or {}).get("label") \
        or Path(str(params.get("filename", ""))).name or str(node.get("id"))
    return str(label).strip()


def read(path: Path, workspace: Workspace, out_dir: Path) -> Imported:
    path = path.absolute()
    doc = _load(path)
    primary = _primary(doc, path.name)
    version = _version(primary, path.name)
    app = primary.get("app_data") or {}
    properties = app.get("properties") or {}
    defaults = properties.get("pipeline_defaults") or {}
    nodes = [n for n in primary.get("nodes") or [] if isinstance(n, dict)]
    root = Path(workspace.path)
    notes: list[str] = []
    by_id: dict[str, dict[str, Any]] = {}
    names: dict[str, str] = {}
    for node in nodes:
        node_id = str(node.get("id"))
        params = (node.get("app_data") or {}).get("component_parameters") or {}
        label = _node_label(node, params)
        if node.get("type") != "execution_node" or node.get("op") not in OPS:
            raise PipelineError(
                f"{path.name}: node {label!r} is a {node.get('op') or node.get('type')!r} "
                f"node, which runs only on its own runtime; pipeline-widget imports generic "
                f"nodes (notebooks, Python and R scripts): replace it with one of those")
        if node_id in by_id:
            raise PipelineError(f"{path.name}: two nodes have the id {node_id!r}; save the "
                                f"pipeline again in Elyra")
        by_id[node_id] = node
        names[node_id] = unique(label if not step_name_problem(label) else f"node {node_id}",
                                set(names.values()))
    parents = {i: _parents(by_id[i], by_id, path.name, names[i]) for i in by_id}
    order = _topological(parents, names, path.name)
    ancestors = {i: _ancestors(i, parents) for i in order}
    idents: set[str] = set()
    data: dict[str, PipelineData] = {}
    children = {i: [c for c in order if i in parents[c]] for i in order}
    node_params = {i: _merged((by_id[i].get("app_data") or {}).get("component_parameters")
                              or {}, defaults) for i in order}
    for i in order:
        if children[i] or node_params[i].get("outputs"):
            data[i] = PipelineData(unique(identifier(names[i]) + "_files", idents, sep="_"))
            idents.add(data[i].name)
    steps: dict[str, Step] = {}
    ignored: dict[str, list[str]] = {}
    for i in order:
        params, name = node_params[i], names[i]
        filename = params.get("filename")
        if not isinstance(filename, str) or not filename.strip():
            raise PipelineError(f"{path.name}: node {name!r} names no file; give it a "
                                f"notebook or script in Elyra")
        source = check_inside(root, path.parent, filename, f"node {name!r}: file {filename!r}")
        environment = _env_vars(params.get("env_vars"), version, name)
        environment.setdefault(RUNTIME_ENV, "local")
        outputs = [str(o) for o in params.get("outputs") or [] if str(o).strip()]
        for o in outputs:
            if os.path.isabs(o) or ".." in Path(o).parts:
                raise PipelineError(f"{path.name}: node {name!r}: output file {o!r} leads "
                                    f"outside its folder; give a path relative to it")
        file_inputs = [data[a].name for a in ancestors[i]
                       if node_params[a].get("outputs")]
        spec: dict[str, Any] = {}
        if outputs:
            spec.update(outputs=outputs, into=data[i].name)
        if file_inputs:
            spec["inputs"] = file_inputs
        if spec:
            environment[FILES_VARIABLE] = json.dumps(spec)
        inputs = list(dict.fromkeys([data[p] for p in parents[i]]
                                    + [data[a] for a in ancestors[i]
                                       if node_params[a].get("outputs")]))
        deps = [str(source.parent / d) for d in params.get("dependencies") or []
                if isinstance(d, str) and d.strip()]
        for d in params.get("dependencies") or []:
            if isinstance(d, str) and (os.path.isabs(d) or ".." in Path(d).parts):
                raise PipelineError(f"{path.name}: node {name!r}: dependency {d!r} leads "
                                    f"outside its folder; give a path relative to it")
        common = dict(name=name, inputs=inputs, outputs=[data[i]] if i in data else [],
                      dependencies=deps, environment=environment)
        kind = OPS[by_id[i]["op"]]
        if kind == "notebook":
            steps[i] = NotebookStep(notebook=source, **common)   # type: ignore[arg-type]
        elif kind == "python":
            steps[i] = PythonScriptStep(script_name=source.name, source_directory=source.parent,
                                        **common)   # type: ignore[arg-type]
        else:
            steps[i] = CommandStep(command=f"Rscript {shlex.quote(source.name)}",
                                   source_directory=source.parent,
                                   **common)   # type: ignore[arg-type]
        kept = {k: params[k] for k in IGNORED_LOCALLY if params.get(k) not in (None, [], {}, "")}
        ignored_here = [k for k in kept if k != "include_subdirectories"]
        if ignored_here:
            ignored[name] = ignored_here
        node_app = by_id[i].get("app_data") or {}
        steps[i].extensions = {NAMESPACE: {
            "id": i, "op": by_id[i]["op"], "label": node_app.get("label", ""),
            "ui_data": {k: v for k, v in (node_app.get("ui_data") or {}).items()
                        if k != "image"},
            "links": parents[i], "component_parameters": kept}}
    for name, keys in ignored.items():
        notes.append(f"step {name!r}: {', '.join(keys)} kept in the file but ignored when "
                     f"running here")
    pipeline = PipelineModel(
        workspace, [steps[i] for i in order],
        description=str(properties.get("description") or ""),
        name=str(properties.get("name") or path.stem),
        extensions={NAMESPACE: {"source": path.name, "version": version, "id": doc.get("id"),
                                "primary_pipeline": primary.get("id"), "app_data": dict(app),
                                "runtime_ref": primary.get("runtime_ref", "")}})
    return Imported(pipeline, notes)


def _merged(params: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """A node's parameters with the pipeline's defaults where the node sets none (Elyra's
    rule: a node's own value wins; environment variables merge by name)."""
    merged = dict(params)
    for key, value in defaults.items():
        if key == "env_vars" and value:
            own = list(merged.get("env_vars") or [])
            seen = {(e.get("env_var") if isinstance(e, dict) else str(e).partition("=")[0])
                    for e in own}
            merged["env_vars"] = own + [e for e in value if (
                e.get("env_var") if isinstance(e, dict) else str(e).partition("=")[0])
                not in seen]
        elif merged.get(key) in (None, "", [], {}):
            merged[key] = value
    return merged


def _parents(node: dict[str, Any], by_id: dict[str, Any], file: str, name: str) -> list[str]:
    found: list[str] = []
    for port in node.get("inputs") or []:
        for link in (port or {}).get("links") or []:
            ref = (link or {}).get("node_id_ref")
            if ref not in by_id:
                raise PipelineError(f"{file}: node {name!r} links from node {ref!r}, which is "
                                    f"not in the pipeline; remove the link in Elyra")
            if ref not in found:
                found.append(ref)
    return found


def _topological(parents: dict[str, list[str]], names: dict[str, str], file: str) -> list[str]:
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(i: str, trail: list[str]) -> None:
        if state.get(i) == 2:
            return
        if state.get(i) == 1:
            cycle = " -> ".join(names[n] for n in [*trail[trail.index(i):], i])
            raise PipelineError(f"{file}: the links make a cycle ({cycle}); remove one of them")
        state[i] = 1
        for p in parents[i]:
            visit(p, [*trail, i])
        state[i] = 2
        order.append(i)

    for i in parents:
        visit(i, [])
    return order


def _ancestors(i: str, parents: dict[str, list[str]]) -> list[str]:
    seen: list[str] = []
    stack = list(parents[i])
    while stack:
        p = stack.pop(0)
        if p not in seen:
            seen.append(p)
            stack.extend(parents[p])
    return seen


# -- export ---------------------------------------------------------------------------------
def _port(kind: str) -> dict[str, Any]:
    return {"id": f"{kind}Port",
            "app_data": {"ui_data": {"cardinality": {"min": 0, "max": -1},
                                     "label": f"{kind.capitalize()} Port"}}}


def _op(step: Step) -> tuple[str, Path]:
    if isinstance(step, NotebookStep):
        return "execute-notebook-node", step.notebook
    if isinstance(step, PythonScriptStep):
        return "execute-python-node", step.script_path
    if isinstance(step, CommandStep):
        tokens = step.tokens
        if len(tokens) == 2 and tokens[0] == "Rscript":
            return "execute-r-node", step.source_directory / tokens[1]
    raise PipelineError(f"step {step.name!r} is a {step.kind.replace('_', ' ')} step; Elyra "
                        f"runs notebooks, Python scripts and R scripts (a command step "
                        f"'Rscript FILE.R'): change the step or leave it out")


def _as_version_8(params: dict[str, Any]) -> dict[str, Any]:
    """Kept parameters in version 8's shapes: volumes and secrets as objects (version 7
    wrote 'PATH=PVC' and 'ENV=SECRET:KEY')."""
    found = dict(params)
    volumes = found.get("mounted_volumes")
    if isinstance(volumes, list):
        found["mounted_volumes"] = [
            {"path": v.partition("=")[0], "pvc_name": v.partition("=")[2]}
            if isinstance(v, str) else v for v in volumes]
    secrets = found.get("kubernetes_secrets")
    if isinstance(secrets, list):
        found["kubernetes_secrets"] = [
            {"env_var": v.partition("=")[0], "name": v.partition("=")[2].partition(":")[0],
             "key": v.partition("=")[2].partition(":")[2]}
            if isinstance(v, str) else v for v in secrets]
    return found


def _reduced(upstream: dict[str, list[str]]) -> dict[str, list[str]]:
    """Each step's direct predecessors without those reachable through another one (the
    links a person draws)."""
    def reach(name: str) -> set[str]:
        seen: set[str] = set()
        stack = list(upstream[name])
        while stack:
            n = stack.pop()
            if n not in seen:
                seen.add(n)
                stack.extend(upstream[n])
        return seen
    return {name: [p for p in ups if not any(p in reach(o) for o in ups if o != p)]
            for name, ups in upstream.items()}


def write(pipeline: PipelineModel, out: Path, options: dict[str, Any]) -> list[str]:
    document: dict[str, Any] = pipeline.extensions.get(NAMESPACE) or {}
    notes: list[str] = []
    order = pipeline.topological_order()
    steps = {s.name: s for s in pipeline.steps}
    kept_nodes = {n: steps[n].extensions.get(NAMESPACE) or {} for n in order}
    ids = {n: str(kept_nodes[n].get("id")
                  or uuid.uuid5(uuid.NAMESPACE_URL, f"pipeline-widget/{pipeline.name}/{n}"))
           for n in order}
    upstream = _reduced(pipeline.upstream())
    nodes = []
    for n in order:
        step = steps[n]
        op, source = _op(step)
        k = kept_nodes[n]
        env = {key: v for key, v in step.environment.items()
               if key not in (FILES_VARIABLE, RUNTIME_ENV)}
        spec = json.loads(step.environment.get(FILES_VARIABLE, "{}") or "{}")
        params: dict[str, Any] = {
            "filename": Path(os.path.relpath(source, out.parent)).as_posix(),
            "outputs": list(spec.get("outputs", [])),
            "env_vars": [{"env_var": key, "value": v} for key, v in env.items()],
            "dependencies": [Path(os.path.relpath(d, source.parent)).as_posix()
                             for d in step.dependencies],
            "include_subdirectories": False,
        }
        params.update(_as_version_8(k.get("component_parameters") or {}))
        if isinstance(step, NotebookStep) and step.parameters:
            notes.append(f"step {n!r}: its notebook parameters are not exported (Elyra has "
                         f"none for notebooks; the notebook's defaults apply)")
        if not k and step.outputs and not spec:
            notes.append(f"step {n!r}: its PipelineData folders are not passed by Elyra; "
                         f"declare the files it writes as outputs in Elyra")
        reduced = [ids[p] for p in upstream[n]]
        kept_links = [p for p in k.get("links") or [] if p in ids.values()]
        parent_ids = kept_links if set(reduced) <= set(kept_links) else reduced
        inport = _port("in")
        if parent_ids:
            inport["links"] = [{"id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{p}->{ids[n]}")),
                                "node_id_ref": p, "port_id_ref": "outPort"}
                               for p in parent_ids]
        ui = dict(k.get("ui_data") or {})
        label = k.get("label", n)
        if n != (k.get("label") or ui.get("label") or n):   # renamed since: Elyra shows it
            label = ui["label"] = n
        ui.setdefault("label", n)
        nodes.append({"id": ids[n], "type": "execution_node", "op": op,
                      "app_data": {"component_parameters": params,
                                   "label": label, "ui_data": ui},
                      "inputs": [inport], "outputs": [_port("out")]})
    app = dict(document.get("app_data") or {})
    app["version"] = CURRENT_VERSION
    props = dict(app.get("properties") or {})
    props.setdefault("name", pipeline.name)
    props.setdefault("runtime", "Generic")
    if pipeline.description:
        props["description"] = pipeline.description
    app["properties"] = props
    app.setdefault("ui_data", {"comments": []})
    primary_id = document.get("primary_pipeline") or str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"pipeline-widget/{pipeline.name}"))
    doc = {"doc_type": "pipeline", "version": "3.0", "json_schema": SCHEMA_URL,
           "id": document.get("id") or "elyra-auto-generated-pipeline",
           "primary_pipeline": primary_id,
           "pipelines": [{"id": primary_id, "nodes": nodes, "app_data": app,
                          "runtime_ref": document.get("runtime_ref", "")}],
           "schemas": []}
    if document.get("version", CURRENT_VERSION) < CURRENT_VERSION:
        notes.append(f"written as Elyra pipeline version {CURRENT_VERSION} (the file imported "
                     f"was version {document['version']}): environment variables as objects")
    atomic.write_text(out, json.dumps(doc, indent=2) + "\n")
    return notes


IMPORTER = Importer("elyra", "an Elyra .pipeline file (pipeline-flow v3)", claims, read)
EXPORTER = Exporter("elyra", "an Elyra .pipeline file (pipeline version 8)", write)
