"""Roles people play in the informal network, and the rules that flag them.

The roles: central connectors, boundary spanners, information brokers, peripheral people and
newcomers not yet connected.

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
import numpy.typing as npt
import pandas as pd

from orgnet.metrics import robust
from orgnet.metrics._check import (
    Adjacency,
    FloatArray,
    IntArray,
    check_adjacency,
    check_codes,
    check_ids,
    check_mask,
    check_values,
)
from orgnet.metrics.brokerage import gould_fernandez, group_strength, structural_holes
from orgnet.metrics.centrality import degrees, distinct_partners, pagerank, strengths

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


def _top(share: float) -> str:
    return f"top {max(1, int(np.ceil(100 * share - 1e-9)))}%"


def _table(codes: IntArray, ids: npt.NDArray[np.str_], role: str, score: npt.ArrayLike,
           reasons: list[str]) -> pd.DataFrame:
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


def central_connectors(
    adjacency: Adjacency,
    groups: npt.ArrayLike | None = None,
    *,
    ids: npt.ArrayLike | None = None,
    labels: npt.ArrayLike | None = None,
    top_share: float = 0.02,
    group_z: float = 3.5,
    min_group: int = 5,
    pagerank_values: npt.ArrayLike | None = None,
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
    func = "central_connectors"
    a = check_adjacency(adjacency, func=func)
    n = a.shape[0]
    ids_arr = check_ids(ids, n, func=func)
    pr = pagerank(a) if pagerank_values is None else check_values(pagerank_values, n, func=func, name="pagerank_values")
    s_in, _ = strengths(a)
    d_in, _ = degrees(a)
    pr_pct, in_pct = robust.percentile_rank(pr), robust.percentile_rank(s_in)
    pr_top = robust.top_share(pr)
    cut = 1 - top_share
    overall = ((pr_pct > cut) | (in_pct > cut)) & (s_in > 0)
    within = np.zeros(n, dtype=bool)
    zs = np.zeros(n)
    codes = np.full(n, -1, dtype=np.int64) if groups is None else check_codes(groups, n, func=func)[0]
    names = None if labels is None else [str(x) for x in np.asarray(labels, dtype=object).tolist()]
    ranked, zs[ranked] = robust.grouped_modified_z(np.log1p(s_in), codes, min_group)
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
    adjacency: Adjacency,
    groups: npt.ArrayLike,
    *,
    ids: npt.ArrayLike | None = None,
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
    func = "boundary_spanners"
    a = check_adjacency(adjacency, func=func, drop_self_ties=True)
    n = a.shape[0]
    ids_arr = check_ids(ids, n, func=func)
    codes, _ = check_codes(groups, n, func=func)
    strength = group_strength(a, codes)
    pc, reach = strength.participation(), strength.groups_reached()
    # Partners counted on the ties as given (a self-tie makes a partner here, as it always has).
    has = distinct_partners(adjacency) > 0
    if not has.any():
        return _table(np.zeros(0, dtype=np.int64), ids_arr, "boundary spanner", np.zeros(0), [])
    top = np.ones(n)
    top[has] = robust.top_share(pc[has])
    cut = np.quantile(pc[has], percentile)
    flagged = np.flatnonzero(has & (pc >= cut) & (pc > 0) & (reach >= min_groups))
    reasons = [
        f"participation {pc[i]:.2f} ({_top(top[i])} of people with ties); ties into {reach[i]} other groups"
        for i in flagged
    ]
    return _table(flagged, ids_arr, "boundary spanner", pc[flagged], reasons)


def information_brokers(
    adjacency: Adjacency,
    groups: npt.ArrayLike,
    betweenness_values: npt.ArrayLike,
    *,
    ids: npt.ArrayLike | None = None,
    betweenness_share: float = 0.10,
    participation_percentile: float | None = None,
    min_outside_share: float = 0.5,
    min_other_groups: float = 2.0,
    exclude: npt.ArrayLike | None = None,
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
    func = "information_brokers"
    a = check_adjacency(adjacency, func=func, drop_self_ties=True)
    n = a.shape[0]
    ids_arr = check_ids(ids, n, func=func)
    codes, _ = check_codes(groups, n, func=func)
    bt = check_values(betweenness_values, n, func=func, name="betweenness_values")
    # Constraint and effective size from one listing of the triangles.
    constraint, effective = structural_holes(a)
    # One person-by-group strength matrix for participation, spread and groups reached.
    strength = group_strength(a, codes)
    pc = strength.participation()
    outside, others = strength.spread()
    reach = strength.groups_reached()
    has = distinct_partners(adjacency) > 0
    if not has.any():
        return _table(np.zeros(0, dtype=np.int64), ids_arr, "information broker", np.zeros(0), [])
    bt_pct = robust.percentile_rank(bt)
    bt_top = robust.top_share(bt)
    median_c = float(np.nanmedian(constraint[has]))
    ok = has & (bt > 0) & (bt_pct > 1 - betweenness_share) & (constraint <= median_c)
    ok &= (outside >= min_outside_share - 1e-12) & (others >= min_other_groups - 1e-9)
    if participation_percentile is not None:
        ok &= (pc >= np.quantile(pc[has], participation_percentile)) & (pc > 0)
    if exclude is not None:
        ok &= ~check_mask(exclude, n, func=func, name="exclude")
    flagged = np.flatnonzero(ok)
    # Effective size is reported for the flagged people, not part of the rule.
    esize = np.full(n, np.nan)
    esize[flagged] = effective[flagged]
    # Likewise the Gould-Fernandez counts, of the flagged brokers only (one row each, in flagged order).
    gf = gould_fernandez(a, codes, brokers=flagged)
    between = (gf["total"] - gf["coordinator"]).to_numpy()
    liaison, gatekeeper, representative, itinerant = (
        gf[col].to_numpy() for col in ("liaison", "gatekeeper", "representative", "itinerant")
    )
    reasons = [
        f"betweenness in the {_top(bt_top[i])} ({bt[i]:.3f}); constraint {constraint[i]:.2f} (median {median_c:.2f}); "
        f"{100 * outside[i]:.0f}% of tie weight outside own group, over {others[i]:.1f} effective other groups "
        f"({reach[i]} reached); effective size {esize[i]:.1f}; brokers {between[j]} two-paths between groups "
        f"(liaison {liaison[j]}, gatekeeper {gatekeeper[j]}, representative {representative[j]}, "
        f"itinerant {itinerant[j]})"
        for j, i in enumerate(flagged)
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
        table[col] = gf.loc[order, col].to_numpy()
    return table


def peripheral_people(
    adjacency: Adjacency,
    *,
    ids: npt.ArrayLike | None = None,
    share_of_median: float = 0.25,
    among: npt.ArrayLike | None = None,
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
    func = "peripheral_people"
    a = check_adjacency(adjacency, func=func)
    n = a.shape[0]
    ids_arr = check_ids(ids, n, func=func)
    partners = distinct_partners(a)
    connected = partners > 0
    median = float(np.median(partners[connected])) if connected.any() else 0.0
    cut = max(1.0, np.floor(share_of_median * median))
    candidates = partners <= cut if median > 0 else np.ones(n, dtype=bool)
    if among is not None:
        candidates &= check_mask(among, n, func=func, name="among")
    flagged = np.flatnonzero(candidates)
    score = 1 - partners[flagged] / median if median > 0 else np.ones(len(flagged))
    reasons = [
        ("no ties" if partners[i] == 0 else f"{partners[i]} contact{'s' if partners[i] != 1 else ''}")
        + f" (median person: {median:.0f} contacts)"
        for i in flagged
    ]
    return _table(flagged, ids_arr, "peripheral", score, reasons)


def newcomers(
    adjacency: Adjacency,
    *,
    hire_date: npt.ArrayLike | pd.Series | None,
    first_activity: npt.ArrayLike | pd.Series | None,
    end: pd.Timestamp,
    ids: npt.ArrayLike | None = None,
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
    func = "newcomers"
    a = check_adjacency(adjacency, func=func)
    n = a.shape[0]
    ids_arr = check_ids(ids, n, func=func)
    end = pd.Timestamp(end)
    end = end.tz_localize("UTC") if end.tzinfo is None else end
    window = pd.Timedelta(days=recent_days)

    def days_before(values: npt.ArrayLike | pd.Series | None, name: str) -> FloatArray:
        if values is None:
            return np.full(n, np.nan)
        ts = pd.to_datetime(pd.Series(values).reset_index(drop=True), utc=True)
        if len(ts) != n:
            raise ValueError(f"{func}: {name} must have one date per person ({n}); got {len(ts)}")
        elapsed = ((end - ts) / pd.Timedelta(days=1)).to_numpy(dtype=np.float64, na_value=np.nan)
        return np.asarray(elapsed, dtype=np.float64)

    hired = days_before(hire_date, "hire_date")
    first = days_before(first_activity, "first_activity")
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
