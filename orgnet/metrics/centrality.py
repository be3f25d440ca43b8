"""Centrality on the weighted directed adjacency: strengths, degrees, PageRank, betweenness.

Every function takes a square ``scipy.sparse`` matrix ``A`` (``A[i, j]`` = weight of ties from
``i`` to ``j``) and returns arrays aligned with its rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = [
    "BetweennessResult",
    "betweenness",
    "degrees",
    "distinct_partners",
    "pagerank",
    "strengths",
]


def _csr(adjacency: sp.sparray | sp.spmatrix) -> sp.csr_array:
    a = sp.csr_array(adjacency)
    if a.shape[0] != a.shape[1]:
        raise ValueError(f"adjacency must be square; got shape {a.shape}")
    return a


def strengths(adjacency: sp.sparray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted in- and out-strength (sum of incoming / outgoing tie weights).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csr_array([[0, 2.0, 1.0], [0, 0, 0], [0.5, 0, 0]])
    >>> s_in, s_out = strengths(A)
    >>> s_in.tolist(), s_out.tolist()
    ([0.5, 2.0, 1.0], [3.0, 0.0, 0.5])
    """
    a = _csr(adjacency)
    return np.asarray(a.sum(axis=0)).ravel(), np.asarray(a.sum(axis=1)).ravel()


def degrees(adjacency: sp.sparray) -> tuple[np.ndarray, np.ndarray]:
    """In- and out-degree: number of distinct people a person receives from / sends to.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> d_in, d_out = degrees(sp.csr_array([[0, 2.0, 1.0], [0, 0, 0], [0.5, 0, 0]]))
    >>> d_in.tolist(), d_out.tolist()
    ([1, 1, 1], [2, 0, 1])
    """
    a = _csr(adjacency)
    out_deg = np.diff(a.indptr).astype(np.int64)
    in_deg = np.bincount(a.indices, minlength=a.shape[0]).astype(np.int64)
    return in_deg, out_deg


def distinct_partners(adjacency: sp.sparray) -> np.ndarray:
    """Number of distinct people a person has a tie with, in either direction.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> distinct_partners(sp.csr_array([[0, 2.0, 1.0], [0, 0, 0], [0.5, 0, 0]])).tolist()
    [2, 1, 1]
    """
    a = _csr(adjacency)
    sym = (a + a.T).tocsr()
    sym.sum_duplicates()
    return np.diff(sym.indptr).astype(np.int64)


def pagerank(
    adjacency: sp.sparray,
    *,
    damping: float = 0.85,
    tol: float = 1e-12,
    max_iter: int = 200,
    weighted: bool = True,
) -> np.ndarray:
    """PageRank by power iteration on the sparse matrix (networkx's definition).

    Rows are normalised to transition probabilities; people with no outgoing tie
    (dangling) spread their rank uniformly; the result sums to 1.

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted directed ties.
    damping : float
        Probability of following a tie (0.85, Brin & Page).
    tol : float
        Stop when the L1 change summed over people is below ``n * tol``.
    max_iter : int
        Iteration cap.
    weighted : bool
        Use tie weights (else every tie counts 1).

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> pr = pagerank(sp.csr_array([[0, 1.0, 0], [0, 0, 1.0], [1.0, 0, 0]]))
    >>> pr.round(4).tolist()
    [0.3333, 0.3333, 0.3333]
    """
    a = _csr(adjacency)
    n = a.shape[0]
    if n == 0:
        return np.zeros(0)
    if not weighted:
        a = sp.csr_array((np.ones_like(a.data), a.indices, a.indptr), shape=a.shape)
    out = np.asarray(a.sum(axis=1)).ravel()
    dangling = out == 0
    inv = np.divide(1.0, out, out=np.zeros(n), where=~dangling)
    # P^T x computed as (x * inv) @ A: no transpose copy of a large matrix.
    at = a.T.tocsr()
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        prev = x
        x = damping * (at @ (prev * inv)) + (damping * prev[dangling].sum() + 1.0 - damping) / n
        if np.abs(x - prev).sum() < n * tol:
            break
    return x / x.sum()


@dataclass(frozen=True)
class BetweennessResult:
    """Betweenness per person and how it was computed.

    Attributes
    ----------
    values : numpy.ndarray
        Normalised betweenness (divided by ``(n - 1)(n - 2)``, networkx's directed
        normalisation).
    method : str
        ``"exact"`` or ``"sampled"``.
    pivots : int
        Number of source people used (``n`` when exact).
    weighted : bool
        Whether paths used distance = 1 / tie weight (else each tie has length 1).
    """

    values: np.ndarray
    method: str
    pivots: int
    weighted: bool

    @property
    def description(self) -> str:
        """One line for reports: method, pivots and the distance used."""
        dist = "distance = 1 / tie weight" if self.weighted else "unweighted shortest paths"
        if self.method == "exact":
            return f"exact (Brandes), {dist}"
        return f"sampled from {self.pivots} random source people (Brandes–Pich), {dist}"


def betweenness(
    adjacency: sp.sparray,
    *,
    weighted: bool = True,
    exact_below: int = 5000,
    pivots: int = 1000,
    seed: int = 0,
    graph: object | None = None,
) -> BetweennessResult:
    """Directed betweenness: exact below a size threshold, sampled source pivots above it.

    Tie strength is never taken as a path length: a strong tie is a *short* path, so the
    distance is ``1 / weight`` (or every tie counts 1 with ``weighted=False``).

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted directed ties.
    weighted : bool
        Paths by distance ``1 / weight`` (default) or unweighted.
    exact_below : int
        Exact when the graph has fewer people than this.
    pivots : int
        Number of random source people when sampling; the estimate is scaled by
        ``n / pivots`` (Brandes & Pich 2007).
    seed : int
        Seed for choosing pivots.
    graph : igraph.Graph, optional
        A prebuilt directed igraph view of ``adjacency`` with a ``weight`` attribute.

    Returns
    -------
    BetweennessResult

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> path = sp.csr_array([[0, 1.0, 0], [0, 0, 1.0], [0, 0, 0]])
    >>> betweenness(path).values.tolist()
    [0.0, 0.5, 0.0]
    """
    import igraph as ig

    a = _csr(adjacency)
    n = a.shape[0]
    coo = a.tocoo()
    if graph is None:
        graph = ig.Graph(n=n, edges=np.column_stack([coo.row, coo.col]), directed=True)
    # The igraph view is built from adjacency.tocoo(), so edge order matches coo.data.
    dist = (1.0 / coo.data).tolist() if weighted else None
    if n < 3:
        return BetweennessResult(np.zeros(n), "exact", n, weighted)
    if n < exact_below or pivots >= n:
        raw = np.asarray(graph.betweenness(directed=True, weights=dist), dtype=float)
        method, k = "exact", n
    else:
        rng = np.random.default_rng(seed)
        sources = np.sort(rng.choice(n, size=pivots, replace=False)).tolist()
        raw = np.asarray(graph.betweenness(directed=True, weights=dist, sources=sources), dtype=float)
        raw *= n / pivots
        method, k = "sampled", pivots
    return BetweennessResult(raw / ((n - 1) * (n - 2)), method, k, weighted)
