"""A step that runs in a snapshot, as Azure ML runs a script: a working folder in the step
run's record that links to every entry of the step's folder, with its own ./outputs and
./logs, so what the script leaves there stays with this step run (and two runs of the
step never share it). Links, not copies: the snapshot costs nothing for big folders."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from ...core.workspace import WORKSPACE_DIRNAMES
from ..plan.model import StepPlan

FOLDER = "snapshot"
OWN = ("outputs", "logs")   # made fresh in the snapshot, never linked


def working_copy(plan: StepPlan) -> StepPlan:
    """The plan, moved into a fresh snapshot of its folder."""
    source_dir = Path(plan.cwd)
    snap = Path(plan.record_dir) / FOLDER
    snap.mkdir(parents=True, exist_ok=True)
    for entry in sorted(os.listdir(source_dir)):
        if entry in OWN or entry in WORKSPACE_DIRNAMES:
            continue
        link = snap / entry
        if not link.exists() and not link.is_symlink():
            link.symlink_to(source_dir / entry)
    for own in OWN:
        (snap / own).mkdir(exist_ok=True)
    source = Path(plan.source)
    moved = snap / source.relative_to(source_dir) if source.is_relative_to(source_dir) else source
    return dataclasses.replace(plan, cwd=str(snap), source=str(moved))
