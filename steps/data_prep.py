"""Prepare data: read the raw dataset, clean it, write prepped_data.csv into --folder.

The --folder argument is the PipelineData folder the runner created for this
step's output; the raw data arrives as the named input `raw_data`.
"""
import argparse
import os

from pipeline_widget import Run

parser = argparse.ArgumentParser()
parser.add_argument("--folder", required=True, help="the output PipelineData folder")
args = parser.parse_args()

run = Run.get_context()
raw = run.input_datasets["raw_data"].to_pandas_dataframe()
prepped = raw[["col1", "col2", "col3"]].dropna()
print(f"kept {len(prepped)} of {len(raw)} rows")

os.makedirs(args.folder, exist_ok=True)
prepped.to_csv(os.path.join(args.folder, "prepped_data.csv"), index=False)
run.log("rows", len(prepped))
