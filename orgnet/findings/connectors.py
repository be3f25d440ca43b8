"""Connector roles: who is a central connector, boundary spanner, information broker, peripheral, newcomer.

The per-person measures come from :mod:`orgnet.metrics` (computed once for everyone and kept in
the people table); the rules and their thresholds are :class:`~orgnet.findings.rules.ConnectorRules`,
taken from the organisation's own distribution (percentile ranks among the people concerned, a
share of a median, a robust z-score) so a rule means the same in a 50-person team and a
100,000-person company:

=================== ===========================================================================
role                rule (defaults)
=================== ===========================================================================
central connector   PageRank or weighted in-degree in the organisation's top 2%; or, within a
                    group of at least 5 people, a modified z-score of log weighted in-degree of
                    at least 3.5 among the group's own people; either way, at least as many
                    distinct people coming to them as the 90th percentile of people with
                    ties (and at least 2).
boundary spanner    participation coefficient at or above the 90th percentile of people with
                    ties, and ties into at least 2 other groups.
information broker  betweenness in the top 10%, Burt constraint at or below the median, at
                    least half the tie weight outside the own group, spread over at least 2
                    effective other groups (with the own group three groups meet in them: the
                    Gould-Fernandez liaison position), an outside share above the
                    organisation's share of tie weight crossing groups beyond chance
                    (binomial z over their contacts at least 3), contacts in other groups
                    gathered in some groups beyond chance (outside concentration z at least
                    3, where there are enough contacts to tell: someone tied to people all
                    over the organisation links no groups in particular), a group of their
                    own, and not a central connector.
peripheral          distinct contacts at most a quarter of the median of people with ties (at
                    least 1), among people who contribute and are not new (a newcomer as below,
                    contacts aside); only when the timed data covers at least 90 days (gaps
                    in the data left out).
newcomer            hired within 90 days of the end of the data (directory hire date, whenever
                    there is one, however long the data runs), or else first active within
                    them after at least 90 days of data without a gap right before (someone
                    first seen after a gap may have been there during it) among people who
                    contribute (a join-only account is a watcher); with fewer
                    distinct contacts than the median of the established (the other members
                    with at least one contact): not yet as connected as the typical person.
=================== ===========================================================================

Only eligible people (members of the organisation who are people, not lists or bots) hold a role.

Examples
--------
>>> import scipy.sparse as sp
>>> star_in = sp.csr_array(([1.0] * 5, ([1, 2, 3, 4, 5], [0, 0, 0, 0, 0])), shape=(6, 6))
>>> m = person_measures(star_in, np.zeros(6, dtype=np.int64))
>>> out = central_connectors(m, np.zeros(6, dtype=np.int64), rules=ConnectorRules(top_share=0.1))
>>> out[["code", "role", "in_degree"]].to_dict("records")
[{'code': 0, 'role': 'central connector', 'in_degree': 5}]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from orgnet.findings.rules import ConnectorRules
from orgnet.metrics.brokerage import gould_fernandez, group_strength, outside_concentration, structural_holes
from orgnet.metrics.centrality import degrees, distinct_partners, pagerank, strengths
from orgnet.metrics.robust import grouped_modified_z, percentile_rank, top_share
from orgnet.metrics.time import covered_before

__all__ = [
    "boundary_spanners",
    "central_connectors",
    "connector_roles",
    "information_brokers",
    "newcomers",
    "peripheral_people",
    "person_measures",
    "recent_people",
]

#: Columns of the connectors table, in order (evidence columns not used by a role are empty).
CONNECTOR_COLUMNS = ("code", "role", "score")


def person_measures(ties: sp.csr_array, groups: np.ndarray, *, pagerank_values: np.ndarray | None = None,
                    betweenness_values: np.ndarray | None = None) -> pd.DataFrame:
    """Every per-person measure the roles use, computed once for everyone (columns of ``people.csv``).

    Parameters
    ----------
    ties : sparse matrix
        Weighted directed ties.
    groups : numpy.ndarray
        Primary group code per person (``-1``: none).
    pagerank_values, betweenness_values : numpy.ndarray, optional
        Already computed (PageRank is computed when absent; betweenness stays empty).

    Returns
    -------
    pandas.DataFrame
        One row per person: ``in_strength``, ``out_strength``, ``in_degree``, ``out_degree``,
        ``partners``, ``pagerank``, ``betweenness``, ``constraint``, ``effective_size``,
        ``participation``, ``groups_reached``, ``outside_share``, ``effective_other_groups``,
        ``outside_concentration`` (:func:`~orgnet.metrics.brokerage.outside_concentration`) and
        the Gould-Fernandez counts (``brokerage`` = two-paths between groups).
    """
    a = ties.tocsr()
    n = a.shape[0]
    codes = np.asarray(groups, dtype=np.int64)
    s_in, s_out = strengths(a)
    d_in, d_out = degrees(a)
    by_group = group_strength(a, codes)  # one person-by-group matrix for participation, reach, spread
    outside, others = by_group.spread()
    holes = structural_holes(a)  # constraint and effective size from one listing of the triangles
    gf = gould_fernandez(a, codes)
    out = pd.DataFrame({
        "in_strength": s_in, "out_strength": s_out, "in_degree": d_in, "out_degree": d_out,
        "partners": distinct_partners(a),
        "pagerank": pagerank(a) if pagerank_values is None else np.asarray(pagerank_values, dtype=float),
        "betweenness": np.full(n, np.nan) if betweenness_values is None else np.asarray(betweenness_values, float),
        "constraint": holes.constraint,
        "effective_size": holes.effective_size,
        "participation": by_group.participation(),
        "groups_reached": by_group.groups_reached(),
        "outside_share": outside,
        "effective_other_groups": others,
        "outside_concentration": outside_concentration(a, codes),
        "brokerage": (gf["total"] - gf["coordinator"]).to_numpy(np.int64),
    })
    for role in ("coordinator", "itinerant", "representative", "gatekeeper", "liaison"):
        out[role] = gf[role].to_numpy(np.int64)
    return out


def _rows(codes: np.ndarray, role: str, score: np.ndarray, **evidence: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame({"code": np.asarray(codes, dtype=np.int64), "role": role,
                          "score": np.asarray(score, dtype=float), **evidence})
    return frame.sort_values(["score", "code"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _eligible(n: int, eligible: np.ndarray | None) -> np.ndarray:
    return np.ones(n, dtype=bool) if eligible is None else np.asarray(eligible, dtype=bool)


def central_connectors(m: pd.DataFrame, groups: np.ndarray, *, eligible: np.ndarray | None = None,
                       rules: ConnectorRules | None = None) -> pd.DataFrame:
    """People many others come to: top by PageRank or weighted in-degree, overall or in their group.

    ``score`` is the PageRank percentile rank.
    """
    rules = rules or ConnectorRules()
    n = len(m)
    ok = _eligible(n, eligible)
    pr, s_in = m["pagerank"].to_numpy(float), m["in_strength"].to_numpy(float)
    pr_pct, in_pct, pr_top = percentile_rank(pr), percentile_rank(s_in), top_share(pr)
    cut = 1 - rules.top_share
    d_in = m["in_degree"].to_numpy()
    tied = m["partners"].to_numpy() > 0
    floor = max(2.0, float(np.quantile(d_in[tied], rules.min_in_degree_percentile))) if tied.any() else np.inf
    enough = d_in >= floor
    overall = ((pr_pct > cut) | (in_pct > cut)) & (s_in > 0)
    codes = np.asarray(groups, dtype=np.int64)
    zs = np.full(n, np.nan)
    ranked, z = grouped_modified_z(np.log1p(s_in), codes, rules.min_group)
    zs[ranked] = z
    within = np.nan_to_num(zs, nan=-np.inf) >= rules.group_z
    within &= s_in > 0
    flagged = np.flatnonzero((overall | within) & enough & ok)
    return _rows(flagged, "central connector", pr_pct[flagged],
                 pagerank=pr[flagged], pagerank_top_share=pr_top[flagged],
                 in_degree=m["in_degree"].to_numpy()[flagged], in_strength=s_in[flagged],
                 group=np.where(within[flagged], codes[flagged], -1),
                 group_z=np.where(within[flagged], zs[flagged], np.nan))


def boundary_spanners(m: pd.DataFrame, *, eligible: np.ndarray | None = None,
                      rules: ConnectorRules | None = None) -> pd.DataFrame:
    """People with strong ties into several other groups; ``score`` is the participation coefficient."""
    rules = rules or ConnectorRules()
    n = len(m)
    has = m["partners"].to_numpy() > 0
    if not has.any():
        return _rows(np.zeros(0, dtype=np.int64), "boundary spanner", np.zeros(0))
    pc, reach = m["participation"].to_numpy(float), m["groups_reached"].to_numpy()
    top = np.ones(n)
    top[has] = top_share(pc[has])
    cut = np.quantile(pc[has], rules.spanner_percentile)
    flagged = np.flatnonzero(has & (pc >= cut) & (pc > 0) & (reach >= rules.spanner_min_groups)
                             & _eligible(n, eligible))
    return _rows(flagged, "boundary spanner", pc[flagged], participation=pc[flagged],
                 participation_top_share=top[flagged], groups_reached=reach[flagged])


def information_brokers(m: pd.DataFrame, *, eligible: np.ndarray | None = None, exclude: np.ndarray | None = None,
                        groups: np.ndarray | None = None, rules: ConnectorRules | None = None) -> pd.DataFrame:
    """People on the paths between groups whose contacts are not tied to each other.

    ``score`` is the betweenness percentile rank; ``exclude`` takes out the central connectors,
    whose brokerage follows from their reach (Cross & Parker). When ``groups`` is given, a broker
    has a group: for someone with none (a partial
    directory) "outside the own group" means nothing and every tie would count as outside.
    """
    rules = rules or ConnectorRules()
    n = len(m)
    has = m["partners"].to_numpy() > 0
    if not has.any():
        return _rows(np.zeros(0, dtype=np.int64), "information broker", np.zeros(0))
    bt = np.nan_to_num(m["betweenness"].to_numpy(float))
    constraint = m["constraint"].to_numpy(float)
    outside, others = m["outside_share"].to_numpy(float), m["effective_other_groups"].to_numpy(float)
    bt_pct, bt_top = percentile_rank(bt), top_share(bt)
    median_c = float(np.nanmedian(constraint[has]))
    ok = has & (bt > 0) & (bt_pct > 1 - rules.broker_share) & (constraint <= median_c)
    ok &= (outside >= rules.broker_min_outside_share - 1e-12) & (others >= rules.broker_min_other_groups - 1e-9)
    ok &= _eligible(n, eligible)
    partners = m["partners"].to_numpy(float)
    grouped = has if groups is None else has & (np.asarray(groups, dtype=np.int64) >= 0)
    # The organisation's share of tie weight that crosses groups: each person's outside share
    # weighted by their tie weight. Not the median person's share: where many people have a
    # handful of ties (one-off contributors, random chatter), the median is theirs, 0 or 0.7.
    weight = (m["in_strength"].to_numpy(float) + m["out_strength"].to_numpy(float))[grouped]
    typical = float(np.sum(outside[grouped] * weight) / np.sum(weight)) if weight.sum() > 0 else 0.0
    beyond = np.full(n, np.inf)
    if 0 < typical < 1:  # one-sided binomial z of the outside share against the organisation's
        beyond = (outside - typical) / np.sqrt(typical * (1 - typical) / np.maximum(partners, 1))
    ok &= beyond >= rules.broker_test_z
    # Contacts in other groups gathered in some of them beyond chance, wherever there are enough
    # of them to tell (NaN: too few to tell, no evidence either way).
    concentration = m["outside_concentration"].to_numpy(float)
    ok &= np.isnan(concentration) | (concentration >= rules.broker_concentration_z)
    if groups is not None:
        ok &= grouped
    if exclude is not None:
        ok &= ~np.asarray(exclude, dtype=bool)
    f = np.flatnonzero(ok)
    cols = ("effective_size", "brokerage", "liaison", "gatekeeper", "representative", "itinerant", "coordinator",
            "groups_reached")
    return _rows(f, "information broker", bt_pct[f], betweenness=bt[f], betweenness_top_share=bt_top[f],
                 constraint=constraint[f], constraint_median=np.full(len(f), median_c), outside_share=outside[f],
                 effective_other_groups=others[f], outside_share_typical=np.full(len(f), typical),
                 outside_share_z=beyond[f], outside_concentration=concentration[f],
                 **{c: m[c].to_numpy()[f] for c in cols})


def peripheral_people(m: pd.DataFrame, *, among: np.ndarray | None = None, recent: np.ndarray | None = None,
                      rules: ConnectorRules | None = None) -> pd.DataFrame:
    """People with few or no ties among those who contribute; ``score`` is ``1 - contacts / median``.

    ``recent`` marks people too new to be judged (recent hires, people first active within
    the newcomer window): few contacts is expected of them, so they are never peripheral.
    """
    rules = rules or ConnectorRules()
    partners = m["partners"].to_numpy()
    n = len(partners)
    connected = partners > 0
    median = float(np.median(partners[connected])) if connected.any() else 0.0
    cut = max(1.0, float(np.floor(rules.peripheral_share_of_median * median)))
    candidates = partners <= cut if median > 0 else np.ones(n, dtype=bool)
    candidates &= _eligible(n, among)
    if recent is not None:
        candidates &= ~np.asarray(recent, dtype=bool)
    f = np.flatnonzero(candidates)
    score = 1 - partners[f] / median if median > 0 else np.ones(len(f))
    return _rows(f, "peripheral", score, partners=partners[f], partners_limit=np.full(len(f), cut),
                 partners_median=np.full(len(f), median))


def _days_before(values: pd.Series | None, end: pd.Timestamp, n: int) -> np.ndarray:
    if values is None:
        return np.full(n, np.nan)
    ts = pd.to_datetime(pd.Series(values).reset_index(drop=True), utc=True)
    return ((end - ts) / pd.Timedelta(days=1)).to_numpy(dtype=float, na_value=np.nan)


def _utc(t: pd.Timestamp) -> pd.Timestamp:
    t = pd.Timestamp(t)
    return t.tz_localize("UTC") if t.tzinfo is None else t


def recent_people(n: int, *, hire_date: pd.Series | None, first_activity: pd.Series | None, end: pd.Timestamp,
                  spans: pd.DataFrame | None = None,
                  rules: ConnectorRules | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Who is new: hired (directory) or first active within the newcomer window of the end of the data.

    A hire date decides when there is one, however long the data runs. First activity counts
    only with covered history before it: at least :attr:`~ConnectorRules.min_days` of data
    without a gap right before the person's first event (someone first seen just after a gap,
    or at the start of the data, may well have been there before).

    Returns
    -------
    new_hire, new_active : numpy.ndarray of bool
        New by hire date; new by first activity.
    days_known : numpy.ndarray of float
        Days from the hire date (or first activity) to the end of the data.
    """
    rules = rules or ConnectorRules()
    end = _utc(end)
    hired, first = _days_before(hire_date, end, n), _days_before(first_activity, end, n)
    days = float(rules.newcomer_days)
    new_hire = (hired >= 0) & (hired <= days)
    if first_activity is not None and spans is None:
        start = pd.to_datetime(pd.Series(first_activity), utc=True).min()
        spans = pd.DataFrame({"start": [start], "end": [end + pd.Timedelta(days=1)]})
    history = np.full(n, np.nan) if first_activity is None or spans is None else covered_before(first_activity, spans)
    new_active = (first >= 0) & (first <= days) & ~(hired > days) & (np.nan_to_num(history) >= rules.min_days)
    return new_hire, new_active & ~new_hire, np.where(new_hire, hired, first)


def newcomers(m: pd.DataFrame, *, hire_date: pd.Series | None, first_activity: pd.Series | None, end: pd.Timestamp,
              eligible: np.ndarray | None = None, spans: pd.DataFrame | None = None,
              contributes: np.ndarray | None = None, rules: ConnectorRules | None = None) -> pd.DataFrame:
    """Newcomers not yet connected: recently hired or first active (:func:`recent_people`), with few contacts.

    ``end`` is the end of the data's own period (never "today": historical exports stay
    meaningful). The established are the other eligible people with at least one contact (a
    watcher with none is no yardstick). Without a hire date, only people who contributed
    (``contributes``) are newcomers by first activity: someone who only joined or viewed is a
    watcher (counted in the pyramid), as for peripheral people. ``score`` is
    ``1 - contacts / established median``.
    """
    rules = rules or ConnectorRules()
    n = len(m)
    new_hire, new_active, known = recent_people(n, hire_date=hire_date, first_activity=first_activity, end=end,
                                                spans=spans, rules=rules)
    if contributes is not None:
        new_active = new_active & np.asarray(contributes, dtype=bool)
    new = new_hire | new_active
    ok = _eligible(n, eligible)
    partners = m["partners"].to_numpy()
    established = partners[~new & ok & (partners > 0)]
    cut = float(np.quantile(established, rules.newcomer_percentile)) if len(established) else 0.0
    median = float(np.median(established)) if len(established) else 0.0
    f = np.flatnonzero(new & (partners < cut) & ok)
    score = 1 - partners[f] / median if median > 0 else np.ones(len(f))
    return _rows(f, "newcomer", score, days_known=known[f],
                 recent_days=np.full(len(f), float(rules.newcomer_days)), hired=new_hire[f].astype(float),
                 partners=partners[f], partners_limit=np.full(len(f), cut), partners_median=np.full(len(f), median))


def connector_roles(m: pd.DataFrame, groups: np.ndarray, n_groups: int, *, eligible: np.ndarray,
                    contributes: np.ndarray, hire_date: pd.Series | None = None,
                    first_activity: pd.Series | None = None, end: pd.Timestamp | None = None,
                    span_days: float | None = None, spans: pd.DataFrame | None = None,
                    rules: ConnectorRules | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """Every role's flagged people in one table, and why a role could not be computed.

    Parameters
    ----------
    m : pandas.DataFrame
        :func:`person_measures`.
    groups : numpy.ndarray
        Primary group code per person.
    n_groups : int
        Number of primary groups (spanners and brokers need at least two).
    eligible : numpy.ndarray of bool
        Who can hold a role.
    contributes : numpy.ndarray of bool
        Who contributed (peripheral people are taken among them).
    hire_date, first_activity : pandas.Series, optional
        Per person; newcomers need one of them and ``end``.
    end : pandas.Timestamp, optional
        End of the data (None: no timestamps).
    span_days : float, optional
        Days of data: the days the timed events cover, gaps left out (None: no timestamps).
        Peripheral people need :attr:`~ConnectorRules.min_days` of them.
    spans : pandas.DataFrame, optional
        The covered stretches (:func:`orgnet.metrics.time.covered_spans`); newcomers by first
        activity need :attr:`~ConnectorRules.min_days` of covered history right before it, so
        without a hire date they need a stretch of at least that plus the newcomer window.
    rules : ConnectorRules, optional
        Thresholds.

    Returns
    -------
    table : pandas.DataFrame
        ``code``, ``role``, ``score`` and the evidence columns.
    notes : dict of str to str
        Role -> why it was not computed.
    """
    rules = rules or ConnectorRules()
    notes: dict[str, str] = {}
    central = central_connectors(m, groups, eligible=eligible, rules=rules)
    parts = [central]
    if n_groups >= 2:
        is_central = np.zeros(len(m), dtype=bool)
        is_central[central["code"].to_numpy(np.int64)] = True
        parts.append(boundary_spanners(m, eligible=eligible, rules=rules))
        parts.append(information_brokers(m, eligible=eligible, exclude=is_central, groups=groups, rules=rules))
    else:
        notes["boundary spanner"] = notes["information broker"] = "fewer than two groups"
    recent = None
    if end is not None:
        hire, active, _ = recent_people(len(m), hire_date=hire_date, first_activity=first_activity, end=end,
                                        spans=spans, rules=rules)
        recent = hire | active
    if span_days is None or span_days >= rules.min_days:
        parts.append(peripheral_people(m, among=np.asarray(eligible, bool) & np.asarray(contributes, bool),
                                       recent=recent, rules=rules))
    else:
        notes["peripheral"] = (f"the data covers {span_days:.0f} days; at least {rules.min_days} are needed before "
                               "few contacts says something about a person rather than the window")
    longest = None
    if spans is not None and len(spans):
        lengths: Any = spans["end"] - spans["start"]  # Timedeltas (pandas-stubs cannot divide them)
        longest = float((lengths / pd.Timedelta(days=1)).max())
    elif span_days is not None:
        longest = span_days
    hires = hire_date is not None and bool(pd.Series(hire_date).notna().any())
    if end is None:
        notes["newcomer"] = "the events carry no timestamps"
    elif not hires and longest is not None and longest < rules.newcomer_days + rules.min_days:
        notes["newcomer"] = (f"no hire dates, and the longest stretch of data without a gap covers {longest:.0f} "
                             f"days; at least {rules.newcomer_days + rules.min_days} are needed "
                             f"({rules.newcomer_days} to be new in and {rules.min_days} before them to be "
                             "established against)")
    else:
        parts.append(newcomers(m, hire_date=hire_date, first_activity=first_activity, end=end, eligible=eligible,
                               spans=spans, contributes=contributes, rules=rules))
    nonempty = [p for p in parts if len(p)]
    table = pd.concat(nonempty, ignore_index=True) if nonempty else parts[0]
    if "group" in table.columns:
        table["group"] = table["group"].fillna(-1).astype(np.int64)
    return table, notes
