"""Aggregate only: findings with no individual at all, only group figures and counts.

Examples
--------
>>> from orgnet.findings import analyze
>>> from orgnet.synthetic import toy_org
>>> f = analyze(toy_org().events, directory=toy_org().directory)
>>> a = aggregate_only(f)
>>> len(a.people), a.ties.shape, len(a.ambassadors.table), a.summary.privacy["aggregated"]["people"]
(0, (0, 0), 0, 60)
>>> len(a.groups.table) == len(f.groups.table)
True
"""

from __future__ import annotations

import copy
from dataclasses import replace

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from orgnet.findings.model import Findings, Grouping, Population
from orgnet.privacy.pseudonymize import source_file_names

__all__ = ["aggregate_only"]

#: Changes between periods that list people (the others list groups).
_PERSON_CHANGES = ("new_ambassadors", "former_ambassadors")


def _no_codes() -> npt.NDArray[np.int64]:
    return np.zeros(0, dtype=np.int64)


def aggregate_only(findings: Findings) -> Findings:
    """New findings with no individual: every node code and every person-level row removed.

    What goes: the people table (an empty table with the same columns), the ties between people
    (a 0 x 0 matrix), each grouping's per-person codes, the ambassadors and connectors (their row
    counts kept in ``summary.privacy["aggregated"]``), the bridges of each silo (``n_bridges``
    kept), the managers and informal leaders, and the ambassadors of each period and of the
    trends (the counts per period kept). What stays: the groups, their tie figures
    (``groups.table``, ``groups.ties``, ``groups.matrix``), the silo flags and indicators, the
    pyramid counts, the formal-structure figures per group, the response times and the summary.
    Source paths are reduced to their file names.

    Parameters
    ----------
    findings : Findings
        Findings (small groups normally suppressed first).

    Returns
    -------
    Findings
        A new object (the input is left as it was) with ``summary.privacy["aggregate_only"]``
        True and ``summary.privacy["aggregated"]``: how many rows of each kind were removed.
    """
    formal = findings.formal
    counts = {"people": len(findings.people), "set_apart": len(findings.population.set_apart),
              "duplicates": len(findings.population.duplicates),
              "ambassadors": len(findings.ambassadors.table),
              "connectors": len(findings.connectors.table),
              "managers": 0 if formal.managers is None else len(formal.managers)}
    groups = findings.groups
    by_kind = {kind: Grouping(g.kind, _no_codes(), np.asarray(g.labels, dtype=object).copy(),
                              np.asarray(g.hidden, dtype=bool).copy()) for kind, g in groups.by_kind.items()}
    silos = findings.silos.table.copy()
    if "bridges" in silos.columns:
        silos["bridges"] = pd.Series([_no_codes() for _ in range(len(silos))], index=silos.index, dtype=object)
    periods = findings.periods
    if periods is not None:
        periods = replace(periods, ambassadors=[_no_codes() for _ in periods.ambassadors],
                          changes={k: _no_codes() if k in _PERSON_CHANGES else v for k, v in periods.changes.items()})
    summary = copy.deepcopy(findings.summary)
    summary.sources = source_file_names(summary.sources)
    summary.privacy.update({"aggregate_only": True, "aggregated": counts})
    return replace(
        findings,
        people=findings.people.iloc[0:0].copy(),
        ties=sp.csr_array((0, 0), dtype=findings.ties.dtype),
        groups=replace(groups, by_kind=by_kind),
        ambassadors=replace(findings.ambassadors, table=findings.ambassadors.table.iloc[0:0].copy()),
        connectors=replace(findings.connectors, table=findings.connectors.table.iloc[0:0].copy()),
        silos=replace(findings.silos, table=silos),
        formal=replace(formal, managers=None),
        periods=periods,
        summary=summary,
        population=Population(),
    )
