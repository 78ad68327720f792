"""The user's cache folder: what the package computes once and keeps between processes,
never needed (deleting it only costs computing again): `$XDG_CACHE_HOME/pipeline-widget/`,
or `~/.cache/pipeline-widget/`."""
from __future__ import annotations

import os
from pathlib import Path


def cache_folder(kind: str) -> Path:
    """The folder for one kind of kept result (e.g. "validators")."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pipeline-widget" / kind
