"""A ParallelRunStep, run locally: the entry script's init() once per worker process, its
run(mini_batch) once per mini batch of the input (file paths, or a DataFrame of rows),
failures counted against error_threshold, and with output_action "append_row" every
returned row gathered into the output folder's parallel_run_step.txt (or the name given).

Run as the step's script: parallel_run.py OPTIONS -- ENTRY SCRIPT ARGUMENTS."""
from __future__ import annotations

import argparse
import importlib.util
import multiprocessing
import os
import re
import sys
import traceback
from pathlib import Path
from typing import Any

_entry: Any = None
_init_failed = ""   # the worker's init() (or the entry script's import) traceback
INIT_FAILED = "the entry script's init() failed:\n"


def _options(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    own, rest = (argv[:argv.index("--")], argv[argv.index("--") + 1:]) if "--" in argv \
        else (argv, [])
    cli = argparse.ArgumentParser(prog="ParallelRunStep")
    cli.add_argument("--entry", required=True)
    cli.add_argument("--input", action="append", default=[])
    cli.add_argument("--kind", action="append", default=[])
    cli.add_argument("--output", default=None)
    cli.add_argument("--mini-batch-size", default=None)
    cli.add_argument("--processes", type=int, default=1)
    cli.add_argument("--error-threshold", type=int, default=-1)
    cli.add_argument("--output-action", default="append_row")
    cli.add_argument("--append-file", default="parallel_run_step.txt")
    return cli.parse_args(own), rest


def _size(text: str | None, default: int) -> int:
    """A mini batch size: a count ("10") or, for tables, an amount of data ("1MB")."""
    if not text:
        return default
    found = re.fullmatch(r"\s*(\d+)\s*([KMG]?B)?\s*", str(text), re.IGNORECASE)
    if not found:
        raise SystemExit(f"ParallelRunConfig: mini_batch_size {text!r} is not a number or a "
                         f"size such as '1MB'")
    scale = {"": 1, "B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}
    return int(found.group(1)) * scale[(found.group(2) or "").upper()]


def _batches(path: str, kind: str, size_text: str | None) -> list[Any]:
    root = Path(path)
    files = sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.is_dir() \
        else [str(root)]
    if kind != "tabular":
        count = max(1, _size(size_text, 10))
        return [files[i:i + count] for i in range(0, len(files), count)]
    import pandas as pd

    table = pd.concat([pd.read_csv(f) for f in files if f.endswith(".csv")],
                      ignore_index=True)
    wanted = _size(size_text, 1024 ** 2)
    bytes_per_row = max(1, sum(os.path.getsize(f) for f in files) // max(1, len(table)))
    rows = max(1, wanted // bytes_per_row)
    return [table.iloc[i:i + rows].reset_index(drop=True) for i in range(0, len(table), rows)]


def _load_entry(entry: str) -> Any:
    spec = importlib.util.spec_from_file_location("entry_script", entry)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["entry_script"] = module
    spec.loader.exec_module(module)
    return module


def _init_worker(entry: str, argv: list[str]) -> None:
    """Load the entry script and call its init(); a failure is kept and fails the step
    (raised here, the pool would start the worker again, and again, without end)."""
    global _entry, _init_failed
    sys.argv = [entry, *argv]
    try:
        _entry = _load_entry(entry)
        if hasattr(_entry, "init"):
            _entry.init()
    except BaseException:
        _init_failed = traceback.format_exc()


def _run_batch(batch: Any) -> tuple[list[str], int, str]:
    """(rows to append, items failed, error text) for one mini batch."""
    size = len(batch)
    if _init_failed:
        return [], size, INIT_FAILED + _init_failed
    try:
        result = _entry.run(batch)
    except Exception:
        return [], size, traceback.format_exc()
    if result is None:
        return [], 0, ""
    if hasattr(result, "to_csv"):   # a DataFrame: its rows, space separated
        rows = [" ".join(str(v) for v in row) for row in result.itertuples(index=False)]
    else:
        rows = [str(r) for r in result]
    return rows, max(0, size - len(rows)), ""


def main(argv: list[str]) -> int:
    options, rest = _options(argv)
    sys.path.insert(0, os.getcwd())   # the source folder, as v1 has it
    if len(options.input) != 1:
        raise SystemExit("ParallelRunStep: give exactly one input (the data to split into "
                         "mini batches); more inputs go in side_inputs")
    batches = _batches(options.input[0], (options.kind or ["file"])[0], options.mini_batch_size)
    processes = max(1, min(options.processes, len(batches) or 1))
    entry = str(Path(options.entry).absolute())
    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    with context.Pool(processes, initializer=_init_worker, initargs=(entry, rest)) as pool:
        results = pool.map(_run_batch, batches, chunksize=1)
    failed = sum(r[1] for r in results)
    broken = next((r[2] for r in results if r[2].startswith(INIT_FAILED)), None)
    if broken is not None:
        print(f"ParallelRunStep: {broken}", file=sys.stderr)
        return 1
    for rows, count, error in results:
        if error:
            print(f"a mini batch failed ({count} items):\n{error}", file=sys.stderr)
    if options.output_action == "append_row" and options.output:
        os.makedirs(options.output, exist_ok=True)
        with open(os.path.join(options.output, options.append_file), "w") as out:
            for rows, _, _ in results:
                out.writelines(row + "\n" for row in rows)
    total = sum(len(b) for b in batches)
    print(f"ParallelRunStep: {len(batches)} mini batches of {total} items in {processes} "
          f"processes; {failed} failed (error_threshold {options.error_threshold})")
    if options.error_threshold >= 0 and failed > options.error_threshold:
        print(f"ParallelRunStep: {failed} items failed, more than error_threshold "
              f"{options.error_threshold}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
