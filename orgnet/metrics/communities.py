"""Informal communities: Leiden on the undirected weighted ties, seeded and reproducible."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from orgnet.metrics._check import Adjacency, IntArray, check_adjacency

if TYPE_CHECKING:
    import igraph

__all__ = ["leiden", "relabel_by_size"]


def relabel_by_size(labels: npt.ArrayLike) -> IntArray:
    """Renumber communities 0, 1, ... from the largest down (ties: smallest member first).

    Examples
    --------
    >>> relabel_by_size(np.array([5, 2, 2, 9, 9, 9])).tolist()
    [2, 1, 1, 0, 0, 0]
    """
    values = np.asarray(labels).ravel()
    uniq, first, inverse, counts = np.unique(values, return_index=True, return_inverse=True, return_counts=True)
    order = np.lexsort((first, -counts))
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[order] = np.arange(len(uniq))
    return rank[inverse]


def leiden(
    adjacency: Adjacency,
    *,
    resolution: float = 1.0,
    seed: int = 0,
    n_iterations: int = 2,
    graph: igraph.Graph | None = None,
) -> IntArray:
    """Leiden communities (modularity) on the undirected view of the ties.

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted ties; direction is dropped (``A + A.T``).
    resolution : float
        Modularity resolution (1 = standard modularity; higher gives smaller communities).
    seed : int
        Seed of the random number generator: the same seed gives the same communities.
    n_iterations : int
        Leiden iterations (igraph's default, 2); negative runs until the partition is stable.
        At 100k people two iterations take a quarter of the time of running to stability for
        0.1 % less modularity (0.8610 against 0.8617 on the 100k benchmark organisation).
    graph : igraph.Graph, optional
        A prebuilt undirected igraph view with a ``weight`` attribute (upper triangle of
        ``A + A.T``).

    Returns
    -------
    numpy.ndarray
        Community number per person, 0 for the largest. People with no tie are each their
        own community.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> two_triangles = sp.csr_array(np.kron(np.eye(2), np.ones((3, 3))) - np.eye(6))
    >>> leiden(two_triangles, seed=1).tolist()
    [0, 0, 0, 1, 1, 1]
    """
    import igraph as ig

    a = check_adjacency(adjacency, func="leiden")
    n = a.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if graph is None:
        upper = sp.triu(a + a.T, k=1).tocoo()
        graph = ig.Graph(n=n, edges=np.column_stack([upper.row, upper.col]), directed=False)
        graph.es["weight"] = upper.data
    previous = random.getstate()
    ig.set_random_number_generator(random.Random(seed))
    try:
        clustering = graph.community_leiden(
            objective_function="modularity",
            weights="weight",
            resolution=resolution,
            n_iterations=n_iterations,
        )
    finally:
        ig.set_random_number_generator(random)
        random.setstate(previous)
    return relabel_by_size(np.asarray(clustering.membership))
