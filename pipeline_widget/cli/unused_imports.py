"""Optional modules that packages the command line loads try to import, for features a
command never uses. The command line owns its process, so it tells those packages that
these modules are absent:

- jsonschema (loaded by nbformat, hence papermill) compiles an IRI grammar at import,
  about a second of CPU, and loads checkers of string formats that notebooks never use;
- papermill's storage back-ends (boto3 and the like): steps' notebooks and their executed
  copies are local files.

`idna` and `jsonpointer` are format checkers too, but other code in the process may need
them (remote datastores reach `idna` through their HTTP clients): they are absent to
jsonschema's format module alone, and to anything else they import as usual.
"""
from __future__ import annotations

import importlib.abc
import sys
from types import FrameType
from typing import Any

ABSENT = ("rfc3987_syntax", "rfc3987", "rfc3986_validator", "rfc3339_validator",
          "isoduration", "webcolors", "uri_template", "fqdn", "papermill.s3", "papermill.abs",
          "papermill.adl")
ABSENT_TO_FORMAT_CHECKS = ("idna", "jsonpointer")
FORMAT_CHECKS = "jsonschema._format"   # jsonschema's module of format checkers


def _importer(frame: FrameType | None) -> str | None:
    """The module whose import statement led here, past the import machinery's frames."""
    while frame is not None and frame.f_globals.get("__name__", "").startswith("importlib"):
        frame = frame.f_back
    return None if frame is None else frame.f_globals.get("__name__")


class _AbsentToFormatChecks(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name in ABSENT_TO_FORMAT_CHECKS and _importer(sys._getframe(1)) == FORMAT_CHECKS:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None   # the other finders look for it as usual


def skip() -> None:
    """Mark the unused modules absent for the rest of the process (once is enough)."""
    for name in ABSENT:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
    if not any(isinstance(finder, _AbsentToFormatChecks) for finder in sys.meta_path):
        sys.meta_path.insert(0, _AbsentToFormatChecks())
