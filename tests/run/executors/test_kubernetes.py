"""`kubernetes://`: tested up to the cluster it asks for (there is no Kubernetes here)."""
from __future__ import annotations

import json

import pytest

from pipeline_widget import NotebookStep, Pipeline, PipelineData, PipelineError
from pipeline_widget.run.executors import make_executor
from tests.conftest import write_notebook

pytest.importorskip("dask_kubernetes")


def test_the_cluster_spec_carries_the_options(ws):
    ws.ensure()
    ws.compute_targets_file.write_text(json.dumps({"k8s": "kubernetes://?image=my/img:1"}))
    executor = make_executor("kubernetes://k8s?workers=3&cpu=2&memory=4Gi", None, None, ws)
    spec = executor.cluster_spec()
    workers = spec["spec"]["worker"]
    assert workers["replicas"] == 3
    container = workers["spec"]["containers"][0]
    assert container["image"] == "my/img:1"
    assert container["resources"]["limits"] == {"cpu": "2", "memory": "4Gi"}
    assert "--nthreads" in " ".join(container["args"]) or "--nthreads" in str(container)


def test_without_a_cluster_the_run_says_what_to_check(ws, project, monkeypatch):
    monkeypatch.setenv("KUBECONFIG", str(project / "no-such-config"))
    out = PipelineData("out")
    nb = write_notebook(project / "n.ipynb", "out = None", "pass")
    with pytest.raises(PipelineError, match="could not start a Dask cluster on Kubernetes"):
        executor = make_executor("kubernetes://?workers=1", None, None, ws)
        executor._make_cluster()
    assert Pipeline(ws, [NotebookStep("n", nb, outputs=[out])], name="k").validate() == []


def test_an_unknown_scheme_lists_the_installed_ones():
    with pytest.raises(PipelineError, match="unknown executor 'ray://x'.*slurm://"):
        make_executor("ray://x", None)
