"""Fixtures of the run tests: environments a step can name."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A virtual environment made for the test: another interpreter than the runner's."""
    folder = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    return folder / "bin" / "python"


@pytest.fixture
def second_kernel(tmp_path, monkeypatch) -> str:
    """A second installed kernel (its own kernelspec, its own environment variable)."""
    spec = tmp_path / "jupyter" / "kernels" / "second"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Second Python", "language": "python",
        "env": {"KERNEL_FLAVOR": "second"}}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    return "second"
