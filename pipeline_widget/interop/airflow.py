"""Export to Apache Airflow (3.x): a DAG file with one task per step.

Each task is a BashOperator that runs its step through this project's runner
(step_command.py), so nothing about a step is re-implemented in Airflow: the step graph
becomes task dependencies, pipeline parameters DAG params (given to the run as
`--param`), a step's retries and timeout the task's. Retries have one owner, Airflow: each
try of a task attempts its step once (`--once`). Every task of one DAG run joins one run
record, named after the DAG run.
"""
from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

from ..core import atomic
from ..core.errors import PipelineError
from ..core.pipeline import PipelineModel
from .registry import Exporter
from .step_command import join_id, pipeline_file, program, py_identifier

# Seconds the task may take beyond the step's own timeout (starting the runner, planning).
TIMEOUT_MARGIN = 120


def _literal(text: str) -> str:
    """A Python string literal that Airflow's templating leaves as it is."""
    if "{{" in text or "{%" in text or "{#" in text:
        return repr("{% raw %}" + text + "{% endraw %}")
    return repr(text)


def step_command(pipeline: PipelineModel, step: str, options: dict[str, Any]) -> str:
    """The task's shell command: the step, run by pipeline-widget in the run record of the
    DAG run (--join), with the DAG run's parameters (from the environment: never parsed
    by the shell). Every task gives every pipeline parameter: the steps of one joined run
    share their values."""
    argv = [*program(options), "--workspace", str(Path(pipeline.workspace.path).absolute()),
            "run", str(pipeline_file(pipeline)), "--only", step]
    used = list(pipeline.parameters)   # every task of a joined run gives the same values
    words = " ".join(shlex.quote(a) for a in argv)
    params = "".join(f' --param "{u}=$PW_PARAM_{u}"' for u in used)
    prefix = join_id("airflow", "").rstrip("-")
    return (f'JOIN="{prefix}-$(printf %s "$PW_AIRFLOW_RUN" | tr -c \'A-Za-z0-9_.-\' \'-\')"; '
            f'exec {words} --join "$JOIN" --once{params}')


def dag_id(pipeline: PipelineModel, options: dict[str, Any]) -> str:
    given = options.get("dag_id")
    if given is not None and not re.fullmatch(r"[A-Za-z0-9_.-]{1,250}", given):
        raise PipelineError(f"--dag-id {given!r} is not a DAG id Airflow takes; use letters, "
                            f"digits, '_', '.' and '-'")
    return given or py_identifier(pipeline.name, set(), "pipeline")


def dag_source(pipeline: PipelineModel, options: dict[str, Any]) -> str:
    file = pipeline_file(pipeline)
    upstream = pipeline.upstream()
    order = pipeline.topological_order()
    taken: set[str] = set()
    variables = {name: py_identifier(name, taken, "step") for name in order}
    lines = [
        f'"""Pipeline {pipeline.name!r} ({file.name}) as an Airflow DAG: one task per step, each',
        "run by pipeline-widget (`run FILE --only STEP --join RUN`), so records, reuse and",
        "outputs stay in the project's workspace. Export again after changing the pipeline.\"\"\"",
        "from __future__ import annotations",
        "",
        "import datetime",
        "",
        "from airflow.providers.standard.operators.bash import BashOperator",
        "from airflow.sdk import DAG, Param",
        "",
        "with DAG(",
        f"    dag_id={dag_id(pipeline, options)!r},",
        f"    description={_literal(pipeline.description or 'pipeline ' + pipeline.name)},",
        "    schedule=None,",
        "    start_date=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),",
        "    catchup=False,",
        "    tags=['pipeline-widget'],",
        "    params={",
        *(f"        {name!r}: Param({p.default_value!r})," for name, p in pipeline.parameters.items()),
        "    },",
        ") as dag:",
    ]
    for name in order:
        step = pipeline.step(name)
        used = list(pipeline.parameters)
        env = ", ".join(["'PW_AIRFLOW_RUN': '{{ run_id }}'"]
                        + [f"'PW_PARAM_{u}': '{{{{ params.{u} | tojson }}}}'" for u in used])
        lines += [
            f"    {variables[name]} = BashOperator(",
            f"        task_id={variables[name]!r},",
            f"        bash_command={_literal(step_command(pipeline, name, options))},",
            f"        env={{{env}}},",
            "        append_env=True,",
            f"        retries={step.retries or 0},",
            "        retry_delay=datetime.timedelta(seconds=1),",
            "        retry_exponential_backoff=True,",
        ]
        if step.timeout is not None:
            lines.append(f"        execution_timeout=datetime.timedelta(seconds="
                         f"{step.timeout + TIMEOUT_MARGIN!r}),")
        lines.append("    )")
    for name in order:
        for up in upstream[name]:
            lines.append(f"    {variables[up]} >> {variables[name]}")
    return "\n".join(lines) + "\n"


def write(pipeline: PipelineModel, out: Path, options: dict[str, Any]) -> list[str]:
    atomic.write_text(out, dag_source(pipeline, options))
    notes = [f"DAG {dag_id(pipeline, options)!r}: "
             f"put {out.name} in Airflow's dags folder; its tasks run {' '.join(program(options))} "
             f"on the worker, which must see {pipeline.workspace.path}"]
    retried = [s.name for s in pipeline.steps if s.retries]
    if retried:
        notes.append(f"steps {', '.join(map(repr, retried))}: their retries are Airflow's "
                     f"task retries (each try runs the step once: --once)")
    return notes


EXPORTER = Exporter("airflow", "an Apache Airflow 3 DAG file (.py)", write)
