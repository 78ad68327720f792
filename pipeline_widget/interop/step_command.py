"""How a task of another scheduler runs one step: `pipeline-widget run FILE --only STEP
--join RUN_ID`, so steps run by separate processes (even on separate machines sharing the
workspace) write one run record, and records, reuse and outputs stay this project's."""
from __future__ import annotations

import json
import re
import shlex
import sys
from pathlib import Path
from typing import Any

from ..core.errors import PipelineError
from ..core.pipeline import PipelineModel


def program(options: dict[str, Any]) -> list[str]:
    """The command that starts pipeline-widget where the tasks run: `--command` when
    given, else this Python (`python -m pipeline_widget`)."""
    given = options.get("command")
    if given:
        try:
            words = shlex.split(given)
        except ValueError as err:
            raise PipelineError(f"--command cannot be read ({err}); check its quotes") from None
        if not words:
            raise PipelineError("--command is empty; give the command that starts "
                                "pipeline-widget where the tasks run")
        return words
    return [sys.executable, "-m", "pipeline_widget"]


def pipeline_file(pipeline: PipelineModel) -> Path:
    if pipeline.path is None:
        raise PipelineError("the pipeline has no file; save it first (tasks run it by its "
                            "file)")
    return pipeline.path


def join_id(prefix: str, scheduler_run: str) -> str:
    """The run id a scheduler's run joins: one per run of the DAG or pipeline."""
    return f"{prefix}-" + re.sub(r"[^A-Za-z0-9_.-]", "-", scheduler_run)


def parameter_argument(name: str, value: Any) -> str:
    """`--param NAME=VALUE` as `run` reads it (a JSON value)."""
    return f"{name}={json.dumps(value)}"


def py_identifier(text: str, taken: set[str], prefix: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_").lower() or prefix
    name = f"{prefix}_{name}" if not name[0].isalpha() else name
    base, n = name, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name
