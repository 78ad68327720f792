"""azureml.core.Experiment: submitting a pipeline, a published pipeline, an endpoint or a
ScriptRunConfig runs it here."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ....core.errors import PipelineError
from ....run.pipeline_run import PipelineRun as LocalRun
from ...missing import MissingNames, module_getattr

if TYPE_CHECKING:
    from ..pipeline.core.run import PipelineRun


class Experiment(MissingNames):
    def __init__(self, workspace: Any, name: str, _skip_name_validation: bool = False,
                 _id: Any = None, _archived_time: Any = None, _create_in_cloud: bool = True,
                 _experiment_dto: Any = None, **kwargs: Any) -> None:
        self.workspace = workspace
        self.name = name

    def submit(self, config: Any, tags: dict | None = None, pipeline_parameters: dict | None = None,
               regenerate_outputs: bool = False, continue_on_step_failure: bool = False,
               **kwargs: Any) -> "PipelineRun":
        """Run a Pipeline, a PublishedPipeline, a PipelineEndpoint or a ScriptRunConfig (as
        a one-step pipeline) in this workspace."""
        from ..pipeline.core.pipeline import Pipeline, pipeline_of_script

        if hasattr(type(config), "submit_from_experiment"):
            return config.submit_from_experiment(self, pipeline_parameters=pipeline_parameters, tags=tags,
                               regenerate_outputs=regenerate_outputs,
                               continue_on_step_failure=continue_on_step_failure)
        if not isinstance(config, Pipeline):
            if type(config).__name__ != "ScriptRunConfig":
                raise PipelineError(f"Experiment.submit takes a Pipeline, a PublishedPipeline, "
                                    f"a PipelineEndpoint or a ScriptRunConfig, not "
                                    f"{type(config).__name__}")
            config = pipeline_of_script(self.workspace, config)
        return config.submit_from_experiment(
            self, pipeline_parameters=pipeline_parameters, tags=tags,
            regenerate_outputs=regenerate_outputs,
            continue_on_step_failure=continue_on_step_failure)

    def start_logging(self, *args: Any, outputs: Any = None, snapshot_directory: Any = None,
                      **kwargs: Any) -> Any:
        """A run of this notebook or script itself, to log metrics and tags on."""
        from .run import InteractiveRun

        return InteractiveRun(self.workspace, self.name)

    def get_runs(self, type: str | None = None, tags: Any = None, properties: Any = None,
                 include_children: bool = False) -> list["PipelineRun"]:
        """This experiment's runs, newest first; `tags`: a tag's name (runs that have it) or
        {name: value} (runs with all of those), read from the runs' records."""
        from ..pipeline.core.run import PipelineRun

        runs = [PipelineRun(r, experiment=self) for r in reversed(LocalRun.list(self.workspace))
                if r.experiment_name == self.name]
        return [r for r in runs if tags is None or _has_tags(r.get_tags(), tags)]

    @staticmethod
    def list(workspace: Any, experiment_name: str | None = None, view_type: str = "ActiveOnly",
             tags: Any = None) -> list["Experiment"]:
        names = {r.experiment_name for r in LocalRun.list(workspace)}
        return [Experiment(workspace, n) for n in sorted(names)
                if experiment_name in (None, n)]

    def __repr__(self) -> str:
        return f"Experiment({self.name!r})"


def _has_tags(found: dict[str, str], wanted: Any) -> bool:
    if isinstance(wanted, str):
        return wanted in found
    if isinstance(wanted, dict):
        return all(k in found and (v is None or found[k] == str(v)) for k, v in wanted.items())
    raise PipelineError(f"get_runs(tags=...) takes a tag's name or a dict of names and "
                        f"values, not {wanted!r:.60}")


__getattr__ = module_getattr(__name__)
