"""The Dask suite: the benchmark shapes on the local executor and on a Dask LocalCluster of
two single-threaded worker processes, in the same run, and their ratio.

Each run is cold (a fresh workspace, so no step is reused) and is timed from
`submit` to the end of `wait_for_completion`, in this process. Dask runs twice
per shape: on a cluster already running (`executor="dask://host:port"`, the
usual case of an existing cluster) and with `executor="dask"`, which starts and
closes a LocalCluster inside the run.

The target is on what the executor adds, not on Dask's own messaging: each round also
times the shape's graph as trivial Dask tasks on the same cluster, each sent when its
upstream tasks have ended (as the executor sends steps), and a run on Dask is held to
`TARGET` times the local run plus that floor. (Dask's round trip for one task, about
10 ms on a 2-core machine, is a fixed cost a step pays on any Dask cluster; as local
runs got faster it alone grew the plain dask/local ratio, which is printed as well.)

`python -m benchmarks.dask_shapes` (or `python -m benchmarks --only dask`).
"""
from __future__ import annotations

import graphlib
import logging
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from . import shapes

WORKERS = 2
SHAPES = [shapes.chain(10), shapes.fan_out(8), shapes.diamond()]
ROUNDS = 3           # each shape local and on the running cluster, back to back
TARGET = 1.1         # dask (running cluster) / (local + Dask's floor for the shape), the
                     # median of the rounds' ratios


def _trivial(name: str) -> str:
    return name


def dask_floor(client: Any, shape: shapes.Shape) -> float:
    """Seconds to run the shape's graph as trivial tasks, each submitted from a thread of
    this process once its upstream tasks have ended, at most WORKERS at once: what Dask's
    own messaging costs a run of this shape whatever the steps do."""
    graph = graphlib.TopologicalSorter(shape.upstream)
    graph.prepare()
    lock, finished = threading.Lock(), threading.Event()
    waiting: list[str] = []
    running = [0]

    def send() -> None:   # under the lock
        while waiting and running[0] < WORKERS:
            name = waiting.pop(0)
            running[0] += 1
            future = client.submit(_trivial, name, pure=False)
            future.add_done_callback(lambda f, n=name: threading.Thread(
                target=done, args=(n,)).start())

    def done(name: str) -> None:
        with lock:
            running[0] -= 1
            graph.done(name)
            waiting.extend(graph.get_ready())
            if not graph.is_active():
                finished.set()
            send()

    start = time.perf_counter()
    with lock:
        waiting.extend(graph.get_ready())
        send()
    if not finished.wait(60):
        raise RuntimeError(f"the trivial tasks of {shape.name} did not end on Dask")
    return time.perf_counter() - start


def timed_run(shape: shapes.Shape, root: Path, label: str, executor: str | None) -> float:
    from pipeline_widget import Pipeline, Workspace

    project = root / f"{shape.name}-{label}"
    file = shapes.write_project(shape, project)
    pipeline = Pipeline.load(file, workspace=Workspace(project))
    start = time.perf_counter()
    run = pipeline.submit("bench", executor=executor, max_parallel=WORKERS)
    status = run.wait_for_completion(show_output=False)
    seconds = time.perf_counter() - start
    if status != "Finished":
        failed = [(s.name, s.error) for s in run.get_steps() if s.status != "Finished"]
        raise RuntimeError(f"{shape.name} on {label} ended {status}: {failed[:2]}")
    return seconds


def main() -> bool:
    import dask
    from distributed import Client, LocalCluster

    rows = []
    root = Path(tempfile.mkdtemp(prefix="bench-dask-"))
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        cluster = LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address="127.0.0.1:0",
                               silence_logs=logging.ERROR)
    address = "dask://" + cluster.scheduler_address[len("tcp://"):]
    client = Client(cluster)
    try:
        for shape in SHAPES:
            local, running, floors, plain, ratios = [], [], [], [], []
            for r in range(ROUNDS):
                local.append(timed_run(shape, root, f"local-{r}", None))
                running.append(timed_run(shape, root, f"dask-running-{r}", address))
                floors.append(dask_floor(client, shape))
                plain.append(running[-1] / local[-1])
                ratios.append(running[-1] / (local[-1] + floors[-1]))
            new = timed_run(shape, root, "dask-new", "dask")
            lo, ru = statistics.median(local), statistics.median(running)
            fl = statistics.median(floors)
            rows.append((shape.name, len(shape), lo, ru, fl, statistics.median(plain),
                         statistics.median(ratios), new))
            print(f"  {shape.name}: local {lo:.2f} s, dask {ru:.2f} s, Dask's floor "
                  f"{fl:.3f} s (medians of {ROUNDS}), dask with a new cluster {new:.2f} s",
                  flush=True)
    finally:
        client.close()
        cluster.close()
        shutil.rmtree(root, ignore_errors=True)

    header = ["shape", "steps", "local", "dask", "Dask floor", "dask/local",
              "dask/(local+floor)", "dask (new cluster)", "new/local"]
    table = [header] + [[name, str(n), f"{lo:.2f} s", f"{ru:.2f} s", f"{fl:.3f} s",
                         f"{p:.2f} x", f"{x:.2f} x", f"{ne:.2f} s", f"{ne / lo:.2f} x"]
                        for name, n, lo, ru, fl, p, x, ne in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    print(f"\nDask LocalCluster ({WORKERS} worker processes, 1 thread each) against the local "
          f"executor (max_parallel={WORKERS}); cold runs, no reuse")
    print("\n".join(lines))
    failed = [name for name, _, _, _, _, _, x, _ in rows if x > TARGET]
    print(f"dask/(local + Dask's floor) target <= {TARGET} x (median of each round's ratio): "
          + (f"FAIL for {', '.join(failed)}" if failed else "PASS"))
    return not failed


if __name__ == "__main__":
    main()
