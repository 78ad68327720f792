"""The `pipeline-widget` program's exit: at once after its command, with its output written,
its exit code, and its exit handlers run (the kernel fork server ends with it)."""
from __future__ import annotations

import subprocess
import sys
import time

import psutil

from pipeline_widget import NotebookStep, Pipeline, PipelineData
from tests.conftest import write_notebook


def _servers_of(pid: int) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        try:
            # an ending process answers with no command line (None)
            if process.info["name"] == "pw-fork-server" \
                    and str(pid) in (process.info["cmdline"] or []):
                found.append(process)
        except psutil.Error:
            continue
    return found


def test_the_program_exits_with_its_code_its_output_and_no_server_left(ws, project):
    ok = write_notebook(project / "ok.ipynb", "out = None",
                        "import os\nopen(os.path.join(out, 'x'), 'w').write('1')")
    bad = write_notebook(project / "bad.ipynb", "out = None", "raise ValueError('no')")
    for notebook, code in ((ok, 0), (bad, 1)):
        step = NotebookStep("s", notebook, outputs=[PipelineData("out")])
        path = Pipeline(ws, [step], name="p").save(project / "p.pipeline.json")
        cli = subprocess.Popen([sys.executable, "-m", "pipeline_widget", "run", str(path)],
                               cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
        out, err = cli.communicate(timeout=300)
        assert cli.returncode == code, err
        assert "details: pipeline-widget show" in out   # the last line, written before exit
        deadline = time.monotonic() + 10
        while _servers_of(cli.pid):
            assert time.monotonic() < deadline, "a fork server outlived its program"
            time.sleep(0.05)
