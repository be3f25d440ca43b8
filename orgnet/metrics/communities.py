"""Informal communities: Leiden on the undirected weighted ties, seeded and reproducible.

The resolution is chosen from the data by Newman's (2016) maximum-likelihood iteration
(:func:`newman_resolution`, :func:`choose_resolution`): modularity at resolution ``gamma`` is
the log-likelihood of a planted-partition model whose in- and out-group tie rates give ``gamma``
back, so the partition and the resolution are fitted together. Resolution 1 (plain modularity)
merges small groups in large networks (Fortunato & Barthelemy's resolution limit): on
``email-Eu-core`` it finds 6 communities for 42 departments.

How far a partition depends on the random seed is measured by :func:`seed_stability` (the mean
normalised mutual information between partitions found with different seeds).

References
----------
M. E. J. Newman, "Equivalence between modularity optimization and maximum likelihood methods
for community detection", Phys. Rev. E 94, 052315 (2016).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from orgnet.metrics._check import Adjacency, FloatArray, IntArray, check_adjacency
from orgnet.metrics._igraph import igraph, igraph_graph
from orgnet.metrics._networkit import networkit

__all__ = ["LEIDEN_ITERATIONS", "NETWORKIT_FROM", "ResolutionChoice", "choose_resolution", "leiden",
           "leiden_implementation", "leiden_view", "newman_resolution",
           "partition_agreement", "relabel_by_size", "seed_partitions", "seed_stability"]


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


#: Leiden iterations of a partition orgnet reports (igraph's default).
LEIDEN_ITERATIONS = 2

#: From this many people Leiden runs on NetworKit's implementation (``ParallelLeiden``, on one
#: thread so that a seed gives one partition), below it on igraph's. On the benchmark
#: organisations the two find partitions of the same modularity at the same resolution (1M
#: people: 0.73638 against 0.73642; 100k: 0.71261 against 0.71263; NMI between them 0.998, as
#: between two seeds of either), and NetworKit's takes 4.9 s against igraph's 11.1 s at 1M (two
#: iterations). On the small real networks of the shared data igraph's partitions had the higher
#: modularity (Coleman's physicians 0.649 against 0.633, Krackhardt 0.101 against 0.094): below
#: this size igraph's Leiden takes under three seconds and its better partitions are kept.
NETWORKIT_FROM = 100_000


def leiden(
    adjacency: Adjacency,
    *,
    resolution: float = 1.0,
    seed: int = 0,
    n_iterations: int = LEIDEN_ITERATIONS,
    graph: Any = None,
) -> IntArray:
    """Leiden communities (modularity) on the undirected view of the ties.

    igraph's implementation below :data:`NETWORKIT_FROM` people, NetworKit's from it (one
    thread, seeded: the same seed gives the same partition); :func:`leiden_view` builds the
    graph each takes.

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted ties; direction is dropped (``A + A.T``).
    resolution : float
        Modularity resolution (1 = standard modularity; higher gives smaller communities).
    seed : int
        Seed of the random number generator: the same seed gives the same communities.
    n_iterations : int
        Leiden iterations (igraph's default, 2). With igraph's implementation a negative number
        runs until the partition is stable; NetworKit's needs at least one. At 100k people two
        iterations take a quarter of the time of running to stability for 0.1 % less modularity
        (0.8610 against 0.8617 on the 100k benchmark organisation).
    graph : igraph.Graph or networkit.Graph, optional
        The prebuilt undirected view (:func:`leiden_view`); its kind says which implementation
        runs.

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
    ig = igraph()

    a = check_adjacency(adjacency, func="leiden")
    n = a.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if graph is None:
        graph = leiden_view(a)
    if not isinstance(graph, ig.Graph):
        if n_iterations < 1:
            raise ValueError(f"leiden: n_iterations is {n_iterations}; NetworKit's Leiden needs 1 or more")
        return _networkit_leiden(graph, resolution, seed, n_iterations)
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


def leiden_view(adjacency: Adjacency, *, networkit_from: int = NETWORKIT_FROM) -> Any:
    """The undirected weighted graph :func:`leiden` runs on: NetworKit's from ``networkit_from`` people, else igraph's.

    Both are built from :func:`orgnet.metrics.centrality.undirected_ties` (upper triangle of
    ``A + A.T``, weights summed). Build it once for several :func:`leiden` calls.

    Examples
    --------
    >>> a = sp.csr_array([[0, 2.0], [1.0, 0]])
    >>> type(leiden_view(a)).__module__, type(leiden_view(a, networkit_from=2)).__module__
    ('igraph', 'networkit.graph')
    """
    from orgnet.metrics.centrality import undirected_ties

    a = check_adjacency(adjacency, func="leiden_view")
    n = a.shape[0]
    upper = undirected_ties(a)
    if not _uses_networkit(n, networkit_from):
        return igraph_graph(n, upper.row, upper.col, upper.data, directed=False)
    nk = networkit()

    return nk.GraphFromCoo((np.asarray(upper.data, dtype=float),
                            (upper.row.astype(np.intp), upper.col.astype(np.intp))), n, directed=False, weighted=True)


def leiden_implementation(n: int, *, networkit_from: int = NETWORKIT_FROM) -> str:
    """Which Leiden :func:`leiden_view` picks for ``n`` people, in words for the report's methods.

    igraph's below ``networkit_from`` people, and wherever NetworKit cannot be imported (as for
    KADABRA: :func:`orgnet.metrics.kadabra.kadabra_available`).

    Examples
    --------
    >>> leiden_implementation(500)
    'igraph'
    >>> leiden_implementation(1_000_000) in ('NetworKit ParallelLeiden, one thread', 'igraph')
    True
    """
    return "NetworKit ParallelLeiden, one thread" if _uses_networkit(n, networkit_from) else "igraph"


def _uses_networkit(n: int, networkit_from: int) -> bool:
    from orgnet.metrics.kadabra import kadabra_available

    return n >= networkit_from and kadabra_available()


def _networkit_leiden(graph: Any, resolution: float, seed: int, n_iterations: int) -> IntArray:
    """NetworKit's ParallelLeiden on one thread with ``seed``; the thread count is restored after.

    With two threads the partition depends on thread timing (three runs with one seed gave three
    partitions on NetworKit 11.3); with one, the same seed gives the same partition.
    """
    nk = networkit()

    threads = nk.getMaxNumberOfThreads()
    nk.setNumberOfThreads(1)
    try:
        nk.setSeed(int(seed), False)
        algorithm = nk.community.ParallelLeiden(graph, iterations=int(n_iterations), randomize=True,
                                                gamma=float(resolution))
        algorithm.run()
        labels = np.asarray(algorithm.getPartition().getVector(), dtype=np.int64)
    finally:
        nk.setNumberOfThreads(threads)
    return relabel_by_size(labels)


def _undirected(adjacency: Adjacency) -> sp.csr_array:
    a = check_adjacency(adjacency, func="newman_resolution")
    return sp.csr_array(a + a.T)


def newman_resolution(adjacency: Adjacency, labels: npt.ArrayLike) -> float:
    """The resolution a partition implies under Newman's planted-partition model.

    With ``2m`` the total undirected weight, ``2 m_in`` the weight inside communities and
    ``kappa_r`` the total degree of community ``r``::

        omega_in  = 2 m_in / (sum_r kappa_r^2 / 2m)
        omega_out = (2m - 2 m_in) / (2m - sum_r kappa_r^2 / 2m)
        gamma     = (omega_in - omega_out) / (ln omega_in - ln omega_out)

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted ties (direction is dropped).
    labels : array of int
        Community per person.

    Returns
    -------
    float
        ``gamma``; NaN when the partition has no tie inside or none between communities.

    Examples
    --------
    >>> two_triangles = sp.csr_array(np.kron(np.eye(2), np.ones((3, 3))) - np.eye(6))
    >>> bridged = two_triangles + sp.csr_array(([1.0], ([0], [3])), shape=(6, 6))
    >>> round(newman_resolution(bridged, np.array([0, 0, 0, 1, 1, 1])), 3)
    0.681
    """
    u = _undirected(adjacency)
    lab = np.asarray(labels, dtype=np.int64)
    two_m = float(u.sum())
    if two_m <= 0:
        return float("nan")
    rows = np.repeat(np.arange(u.shape[0], dtype=np.int64), np.diff(u.indptr))
    two_m_in = float(u.data[lab[rows] == lab[u.indices]].sum())
    kappa = np.bincount(lab, weights=np.asarray(u.sum(axis=1)).ravel())
    expected = float((kappa ** 2).sum()) / two_m
    if not (0 < two_m_in < two_m) or not (0 < expected < two_m):
        return float("nan")
    w_in, w_out = two_m_in / expected, (two_m - two_m_in) / (two_m - expected)
    if w_in <= w_out:
        return float("nan")
    return float((w_in - w_out) / (np.log(w_in) - np.log(w_out)))


@dataclass
class ResolutionChoice:
    """A resolution chosen by :func:`choose_resolution` and the partition found at it.

    Attributes
    ----------
    resolution : float
        The chosen resolution.
    labels : numpy.ndarray
        Communities at that resolution (0 = largest).
    history : list of float
        Resolutions tried, in order (starting at 1).
    converged : bool
        Whether two successive resolutions agreed within the tolerance.
    """

    resolution: float
    labels: IntArray
    history: list[float] = field(default_factory=list)
    converged: bool = False


def choose_resolution(adjacency: Adjacency, *, seed: int = 0, start: float = 1.0, tolerance: float = 0.005,
                      max_iterations: int = 10, graph: Any = None,
                      search_iterations: int = 1, on_chosen: Callable[[float], object] | None = None) -> ResolutionChoice:
    """Fit partition and resolution together (Newman 2016): Leiden at ``gamma``, re-estimate, repeat.

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted ties.
    seed : int
        Leiden's seed.
    start : float
        First resolution (1: plain modularity).
    tolerance : float
        Stop when a re-estimate moves the resolution by less than this share of it (0.005: half
        a per cent). The resolution's scale depends on the data (about 135 on the 100k benchmark
        organisation, 1,013 on the 1M one), so the stop is relative. Below half a per cent the
        partitions of successive estimates differ as little as Leiden's partitions with two seeds
        do (NMI 0.998 on both), and the estimate only wanders within that noise: at 1M people an
        absolute stop of 0.01 took 11 Leiden runs, this one 6.
    max_iterations : int
        At most this many re-estimates (the iteration usually settles in 3 to 7).
    graph : igraph.Graph or networkit.Graph, optional
        Prebuilt undirected view (:func:`leiden_view`; built here when not given).
    search_iterations : int
        Leiden iterations of the partitions that only feed a re-estimate (1). An estimate needs
        only the partition's weight inside and its communities' degrees: on the 100k benchmark
        organisation one-iteration partitions lead to a resolution within 0.5% of two-iteration
        ones (133.97 against 134.58), and the partition returned agrees with the
        all-two-iteration one as two seeds' do (NMI 0.998), for a quarter less time.

        The partition returned is a full :func:`leiden` run (2 iterations) at the chosen
        resolution: the partitions at each estimate are computed from everyone alone, as
        Newman's iteration has it. (Starting each from the one before took a quarter less time
        with igraph's Leiden, but on the shared networks the iteration then settled elsewhere:
        Coleman's physicians 6 communities at 1.27 instead of 10 at 1.87. Large organisations
        run on NetworKit's Leiden, which takes no starting partition: 25.8 s for the whole
        search at 1M people, against 59.3 s on igraph's.)
    on_chosen : callable, optional
        Called with the resolution as soon as it is chosen, before the partition at it is
        computed: work that needs only the resolution (Leiden with other seeds, in a worker
        process) can start then.

    Returns
    -------
    ResolutionChoice
        When the estimate cannot be made (no community structure: no tie inside or none
        between), the partition at ``start``.

    Examples
    --------
    >>> two_triangles = sp.csr_array(np.kron(np.eye(2), np.ones((3, 3))) - np.eye(6))
    >>> bridged = two_triangles + sp.csr_array(([1.0], ([0], [3])), shape=(6, 6))
    >>> choice = choose_resolution(bridged)
    >>> choice.labels.tolist(), choice.converged
    ([0, 0, 0, 1, 1, 1], True)
    """
    if graph is None:
        graph = leiden_view(adjacency)
    gamma = float(start)
    labels = leiden(adjacency, resolution=gamma, seed=seed, graph=graph, n_iterations=search_iterations)
    history = [gamma]
    converged = False
    for _ in range(max_iterations):
        new = newman_resolution(adjacency, labels)
        if not np.isfinite(new) or new <= 0:
            break
        if abs(new - gamma) < tolerance * gamma:
            converged = True
            break
        gamma = new
        history.append(gamma)
        labels = leiden(adjacency, resolution=gamma, seed=seed, graph=graph, n_iterations=search_iterations)
    if on_chosen is not None:
        on_chosen(gamma)
    if search_iterations != LEIDEN_ITERATIONS:
        labels = leiden(adjacency, resolution=gamma, seed=seed, graph=graph)
    return ResolutionChoice(gamma, labels, history, converged)


def seed_stability(adjacency: Adjacency, labels: npt.ArrayLike, *, resolution: float, seeds: list[int],
                   graph: Any = None, among: npt.ArrayLike | None = None) -> FloatArray:
    """NMI between ``labels`` and the partitions Leiden finds with each of ``seeds`` (same resolution).

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted ties.
    labels : array of int
        The partition reported.
    resolution : float
        Its resolution.
    seeds : list of int
        Other seeds.
    graph : igraph.Graph or networkit.Graph, optional
        Prebuilt undirected view (:func:`leiden_view`).
    among : array of bool, optional
        Compare over these people only (e.g. people with a tie; isolated people are each
        alone whatever the seed and would inflate the agreement).

    Returns
    -------
    numpy.ndarray
        One NMI per seed (1: the same partition).

    Examples
    --------
    >>> two_triangles = sp.csr_array(np.kron(np.eye(2), np.ones((3, 3))) - np.eye(6))
    >>> seed_stability(two_triangles, leiden(two_triangles), resolution=1.0, seeds=[1, 2]).tolist()
    [1.0, 1.0]
    """
    return partition_agreement(labels, seed_partitions(adjacency, resolution=resolution, seeds=seeds, graph=graph),
                               among=among)


def seed_partitions(adjacency: Adjacency, *, resolution: float, seeds: list[int],
                    graph: Any = None) -> list[IntArray]:
    """Leiden's partition with each of ``seeds`` (the first half of :func:`seed_stability`).

    Examples
    --------
    >>> two_triangles = sp.csr_array(np.kron(np.eye(2), np.ones((3, 3))) - np.eye(6))
    >>> [p.tolist() for p in seed_partitions(two_triangles, resolution=1.0, seeds=[1])]
    [[0, 0, 0, 1, 1, 1]]
    """
    view = leiden_view(adjacency) if graph is None else graph
    return [leiden(adjacency, resolution=resolution, seed=s, graph=view) for s in seeds]


def partition_agreement(labels: npt.ArrayLike, partitions: list[IntArray], *,
                        among: npt.ArrayLike | None = None) -> FloatArray:
    """NMI between ``labels`` and each of ``partitions`` (the second half of :func:`seed_stability`).

    Examples
    --------
    >>> partition_agreement(np.array([0, 0, 1, 1]), [np.array([1, 1, 0, 0]), np.array([0, 1, 0, 1])]).tolist()
    [1.0, 0.0]
    """
    from orgnet.metrics.formal import normalized_mutual_info

    ref = np.asarray(labels, dtype=np.int64)
    keep = np.ones(len(ref), dtype=bool) if among is None else np.asarray(among, dtype=bool)
    out = [normalized_mutual_info(ref[keep], np.asarray(p)[keep]) for p in partitions]
    return np.asarray(out, dtype=np.float64)
