"""Data on remote datastores (fsspec URLs): download a step's inputs to a scratch folder,
upload its outputs when it finished, and tell complete outputs from broken uploads.

A step never sees a URL: its plan is rewritten to local scratch folders before it
runs (`Staging.plan`). An output counts as present only once its completion
marker exists; the marker is written after every file of the output was
uploaded, so an upload that breaks leaves nothing a later run would reuse.
"""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from ...core.containment import inside
from ...core.datastore import Datastore
from ...core.errors import PipelineError
from ...core.workspace import Workspace

if TYPE_CHECKING:
    from ..plan.model import StepPlan

MARKER_SUFFIX = ".complete"   # <datastore>/<step run id>/<name>.complete, beside the folder


def is_remote(path: str) -> bool:
    return isinstance(path, str) and not Datastore("", path).is_local


def marker_url(url: str) -> str:
    return url.rstrip("/") + MARKER_SUFFIX


def storage_for(workspace: Workspace, urls: Iterable[str]) -> dict[str, dict]:
    """The fsspec options of each remote URL's datastore, keyed by the datastore's URL."""
    remote = [u for u in urls if is_remote(u)]
    if not remote:
        return {}
    stores = [s for s in workspace.datastores.values() if not s.is_local]
    found = {}
    for url in remote:
        for store in stores:
            root = store.url.rstrip("/") + "/"
            if url.startswith(root):
                found[store.url] = dict(store.storage_options)
                break
    return found


def options_for(storage: dict[str, dict], url: str) -> dict:
    best = ""
    for root in storage:
        if url.startswith(root.rstrip("/") + "/") and len(root) > len(best):
            best = root
    return dict(storage.get(best, {}))


def _fs(url: str, options: dict):
    try:
        from fsspec.core import url_to_fs

        return url_to_fs(url, **options)
    except ImportError as err:
        raise PipelineError(f"datastore URL {url} needs a filesystem library that is not "
                            f"installed ({err}); install pipeline-widget[dask] (fsspec, s3fs) "
                            f"or the fsspec backend for this URL") from err


def is_complete(url: str, options: dict) -> bool:
    """Whether the output at `url` was uploaded in full."""
    fs, path = _fs(marker_url(url), options)
    try:
        return bool(fs.exists(path))
    except (OSError, ValueError):
        return False


def download(url: str, local: Path, options: dict) -> int:
    """Copy every file under `url` into `local`; returns the number of files. An object
    whose key would land outside `local` (`..`, an absolute part) stops the download
    before anything is copied."""
    fs, root = _fs(url, options)
    root = root.rstrip("/")
    local.mkdir(parents=True, exist_ok=True)
    fs.invalidate_cache()
    files = [f for f in fs.find(root) if f != root]
    targets = [str(inside(local, f[len(root) + 1:], f"object key {f!r}")) for f in files]
    for target in targets:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    if files:
        _within_time(lambda: fs.get(files, targets), f"the download of {url}")
    return len(files)


TIMEOUT_ENV = "PIPELINE_WIDGET_TRANSFER_TIMEOUT"
TRANSFER_TIMEOUT = 3600.0   # seconds a step's downloads or uploads may take, all together


def transfer_timeout() -> float:
    try:
        return float(os.environ.get(TIMEOUT_ENV, TRANSFER_TIMEOUT))
    except ValueError:
        return TRANSFER_TIMEOUT


def _within_time(transfer: Callable[[], object], what: str) -> None:
    """Run a transfer, but give up on one that hangs (a storage server that stops
    answering): the step then fails, naming it, and its retries may try again."""
    done: dict[str, BaseException | None] = {}

    def work() -> None:
        try:
            transfer()
            done["error"] = None
        except BaseException as err:   # handed to the step below
            done["error"] = err

    thread = threading.Thread(target=work, name="transfer", daemon=True)
    thread.start()
    thread.join(transfer_timeout())
    if "error" not in done:
        raise TimeoutError(f"{what} did not finish within {transfer_timeout():g} s (set "
                           f"{TIMEOUT_ENV} to wait longer); nothing of it is kept")
    if done["error"] is not None:
        raise done["error"]


def upload(local: Path, url: str, options: dict) -> int:
    """Upload every file under `local` to `url`, then the completion marker; on failure,
    remove what was uploaded (best effort: without the marker it is never reused)."""
    fs, root = _fs(url, options)
    root = root.rstrip("/")
    files = sorted(p for p in local.rglob("*") if p.is_file())
    remote = [f"{root}/{p.relative_to(local).as_posix()}" for p in files]
    try:
        if files:
            _within_time(lambda: fs.put([str(p) for p in files], remote),
                         f"the upload to {url}")
        manifest = {"files": [p.relative_to(local).as_posix() for p in files],
                    "bytes": sum(p.stat().st_size for p in files), "time": time.time()}
        fs.pipe(marker_url(root), json.dumps(manifest).encode())
    except BaseException:
        try:
            if remote:
                fs.rm(remote)
        except Exception:
            pass
        raise
    return len(files)


SCRATCH = "scratch"   # a step run's downloaded inputs and outputs before upload


class Staging:
    """A step's remote inputs and outputs mapped to folders in a scratch folder."""

    def __init__(self, plan: StepPlan) -> None:
        self.original = plan
        # in the step run's record folder, not the system's temporary one: what a killed
        # runner leaves stays with its run, and goes when the run is removed
        self.scratch = Path(plan.record_dir) / SCRATCH
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.scratch.mkdir(parents=True, exist_ok=True)
        self.local: dict[str, str] = {}   # remote URL -> local folder
        for kind, folders in (("inputs", plan.inputs), ("outputs", plan.outputs)):
            for name, url in folders.items():
                if is_remote(url):
                    self.local[url] = str(self.scratch / kind / name)
        swap = lambda v: self.local.get(v, v) if isinstance(v, str) else v  # noqa: E731
        self.plan = dataclasses.replace(
            plan, inputs={k: swap(v) for k, v in plan.inputs.items()},
            outputs={k: swap(v) for k, v in plan.outputs.items()},
            parameters={k: swap(v) for k, v in plan.parameters.items()},
            arguments=[swap(a) for a in plan.arguments])

    @staticmethod
    def needed(plan: StepPlan) -> bool:
        return any(is_remote(u) for u in [*plan.inputs.values(), *plan.outputs.values()])

    def download_inputs(self) -> None:
        for name, url in self.original.inputs.items():
            if url in self.local:
                try:
                    download(url, Path(self.local[url]), options_for(self.original.storage, url))
                except Exception as err:
                    raise RuntimeError(f"could not download input {name!r} of step "
                                       f"{self.original.name!r} from {url}: {err}") from err

    def upload_outputs(self) -> None:
        for name, url in self.original.outputs.items():
            if url in self.local:
                try:
                    upload(Path(self.local[url]), url, options_for(self.original.storage, url))
                except Exception as err:
                    raise RuntimeError(f"could not upload output {name!r} of step "
                                       f"{self.original.name!r} to {url}: {err}; the step's "
                                       f"outputs are not kept, run it again") from err

    def cleanup(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)


def output_exists(path: str, storage: dict[str, dict]) -> bool:
    """A local output folder exists, or a remote output was uploaded in full."""
    if not isinstance(path, str):
        return False
    if is_remote(path):
        return is_complete(path, options_for(storage, path))
    return os.path.isdir(path)
