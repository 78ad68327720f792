"""Why a step is not reused: the changed thing, named, from two fingerprints' components."""
from __future__ import annotations

from typing import Any


def _files(old: dict, new: dict) -> list[str]:
    reasons = []
    for path in sorted(set(old) | set(new)):
        if path not in old:
            reasons.append(f"{path} is new to the step")
        elif path not in new:
            reasons.append(f"{path} is no longer part of the step")
        elif old[path] != new[path]:
            reasons.append(f"{path} changed")
    return reasons


def _dataset(name: str, old: dict, new: dict) -> list[str]:
    """`dataset raw_dataset: data/raw.csv changed` (files of a folder dataset, the first few)."""
    label, path = f"dataset {new.get('dataset') or name}", new.get("path")
    if old.get("path") != path:
        return [f"{label}: now {path} (was {old.get('path')})"]
    old_files, new_files = old.get("files") or {}, new.get("files") or {}
    changed = [f for f in sorted(set(old_files) | set(new_files))
               if old_files.get(f) != new_files.get(f)]
    if not changed:
        return [f"{label}: {path} changed"]
    words = [f"{label}: {path}{'/' + f if f else ''} "
             f"{'is new' if f not in old_files else 'is gone' if f not in new_files else 'changed'}"
             for f in changed[:5]]
    return words + ([f"{label}: and {len(changed) - 5} more files"] if len(changed) > 5 else [])


def _inputs(old: dict, new: dict) -> list[str]:
    reasons = []
    for name in sorted(set(old) | set(new)):
        a, b = old.get(name) or {}, new.get(name) or {}
        if a == b:
            continue
        kind = b.get("kind") or a.get("kind")
        if not a or not b or a.get("kind") != b.get("kind"):
            reasons.append(f"input {name!r} is {'new' if not a else 'gone' if not b else 'of another kind'}")
        elif kind == "data":
            reasons.append(f"upstream output {name!r} is from another run")
        elif kind == "dataset":
            reasons += _dataset(name, a, b)
        else:
            reasons.append(f"parameter {name!r} changed: {a.get('value')!r} -> {b.get('value')!r}")
    return reasons


def _environment(old: dict, new: dict) -> list[str]:
    """`interpreter changed: python -> .venv/bin/python`, `Python 3.11.7 -> 3.12.1`,
    `environment variable MODE changed` (never a value: some are secrets)."""
    reasons = []
    if old.get("interpreter") != new.get("interpreter"):
        reasons.append(f"interpreter changed: {old.get('interpreter') or 'python'} -> "
                       f"{new.get('interpreter') or 'python'}")
    elif old.get("python") != new.get("python") and old.get("kernel") == new.get("kernel"):
        reasons.append(f"Python {old.get('python')} -> {new.get('python')}")
    a, b = old.get("variables") or {}, new.get("variables") or {}
    for name in sorted(set(a) | set(b)):
        if a.get(name) != b.get(name):
            how = "is new" if name not in a else "was removed" if name not in b else "changed"
            reasons.append(f"the step's environment variable {name} {how}")
    return reasons


def _values(label: str, old: dict, new: dict) -> list[str]:
    def shown(values: dict, k: str) -> str:   # a parameter not given: the notebook's default
        return repr(values[k]) if k in values else "not set"
    return [f"{label} {k!r} changed: {shown(old, k)} -> {shown(new, k)}"
            for k in sorted(set(old) | set(new)) if old.get(k, _UNSET) != new.get(k, _UNSET)]


_UNSET = object()


def explain(old: dict | None, new: dict[str, Any]) -> list[str]:
    """What changed between an earlier result's components and these, in words."""
    if old is None:
        return ["no earlier successful run of this step"]
    reasons: list[str] = []
    if old.get("source") != new.get("source"):
        def name(c: dict) -> str:
            return str(c.get("source") or "?").rsplit("/", 1)[-1]
        reasons.append(f"{new.get('noun', 'source')} changed: {name(old)} -> {name(new)}")
    reasons += _files({**(old.get("imports") or {}), **(old.get("code") or {})},
                      {**(new.get("imports") or {}), **(new.get("code") or {})})
    if old.get("declared") != new.get("declared"):
        reasons.append("the step's declared dependencies changed")
    if old.get("kernel") != new.get("kernel"):
        reasons.append(f"kernel changed: {old.get('kernel')} -> {new.get('kernel')}")
    reasons += _environment(old.get("environment") or {}, new.get("environment") or {})
    labels = {"options": "the step's options changed",
              "kind": "the step type changed", "outputs": "the step's outputs changed",
              "arguments": "the arguments changed", "command": "the command changed"}
    for key, label in labels.items():
        if old.get(key) != new.get(key):
            reasons.append(label)
    reasons += _values("parameter", old.get("parameters") or {}, new.get("parameters") or {})
    reasons += _inputs(old.get("inputs") or {}, new.get("inputs") or {})
    return reasons or ["the earlier result is gone"]
