"""Output manifests: what a finished step wrote (files, stat keys, digests), so a later run
can tell, cheaply, whether those outputs are still exactly what the step produced.

A file is unchanged while its stat key (size, mtime, ctime, inode: digests.stat_key, as
for datasets) is; when any differs its content is read again, so a file rewritten with
its old size and mtime restored is still caught (ctime cannot be set back). Links in an
output are recorded as links and never followed: sealing and digesting stay inside the
output folder whatever it links to.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from .digests import digest_json, hash_file, stat_key

Manifest = dict[str, list]   # relative name -> [size, mtime_ns, ctime_ns, inode, sha256]
LINK = "link"                # or ["link", target] for a symbolic link


def _walk(folder: Path) -> list[tuple[str, os.DirEntry]]:
    """(relative name, entry) of every file and link under `folder`, links not followed."""
    found: list[tuple[str, os.DirEntry]] = []

    def visit(path: str, prefix: str) -> None:
        try:
            entries = sorted(os.scandir(path), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            name = prefix + entry.name
            if entry.is_symlink():
                found.append((name, entry))
            elif entry.is_dir(follow_symlinks=False):
                if entry.name != ".ipynb_checkpoints":
                    visit(entry.path, name + "/")
            elif entry.is_file(follow_symlinks=False):
                found.append((name, entry))

    visit(str(folder), "")
    return found


def _entry(entry: os.DirEntry) -> list:
    if entry.is_symlink():
        return [LINK, os.readlink(entry.path)]
    st = entry.stat(follow_symlinks=False)
    return [*stat_key(st), hash_file(Path(entry.path))]


def build(folder: Path) -> Manifest:
    """The manifest of a local output folder (after make_read_only: it changes ctimes)."""
    return {name: _entry(entry) for name, entry in _walk(folder)}


def digest(manifest: Manifest) -> str:
    """The identity of what a step produced: names and contents, not times."""
    return digest_json(sorted((name, entry[-1]) for name, entry in manifest.items()))


def _differs(entry: os.DirEntry, recorded: list) -> bool:
    if recorded and recorded[0] == LINK or entry.is_symlink():
        return not entry.is_symlink() or recorded[:1] != [LINK] \
            or os.readlink(entry.path) != recorded[-1]
    st = entry.stat(follow_symlinks=False)
    if len(recorded) == 5 and stat_key(st) == recorded[:4]:
        return False
    if st.st_size != recorded[0]:
        return True
    return hash_file(Path(entry.path)) != recorded[-1]


def changed(folder: Path, manifest: Manifest) -> str | None:
    """What differs between the folder and its manifest (by stat, then content), or None."""
    if not folder.is_dir():
        return "its folder is gone"
    present = dict(_walk(folder))
    if manifest and not present:
        return "it was emptied"
    if set(present) != set(manifest):
        missing = sorted(set(manifest) - set(present))
        if missing:
            return f"{missing[0]} is missing"
        return f"{sorted(set(present) - set(manifest))[0]} was added"
    for name, recorded in manifest.items():
        if _differs(present[name], recorded):
            return f"{name} changed"
    return None


def make_read_only(folder: Path) -> None:
    """Finished outputs are read-only files; folders stay writable, so that the workspace
    can still be removed with `rm -rf` by its owner. Links are left alone (what they point
    to is not the step's)."""
    for _, entry in _walk(folder):
        if entry.is_symlink():
            continue
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
            os.chmod(entry.path, mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH),
                     follow_symlinks=False)
        except (OSError, NotImplementedError):
            pass
