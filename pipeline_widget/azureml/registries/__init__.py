"""What Azure ML kept in its service (models, published pipelines, endpoints, drafts,
schedules, environments, compute targets, run tags), kept in the workspace folder instead:
`pipeline_workspace/azureml/`, one JSON table per registry, so that a later process (a run
script after a build script, `pipeline-widget schedules run-due`) finds what an earlier one
registered."""
