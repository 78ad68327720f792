"""Raises each number to a power."""
import argparse
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("--numbers", required=True, help="input folder")
parser.add_argument("--power", type=int, required=True)
parser.add_argument("--out", required=True, help="output folder")
args = parser.parse_args()
numbers = [int(x) for x in Path(args.numbers, "numbers.txt").read_text().split()]
Path(args.out, "powers.txt").write_text("".join(f"{x ** args.power}\n" for x in numbers))
