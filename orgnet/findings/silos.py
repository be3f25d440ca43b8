"""Silos: which groups keep their ties inside, by a documented rule over the silo measures.

The measures (:mod:`orgnet.metrics.silos`): each group's outside share ``x = E / (E + I)`` of its
tie weight, its E-I index (against a permutation baseline where the island rule below needs it,
and only there: elsewhere it decides nothing), the members with an outside tie and the
fewest members carrying most of its outside weight (bridges). The rule
(:class:`~orgnet.findings.rules.SiloRules`), against ``m``, the median outside share over the
organisation's groups (the typical group of *this* organisation, so the rule fits an
inward-looking firm and an open one). A group with at least ``min_size`` members is a silo when
its outside share is

* **clearly below the typical group's** — ``x <= share_of_median * m`` (a quarter of it, the same
  "a quarter of typical" convention as for peripheral people); and
* **below it beyond chance** — a one-sided binomial test of its outside weight ``E`` out of
  ``E + I`` against ``m`` (every unit of tie weight a trial), with p at most ``Phi(-test_z)``
  (3: p <= 0.00135). A group with little weight is not flagged because it happened to have none
  outside;
* optionally (``outlier_z``, off by default) also a low outlier among groups.

When groups cannot be told apart this way (fewer than 3 groups with ties, a median share of 0 or
1, or at most ``island_share`` of the organisation's weight crossing any boundary) a group is a
silo when its own share is at most ``island_share`` and its E-I index is at least ``-z_max``
standard deviations below its permutation baseline: in four towns with no tie between them each
town is an island, though none is more closed than the others.

Examples
--------
Three teams of four; B and C work together, A is joined to B by one tie from person 3:

>>> import scipy.sparse as sp
>>> A = np.kron(np.eye(3), np.ones((4, 4))) - np.eye(12)
>>> A[4:, 4:] += (A[4:, 4:] == 0) * 0.5 - np.eye(8) * 0.5
>>> A[3, 4] = 1
>>> t = silo_table(sp.csr_array(A), np.repeat([0, 1, 2], 4), kind="team")
>>> t[["code", "is_silo", "n_bridges", "fragile"]].to_dict("records")
[{'code': 0, 'is_silo': True, 'n_bridges': 1, 'fragile': True}, \
{'code': 1, 'is_silo': False, 'n_bridges': 4, 'fragile': False}, \
{'code': 2, 'is_silo': False, 'n_bridges': 4, 'fragile': False}]
>>> t.loc[0, "bridges"].tolist()
[3]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.special import ndtr

from orgnet.findings.rules import SiloRules
from orgnet.metrics.groups import group_ties
from orgnet.metrics.robust import modified_z
from orgnet.metrics.silos import below_share_test, ei_permutation_baseline, external_ties, outside_carriers

__all__ = ["silo_table"]


def silo_table(ties: sp.sparray, groups: np.ndarray, *, kind: str, n_groups: int | None = None,
               rules: SiloRules | None = None, seed: int = 0, eligible: np.ndarray | None = None) -> pd.DataFrame:
    """Silo measures, bridges and the flag for every group of one grouping.

    Parameters
    ----------
    ties : sparse matrix
        Weighted directed ties between people.
    groups : numpy.ndarray
        Group code per person (``-1``: none).
    kind : str
        What the groups are (``department``, ``community``), written in the ``kind`` column.
    n_groups : int, optional
        Number of group codes (default: the largest code + 1).
    rules : SiloRules, optional
        Thresholds (defaults when None).
    seed : int
        Seed of the permutation baseline.
    eligible : numpy.ndarray of bool, optional
        Who can be named as a bridge (members who are people); everyone when None.

    Returns
    -------
    pandas.DataFrame
        One row per group code, the columns of :class:`~orgnet.findings.model.Silos`.
    """
    rules = rules or SiloRules()
    codes = np.asarray(groups, dtype=np.int64)
    k = int(n_groups if n_groups is not None else (codes.max() + 1 if len(codes) and codes.max() >= 0 else 0))
    internal, external = group_ties(ties, codes, k)
    size = np.bincount(codes[codes >= 0], minlength=k)[:k]
    total = internal + external
    pooled = float(total.sum())
    org_share = float(external.sum()) / pooled if pooled > 0 else np.nan
    with np.errstate(invalid="ignore", divide="ignore"):
        ext_share = np.where(total > 0, external / np.where(total > 0, total, 1), np.nan)
    has_ties = total > 0
    ranked = has_ties & (size >= rules.min_size)
    typical = float(np.median(ext_share[ranked])) if ranked.any() else np.nan
    degenerate = bool(ranked.sum() < 3 or not typical > 0 or not typical < 1
                      or np.nan_to_num(org_share) <= rules.island_share)
    # The permutation baseline decides only the island rule: elsewhere it would cost the most of
    # any silo step (11 s at 100k people) for z-scores that move from seed to seed and decide
    # nothing, so it is computed only where the rule needs it (ei_expected, ei_sd, ei_z and
    # ei_percentile are empty otherwise).
    base = ei_permutation_baseline(ties, codes, n_permutations=rules.permutations if degenerate else 0, seed=seed)
    base = base.reindex(range(k)) if len(base) != k else base

    _, outside_w = external_ties(ties, codes)
    has_out = (codes >= 0) & (outside_w > 0)
    members_out = np.bincount(codes[has_out], minlength=k)[:k]
    indptr, carriers, carried = outside_carriers(ties, codes, share=rules.bridge_share, among=eligible)
    carriers_of = [carriers[indptr[g]:indptr[g + 1]] for g in range(k)]
    n_bridges = np.diff(indptr)
    fragile = (n_bridges == 1) & (external > 0)

    share = np.nan_to_num(ext_share, nan=np.inf)
    share_z = np.zeros(k)
    if ranked.sum() >= 3:
        clipped = np.clip(ext_share[ranked], 1e-3, 1 - 1e-3)
        share_z[ranked] = modified_z(np.log(clipped / (1 - clipped)))
    test_p, test_zs = np.ones(k), np.full(k, np.inf)
    ei_z = base["ei_z"].to_numpy(dtype=float)
    if degenerate:
        limit = rules.island_share
        closed = (share <= limit + 1e-12) & (np.nan_to_num(ei_z, nan=np.inf) <= rules.z_max)
    else:
        limit = rules.share_of_median * typical
        test_p, test_zs = below_share_test(external, total, typical)
        closed = (share <= limit + 1e-12) & (test_p <= ndtr(-rules.test_z))
        if rules.outlier_z is not None:
            closed &= share_z <= -rules.outlier_z

    frame = pd.DataFrame({"kind": kind, "code": np.arange(k, dtype=np.int64), "size": size.astype(np.int64),
                          "internal": internal, "external": external})
    for col in base.columns:
        frame[col] = base[col].to_numpy()
    frame["external_share"] = ext_share
    frame["external_share_z"] = share_z
    frame["typical_external_share"] = typical
    frame["share_test_z"] = test_zs
    frame["share_test_p"] = test_p
    frame["org_external_share"] = org_share
    frame["members_outside"] = members_out.astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["share_members_outside"] = np.where(size > 0, members_out / np.maximum(size, 1), np.nan)
    frame["bridges"] = pd.Series(carriers_of, dtype=object)
    frame["n_bridges"] = n_bridges.astype(np.int64)
    frame["carried_share"] = carried
    frame["fragile"] = fragile
    frame["is_silo"] = ranked & closed
    frame["rule"] = "island" if degenerate else "share"
    frame["silo_limit"] = limit
    return frame
