"""v1 code imports from many module paths; each one the issue names is served, with the
names v1 code takes from it."""
from __future__ import annotations

import subprocess
import textwrap

from tests.conftest import PYTHON

IMPORTS = textwrap.dedent('''
    import pipeline_widget.azureml
    from azureml.core import (VERSION, ComputeTarget, Dataset, Datastore, Environment,
                              Experiment, Model, Run, RunConfiguration, ScriptRunConfig,
                              Workspace)
    from azureml.core.authentication import InteractiveLoginAuthentication
    from azureml.core.compute import AmlCompute, ComputeInstance
    from azureml.core.compute_target import ComputeTargetException
    from azureml.core.conda_dependencies import CondaDependencies
    from azureml.core.environment import DEFAULT_CPU_IMAGE, DEFAULT_GPU_IMAGE
    from azureml.core.model import Model as M2
    from azureml.core.run import Run as R2
    from azureml.core.runconfig import DockerConfiguration, MpiConfiguration
    from azureml.data import FileDataset, OutputFileDatasetConfig, TabularDataset
    from azureml.data.data_reference import DataReference
    from azureml.data.datapath import DataPath, DataPathComputeBinding
    from azureml.data.dataset_consumption_config import DatasetConsumptionConfig
    from azureml.exceptions import ActivityFailedException, ComputeTargetException as C2
    from azureml.pipeline.core import (InputPortDef, Module, ModuleVersion, OutputPortDef,
                                       Pipeline, PipelineData, PipelineDraft, PipelineEndpoint,
                                       PipelineParameter, PipelineRun, PublishedPipeline,
                                       Schedule, ScheduleRecurrence, StepRun, StepSequence,
                                       TimeZone, TrainingOutput)
    from azureml.pipeline.core.graph import PipelineParameter as P2, TrainingOutput as T2
    from azureml.pipeline.core.run import PipelineRun as PR2
    from azureml.pipeline.steps import (CommandStep, EstimatorStep, HyperDriveStep,
                                        HyperDriveStepRun, ModuleStep, ParallelRunConfig,
                                        ParallelRunStep, PythonScriptStep)
    from azureml.contrib.notebook import (AzureMLNotebookHandler, NotebookRunConfig,
                                          NotebookRunnerStep)
    from azureml.train.dnn import PyTorch, TensorFlow
    from azureml.train.estimator import Estimator
    from azureml.train.hyperdrive import (BanditPolicy, GridParameterSampling,
                                          HyperDriveConfig, PrimaryMetricGoal, choice)
    from azureml.train.sklearn import SKLearn
    from azureml.widgets import RunDetails
    assert C2 is ComputeTargetException and P2 is PipelineParameter and PR2 is PipelineRun
    print("ALL", VERSION)
''')


def test_the_v1_module_paths_are_served(tmp_path):
    res = subprocess.run([PYTHON, "-c", IMPORTS], cwd=tmp_path, capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "ALL 1.48.0"
