"""Compiled JSON Schema validators, kept between processes.

fastjsonschema turns a schema into Python code; for the pipeline file's schema that takes
about 50 ms, paid by every command that reads a pipeline. The code it writes depends only
on the schema and fastjsonschema's version, so it is kept as a module in the user's cache
folder (`$XDG_CACHE_HOME/pipeline-widget/validators/`, or `~/.cache/...`), named by a digest
of both, and imported from there (Python keeps its bytecode beside it). A folder that
cannot be written, or a file that does not load, only means compiling in memory again.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from pathlib import Path
from typing import Any, Callable

from .atomic import write_text
from .user_cache import cache_folder

_ROOT = re.compile(r"^def (\w+)\(", re.MULTILINE)   # the schema's own function comes first
ENTRY = "validate_document"   # the name the kept module gives it


def compiled(schema: dict[str, Any]) -> Callable[[Any], Any]:
    """A validator of `schema` (fastjsonschema's, as `fastjsonschema.compile` gives it)."""
    import fastjsonschema

    text = json.dumps(schema, sort_keys=True)
    digest = hashlib.sha256(f"{fastjsonschema.VERSION}\n{text}".encode()).hexdigest()[:32]
    path = cache_folder("validators") / f"schema_{digest}.py"
    try:
        return _load(path)
    except Exception:
        pass   # not there yet, or damaged: written again below
    code = fastjsonschema.compile_to_code(json.loads(text))   # it changes what it is given
    root = _ROOT.search(code)
    try:
        if root is None:
            raise ValueError("fastjsonschema wrote no function")
        write_text(path, f"{code}\n\n{ENTRY} = {root.group(1)}\n")
        return _load(path)
    except Exception:
        return fastjsonschema.compile(json.loads(text))


def _load(path: Path) -> Callable[[Any], Any]:
    spec = importlib.util.spec_from_file_location(f"_pipeline_widget_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, ENTRY)
