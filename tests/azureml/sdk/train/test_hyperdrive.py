"""HyperDrive samplings and configuration, as v1 writes them."""
from __future__ import annotations

import pytest

from pipeline_widget.azureml.sdk.core import ScriptRunConfig
from pipeline_widget.azureml.sdk.train.hyperdrive import (
    BayesianParameterSampling,
    GridParameterSampling,
    HyperDriveConfig,
    PrimaryMetricGoal,
    RandomParameterSampling,
    choice,
    loguniform,
    quniform,
    randint,
)
from pipeline_widget.core.errors import PipelineError


def test_grid_random_and_bayesian_parameter_sets():
    grid = GridParameterSampling({"--a": choice(1, 2), "b": choice([3, 4, 5])})
    assert grid.parameter_sets(4) == [{"--a": 1, "b": 3}, {"--a": 1, "b": 4},
                                      {"--a": 1, "b": 5}, {"--a": 2, "b": 3}]
    space = {"--rate": loguniform(-3, 0), "--units": quniform(8, 64, 8), "--seed": randint(5)}
    drawn = RandomParameterSampling(space).parameter_sets(20)
    assert drawn == RandomParameterSampling(space).parameter_sets(20)   # repeatable
    assert drawn != RandomParameterSampling(space, {"rngseed": 7}).parameter_sets(20)
    assert all(0.04 < p["--rate"] <= 1 and p["--units"] % 8 == 0 and p["--seed"] in range(5)
               for p in drawn)
    assert len(BayesianParameterSampling(space).parameter_sets(3)) == 3


def test_bad_configurations_are_refused_with_the_fix():
    with pytest.raises(PipelineError, match="a grid takes choice"):
        GridParameterSampling({"--rate": loguniform(-3, 0)})
    with pytest.raises(PipelineError, match="needs a parameter space"):
        RandomParameterSampling({})
    config = ScriptRunConfig(source_directory=".", script="train.py")
    with pytest.raises(PipelineError, match="max_total_runs must be a whole number from 1"):
        HyperDriveConfig(GridParameterSampling({"--a": choice(1)}), "acc",
                         PrimaryMetricGoal.MAXIMIZE, max_total_runs=0, run_config=config)
    with pytest.raises(PipelineError, match="needs run_config=ScriptRunConfig"):
        HyperDriveConfig(GridParameterSampling({"--a": choice(1)}), "acc", "maximize", 2)
    ok = HyperDriveConfig(GridParameterSampling({"--a": choice(1)}), "acc", "minimize", 2,
                          run_config=config)
    assert ok.primary_metric_goal is PrimaryMetricGoal.MINIMIZE
