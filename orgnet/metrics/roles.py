"""Roles people play in the informal network: central connectors, boundary spanners, information
brokers, peripheral people and newcomers not yet connected.

Every function returns a DataFrame of the people it flags with ``code`` (node), ``person``
(id), ``role``, ``score`` and ``reason`` (the numbers behind the flag). Thresholds are taken
from the organisation's own distribution — percentile ranks among the people concerned, or a
fraction of a median — so a rule means the same in a 50-person team and a 100,000-person
company and is never fitted to one data set:

=================== ===========================================================================
role                rule (defaults)
=================== ===========================================================================
central connector   PageRank or weighted in-degree in the organisation's top 2%
                    (``top_share=0.02``: a handful per hundred people, the usual size of an
                    ONA "go-to" list); or, within a department of at least 5 people, in-degree
                    a modified z-score (Iglewicz–Hoaglin, on log in-degree) of at least 3.5
                    above the department's own people.
boundary spanner    participation coefficient over groups at or above the 90th percentile of
                    people with ties, and ties into at least 2 other groups.
information broker  betweenness in the top 10%, Burt constraint at or below the median, most
                    tie weight (at least half) outside the own group, spread over at least 2
                    effective other groups (inverse Simpson: with the own group, three groups
                    meet in the person, the Gould–Fernandez liaison position), and not a
                    central connector: brokerage that is not a by-product of volume or of
                    being everyone's contact (Cross & Parker's broker versus central
                    connector).
peripheral person   distinct contacts at most a quarter of the median of people with ties (at
                    least 1), including members with no tie at all.
newcomer            hired (directory) or first active within ``recent_days`` (90) of the end of
                    the data, with distinct contacts at or below the 25th percentile of the
                    established people.
=================== ===========================================================================
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.stats import rankdata

from orgnet.metrics.brokerage import (
    _gould_fernandez_of,
    _group_strength,
    _participation_of,
    _reached_of,
    _spread_of,
    _square,
    _structural_holes,
)
from orgnet.metrics.centrality import distinct_partners, pagerank, strengths

__all__ = [
    "ROLE_COLUMNS",
    "boundary_spanners",
    "central_connectors",
    "information_brokers",
    "newcomers",
    "peripheral_people",
]

#: Columns of every role table.
ROLE_COLUMNS: tuple[str, ...] = ("code", "person", "role", "score", "reason")


def _ids(ids: np.ndarray | list[str] | None, n: int) -> np.ndarray:
    return np.arange(n).astype(str) if ids is None else np.asarray(ids, dtype=object).astype(str)


def _percentile(values: np.ndarray) -> np.ndarray:
    """Percentile rank in (0, 1]: share of people at or below the value."""
    if not len(values):
        return np.zeros(0)
    return rankdata(values, method="max") / len(values)


def _top_share(values: np.ndarray) -> np.ndarray:
    """Share of people with a value at least as high (1/n for the highest)."""
    if not len(values):
        return np.zeros(0)
    return rankdata(-np.asarray(values, dtype=float), method="min") / len(values)


def _top(share: float) -> str:
    return f"top {max(1, int(np.ceil(100 * share - 1e-9)))}%"


def _table(codes: np.ndarray, ids: np.ndarray, role: str, score: np.ndarray, reasons: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "code": np.asarray(codes, dtype=np.int64),
            "person": pd.Series(ids[codes], dtype=object),
            "role": role,
            "score": np.asarray(score, dtype=float),
            "reason": pd.Series(reasons, dtype=object),
        }
    )
    frame = frame.sort_values(["score", "code"], ascending=[False, True], kind="stable")
    return frame.reset_index(drop=True)[list(ROLE_COLUMNS)]


def _modified_z(values: np.ndarray) -> np.ndarray:
    med = np.median(values)
    mad = np.median(np.abs(values - med))
    if mad == 0:
        mad = np.mean(np.abs(values - med)) * 1.2533
    return np.zeros_like(values) if mad == 0 else 0.6745 * (values - med) / mad


def _grouped_medians(values: np.ndarray, groups: np.ndarray, k: int) -> np.ndarray:
    """``np.median`` of ``values`` within each of ``k`` groups (same figures), by one sort."""
    order = np.lexsort((values, groups))
    ordered = values[order]
    counts = np.bincount(groups, minlength=k)
    starts = np.cumsum(counts) - counts
    present = np.flatnonzero(counts)
    lo = starts[present] + (counts[present] - 1) // 2
    hi = starts[present] + counts[present] // 2
    out = np.zeros(k)
    out[present] = (ordered[lo] + ordered[hi]) / 2
    return out


def _grouped_modified_z(values: np.ndarray, groups: np.ndarray, min_group: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_modified_z` within each group of at least ``min_group`` members, without a loop over groups.

    Returns the people ranked (ascending codes) and their z-scores.
    """
    member = np.flatnonzero(groups >= 0)
    k = int(groups[member].max()) + 1 if len(member) else 0
    size = np.bincount(groups[member], minlength=k)
    ranked = member[size[groups[member]] >= min_group]
    g, x = groups[ranked], values[ranked]
    med = _grouped_medians(x, g, k)
    deviation = np.abs(x - med[g])
    mad = _grouped_medians(deviation, g, k)
    # The mean-deviation fallback, per group as np.mean sums it (few groups: half their people alike).
    for group in np.flatnonzero((mad == 0) & (np.bincount(g, minlength=k) > 0)):
        mad[group] = np.mean(deviation[g == group]) * 1.2533
    scale = mad[g]
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(scale == 0, 0.0, 0.6745 * (x - med[g]) / np.where(scale == 0, 1.0, scale))
    return ranked, z


def central_connectors(
    adjacency: sp.sparray,
    groups: np.ndarray | None = None,
    *,
    ids: np.ndarray | list[str] | None = None,
    labels: np.ndarray | list[str] | None = None,
    top_share: float = 0.02,
    group_z: float = 3.5,
    min_group: int = 5,
    pagerank_values: np.ndarray | None = None,
) -> pd.DataFrame:
    """People many others come to: top by PageRank / weighted in-degree, overall or in their group.

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted directed ties (``A[i, j]``: i acts towards j, so j is "come to").
    groups : numpy.ndarray, optional
        Department code per person (-1 = none) for the within-department rule.
    ids, labels : sequence of str, optional
        Person ids by node; group names by code.
    top_share : float
        Share of the organisation flagged overall (0.02).
    group_z : float
        Modified z-score of log in-degree within the department (3.5).
    min_group : int
        Departments smaller than this are not ranked internally (5).
    pagerank_values : numpy.ndarray, optional
        Precomputed PageRank.

    Returns
    -------
    pandas.DataFrame
        :data:`ROLE_COLUMNS`; ``score`` is the PageRank percentile rank.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> star_in = sp.csr_array(([1.0] * 5, ([1, 2, 3, 4, 5], [0, 0, 0, 0, 0])), shape=(6, 6))
    >>> central_connectors(star_in, ids=list("abcdef"), top_share=0.1)[["person", "role"]].to_dict("records")
    [{'person': 'a', 'role': 'central connector'}]
    """
    a = sp.csr_array(adjacency)
    n = a.shape[0]
    ids_arr = _ids(ids, n)
    pr = pagerank(a) if pagerank_values is None else np.asarray(pagerank_values)
    s_in, _ = strengths(a)
    d_in = np.bincount(a.indices, minlength=n)
    pr_pct, in_pct = _percentile(pr), _percentile(s_in)
    pr_top = _top_share(pr)
    cut = 1 - top_share
    overall = ((pr_pct > cut) | (in_pct > cut)) & (s_in > 0)
    within = np.zeros(n, dtype=bool)
    zs = np.zeros(n)
    codes = np.full(n, -1) if groups is None else np.asarray(groups, dtype=np.int64)
    names = None if labels is None else [str(x) for x in labels]
    ranked, zs[ranked] = _grouped_modified_z(np.log1p(s_in), codes, min_group)
    within[ranked] = (zs[ranked] >= group_z) & (s_in[ranked] > 0)
    flagged = np.flatnonzero(overall | within)
    reasons = []
    for i in flagged:
        parts = [f"PageRank in the {_top(pr_top[i])} ({pr[i]:.4f})", f"{d_in[i]} people come to them (weighted {s_in[i]:.0f})"]
        if within[i]:
            gname = names[codes[i]] if names is not None else str(codes[i])
            parts.append(f"within {gname}: in-degree {zs[i]:.1f} robust z-scores above colleagues")
        reasons.append("; ".join(parts))
    return _table(flagged, ids_arr, "central connector", pr_pct[flagged], reasons)


def boundary_spanners(
    adjacency: sp.sparray,
    groups: np.ndarray,
    *,
    ids: np.ndarray | list[str] | None = None,
    percentile: float = 0.9,
    min_groups: int = 2,
) -> pd.DataFrame:
    """People with strong ties into several other groups: high participation coefficient.

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted directed ties.
    groups : numpy.ndarray
        Department (or community) code per person.
    ids : sequence of str, optional
        Person ids by node.
    percentile : float
        Participation at or above this percentile of people with ties (0.9).
    min_groups : int
        Ties into at least this many *other* groups (2).

    Returns
    -------
    pandas.DataFrame
        :data:`ROLE_COLUMNS`; ``score`` is the participation coefficient.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csr_array(([1.0] * 4, ([0, 0, 0, 1], [1, 2, 3, 2])), shape=(4, 4))
    >>> boundary_spanners(A, np.array([0, 0, 1, 2]), ids=list("abcd"))["reason"].tolist()
    ['participation 0.67 (top 25% of people with ties); ties into 2 other groups']
    """
    a = _square(adjacency)
    n = a.shape[0]
    ids_arr = _ids(ids, n)
    by_group, codes = _group_strength(a, groups)
    pc, reach = _participation_of(by_group), _reached_of(by_group, codes)
    has = distinct_partners(sp.csr_array(adjacency)) > 0
    if not has.any():
        return _table(np.zeros(0, dtype=np.int64), ids_arr, "boundary spanner", np.zeros(0), [])
    top = np.ones(n)
    top[has] = _top_share(pc[has])
    cut = np.quantile(pc[has], percentile)
    flagged = np.flatnonzero(has & (pc >= cut) & (pc > 0) & (reach >= min_groups))
    reasons = [
        f"participation {pc[i]:.2f} ({_top(top[i])} of people with ties); ties into {reach[i]} other groups"
        for i in flagged
    ]
    return _table(flagged, ids_arr, "boundary spanner", pc[flagged], reasons)


def information_brokers(
    adjacency: sp.sparray,
    groups: np.ndarray,
    betweenness_values: np.ndarray,
    *,
    ids: np.ndarray | list[str] | None = None,
    betweenness_share: float = 0.10,
    participation_percentile: float | None = None,
    min_outside_share: float = 0.5,
    min_other_groups: float = 2.0,
    exclude: np.ndarray | None = None,
) -> pd.DataFrame:
    """People on the paths between groups whose contacts are not tied to each other.

    A person is flagged when all of these hold:

    * **on many paths**: betweenness in the organisation's top ``betweenness_share`` (a
      tenth, as for boundary spanners' participation);
    * **contacts not tied to each other**: Burt constraint at or below the median of people
      with ties;
    * **their ties are mostly between groups**: at least ``min_outside_share`` (a majority)
      of their tie weight goes outside their own group;
    * **to several other groups, not one**: the outside weight spreads over at least
      ``min_other_groups`` (2) effective other groups (:func:`~orgnet.metrics.brokerage.group_spread`,
      inverse Simpson), so with their own group at least three groups meet in them — the
      Gould–Fernandez *liaison* position. Someone whose outside ties all go to one other
      group is a representative/gatekeeper: a boundary spanner, not a broker;
    * not in ``exclude`` (callers pass the central connectors).

    The last two criteria take out the people whose betweenness is a by-product of volume:
    department heads and team leads are on many paths because many people deal with them,
    but most of their weight stays in their own group, and what goes outside is spread thin.

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted directed ties.
    groups : numpy.ndarray
        Department (or community) code per person.
    betweenness_values : numpy.ndarray
        Betweenness per person (:func:`orgnet.metrics.centrality.betweenness`; computed by the
        caller, who chooses exact or sampled and says so). In response networks the
        undirected view (``OrgGraph.undirected()``) is better: directed betweenness gives 0 to
        people whose ties all point one way.
    ids : sequence of str, optional
        Person ids by node.
    betweenness_share : float
        Top share of the organisation by betweenness (0.10).
    participation_percentile : float, optional
        An extra floor: participation at or above this percentile of people with ties
        (default None: not applied; the rule before the outside-share and other-groups
        criteria used 0.9, which flagged department heads).
    min_outside_share : float
        Share of tie weight outside the person's own group (0.5: a majority).
    min_other_groups : float
        Effective number of other groups the outside weight spreads over (2.0).
    exclude : numpy.ndarray of bool, optional
        People not to flag here (by default, none; :mod:`orgnet.analysis` passes the central
        connectors, whose brokerage follows from their reach).

    Returns
    -------
    pandas.DataFrame
        :data:`ROLE_COLUMNS` plus ``betweenness``, ``constraint``, ``effective_size``,
        ``participation``, ``outside_share``, ``other_groups`` and the Gould–Fernandez
        between-group counts; ``score`` is the betweenness percentile rank.

    Examples
    --------
    Two triangles joined through person 3, who belongs to neither:

    >>> import scipy.sparse as sp
    >>> from orgnet.metrics.centrality import betweenness
    >>> A = np.zeros((7, 7))
    >>> for i, j in [(0, 1), (1, 2), (0, 2), (4, 5), (5, 6), (4, 6), (2, 3), (3, 4)]:
    ...     A[i, j] = A[j, i] = 1
    >>> A = sp.csr_array(A)
    >>> out = information_brokers(A, np.array([0, 0, 0, 1, 2, 2, 2]), betweenness(A).values,
    ...                           betweenness_share=0.2)
    >>> out[["person", "role"]].to_dict("records")
    [{'person': '3', 'role': 'information broker'}]
    >>> out.loc[0, "reason"]
    'betweenness in the top 15% (0.600); constraint 0.50 (median 1.01); 100% of tie weight outside own group, over 2.0 effective other groups (2 reached); effective size 2.0; brokers 2 two-paths between groups (liaison 2, gatekeeper 0, representative 0, itinerant 0)'
    """
    a = _square(adjacency)
    n = a.shape[0]
    ids_arr = _ids(ids, n)
    bt = np.asarray(betweenness_values, dtype=float)
    # Constraint and effective size from one listing of the triangles.
    constraint, effective = _structural_holes(a, effective=True)
    # One person-by-group strength matrix for participation, spread and groups reached.
    by_group, codes = _group_strength(a, groups)
    pc = _participation_of(by_group)
    outside, others = _spread_of(by_group, codes)
    reach = _reached_of(by_group, codes)
    has = distinct_partners(sp.csr_array(adjacency)) > 0
    if not has.any():
        return _table(np.zeros(0, dtype=np.int64), ids_arr, "information broker", np.zeros(0), [])
    bt_pct = _percentile(bt)
    bt_top = _top_share(bt)
    median_c = float(np.nanmedian(constraint[has]))
    ok = has & (bt > 0) & (bt_pct > 1 - betweenness_share) & (constraint <= median_c)
    ok &= (outside >= min_outside_share - 1e-12) & (others >= min_other_groups - 1e-9)
    if participation_percentile is not None:
        ok &= (pc >= np.quantile(pc[has], participation_percentile)) & (pc > 0)
    if exclude is not None:
        ok &= ~np.asarray(exclude, dtype=bool)
    flagged = np.flatnonzero(ok)
    # Effective size is reported for the flagged people, not part of the rule.
    esize = np.full(n, np.nan)
    esize[flagged] = effective[flagged]
    # Likewise the Gould-Fernandez counts (right for the flagged rows, which are all that is read).
    gf = _gould_fernandez_of(a, groups, rows=flagged)
    between = (gf["total"] - gf["coordinator"]).to_numpy()
    reasons = [
        f"betweenness in the {_top(bt_top[i])} ({bt[i]:.3f}); constraint {constraint[i]:.2f} (median {median_c:.2f}); "
        f"{100 * outside[i]:.0f}% of tie weight outside own group, over {others[i]:.1f} effective other groups "
        f"({reach[i]} reached); effective size {esize[i]:.1f}; brokers {between[i]} two-paths between groups "
        f"(liaison {gf['liaison'][i]}, gatekeeper {gf['gatekeeper'][i]}, representative {gf['representative'][i]}, "
        f"itinerant {gf['itinerant'][i]})"
        for i in flagged
    ]
    table = _table(flagged, ids_arr, "information broker", bt_pct[flagged], reasons)
    order = table["code"].to_numpy()
    table["betweenness"] = bt[order]
    table["constraint"] = constraint[order]
    table["effective_size"] = esize[order]
    table["participation"] = pc[order]
    table["outside_share"] = outside[order]
    table["other_groups"] = others[order]
    for col in ("liaison", "gatekeeper", "representative", "itinerant"):
        table[col] = gf[col].to_numpy()[order]
    return table


def peripheral_people(
    adjacency: sp.sparray,
    *,
    ids: np.ndarray | list[str] | None = None,
    share_of_median: float = 0.25,
    among: np.ndarray | None = None,
) -> pd.DataFrame:
    """People with few or no ties: distinct contacts at most a quarter of the typical person's.

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted directed ties.
    ids : sequence of str, optional
        Person ids by node.
    share_of_median : float
        Flag people with at most ``max(1, share_of_median * median)`` contacts, the median
        taken over people with at least one tie (0.25).
    among : numpy.ndarray of bool, optional
        Only these people can be flagged. The analysis passes the people who contribute
        (everyone but the pyramid's watchers): a watcher with no tie is expected, a
        contributor nobody answers is the person at risk.

    Returns
    -------
    pandas.DataFrame
        :data:`ROLE_COLUMNS`; ``score`` is ``1 - contacts / median`` (1 = no tie).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csr_array(([1.0] * 6, ([0, 0, 0, 1, 1, 2], [1, 2, 3, 2, 3, 3])), shape=(5, 5))
    >>> peripheral_people(A, ids=list("abcde"))[["person", "reason"]].to_dict("records")
    [{'person': 'e', 'reason': 'no ties (median person: 3 contacts)'}]
    """
    a = sp.csr_array(adjacency)
    n = a.shape[0]
    ids_arr = _ids(ids, n)
    partners = distinct_partners(a)
    connected = partners > 0
    median = float(np.median(partners[connected])) if connected.any() else 0.0
    cut = max(1.0, np.floor(share_of_median * median))
    candidates = partners <= cut if median > 0 else np.ones(n, dtype=bool)
    if among is not None:
        candidates &= np.asarray(among, dtype=bool)
    flagged = np.flatnonzero(candidates)
    score = 1 - partners[flagged] / median if median > 0 else np.ones(len(flagged))
    reasons = [
        ("no ties" if partners[i] == 0 else f"{partners[i]} contact{'s' if partners[i] != 1 else ''}")
        + f" (median person: {median:.0f} contacts)"
        for i in flagged
    ]
    return _table(flagged, ids_arr, "peripheral", score, reasons)


def newcomers(
    adjacency: sp.sparray,
    *,
    hire_date: np.ndarray | pd.Series | None,
    first_activity: np.ndarray | pd.Series | None,
    end: pd.Timestamp,
    ids: np.ndarray | list[str] | None = None,
    recent_days: int = 90,
    percentile: float = 0.25,
) -> pd.DataFrame:
    """Newcomers not yet connected: recently hired or first active, with few contacts.

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted directed ties.
    hire_date, first_activity : array of timestamps, optional
        Per person (NaT = unknown). Either may be None.
    end : pandas.Timestamp
        End of the data's own period (never "today": historical exports stay meaningful).
    ids : sequence of str, optional
        Person ids by node.
    recent_days : int
        A person is new when hired, or first active, within this many days of ``end`` (90:
        a quarter, the usual onboarding horizon).
    percentile : float
        Flag newcomers with distinct contacts at or below this percentile of the established
        (non-new) people's contacts (0.25).

    Returns
    -------
    pandas.DataFrame
        :data:`ROLE_COLUMNS`; ``score`` is ``1 - contacts / established median``.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csr_array(([1.0] * 6, ([0, 0, 1, 1, 2, 3], [1, 2, 2, 3, 3, 0])), shape=(5, 5))
    >>> hired = pd.to_datetime(["2020-01-01"] * 4 + ["2025-03-01"], utc=True)
    >>> out = newcomers(A, hire_date=hired, first_activity=None, end=pd.Timestamp("2025-03-31", tz="UTC"),
    ...                 ids=list("abcde"))
    >>> out["reason"].tolist()
    ['hired 30 days before the end of the data; no ties (established people: median 3 contacts)']
    """
    a = sp.csr_array(adjacency)
    n = a.shape[0]
    ids_arr = _ids(ids, n)
    end = pd.Timestamp(end)
    end = end.tz_localize("UTC") if end.tzinfo is None else end
    window = pd.Timedelta(days=recent_days)

    def days_before(values: np.ndarray | pd.Series | None) -> np.ndarray:
        if values is None:
            return np.full(n, np.nan)
        ts = pd.to_datetime(pd.Series(values).reset_index(drop=True), utc=True)
        return ((end - ts) / pd.Timedelta(days=1)).to_numpy(dtype=float, na_value=np.nan)

    hired = days_before(hire_date)
    first = days_before(first_activity)
    days = window / pd.Timedelta(days=1)
    new_hire = (hired >= 0) & (hired <= days)
    new_active = (first >= 0) & (first <= days) & ~(hired > days)
    new = new_hire | new_active
    partners = distinct_partners(a)
    established = partners[~new]
    cut = float(np.quantile(established, percentile)) if len(established) else 0.0
    median = float(np.median(established)) if len(established) else 0.0
    flagged = np.flatnonzero(new & (partners <= cut))
    score = 1 - partners[flagged] / median if median > 0 else np.ones(len(flagged))
    reasons = []
    for i in flagged:
        since = f"hired {hired[i]:.0f} days" if new_hire[i] else f"first active {first[i]:.0f} days"
        ties = "no ties" if partners[i] == 0 else f"{partners[i]} contact{'s' if partners[i] != 1 else ''}"
        reasons.append(f"{since} before the end of the data; {ties} (established people: median {median:.0f} contacts)")
    return _table(flagged, ids_arr, "newcomer", score, reasons)
