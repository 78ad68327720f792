"""What an imported file holds that a `.pipeline.json` cannot (Elyra's node ids, runtime
images, resources, volumes, positions and comments; Ploomber's task names): kept in a file
beside the pipeline, `NAME.interop.json`, so an export back to the original tool gives
them back. Steps are found in it by name; a step renamed since keeps its place by
order of the original file only if its name is still there."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..core import atomic
from ..core.errors import PipelineError
from ..core.fileformat import SUFFIX

EXTRAS_SUFFIX = ".interop.json"


def path_for(pipeline_file: Path) -> Path:
    name = pipeline_file.name
    stem = name[: -len(SUFFIX)] if name.endswith(SUFFIX) else pipeline_file.stem
    return pipeline_file.with_name(stem + EXTRAS_SUFFIX)


def read(pipeline_file: Path) -> dict[str, Any]:
    """The extras kept beside `pipeline_file`, or {} when there are none."""
    path = path_for(pipeline_file)
    if not path.is_file():
        return {}
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise PipelineError(f"{path.name} cannot be read ({err}); remove it to export without "
                            f"what the import kept, or import the original file again") from None
    if not isinstance(found, dict):
        raise PipelineError(f"{path.name} is not a JSON object; remove it or import again")
    return found


def write(pipeline_file: Path, extras: dict[str, Any]) -> Path | None:
    if not extras:
        return None
    path = path_for(pipeline_file)
    atomic.write_text(path, json.dumps(extras, indent=1, sort_keys=True) + "\n")
    return path
