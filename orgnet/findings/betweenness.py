"""Sampled betweenness on all cores, in the background: the pivots shared out to worker processes.

Brandes' dependencies of different source people are independent, so the chunks of a
:class:`~orgnet.metrics.centrality.PivotWork` can be computed by several processes (igraph holds
Python's interpreter lock, so threads would not help) while the caller goes on with the steps
that do not need betweenness; :meth:`~orgnet._parallel.Pending.result` collects them. Each
worker builds the igraph graph once from the tie arrays (memory-mapped, written once) and
computes every ``n_jobs``-th chunk; the chunks are summed in their own order, so the values are
bit-for-bit those of :func:`orgnet.metrics.centrality.betweenness` whatever ``n_jobs``.
KADABRA (the default sampling, on one thread for a reproducible sample) runs whole in one worker.

Examples
--------
>>> import scipy.sparse as sp
>>> pending = start_betweenness(sp.csr_array([[0, 1.0, 0], [0, 0, 1.0], [0, 0, 0]]))
>>> pending.result().values.tolist()
[0.0, 0.5, 0.0]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from orgnet._parallel import Pending, effective_n_jobs, start, start_call, worker_processes
from orgnet.metrics.centrality import (
    BetweennessResult,
    PivotWork,
    betweenness_work,
    pivot_dependencies,
    uses_kadabra,
)

__all__ = ["PendingBetweenness", "start_betweenness"]

#: Betweenness being computed (possibly by worker processes): ``result()`` gives the
#: :class:`~orgnet.metrics.centrality.BetweennessResult`, ``close()`` stops the workers.
PendingBetweenness = Pending[BetweennessResult]


def start_betweenness(adjacency: Any, *, n_jobs: int | None = None, **options: Any) -> PendingBetweenness:
    """Start :func:`orgnet.metrics.centrality.betweenness`; sampled pivots go to ``n_jobs`` workers.

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted directed ties.
    n_jobs : int or None
        Processes at once, this one included (:mod:`orgnet._parallel`; None: the cores
        available; 1: computed here, before this returns): the pivots are shared among the
        ``n_jobs - 1`` workers. Exact betweenness and ``per_person_bounds`` are always computed
        here.
    **options
        The keyword arguments of :func:`orgnet.metrics.centrality.betweenness`.

    Returns
    -------
    PendingBetweenness
    """
    jobs = effective_n_jobs(n_jobs)
    if jobs >= 2 and uses_kadabra(int(adjacency.shape[0]), **options):
        # KADABRA samples on one thread (its sample is deterministic only so): a worker runs it
        # while the caller goes on (at a million people 15 s of the main process, the other
        # core idle). The igraph view stays here: KADABRA builds its own graph from the ties.
        return start_call(_betweenness, adjacency, {k: v for k, v in options.items() if k != "graph"},
                          n_jobs=jobs)
    work = betweenness_work(adjacency, **options)
    if isinstance(work, BetweennessResult):
        return Pending.done(work)
    # The pivots are shared among the workers beside this process (which goes on meanwhile).
    shares = min(worker_processes(jobs), len(work.chunks))
    if shares < 1:
        return Pending.done(work.finish(pivot_dependencies(work.n, work.edges, work.dist, work.directed, work.chunks)))
    # Worker w computes chunks w, w + shares, ...: one igraph graph per worker, not per chunk.
    tasks = [(work.n, work.edges, work.dist, work.directed, work.chunks[w::shares]) for w in range(shares)]
    return start(pivot_dependencies, tasks, n_jobs=jobs).then(lambda parts: _finish(work, parts))


def _betweenness(adjacency: Any, options: dict[str, Any]) -> BetweennessResult:
    """Betweenness computed whole (KADABRA) in a worker process."""
    work = betweenness_work(adjacency, **options)
    assert isinstance(work, BetweennessResult)  # KADABRA returns the result, never pivot work
    return work


def _finish(work: PivotWork, parts_by_worker: list[list[np.ndarray]]) -> BetweennessResult:
    shares = len(parts_by_worker)
    ordered: list[np.ndarray] = [np.empty(0)] * len(work.chunks)
    for w, parts in enumerate(parts_by_worker):
        ordered[w::shares] = parts
    return work.finish(ordered)


def describe(result: BetweennessResult) -> str:
    """One line for the summary's methods: how betweenness was computed, with its error.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from orgnet.metrics.centrality import betweenness
    >>> describe(betweenness(sp.csr_array([[0, 1.0], [1.0, 0]])))
    'exact (Brandes), path length = number of ties, directed paths'
    """
    dist = "distance = 1 / tie weight" if result.weighted else "path length = number of ties"
    dist += ", directed paths" if result.directed else ", ties in either direction (weights of both summed)"
    if result.method == "exact":
        return f"exact (Brandes), {dist}"
    if result.method == "kadabra":
        return (f"sampled shortest paths (KADABRA, {result.pivots:,} paths; every person within "
                f"±{result.epsilon:.3g} with probability {1 - result.delta:g}), {dist}")
    chosen = (f"Riondato–Kornaropoulos sample size for ε = {result.target_epsilon:g}, δ = {result.delta:g}, "
              f"vertex diameter ≈ {result.vertex_diameter}; " if result.target_epsilon is not None else "")
    return (f"sampled from {result.pivots} random source people (Brandes–Pich; {chosen}"
            f"every person within ±{result.epsilon:.3g} with probability {1 - result.delta:g}), {dist}")
