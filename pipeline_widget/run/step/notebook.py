"""Running a notebook step: papermill injects the parameters and executes in a given kernel."""
from __future__ import annotations

import re
import threading
import time
from pathlib import Path

from ..cancel import CancelToken
from ..context import CONTEXT_ENV
from ..plan.model import StepPlan
from ..records import store as records
from ..reuse.reads import TraceSpec
from ..status import Status
from .jupyter_imports import LOCK
from .kernels import KNOWN_INFO, Kernel
from .notebook_failure import mark_stopped_cell
from .outcome import OnCell, StepError, StepOutcome, tail, timeout_message
from .output_limits import OutputBudget, rich_size
from .papermill_loading import import_papermill

ENGINE = "pipeline_widget"
SAVE_EVERY = 1.0  # seconds between writes of the executed notebook while it runs
IMPORTS_WAIT = 1.0  # at most, seconds preload waits for the first kernel start's imports
RICH = {"display_data", "execute_result"}
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_registered = False
_register_lock = threading.Lock()


def preload(after: threading.Event | None = None) -> None:
    """Import what running a notebook takes (papermill, nbclient, the engine): called in
    the background as a run's first kernels start, so its first notebook step does not
    wait for it (a step that comes first waits on the same imports, never repeats them).

    `after`: set once the run's first kernel start has imported what it needs. Imports take
    one thread at a time (jupyter_imports.py), so papermill's would otherwise come first,
    and the kernel would boot after them rather than while they run; waited for at most
    IMPORTS_WAIT seconds."""
    if after is not None:
        after.wait(IMPORTS_WAIT)
    try:
        import_papermill()
        _register_engine()
    except Exception:
        pass   # the step imports them itself, and reports what fails


def preload_in_background(after: threading.Event | None = None) -> None:
    threading.Thread(target=preload, args=(after,), name="notebook-preload",
                     daemon=True).start()


def _register_engine() -> None:
    """A papermill engine that runs in the kernel and client we hand it; whoever handed
    them over stops the kernel (a graceful shutdown here would hold the step up)."""
    with _register_lock:
        _register_engine_once()


def _keep_compiled_notebook_schemas() -> None:
    """nbformat checks every notebook it reads or writes against its schema with
    fastjsonschema, which compiles the schema in each process first: about 0.1 s of CPU on
    the path of a run's first step. Its compiled code is kept between processes instead
    (core.compiled_schemas); nbformat still chooses the schema and the checker."""
    from nbformat import json_compat

    from ...core.compiled_schemas import compiled

    base = json_compat.FastJsonSchemaValidator

    class KeptFastJsonSchemaValidator(base):  # type: ignore[misc,valid-type]
        def __init__(self, schema):
            json_compat.JsonSchemaValidator.__init__(self, schema)
            self._validator = compiled(schema)

    json_compat._VALIDATOR_MAP[:] = [
        (name, module, KeptFastJsonSchemaValidator if kind is base else kind)
        for name, module, kind in json_compat._VALIDATOR_MAP]


def _register_engine_once() -> None:
    global _registered
    if _registered:
        return
    import_papermill()
    try:
        _keep_compiled_notebook_schemas()
    except Exception:   # another nbformat: it compiles as it always did
        pass
    with LOCK:   # nbclient's modules, which other threads may be importing (jupyter_imports)
        from jupyter_core.utils import run_sync
        from nbformat.v4 import new_output
        from papermill.clientwrap import PapermillNotebookClient
        from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
        from papermill.utils import merge_kwargs, remove_args

    class FewerSaves(NotebookExecutionManager):
        """papermill writes the executed notebook when it starts and when each cell starts
        and ends; for short cells that is most of a step's time. Write at most every
        SAVE_EVERY seconds while running (a long run still shows its progress), and always
        at the end, which papermill reaches even when the kernel is killed."""

        final = False
        written_after = False   # papermill writes the notebook itself once this returns
        budget: OutputBudget
        on_cell: OnCell | None = None
        code_cells: dict[int, int] = {}   # a cell's index -> its place among code cells

        def cell_start(self, cell, cell_index=None, **kwargs):
            super().cell_start(cell, cell_index, **kwargs)
            place = self.code_cells.get(cell_index) if cell_index is not None else None
            if self.on_cell is not None and place is not None:
                try:
                    self.on_cell(place, len(self.code_cells))
                except Exception:  # a view's bug must not stop the step
                    pass

        def save(self, **kwargs):
            if self.final or (self.now() - self.last_save_time).total_seconds() >= SAVE_EVERY:
                self.budget.flush()
                super().save(**kwargs)

        def notebook_complete(self, **kwargs):
            self.budget.flush()
            self.final = not self.written_after   # else one write would follow another
            super().notebook_complete(**kwargs)

    class BoundedClient(PapermillNotebookClient):
        """Keeps what output_limits allows of each cell's output."""

        def output(self, outs, msg, display_id, cell_index):
            if self.output_hook_stack[msg["parent_header"].get("msg_id")]:
                return super().output(outs, msg, display_id, cell_index)  # widgets' own
            budget: OutputBudget = self.nb_man.budget
            content = msg["content"]
            if self.clear_before_next_output:
                budget.cleared(cell_index)
            if msg["msg_type"] == "stream":
                if self.clear_before_next_output:
                    outs[:] = []
                    self.clear_display_id_mapping(cell_index)
                    self.clear_before_next_output = False
                return budget.stream(outs, content["name"], content.get("text", ""), cell_index,
                                     lambda: new_output("stream", name=content["name"], text=""))
            if msg["msg_type"] in RICH and not display_id and \
                    not budget.rich(cell_index, rich_size(content)):
                budget.dropped_note(outs, cell_index,
                                    lambda: new_output("stream", name="stderr", text=""))
                return None
            return super().output(outs, msg, display_id, cell_index)

        async def async_wait_for_reply(self, msg_id, cell=None):
            if msg_id == KNOWN_INFO:   # see Kernel.info
                return {"content": self.known_info}
            return await super().async_wait_for_reply(msg_id, cell)

        wait_for_reply = run_sync(async_wait_for_reply)   # papermill asks after the cells

        def clear_output(self, outs, msg, cell_index):
            if not msg["content"].get("wait"):
                self.nb_man.budget.cleared(cell_index)
            return super().clear_output(outs, msg, cell_index)

    class PrestartedKernelEngine(NBClientEngine):
        @classmethod
        def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True,
                             log_output=False, autosave_cell_every=30, on_cell=None, **kwargs):
            nb_man = FewerSaves(nb, output_path=output_path, progress_bar=progress_bar,
                                log_output=log_output, autosave_cell_every=autosave_cell_every)
            nb_man.budget = OutputBudget()
            nb_man.on_cell = on_cell
            code = [i for i, c in enumerate(nb_man.nb.cells) if c.cell_type == "code"]
            nb_man.code_cells = {i: place for place, i in enumerate(code, 1)}
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
                # papermill writes the executed notebook when the engine returns (and when
                # a cell failed); only a kernel that died or was stopped leaves it to us
                nb_man.written_after = True
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None,
                                     **kwargs):
            kernel: Kernel = kwargs.pop("kernel")
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                                 kernel_name=kernel_name, log_output=False)
            client = BoundedClient(nb_man, km=kernel.km, **final)
            client.owns_km = False
            client.kc = kernel.kc  # connected and answered: no second handshake
            client.known_info = kernel.info
            return client.execute()

    papermill_engines.register(ENGINE, PrestartedKernelEngine)
    _registered = True


def _language(kernel: Kernel) -> str | None:
    """The kernel's language, which papermill needs to write the parameters of a notebook
    whose metadata names no kernel."""
    try:
        return kernel.km.kernel_spec.language
    except Exception:
        return None


def run_notebook(plan: StepPlan, kernel: Kernel, cancel: CancelToken,
                 on_cell: OnCell | None = None) -> StepOutcome:
    """Execute the step's notebook in `kernel` (started and ready). The kernel is killed
    here only on cancel or timeout; the caller stops it after the step. `on_cell` hears
    of each code cell as it starts."""
    papermill = import_papermill()
    from papermill.exceptions import PapermillExecutionError

    _register_engine()
    out = Path(plan.record_dir) / records.EXECUTED_NOTEBOOK
    outcome = StepOutcome(Status.RUNNING, start_time=time.time(), notebook=str(out))
    timed_out = threading.Event()

    def on_timeout() -> None:
        timed_out.set()
        kernel.kill()

    def cell_started(k: int, n: int) -> None:
        outcome.cell = [k, n]
        if on_cell is not None:
            on_cell(k, n)

    watchdog = threading.Timer(plan.timeout, on_timeout) if plan.timeout else None
    try:
        with cancel.on_cancel(kernel.kill):
            kernel.connect(plan.cwd, {**plan.environment,
                                      CONTEXT_ENV: str(Path(plan.record_dir) / records.CONTEXT)},
                           TraceSpec.of(plan))
            if watchdog:
                watchdog.start()
            papermill.execute_notebook(plan.source, str(out), parameters=plan.parameters,
                                       kernel_name=plan.kernel_name, engine_name=ENGINE,
                                       kernel=kernel, language=_language(kernel), on_cell=cell_started,
                                       progress_bar=False, report_mode=False, log_output=False)
            kernel.finish_trace()
        outcome.status = Status.FINISHED
        outcome.traced = kernel.traced
    except PapermillExecutionError as err:
        outcome.status = Status.FAILED
        outcome.error = StepError(err.ename, _ANSI.sub("", str(err.evalue)), cell=err.cell_index,
                                  traceback=tail(_ANSI.sub("", "\n".join(err.traceback))))
    except BaseException as err:  # kernel died, was stopped, or could not start
        outcome.status = Status.FAILED
        if cancel.is_set():
            outcome.status = Status.CANCELED
            message = "canceled while running"
        elif timed_out.is_set():
            message = timeout_message(plan.timeout)
        else:
            message = _ANSI.sub("", str(err)) or type(err).__name__
        outcome.error = StepError("Canceled" if cancel.is_set() else "TimeoutError"
                                  if timed_out.is_set() else type(err).__name__, message)
        mark_stopped_cell(out, outcome.error)
    finally:
        if watchdog:
            watchdog.cancel()
        kernel.disconnect()
        outcome.end_time = time.time()
    return outcome


def run_notebook_step(plan: StepPlan, cancel: CancelToken, kernel: Kernel | None,
                      on_cell: OnCell | None = None) -> StepOutcome:
    """The notebook kind's runner: in `kernel`, or in one started (and stopped) for it."""
    if kernel is not None:
        return run_notebook(plan, kernel, cancel, on_cell)
    from .kernels import start_kernel

    own = start_kernel(str(plan.kernel_name), connection_dir=plan.record_dir)
    try:
        return run_notebook(plan, own, cancel, on_cell)
    finally:
        own.stop()
