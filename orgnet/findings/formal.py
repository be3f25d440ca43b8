"""Formal against informal structure: the rules over :mod:`orgnet.metrics.formal`.

Which departments split, which communities span departments, and who leads informally:

* A department **splits** when at least two communities each hold at least ``split_share`` (20%)
  of its members and at least ``split_members`` (2) people: a fifth of a department working as
  its own cluster is a visible fault line, a single person is not. A community **spans**
  departments by the mirror rule.
* An **informal leader** is a person at or above the ``leader_percentile`` (90th) of the
  organisation's own PageRank distribution: people others come to.

Examples
--------
>>> dept = np.array([0, 0, 0, 0, 1, 1, 1])
>>> comm = np.array([0, 0, 1, 1, 2, 2, 2])
>>> out = counted_parts(dept, comm, FormalRules())
>>> out[["code", "n_parts", "parts"]].to_dict("records")
[{'code': 0, 'n_parts': 2, 'parts': [0, 1]}, {'code': 1, 'n_parts': 1, 'parts': [2]}]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from orgnet.findings.model import Formal
from orgnet.findings.rules import FormalRules
from orgnet.metrics.formal import (
    adjusted_rand_index,
    direct_reports,
    membership_spread,
    normalized_mutual_info,
    reporting_line_agreement,
)
from orgnet.metrics.robust import percentile_rank

__all__ = ["counted_parts", "formal_structure", "managers_and_leaders"]


def counted_parts(outer: np.ndarray, inner: np.ndarray, rules: FormalRules) -> pd.DataFrame:
    """:func:`~orgnet.metrics.formal.membership_spread` keeping only the parts the rule counts.

    Returns
    -------
    pandas.DataFrame
        ``code``, ``size``, ``n_parts``, ``largest_share``, ``effective_parts``, ``parts``
        (inner codes, as lists) and ``part_shares`` of the counted parts.
    """
    spread = membership_spread(outer, inner)
    keep = [(np.asarray(sh) >= rules.split_share) & (np.asarray(sz) >= rules.split_members)
            for sh, sz in zip(spread["part_shares"], spread["part_sizes"], strict=True)]
    return pd.DataFrame({
        "code": spread["code"].to_numpy(np.int64),
        "size": spread["size"].to_numpy(np.int64),
        "n_parts": np.array([int(k.sum()) for k in keep], dtype=np.int64),
        "largest_share": spread["largest_share"].to_numpy(float),
        "effective_parts": spread["effective_parts"].to_numpy(float),
        "parts": [np.asarray(p)[k].tolist() for p, k in zip(spread["parts"], keep, strict=True)],
        "part_shares": [np.round(np.asarray(s)[k], 3).tolist() for s, k in zip(spread["part_shares"], keep,
                                                                                 strict=True)],
    })


def managers_and_leaders(pagerank_values: np.ndarray, manager: np.ndarray, rules: FormalRules) -> pd.DataFrame:
    """Managers (someone reports to them) and informal leaders, managers first, then by centrality.

    Returns
    -------
    pandas.DataFrame
        ``code``, ``is_manager``, ``direct_reports``, ``centrality``, ``percentile``,
        ``is_informal_leader``.
    """
    centrality = np.asarray(pagerank_values, dtype=float)
    reports = direct_reports(manager)
    pct = percentile_rank(centrality)
    leader = pct >= rules.leader_percentile
    codes = np.flatnonzero((reports > 0) | leader)
    frame = pd.DataFrame({"code": codes.astype(np.int64), "is_manager": reports[codes] > 0,
                          "direct_reports": reports[codes], "centrality": centrality[codes],
                          "percentile": pct[codes], "is_informal_leader": leader[codes]})
    frame = frame.sort_values(["is_manager", "centrality", "code"], ascending=[False, False, True])
    return frame.reset_index(drop=True)


def formal_structure(ties: sp.sparray, departments: np.ndarray | None, communities: np.ndarray,
                     pagerank_values: np.ndarray, manager: np.ndarray | None,
                     rules: FormalRules | None = None) -> Formal:
    """Communities against departments and the reporting line (the Formal section).

    Parameters
    ----------
    ties : sparse matrix
        Weighted directed ties.
    departments : numpy.ndarray or None
        Department code per person (None or all ``-1``: no directory).
    communities : numpy.ndarray
        Community code per person.
    pagerank_values : numpy.ndarray
        Centrality per person.
    manager : numpy.ndarray or None
        Node code of each person's manager (``-1``: none).
    rules : FormalRules, optional
        Thresholds.

    Returns
    -------
    Formal
    """
    rules = rules or FormalRules()
    if departments is None or not (np.asarray(departments) >= 0).any():
        return Formal(False, note="no departments to compare the communities with (give --directory)")
    dept, comm = np.asarray(departments, np.int64), np.asarray(communities, np.int64)
    known = dept >= 0
    splits = counted_parts(dept, comm, rules)
    splits["splits"] = splits["n_parts"] >= 2
    spans = counted_parts(comm, dept, rules)
    spans["spans"] = spans["n_parts"] >= 2
    out = Formal(True, nmi=normalized_mutual_info(dept[known], comm[known]),
                 ari=adjusted_rand_index(dept[known], comm[known]), department_splits=splits, community_spans=spans)
    if manager is not None and (np.asarray(manager) >= 0).any():
        out.managers = managers_and_leaders(pagerank_values, manager, rules)
        out.reporting_line = reporting_line_agreement(ties, manager)
    return out
