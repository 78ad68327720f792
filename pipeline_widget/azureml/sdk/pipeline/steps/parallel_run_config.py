"""azureml.pipeline.steps.ParallelRunConfig: how a ParallelRunStep runs its entry script."""
from __future__ import annotations

import os
from typing import Any

from .....core.errors import PipelineError
from ....ignored import ignore
from ....missing import MissingNames, module_getattr

OUTPUT_ACTIONS = ("append_row", "summary_only")


class ParallelRunConfig(MissingNames):
    def __init__(self, environment: Any, entry_script: str, error_threshold: int,
                 output_action: str, compute_target: Any, node_count: int,
                 process_count_per_node: int | None = None, mini_batch_size: Any = None,
                 source_directory: str | None = None, description: str | None = None,
                 logging_level: str = "INFO", run_invocation_timeout: int = 60,
                 run_max_try: int = 3, append_row_file_name: str | None = None,
                 allowed_failed_count: int | None = None,
                 allowed_failed_percent: float | None = None, partition_keys: Any = None,
                 environment_variables: dict | None = None) -> None:
        if output_action not in OUTPUT_ACTIONS:
            raise PipelineError(f"ParallelRunConfig: output_action {output_action!r} is not one "
                                f"of {OUTPUT_ACTIONS}")
        if isinstance(error_threshold, bool) or not isinstance(error_threshold, int) \
                or error_threshold < -1:
            raise PipelineError(f"ParallelRunConfig: error_threshold must be -1 (no limit) or a "
                                f"count of items, not {error_threshold!r}")
        self.environment, self.entry_script = environment, entry_script
        self.error_threshold, self.output_action = error_threshold, output_action
        self.compute_target, self.node_count = compute_target, node_count
        self.process_count_per_node = process_count_per_node or os.cpu_count() or 1
        self.mini_batch_size = mini_batch_size
        self.source_directory = source_directory or "."
        self.append_row_file_name = append_row_file_name or "parallel_run_step.txt"
        self.environment_variables = dict(environment_variables or {})
        if node_count and node_count > 1:
            ignore(f"ParallelRunConfig(node_count={node_count}): one machine here")
        if partition_keys:
            ignore("ParallelRunConfig(partition_keys=...)")


__all__ = ["ParallelRunConfig"]
__getattr__ = module_getattr(__name__)
