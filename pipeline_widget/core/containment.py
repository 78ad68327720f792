"""Paths built from names that came from outside (object keys, file entries) stay in their root.

One rule for every such join: resolve the result (`..`, symlinks) and refuse it unless it
lies inside the root, naming the outside name, so that no data can steer a write elsewhere.
"""
from __future__ import annotations

import os
from pathlib import Path

from .errors import PipelineError


def inside(root: Path | str, relative: str, what: str) -> Path:
    """`root / relative`, or PipelineError when that leaves `root`; `what` names the
    relative part for the message (e.g. "object key 'a/../../x'")."""
    base = Path(os.path.realpath(root))
    target = Path(os.path.realpath(base / relative))
    if not relative or os.path.isabs(relative) or base not in target.parents:
        raise PipelineError(f"{what} leads outside {root}: nothing was written there; "
                            f"remove or rename it at its source")
    return target
