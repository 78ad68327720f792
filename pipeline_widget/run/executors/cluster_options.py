"""Options of a cluster an executor starts (`slurm://`, `kubernetes://`): from the URL's
query (`slurm://?cores=2&memory=4GB&walltime=00:30:00`), or from a named entry of the
workspace's compute_targets.json (`slurm://gpu-queue`, the entry a dict of options or an
executor URL), the query winning over the entry."""
from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ...core import jsonfiles
from ...core.errors import PipelineError


def _typed(value: str) -> Any:
    if value.isdigit():
        return int(value)
    return value


def cluster_options(url: str, workspace: Any, allowed: dict[str, str]) -> dict[str, Any]:
    """The options for `url`; `allowed`: option name -> what it means (for the error)."""
    parts = urlsplit(url)
    options: dict[str, Any] = {}
    if parts.netloc:
        targets = jsonfiles.read_json_lenient(workspace.compute_targets_file, {}) \
            if workspace is not None else {}
        entry = targets.get(parts.netloc) if isinstance(targets, dict) else None
        if entry is None:
            raise PipelineError(f"executor {url!r}: there is no compute target "
                                f"{parts.netloc!r} in compute_targets.json; add one, or give "
                                f"the options in the URL ({parts.scheme}://?cores=2&...)")
        if isinstance(entry, str):
            options.update({k: _typed(v) for k, v in parse_qsl(urlsplit(entry).query)})
        elif isinstance(entry, dict):
            options.update({k: v for k, v in entry.items() if k != "executor"})
    options.update({k: _typed(v) for k, v in parse_qsl(parts.query)})
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        choices = "; ".join(f"{k} ({what})" for k, what in allowed.items())
        raise PipelineError(f"executor {url!r}: unknown option {unknown[0]!r}; the options are "
                            f"{choices}")
    return options
