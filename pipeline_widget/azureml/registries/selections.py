"""Datasets of several files, of a glob, or of a URL, as one local path: the chosen files
hard-linked (else copied) into azureml/selections/<digest>/ of the workspace, so that a
table reads exactly their rows; a URL downloaded once into azureml/downloads/<digest>/."""
from __future__ import annotations

import glob
import hashlib
import os
import shutil
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from ...core.errors import PipelineError
from . import table

DOWNLOAD_TIMEOUT = 60   # seconds without an answer before a URL counts as unreachable


def is_pattern(path: str) -> bool:
    return any(c in path for c in "*?[") and not is_url(path)


def is_url(path: str) -> bool:
    return path.startswith(("http://", "https://"))


def _workspace(workspace: Any) -> Any:
    if workspace is not None:
        return workspace
    from ..sdk.core.workspace import Workspace

    return Workspace.from_config()


def download(url: str, workspace: Any = None) -> Path:
    """The URL's file, downloaded into the workspace the first time it is asked for."""
    ws = _workspace(workspace)
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    name = os.path.basename(url.split("?")[0].split("#")[0].rstrip("/"))
    name = name if name not in ("", ".", "..") else "download"
    target = table.folder(ws) / "downloads" / digest / name
    if target.is_file():
        return target
    try:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as answer:
            data = answer.read()
    except (urllib.error.URLError, OSError, ValueError) as err:
        why = getattr(err, "reason", None) or err
        raise PipelineError(f"cannot download {url}: {why}. Check the address and the network, "
                            f"or download the file yourself and give its local path") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return target


def _expand(path: str, workspace: Any) -> list[tuple[Path, str]]:
    """(file, name in the selection) for one path, glob or URL."""
    if is_url(path):
        got = download(path, workspace)
        return [(got, got.name)]
    if is_pattern(path):
        base = Path(os.path.dirname(path.split("*")[0].split("?")[0].split("[")[0]) or ".")
        files = sorted(Path(p) for p in glob.glob(path, recursive=True) if os.path.isfile(p))
        if not files:
            raise PipelineError(f"no file matches {path!r}; check the pattern and the folder")
        return [(f, f.absolute().relative_to(base.absolute()).as_posix()) for f in files]
    p = Path(path)
    if not p.exists():
        raise PipelineError(f"dataset path {path!r} does not exist (looked in {p.absolute()}); "
                            f"check the path or create the data first")
    if p.is_dir():
        return [(f, f.relative_to(p).as_posix()) for f in sorted(p.rglob("*")) if f.is_file()]
    return [(p, p.name)]


def folder_of(paths: list[str], workspace: Any = None) -> Path:
    """One local path for `paths`: a single URL's downloaded file, else a folder holding
    exactly the files they name."""
    if len(paths) == 1 and is_url(paths[0]):
        return download(paths[0], workspace)
    chosen: dict[str, Path] = {}
    for path in paths:
        for file, name in _expand(path, workspace):
            chosen.setdefault(name.replace("/", "__"), file.absolute())
    digest = hashlib.sha256("\n".join(f"{n}={f}" for n, f in sorted(chosen.items()))
                            .encode()).hexdigest()[:16]
    folder = table.folder(_workspace(workspace)) / "selections" / digest
    fresh = folder.with_name(folder.name + f".{os.getpid()}.tmp")
    fresh.mkdir(parents=True, exist_ok=True)
    for name, file in chosen.items():
        try:
            os.link(file, fresh / name)
        except OSError:
            shutil.copy2(file, fresh / name)
    if folder.exists():
        shutil.rmtree(folder, ignore_errors=True)
    os.replace(fresh, folder)
    return folder
