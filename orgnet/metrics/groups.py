"""Ties within and between groups: the group-to-group matrix and Krackhardt's E-I index."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from orgnet.metrics._check import (
    Adjacency,
    FloatArray,
    check_adjacency,
    check_codes,
    check_values,
    without_self_ties,
)

# without_self_ties lives with the input checks that use it; it stays importable from here.
from orgnet.metrics.columns import EVENT_BLOCK

__all__ = ["across_groups", "ei_index", "group_matrix", "group_ties", "membership", "without_self_ties"]


def across_groups(actor: np.ndarray, target: np.ndarray, groups: npt.ArrayLike) -> np.ndarray:
    """Per event, whether it goes from one group to another (both ends in a group).

    ``actor`` and ``target`` are person codes (-1: none), ``groups`` a group code per person
    (-1: none); an event with an end in no group, or with the same person at both ends, is not
    across groups. The group lookups are made a block of events at a time into the mask: at
    50M events the two whole lookups were 400 MB beside it.

    Examples
    --------
    >>> across_groups(np.array([0, 0, 1, 2, 0]), np.array([1, 2, -1, 1, 0]), np.array([0, 1, 1])).tolist()
    [True, True, False, False, False]
    """
    actor, target = np.asarray(actor), np.asarray(target)
    codes = np.asarray(groups, dtype=np.int64)
    small = np.int32 if len(codes) < 2**31 and (not len(codes) or int(codes.max()) < 2**31) else np.int64
    with_none = np.append(codes, -1).astype(small)  # code -1 (none) reads the -1 appended last
    out = np.empty(len(actor), dtype=bool)
    for start in range(0, len(actor), EVENT_BLOCK):
        block = slice(start, start + EVENT_BLOCK)
        a, t = actor[block], target[block]
        g_actor, g_target = with_none[a], with_none[t]
        part = out[block]
        np.greater_equal(g_actor, 0, out=part)
        part &= g_target >= 0
        part &= g_actor != g_target
        part &= t != a
    return out



def membership(codes: npt.ArrayLike, n_groups: int | None = None) -> sp.csr_array:
    """Sparse ``n x k`` indicator of group membership (rows of people with code -1 are empty).

    Examples
    --------
    >>> membership(np.array([0, 1, -1, 1])).toarray().tolist()
    [[1.0, 0.0], [0.0, 1.0], [0.0, 0.0], [0.0, 1.0]]
    """
    values = np.asarray(codes)
    checked, k = check_codes(values, len(values), func="membership", name="codes", n_groups=n_groups)
    rows = np.flatnonzero(checked >= 0)
    return sp.csr_array((np.ones(len(rows)), (rows, checked[rows])), shape=(len(checked), k))


def group_matrix(adjacency: Adjacency, codes: npt.ArrayLike, n_groups: int | None = None) -> FloatArray:
    """Group-to-group tie weight: entry ``(g, h)`` sums ties from members of g to members of h.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csr_array([[0, 2.0, 1.0], [1.0, 0, 0], [0, 0, 0]])
    >>> group_matrix(A, np.array([0, 0, 1])).tolist()
    [[3.0, 1.0], [0.0, 0.0]]
    """
    a = check_adjacency(adjacency, func="group_matrix")
    checked, k = check_codes(codes, a.shape[0], func="group_matrix", name="codes", n_groups=n_groups)
    g = membership(checked, k)
    return np.asarray((g.T @ a @ g).toarray(), dtype=np.float64)


def group_ties(adjacency: Adjacency, codes: npt.ArrayLike, n_groups: int | None = None) -> tuple[FloatArray, FloatArray]:
    """Internal and external tie weight per group.

    A tie counts as internal when both ends are in the group and as external when the other
    end is in another group (sent or received). A tie to or from someone with no group (code
    -1: a partial directory, an outside address) is neither: it says nothing about whether the
    group looks inward or outward, and counting it as external made every department of a
    partial directory look outward.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csr_array([[0, 2.0, 1.0], [1.0, 0, 0], [0, 0, 0]])
    >>> [x.tolist() for x in group_ties(A, np.array([0, 0, 1]))]
    [[3.0, 0.0], [1.0, 1.0]]
    >>> [x.tolist() for x in group_ties(A, np.array([0, 0, -1]))]  # the tie to the ungrouped person: neither
    [[3.0], [0.0]]
    """
    a = check_adjacency(adjacency, func="group_ties")
    checked, k = check_codes(codes, a.shape[0], func="group_ties", name="codes", n_groups=n_groups)
    # Tie by tie, not the dense k x k group matrix: thousands of departments made millions of cells.
    rows = np.repeat(np.arange(a.shape[0], dtype=np.int64), np.diff(a.indptr))
    g_row = checked[rows]
    g_col = checked[a.indices]
    grouped = (g_row >= 0) & (g_col >= 0)
    same = grouped & (g_row == g_col)
    internal = np.bincount(g_row[same], weights=a.data[same], minlength=k)[:k].astype(np.float64)
    across = grouped & ~same
    w = a.data[across]
    external = (np.bincount(g_row[across], weights=w, minlength=k)[:k]
                + np.bincount(g_col[across], weights=w, minlength=k)[:k]).astype(np.float64)
    return internal, external


def ei_index(internal: npt.ArrayLike, external: npt.ArrayLike) -> FloatArray:
    """Krackhardt & Stern's E-I index, ``(E - I) / (E + I)``: -1 all inside, +1 all outside.

    Groups with no ties get NaN.

    Examples
    --------
    >>> ei_index(np.array([3.0, 0.0, 0.0]), np.array([1.0, 1.0, 0.0])).tolist()
    [-0.5, 1.0, nan]
    """
    inside = np.asarray(internal)
    inside = check_values(inside, inside.size, func="ei_index", name="internal", per="group")
    outside = check_values(external, len(inside), func="ei_index", name="external", per="group")
    total = inside + outside
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(total > 0, (outside - inside) / total, np.nan)
    return out
