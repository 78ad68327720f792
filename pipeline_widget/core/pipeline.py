"""The Pipeline model: steps linked by PipelineData, checkable and savable."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable, Self

from . import atomic, fileformat, graph, jsonfiles
from .datastore import Datastore
from .errors import PipelineError
from .extensions import Extensions, check_extensions
from .pipeline_data import PipelineData, PipelineParameter
from .steps import Step
from .validation import Problem, errors, validate
from .workspace import Workspace

# Files of other tools (Elyra's .pipeline, Ploomber's pipeline.yaml): opened through their
# importers (interop/), never loaded or written as pipeline files.
OTHER_TOOLS_SUFFIXES = (".pipeline", ".yaml", ".yml")


class PipelineModel:
    """The pipeline model: the given steps plus the producers of their inputs.

    It knows nothing of running; the public `Pipeline` (run/submission.py) adds that.
    """

    def __init__(self, workspace: Workspace | None = None, steps: Iterable[Step] = (),
                 description: str = "", name: str = "pipeline",
                 extensions: Extensions | None = None) -> None:
        if isinstance(steps, Step):
            steps = [steps]
        self.workspace = workspace if workspace is not None else Workspace()
        self.steps: list[Step] = graph.collect_steps(steps)
        self.description = description
        self.name = name
        self.path: Path | None = None  # the file it was loaded from or saved to
        self.declared = fileformat.Declared()  # in the file, used by no step: saved again
        self.extensions = extensions

    @property
    def extensions(self) -> Extensions:
        """Other tools' settings of the whole pipeline, by namespace ({"elyra": {...}}):
        kept in the file as they are, read by exports, ignored when running (each step
        has its own too: Step.extensions)."""
        return self._extensions

    @extensions.setter
    def extensions(self, value: Extensions | None) -> None:
        self._extensions = check_extensions(value, "the pipeline")

    @property
    def base_dir(self) -> Path:
        """The folder that relative paths in the saved form are relative to."""
        return self.path.parent if self.path is not None else Path.cwd()

    # -- graph ----------------------------------------------------------------
    def step(self, name: str) -> Step:
        for s in self.steps:
            if s.name == name:
                return s
        raise PipelineError(f"the pipeline has no step named {name!r}; steps are "
                            f"{', '.join(repr(s.name) for s in self.steps) or 'none'}")

    @property
    def data(self) -> list[PipelineData]:
        return graph.all_data(self.steps)

    @property
    def parameters(self) -> dict[str, PipelineParameter]:
        """The steps' pipeline parameters, then those the file declares that no step uses
        (yet): those are the pipeline's too, so they may be given and swept."""
        found: dict[str, PipelineParameter] = {}
        for s in self.steps:
            for p in s.pipeline_parameters():
                found.setdefault(p.name, p)
        for p in self.declared.parameters.values():
            found.setdefault(p.name, p)
        return found

    def upstream(self) -> dict[str, list[str]]:
        return graph.upstream(self.steps)

    def topological_order(self) -> list[str]:
        self.check()
        return graph.topological_order(self.steps)

    # -- checks ---------------------------------------------------------------
    def validate(self) -> list[Problem]:
        """Every problem found without running; [] when the pipeline is valid."""
        return self.model_problems()

    def model_problems(self) -> list[Problem]:
        """The problems of the model itself (the runner's Pipeline adds what it sees)."""
        return validate(self.steps)

    def check(self) -> None:
        problems = errors(self.model_problems())
        if problems:
            raise PipelineError("the pipeline is not valid:\n" +
                                "\n".join(f"  - {p}" for p in problems))

    def resolve_parameters(self, overrides: dict[str, Any] | None) -> dict[str, Any]:
        """Defaults of the pipeline parameters with `overrides` applied; unknown names refused."""
        known = self.parameters
        values = {n: p.default_value for n, p in known.items()}
        for name, value in (overrides or {}).items():
            if name not in known:
                raise PipelineError(f"there is no pipeline parameter {name!r}; the pipeline has "
                                    f"{', '.join(map(repr, known)) or 'no parameters'}")
            values[name] = value
        return values

    # -- files ----------------------------------------------------------------
    def to_dict(self, base_dir: str | os.PathLike | None = None) -> dict:
        base = Path(base_dir).absolute() if base_dir is not None else Path.cwd()
        return fileformat.to_dict(self.name, self.description, self.steps, base, self.declared,
                                  self.extensions)

    @classmethod
    def from_dict(cls, data: Any, workspace: Workspace | None = None,
                  base_dir: str | os.PathLike | None = None, source: str = "pipeline") -> Self:
        workspace = workspace if workspace is not None else Workspace()
        base = Path(base_dir).absolute() if base_dir is not None else Path.cwd()
        name, description, steps, declared, extensions = fileformat.from_dict(
            data, base, lambda n: Datastore.get(workspace, n), source)
        pipeline = cls(workspace, steps, description=description, name=name or "pipeline",
                       extensions=extensions)
        pipeline.declared = declared
        return pipeline

    def save(self, path: str | os.PathLike) -> Path:
        path = Path(path).absolute()
        if path.suffix in OTHER_TOOLS_SUFFIXES:   # never write over Elyra's or Ploomber's file
            raise PipelineError(f"{path.name} is another tool's pipeline file, which saving "
                                f"would replace; save as {path.name}.json or another "
                                f"NAME{fileformat.SUFFIX}")
        atomic.write_text(path, jsonfiles.dumps(self.to_dict(path.parent)))
        self.path = path
        return path

    @classmethod
    def load(cls, path: str | os.PathLike, workspace: Workspace | None = None) -> Self:
        path = Path(path).absolute()
        if path.suffix in OTHER_TOOLS_SUFFIXES:
            raise PipelineError(f"{path.name} is not a {fileformat.SUFFIX} file; open it with "
                                f"pipeline_widget.interop.open_pipeline or PipelineDesigner.load, "
                                f"or import it: pipeline-widget import {path.name}")
        data = fileformat.read(path)
        if isinstance(data, dict) and not data.get("name"):
            data = {**data, "name": fileformat.default_name(path)}
        pipeline = cls.from_dict(data, workspace, path.parent, source=path.name)
        pipeline.path = path
        return pipeline

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, steps={[s.name for s in self.steps]})"
