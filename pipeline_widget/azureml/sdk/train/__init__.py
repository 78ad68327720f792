"""azureml.train."""
