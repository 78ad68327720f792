"""The `pipeline-widget` program's exit: at once after its command, with its output written,
its exit code, and its exit handlers run (the kernel fork server ends with it)."""
from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from pipeline_widget import NotebookStep, Pipeline, PipelineData
from pipeline_widget.cli.app import main
from pipeline_widget.run.step.forking.setting import FORK_ENV
from pipeline_widget.run.step.kernels import fork_kernels
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


# What `ps` calls the process that runs the step: pw-kernel for a forked kernel.
NAME_OF_KERNEL = ("import os\n"
                  "open(os.path.join(out, 'name'), 'w').write(open('/proc/self/comm').read())")


@pytest.mark.skipif(not fork_kernels(), reason="kernels are not forked here")
def test_no_fork_kernels_starts_the_steps_kernels_as_programs_for_that_run_only(
        ws, project, monkeypatch):
    nb = write_notebook(project / "name.ipynb", "out = None", NAME_OF_KERNEL)
    step = NotebookStep("s", nb, outputs=[PipelineData("out")], allow_reuse=False)
    path = Pipeline(ws, [step], name="p").save(project / "p.pipeline.json")
    names = {}
    for flags in ([], ["--no-fork-kernels"]):
        done = subprocess.run([sys.executable, "-m", "pipeline_widget", "run", str(path), *flags],
                              cwd=project, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        folder = re.search(r"output out \(s\): (.+)", done.stdout).group(1).strip()
        names[tuple(flags)] = (Path(folder) / "name").read_text().strip()
    assert names[()] == "pw-kernel"
    assert names[("--no-fork-kernels",)] not in ("pw-kernel", "pw-supervisor")
    # main() called by a process that goes on leaves that process's setting as it was
    monkeypatch.delenv(FORK_ENV, raising=False)
    code = main(["--workspace", str(project), "run", str(project / "missing.pipeline.json"),
                 "--no-fork-kernels"], out=io.StringIO())
    assert code == 2 and FORK_ENV not in os.environ
    monkeypatch.setenv(FORK_ENV, "yes")
    main(["--workspace", str(project), "run", str(project / "missing.pipeline.json"),
          "--no-fork-kernels"], out=io.StringIO())
    assert os.environ[FORK_ENV] == "yes"
