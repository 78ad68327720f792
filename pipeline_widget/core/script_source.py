"""What a script's source says about how a pipeline should call it, read without running it:
the command-line options it declares (argparse's `add_argument`) and the named dataset
inputs it reads (`input_datasets["name"]`). The designer uses them to guess, as a notebook's
parameters cell lets it guess for notebooks."""
from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

OUTPUT_WORDS = ("output", "write", "save")


def says_written(help_text: str) -> bool:
    """A parameter's or an option's help says the step writes there (an output folder)."""
    return any(word in help_text.lower() for word in OUTPUT_WORDS)


@dataclass(frozen=True)
class ScriptOption:
    flag: str          # as typed on the command line: --folder
    dest: str          # the name it is stored under: folder
    help: str = ""

    @property
    def is_output(self) -> bool:
        """Its help says the script writes there."""
        return says_written(self.help)


def _source_tree(path: Path) -> ast.AST | None:
    try:
        return _parsed(str(path), path.stat().st_mtime_ns)
    except OSError:
        return None


@lru_cache(maxsize=64)
def _parsed(path: str, mtime: int) -> ast.AST | None:
    try:
        return ast.parse(Path(path).read_text(encoding="utf-8", errors="replace"))
    except (SyntaxError, ValueError):
        return None


def script_options(path: str | Path) -> list[ScriptOption]:
    """The `--options` a script declares with argparse, in order."""
    tree = _source_tree(Path(path))
    found: list[ScriptOption] = []
    for node in ast.walk(tree) if tree is not None else ():
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "add_argument"):
            continue
        flags = [a.value for a in node.args if isinstance(a, ast.Constant) and
                 isinstance(a.value, str) and a.value.startswith("--")]
        if not flags:
            continue
        keywords = {k.arg: k.value for k in node.keywords}
        help_node, dest_node = keywords.get("help"), keywords.get("dest")
        help_text = help_node.value if isinstance(help_node, ast.Constant) and \
            isinstance(help_node.value, str) else ""
        dest = dest_node.value if isinstance(dest_node, ast.Constant) and \
            isinstance(dest_node.value, str) else flags[0][2:].replace("-", "_")
        found.append(ScriptOption(flags[0], dest, help_text))
    return sorted(found, key=lambda o: _position(tree, o.flag))


def _position(tree: ast.AST | None, flag: str) -> int:
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Constant) and node.value == flag:
            return getattr(node, "lineno", 0)
    return 0


def named_inputs(path: str | Path) -> list[str]:
    """The names a script looks up in `input_datasets[...]`, in order of appearance."""
    tree = _source_tree(Path(path))
    names: list[tuple[int, str]] = []
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and \
                node.value.attr == "input_datasets" and isinstance(node.slice, ast.Constant) \
                and isinstance(node.slice.value, str):
            names.append((node.lineno, node.slice.value))
    return list(dict.fromkeys(name for _, name in sorted(names)))
