"""Formal against informal structure: departments and the reporting line against communities.

Agreement between two partitions (NMI, ARI) comes from their contingency table alone, built
with one sparse COO -> CSR conversion; how each group's members spread over the other
partition's groups, direct reports and how far ties follow the reporting line are group-bys
over codes. Which departments "split" and who is an informal leader are rules:
:mod:`orgnet.findings.formal`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
from scipy.special import comb

from orgnet.metrics._check import Adjacency, IntArray, check_adjacency, check_codes

__all__ = [
    "adjusted_rand_index",
    "contingency_table",
    "direct_reports",
    "membership_spread",
    "normalized_mutual_info",
    "reporting_line_agreement",
]


def contingency_table(labels_a: npt.ArrayLike, labels_b: npt.ArrayLike) -> sp.csr_array:
    """Counts of people by (label in ``a``, label in ``b``); people with ``-1`` in either are left out.

    Labels are renumbered densely in sorted order, so rows and columns follow the sorted
    distinct labels that occur.

    Examples
    --------
    >>> contingency_table(np.array([0, 0, 1, 1]), np.array([5, 6, 6, -1])).toarray().tolist()
    [[1, 1], [0, 1]]
    """
    return _contingency(labels_a, labels_b, "contingency_table")


def _contingency(labels_a: npt.ArrayLike, labels_b: npt.ArrayLike, func: str) -> sp.csr_array:
    """:func:`contingency_table`, with ``func`` named in errors."""
    first = np.asarray(labels_a)
    a, _ = check_codes(first, first.size, func=func, name="labels_a")
    b, _ = check_codes(labels_b, len(a), func=func, name="labels_b")
    ok = (a >= 0) & (b >= 0)
    _, ia = np.unique(a[ok], return_inverse=True)
    _, ib = np.unique(b[ok], return_inverse=True)
    ka = int(ia.max()) + 1 if len(ia) else 0
    kb = int(ib.max()) + 1 if len(ib) else 0
    table = sp.coo_array((np.ones(len(ia), dtype=np.int64), (ia, ib)), shape=(ka, kb)).tocsr()
    table.sum_duplicates()
    return table


def _entropy(counts: np.ndarray) -> float:
    counts = counts[counts > 0].astype(float)
    if not len(counts):
        return 0.0
    p = counts / counts.sum()
    return float(-(p * np.log(p)).sum())


def normalized_mutual_info(labels_a: npt.ArrayLike, labels_b: npt.ArrayLike) -> float:
    r"""Normalised mutual information, ``I(A; B) / ((H(A) + H(B)) / 2)`` (arithmetic mean).

    The arithmetic normalisation is scikit-learn's default and the one most community
    detection papers report. 1 when the partitions are the same up to renaming; near 0 when
    independent. Both single-group: 1. People with ``-1`` in either labeling are left out.

    Examples
    --------
    >>> normalized_mutual_info(np.array([0, 0, 1, 1]), np.array([7, 7, 3, 3]))
    1.0
    >>> round(normalized_mutual_info(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])), 6)
    0.0
    """
    table = _contingency(labels_a, labels_b, "normalized_mutual_info").tocoo()
    n = table.data.sum()
    if n == 0:
        return float("nan")
    rows = np.asarray(table.sum(axis=1)).ravel()
    cols = np.asarray(table.sum(axis=0)).ravel()
    ha, hb = _entropy(rows), _entropy(cols)
    if ha == 0 and hb == 0:
        return 1.0
    nij = table.data.astype(float)
    mi = float((nij / n * (np.log(nij * n) - np.log(rows[table.row] * cols[table.col]))).sum())
    # Rounded so identical partitions give exactly 1.0 despite floating-point sums.
    return round(float(np.clip(mi / ((ha + hb) / 2), 0.0, 1.0)), 12)


def adjusted_rand_index(labels_a: npt.ArrayLike, labels_b: npt.ArrayLike) -> float:
    r"""Adjusted Rand index (Hubert & Arabie 1985) from the contingency table.

    .. math:: \frac{\sum_{ij} \binom{n_{ij}}{2} - E}{\tfrac12 (\sum_i \binom{a_i}{2} + \sum_j
              \binom{b_j}{2}) - E}, \quad E = \frac{\sum_i \binom{a_i}{2} \sum_j \binom{b_j}{2}}{\binom{n}{2}}

    1 for identical partitions, about 0 for random ones. People with ``-1`` in either labeling
    are left out.

    Examples
    --------
    >>> adjusted_rand_index(np.array([0, 0, 1, 1]), np.array([1, 1, 0, 0]))
    1.0
    >>> round(adjusted_rand_index(np.array([0, 0, 0, 1, 1, 1]), np.array([0, 0, 1, 1, 2, 2])), 4)
    0.2424
    """
    table = _contingency(labels_a, labels_b, "adjusted_rand_index")
    n = int(table.sum())
    if n < 2:
        return float("nan")
    sum_ij = float(comb(table.data, 2).sum())
    sum_a = float(comb(np.asarray(table.sum(axis=1)).ravel(), 2).sum())
    sum_b = float(comb(np.asarray(table.sum(axis=0)).ravel(), 2).sum())
    expected = sum_a * sum_b / comb(n, 2)
    maximum = (sum_a + sum_b) / 2
    if maximum == expected:
        return 1.0
    return float((sum_ij - expected) / (maximum - expected))


def membership_spread(outer: npt.ArrayLike, inner: npt.ArrayLike) -> pd.DataFrame:
    """How each outer group's members spread over inner groups (e.g. a department over communities).

    One sort of the (outer, inner) counts; each outer group is then a slice of the sorted arrays.
    People with no outer or no inner group (code ``-1``) are left out.

    Parameters
    ----------
    outer, inner : numpy.ndarray
        Integer codes per person (``-1`` = none).

    Returns
    -------
    pandas.DataFrame
        One row per outer group with members: ``code``, ``size``, ``largest_share``,
        ``effective_parts`` (exp of the entropy of its members over inner groups), ``parts``
        (inner codes, largest first; ties: lower code first), ``part_sizes`` and
        ``part_shares`` (aligned with ``parts``).

    Examples
    --------
    >>> dept = np.array([0, 0, 0, 0, 1, 1, 1])
    >>> comm = np.array([0, 0, 1, 1, 2, 2, 2])
    >>> out = membership_spread(dept, comm)
    >>> out[["code", "size", "largest_share"]].to_dict("records")
    [{'code': 0, 'size': 4, 'largest_share': 0.5}, {'code': 1, 'size': 3, 'largest_share': 1.0}]
    >>> out.loc[0, "parts"].tolist(), out.loc[0, "part_shares"].tolist()
    ([0, 1], [0.5, 0.5])
    """
    first = np.asarray(outer)
    out_codes, _ = check_codes(first, first.size, func="membership_spread", name="outer")
    in_codes, _ = check_codes(inner, len(out_codes), func="membership_spread", name="inner")
    ok = (out_codes >= 0) & (in_codes >= 0)
    o, i = out_codes[ok], in_codes[ok]
    columns = ["code", "size", "largest_share", "effective_parts", "parts", "part_sizes", "part_shares"]
    if not len(o):
        return pd.DataFrame({c: pd.Series([], dtype=object if c.startswith("part") else float) for c in columns})
    width = int(i.max()) + 1
    pairs, count = np.unique(o * width + i, return_counts=True)
    pair_outer, pair_inner = pairs // width, pairs % width
    size = np.bincount(pair_outer, weights=count).astype(np.int64)
    share = count / size[pair_outer]
    order = np.lexsort((pair_inner, -count, pair_outer))
    pair_outer, pair_inner, count, share = pair_outer[order], pair_inner[order], count[order], share[order]
    codes, starts = np.unique(pair_outer, return_index=True)
    bounds = np.append(starts, len(pair_outer))
    entropy = np.add.reduceat(-share * np.log(share), starts)
    return pd.DataFrame({
        "code": codes.astype(np.int64),
        "size": size[codes],
        "largest_share": share[starts],
        "effective_parts": np.exp(entropy),
        "parts": np.split(pair_inner.astype(np.int64), bounds[1:-1]),
        "part_sizes": np.split(count.astype(np.int64), bounds[1:-1]),
        "part_shares": np.split(share, bounds[1:-1]),
    })


def direct_reports(manager: npt.ArrayLike) -> IntArray:
    """Number of people reporting to each person.

    Parameters
    ----------
    manager : numpy.ndarray
        Node code of each person's manager (``-1`` = none or not in the data).

    Returns
    -------
    numpy.ndarray
        Count per person (int64).

    Examples
    --------
    >>> direct_reports(np.array([-1, 0, 0, 1])).tolist()
    [2, 1, 0, 0]
    """
    first = np.asarray(manager)
    boss, _ = check_codes(first, first.size, func="direct_reports", name="manager", n_groups=first.size)
    return np.bincount(boss[boss >= 0], minlength=len(boss))[: len(boss)].astype(np.int64)


def reporting_line_agreement(adjacency: Adjacency, manager: npt.ArrayLike) -> dict[str, float]:
    """How far the informal ties follow the reporting line.

    Parameters
    ----------
    adjacency : sparse matrix
        Informal ties (e.g. advice: ``A[i, j]`` = i goes to j).
    manager : numpy.ndarray
        Node code of each person's manager (``-1`` = none).

    Returns
    -------
    dict
        ``reporting_ties`` (people with a manager in the data), ``share_tie_to_manager``
        (their share with a tie to the manager in either direction), ``share_go_to_manager``
        (share with a tie from them to the manager), ``share_manager_top_contact`` (share
        whose strongest outgoing tie is to the manager; ties share the top rank).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csr_array([[0, 0, 0], [1.0, 0, 2.0], [0, 0, 0]])
    >>> reporting_line_agreement(A, np.array([-1, 0, 0]))
    {'reporting_ties': 2, 'share_tie_to_manager': 0.5, 'share_go_to_manager': 0.5, 'share_manager_top_contact': 0.0}
    """
    a = check_adjacency(adjacency, func="reporting_line_agreement")
    boss, _ = check_codes(manager, a.shape[0], func="reporting_line_agreement", name="manager", n_groups=a.shape[0])
    people = np.flatnonzero(boss >= 0)
    bosses = boss[people]
    m = len(people)
    if m == 0:
        return {"reporting_ties": 0, "share_tie_to_manager": np.nan, "share_go_to_manager": np.nan,
                "share_manager_top_contact": np.nan}
    up = np.asarray(a[people, bosses]).ravel()
    down = np.asarray(a[bosses, people]).ravel()
    row_max = np.asarray(a.max(axis=1).toarray()).ravel()[people]
    return {
        "reporting_ties": int(m),
        "share_tie_to_manager": float(((up > 0) | (down > 0)).mean()),
        "share_go_to_manager": float((up > 0).mean()),
        "share_manager_top_contact": float(((up > 0) & (up >= row_max)).mean()),
    }
