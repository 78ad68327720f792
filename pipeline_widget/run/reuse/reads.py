"""A step run's observed read set: what it really read (tracer.py), digested after it
finished, and checked before its result is reused.

The read set holds, for the project only, the files the step opened or imported and
the folders it listed (with their digests, remembered by stat like a dataset's), the
environment variables it read (by name, with a digest of the value the runner passes,
never the value), its interpreter, and the installed distributions it imported (name,
version and where they are installed). A result is reused only while every one of
them is unchanged; the first difference is the reason it is not.
"""
from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...core.workspace import project_relative
from . import tracer
from .digests import DigestMemo, digest_text
from .distributions import describe, version_now

TRACE_FILE = "reads.trace"     # written by the step's process, in its record folder
KEPT_FILES = 20_000            # files and folders a read set keeps; beyond, not reused
# Variables that say how to show output, or that the runner or kernel set per process:
# not part of a result.
VOLATILE_ENV = {"TERM", "COLUMNS", "LINES", "CLICOLOR", "CLICOLOR_FORCE", "FORCE_COLOR",
                "NO_COLOR", "PAGER", "GIT_PAGER", "MPLBACKEND", "PYTHONPATH",
                "PYTHONUNBUFFERED", "PWD", "OLDPWD", "SHLVL", "_"}
VOLATILE_PREFIXES = ("JPY_", "PIPELINE_WIDGET_", "PYDEVD_", "KERNEL_", "JUPYTER_")


@dataclass
class TraceSpec:
    """Where a step's process writes its read set, and which folders are the project."""

    out: str
    roots: str     # the project folder as given and as resolved
    skip: str      # the workspace folder and the step's datasets: covered otherwise

    @classmethod
    def for_step(cls, record_dir: str, project: str, skip: list[str]) -> "TraceSpec":
        roots = dict.fromkeys([os.path.abspath(project), os.path.realpath(project)])
        return cls(str(Path(record_dir) / TRACE_FILE), os.pathsep.join(roots),
                   os.pathsep.join(dict.fromkeys(os.path.abspath(s) for s in skip)))

    @classmethod
    def of(cls, plan: Any) -> "TraceSpec | None":
        """The trace of a planned step (a StepPlan), None for a plan of no project."""
        return cls.for_step(plan.record_dir, plan.project, plan.trace_skip) \
            if plan.project else None

    def environment(self) -> dict[str, str]:
        """For a script: its process starts recording at once."""
        return {tracer.TRACE_ENV: self.out, tracer.ROOTS_ENV: self.roots,
                tracer.SKIP_ENV: self.skip}


def forget_trace(record_dir: str) -> None:
    """Before an attempt: no earlier attempt's record of its reads may count for it."""
    for path in Path(record_dir).glob(TRACE_FILE + "*"):
        try:
            path.unlink()
        except OSError:
            pass


def _value_digest(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else digest_text(value)


def volatile(name: str) -> bool:
    return name in VOLATILE_ENV or name.startswith(VOLATILE_PREFIXES)


def _stat(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _file_digest(path: str, memo: DigestMemo) -> str | None:
    """A file's digest, "dir:<listing>" when it is a folder, None when it is absent."""
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            return "dir:" + memo.listing(path, st)
        return memo.file(path, st=st)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as err:
        return f"unreadable: {err.strerror}"


def _listing_digest(path: str, memo: DigestMemo) -> str | None:
    try:
        return memo.listing(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as err:
        return f"unreadable: {err.strerror}"


def _merge(into: Any, child: Any) -> None:
    """A child process's reads added to its step's."""
    if not isinstance(into, dict) or not isinstance(child, dict):
        return
    for key in ("files", "dirs", "env"):
        if isinstance(into.get(key), list) and isinstance(child.get(key), list):
            into[key] = sorted({*into[key], *child[key]})
    if isinstance(into.get("modules"), dict) and isinstance(child.get("modules"), dict):
        into["modules"] = {**child["modules"], **into["modules"]}
    into["overflow"] = into.get("overflow") or child.get("overflow") or ""


def collect(trace_path: str | Path, project: Path, memo: DigestMemo
            ) -> tuple[dict[str, Any] | None, str | None]:
    """The read set of a finished step from its trace: (reads, None), or (None, why its
    result cannot be kept for reuse)."""
    try:
        raw = tracer.read_trace(trace_path)
        for child in sorted(Path(trace_path).parent.glob(
                f"{Path(trace_path).name}.*{tracer.CHILD_SUFFIX}")):
            _merge(raw, tracer.read_trace(child))
    except FileNotFoundError:
        return None, ("its reads could not be recorded (the process ended without a "
                      "normal exit); its result is not kept for reuse")
    except (OSError, ValueError):
        return None, "its record of what it read is unreadable; its result is not kept for reuse"
    if not isinstance(raw, dict) or raw.get("format") != tracer.FORMAT:
        return None, "its record of what it read is unreadable; its result is not kept for reuse"
    names = [*raw.get("files", []), *raw.get("dirs", [])]
    if raw.get("overflow") == tracer.LINE_BREAK:
        return None, ("it read a file whose name holds a line break, which its record of "
                      "what it read cannot keep; its result is not kept for reuse")
    if raw.get("overflow") or len(names) > KEPT_FILES:
        return None, (f"it read more than {KEPT_FILES:,} files of the project; its result is "
                      f"not kept for reuse (declare such data as a dataset input)")
    files = {project_relative(p, project): _file_digest(p, memo)
             for p in raw.get("files", []) if isinstance(p, str)}
    dirs = {project_relative(p, project): _listing_digest(p, memo)
            for p in raw.get("dirs", []) if isinstance(p, str)}
    env = {n: _value_digest(n) for n in raw.get("env", [])
           if isinstance(n, str) and not volatile(n)}
    python = dict(raw.get("python") or {})
    python["stat"] = _stat(str(python.get("executable", "")))
    modules: dict[str, str] = raw["modules"] if isinstance(raw.get("modules"), dict) else {}
    return {"files": files, "dirs": dirs, "env": env, "python": python,
            "distributions": describe(modules, memo)}, None


def _path(stored: str, under: str) -> str:
    """A stored name as a path: absolute as it is, else under the project (`under`: the
    project folder with its trailing separator, as os.path.join would put it)."""
    return stored if os.path.isabs(stored) else under + stored


def stale(reads: dict[str, Any], project: Path, memo: DigestMemo,
          interpreter: str | None) -> str | None:
    """Why a result with this read set may not be reused now, or None. `interpreter`:
    the Python that would run the step now (None: not known, not compared)."""
    python = reads.get("python") or {}
    if interpreter is not None and python.get("executable"):
        was, version = python["executable"], python.get("version", "?")
        if os.path.abspath(interpreter) != os.path.abspath(was):
            return f"the step's Python changed: {was} (Python {version}) -> {interpreter}"
        if _stat(interpreter) != python.get("stat"):
            return f"the step's Python {version} at {interpreter} was replaced"
    root = os.path.join(os.fspath(project), "")
    for name, digest in (reads.get("files") or {}).items():
        now = _file_digest(_path(name, root), memo)
        if now != digest:
            what = "appeared" if digest is None else "is gone" if now is None else "changed"
            return f"{name} {what} (read by the step in its last run)"
    for name, digest in (reads.get("dirs") or {}).items():
        if _listing_digest(_path(name, root), memo) != digest:
            where = name if name not in ("", ".") else "the project folder"
            return f"the files in {where} changed (listed by the step in its last run)"
    for name, digest in (reads.get("env") or {}).items():
        if _value_digest(name) != digest:
            how = "is now set" if digest is None else "is no longer set" \
                if _value_digest(name) is None else "changed"
            return f"environment variable {name} {how} (read by the step in its last run)"
    for module, was in (reads.get("distributions") or {}).items():
        why = version_now(module, was, memo)
        if why:
            return why
    return None


def interpreter_now(kernel_name: str | None, interpreter: str | None = None) -> str | None:
    """The Python a step would run in now: its kernel's, the one it names, or the runner's."""
    if kernel_name is None:
        return interpreter or sys.executable
    from ..step.kernelspecs import kernel_interpreter

    return kernel_interpreter(kernel_name)
