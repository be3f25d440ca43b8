"""Brokerage: Burt's structural holes, Gould–Fernandez brokerage roles, participation across groups.

Every function takes a square ``scipy.sparse`` matrix ``A`` (``A[i, j]`` = weight of ties from
``i`` to ``j``) and, where groups matter, an integer group code per person (``-1`` = no group),
and returns arrays or a DataFrame aligned with the rows of ``A``. Nothing loops over ties in
Python: neighbourhood sums are sparse products, and products that would fill in (two-step
paths) are computed row block by row block and masked to existing ties straight away, or,
for Burt's constraint over everyone, replaced by a listing of the triangles.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from orgnet.metrics._check import Adjacency, FloatArray, IntArray, check_adjacency, check_codes, check_nodes
from orgnet.metrics.groups import membership

__all__ = [
    "BROKERAGE_ROLES",
    "GroupStrength",
    "StructuralHoles",
    "burt_constraint",
    "effective_size",
    "gould_fernandez",
    "group_spread",
    "group_strength",
    "groups_reached",
    "outside_concentration",
    "participation_coefficient",
    "structural_holes",
]

#: Gould & Fernandez (1989) roles of the broker ``b`` on a two-path ``a -> b -> c``.
BROKERAGE_ROLES: tuple[str, ...] = ("coordinator", "itinerant", "gatekeeper", "representative", "liaison")

# Rows of a two-step product computed at once: bounds memory to about this many rows' fill-in.
_BLOCK = 4096
# Pairs of ties (open or closed two-paths) examined at once when listing triangles.
_WEDGES = 4_000_000

#: Pairs of ties whose closing tie is looked up at once (:func:`_triangles`).
_LOOKUP = 500_000


def _masked_product(left: sp.csr_array, right: sp.csr_array, mask: sp.csr_array) -> sp.csr_array:
    """``(left @ right)`` kept only where ``mask`` has an entry, computed in row blocks.

    The full product of two sparse matrices fills in (every two-step path); masking each
    block before the next one keeps memory near ``nnz(mask)``.
    """
    n = left.shape[0]
    blocks = []
    pattern = mask.copy()
    pattern.data = np.ones_like(pattern.data)
    for start in range(0, n, _BLOCK):
        stop = min(n, start + _BLOCK)
        block = (left[start:stop] @ right).multiply(pattern[start:stop])
        blocks.append(sp.csr_array(block))
    if not blocks:
        return sp.csr_array(mask.shape, dtype=np.float64)
    return sp.csr_array(sp.vstack(blocks, format="csr"))


def _values_at(matrix: sp.csr_array, rows: npt.NDArray[np.integer[Any]], cols: npt.NDArray[np.integer[Any]]) -> FloatArray:
    """Entries of a sparse matrix at (rows, cols), 0 where it has none (vectorised lookup)."""
    coo = sp.coo_array(matrix)
    n = np.int64(matrix.shape[1])
    keys = coo.row.astype(np.int64) * n + coo.col
    order = np.argsort(keys, kind="stable")
    keys, data = keys[order], coo.data[order]
    wanted = rows.astype(np.int64) * n + cols
    pos = np.clip(np.searchsorted(keys, wanted), 0, max(len(keys) - 1, 0))
    if not len(keys):
        return np.zeros(len(wanted))
    return np.where(keys[pos] == wanted, data[pos], 0.0)


def burt_constraint(adjacency: Adjacency) -> FloatArray:
    r"""Burt's constraint on each person: how much their contacts are tied to each other.

    With mutual weights :math:`s_{ij} = a_{ij} + a_{ji}` and proportions
    :math:`p_{ij} = s_{ij} / \sum_k s_{ik}`,

    .. math:: c_i = \sum_{j \in N(i)} \left(p_{ij} + \sum_q p_{iq} p_{qj}\right)^2

    i.e. ``(P + P @ P)`` squared and summed over ``i``'s neighbours (in- or out-). Low
    constraint means contacts who do not know each other: a broker's position.

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted directed ties (self-ties are ignored).

    Returns
    -------
    numpy.ndarray
        Constraint per person; NaN for people with no tie (undefined, as in networkx).

    Notes
    -----
    Equal to ``networkx.constraint(G, weight="weight")``. The indirect term
    :math:`\sum_q p_{iq} p_{qj}` is non-zero only where ``i``, ``j`` and ``q`` close a
    triangle, and :math:`S_i \sum_q p_{iq} p_{qj} = \sum_q s_{iq} s_{qj} / S_q` (with
    :math:`S_i = \sum_k s_{ik}`) is symmetric in ``i`` and ``j``, so
    :math:`c_i = \sum_j (s_{ij} + X_{ij})^2 / S_i^2` with
    :math:`X_{ij} = \sum_q s_{iq} s_{qj} / S_q` summed over the triangles on the tie. The
    triangles are listed once each (:func:`_triangles`), so the work is the number of
    two-paths between people of increasing degree, not the fill-in of ``P @ P`` (hundreds of
    millions of entries at 100,000 people), and memory stays near ``nnz(A + A.T)``.

    References
    ----------
    Burt, R. S. (2004). Structural holes and good ideas. *American Journal of Sociology*,
    110(2), 349–399.

    Examples
    --------
    A star: the centre's three contacts do not know each other.

    >>> import scipy.sparse as sp
    >>> star = sp.csr_array(([1.0] * 3, ([0, 0, 0], [1, 2, 3])), shape=(4, 4))
    >>> burt_constraint(star).round(3).tolist()
    [0.333, 1.0, 1.0, 1.0]
    """
    return _structural_holes(check_adjacency(adjacency, func="burt_constraint", drop_self_ties=True))[0]


class StructuralHoles(NamedTuple):
    """Burt's two measures of a person's contacts, from :func:`structural_holes`."""

    #: Burt's constraint per person (:func:`burt_constraint`); NaN for people with no tie.
    constraint: FloatArray
    #: Burt's effective size per person (:func:`effective_size`); NaN for people with no tie.
    effective_size: FloatArray


def structural_holes(adjacency: Adjacency) -> StructuralHoles:
    """Burt's constraint and effective size of everyone, from one listing of the triangles.

    Both measures' indirect terms live on the triangles of the undirected ties, so computing
    them together costs about what one of them does (:func:`burt_constraint`,
    :func:`effective_size` give one each).

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted directed ties (self-ties are ignored).

    Returns
    -------
    StructuralHoles
        ``constraint`` and ``effective_size``, one value per person (NaN with no tie).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> star = sp.csr_array(([1.0] * 3, ([0, 0, 0], [1, 2, 3])), shape=(4, 4))
    >>> constraint, size = structural_holes(star)
    >>> constraint.round(3).tolist(), size.tolist()
    ([0.333, 1.0, 1.0, 1.0], [3.0, 1.0, 1.0, 1.0])
    """
    return _both(check_adjacency(adjacency, func="structural_holes", drop_self_ties=True))


def _both(a: sp.csr_array) -> StructuralHoles:
    """:func:`structural_holes` of checked ties."""
    constraint, size = _structural_holes(a, effective=True)
    assert size is not None  # asked for
    return StructuralHoles(constraint, size)


def _structural_holes(a: sp.csr_array, effective: bool = False) -> tuple[FloatArray, FloatArray | None]:
    r"""Burt's constraint and (with ``effective``) effective size of everyone, from one listing of the triangles.

    Both indirect terms live on triangles. For constraint see :func:`burt_constraint`; the
    redundancy of effective size, :math:`\sum_{j \in N(i)} \sum_q p_{iq} m_{jq}`, gets from a
    triangle ``{i, j, q}`` the terms :math:`p_{iq} m_{jq} + p_{ij} m_{qj}`.
    """
    n = a.shape[0]
    sym = sp.csr_array(a + a.T)
    strength = np.asarray(sym.sum(axis=1)).ravel()
    degree = np.diff(sym.indptr)
    top = np.zeros(n)
    if sym.nnz:
        rows = np.flatnonzero(degree)
        top[rows] = np.maximum.reduceat(sym.data, sym.indptr[rows])
    up, lo, weight, rank = _upper_ties(sym)
    m = len(weight)
    indirect = np.zeros(m)
    # Triangle a < b < c (in degree order): each tie gets the path through the third person.
    # Contributions are buffered and added up once they are as many as the ties, so the
    # O(ties) cost of a bincount is paid a bounded number of times whatever the chunking.
    ties: list[np.ndarray] = []
    paths: list[np.ndarray] = []
    buffered = 0
    redundancy = np.zeros(n)
    for ab, ac, bc in _triangles(up, lo, rank):
        w_ab, w_ac, w_bc = weight[ab], weight[ac], weight[bc]
        p, q, r = up[ab], lo[ab], lo[ac]  # the triangle's people, in degree order
        ties += [bc, ac, ab]
        paths += [w_ab * w_ac / strength[p], w_ab * w_bc / strength[q], w_ac * w_bc / strength[r]]
        buffered += 3 * len(ab)
        if buffered >= max(m, _WEDGES):
            indirect += np.bincount(np.concatenate(ties), weights=np.concatenate(paths), minlength=m)
            ties, paths, buffered = [], [], 0
        if effective:
            redundancy += np.bincount(p, weights=(w_ab * w_bc / top[r] + w_ac * w_bc / top[q]) / strength[p], minlength=n)
            redundancy += np.bincount(q, weights=(w_ab * w_ac / top[r] + w_bc * w_ac / top[p]) / strength[q], minlength=n)
            redundancy += np.bincount(r, weights=(w_ac * w_ab / top[q] + w_bc * w_ab / top[p]) / strength[r], minlength=n)
    if ties:
        indirect += np.bincount(np.concatenate(ties), weights=np.concatenate(paths), minlength=m)
    local = (weight + indirect) ** 2
    total = np.bincount(up, weights=local, minlength=n) + np.bincount(lo, weights=local, minlength=n)
    isolated = degree == 0
    with np.errstate(invalid="ignore", divide="ignore"):
        constraint = total / strength**2
    constraint[isolated] = np.nan
    if not effective:
        return constraint, None
    size = degree - redundancy
    size[isolated] = np.nan
    return constraint, size


def _upper_ties(sym: sp.csr_array) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each undirected tie once, from the person of lower degree to the higher (ties by code).

    Returns the two ends and the weight of each tie, sorted by (lower end's degree rank,
    higher end's degree rank): the layout :func:`_triangles` walks; and each person's rank.
    """
    n = sym.shape[0]
    degree = np.diff(sym.indptr)
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(degree, kind="stable")] = np.arange(n)
    rows = np.repeat(np.arange(n, dtype=np.int64), degree)
    cols = sym.indices.astype(np.int64)
    keep = rank[rows] < rank[cols]
    rows, cols, weight = rows[keep], cols[keep], sym.data[keep]
    order = np.argsort(rank[rows] * np.int64(n) + rank[cols], kind="stable")
    return rows[order], cols[order], weight[order], rank


def _triangles(up: np.ndarray, lo: np.ndarray, rank: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Every triangle once, as the positions of its three ties in ``_upper_ties`` order.

    Ties point from lower to higher degree rank, so every triangle ``a < b < c`` is the
    two-path ``a -> b``, ``a -> c`` from its lowest person, closed by ``b -> c``. Pairs of a
    person's ties are listed in chunks of about ``_WEDGES`` and the closing tie is looked up
    in the sorted tie list (a binary search within ``b``'s row). Orienting by degree keeps the
    pairs few: a hub has many ties but few to people of higher degree.

    Yields
    ------
    ab, ac, bc : numpy.ndarray
        Positions (into ``up`` and ``lo``) of the ties of each triangle found.
    """
    m, n = len(up), len(rank)
    if m < 3:
        return
    # 32-bit positions and ranks where they fit: the pair arrays are the bulk of the work.
    small = np.int32 if max(n, m) < 2**31 - 1 else np.int64
    # The ties as a CSR matrix over degree ranks whose data is position + 1 (0 = no tie).
    r_up, r_lo = rank[up].astype(small), rank[lo].astype(small)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(r_up, minlength=n), out=indptr[1:])
    index = sp.csr_array((np.arange(1, m + 1, dtype=np.float64), r_lo, indptr.astype(small)), shape=(n, n))
    # Ties after each one in its row: the pairs it starts.
    later = indptr[r_up.astype(np.int64) + 1] - 1 - np.arange(m)
    ends = np.cumsum(later)
    start = 0
    while start < m:
        stop = max(start + 1, int(np.searchsorted(ends, ends[start] - later[start] + _WEDGES, side="right")))
        stop = min(stop, m)
        count = later[start:stop]
        total = int(count.sum())
        if total:
            pos = np.arange(start, stop, dtype=small)
            first = np.repeat(pos, count)
            # second runs first + 1, first + 2, ... within each run: a cumulative sum of steps.
            step = np.ones(total, dtype=small)
            runs = np.flatnonzero(count)
            heads = np.cumsum(count) - count
            step[heads[runs]] = pos[runs] + 1
            step[heads[runs[1:]]] -= (pos[runs[:-1]] + count[runs[:-1]]).astype(small)
            second = np.cumsum(step, dtype=small)
            del step
            # The closing ties looked up a block of pairs at a time: scipy's indexing makes
            # several copies of its arguments and result (about 200 MB for a chunk at once).
            found = np.empty(total, dtype=np.int64)
            for at in range(0, total, _LOOKUP):
                block = slice(at, at + _LOOKUP)
                found[block] = np.asarray(index[r_lo[first[block]], r_lo[second[block]]])
            found -= 1
            closed = found >= 0
            triangle = first[closed], second[closed], found[closed]
            del first, second, found, closed  # not held while the caller works on the triangles
            yield triangle
            del triangle
        start = stop


def effective_size(adjacency: Adjacency) -> FloatArray:
    r"""Burt's effective size: the number of contacts minus their redundancy.

    .. math:: e_i = \sum_{j \in N(i)} \left(1 - \sum_{q} p_{iq} m_{jq}\right)

    with :math:`p` the mutual-weight proportions (see :func:`burt_constraint`) and
    :math:`m_{jq} = s_{jq} / \max_k s_{jk}`. The redundancy is non-zero only on triangles and
    is summed over them as for :func:`burt_constraint`.

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted directed ties (self-ties are ignored).

    Returns
    -------
    numpy.ndarray
        Effective size per person; NaN for people with no tie.

    Notes
    -----
    Equal to ``networkx.effective_size(G, weight="weight")``.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> star = sp.csr_array(([1.0] * 3, ([0, 0, 0], [1, 2, 3])), shape=(4, 4))
    >>> effective_size(star).tolist()
    [3.0, 1.0, 1.0, 1.0]
    >>> triangle = sp.csr_array([[0, 1.0, 1.0], [1.0, 0, 1.0], [1.0, 1.0, 0]])
    >>> effective_size(triangle).tolist()
    [1.0, 1.0, 1.0]
    """
    return _both(check_adjacency(adjacency, func="effective_size", drop_self_ties=True)).effective_size


def _binary(a: sp.csr_array) -> sp.csr_array:
    b: sp.csr_array = a.copy()
    b.data = np.ones_like(b.data)
    return b


def gould_fernandez(adjacency: Adjacency, groups: npt.ArrayLike, *, open_only: bool = True,
                    brokers: npt.ArrayLike | None = None) -> pd.DataFrame:
    """Gould–Fernandez brokerage roles: how often each person brokers, by role.

    A person ``b`` brokers on every directed two-path ``a -> b -> c`` with ``a != c``. With
    ``open_only`` (the usual convention, Gould & Fernandez 1989) the path counts only when
    there is no direct tie ``a -> c``: ``b`` is needed. The role depends on the groups:

    ============== ========================= ================================
    role           groups                    meaning
    ============== ========================= ================================
    coordinator    a, b, c in one group      brokers inside their own group
    itinerant      a, c in one group, b not  outsider linking two members
    gatekeeper     b, c in one group, a not  lets an outsider into the group
    representative a, b in one group, c not  speaks for the group outside
    liaison        a, b, c all different     links two groups not their own
    ============== ========================= ================================

    Ties count once whatever their weight. Two-paths through anyone with no group (code -1)
    are not counted.

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted directed ties.
    groups : numpy.ndarray
        Integer group code per person (``-1`` = no group).
    open_only : bool
        Count only two-paths with no tie ``a -> c`` (default), else every two-path.
    brokers : array of int, optional
        Node codes of the brokers wanted (default: everyone). The closed two-paths are then
        found from those brokers' rows only: a caller reporting a few flagged people does not
        pay for everyone's.

    Returns
    -------
    pandas.DataFrame
        One row per person (or per broker asked for, indexed by node code), columns
        :data:`BROKERAGE_ROLES` (integer counts) and ``total``.

    Notes
    -----
    For broker ``b`` with in-neighbour counts per group ``I[b, g]``, out-neighbour counts
    ``O[b, h]`` and mutual neighbours ``U[b, g]`` (which would give ``a == c``), the pairs by
    group combination are ``I[b, g] O[b, h] - [g == h] U[b, g]``: sparse ``n x k`` products.
    Closed pairs (``a -> c`` present) are subtracted using, for each tie ``b -> c``, the
    common in-neighbours ``(B.T @ B)[b, c]`` split by whether they share ``b``'s or ``c``'s
    group (masked sparse products).

    References
    ----------
    Gould, R. V., & Fernandez, R. M. (1989). Structures of mediation: A formal approach to
    brokerage in transaction networks. *Sociological Methodology*, 19, 89–126.

    Examples
    --------
    ``0 -> 1 -> 2`` where 0 is in group 0 and 1, 2 in group 1: person 1 is a gatekeeper.

    >>> import scipy.sparse as sp
    >>> A = sp.csr_array(([1.0, 1.0], ([0, 1], [1, 2])), shape=(3, 3))
    >>> gould_fernandez(A, np.array([0, 1, 1])).loc[1].to_dict()
    {'coordinator': 0, 'itinerant': 0, 'gatekeeper': 1, 'representative': 0, 'liaison': 0, 'total': 1}
    >>> gould_fernandez(A, np.array([0, 1, 1]), brokers=[1])["gatekeeper"].to_dict()
    {1: 1}
    """
    a = check_adjacency(adjacency, func="gould_fernandez", drop_self_ties=True)
    n = a.shape[0]
    codes, k = check_codes(groups, n, func="gould_fernandez")
    # The closed two-paths through broker b come from row b of masked products: with brokers
    # given, only their rows are computed (each once), and only their counts are right.
    wanted = None if brokers is None else check_nodes(brokers, n, func="gould_fernandez", name="brokers")
    rows = None if wanted is None else np.unique(wanted)
    grouped = (codes >= 0).astype(np.float64)
    keep = sp.diags_array(grouped)
    b = sp.csr_array(keep @ _binary(a) @ keep)
    b.eliminate_zeros()
    g = membership(codes, k)
    own = g  # row b: indicator of b's own group

    in_g = sp.csr_array(b.T @ g)  # I[b, g]: in-neighbours of b in group g
    out_g = sp.csr_array(b @ g)  # O[b, h]
    mutual_g = sp.csr_array(b.multiply(b.T) @ g)  # U[b, g]

    i_tot, o_tot = _row_sums(in_g), _row_sums(out_g)
    i_own, o_own, u_own = _row_sums(in_g.multiply(own)), _row_sums(out_g.multiply(own)), _row_sums(mutual_g.multiply(own))
    same_all = _row_sums(in_g.multiply(out_g)) - _row_sums(mutual_g)  # sum_g I O - U over every group
    same_own = i_own * o_own - u_own

    counts = {
        "coordinator": same_own,
        "itinerant": same_all - same_own,
        "gatekeeper": (i_tot - i_own) * o_own,
        "representative": i_own * (o_tot - o_own),
        "liaison": (i_tot - i_own) * (o_tot - o_own) - (_row_sums(in_g.multiply(out_g)) - i_own * o_own),
    }

    if open_only and b.nnz:
        # Closed two-paths a -> b -> c with a -> c: per tie (b, c), the common in-neighbours a.
        src, dst = np.repeat(np.arange(n), np.diff(b.indptr)), b.indices
        same_edge = codes[src] == codes[dst]
        b_same = sp.csr_array((np.where(same_edge, 1.0, 0.0), b.indices.copy(), b.indptr.copy()), shape=b.shape)
        b_same.eliminate_zeros()
        b_diff = sp.csr_array((np.where(same_edge, 0.0, 1.0), b.indices.copy(), b.indptr.copy()), shape=b.shape)
        b_diff.eliminate_zeros()
        bst = sp.csr_array(b_same.T)  # in-neighbours a of the broker in the broker's group
        bdt = sp.csr_array(b_diff.T)  # ... in another group
        mask = b
        if rows is not None:
            bst, bdt, mask = bst[rows], bdt[rows], b[rows]
        # The common in-neighbours a (a -> b, a -> c) split three ways, so the two-step work is
        # that of one product: a in b's group; a elsewhere and c in a's group; a elsewhere, c not.
        same_b = _masked_product(bst, b, mask)
        other_same_c = _masked_product(bdt, b_same, mask)
        other_rest = _masked_product(bdt, b_diff, mask)
        tc = sp.coo_array(sp.csr_array(same_b + other_same_c + other_rest))  # every a: the closed two-paths
        broker = tc.row if rows is None else rows[tc.row]
        bc_same = codes[broker] == codes[tc.col]
        wb = _values_at(same_b, tc.row, tc.col)  # ... with g(a) == g(b)
        # g(a) == g(c): a elsewhere with c in a's group, or a in b's group when b and c share it.
        wc = _values_at(other_same_c, tc.row, tc.col) + np.where(bc_same, wb, 0.0)
        if rows is not None:
            tc = sp.coo_array((tc.data, (broker, tc.col)), shape=(n, n))
        closed = {
            "coordinator": np.where(bc_same, wb, 0.0),
            "gatekeeper": np.where(bc_same, tc.data - wb, 0.0),
            "representative": np.where(bc_same, 0.0, wb),
            "itinerant": np.where(bc_same, 0.0, wc),
            "liaison": np.where(bc_same, 0.0, tc.data - wb - wc),
        }
        for role, values in closed.items():
            counts[role] = counts[role] - np.bincount(tc.row, weights=values, minlength=n)

    frame = pd.DataFrame({role: np.rint(counts[role]).astype(np.int64) for role in BROKERAGE_ROLES})
    frame["total"] = frame[list(BROKERAGE_ROLES)].sum(axis=1)
    if wanted is None:
        return frame
    brokers_only: pd.DataFrame = frame.iloc[wanted]
    return brokers_only


@dataclass(frozen=True, eq=False)
class GroupStrength:
    """Undirected tie strength from each person to each group, and the measures read from it.

    Participation, groups reached and group spread all start from the same ``n x k`` matrix;
    :func:`group_strength` builds it once and its methods give each measure from it.

    Attributes
    ----------
    by_group : scipy.sparse.csr_array
        ``n x k``: entry ``(i, s)`` sums the weight of ties (``A + A.T``, self-ties left out)
        between person ``i`` and members of group ``s``; only positive entries are stored.
    codes : numpy.ndarray of int64
        Group code per person (``-1`` = no group), as checked.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csr_array(([1.0, 2.0, 1.0], ([0, 0, 0], [1, 2, 3])), shape=(4, 4))
    >>> strength = group_strength(A, np.array([0, 0, 1, 2]))
    >>> strength.by_group.toarray().tolist()[0], strength.groups_reached().tolist()
    ([1.0, 2.0, 1.0], [2, 0, 1, 1])
    """

    by_group: sp.csr_array
    codes: IntArray

    def own(self) -> FloatArray:
        """Each person's strength to their own group (0 for people with no group)."""
        own = np.zeros(self.by_group.shape[0])
        rows = np.flatnonzero(self.codes >= 0)
        if len(rows):
            own[rows] = np.asarray(self.by_group[rows, self.codes[rows]]).ravel()
        return own

    def participation(self) -> FloatArray:
        """Participation coefficient per person (:func:`participation_coefficient`)."""
        total = _row_sums(self.by_group)
        squares = _row_sums(self.by_group.multiply(self.by_group))
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.where(total > 0, 1.0 - squares / np.where(total > 0, total, 1.0) ** 2, 0.0)
        return np.clip(out, 0.0, 1.0)

    def groups_reached(self, *, include_own: bool = False) -> IntArray:
        """Distinct groups each person has a tie with (:func:`groups_reached`)."""
        # Tie weights are positive, so the product stores exactly the groups reached.
        count = np.diff(self.by_group.indptr).astype(np.int64)
        if include_own:
            return count
        return count - (self.own() > 0).astype(np.int64)

    def spread(self) -> tuple[FloatArray, FloatArray]:
        """Outside share and effective number of other groups per person (:func:`group_spread`)."""
        total = _row_sums(self.by_group)
        own = self.own()
        squares = _row_sums(self.by_group.multiply(self.by_group)) - own**2
        outside = total - own
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(total > 0, outside / np.where(total > 0, total, 1.0), 0.0)
            spread = np.where(squares > 0, outside**2 / np.where(squares > 0, squares, 1.0), 0.0)
        return np.clip(share, 0.0, 1.0), spread


def _row_sums(matrix: sp.csr_array) -> FloatArray:
    return np.asarray(matrix.sum(axis=1), dtype=np.float64).ravel()


def group_strength(adjacency: Adjacency, groups: npt.ArrayLike, *, weighted: bool = True) -> GroupStrength:
    """Undirected tie strength from each person to each group (see :class:`GroupStrength`).

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted directed ties (both directions count; self-ties are ignored).
    groups : numpy.ndarray
        Integer group code per person (``-1`` = no group; ties to such people are left out).
    weighted : bool
        Use tie weights (default), else every tie counts 1.

    Returns
    -------
    GroupStrength

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csr_array(([1.0, 1.0, 1.0], ([0, 0, 1], [1, 2, 2])), shape=(3, 3))
    >>> strength = group_strength(A, np.array([0, 0, 1]))
    >>> strength.participation().tolist(), [x.tolist() for x in strength.spread()]
    ([0.5, 0.5, 0.0], [[0.5, 0.5, 1.0], [1.0, 1.0, 1.0]])
    """
    return _group_strength(check_adjacency(adjacency, func="group_strength", drop_self_ties=True), groups,
                           weighted=weighted, func="group_strength")


def _group_strength(a: sp.csr_array, groups: npt.ArrayLike, *, weighted: bool, func: str) -> GroupStrength:
    """:func:`group_strength` of checked ties, with ``func`` named in errors about ``groups``."""
    codes, k = check_codes(groups, a.shape[0], func=func)
    if not weighted:
        a = _binary(a)
    sym = sp.csr_array(a + a.T)
    return GroupStrength(sp.csr_array(sym @ membership(codes, k)), codes)


def participation_coefficient(adjacency: Adjacency, groups: npt.ArrayLike, *, weighted: bool = True) -> FloatArray:
    r"""Guimerà–Amaral participation coefficient: how evenly ties spread over groups.

    .. math:: P_i = 1 - \sum_s \left(\frac{k_{is}}{k_i}\right)^2

    with :math:`k_{is}` the undirected strength (``A + A.T``) from ``i`` to members of group
    ``s`` and :math:`k_i` its sum over groups. 0 when every tie stays in one group; close to
    1 when ties spread evenly over many groups.

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted directed ties (both directions count).
    groups : numpy.ndarray
        Integer group code per person (departments or communities; ``-1`` = no group). Ties
        to people with no group are left out of both sums.
    weighted : bool
        Use tie weights (default), else every tie counts 1.

    Returns
    -------
    numpy.ndarray
        Participation per person; 0 for people with no tie to a grouped person.

    References
    ----------
    Guimerà, R., & Amaral, L. A. N. (2005). Functional cartography of complex metabolic
    networks. *Nature*, 433, 895–900.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csr_array(([1.0, 1.0, 1.0], ([0, 0, 1], [1, 2, 2])), shape=(3, 3))
    >>> participation_coefficient(A, np.array([0, 0, 1])).tolist()
    [0.5, 0.5, 0.0]
    """
    a = check_adjacency(adjacency, func="participation_coefficient", drop_self_ties=True)
    return _group_strength(a, groups, weighted=weighted, func="participation_coefficient").participation()


def groups_reached(adjacency: Adjacency, groups: npt.ArrayLike, *, include_own: bool = False) -> IntArray:
    """Number of distinct groups a person has a tie with (in either direction).

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted directed ties.
    groups : numpy.ndarray
        Integer group code per person (``-1`` = no group; such contacts do not count).
    include_own : bool
        Count the person's own group too (default: only other groups).

    Returns
    -------
    numpy.ndarray
        Integer count per person.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csr_array(([1.0, 1.0, 1.0], ([0, 0, 1], [1, 2, 3])), shape=(4, 4))
    >>> groups_reached(A, np.array([0, 0, 1, 2])).tolist()
    [1, 1, 1, 1]
    >>> groups_reached(A, np.array([0, 0, 1, 2]), include_own=True).tolist()
    [2, 2, 1, 1]
    """
    a = check_adjacency(adjacency, func="groups_reached", drop_self_ties=True)
    return _group_strength(a, groups, weighted=True, func="groups_reached").groups_reached(include_own=include_own)


def group_spread(adjacency: Adjacency, groups: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    r"""Share of a person's tie weight outside their own group, and over how many other groups it spreads.

    With :math:`k_{is}` the undirected strength (``A + A.T``) from ``i`` to members of group
    ``s``, ``o`` the person's own group and :math:`E_i = \sum_{s \ne o} k_{is}`:

    .. math:: \text{outside}_i = \frac{E_i}{\sum_s k_{is}}, \qquad
              D_i = \frac{E_i^2}{\sum_{s \ne o} k_{is}^2}

    :math:`D_i` is the effective number of other groups (Hill number of order 2, the inverse
    Simpson index of the outside weight): ``m`` other groups with equal weight give ``m``; a
    group holding a sliver of the weight adds almost nothing, so it counts groups *with
    substantial weight*, not every group touched once.

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted directed ties (both directions count).
    groups : numpy.ndarray
        Integer group code per person (``-1`` = no group). Ties to ungrouped people are left
        out; for an ungrouped person every grouped contact is outside.

    Returns
    -------
    outside_share, effective_other_groups : numpy.ndarray
        Per person; both 0 for people with no tie to a grouped person.

    Examples
    --------
    Person 0 (group 0) has weight 1 inside, 2 and 1 in groups 1 and 2:

    >>> import scipy.sparse as sp
    >>> A = sp.csr_array(([1.0, 2.0, 1.0], ([0, 0, 0], [1, 2, 3])), shape=(4, 4))
    >>> share, others = group_spread(A, np.array([0, 0, 1, 2]))
    >>> float(share[0]), round(float(others[0]), 3)
    (0.75, 1.8)
    """
    a = check_adjacency(adjacency, func="group_spread", drop_self_ties=True)
    return _group_strength(a, groups, weighted=True, func="group_spread").spread()


def outside_concentration(adjacency: Adjacency, groups: npt.ArrayLike, *, decisive: float = 3.0) -> FloatArray:
    r"""How far a person's contacts in other groups gather in a few of them, as a z-score against chance.

    A broker links *particular* groups; someone whose contacts are drawn from the whole
    organisation at random (a person who answers everyone, random cross-group chatter) is on
    paths between groups too, but links none in particular. This measures the difference.

    Person ``i`` in group ``o`` has :math:`O_g` distinct contacts (in either direction) in each
    other group ``g``, :math:`N = \sum_g O_g` in all. If those ``N`` contacts were drawn at random
    from the people with ties in the other groups, group ``g`` would get a share
    :math:`\pi_g = n_g / \sum_{h \ne o} n_h` (``n_g``: its people with at least one tie). The
    statistic is Pearson's

    .. math:: X^2 = \sum_{g \ne o} \frac{(O_g - N \pi_g)^2}{N \pi_g}
                  = \sum_{g:\,O_g > 0} \frac{O_g^2}{N \pi_g} - N

    over the ``k`` other groups, whose exact mean and variance under that multinomial null are
    :math:`k - 1` and :math:`2(k - 1) + (\sum_g 1/\pi_g - k^2 - 2k + 2) / N` (Haldane 1937).
    Most people have a few contacts spread over many groups, where the chi-square approximation
    with ``k - 1`` degrees of freedom fails; the exact moments take the small counts into account,
    and :math:`X^2` is referred to the scaled chi-square with the same mean and variance
    (Satterthwaite 1946). The result is returned as the normal z-score of that upper-tail
    probability: 3 means as unlikely as a normal value 3 standard deviations up.

    With few contacts over few groups the test cannot tell anything: four contacts in four
    equal groups are as likely one per group as all in one. Where even every contact in the
    smallest other group would stay below ``decisive``, there is no value (NaN) rather than a
    low one: too few contacts to tell concentrated from random.

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted directed ties (direction and weight do not matter: distinct contacts count).
    groups : numpy.ndarray
        Integer group code per person (``-1`` = no group; such contacts do not count).
    decisive : float
        The z a rule will ask for (3: ``Phi(-3)``); below it for every way the contacts could
        fall, the person gets NaN.

    Returns
    -------
    numpy.ndarray
        z per person; NaN for people with no group, no contact in another group, fewer than two
        other groups to spread over, or too few contacts to tell.

    References
    ----------
    Haldane, J. B. S. (1937). The exact value of the moments of the distribution of χ², used as a
    test of goodness of fit, when expectations are small. *Biometrika*, 29(1/2), 133–143.
    Satterthwaite, F. E. (1946). An approximate distribution of estimates of variance components.
    *Biometrics Bulletin*, 2(6), 110–114.

    Examples
    --------
    Ten groups of five people, everyone tied within their group. Person 0 also knows four people
    in group 1 and four in group 2; person 1 one person in each of eight other groups; person 2
    one person in group 9.

    >>> import scipy.sparse as sp
    >>> codes = np.repeat(np.arange(10), 5)
    >>> A = sp.lil_array(((codes[:, None] == codes[None, :]) & ~np.eye(50, dtype=bool)).astype(float))
    >>> for c in [5, 6, 7, 8, 10, 11, 12, 13]: A[0, c] = 1.0
    >>> for c in [5, 10, 15, 20, 25, 30, 35, 40]: A[1, c] = 1.0
    >>> A[2, 45] = 1.0
    >>> outside_concentration(A.tocsr(), codes)[:3].round(1).tolist()
    [3.5, -3.1, nan]
    """
    a = check_adjacency(adjacency, func="outside_concentration", drop_self_ties=True)
    n = a.shape[0]
    codes, k = check_codes(groups, n, func="outside_concentration")
    out = np.full(n, np.nan)
    if k < 3 or not a.nnz:
        return out
    sym = _binary(sp.csr_array(a + a.T))
    counts = sp.csr_array(sym @ membership(codes, k))  # distinct contacts per group
    tied = np.diff(sym.indptr) > 0
    size = np.bincount(codes[tied & (codes >= 0)], minlength=k).astype(np.float64)
    present = size > 0
    own_size = np.where(codes >= 0, size[np.maximum(codes, 0)], 0.0)
    pool = size.sum() - own_size  # people with ties in the other groups
    others = int(present.sum()) - (own_size > 0).astype(np.int64)  # other groups with people
    inverse = float(np.sum(1.0 / size[present])) - np.where(own_size > 0, 1.0 / np.maximum(own_size, 1.0), 0.0)
    coo = sp.coo_array(counts)
    rows, cols, o = coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data.astype(np.float64)
    keep = cols != codes[rows]
    rows, cols, o = rows[keep], cols[keep], o[keep]
    total = np.bincount(rows, weights=o, minlength=n)
    ok = (codes >= 0) & (total > 0) & (others >= 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        expected_share = size[cols] / pool[rows]
        x2 = np.bincount(rows, weights=o**2 / expected_share, minlength=n) / total - total
        mean = (others - 1).astype(np.float64)
        var = 2 * mean + (pool * inverse - others**2 - 2 * others + 2) / total
    from scipy.stats import chi2, norm

    ok &= var > 0  # one contact, groups of one size: X2 is the same wherever it lands
    scale = var[ok] / (2 * mean[ok])  # X2 ~ scale * chi2(dof), matching the mean and variance
    dof = 2 * mean[ok] ** 2 / var[ok]
    out[ok] = norm.isf(chi2.sf(np.maximum(x2[ok], 0.0) / scale, dof))
    # Too few contacts to tell: even all of them in the smallest other group would not reach
    # ``decisive``. The test could not have shown anything, so there is no value.
    sizes = np.sort(size[present])  # at least three groups here (others >= 2)
    own_is_smallest = (own_size == sizes[0]) & (sizes[1] > sizes[0])  # then the smallest other is the next
    least = np.where(own_is_smallest, sizes[1], sizes[0]) / pool
    most = total[ok] * (1 / least[ok] - 1)  # X2 with every contact in the smallest other group
    power = norm.isf(chi2.sf(most / scale, dof))
    z = out[ok]
    z[power < decisive] = np.nan
    out[ok] = z
    return out
