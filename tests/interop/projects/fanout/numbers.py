"""Writes 1..n, one per line."""
import argparse
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("--n", type=int, required=True)
parser.add_argument("--out", required=True, help="output folder")
args = parser.parse_args()
Path(args.out, "numbers.txt").write_text("".join(f"{i}\n" for i in range(1, args.n + 1)))
