"""Scripts that run inside a step's process for v1 step kinds that are more than one script:
ParallelRunStep (an entry script's init() and run(mini_batch) over batches of its input, in
worker processes), HyperDriveStep (a training script run once per sampled set of
hyperparameters), and scripts given PipelineData(is_directory=False) (a file path each).
Each is given to a local script step as its script."""
from pathlib import Path

FOLDER = Path(__file__).absolute().parent
PARALLEL_RUN = FOLDER / "parallel_run.py"
HYPERDRIVE = FOLDER / "hyperdrive.py"
FILE_OUTPUTS = FOLDER / "file_outputs.py"
