"""Datasets: external data a pipeline reads (files or a CSV table), registered by name."""
from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import ClassVar

from . import atomic, jsonfiles, locks
from .errors import PipelineError
from .names import check_identifier
from .workspace import Workspace

KINDS = ("file", "tabular")


@dataclass(frozen=True)
class Dataset:
    """External data a pipeline reads: a file or a folder.

    Create one with `Dataset.Tabular.from_delimited_files(path)` (read as a table) or
    `Dataset.File.from_files(path)`, register it with `.register(workspace, name)`, and
    hand it to a step as `dataset.as_named_input(name)`.

    path: the absolute path of the data.
    kind: "tabular" or "file".
    name: the registered name, once registered.
    """

    path: str  # absolute
    kind: str = "file"
    name: str | None = None  # set once registered

    File: ClassVar[type["_FileFactory"]]
    Tabular: ClassVar[type["_TabularFactory"]]

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise PipelineError(f"dataset kind {self.kind!r} is unknown; use one of {KINDS}")

    # -- use ------------------------------------------------------------------
    def as_named_input(self, name: str) -> "DatasetConsumptionConfig":
        return DatasetConsumptionConfig(check_identifier(name, "named input"), self)

    def to_path(self) -> list[str]:
        p = Path(self.path)
        if p.is_dir():
            return sorted(str(f.relative_to(p)) for f in p.rglob("*") if f.is_file())
        return [p.name]

    def download(self, target_path: str | os.PathLike | None = None, overwrite: bool = False) -> list[str]:
        """Copy the data to `target_path` (a new temporary folder by default); returns file paths."""
        import tempfile

        target = Path(target_path) if target_path else Path(tempfile.mkdtemp(prefix="dataset-"))
        target.mkdir(parents=True, exist_ok=True)
        src = Path(self.path)
        files = [src] if src.is_file() else [f for f in src.rglob("*") if f.is_file()]
        out = []
        for f in files:
            dest = target / (f.name if src.is_file() else f.relative_to(src))
            if dest.exists() and not overwrite:
                raise PipelineError(f"{dest} exists; pass overwrite=True or choose another target_path")
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, dest)
            out.append(str(dest))
        return out

    def to_pandas_dataframe(self):
        if self.kind != "tabular":
            raise PipelineError(f"dataset {self.name or self.path!r} is a file dataset; create it with "
                                f"Dataset.Tabular.from_delimited_files to read it as a table")
        import pandas as pd

        p = Path(self.path)
        files = sorted(p.glob("*.csv")) if p.is_dir() else [p]
        return pd.concat([pd.read_csv(f) for f in files], ignore_index=True) if len(files) != 1 \
            else pd.read_csv(files[0])

    # -- registry ---------------------------------------------------------------
    def register(self, workspace: Workspace, name: str, create_new_version: bool = False,
                 description: str | None = None, tags: dict | None = None) -> "Dataset":
        """Register under `name` (description and tags: accepted as Azure ML does, not kept)."""
        check_identifier(name, "dataset")
        workspace.ensure()
        with locks.lock(workspace.datasets_file):
            table = jsonfiles.read_json(workspace.datasets_file, {})
            old = table.get(name)
            entry = {"path": workspace.relative(Path(self.path)), "kind": self.kind}
            if old and {k: old.get(k) for k in entry} != entry and not create_new_version:
                raise PipelineError(f"dataset {name!r} is already registered for {old['path']}; "
                                    f"pass create_new_version=True to replace it")
            table[name] = entry
            atomic.write_json(workspace.datasets_file, table)
        return replace(self, name=name)

    @staticmethod
    def get_by_name(workspace: Workspace, name: str) -> "Dataset":
        entry = jsonfiles.read_json(workspace.datasets_file, {}).get(name)
        if entry is None:
            raise PipelineError(f"no dataset named {name!r} in {workspace.root}; register one with "
                                f"Dataset.Tabular.from_delimited_files(path).register(ws, {name!r})")
        return Dataset(str(workspace.absolute(entry["path"])), entry["kind"], name)

    def to_dict(self) -> dict:
        return {"path": self.path, "kind": self.kind, **({"name": self.name} if self.name else {})}

    @staticmethod
    def from_dict(d: dict) -> "Dataset":
        return Dataset(d["path"], d.get("kind", "file"), d.get("name"))


_SPECIAL_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
                  (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def special_file(path: str | os.PathLike) -> tuple[str, str] | None:
    """The first file at or under `path` that is neither a regular file nor a folder (a FIFO,
    a device, a socket), and what it is; None when there is none. Reading one waits for a
    writer or never ends, so a dataset may hold none. Links are followed to what they point
    to, but folders they point to are not entered (no walk can loop). The walk reads folder
    listings only: a file's kind comes with its name, except for links."""
    kind = _special_kind(path)
    if kind:
        return str(path), kind
    todo = [os.fspath(path)] if os.path.isdir(path) else []
    while todo:
        try:
            with os.scandir(todo.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        todo.append(entry.path)
                    elif not entry.is_file(follow_symlinks=False):
                        kind = _special_kind(entry.path)
                        if kind:
                            return entry.path, kind
        except OSError:   # a folder that cannot be listed: its reader will say so
            continue
    return None


def _special_kind(path: str | os.PathLike) -> str | None:
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    return next((kind for test, kind in _SPECIAL_KINDS if test(mode)), None)


def _checked_path(path: str | os.PathLike) -> str:
    p = Path(path).expanduser().absolute()
    if not p.exists():
        raise PipelineError(f"dataset path {str(path)!r} does not exist (looked in {p}); "
                            f"check the path or create the data first")
    return str(p)


class _FileFactory:
    @staticmethod
    def from_files(path: str | os.PathLike) -> Dataset:
        return Dataset(_checked_path(path), "file")


class _TabularFactory:
    @staticmethod
    def from_delimited_files(path: str | os.PathLike) -> Dataset:
        return Dataset(_checked_path(path), "tabular")


Dataset.File = _FileFactory
Dataset.Tabular = _TabularFactory


@dataclass(frozen=True)
class DatasetConsumptionConfig:
    """A dataset read by a step under a name; the name becomes the injected variable."""

    name: str
    dataset: Dataset = field(compare=True)

    def as_mount(self, path_on_compute: str | None = None) -> "DatasetConsumptionConfig":
        """Azure ML's ways to hand a dataset over; locally the data is already a folder."""
        return self

    def as_download(self, path_on_compute: str | None = None) -> "DatasetConsumptionConfig":
        return self
