"""A v1 script whose arguments include PipelineData(is_directory=False): such data is a file
in v1, so its argument is the file's path inside the data's folder (the folder made, the
file not). The runner hands over the folder; this runs the script, in this process, with
those arguments made file paths.

Run as the step's script: file_outputs.py --script SCRIPT [--file INDEX=NAME]... -- ARGS."""
from __future__ import annotations

import argparse
import os
import runpy
import sys


def main(argv: list[str]) -> None:
    at = argv.index("--")
    cli = argparse.ArgumentParser(prog="file outputs")
    cli.add_argument("--script", required=True)
    cli.add_argument("--file", action="append", default=[])
    options, args = cli.parse_args(argv[:at]), list(argv[at + 1:])
    for item in options.file:
        index, _, name = item.partition("=")
        args[int(index)] = os.path.join(args[int(index)], name)
    script = os.path.abspath(options.script)
    sys.argv = [script, *args]
    sys.path[0] = os.path.dirname(script)
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
