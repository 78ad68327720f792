"""Output manifests: what a finished step wrote (files, sizes, digests), so a later run can
tell, cheaply, whether those outputs are still exactly what the step produced."""
from __future__ import annotations

import os
import stat
from pathlib import Path

from .digests import digest_json, hash_file, walk_files

Manifest = dict[str, list]   # relative name -> [size, mtime_ns, sha256]


def build(folder: Path) -> Manifest:
    """The manifest of a local output folder."""
    manifest: Manifest = {}
    for name, path in walk_files(folder):
        st = os.stat(path)
        manifest[name] = [st.st_size, st.st_mtime_ns, hash_file(path)]
    return manifest


def digest(manifest: Manifest) -> str:
    """The identity of what a step produced: names and contents, not times."""
    return digest_json(sorted((name, entry[2]) for name, entry in manifest.items()))


def changed(folder: Path, manifest: Manifest) -> str | None:
    """What differs between the folder and its manifest (by stat, then content), or None."""
    if not folder.is_dir():
        return "its folder is gone"
    present = {name: path for name, path in walk_files(folder)}
    if manifest and not present:
        return "it was emptied"
    if set(present) != set(manifest):
        missing = sorted(set(manifest) - set(present))
        if missing:
            return f"{missing[0]} is missing"
        return f"{sorted(set(present) - set(manifest))[0]} was added"
    for name, (size, mtime_ns, sha) in manifest.items():
        st = os.stat(present[name])
        if st.st_size != size:
            return f"{name} changed"
        if st.st_mtime_ns != mtime_ns and hash_file(present[name]) != sha:
            return f"{name} changed"
    return None


def make_read_only(folder: Path) -> None:
    """Finished outputs are read-only files; folders stay writable, so that the workspace
    can still be removed with `rm -rf` by its owner."""
    for _, path in walk_files(folder):
        try:
            mode = os.stat(path).st_mode
            os.chmod(path, mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        except OSError:
            pass
