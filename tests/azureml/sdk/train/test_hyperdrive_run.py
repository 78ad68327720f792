"""A HyperDriveConfig submitted alone: a local sweep whose best run is found, its files read
and its model registered."""
from __future__ import annotations

import textwrap

from tests.azureml.conftest import azureml_cli

SWEEP = textwrap.dedent('''
    from azureml.core import Experiment, ScriptRunConfig, Workspace
    from azureml.train.hyperdrive import (HyperDriveConfig, MedianStoppingPolicy,
                                          PrimaryMetricGoal, RandomParameterSampling, choice,
                                          uniform)
    ws = Workspace.from_config()
    config = HyperDriveConfig(
        run_config=ScriptRunConfig(source_directory="train", script="fit.py",
                                   arguments=["--rows", 10]),
        hyperparameter_sampling=RandomParameterSampling({"--lr": uniform(0.0, 1.0),
                                                         "--kind": choice("a", "b")}),
        policy=MedianStoppingPolicy(evaluation_interval=1, delay_evaluation=2),
        primary_metric_name="loss", primary_metric_goal=PrimaryMetricGoal.MINIMIZE,
        max_total_runs=5, max_concurrent_runs=3)
    run = Experiment(ws, "sweep").submit(config)
    run.wait_for_completion(show_output=False)
    best = run.get_best_run_by_primary_metric()
    ranked = run.get_children_sorted_by_primary_metric()
    print("TRIALS", len(run.get_children()), len(ranked))
    print("BEST_IS_LOWEST", best.id == ranked[0]["run_id"],
          best.get_metrics()["loss"][-1] == min(r["best_primary_metric"] for r in ranked))
    print("ARGS", best.get_details()["runDefinition"]["arguments"][:2])
    print("FILES", best.get_file_names())
    model = best.register_model("swept", "outputs/model.txt")
    print("MODEL", model.name, model.run_id == best.id)
''')

FIT = textwrap.dedent('''
    import argparse, os
    from azureml.core import Run
    cli = argparse.ArgumentParser()
    cli.add_argument("--rows", type=int); cli.add_argument("--lr", type=float)
    cli.add_argument("--kind")
    a = cli.parse_args()
    run = Run.get_context()
    for epoch in range(3):
        run.log("loss", (a.lr - 0.3) ** 2 + epoch * 0.0 + (0.1 if a.kind == "b" else 0.0))
    open("outputs/model.txt", "w").write(f"{a.lr} {a.kind}")
''')


def test_a_sweep_submitted_alone_reports_its_best_run(tmp_path):
    project = tmp_path / "sweep"
    (project / "train").mkdir(parents=True)
    (project / "train" / "fit.py").write_text(FIT)
    (project / "config.json").write_text("{}")
    (project / "sweep.py").write_text(SWEEP)
    res = azureml_cli(project, "sweep.py")
    out = res.stdout
    assert res.returncode == 0, out + res.stderr
    assert "TRIALS 5 5" in out and "BEST_IS_LOWEST True True" in out
    assert "ARGS ['--rows', '10']" in out
    assert "FILES ['outputs/model.txt']" in out
    assert "MODEL swept True" in out
    assert "MedianStoppingPolicy (every trial runs to its end)" in res.stderr
