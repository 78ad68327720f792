"""A command step: a command line (`Rscript train.R --data {prepped}`) run in a folder.

`{name}` in the command stands for the step's PipelineData folder, named dataset input or
pipeline parameter `name`; the rest is split as a shell would (quotes kept together) but
never run through a shell, so no value is ever interpreted as shell syntax.
"""
from __future__ import annotations

import os
import re
import shlex
from pathlib import Path
from typing import Any, Iterable

from ..errors import PipelineError
from ..pipeline_data import PipelineData, PipelineParameter
from .base import Binding, Input, Step

_REFERENCE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class CommandStep(Step):
    """A command line run as a process in `source_directory`.

    name: free text shown on the canvas and in records.
    command: the command line; `{name}` stands for an input's or output's folder, a named
        dataset input's path, or a pipeline parameter's value.
    source_directory: the folder it runs in (files of it named in the command are its code).
    inputs: PipelineData, named dataset inputs or PipelineParameters it reads.
    outputs, allow_reuse, timeout, dependencies, retries, environment: as for NotebookStep.
    """

    kind = "command"
    noun = "command"
    source_hint = "check the command and source_directory"
    fields_schema = {
        "command": {"type": "string", "minLength": 1,
                    "description": "a command line; {name} stands for an input, output or "
                                   "pipeline parameter"},
        "source_directory": {"$ref": "#/definitions/path"},
    }
    required_fields = ("command",)

    def __init__(self, *, name: str, command: str, source_directory: str | os.PathLike = ".",
                 inputs: Iterable[Input] | None = None,
                 outputs: Iterable[PipelineData] | None = None, allow_reuse: bool = True,
                 timeout: float | None = None,
                 dependencies: Iterable[str | os.PathLike] | None = None,
                 retries: int | None = None, environment: dict[str, str] | None = None,
                 parameters: Iterable[PipelineParameter] | None = None) -> None:
        """parameters: pipeline parameters the command names (`{alpha}`)."""
        super().__init__(name, [*(inputs or []), *(parameters or [])], outputs, allow_reuse,
                         timeout, dependencies, retries, environment)
        self.source_directory = Path(source_directory).expanduser().absolute()
        self.command = self._checked_command(command)

    def _checked_command(self, command: object) -> str:
        if not isinstance(command, str) or not command.strip():
            raise PipelineError(f"step {self.name!r}: the command is empty; give a command "
                                f"line, e.g. 'Rscript train.R --data {{prepped}}'")
        try:
            shlex.split(command)
        except ValueError as err:
            raise PipelineError(f"step {self.name!r}: cannot read the command ({err}); check "
                                f"the quotes") from None
        return command

    # -- what differs about a command ---------------------------------------------------------
    @property
    def tokens(self) -> list[str]:
        return shlex.split(self.command)

    @property
    def source(self) -> Path:
        """The first file of the source folder the command names (its script), else the
        folder itself."""
        files = self.source_files()
        return files[0] if files else self.source_directory

    @property
    def cwd(self) -> Path:
        return self.source_directory

    def source_files(self) -> list[Path]:
        found = []
        for token in self.tokens:
            if _REFERENCE.search(token) or token.startswith("-"):
                continue
            path = (self.source_directory / token)
            try:
                if path.is_file() and path.resolve().is_relative_to(self.source_directory.resolve()):
                    found.append(path)
            except (OSError, ValueError):
                continue
        return found

    def source_problem(self) -> str | None:
        if not self.source_directory.is_dir():
            return f"command folder {self.source_directory} not found; {self.source_hint}"
        return None

    def source_label(self) -> str:
        return f"command {self.command!r}"

    def code_text(self, raw: bytes) -> str:
        return raw.decode("utf-8", "replace")

    def python_sources(self, raw: bytes) -> list[str]:
        return [raw.decode("utf-8", "replace")] if self.source.suffix == ".py" else []

    def references(self) -> list[str]:
        return [m for token in self.tokens for m in _REFERENCE.findall(token)]

    def _named(self) -> dict[str, Any]:
        named: dict[str, Any] = {i.name: i for i in self.inputs}
        named.update({o.name: o for o in self.outputs})
        return named

    def reference_problems(self) -> list[str]:
        named = self._named()
        return [f"step {self.name!r}: the command names {{{ref}}}, which is none of its "
                f"inputs, outputs or pipeline parameters; add it or fix the name"
                for ref in dict.fromkeys(self.references()) if ref not in named]

    def content_problem(self) -> str | None:
        problems = self.reference_problems()
        return problems[0] if problems else None

    def pipeline_parameters(self) -> list[PipelineParameter]:
        return [i for i in self.inputs if isinstance(i, PipelineParameter)]

    def _value(self, ref: str, values: Binding) -> str:
        item = self._named().get(ref)
        if isinstance(item, PipelineData):
            return values.data(ref)
        if isinstance(item, PipelineParameter):
            return str(values.parameter(ref))
        if item is not None:
            return values.dataset(ref)
        raise PipelineError(self.reference_problems()[0])

    def identity(self, values: Binding) -> dict[str, Any]:
        return {"command": self.command,
                "parameters": {p.name: values.parameter(p.name)
                               for p in self.pipeline_parameters()}}

    def inject(self, values: Binding) -> tuple[dict[str, Any], list[str]]:
        argv = [_REFERENCE.sub(lambda m: self._value(m.group(1), values), token)
                for token in self.tokens]
        return {p.name: values.parameter(p.name) for p in self.pipeline_parameters()}, argv

    def to_fields(self, rel: Any, ref: Any) -> dict[str, Any]:
        return {"command": self.command, "source_directory": rel(self.source_directory)}

    @classmethod
    def from_fields(cls, s: dict, common: dict, absolute: Any, refs: Any) -> "CommandStep":
        return cls(command=s["command"], source_directory=absolute(s.get("source_directory", ".")),
                   **common)
