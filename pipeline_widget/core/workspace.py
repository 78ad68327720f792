"""The workspace: a local folder holding registries, run records, the reuse cache and data.

Every path inside the workspace folder is defined here, once.
"""
from __future__ import annotations

import os
from pathlib import Path

from . import atomic, jsonfiles
from .errors import PipelineError

# Visible, so that a Jupyter server with default settings (which hides dot-folders) opens
# executed notebooks, logs and outputs from its file browser and from links.
WORKSPACE_DIRNAME = "pipeline_workspace"
# Where earlier versions kept it: still found and used as it is (its records name its paths).
LEGACY_DIRNAME = ".pipeline_widget"
WORKSPACE_DIRNAMES = (WORKSPACE_DIRNAME, LEGACY_DIRNAME)
DEFAULT_DATASTORE = "workspaceblobstore"
# Made inside a new workspace folder: runs and data are not for the project's git history.
GITIGNORE = "# runs, reuse cache and data of pipeline-widget\n*\n"


def project_relative(path: str | os.PathLike, project: Path) -> str:
    """How a path is stored: relative to the project folder when inside it (so a moved or
    re-cloned project keeps what it stored), else absolute."""
    path = Path(os.path.normpath(Path(path).absolute()))
    try:
        return path.relative_to(project).as_posix()
    except ValueError:
        return str(path)


PROJECT_MARKERS = (".git", "pyproject.toml")


def find_project(start: Path) -> Path:
    """The project folder for `start`, found as git finds `.git`: the nearest folder at or
    above it that holds a workspace; else the nearest that looks like a project's root (a
    `.git` or a `pyproject.toml`); else `start` itself. So a notebook in `notebooks/` and
    the command line at the root share one workspace."""
    folders = [start, *start.parents]
    for folder in folders:
        if any((folder / name / "workspace.json").is_file() for name in WORKSPACE_DIRNAMES):
            return folder
    for folder in folders:
        if any((folder / marker).exists() for marker in PROJECT_MARKERS):
            return folder
    return start


def _workspace_folder(project: Path) -> Path:
    legacy = project / LEGACY_DIRNAME
    if (legacy / "workspace.json").is_file() and not (project / WORKSPACE_DIRNAME).exists():
        return legacy
    return project / WORKSPACE_DIRNAME


class Workspace:
    """Where a project's runs, reuse cache, datasets and datastores live: the
    `pipeline_workspace/` folder of its project, made on first use (a `.pipeline_widget/`
    made by an earlier version is used where it exists).

    path: the project folder; a folder named `pipeline_workspace` (or one that
        already holds `workspace.json`) is used directly as the workspace folder.
        Default: the project of the current folder (`find_project`).
    """

    def __init__(self, path: str | os.PathLike | None = None) -> None:
        path = find_project(Path.cwd()) if path is None else Path(path).expanduser().absolute()
        if path.name in WORKSPACE_DIRNAMES or (path / "workspace.json").is_file():
            self.root = path
            self.path = path.parent
        else:
            self.path = path
            self.root = _workspace_folder(path)
        if self.path.exists() and not self.path.is_dir():
            raise PipelineError(f"workspace {self.path} is a file, not a folder; pass the "
                                f"project's folder (--workspace DIR)")
        if self.root.exists() and not self.root.is_dir():
            raise PipelineError(f"workspace folder {self.root} is a file; remove it or choose "
                                f"another folder with --workspace")

    def check_writable(self) -> None:
        """Refuse a workspace that cannot be written before a run starts, not halfway."""
        folders = [self.root, self.runs_dir, self.cache_dir, self.default_datastore_dir]
        existing = [f for f in folders if f.exists()]
        if not existing:   # nothing made yet: the nearest existing folder above must take it
            existing = [next(p for p in self.root.parents if p.exists())]
        for folder in existing:
            if not os.access(folder, os.W_OK | os.X_OK):
                raise PipelineError(f"cannot write to {folder}: runs keep their records and "
                                    f"outputs there. Make it writable, or run in a project "
                                    f"folder of your own (--workspace DIR)")

    # -- layout -------------------------------------------------------------
    @property
    def datasets_file(self) -> Path:
        return self.root / "datasets.json"

    @property
    def datastores_file(self) -> Path:
        return self.root / "datastores.json"

    @property
    def compute_targets_file(self) -> Path:
        """Compute target name -> an executor URL or its options (executors, azureml)."""
        return self.root / "compute_targets.json"

    @property
    def runs_dir(self) -> Path:
        return self.root / "runs"

    @property
    def cache_dir(self) -> Path:
        return self.root / "cache"

    @property
    def results_dir(self) -> Path:
        """Where finished steps' results are kept for reuse (run/reuse/cache.py)."""
        return self.cache_dir / "results"

    @property
    def kernels_dir(self) -> Path:
        """Kernels that outlive one run (the designer's warm kernels) and their lock."""
        return self.root / "kernels"

    @property
    def default_datastore_dir(self) -> Path:
        return self.root / "datastores" / DEFAULT_DATASTORE

    def ensure(self) -> "Workspace":
        """Create the folder; called by the first command that writes."""
        if not (self.root / "workspace.json").is_file():
            atomic.write_json(self.root / "workspace.json", {"format": 1})
            ignore = self.root / ".gitignore"
            if not ignore.exists():
                atomic.write_text(ignore, GITIGNORE)
        return self

    # -- datastores -----------------------------------------------------------
    def get_default_datastore(self):
        from .datastore import Datastore

        return Datastore.get(self, DEFAULT_DATASTORE)

    @property
    def datastores(self) -> dict:
        from .datastore import Datastore

        names = [DEFAULT_DATASTORE, *jsonfiles.read_json(self.datastores_file, {})]
        return {n: Datastore.get(self, n) for n in dict.fromkeys(names)}

    @property
    def datasets(self) -> dict:
        from .dataset import Dataset

        return {n: Dataset.get_by_name(self, n) for n in jsonfiles.read_json(self.datasets_file, {})}

    def relative(self, path: str | os.PathLike) -> str:
        """A path as stored in registries, records and the cache (see `project_relative`)."""
        return project_relative(path, self.path)

    def absolute(self, stored: str) -> Path:
        return (self.path / stored) if not Path(stored).is_absolute() else Path(stored)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Workspace) and other.root == self.root

    def __hash__(self) -> int:
        return hash(self.root)

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r})"
