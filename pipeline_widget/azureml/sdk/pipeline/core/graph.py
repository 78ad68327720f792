"""azureml.pipeline.core.StepSequence: steps that run one after another."""
from __future__ import annotations

from typing import Any


class StepSequence:
    def __init__(self, steps: list[Any] | None = None) -> None:
        self.steps = list(steps or [])
