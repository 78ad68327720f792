"""A tiny installable distribution for reuse tests: `obsdist`, at any version, installed
into a folder that steps find on PYTHONPATH (a wheel is a zip of the package and its
.dist-info: no build tools needed)."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path


def wheel(folder: Path, version: str) -> Path:
    """A wheel of the tiny distribution `obsdist` (a zip of the package and its dist-info)."""
    path = folder / f"obsdist-{version}-py3-none-any.whl"
    info = f"obsdist-{version}.dist-info"
    files = {"obsdist/__init__.py": f"VERSION = {version!r}\n",
             f"{info}/METADATA": f"Metadata-Version: 2.1\nName: obsdist\nVersion: {version}\n",
             f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                              "Tag: py3-none-any\n",
             f"{info}/top_level.txt": "obsdist\n"}
    files[f"{info}/RECORD"] = "".join(f"{n},,\n" for n in files) + f"{info}/RECORD,,\n"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


def install(site: Path, version: str) -> None:
    """Install obsdist `version` into `site`, a folder the steps find on PYTHONPATH."""
    wheels = site.with_name(site.name + "-wheels")
    wheels.mkdir(exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    "--upgrade", "--target", str(site), str(wheel(wheels, version))],
                   check=True, capture_output=True)
