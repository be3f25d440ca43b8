"""Betweenness by adaptive sampling of shortest paths (KADABRA, through NetworKit).

KADABRA (Borassi & Natale 2016, "KADABRA is an ADaptive Algorithm for Betweenness via Random
Approximation") samples random pairs of people and one shortest path between them, and stops
as soon as every person's estimate is within ``epsilon`` of the truth with probability at least
``1 - delta`` (the stopping rule adapts to the values seen, so it needs far fewer samples than a
fixed Riondato–Kornaropoulos sample of the same guarantee). NetworKit's implementation
(van der Grinten, Angriman & Meyerhenke 2019) is the fastest well-kept one; it counts hops on
undirected ties, which is orgnet's default path definition.

Normalisation: NetworKit's scores are ``2 (n - 2) / n`` times networkx's normalised undirected
betweenness (the share of the ``(n - 1)(n - 2) / 2`` pairs of other people whose shortest paths
go through the person); they are rescaled here, and the guarantee with them (a test compares
both with exact betweenness).

Determinism: with one thread and a seed set from the calling thread, two runs give the same
values bit for bit (with two threads the sample depends on thread timing, seen on NetworKit
11.3), so the search runs on one thread; it takes about a second at 20,000 people.

Examples
--------
>>> import scipy.sparse as sp
>>> path = sp.coo_array((np.ones(2), ([0, 1], [1, 2])), shape=(3, 3))  # 0 - 1 - 2
>>> r = kadabra_betweenness(path, epsilon=0.01, delta=0.1, seed=0)
>>> r.method, r.values.tolist()[0], r.values.tolist()[2], bool(r.values[1] > 0.95)
('kadabra', 0.0, 0.0, True)
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from orgnet.metrics._networkit import networkit
from orgnet.metrics.centrality import BetweennessResult

__all__ = ["kadabra_available", "kadabra_betweenness"]


def kadabra_available() -> bool:
    """Whether NetworKit (which provides KADABRA) can be imported here.

    Examples
    --------
    >>> isinstance(kadabra_available(), bool)
    True
    """
    try:
        networkit()
    except ImportError:
        return False
    return True


def kadabra_betweenness(ties: sp.coo_array, *, epsilon: float, delta: float, seed: int) -> BetweennessResult:
    """Normalised undirected betweenness in hops, every person within ``epsilon`` w.p. ``1 - delta``.

    Parameters
    ----------
    ties : scipy.sparse.coo_array
        The undirected ties, each once (the upper triangle that
        :func:`orgnet.metrics.centrality.undirected_ties` gives); weights are ignored (hops).
    epsilon : float
        Additive error on the normalised value (networkx's ``normalized=True`` scale), in (0, 1).
    delta : float
        Probability that some person's value is further than ``epsilon`` from the truth, in (0, 1).
    seed : int
        Seed of the path sample: same seed, same values.

    Returns
    -------
    BetweennessResult
        ``method="kadabra"``, ``pivots`` = the number of sampled paths, bounds
        ``values ± epsilon`` clipped to [0, 1].
    """
    if not (0 < epsilon < 1 and 0 < delta < 1):
        raise ValueError(f"kadabra_betweenness: epsilon and delta must lie in (0, 1), got {epsilon} and {delta}")
    nk = networkit()

    n = int(ties.shape[0])
    if n < 3:
        return BetweennessResult(np.zeros(n), "exact", n, False, directed=False)
    row = np.asarray(ties.row, dtype=np.int64)
    col = np.asarray(ties.col, dtype=np.int64)
    keep = row != col
    graph = nk.GraphFromCoo((np.ones(int(keep.sum())), (row[keep], col[keep])), n=n, directed=False, weighted=False)
    # NetworKit's error is on its own scale, 2 (n - 2) / n times ours: ask for the equivalent.
    scale = n / (2.0 * (n - 2))
    threads = nk.getMaxNumberOfThreads()
    nk.setNumberOfThreads(1)
    try:
        nk.setSeed(int(seed), True)
        algo = nk.centrality.KadabraBetweenness(graph, min(epsilon / (2 * scale), 0.99), delta, True)
        algo.run()
        raw = np.asarray(algo.scores(), dtype=np.float64)
        samples = int(algo.getNumberOfIterations())
    finally:
        nk.setNumberOfThreads(threads)
    values = np.clip(raw * scale, 0.0, 1.0)
    return BetweennessResult(values, "kadabra", samples, False, lower=np.maximum(values - epsilon, 0.0),
                             upper=np.minimum(values + epsilon, 1.0), epsilon=float(epsilon), delta=float(delta),
                             target_epsilon=float(epsilon), directed=False)
