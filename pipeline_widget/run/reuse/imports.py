"""The local Python modules a step's code imports, found by reading it (nothing is run).

`import helpers`, `from pkg import mod`, `from . import x` and `%run other.py` are
followed, transitively, to files inside the project; installed packages (anything
outside the project, or in a virtual environment inside it) are not part of a step.
"""
from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path

from .digests import SKIP_DIRS

_MAGIC_RUN = re.compile(r"^\s*%run\s+(?:-\S+\s+)*([^\s;]+\.py)\b", re.M)


def _python(source: str) -> str:
    """A cell's code without IPython magics and shell escapes, which do not parse."""
    if source.lstrip().startswith("%%"):
        return ""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())


@lru_cache(maxsize=4096)
def _imports(source: str) -> tuple[tuple[int, str, tuple[str, ...]], ...]:
    """(level, module, names) of each import; () when the code does not parse."""
    try:
        tree = ast.parse(_python(source))
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return ()
    found: list[tuple[int, str, tuple[str, ...]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((0, a.name, ()) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or "", tuple(a.name for a in node.names)))
    return tuple(found)


def _inside_project(path: Path, project: Path) -> bool:
    try:
        rel = path.relative_to(project)
    except ValueError:
        return False
    return not any(part in SKIP_DIRS or part == "site-packages" for part in rel.parts)


def _module_file(base: Path, dotted: str) -> Path | None:
    if not dotted:
        init = base / "__init__.py"
        return init if init.is_file() else None
    target = base.joinpath(*dotted.split("."))
    for candidate in (target.with_suffix(".py"), target / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _resolve(level: int, module: str, names: tuple[str, ...], here: Path,
             roots: list[Path]) -> list[Path]:
    if level:
        bases = [here.parents[level - 2] if level > 1 else here] if level - 1 <= len(
            here.parents) else []
    else:
        bases = roots
    found = []
    for base in bases:
        hit = _module_file(base, module)
        if hit is not None:
            found.append(hit)
            for name in names:  # `from pkg import mod` may name a module
                sub = _module_file(base, f"{module}.{name}" if module else name)
                if sub is not None:
                    found.append(sub)
            break
    return found


def local_modules(sources: list[str], folder: Path, project: Path) -> list[Path]:
    """The project's own .py files that `sources` (code run in `folder`) import, directly or
    through each other, sorted; the step's own source is not included."""
    project = project.resolve()
    roots = [folder.resolve(), project]
    result: dict[Path, None] = {}
    todo: list[tuple[str, Path]] = [(s, folder.resolve()) for s in sources]
    while todo:
        source, here = todo.pop()
        targets: list[Path] = []
        for level, module, names in _imports(source):
            targets += _resolve(level, module, names, here, [here, *roots])
        targets += [here / m for m in _MAGIC_RUN.findall(source) if (here / m).is_file()]
        for target in targets:
            target = target.resolve()
            if target in result or not _inside_project(target, project):
                continue
            result[target] = None
            try:
                text = target.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            todo.append((text, target.parent))
    return sorted(result)
