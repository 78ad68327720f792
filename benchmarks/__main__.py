"""`python -m benchmarks` (`make bench`): every benchmark suite, each printing its table.

`--only core` runs the local-runner suite alone; the other suites (Dask shapes,
the browser canvas) run when their modules are present.
"""
from __future__ import annotations

import argparse
import importlib
import inspect
import os
import sys
import time

from pipeline_widget.run.executors.kept_environment import environment_kept

OPTIONAL = {"reuse": "benchmarks.reuse", "tracing": "benchmarks.tracing", "environments": "benchmarks.environments", "limits": "benchmarks.limits", "status": "benchmarks.status", "warm": "benchmarks.warm", "dask": "benchmarks.dask_shapes",
            "kernel_floor": "benchmarks.kernel_floor",
            "browser": "benchmarks.browser_canvas"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--only", choices=["core", *OPTIONAL], action="append",
                        help="run only these suites (repeatable); default: all")
    parser.add_argument("--repeat", type=int, default=3, metavar="N",
                        help="rounds of each core measurement; the median is reported")
    parser.add_argument("--keep", action="store_true",
                        help="keep the generated projects of the core suite")
    args = parser.parse_args(argv)
    # Measured as installed: pip compiles a package's bytecode when it installs it. A shell
    # that turns off writing bytecode (PYTHONDONTWRITEBYTECODE) would have every command
    # compile this package's modules again, a cost no installed copy pays.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.dont_write_bytecode = False
    chosen = args.only or ["core", *OPTIONAL]
    ok = True
    start = time.perf_counter()
    if "core" in chosen:
        from . import core

        print("== core: local runner vs a plain papermill loop ==", flush=True)
        ok = core.main(keep=args.keep, repeat=args.repeat) and ok
    for name, module_name in OPTIONAL.items():
        if name not in chosen:
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as err:
            if err.name != module_name:
                raise
            print(f"\n== {name}: skipped ({module_name} is not there) ==")
            continue
        print(f"\n== {name} ==", flush=True)
        # an empty argv: this command's own flags are not theirs
        # each suite in the environment the command was given: a suite that starts a Dask
        # cluster of its own would otherwise leave its nannies' variables to the next
        with environment_kept():
            result = (module.main([]) if inspect.signature(module.main).parameters
                      else module.main())
        failed = result is False or (type(result) is int and result != 0)  # a bool or exit code
        ok = ok and not failed
    print(f"\nbenchmarks took {time.perf_counter() - start:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
