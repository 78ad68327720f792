"""Sums each branch's powers."""
import argparse
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("--branches", nargs="+", required=True, help="input folders")
parser.add_argument("--out", required=True, help="output folder")
args = parser.parse_args()
sums = [sum(int(x) for x in Path(b, "powers.txt").read_text().split()) for b in args.branches]
Path(args.out, "total.txt").write_text(" ".join(map(str, sums)) + "\n")
