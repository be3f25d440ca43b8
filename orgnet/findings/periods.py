"""The same findings per period (week, month, quarter), and what changed between the first and last.

Each period is the whole graph's window (same people, so results compare person by person).
A period inside a gap in the data (:func:`orgnet.metrics.time.covered_spans`) is left out: it
is no data, not a period of no activity. A period the data covers only in part (the export
starts or ends inside it, or a gap does) is shown but not used for trends: its figures are small by construction (:attr:`~orgnet.findings.rules.TrendRules.full_period`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from orgnet.findings.ambassadors import ambassador_ranking
from orgnet.findings.model import Grouping, Periods
from orgnet.findings.rules import Rules
from orgnet.findings.silos import silo_table
from orgnet.graph import OrgGraph
from orgnet.metrics.ambassadors import ambassador_components
from orgnet.metrics.time import covered_share, covered_spans, per_period

__all__ = ["clear_fall", "group_tie_counts", "partial_periods", "period_findings"]


def partial_periods(start: pd.Series, end: pd.Series, first: pd.Timestamp, last: pd.Timestamp,
                    full: float) -> np.ndarray:
    """Which periods the data (``first`` to ``last``) covers for less than ``full`` of their length.

    Examples
    --------
    >>> s = pd.to_datetime(pd.Series(["2025-01-01", "2025-02-01"]), utc=True)
    >>> e = pd.to_datetime(pd.Series(["2025-02-01", "2025-03-01"]), utc=True)
    >>> partial_periods(s, e, pd.Timestamp("2025-01-01", tz="UTC"), pd.Timestamp("2025-02-06", tz="UTC"), 0.8).tolist()
    [False, True]
    """
    start, end = pd.to_datetime(start, utc=True), pd.to_datetime(end, utc=True)
    first, last = (t.tz_localize("UTC") if t.tzinfo is None else t for t in (first, last))
    covered = (end.where(end < last, last) - start.where(start > first, first)) / (end - start)
    return np.asarray((covered < full).to_numpy(), dtype=bool)


def group_tie_counts(ties: Any, codes: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per group, its ties that leave it and all its ties (each tie with at least one end in it).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> t = sp.csr_array(([1.0, 1.0, 1.0], ([0, 1, 2], [1, 0, 0])), shape=(3, 3))
    >>> [x.tolist() for x in group_tie_counts(t, np.array([0, 0, 1]), 2)]
    [[1, 1], [3, 1]]
    """
    coo = ties.tocoo()
    gr, gc = codes[coo.row], codes[coo.col]
    ok = (gr >= 0) & (gc >= 0)
    gr, gc = gr[ok], gc[ok]
    inside = np.bincount(gr[gr == gc], minlength=k)[:k]
    across = gr != gc
    outside = (np.bincount(gr[across], minlength=k) + np.bincount(gc[across], minlength=k))[:k]
    return outside.astype(np.int64), (inside + outside).astype(np.int64)


def clear_fall(out1: np.ndarray, n1: np.ndarray, out2: np.ndarray, n2: np.ndarray, z: float) -> np.ndarray:
    """Whether the share of ties leaving a group fell by more than chance explains.

    A two-proportion z test with the pooled standard error and Yates's continuity correction
    (one-sided: a fall). E-I is ``2p - 1`` with ``p`` this share, so a fall of E-I larger than
    its uncertainty is a fall of ``p`` that passes this test. With a handful of ties nothing is
    ever clear: one tie out in January and one tie in in March is no evidence.

    Examples
    --------
    >>> clear_fall(np.array([1, 40]), np.array([1, 40]), np.array([0, 0]), np.array([1, 40]), 1.96).tolist()
    [False, True]
    """
    n1, n2 = np.asarray(n1, float), np.asarray(n2, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p1, p2 = out1 / n1, out2 / n2
        pooled = (out1 + out2) / (n1 + n2)
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        gap = (p1 - p2) - 0.5 * (1 / n1 + 1 / n2)
        result = (n1 > 0) & (n2 > 0) & (gap > z * se) & (gap > 0)
    return np.asarray(result, dtype=bool)


def period_findings(graph: OrgGraph, by: str, grouping: Grouping, *, eligible: np.ndarray, rules: Rules, seed: int,
                    coded_events: Callable[[OrgGraph], pd.DataFrame], spans: pd.DataFrame | None = None) -> Periods:
    """Ambassadors, silos and E-I per period, and the changes between the first and last complete ones.

    Parameters
    ----------
    graph : OrgGraph
        The whole-period graph (with timestamps).
    by : {"week", "month", "quarter"}
        Period length.
    grouping : Grouping
        The primary grouping (silos and E-I are per group of it).
    eligible : numpy.ndarray of bool
        Who can be an ambassador.
    rules : Rules
        Thresholds.
    seed : int
        Seed of the silo baseline.
    coded_events : callable
        Window -> the coded events frame the ambassador components read.
    spans : pandas.DataFrame, optional
        The stretches the data covers (:func:`orgnet.metrics.time.covered_spans`; computed when
        absent). A period inside a gap in the data is left out (no data, not a period of no
        activity); one the data covers only in part is partial.

    Returns
    -------
    Periods
    """
    codes, k = grouping.codes, len(grouping)
    flagged_people: list[np.ndarray] = []
    silo_groups: list[np.ndarray] = []
    ei_rows: list[np.ndarray] = []
    tie_rows: list[tuple[np.ndarray, np.ndarray]] = []

    def one(window: OrgGraph) -> dict[str, Any]:
        ranked = ambassador_ranking(ambassador_components(coded_events(window), codes), eligible, rules.ambassadors)
        people = np.sort(ranked.loc[ranked["flagged"], "code"].to_numpy(np.int64))
        silos = silo_table(window.adjacency, codes, kind=grouping.kind, n_groups=k, rules=rules.silos, seed=seed,
                           eligible=eligible) if k else None
        groups = np.zeros(0, np.int64) if silos is None else silos.loc[silos["is_silo"], "code"].to_numpy(np.int64)
        flagged_people.append(people)
        silo_groups.append(groups)
        ei_rows.append(np.full(k, np.nan) if silos is None else silos["ei"].to_numpy(float))
        tie_rows.append(group_tie_counts(window.adjacency, codes, k))
        return {"events": int(window.events.num_rows), "active_people": int(window.people["active"].sum()),
                "ties": window.n_ties, "ambassadors_flagged": len(people), "silos_flagged": len(groups)}

    table = per_period(graph, one, by=by)
    if spans is None:
        spans = covered_spans(graph.times)
    share = covered_share(table["start"], table["end"], spans)
    keep = share > 0
    table = table[keep].reset_index(drop=True)
    table["partial"] = share[keep] < rules.trends.full_period
    kept = np.flatnonzero(keep)
    flagged_people = [flagged_people[i] for i in kept]
    silo_groups = [silo_groups[i] for i in kept]
    ei_rows = [ei_rows[i] for i in kept]
    tie_rows = [tie_rows[i] for i in kept]
    ei = pd.DataFrame(np.vstack(ei_rows) if ei_rows else np.zeros((0, k)), index=table["period"].astype(str))
    outside = pd.DataFrame(np.vstack([o for o, _ in tie_rows]) if tie_rows else np.zeros((0, k), np.int64),
                           index=ei.index)
    counted = pd.DataFrame(np.vstack([n for _, n in tie_rows]) if tie_rows else np.zeros((0, k), np.int64),
                           index=ei.index)
    out = Periods(by=by, grouping=grouping.kind, table=table, ambassadors=flagged_people, silos=silo_groups, ei_index=ei,
                  ei_ties=counted, ei_outside_ties=outside, change_z=rules.trends.change_z)
    complete = np.flatnonzero(~table["partial"].to_numpy())
    if len(complete) < 2:
        out.note = (f"trends need two complete {by}s; the data covers {len(complete)} complete "
                    f"{by}{'' if len(complete) == 1 else 's'}")
        return out
    first, last = int(complete[0]), int(complete[-1])
    out.compared = (str(table["period"].iloc[first]), str(table["period"].iloc[last]))
    fall = ei.iloc[first].to_numpy() - ei.iloc[last].to_numpy()
    # Large and beyond chance: a small group's E-I swings from +1 to -1 on a handful of ties.
    drop = (fall >= rules.trends.ei_drop) & clear_fall(
        outside.iloc[first].to_numpy(), counted.iloc[first].to_numpy(), outside.iloc[last].to_numpy(),
        counted.iloc[last].to_numpy(), rules.trends.change_z)
    out.changes = {
        "new_ambassadors": np.setdiff1d(flagged_people[last], flagged_people[first]),
        "former_ambassadors": np.setdiff1d(flagged_people[first], flagged_people[last]),
        "new_silos": np.setdiff1d(silo_groups[last], silo_groups[first]),
        "silos_no_longer": np.setdiff1d(silo_groups[first], silo_groups[last]),
        # A large fall of E-I only: windows are sparse and E-I moves by chance.
        "more_inward": np.flatnonzero(np.nan_to_num(drop, nan=False).astype(bool)).astype(np.int64),
    }
    return out
