"""Published pipelines, pipeline endpoints and drafts kept in the workspace, used from later
processes; a REST call to an endpoint and Azure login say what to call instead."""
from __future__ import annotations

import textwrap

from tests.azureml.conftest import azureml_cli

BUILD = textwrap.dedent('''
    import sys
    from azureml.core import Workspace
    from azureml.pipeline.core import (Pipeline, PipelineDraft, PipelineEndpoint,
                                       PipelineParameter)
    from azureml.pipeline.steps import PythonScriptStep
    ws = Workspace.from_config()
    word = PipelineParameter("word", default_value=sys.argv[1])
    step = PythonScriptStep(name="say", script_name="say.py", source_directory="code",
                            arguments=["--word", word], allow_reuse=False)
    pipeline = Pipeline(ws, [step])
    published = pipeline.publish(name="sayer", description="says a word", version=sys.argv[1])
    if sys.argv[1] == "one":
        endpoint = PipelineEndpoint.publish(ws, name="say-endpoint", description="d",
                                            pipeline=published)
        draft = PipelineDraft.create(ws, pipeline, name="draft-1", experiment_name="drafts",
                                     pipeline_parameters={"word": "drafted"},
                                     tags={"kind": "test"})
    else:
        PipelineEndpoint.get(ws, name="say-endpoint").add_default(published)
    print("PUBLISHED", published.id)
''')

USE = textwrap.dedent('''
    from azureml.core import Experiment, Workspace
    from azureml.core.authentication import InteractiveLoginAuthentication
    from azureml.pipeline.core import PipelineDraft, PipelineEndpoint, PublishedPipeline
    ws = Workspace.from_config()
    print("LIST", sorted(p.version for p in PublishedPipeline.list(ws)))
    endpoint = PipelineEndpoint.get(workspace=ws, name="say-endpoint")
    print("ENDPOINT", endpoint.default_version, endpoint.list_versions()[0]["version"],
          endpoint.get_pipeline().version, endpoint.get_pipeline(version="0").version)
    by_endpoint = Experiment(ws, "endpoint-runs").submit(endpoint)
    by_version = endpoint.submit("endpoint-runs", pipeline_version="0",
                                 pipeline_parameters={"word": "chosen"})
    (draft,) = PipelineDraft.list(ws, tags={"kind": "test"})
    draft.update(pipeline_parameters={"word": "updated"})
    from_draft = PipelineDraft.get(ws, draft.id).submit_run()
    from_draft_published = draft.publish()
    old = PublishedPipeline.list(ws)[0]
    old.disable()
    try:
        Experiment(ws, "x").submit(PublishedPipeline.get(ws, old.id))
    except Exception as err:
        print("DISABLED", type(err).__name__, "is disabled" in str(err))
    for run in (by_endpoint, by_version, from_draft):
        run.wait_for_completion(show_output=False)
        print("SAID", run.find_step_run("say")[0].get_metrics()["word"])
    print("DRAFT_PUBLISHED", from_draft_published.name)
    auth = InteractiveLoginAuthentication()
    try:
        auth.get_authentication_header()
    except Exception as err:
        print("REST", type(err).__name__, err)
''')


def test_endpoints_and_drafts_are_used_from_later_processes(tmp_path):
    project = tmp_path / "pub"
    (project / "code").mkdir(parents=True)
    (project / "code" / "say.py").write_text(
        "import argparse\nfrom azureml.core import Run\ncli = argparse.ArgumentParser()\n"
        "cli.add_argument('--word')\nRun.get_context().log('word', cli.parse_args().word)\n")
    (project / "config.json").write_text("{}")
    (project / "build.py").write_text(BUILD)
    (project / "use.py").write_text(USE)
    for version in ("one", "two"):
        built = azureml_cli(project, "build.py", version)
        assert built.returncode == 0, built.stdout + built.stderr
    moved = tmp_path / "moved"      # a cloned or moved project keeps what it published
    project.rename(moved)
    res = azureml_cli(moved, "use.py")
    out = res.stdout
    assert res.returncode == 0, out + res.stderr
    assert "LIST ['one', 'two']" in out
    assert "ENDPOINT 1 0 two one" in out
    assert "SAID two" in out and "SAID chosen" in out and "SAID updated" in out
    assert "DISABLED PipelineError True" in out
    assert "DRAFT_PUBLISHED draft-1" in out
    assert "REST NoLocalVersion REST calls to a published pipeline's endpoint" in out
    assert "Experiment(ws, name).submit(PublishedPipeline.get(ws, id)" in out
