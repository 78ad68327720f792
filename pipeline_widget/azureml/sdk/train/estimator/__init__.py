"""azureml.train.estimator.Estimator: what an EstimatorStep runs (its entry script, from its
source directory); the rest describes cloud machines and environments, ignored here."""
from __future__ import annotations

from typing import Any

from ....ignored import ignore_all
from ....missing import module_getattr


class Estimator:
    def __init__(self, source_directory: str, *, compute_target: Any = None,
                 entry_script: str | None = None, script_params: dict | None = None,
                 **ignored: Any) -> None:
        if not entry_script:
            raise TypeError(f"{type(self).__name__} needs entry_script=...: the script to run")
        self.source_directory = source_directory
        self.entry_script = entry_script
        self.script_params = dict(script_params or {})
        self.compute_target = compute_target
        ignore_all(type(self).__name__, **ignored)

    def script_arguments(self) -> list[Any]:
        """script_params as arguments: {"--alpha": 0.5} -> ["--alpha", 0.5]."""
        args: list[Any] = []
        for key, value in self.script_params.items():
            args.append(key)
            if value is not None and value != "":
                args.append(value)
        return args


__all__ = ["Estimator"]
__getattr__ = module_getattr(__name__)
