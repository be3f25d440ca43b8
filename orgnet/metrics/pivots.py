"""Betweenness pivots in worker processes: ``python -m orgnet.metrics.pivots FOLDER WORKER WORKERS PARENT``.

Brandes' dependencies of a set of source people are independent of each other, so sampled
betweenness splits into chunks of sources that other processes can compute
(:class:`orgnet.workers.Workers`: igraph holds Python's interpreter lock, so threads would not
help).

The parent writes the ties to ``FOLDER`` once (:func:`write_job`); worker ``w`` of ``W``
computes chunks ``w, w + W, w + 2W, …`` and writes ``part-<chunk>.npy`` for each; the parent
sums the parts in chunk order (:func:`read_parts`), so the result does not depend on ``W``.

Examples
--------
>>> import tempfile, numpy as np
>>> folder = tempfile.mkdtemp()  # a path 0 - 1 - 2
>>> write_job(folder, n=3, edges=np.array([[0, 1], [1, 2]]), dist=None, directed=False,
...           chunks=[[0], [1, 2]])
>>> run_worker(folder, 0, 1)  # undirected: igraph counts half a dependency per source
>>> [p.tolist() for p in read_parts(folder, 2)]
[[0.0, 0.5, 0.0], [0.0, 0.5, 0.0]]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from orgnet.workers import parent_gone

__all__ = ["dependencies", "read_parts", "run_worker", "write_job"]


def dependencies(graph: Any, dist: list[float] | None, directed: bool, sources: list[int]) -> np.ndarray:
    """Sum of the Brandes dependencies of ``sources`` on every person (one igraph call)."""
    return np.asarray(graph.betweenness(directed=directed, weights=dist, sources=sources), dtype=float)


def write_job(folder: str | Path, *, n: int, edges: np.ndarray, dist: np.ndarray | None, directed: bool,
              chunks: list[list[int]]) -> None:
    """Write what the workers need: the ties (``edges.npy``, ``dist.npy``) and ``job.json``."""
    folder = Path(folder)
    np.save(folder / "edges.npy", np.ascontiguousarray(edges, dtype=np.int64))
    if dist is not None:
        np.save(folder / "dist.npy", np.asarray(dist, dtype=float))
    (folder / "job.json").write_text(json.dumps({"n": int(n), "directed": bool(directed),
                                                 "weighted": dist is not None, "chunks": chunks}))


def run_worker(folder: str | Path, worker: int, workers: int, parent: int | None = None) -> None:
    """Compute this worker's chunks and write ``part-<chunk>.npy`` for each.

    Stops early when the process ``parent`` (the caller) has gone.
    """
    import igraph as ig

    folder = Path(folder)
    job = json.loads((folder / "job.json").read_text())
    graph = ig.Graph(n=job["n"], edges=np.load(folder / "edges.npy"), directed=job["directed"])
    dist = np.load(folder / "dist.npy").tolist() if job["weighted"] else None
    for i in range(worker, len(job["chunks"]), workers):
        if parent is not None and parent_gone(parent):  # nobody to compute for
            return
        part = dependencies(graph, dist, job["directed"], job["chunks"][i])
        tmp = folder / f"part-{i}.tmp.npy"
        np.save(tmp, part)
        tmp.replace(folder / f"part-{i}.npy")  # a part is there whole or not at all


def read_parts(folder: str | Path, count: int) -> list[np.ndarray]:
    """The workers' parts, in chunk order."""
    return [np.load(Path(folder) / f"part-{i}.npy") for i in range(count)]


if __name__ == "__main__":  # pragma: no cover - run by start_betweenness in a child process
    run_worker(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
