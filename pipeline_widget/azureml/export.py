"""`pipeline-widget azureml SCRIPT --export FILE`: the pipeline a v1 script builds, saved as
a pipeline file instead of run. The script runs until it submits (the pipeline is saved
and the script stops there) or to its end (the last pipeline it built is saved)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

_target: Path | None = None
_last: Any = None


class Exported(SystemExit):
    """Ends the script once its pipeline is saved."""


def start(target: str | Path) -> None:
    global _target, _last
    _target, _last = Path(target).absolute(), None


def exporting() -> bool:
    return _target is not None


def built(pipeline: Any) -> None:
    """A Pipeline was built: the one to save if the script never submits."""
    global _last
    _last = pipeline


def save(pipeline: Any) -> Path:
    assert _target is not None
    return pipeline.local_pipeline(name=_target.name.split(".")[0]).save(_target)


def finish() -> Path | None:
    """At the script's end: save the last pipeline built, if nothing was saved yet."""
    return save(_last) if _target is not None and _last is not None else None
