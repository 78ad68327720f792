"""Rules every importer and exporter shares: names made from outside names, paths from
outside files kept inside the project, output files never overwritten by surprise."""
from __future__ import annotations

import os
import re
from pathlib import Path

from ..core.errors import PipelineError


def identifier(text: str) -> str:
    """A PipelineData-safe name from free text ('Load data.ipynb' -> 'load_data')."""
    stem = re.sub(r"\.(ipynb|py|r|R)$", "", text.strip())
    name = re.sub(r"[^A-Za-z0-9_]+", "_", stem).strip("_").lower()[:40] or "step"
    return f"_{name}" if name[0].isdigit() else name


def unique(name: str, taken: set[str], sep: str = " ") -> str:
    """`name`, or `name (2)` / `name_2`... when it is taken."""
    if name not in taken:
        return name
    n = 2
    while (f"{name} ({n})" if sep == " " else f"{name}{sep}{n}") in taken:
        n += 1
    return f"{name} ({n})" if sep == " " else f"{name}{sep}{n}"


def check_inside(root: Path, base: Path, relative: str, what: str) -> Path:
    """`base / relative`, refused unless it stays inside the project folder `root`."""
    if os.path.isabs(relative):
        raise PipelineError(f"{what} is an absolute path; give it relative to the pipeline "
                            f"file")
    target = Path(os.path.normpath(base / relative))
    real_root = Path(os.path.realpath(root))
    if real_root != Path(os.path.realpath(target)) and \
            real_root not in Path(os.path.realpath(target)).parents:
        raise PipelineError(f"{what} leads outside the project folder {root}; move the file "
                            f"into the project, or pass --workspace with a folder that holds "
                            f"it")
    return target


def check_output(path: Path, force: bool) -> None:
    """Refuse to replace a file the user has unless asked to."""
    if path.exists() and not force:
        raise PipelineError(f"{path} already exists; pass --force to replace it, or give "
                            f"another file name with -o")
    if path.exists() and path.is_dir():
        raise PipelineError(f"{path} is a folder; give a file name")
    if not path.parent.is_dir():
        raise PipelineError(f"folder {path.parent} does not exist; create it first")
