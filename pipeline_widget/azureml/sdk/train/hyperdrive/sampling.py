"""Parameter expressions and samplings of azureml.train.hyperdrive, as v1 writes them
(["choice", [[...]]], ["uniform", [lo, hi]], ...), and the parameter sets they give here:
grid (every combination of choices), random (seeded, so a run is repeatable and its steps
reusable), Bayesian (sampled as random: there is no model of earlier results here)."""
from __future__ import annotations

import itertools
import math
import random
from typing import Any

from .....core.errors import PipelineError
from ....ignored import ignore
from ....missing import MissingNames, module_getattr


def choice(*options: Any) -> list[Any]:
    if not options:
        raise PipelineError("choice() needs values, e.g. choice(0.01, 0.1) or choice([1, 2])")
    values = list(options[0]) if len(options) == 1 and isinstance(options[0], (list, range)) \
        else list(options)
    return ["choice", [values]]


def randint(upper: int) -> list[Any]:
    return ["randint", [upper]]


def uniform(min_value: float, max_value: float) -> list[Any]:
    return ["uniform", [min_value, max_value]]


def quniform(min_value: float, max_value: float, q: float) -> list[Any]:
    return ["quniform", [min_value, max_value, q]]


def loguniform(min_value: float, max_value: float) -> list[Any]:
    return ["loguniform", [min_value, max_value]]


def qloguniform(min_value: float, max_value: float, q: float) -> list[Any]:
    return ["qloguniform", [min_value, max_value, q]]


def normal(mu: float, sigma: float) -> list[Any]:
    return ["normal", [mu, sigma]]


def qnormal(mu: float, sigma: float, q: float) -> list[Any]:
    return ["qnormal", [mu, sigma, q]]


def lognormal(mu: float, sigma: float) -> list[Any]:
    return ["lognormal", [mu, sigma]]


def qlognormal(mu: float, sigma: float, q: float) -> list[Any]:
    return ["qlognormal", [mu, sigma, q]]


def _draw(expression: list[Any], rng: random.Random) -> Any:
    kind, args = expression
    q = lambda v, step: round(v / step) * step   # noqa: E731
    draws = {
        "choice": lambda: rng.choice(args[0]),
        "randint": lambda: rng.randrange(args[0]),
        "uniform": lambda: rng.uniform(args[0], args[1]),
        "quniform": lambda: q(rng.uniform(args[0], args[1]), args[2]),
        "loguniform": lambda: math.exp(rng.uniform(args[0], args[1])),
        "qloguniform": lambda: q(math.exp(rng.uniform(args[0], args[1])), args[2]),
        "normal": lambda: rng.gauss(args[0], args[1]),
        "qnormal": lambda: q(rng.gauss(args[0], args[1]), args[2]),
        "lognormal": lambda: math.exp(rng.gauss(args[0], args[1])),
        "qlognormal": lambda: q(math.exp(rng.gauss(args[0], args[1])), args[2])}
    if kind not in draws:
        raise PipelineError(f"unknown parameter expression {kind!r}; use choice, uniform, ...")
    return draws[kind]()


class HyperParameterSampling(MissingNames):
    name = "RANDOM"

    def __init__(self, parameter_space: dict[str, list[Any]], properties: dict | None = None
                 ) -> None:
        if not isinstance(parameter_space, dict) or not parameter_space:
            raise PipelineError(f"{type(self).__name__} needs a parameter space: a dict such "
                                f"as {{'--rate': choice(0.1, 0.5)}}")
        for key, expression in parameter_space.items():
            if not (isinstance(expression, list) and len(expression) == 2):
                raise PipelineError(f"{type(self).__name__}: {key!r} must be a parameter "
                                    f"expression such as choice(...) or uniform(...)")
        self.parameter_space = dict(parameter_space)
        self.properties = dict(properties or {})

    def parameter_sets(self, count: int) -> list[dict[str, Any]]:
        """Up to `count` parameter sets, the same for the same space and seed."""
        rng = random.Random(self.properties.get("rngseed", 0))
        return [{k: _draw(e, rng) for k, e in self.parameter_space.items()}
                for _ in range(count)]


class RandomParameterSampling(HyperParameterSampling):
    pass


class BayesianParameterSampling(HyperParameterSampling):
    name = "BAYESIANOPTIMIZATION"

    def __init__(self, parameter_space: dict[str, list[Any]], properties: dict | None = None
                 ) -> None:
        super().__init__(parameter_space, properties)
        ignore("BayesianParameterSampling (sampled at random here)")


class GridParameterSampling(HyperParameterSampling):
    name = "GRID"

    def __init__(self, parameter_space: dict[str, list[Any]], properties: dict | None = None
                 ) -> None:
        super().__init__(parameter_space, properties)
        for key, (kind, _) in self.parameter_space.items():
            if kind != "choice":
                raise PipelineError(f"GridParameterSampling: {key!r} is {kind}(); a grid takes "
                                    f"choice() values only")

    def parameter_sets(self, count: int) -> list[dict[str, Any]]:
        keys = list(self.parameter_space)
        grid = itertools.product(*(self.parameter_space[k][1][0] for k in keys))
        return [dict(zip(keys, values)) for values in itertools.islice(grid, count)]


__getattr__ = module_getattr(__name__)
