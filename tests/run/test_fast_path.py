"""The fast path: re-running an unchanged pipeline starts no kernel and loads no heavy library;
a cold run loads only what running notebooks takes."""
import subprocess

from pipeline_widget import NotebookStep, Pipeline, PipelineData
from tests.conftest import PYTHON, write_notebook

HEAVY = ("papermill", "pandas", "nbformat.validator", "jupyter_client", "ipykernel", "nbclient",
         "importlib.metadata")   # the installed entry points and distributions are kept
UNUSED_BY_A_RUN = ("boto3", "botocore", "isoduration", "arrow", "rfc3986_validator",
                   "rfc3339_validator", "webcolors", "uri_template", "fqdn", "idna",
                   "jsonpointer", "IPython",
                   "requests", "urllib3", "entrypoints", "click", "psutil")


def imported_modules(importtime_stderr: str) -> set[str]:
    """Module names from `python -X importtime` output (`import time: self | cumulative | name`)."""
    names = set()
    for line in importtime_stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


def import_times(importtime_stderr: str) -> dict[str, int]:
    """Each module's cumulative import time in microseconds, from `-X importtime` output."""
    times = {}
    for line in importtime_stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            _, cumulative, name = line[len("import time:"):].split("|")
            if cumulative.strip().isdigit():
                times[name.strip()] = int(cumulative)
    return times


def test_unchanged_rerun_starts_no_kernel_and_imports_nothing_heavy(ws, project):
    a = PipelineData("a")
    first = write_notebook(project / "steps" / "first.ipynb", "a = None",
                           "import os\nopen(os.path.join(a, 'x.txt'), 'w').write('x')")
    second = write_notebook(project / "steps" / "second.ipynb", "a = None", "print(a)")
    path = Pipeline(ws, [NotebookStep("first", first, outputs=[a]),
                         NotebookStep("second", second, inputs=[a])],
                    name="fast").save(project / "fast.pipeline.json")

    def run(*python_flags):
        res = subprocess.run([PYTHON, *python_flags, "-m", "pipeline_widget", "run", str(path)],
                             cwd=project, capture_output=True, text=True, timeout=300)
        assert res.returncode == 0, res.stderr
        return res

    cold = run("-X", "importtime")
    cold_modules = imported_modules(cold.stderr)
    assert "(2 ran, 0 reused)" in cold.stdout
    # the check can see these imports (papermill's and jupyter_client's own names are imported
    # by importlib, step/jupyter_imports.py, which -X importtime does not list; the modules
    # they import are listed)
    assert "jupyter_client.session" in cold_modules and "papermill.execute" in cold_modules
    # a cold run loads no storage back-end (nor requests), schema format checker, IPython
    # (which only the kernels run), second reading of the entry points or psutil (to list
    # the network interfaces, when kernels listen on the loopback address): none of it
    # serves a run of local notebooks (an attempt that finds
    # the module marked absent is listed too, in microseconds: a load takes far longer)
    unused = {m for m, cumulative in import_times(cold.stderr).items()
              if m.partition(".")[0] in UNUSED_BY_A_RUN and cumulative > 200}
    assert unused == set()

    again = run("-X", "importtime")
    assert "(0 ran, 2 reused)" in again.stdout
    modules = imported_modules(again.stderr)
    assert "pipeline_widget.cli" in modules and "pipeline_widget.run.plan" in modules
    heavy = {m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)}
    # no jupyter_client and no ipykernel: no kernel can have been started
    assert heavy == set()
