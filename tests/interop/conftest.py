"""Fixtures of the import and export tests: copies of the small Elyra and Ploomber
projects, the command line, and the other tools in virtual environments of their own
(built once under .venv-extras/, which git ignores, and kept between test runs)."""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest
from filelock import FileLock

from pipeline_widget.cli import main
from tests.conftest import REPO

PROJECTS = Path(__file__).resolve().parent / "projects"
EXTRAS = REPO / ".venv-extras"
TIMINGS = EXTRAS / "timings.json"
# The other tools, each in an environment of its own (never the project's): name ->
# (what pip installs, the program whose presence says the environment is ready).
TOOLS = {
    "airflow": (["apache-airflow==3.*"], "airflow"),
    "kfp": (["kfp==2.*"], "python"),
    "elyra": (["elyra==4.*", "papermill", "ipykernel"], "elyra-pipeline"),
    "ploomber": (["ploomber", "ipykernel"], "ploomber"),
}
INSTALL_TIMEOUT = 600   # seconds; pip's own network timeout is short (offline fails fast)
_failed: dict[str, str] = {}   # tool -> why it could not be installed (tried once a session)


def record_time(name: str, what: str, seconds: float) -> None:
    """Kept in .venv-extras/timings.json: how long each environment took to build and use."""
    EXTRAS.mkdir(exist_ok=True)
    with FileLock(str(EXTRAS / "timings.lock")):
        found = json.loads(TIMINGS.read_text()) if TIMINGS.is_file() else {}
        found.setdefault(name, {})[what] = round(seconds, 1)
        TIMINGS.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")


def tool_env(name: str) -> Path:
    """The bin/ folder of the tool's own environment, built on first use (skipped with the
    reason when it cannot be installed here)."""
    requirements, program = TOOLS[name]
    if name in _failed:
        pytest.skip(_failed[name])
    EXTRAS.mkdir(exist_ok=True)
    (EXTRAS / ".gitignore").write_text("*\n")
    folder = EXTRAS / name
    stamp = folder / ".ready"
    with FileLock(str(EXTRAS / f"{name}.lock")):
        if stamp.is_file() and stamp.read_text() == json.dumps(requirements) \
                and (folder / "bin" / program).exists():
            return folder / "bin"
        shutil.rmtree(folder, ignore_errors=True)
        started = time.monotonic()
        base = getattr(sys, "_base_executable", None) or "python3"
        try:
            subprocess.run([base, "-m", "venv", str(folder)], check=True, capture_output=True,
                           timeout=120)
            done = subprocess.run([str(folder / "bin" / "pip"), "install", "-q",
                                   "--disable-pip-version-check", "--timeout", "30",
                                   "--retries", "2", *requirements],
                                  capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
        except (subprocess.SubprocessError, OSError) as err:
            shutil.rmtree(folder, ignore_errors=True)
            _failed[name] = f"{name} cannot be installed in an environment of its own here: {err}"
            pytest.skip(_failed[name])
        if done.returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)
            tail = " / ".join(done.stderr.strip().splitlines()[-3:])
            _failed[name] = f"pip could not install {' '.join(requirements)} here: {tail}"
            pytest.skip(_failed[name])
        stamp.write_text(json.dumps(requirements))
        record_time(name, "build_s", time.monotonic() - started)
        return folder / "bin"


@pytest.fixture
def copy_project(tmp_path: Path) -> Callable[[str], Path]:
    """A fresh copy of one of the projects in tests/interop/projects."""
    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(PROJECTS / name, target)
        return target
    return copy


class CLI:
    """`pipeline-widget ARGS` in this process: exit code, output, errors."""

    def __call__(self, *args: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        real_err = sys.stderr
        sys.stderr = err
        try:
            code = main([str(a) for a in args], out=out)
        finally:
            sys.stderr = real_err
        return code, out.getvalue(), err.getvalue()


@pytest.fixture
def cli() -> CLI:
    return CLI()


def outputs(workspace: Path) -> dict[str, dict[str, str]]:
    """Each PipelineData of the workspace's runs: its files' text by relative path (the
    newest folder of each name)."""
    found: dict[str, tuple[float, dict[str, str]]] = {}
    stores = workspace / "pipeline_workspace" / "datastores"
    for folder in sorted(stores.glob("*/*/*")):
        if not folder.is_dir():
            continue
        files = {p.relative_to(folder).as_posix(): p.read_text(errors="replace")
                 for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".")}
        stamp = folder.stat().st_mtime
        if folder.name not in found or found[folder.name][0] < stamp:
            found[folder.name] = (stamp, files)
    return {name: files for name, (_, files) in sorted(found.items())}


def run_program(argv: list[str], cwd: Path, env: dict[str, str] | None = None,
                timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=cwd, env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=timeout)
