"""Warm kernels are bounded per workspace: designers share one pool (widget/warm_share.py)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from pipeline_widget import PipelineDesigner
from pipeline_widget.widget import designer as designer_module
from pipeline_widget.widget import warm_share


class FakePool:
    """What a designer asks of WarmKernels, without starting kernels."""

    made: list["FakePool"] = []

    def __init__(self, size, idle_timeout, connection_dir=None, idle_kernels=True) -> None:
        self.size, self.connection_dir = size, connection_dir
        self.idle_kernels = idle_kernels
        self.wanted: list[str] = []
        self.closed = False
        FakePool.made.append(self)

    def want(self, kernel_name, count=None) -> None:
        self.wanted.append(kernel_name)

    def ready(self, kernel_name="python3") -> list[int]:
        return [] if self.closed else list(range(self.size))

    def shutdown(self) -> None:
        self.closed = True


@pytest.fixture
def fake_pools(monkeypatch):
    FakePool.made = []
    monkeypatch.setattr(designer_module, "WarmKernels", FakePool)
    return FakePool.made


def test_designers_of_a_workspace_share_one_pool_until_the_last_is_closed(ws, steps_dir,
                                                                          fake_pools):
    designers = [PipelineDesigner(workspace=ws, steps_dir=steps_dir) for _ in range(5)]
    assert len(fake_pools) == 1   # five designers (a cell run five times): one pool
    (pool,) = fake_pools
    assert pool.size == 2 and pool.connection_dir == ws.kernels_dir
    assert pool.idle_kernels is False   # kernels that are forked are not kept idle
    assert all(d.runs_panel.warm.pool is pool for d in designers)
    for d in designers[:-1]:
        d.close()
    assert not pool.closed
    designers[-1].close()
    assert pool.closed   # the last one gives its kernels back at once
    again = PipelineDesigner(workspace=ws, steps_dir=steps_dir)
    assert len(fake_pools) == 2 and again.runs_panel.warm.pool is fake_pools[1]
    again.close()


def test_a_designer_without_warm_kernels_takes_no_lease(ws, steps_dir, fake_pools):
    designer = PipelineDesigner(workspace=ws, steps_dir=steps_dir, warm_kernels=0)
    assert designer.runs_panel.warm is None and fake_pools == []


def test_only_one_process_keeps_a_workspaces_warm_kernels(ws, fake_pools):
    ws.kernels_dir.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from filelock import FileLock; "
         "lock = FileLock(sys.argv[1]); lock.acquire(); print('held', flush=True); "
         "sys.stdin.read()", str(ws.kernels_dir / "warm.lock")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        lease = warm_share.lease(ws.kernels_dir, 2, 600.0, FakePool)
        assert lease.pool is None and fake_pools == []   # the other process keeps them
        lease.want("python3")   # nothing to warm here; a run starts its own kernels
    finally:
        holder.stdin.close()
        holder.wait(10)
    assert lease.pool is fake_pools[0]   # the other process is gone: this one takes over
    lease.release()
    assert fake_pools[0].closed
