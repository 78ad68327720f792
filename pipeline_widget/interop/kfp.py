"""Export to Kubeflow Pipelines v2: a pipeline compiled with the `kfp` SDK.

One lightweight Python component per step; each runs its step through this project's
runner (step_command.py), joined to one run record per pipeline run (named after the KFP
job), so data stays in the workspace's datastores (a local folder the workers share, or
object storage) and reuse stays this project's: KFP's caching is turned off. The step
graph becomes `.after()` dependencies, pipeline parameters the pipeline's inputs, a
step's retries `set_retry`: Kubeflow owns them, each try attempting the step once (`--once`).

The SDK compiles the file. It need not be installed in this environment: the exporter
runs the compilation with the Python given by `--kfp-python` (or
PIPELINE_WIDGET_KFP_PYTHON), when this one lacks `kfp`.
"""
from __future__ import annotations

import importlib.util
import keyword
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..core.errors import PipelineError
from ..core.pipeline import PipelineModel
from .registry import Exporter
from .step_command import pipeline_file, program, py_identifier

KFP_PYTHON = "PIPELINE_WIDGET_KFP_PYTHON"
TYPES = {bool: "bool", int: "int", float: "float", str: "str", list: "list", dict: "dict"}
DEFAULT_IMAGE = "python:3.11"
COMPILE_TIMEOUT = 300   # seconds


RUN_ARGUMENT = "pipeline_widget_run_id"   # each component's argument: the KFP job's id


def _type(name: str, value: Any) -> str:
    if keyword.iskeyword(name) or name == RUN_ARGUMENT:
        raise PipelineError(f"pipeline parameter {name!r} cannot be a Kubeflow pipeline input "
                            f"(a Python keyword or a name the export uses); rename it")
    kind = TYPES.get(type(value))
    if kind is None:
        raise PipelineError(f"pipeline parameter {name!r} has the default {value!r}; Kubeflow "
                            f"takes bool, int, float, str, list or dict parameters: give it "
                            f"one of those")
    return kind


def dsl_source(pipeline: PipelineModel, options: dict[str, Any]) -> str:
    """The pipeline in kfp's DSL (a Python program that compiles itself to argv[1])."""
    file = str(pipeline_file(pipeline))
    workspace = str(Path(pipeline.workspace.path).absolute())
    command = program(options)
    image = options.get("base_image") or DEFAULT_IMAGE
    params = pipeline.parameters
    order = pipeline.topological_order()
    upstream = pipeline.upstream()
    taken: set[str] = set()
    functions = {n: py_identifier(n, taken, "step") for n in order}
    lines = [
        f'"""Pipeline {pipeline.name!r} for Kubeflow Pipelines: one component per step, each',
        'run by pipeline-widget (`run FILE --only STEP --join RUN`)."""',
        "import sys",
        "",
        "from kfp import compiler, dsl",
        "",
    ]
    for n in order:
        used = list(params)   # the steps of one joined run share every parameter's value
        signature = ", ".join([f"{RUN_ARGUMENT}: str", *(f"{u}: {_type(u, params[u].default_value)}"
                                                for u in used)])
        argv = [*command, "--workspace", workspace, "run", file, "--only", n]
        lines += [
            f"@dsl.component(base_image={image!r})",
            f"def {functions[n]}({signature}):",
            f"    {('runs step ' + n)!r}",
            "    import json",
            "    import re",
            "    import subprocess",
            "",
            f"    join = 'kfp-' + re.sub(r'[^A-Za-z0-9_.-]', '-', {RUN_ARGUMENT})",
            f"    argv = {argv!r} + ['--join', join, '--once']",
            *(f"    argv += ['--param', {u + '='!r} + json.dumps({u})]" for u in used),
            "    subprocess.run(argv, check=True)",
            "",
            "",
        ]
    signature = ", ".join(f"{name}: {_type(name, p.default_value)} = {p.default_value!r}"
                          for name, p in params.items())
    lines += [f"@dsl.pipeline(name={py_identifier(pipeline.name, set(), 'pipeline').replace('_', '-')!r},",
              f"              description={(pipeline.description or 'pipeline ' + pipeline.name)!r})",
              f"def pipeline({signature}):"]
    tasks = {n: f"task_{functions[n]}" for n in order}
    for n in order:
        step = pipeline.step(n)
        used = list(params)
        args = ", ".join([f"{RUN_ARGUMENT}=dsl.PIPELINE_JOB_ID_PLACEHOLDER", *(f"{u}={u}" for u in used)])
        lines.append(f"    {tasks[n]} = {functions[n]}({args})")
        lines.append(f"    {tasks[n]}.set_display_name({n!r})")
        lines.append(f"    {tasks[n]}.set_caching_options(False)")
        if step.retries:
            lines.append(f"    {tasks[n]}.set_retry(num_retries={step.retries}, "
                         f"backoff_duration='1s', backoff_factor=2)")
        if upstream[n]:
            lines.append(f"    {tasks[n]}.after({', '.join(tasks[u] for u in upstream[n])})")
    if not order:
        lines.append("    pass")
    lines += ["", "", "if __name__ == '__main__':",
              "    compiler.Compiler().compile(pipeline, sys.argv[1])"]
    return "\n".join(lines) + "\n"


def compiler_python(options: dict[str, Any]) -> str:
    given = options.get("kfp_python") or os.environ.get(KFP_PYTHON)
    if given:
        if not Path(given).is_file():
            raise PipelineError(f"--kfp-python {given} does not exist; give the python of an "
                                f"environment where `pip install 'kfp==2.*'` was run")
        return str(given)
    if importlib.util.find_spec("kfp") is not None:
        return sys.executable
    raise PipelineError("the kfp export compiles with the kfp SDK, which is not installed "
                        "here: `pip install 'kfp==2.*'`, or pass --kfp-python with the python "
                        "of an environment that has it")


def write(pipeline: PipelineModel, out: Path, options: dict[str, Any]) -> list[str]:
    source = dsl_source(pipeline, options)
    python = compiler_python(options)
    with tempfile.TemporaryDirectory(prefix="pipeline-widget-kfp-") as tmp:
        program_file = Path(tmp) / "pipeline_dsl.py"
        program_file.write_text(source, encoding="utf-8")
        compiled = Path(tmp) / "pipeline.yaml"
        try:
            done = subprocess.run([python, str(program_file), str(compiled)],
                                  capture_output=True, text=True, cwd=tmp,
                                  timeout=COMPILE_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise PipelineError(f"the kfp SDK ({python}) did not compile the pipeline within "
                                f"{COMPILE_TIMEOUT} s; check that environment") from None
        except OSError as err:
            raise PipelineError(f"cannot run {python} to compile the pipeline ({err}); give "
                                f"--kfp-python the python of an environment with kfp") from None
        if done.returncode != 0 or not compiled.is_file():
            tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
            raise PipelineError("the kfp SDK could not compile the pipeline: " + " / ".join(tail))
        from ..core import atomic

        atomic.write_text(out, compiled.read_text(encoding="utf-8"))
    notes = ["run it with kfp.local (SubprocessRunner) or submit it to Kubeflow; each "
             f"component runs {' '.join(program(options))}, which must see "
             f"{pipeline.workspace.path} (or use --command and --base-image for the cluster)"]
    timed = [s.name for s in pipeline.steps if s.timeout]
    if timed:
        notes.append(f"steps {', '.join(map(repr, timed))}: their timeouts are kept by the "
                     f"runner inside the component (Kubeflow v2 has no task timeout)")
    return notes


EXPORTER = Exporter("kfp", "a Kubeflow Pipelines v2 pipeline (.yaml, compiled with kfp)", write)
