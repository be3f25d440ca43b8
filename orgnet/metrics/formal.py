"""Formal against informal structure: departments and the reporting line against communities.

Agreement between two partitions (NMI, ARI) comes from their contingency table alone, built
with one sparse COO -> CSR conversion. Departments that split into several informal
communities, communities that cross departments and managers' centrality against the
informal leaders are group-bys over that table and over centrality arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
from scipy.special import comb

from orgnet.metrics._check import Adjacency, check_adjacency, check_codes, check_ids, check_values
from orgnet.metrics.robust import percentile_rank

__all__ = [
    "adjusted_rand_index",
    "community_spans",
    "contingency_table",
    "department_splits",
    "managers_vs_informal",
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


def _spread(
    outer: np.ndarray,
    inner: np.ndarray,
    outer_labels: list[str],
    inner_labels: list[str],
    min_share: float,
    min_members: int,
) -> pd.DataFrame:
    """For each outer group, the inner groups holding at least ``min_share`` of its members.

    One sort of the (outer, inner) counts; each outer group is then a slice of the sorted
    arrays (its figures summed as pandas summed them, slice by slice).
    """
    ok = (outer >= 0) & (inner >= 0)
    o, i = outer[ok], inner[ok]
    columns = ["code", "size", "n_parts", "largest_share", "effective_parts", "parts", "part_shares"]
    if not len(o):
        empty = pd.DataFrame([], columns=columns)
        empty.insert(1, "group", [])
        return empty
    width = int(i.max()) + 1
    pairs, count = np.unique(o * width + i, return_counts=True)
    pair_outer, pair_inner = pairs // width, pairs % width
    size = np.bincount(pair_outer, weights=count).astype(np.int64)
    share = count / size[pair_outer]
    # Per outer group: largest part first (ties: lower inner code first).
    order = np.lexsort((pair_inner, -count, pair_outer))
    pair_outer, pair_inner, count, share = pair_outer[order], pair_inner[order], count[order], share[order]
    entropy_term = -share * np.log(share)
    big = (share >= min_share) & (count >= min_members)
    codes = np.unique(pair_outer)
    bounds = np.searchsorted(pair_outer, np.append(codes, codes[-1] + 1)).tolist()
    rows = []
    for g, lo, hi in zip(codes.tolist(), bounds[:-1], bounds[1:], strict=True):
        keep = big[lo:hi]
        rows.append(
            {
                "code": int(g),
                "size": int(count[lo:hi].sum()),
                "n_parts": int(keep.sum()),
                "largest_share": float(share[lo]),
                "effective_parts": float(np.exp(entropy_term[lo:hi].sum())),
                "parts": [inner_labels[x] for x in pair_inner[lo:hi][keep].tolist()],
                "part_shares": [round(float(x), 3) for x in share[lo:hi][keep]],
            }
        )
    out = pd.DataFrame(rows, columns=columns)
    out.insert(1, "group", [outer_labels[c] for c in out["code"].tolist()])
    return out


def _labels(labels: list[str] | np.ndarray | None, codes: np.ndarray) -> list[str]:
    k = int(codes.max()) + 1 if len(codes) and codes.max() >= 0 else 0
    if labels is None:
        return [str(i) for i in range(k)]
    return [str(x) for x in labels]


def department_splits(
    departments: npt.ArrayLike,
    communities: npt.ArrayLike,
    *,
    department_labels: list[str] | np.ndarray | None = None,
    community_labels: list[str] | np.ndarray | None = None,
    min_share: float = 0.2,
    min_members: int = 2,
) -> pd.DataFrame:
    """Departments whose members fall into several informal communities.

    A department *splits* when at least two communities each hold at least ``min_share``
    (default 20%) of its members and at least ``min_members`` (default 2) people: a fifth of
    a department working as its own cluster is a visible fault line, a single person is not.

    Parameters
    ----------
    departments, communities : numpy.ndarray
        Integer codes per person (``-1`` = none; left out).
    department_labels, community_labels : sequence of str, optional
        Names by code.
    min_share : float
        Share of the department a community must hold to count as one of its parts.
    min_members : int
        People a community must hold in the department to count.

    Returns
    -------
    pandas.DataFrame
        One row per department: ``code``, ``group``, ``size``, ``n_parts`` (communities
        counted), ``largest_share``, ``effective_parts`` (exp of the entropy of its members
        over communities), ``parts``, ``part_shares``, ``splits`` and ``reason``.

    Examples
    --------
    >>> dept = np.array([0, 0, 0, 0, 1, 1, 1])
    >>> comm = np.array([0, 0, 1, 1, 2, 2, 2])
    >>> out = department_splits(dept, comm, department_labels=["Sales", "Legal"])
    >>> out[["group", "splits", "reason"]].to_dict("records")
    [{'group': 'Sales', 'splits': True, 'reason': 'splits into 2 communities (50%, 50% of its 4 members)'}, \
{'group': 'Legal', 'splits': False, 'reason': 'one community holds 100% of its 3 members'}]
    """
    first = np.asarray(departments)
    dept, _ = check_codes(first, first.size, func="department_splits", name="departments")
    comm, _ = check_codes(communities, len(dept), func="department_splits", name="communities")
    out = _spread(
        dept, comm, _labels(department_labels, dept),
        _labels(community_labels, comm), min_share, min_members,
    )
    out["splits"] = out["n_parts"] >= 2
    groups: list[Any] = list(out.itertuples())  # rows read by name (pandas-stubs types them as scalars)
    out["reason"] = [
        f"splits into {r.n_parts} communities ({', '.join(f'{100 * s:.0f}%' for s in r.part_shares)} of its {r.size} members)"
        if r.splits
        else f"one community holds {100 * r.largest_share:.0f}% of its {r.size} members"
        for r in groups
    ]
    return out


def community_spans(
    communities: npt.ArrayLike,
    departments: npt.ArrayLike,
    *,
    community_labels: list[str] | np.ndarray | None = None,
    department_labels: list[str] | np.ndarray | None = None,
    min_share: float = 0.2,
    min_members: int = 2,
) -> pd.DataFrame:
    """Informal communities that cross departments (the mirror of :func:`department_splits`).

    A community *spans* departments when at least two departments each make up at least
    ``min_share`` of its members and at least ``min_members`` people.

    Returns
    -------
    pandas.DataFrame
        One row per community: ``code``, ``group``, ``size``, ``n_parts`` (departments
        counted), ``largest_share``, ``effective_parts``, ``parts``, ``part_shares``,
        ``spans`` and ``reason``.

    Examples
    --------
    >>> comm = np.array([0, 0, 0, 0, 1, 1])
    >>> dept = np.array([0, 0, 1, 1, 1, 1])
    >>> out = community_spans(comm, dept, department_labels=["Sales", "Legal"])
    >>> out.loc[0, "reason"]
    'spans 2 departments (Sales 50%, Legal 50% of its 4 members)'
    """
    first = np.asarray(communities)
    comm, _ = check_codes(first, first.size, func="community_spans", name="communities")
    dept, _ = check_codes(departments, len(comm), func="community_spans", name="departments")
    out = _spread(
        comm, dept, _labels(community_labels, comm),
        _labels(department_labels, dept), min_share, min_members,
    )
    out["spans"] = out["n_parts"] >= 2
    groups: list[Any] = list(out.itertuples())
    out["reason"] = [
        f"spans {r.n_parts} departments ("
        + ", ".join(f"{p} {100 * s:.0f}%" for p, s in zip(r.parts, r.part_shares, strict=True))
        + f" of its {r.size} members)"
        if r.spans
        else f"{100 * r.largest_share:.0f}% of its {r.size} members are in one department"
        for r in groups
    ]
    return out


def managers_vs_informal(
    centrality: npt.ArrayLike,
    manager: npt.ArrayLike,
    *,
    ids: npt.ArrayLike | None = None,
    leader_percentile: float = 0.9,
) -> pd.DataFrame:
    """Managers' informal standing against the informal leaders.

    *Managers* are the people someone reports to (``manager`` codes). *Informal leaders*
    are people at or above the ``leader_percentile`` (default 0.9: the top tenth) of the
    organisation's own ``centrality`` distribution (PageRank or in-strength: people others
    come to). A percentile of the organisation itself, so it means the same in any size.

    Parameters
    ----------
    centrality : numpy.ndarray
        One value per person (e.g. :func:`orgnet.metrics.centrality.pagerank` on advice ties).
    manager : numpy.ndarray
        Node code of each person's manager (``-1`` = none or not in the data).
    ids : sequence of str, optional
        Person ids by node.
    leader_percentile : float
        Percentile rank (0-1] from which a person is an informal leader.

    Returns
    -------
    pandas.DataFrame
        One row per manager or informal leader: ``code``, ``person``, ``is_manager``,
        ``direct_reports``, ``centrality``, ``percentile``, ``is_informal_leader``, ``reason``;
        managers first, then by centrality.

    Examples
    --------
    >>> pr = np.array([0.1, 0.4, 0.05, 0.3, 0.15])
    >>> boss = np.array([-1, 0, 0, 0, 0])  # everyone reports to person 0
    >>> out = managers_vs_informal(pr, boss, ids=list("abcde"))
    >>> out[["person", "is_manager", "is_informal_leader"]].to_dict("records")
    [{'person': 'a', 'is_manager': True, 'is_informal_leader': False}, \
{'person': 'b', 'is_manager': False, 'is_informal_leader': True}]
    >>> out.loc[0, "reason"]
    'manages 4 people; centrality in the top 80% (0.1)'
    """
    first = np.asarray(centrality)
    values = check_values(first, first.size, func="managers_vs_informal", name="centrality")
    n = len(values)
    boss, _ = check_codes(manager, n, func="managers_vs_informal", name="manager", n_groups=n)
    ids_arr = check_ids(ids, n, func="managers_vs_informal")
    reports = np.bincount(boss[boss >= 0], minlength=n)[:n]
    pct = percentile_rank(values)
    leader = pct >= leader_percentile
    keep = (reports > 0) | leader
    codes = np.flatnonzero(keep)
    frame = pd.DataFrame(
        {
            "code": codes,
            "person": ids_arr[codes],
            "is_manager": reports[codes] > 0,
            "direct_reports": reports[codes],
            "centrality": values[codes],
            "percentile": pct[codes],
            "is_informal_leader": leader[codes],
        }
    )
    top = np.ceil(100 * (1 - frame["percentile"] + 1 / max(n, 1)))
    people: list[Any] = list(frame.itertuples())
    frame["reason"] = [
        "; ".join(
            ([f"manages {r.direct_reports} people"] if r.is_manager else ["no direct reports"])
            + [f"centrality in the top {t:.0f}% ({r.centrality:.3g})"]
            + (["informal leader"] if r.is_informal_leader and r.is_manager else [])
        )
        for r, t in zip(people, top, strict=True)
    ]
    ordered: pd.DataFrame = frame.sort_values(["is_manager", "centrality", "code"], ascending=[False, False, True])
    return ordered.reset_index(drop=True)


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
