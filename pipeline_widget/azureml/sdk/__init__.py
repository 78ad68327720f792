"""`azureml`: the local stand-in for Azure ML SDK v1 (see pipeline_widget.azureml)."""
