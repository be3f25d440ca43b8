"""Ties within and between groups: the group-to-group matrix and Krackhardt's E-I index."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["ei_index", "group_matrix", "group_ties", "membership", "without_self_ties"]


def without_self_ties(a: sp.csr_array) -> sp.csr_array:
    """A CSR matrix without its diagonal entries and stored zeros (a new matrix only when it has some).

    Examples
    --------
    >>> b = without_self_ties(sp.csr_array(np.array([[1.0, 2.0], [0.0, 0.0]])))
    >>> b.toarray().tolist(), b.nnz
    ([[0.0, 2.0], [0.0, 0.0]], 1)
    """
    rows = np.repeat(np.arange(a.shape[0], dtype=a.indices.dtype), np.diff(a.indptr))
    drop = (a.indices == rows) | (a.data == 0)
    if not drop.any():
        return a
    keep = ~drop
    indptr = np.zeros(a.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows[keep], minlength=a.shape[0]), out=indptr[1:])
    return sp.csr_array((a.data[keep], a.indices[keep], indptr), shape=a.shape)


def membership(codes: np.ndarray, n_groups: int | None = None) -> sp.csr_array:
    """Sparse ``n x k`` indicator of group membership (rows of people with code -1 are empty).

    Examples
    --------
    >>> membership(np.array([0, 1, -1, 1])).toarray().tolist()
    [[1.0, 0.0], [0.0, 1.0], [0.0, 0.0], [0.0, 1.0]]
    """
    codes = np.asarray(codes, dtype=np.int64)
    k = int(codes.max()) + 1 if n_groups is None else n_groups
    k = max(k, 0)
    rows = np.flatnonzero(codes >= 0)
    return sp.csr_array((np.ones(len(rows)), (rows, codes[rows])), shape=(len(codes), k))


def group_matrix(adjacency: sp.sparray, codes: np.ndarray, n_groups: int | None = None) -> np.ndarray:
    """Group-to-group tie weight: entry ``(g, h)`` sums ties from members of g to members of h.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csr_array([[0, 2.0, 1.0], [1.0, 0, 0], [0, 0, 0]])
    >>> group_matrix(A, np.array([0, 0, 1])).tolist()
    [[3.0, 1.0], [0.0, 0.0]]
    """
    g = membership(codes, n_groups)
    return np.asarray((g.T @ sp.csr_array(adjacency) @ g).toarray())


def group_ties(adjacency: sp.sparray, codes: np.ndarray, n_groups: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Internal and external tie weight per group.

    A tie counts as internal when both ends are in the group and as external when exactly
    one is (sent or received). Ties of people with no group (code -1) are external to the
    group at the other end.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csr_array([[0, 2.0, 1.0], [1.0, 0, 0], [0, 0, 0]])
    >>> [x.tolist() for x in group_ties(A, np.array([0, 0, 1]))]
    [[3.0, 0.0], [1.0, 1.0]]
    """
    a = sp.csr_array(adjacency)
    codes = np.asarray(codes, dtype=np.int64)
    k = max(int(codes.max()) + 1 if n_groups is None and len(codes) else (n_groups or 0), 0)
    # Tie by tie, not the dense k x k group matrix: thousands of departments made millions of cells.
    rows = np.repeat(np.arange(a.shape[0], dtype=np.int64), np.diff(a.indptr))
    g_row = codes[rows]
    same = (g_row >= 0) & (g_row == codes[a.indices])
    internal = np.bincount(g_row[same], weights=a.data[same], minlength=k)[:k].astype(np.float64)
    member = codes >= 0
    sent = np.bincount(codes[member], weights=np.asarray(a.sum(axis=1)).ravel()[member], minlength=k)[:k]
    received = np.bincount(codes[member], weights=np.asarray(a.sum(axis=0)).ravel()[member], minlength=k)[:k]
    external = sent + received - 2 * internal
    return internal, external


def ei_index(internal: np.ndarray, external: np.ndarray) -> np.ndarray:
    """Krackhardt & Stern's E-I index, ``(E - I) / (E + I)``: -1 all inside, +1 all outside.

    Groups with no ties get NaN.

    Examples
    --------
    >>> ei_index(np.array([3.0, 0.0, 0.0]), np.array([1.0, 1.0, 0.0])).tolist()
    [-0.5, 1.0, nan]
    """
    internal = np.asarray(internal, dtype=float)
    external = np.asarray(external, dtype=float)
    total = internal + external
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (external - internal) / total, np.nan)
