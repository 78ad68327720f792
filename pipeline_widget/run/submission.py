"""The public Pipeline: the core model plus `submit`, which hands it to the runner."""
from __future__ import annotations

import threading
from typing import Any, Iterable

from ..core.errors import PipelineError
from ..core.names import check_experiment_name
from ..core.pipeline import PipelineModel
from ..core.steps.base import checked_retries
from ..core.validation import Problem
from ..core.workspace import Workspace
from . import cancel as cancel_requests
from . import checks
from .cancel import CancelToken
from .events import EventBus
from .executors import Executor, make_executor
from .pipeline_run import PipelineRun
from .plan.build import build
from .plan.model import RunPlan
from .plan.preview import StepStatus, status
from .plan.selection import selected_steps
from .records import continuation, store
from .records.store import new_record, new_run_id
from .reuse.cache import ReuseCache
from .scheduler import Scheduler, step_entry
from .warm import WarmKernels


class Pipeline(PipelineModel):
    def validate(self, executor: str = checks.LOCAL) -> list[Problem]:
        """Every problem found without running, warnings included; the same checks refuse a
        submission. executor: "local", or a Dask one (a missing kernel is then a warning)."""
        return checks.problems(self, executor=executor)

    def status(self, pipeline_parameters: dict[str, Any] | None = None,
               regenerate_outputs: bool = False, only: Iterable[str] = (),
               from_steps: Iterable[str] = (), to_steps: Iterable[str] = ()) -> list[StepStatus]:
        """What a run would do now, without running or writing anything: for each step,
        whether it would be reused (and from which run) or run, and why.

        pipeline_parameters, regenerate_outputs, only, from_steps, to_steps: as for submit.
        """
        self.check()
        chosen = selected_steps(self, only, from_steps, to_steps)
        return status(self, self.resolve_parameters(pipeline_parameters), regenerate_outputs,
                      chosen)

    def submit(self, experiment_name: str, pipeline_parameters: dict[str, Any] | None = None,
               regenerate_outputs: bool = False, continue_on_step_failure: bool = False,
               max_parallel: int | None = None, executor: str | Executor | None = None,
               only: Iterable[str] = (), from_steps: Iterable[str] = (),
               to_steps: Iterable[str] = (), retries: int | None = None,
               kernels: WarmKernels | None = None, join: str | None = None,
               attempt_once: bool = False, tags: dict[str, Any] | None = None) -> PipelineRun:
        """Start a run in the background and return its handle at once.

        Everything that can be wrong with the input is checked first, so a
        rejected submission raises PipelineError and writes nothing.

        experiment_name: groups runs; letters, digits, '_', '-', '.'.
        pipeline_parameters: values for PipelineParameters (name -> value).
        regenerate_outputs: run every step again instead of reusing results.
        continue_on_step_failure: let branches that do not depend on a failed step finish.
        max_parallel: steps run at once (default: the CPU count).
        executor: "local" (default), "dask" (a new local cluster), "dask://host:port",
            or an Executor.
        only, from_steps, to_steps: a partial run of these steps, of these and everything
            downstream, of these and everything upstream (together: their union). Steps
            upstream of the selection are reused; without a result to reuse the run is
            refused. The others are recorded as not selected.
        retries: attempts after a failure for steps that set none of their own (default 0).
        kernels: warm kernels (WarmKernels) the run's notebook steps take first, so they wait
            for no kernel start (local executor).
        join: a run id: these steps are part of that run, whose other steps other processes
            run (made by the first to come); its steps' upstream must have finished in it.
        attempt_once: each step is attempted once, whatever its retries: for a scheduler
            (Airflow, Kubeflow) that runs this as a task and retries the task itself, so
            that its retries and the steps' do not multiply.
        tags: name -> value, kept in the run's record (values as text; None an empty tag);
            more can be set later, from any process: PipelineRun.tag / records.store.set_tags.
        """
        return submit(self, experiment_name, pipeline_parameters, regenerate_outputs,
                      continue_on_step_failure, max_parallel, executor,
                      selected=selected_steps(self, only, from_steps, to_steps), retries=retries,
                      kernels=kernels, join=join, attempt_once=attempt_once, tags=tags)


def submit(pipeline: PipelineModel, experiment_name: str,
           pipeline_parameters: dict[str, Any] | None = None, regenerate_outputs: bool = False,
           continue_on_step_failure: bool = False, max_parallel: int | None = None,
           executor: str | Executor | None = None, rerun_of: str | None = None,
           selected: set[str] | None = None, retries: int | None = None,
           kernels: WarmKernels | None = None, join: str | None = None,
           resuming: continuation.Continuation | None = None,
           attempt_once: bool = False, tags: dict[str, Any] | None = None) -> PipelineRun:
    """join: the id of a run whose other steps other processes run (made if new);
    resuming: the run whose runner died, going on (resume()); attempt_once: no step is
    retried here (the scheduler running this process retries it)."""
    checked_retries(retries)
    check_experiment_name(experiment_name)
    run_tags = _checked_tags(tags)
    parameters = pipeline.resolve_parameters(pipeline_parameters)
    workspace = pipeline.workspace
    workspace.check_writable()
    cache = ReuseCache(workspace)
    going_on = resuming
    if join is not None:
        store.run_dir(workspace, join)   # refuses a malformed id
        going_on = continuation.for_join(workspace, join, pipeline.to_dict(workspace.path),
                                         parameters)
    run_id = going_on.record.run_id if going_on else join or new_run_id(experiment_name)
    if join is not None:
        continuation.check_joined_upstream(join, going_on.kept if going_on else {}, selected,
                                           pipeline.upstream())
    plan = build(pipeline, run_id, parameters, cache, regenerate_outputs, selected, retries or 0,
                 kept=going_on.kept if going_on else None)
    if attempt_once:   # one owner of retries: the scheduler that runs this as its task
        for step_plan in plan.steps.values():
            step_plan.retries = 0
    chosen = make_executor(executor, max_parallel, kernels, workspace)
    unstarted = store.Unstarted(workspace, run_id)
    try:
        if plan.to_execute:
            from .parameters_cell import note_unusual_cells

            chosen.warm_up(plan)  # kernels boot while papermill loads and checks parameters
            reused = {s.name for s in plan.steps.values() if s.reused}
            found = checks.problems(pipeline, parameters, chosen.name, reused)
            checks.refuse(found)
            for problem in found:   # warnings: the run goes on, and says why it may surprise
                for step in problem.steps:
                    plan.steps[step].notes.append(problem.message)
            note_unusual_cells(pipeline, plan)
        return _start(pipeline, plan, chosen, cache, experiment_name, parameters,
                      regenerate_outputs, continue_on_step_failure, max_parallel, rerun_of,
                      retries, going_on, join is not None, selected, run_tags)
    except BaseException:  # refused or interrupted before the run started: no kernel stays
        chosen.close()
        if going_on is None:
            unstarted.discard()
        raise


def _start(pipeline: PipelineModel, plan: RunPlan, chosen: Executor, cache: ReuseCache,
           experiment_name: str, parameters: dict[str, Any], regenerate_outputs: bool,
           continue_on_step_failure: bool, max_parallel: int | None,
           rerun_of: str | None, retries: int | None,
           going_on: continuation.Continuation | None = None, joined: bool = False,
           selected: set[str] | None = None, tags: dict[str, str] | None = None
           ) -> PipelineRun:
    run_id, workspace = plan.run_id, pipeline.workspace
    workspace.ensure()
    record = new_record(
        run_id, experiment=experiment_name, pipeline_name=pipeline.name,
        pipeline=pipeline.to_dict(workspace.path), base_dir=str(workspace.path),
        pipeline_file=str(pipeline.path) if pipeline.path else None, parameters=parameters,
        options={"regenerate_outputs": regenerate_outputs,
                 "continue_on_step_failure": continue_on_step_failure,
                 "max_parallel": getattr(chosen, "max_parallel", max_parallel),
                 "retries": retries,
                 "executor": chosen.name},
        rerun_of=rerun_of, steps={name: step_entry(s) for name, s in plan.steps.items()},
        tags=dict(tags or {}))
    own: set[str] | None = None
    if going_on is not None:
        continuation.go_on(record, going_on, plan)
    if joined:
        record.joined, record.pid, record.host, record.pid_started = True, None, None, None
        own = {n for n, s in plan.steps.items() if s.selected and not s.kept} \
            if selected is not None else set(plan.steps)
        continuation.save_joined(workspace, record, own)
    else:
        store.save(workspace, record)
    bus, cancel = EventBus(), CancelToken()
    scheduler = Scheduler(workspace, plan, record, bus, chosen, cache, cancel,
                          continue_on_step_failure, own)
    thread = threading.Thread(target=scheduler.run, name=f"run-{run_id}")
    run = PipelineRun(workspace, record, bus, thread, cancel)
    thread.start()
    cancel_requests.watch(workspace, run_id, cancel, thread)   # from other processes
    return run


def _checked_tags(tags: Any) -> dict[str, str]:
    """Tags as a record keeps them: text names, text values (None: an empty tag)."""
    if tags is None:
        return {}
    if not isinstance(tags, dict) or not all(isinstance(k, str) and k for k in tags):
        raise PipelineError(f"tags must map names (text) to values, not {tags!r:.80}")
    return {k: "" if v is None else str(v) for k, v in tags.items()}


def rerun(workspace: Workspace, run_id: str, parameters: dict[str, Any] | None = None,
          regenerate_outputs: bool = False, max_parallel: int | None = None,
          executor: str | Executor | None = None, retries: int | None = None,
          kernels: WarmKernels | None = None) -> PipelineRun:
    """Run an earlier run's pipeline again, with its parameters and options.

    parameters: values that replace the earlier run's pipeline parameters.
    regenerate_outputs: run every step again instead of reusing results.
    """
    old = PipelineRun.get(workspace, run_id)
    params = {**old.parameters, **(parameters or {})}
    options = old.record.options
    return submit(old.get_pipeline(), old.experiment_name or "rerun", params,
                  regenerate_outputs=regenerate_outputs,
                  continue_on_step_failure=bool(options.get("continue_on_step_failure", False)),
                  max_parallel=max_parallel, executor=executor, rerun_of=old.id,
                  retries=retries if retries is not None else options.get("retries"),
                  kernels=kernels)


def resume(workspace: Workspace, run_id: str, executor: str | Executor | None = None,
           max_parallel: int | None = None, kernels: WarmKernels | None = None) -> PipelineRun:
    """Go on with a run whose runner died, under the same id: the steps that finished are
    kept, the others run (again); the record says which were which.

    executor, max_parallel: where and how widely the remaining steps run (default: local).
    """
    going_on = continuation.for_resume(workspace, run_id)
    old = going_on.record
    pipeline = PipelineRun.get(workspace, run_id).get_pipeline()
    options = old.options
    return submit(pipeline, old.experiment or "resume", old.parameters,
                  regenerate_outputs=bool(options.get("regenerate_outputs", False)),
                  continue_on_step_failure=bool(options.get("continue_on_step_failure", False)),
                  max_parallel=max_parallel, executor=executor, rerun_of=old.rerun_of,
                  retries=options.get("retries"), kernels=kernels, resuming=going_on)
