"""Silos: groups whose ties stay inside, measured against chance and against the organisation.

For a grouping (departments or communities) each group gets Krackhardt's E-I index, the E-I
index expected when people are relabelled at random (group sizes kept), the share of its tie
weight that goes outside against the organisation's, the share of members with any outside
tie, and the people who carry its outside ties (bridges). ``is_silo`` combines these with a
documented rule, and every group carries its reason in numbers.

The rule (defaults, and why). A group with at least ``min_size`` (2) members is a silo when
its outside share ``x = E / (E + I)`` (the share of its members' tie weight that crosses its
boundary) is, against ``m``, the median of that share over the organisation's groups (the
typical group of *this* organisation, so the rule fits an inward-looking firm and an open one):

* **clearly below it** — ``x <= share_of_median * m`` (0.25: at most a quarter of the typical
  group's share, the same "a quarter of typical" convention as peripheral people); and
* **below it beyond chance** — a one-sided binomial test of the group's outside weight ``E``
  out of ``E + I`` against ``m`` (every unit of tie weight, i.e. every interaction, a trial),
  with p at most the tail of a z-score of ``-test_z`` (3: p <= 0.00135). A group with little
  weight is not flagged because it happened to have none outside: with ``m`` = 26% a group
  needs about 26 units of tie weight, none of them outside, before the test can pass.
* optionally (``outlier_z``, default off) also a low outlier among groups: a modified z-score
  (Iglewicz & Hoaglin 1993) of the logit of the share at or below ``-outlier_z``. The modified
  z is always reported (``external_share_z``).

When groups cannot be told apart this way (fewer than 3 groups with ties, a median share of 0,
or at most ``island_share`` = 5% of the organisation's tie weight crossing any boundary), a
group is a silo when its own share is at most ``island_share`` and its E-I index is at least
``-z_max`` (3) standard deviations below its permutation baseline: in four towns with no tie
between them each town is an island, though none is more closed than the others.

The E-I index against its permutation baseline (group members shuffled, sizes kept) is reported
for every group but is not otherwise part of the rule: in real organisations almost every
department is more inward than a random relabelling, since people work with their own team.
The organisation's pooled share (``org_external_share``, ``sum E / sum (E + I)``) is reported
next to each group's for comparison.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
from scipy.special import betainc
from scipy.stats import norm

from orgnet.metrics._check import Adjacency, FloatArray, check_adjacency, check_codes, check_ids, check_values
from orgnet.metrics.groups import ei_index, group_ties, membership
from orgnet.metrics.robust import modified_z

__all__ = ["below_share_test", "ei_permutation_baseline", "external_ties", "silo_report"]

# (tie, shuffle) pairs compared at once, and shuffles whose labels sit side by side per person.
_CHUNK_ENTRIES = 20_000_000
_SHUFFLES = 32


def _ties(a: sp.csr_array) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sender, receiver and weight of each stored tie (CSR order), and ties per sender."""
    n = a.shape[0]
    degree = np.diff(a.indptr)
    rows = np.repeat(np.arange(n, dtype=np.int64), degree)
    return rows, a.indices.astype(np.int64), a.data, degree


def _internal_by_labeling(rows: np.ndarray, cols: np.ndarray, weights: np.ndarray, degree: np.ndarray,
                          labels: np.ndarray, k: int, *, ungrouped: bool = True) -> np.ndarray:
    """Internal tie weight of each group under each labeling: ``labels`` is ``n x r``, the result ``r x k``.

    A tie is internal when its two ends carry the same label (not -1). The labels of several
    labelings sit side by side per person, so one random read per tie fetches all of them.
    Sums run per person (ties in stored order), then over a group's members in node order:
    the order of the stacked sparse product ``((A @ G) * G).sum(axis=0)`` this replaced, so
    the figures are the same to the last bit. ``rows`` is sorted (``degree`` ties each);
    ``ungrouped=False`` says no tie has an end labelled -1.
    """
    n, r = labels.shape
    check = ungrouped and bool((labels < 0).any())
    ends = np.cumsum(degree)
    # Ties in blocks of whole senders, so the (ties x labelings) temporaries stay bounded.
    block = max(1, _CHUNK_ENTRIES // max(r, 1))
    found_tie, found_which = [], []
    first = 0
    while first < n:
        last = max(first + 1, int(np.searchsorted(ends, (ends[first - 1] if first else 0) + block, side="right")))
        last = min(last, n)
        lo, hi = (int(ends[first - 1]) if first else 0), int(ends[last - 1])
        same = np.repeat(labels[first:last], degree[first:last], axis=0) == np.take(labels, cols[lo:hi], axis=0)
        if check:
            same &= labels[rows[lo:hi]] >= 0
        hit = np.flatnonzero(same)  # tie-major: for one labeling, ties in stored order
        tie, which = np.divmod(hit, r)
        found_tie.append(tie + lo)
        found_which.append(which)
        first = last
    tie = np.concatenate(found_tie) if found_tie else np.zeros(0, dtype=np.int64)
    which = np.concatenate(found_which) if found_which else np.zeros(0, dtype=np.int64)
    per_person = np.bincount(which * n + rows[tie], weights=weights[tie], minlength=r * n)
    found = np.flatnonzero(per_person)  # labeling-major, then node order
    t, person = np.divmod(found, n)
    inside = np.bincount(t * k + labels[person, t], weights=per_person[found], minlength=r * k)
    return inside.reshape(r, k)


def _ei_of_labelings(a: sp.csr_array, labelings: np.ndarray, k: int) -> np.ndarray:
    """E-I of every group under each of ``r`` labelings (``r x n`` codes) at once: ``r x k``.

    Outside weight is the members' strengths minus twice the internal weight (see
    :func:`_internal_by_labeling`).
    """
    r, n = labelings.shape
    s_out = np.asarray(a.sum(axis=1)).ravel()
    s_in = np.asarray(a.sum(axis=0)).ravel()
    rows, cols, weights, degree = _ties(a)
    inside = _internal_by_labeling(rows, cols, weights, degree, np.ascontiguousarray(labelings.T), k)
    out = np.empty((r, k))
    for t in range(r):
        lab = labelings[t]
        member = lab >= 0
        strength = np.bincount(lab[member], weights=s_out[member], minlength=k)[:k] + \
            np.bincount(lab[member], weights=s_in[member], minlength=k)[:k]
        out[t] = ei_index(inside[t], strength - 2 * inside[t])
    return out


def ei_permutation_baseline(
    adjacency: Adjacency,
    groups: npt.ArrayLike,
    *,
    n_permutations: int = 200,
    seed: int = 0,
) -> pd.DataFrame:
    """E-I index per group against random relabellings of people (group sizes kept).

    People with a group are shuffled among themselves (people with no group stay outside
    every group); for each shuffle the E-I index of every group is recomputed. Shuffles are
    done in chunks whose labels sit side by side per person (``n x r``): one pass over the
    ties finds the internal ties of every shuffle of the chunk.

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted directed ties.
    groups : numpy.ndarray
        Integer group code per person (``-1`` = no group).
    n_permutations : int
        Number of random relabellings.
    seed : int
        Seed: the same seed gives the same baseline.

    Returns
    -------
    pandas.DataFrame
        One row per group code: ``ei`` (observed), ``ei_expected`` (mean over shuffles),
        ``ei_sd``, ``ei_z`` (``(ei - expected) / sd``; ±inf when the shuffles never vary) and
        ``ei_percentile`` (share of shuffles with E-I at or below the observed one: small
        means more inward than chance).

    Notes
    -----
    Each shuffle is ``Generator.shuffle`` of the grouped people's codes (16-bit when they
    fit), one shuffle after the other: the same draws as ``Generator.permuted(..., axis=1)``
    over the stacked codes, so a seed gives the same baseline as before.

    Examples
    --------
    Two triangles joined by one tie: each is far more inward than a random split.

    >>> import scipy.sparse as sp
    >>> blocks = np.kron(np.eye(2), np.ones((3, 3))) - np.eye(6)
    >>> blocks[2, 3] = 1
    >>> base = ei_permutation_baseline(sp.csr_array(blocks), np.array([0, 0, 0, 1, 1, 1]), seed=1)
    >>> base["ei"].round(2).tolist(), bool((base["ei_expected"] > 0).all())
    ([-0.71, -0.71], True)
    """
    # Self-ties dropped: a tie inside one person is neither inside nor outside a group.
    a = check_adjacency(adjacency, func="ei_permutation_baseline", drop_self_ties=True)
    codes, k = check_codes(groups, a.shape[0], func="ei_permutation_baseline")
    return _baseline(a, codes, k, *group_ties(a, codes, k), n_permutations=n_permutations, seed=seed)


def _baseline(a: sp.csr_array, codes: np.ndarray, k: int, internal: np.ndarray, external: np.ndarray, *,
              n_permutations: int, seed: int) -> pd.DataFrame:
    """:func:`ei_permutation_baseline` of checked ties, given the observed group ties."""
    n = a.shape[0]
    observed = ei_index(internal, external)
    grouped = np.flatnonzero(codes >= 0)
    sims = np.zeros((n_permutations, k))
    if k and n_permutations > 0:
        rng = np.random.default_rng(seed)
        s_out = np.asarray(a.sum(axis=1)).ravel()[grouped]
        s_in = np.asarray(a.sum(axis=0)).ravel()[grouped]
        rows, cols, weights, _ = _ties(a)
        # Only ties between grouped people can be internal; the grouped set never changes.
        keep = (codes[rows] >= 0) & (codes[cols] >= 0)
        rows, cols, weights = rows[keep], cols[keep], weights[keep]
        degree = np.bincount(rows, minlength=n)
        small = np.int16 if k < 2**15 else np.int32 if k < 2**31 else np.int64
        group_codes = codes[grouped].astype(small)
        # Shuffles side by side: up to a cache line of labels per person (ties are scanned in blocks).
        chunk = max(1, min(n_permutations, _SHUFFLES, _CHUNK_ENTRIES // max(n, 1)))
        for start in range(0, n_permutations, chunk):
            r = min(chunk, n_permutations - start)
            shuffled = np.tile(group_codes, (r, 1))
            for row in shuffled:
                rng.shuffle(row)  # the draws of permuted(axis=1), row after row
            labels = np.full((n, r), -1, dtype=small)
            labels[grouped] = shuffled.T
            inside = _internal_by_labeling(rows, cols, weights, degree, labels, k, ungrouped=False)
            for t in range(r):
                strength = np.bincount(shuffled[t], weights=s_out, minlength=k)[:k] + \
                    np.bincount(shuffled[t], weights=s_in, minlength=k)[:k]
                sims[start + t] = ei_index(inside[t], strength - 2 * inside[t])
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = sims.mean(axis=0) if n_permutations else np.full(k, np.nan)
        sd = sims.std(axis=0, ddof=1) if n_permutations > 1 else np.full(k, np.nan)
        diff = observed - expected
        z = np.where(sd > 0, diff / np.where(sd > 0, sd, 1), np.where(diff == 0, 0.0, np.sign(diff) * np.inf))
        percentile = (sims <= observed[None, :] + 1e-12).mean(axis=0) if n_permutations else np.full(k, np.nan)
    z = np.where(np.isnan(observed), np.nan, z)
    return pd.DataFrame(
        {"ei": observed, "ei_expected": expected, "ei_sd": sd, "ei_z": z, "ei_percentile": percentile}
    )


def external_ties(adjacency: Adjacency, groups: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Tie weight each person has inside and outside their own group (both directions).

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted directed ties.
    groups : numpy.ndarray
        Integer group code per person (``-1``: no group; all their ties count as outside).

    Returns
    -------
    inside, outside : numpy.ndarray
        Weight of ties (sent + received) with members of the person's group, and with anyone else.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csr_array([[0, 2.0, 1.0], [1.0, 0, 0], [0, 0, 0]])
    >>> [x.tolist() for x in external_ties(A, np.array([0, 0, 1]))]
    [[3.0, 3.0, 0.0], [1.0, 0.0, 1.0]]
    """
    a = check_adjacency(adjacency, func="external_ties", drop_self_ties=True)
    codes, k = check_codes(groups, a.shape[0], func="external_ties")
    sym = sp.csr_array(a + a.T)
    total = np.asarray(sym.sum(axis=1)).ravel()
    g = membership(codes, k)
    inside = np.asarray((sym @ g).multiply(g).sum(axis=1)).ravel()
    return inside, total - inside


def below_share_test(external: npt.ArrayLike, total: npt.ArrayLike, p0: float) -> tuple[FloatArray, FloatArray]:
    """One-sided binomial test that a group's outside share is below ``p0``.

    ``P(X <= E)`` for ``X ~ Binomial(E + I, p0)``, written with the regularised incomplete beta
    function ``I_{1-p0}(n - E, E + 1)`` so that fractional tie weights (an e-mail split over its
    recipients) need no rounding. The z-score is the normal quantile of that p-value.

    Parameters
    ----------
    external : numpy.ndarray
        Outside tie weight per group (``E``).
    total : numpy.ndarray
        All tie weight per group (``E + I``).
    p0 : float
        The share to test against (the typical group's), in (0, 1).

    Returns
    -------
    p_value, z : numpy.ndarray
        Per group; p = 1 and z = +inf where the group has no tie weight or all of it outside.

    Examples
    --------
    No outside tie in 30 units of weight against a typical 26%: ``0.74 ** 30``.

    >>> p, z = below_share_test(np.array([0.0, 5.0]), np.array([30.0, 20.0]), 0.26)
    >>> round(float(p[0]), 6), round(float(z[0]), 2), bool(z[1] > -3)
    (0.000119, -3.67, True)
    """
    e = np.asarray(external)
    e = check_values(e, e.size, func="below_share_test", name="external", per="group")
    n = check_values(total, len(e), func="below_share_test", name="total", per="group")
    if not 0 < p0 < 1:
        raise ValueError(f"below_share_test: p0 must be in (0, 1); got {p0}")
    ok = (n > 0) & (e < n)
    p = np.ones(len(e))
    p[ok] = betainc(n[ok] - e[ok], e[ok] + 1.0, 1.0 - p0)
    p = np.clip(p, 0.0, 1.0)
    with np.errstate(divide="ignore"):
        z = np.where(ok, norm.ppf(np.maximum(p, 1e-300)), np.inf)
    return p, z


def _fmt_pct(x: float) -> str:
    return "n/a" if not np.isfinite(x) else f"{100 * x:.0f}%"


def silo_report(
    adjacency: Adjacency,
    groups: npt.ArrayLike,
    *,
    labels: npt.ArrayLike | None = None,
    ids: npt.ArrayLike | None = None,
    n_permutations: int = 200,
    seed: int = 0,
    z_max: float = -3.0,
    outlier_z: float | None = None,
    bridge_share: float = 0.8,
    island_share: float = 0.05,
    min_size: int = 2,
    share_of_median: float = 0.25,
    test_z: float = 3.0,
) -> pd.DataFrame:
    """Silo indicators per group, the bridges carrying its outside ties, and ``is_silo``.

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted directed ties.
    groups : numpy.ndarray
        Integer group code per person (``-1`` = no group).
    labels : sequence of str, optional
        Group names by code (default: the codes as text).
    ids : sequence of str, optional
        Person ids by node (default: node codes as text), used to name bridges.
    n_permutations, seed : int
        Permutation baseline (:func:`ei_permutation_baseline`).
    z_max : float
        Where groups cannot be told apart (see the module docstring), a silo's E-I z-score
        against the baseline is at most this (default -3).
    outlier_z : float, optional
        If given, a silo's outside share (logit) must also be at least this many robust
        z-scores below the median group's (default None: not required; the column
        ``external_share_z`` is reported either way).
    island_share : float
        Where groups cannot be told apart (see the module docstring), a group whose outside
        share is at most this (default 0.05: fewer than 1 in 20 of its ties) is closed.
    share_of_median : float
        A silo's outside share is at most this fraction of the median group's (0.25).
    test_z : float
        A silo's outside weight is below the median group's share beyond chance: one-sided
        binomial p-value at most ``Phi(-test_z)`` (3: p <= 0.00135), see :func:`below_share_test`.
    bridge_share : float
        Bridges are the fewest members who together carry this share of the group's outside
        tie weight (default 0.8); the group is ``fragile`` when one person does.
    min_size : int
        Groups smaller than this are never flagged (default 2: one person is not a group).

    Returns
    -------
    pandas.DataFrame
        One row per group code: ``group``, ``size``, ``internal``, ``external`` (tie weight),
        the columns of :func:`ei_permutation_baseline`, ``external_share`` (``E / (E + I)``),
        ``external_share_z`` (its robust z among groups), ``typical_external_share`` (the
        median group's), ``share_test_z`` and ``share_test_p`` (the binomial test against it),
        ``org_external_share`` (pooled over groups), ``members_outside``
        (members with any outside tie), ``share_members_outside``, ``bridges`` (list of ids,
        largest carrier first), ``n_bridges``, ``fragile``, ``is_silo`` and ``reason``.

    Examples
    --------
    Three teams of four; B and C work together, A is joined to B by one tie from person 3:

    >>> import scipy.sparse as sp
    >>> A = np.kron(np.eye(3), np.ones((4, 4))) - np.eye(12)
    >>> A[4:, 4:] += (A[4:, 4:] == 0) * 0.5 - np.eye(8) * 0.5
    >>> A[3, 4] = 1
    >>> report = silo_report(sp.csr_array(A), np.repeat([0, 1, 2], 4), labels=["A", "B", "C"])
    >>> report[["group", "is_silo", "bridges", "fragile"]].to_dict("records")
    [{'group': 'A', 'is_silo': True, 'bridges': ['3'], 'fragile': True}, \
{'group': 'B', 'is_silo': False, ...}, {'group': 'C', 'is_silo': False, ...}]
    >>> print(report.loc[0, "reason"])
    silo: 8% of its tie weight crosses the boundary (1 of 13) vs 57% for the typical group (silo: at most 14%; binomial z -3.4) and 49% for the organisation; E-I -0.85 vs 0.70 expected at random (z -14.5); 1 of 4 members have an outside tie; 1 person carries 100% of outside ties (3): fragile
    """
    a = check_adjacency(adjacency, func="silo_report", drop_self_ties=True)
    codes, k = check_codes(groups, a.shape[0], func="silo_report")
    n = a.shape[0]
    names = [str(g) for g in range(k)] if labels is None else [str(x) for x in np.asarray(labels, dtype=object).tolist()]
    k = max(k, len(names))
    ids_arr = check_ids(ids, n, func="silo_report")
    internal, external = group_ties(a, codes, k)
    base = _baseline(a, codes, k, internal, external, n_permutations=n_permutations, seed=seed)
    if len(base) < k:
        base = base.reindex(range(k))
    size = np.bincount(codes[codes >= 0], minlength=k)
    # The organisation's share is pooled over groups the way each group's is measured (a tie
    # between two groups is outside weight for both), so a group of average openness sits at it.
    pooled = float((internal + external).sum())
    org_share = float(external.sum()) / pooled if pooled > 0 else np.nan
    with np.errstate(invalid="ignore", divide="ignore"):
        ext_share = np.where(internal + external > 0, external / (internal + external), np.nan)

    inside_w, outside_w = external_ties(a, codes)
    member = codes >= 0
    has_out = member & (outside_w > 0)
    members_out = np.bincount(codes[has_out], minlength=k)

    # Bridges: within each group, members by outside weight (largest first) until they carry
    # bridge_share of it. One sort over everyone; a group-by cumulative sum, no loop over people.
    carriers = pd.DataFrame({"group": codes[has_out], "w": outside_w[has_out], "id": ids_arr[has_out]})
    carriers = carriers.sort_values(["group", "w", "id"], ascending=[True, False, True], kind="stable")
    group_total = carriers.groupby("group")["w"].transform("sum")
    before = (carriers.groupby("group")["w"].cumsum() - carriers["w"]) / group_total
    chosen = carriers[before < bridge_share - 1e-12]
    carried = chosen.groupby("group")["w"].sum() / carriers.groupby("group")["w"].sum()
    # One list per group, cut from the sorted column (no Python aggregation per group).
    n_bridges = np.bincount(chosen["group"].to_numpy(np.int64), minlength=k)[:k]
    chosen_ids = chosen["id"].to_numpy(dtype=object).tolist()
    ends = np.cumsum(n_bridges).tolist()
    bridges = [chosen_ids[end - count:end] for end, count in zip(ends, n_bridges.tolist(), strict=True)]
    carried_share = np.full(k, np.nan)
    carried_share[carried.index.to_numpy(np.int64)] = carried.to_numpy(dtype=float)
    fragile = (n_bridges == 1) & (external > 0)

    ei_z = base["ei_z"].to_numpy()
    total = internal + external
    has_ties = total > 0
    ranked = has_ties & (size >= min_size)
    typical = float(np.median(ext_share[ranked])) if ranked.any() else np.nan
    share = np.nan_to_num(ext_share, nan=np.inf)
    share_z = np.zeros(k)
    if ranked.sum() >= 3:
        clipped = np.clip(ext_share[ranked], 1e-3, 1 - 1e-3)
        share_z[ranked] = modified_z(np.log(clipped / (1 - clipped)))
    # Groups can be told apart from the typical one only when there are several with ties and
    # the typical group has some outside weight; otherwise (or when almost nothing crosses any
    # boundary) each closed group is an island.
    degenerate = ranked.sum() < 3 or not typical > 0 or not typical < 1 or np.nan_to_num(org_share) <= island_share
    test_p, test_zs = np.ones(k), np.full(k, np.inf)
    if degenerate:
        below_chance = np.nan_to_num(ei_z, nan=np.inf) <= z_max
        closed = (share <= island_share + 1e-12) & below_chance
    else:
        test_p, test_zs = below_share_test(external, total, typical)
        closed = (share <= share_of_median * typical + 1e-12) & (test_p <= norm.cdf(-test_z))
        if outlier_z is not None:
            closed &= share_z <= -outlier_z
    is_silo = ranked & closed

    reasons = []
    base_ei, base_expected, base_z = (base[c].to_numpy() for c in ("ei", "ei_expected", "ei_z"))
    for g in range(k):
        if not has_ties[g]:
            reasons.append(f"not a silo: its {size[g]} members have no ties")
            continue
        if degenerate:
            crossing = (f"{_fmt_pct(ext_share[g])} of its tie weight crosses the boundary vs {_fmt_pct(org_share)} for "
                        f"the organisation (groups cannot be ranked: islands at most {_fmt_pct(island_share)})")
        else:
            crossing = (f"{_fmt_pct(ext_share[g])} of its tie weight crosses the boundary ({external[g]:.4g} of {total[g]:.4g})"
                        f" vs {_fmt_pct(typical)} for the typical group (silo: at most {_fmt_pct(share_of_median * typical)};"
                        f" binomial z {test_zs[g]:.1f}) and {_fmt_pct(org_share)} for the organisation")
        parts = [
            crossing,
            f"E-I {base_ei[g]:.2f} vs {base_expected[g]:.2f} expected at random (z {base_z[g]:.1f})",
            f"{members_out[g]} of {size[g]} members have an outside tie",
        ]
        if n_bridges[g]:
            who = ", ".join(bridges[g][:5]) + (", ..." if n_bridges[g] > 5 else "")
            people = "1 person carries" if n_bridges[g] == 1 else f"{n_bridges[g]} people carry"
            parts.append(f"{people} {_fmt_pct(carried_share[g])} of outside ties ({who})" + (": fragile" if fragile[g] else ""))
        verdict = "silo" if is_silo[g] else "not a silo"
        if not is_silo[g] and size[g] < min_size:
            verdict += f" (fewer than {min_size} members)"
        reasons.append(f"{verdict}: " + "; ".join(parts))

    frame = pd.DataFrame(
        {
            "group": names[:k] + [str(g) for g in range(len(names), k)],
            "size": size,
            "internal": internal,
            "external": external,
        }
    )
    for col in base.columns:
        frame[col] = base[col].to_numpy()
    frame["external_share"] = ext_share
    frame["external_share_z"] = share_z
    frame["typical_external_share"] = typical
    frame["share_test_z"] = test_zs
    frame["share_test_p"] = test_p
    frame["org_external_share"] = org_share
    frame["members_outside"] = members_out
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["share_members_outside"] = np.where(size > 0, members_out / np.maximum(size, 1), np.nan)
    frame["bridges"] = bridges
    frame["n_bridges"] = n_bridges
    frame["fragile"] = fragile
    frame["is_silo"] = is_silo
    frame["reason"] = reasons
    return frame
