"""The same findings per period (week, month, quarter), and what changed between the first and last.

Each period is the whole graph's window (same people, so results compare person by person).
A period the data covers only in part (the export starts or ends inside it) is shown but not used
for trends: its figures are small by construction (:attr:`~orgnet.findings.rules.TrendRules.full_period`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from orgnet.findings.ambassadors import ambassador_ranking
from orgnet.findings.model import Grouping, Periods
from orgnet.findings.rules import Rules
from orgnet.findings.silos import silo_table
from orgnet.graph import OrgGraph
from orgnet.metrics.ambassadors import ambassador_components
from orgnet.metrics.time import per_period

__all__ = ["period_findings"]


def period_findings(graph: OrgGraph, by: str, grouping: Grouping, *, eligible: np.ndarray, rules: Rules, seed: int,
                    coded_events: Callable[[OrgGraph], pd.DataFrame]) -> Periods:
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

    Returns
    -------
    Periods
    """
    codes, k = grouping.codes, len(grouping)
    flagged_people: list[np.ndarray] = []
    silo_groups: list[np.ndarray] = []
    ei_rows: list[np.ndarray] = []

    def one(window: OrgGraph) -> dict[str, Any]:
        ranked = ambassador_ranking(ambassador_components(coded_events(window), codes), eligible, rules.ambassadors)
        people = np.sort(ranked.loc[ranked["flagged"], "code"].to_numpy(np.int64))
        silos = silo_table(window.adjacency, codes, kind=grouping.kind, n_groups=k, rules=rules.silos, seed=seed,
                           eligible=eligible) if k else None
        groups = np.zeros(0, np.int64) if silos is None else silos.loc[silos["is_silo"], "code"].to_numpy(np.int64)
        flagged_people.append(people)
        silo_groups.append(groups)
        ei_rows.append(np.full(k, np.nan) if silos is None else silos["ei"].to_numpy(float))
        return {"events": int(window.events.num_rows), "active_people": int(window.people["active"].sum()),
                "ties": window.n_ties, "ambassadors_flagged": len(people), "silos_flagged": len(groups)}

    table = per_period(graph, one, by=by)
    ts = graph.events.column("ts")
    lo, hi = (pd.Timestamp(v.as_py()) for v in pc.min_max(ts).values())
    start, end = pd.to_datetime(table["start"], utc=True), pd.to_datetime(table["end"], utc=True)
    lo, hi = (t.tz_localize("UTC") if t.tzinfo is None else t for t in (lo, hi))
    covered = (end.where(end < hi, hi) - start.where(start > lo, lo)) / (end - start)
    table["partial"] = (covered < rules.trends.full_period).to_numpy()
    ei = pd.DataFrame(np.vstack(ei_rows) if ei_rows else np.zeros((0, k)), index=table["period"].astype(str))
    out = Periods(by=by, grouping=grouping.kind, table=table, ambassadors=flagged_people, silos=silo_groups, ei_index=ei)
    complete = np.flatnonzero(~table["partial"].to_numpy())
    if len(complete) < 2:
        out.note = (f"trends need two complete {by}s; the data covers {len(complete)} complete "
                    f"{by}{'' if len(complete) == 1 else 's'}")
        return out
    first, last = int(complete[0]), int(complete[-1])
    out.compared = (str(table["period"].iloc[first]), str(table["period"].iloc[last]))
    drop = ei.iloc[last].to_numpy() <= ei.iloc[first].to_numpy() - rules.trends.ei_drop
    out.changes = {
        "new_ambassadors": np.setdiff1d(flagged_people[last], flagged_people[first]),
        "former_ambassadors": np.setdiff1d(flagged_people[first], flagged_people[last]),
        "new_silos": np.setdiff1d(silo_groups[last], silo_groups[first]),
        "silos_no_longer": np.setdiff1d(silo_groups[first], silo_groups[last]),
        # A large fall of E-I only: windows are sparse and E-I moves by chance.
        "more_inward": np.flatnonzero(np.nan_to_num(drop, nan=False).astype(bool)).astype(np.int64),
    }
    return out
