"""A parameter sweep: one run per combination of values.

The grid is counted (the product of the axes' lengths) and walked lazily, never built:
ten values for each of eight parameters are 10^8 combinations, which no list should hold.
Its values are checked before the first run, so that a sweep is not refused halfway.
"""
from __future__ import annotations

import itertools
import math
from typing import Any, Iterator

from ..core.errors import PipelineError
from ..core.pipeline import PipelineModel
from ..core.validation import errors
from . import checks


class Sweep:
    """`axes`: parameter name -> the values it takes, one run per combination."""

    def __init__(self, axes: dict[str, list[Any]]) -> None:
        self.axes = axes

    @property
    def count(self) -> int:
        return math.prod(len(values) for values in self.axes.values())

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for combination in itertools.product(*self.axes.values()):
            yield dict(zip(self.axes, combination))

    def check(self, pipeline: PipelineModel, parameters: dict[str, Any]) -> None:
        """Refuse, before any run, a value that one of the combinations would be refused for
        (with `parameters`, the values given besides the sweep). A step's parameter is bound
        to one pipeline parameter, so whether a value fits does not depend on the others:
        each value is checked once, not each combination."""
        pipeline.resolve_parameters({**parameters, **dict.fromkeys(self.axes)})  # the names
        for name, values in self.axes.items():
            for value in values:
                bad = errors(checks.value_problems(
                    pipeline, pipeline.resolve_parameters({**parameters, name: value})))
                if bad:
                    raise PipelineError(f"the sweep's value {name}={value!r} is refused, so no "
                                        f"run started:\n" + "\n".join(f"  - {p}" for p in bad))
