"""azureml.pipeline."""
