"""Silo measures: how far each group's ties stay inside, against chance and against the organisation.

For a grouping (departments or communities): Krackhardt's E-I index and the E-I index expected
when people are relabelled at random (group sizes kept: :func:`ei_permutation_baseline`), each
person's tie weight inside and outside their group (:func:`external_ties`), a one-sided binomial
test of a group's outside share against a reference share (:func:`below_share_test`) and the
fewest members who carry most of a group's outside ties (:func:`outside_carriers`). Which group
is a silo is a rule over these measures: :mod:`orgnet.findings.silos`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
from scipy.special import betainc
from scipy.stats import norm

from orgnet.metrics._check import (
    Adjacency,
    FloatArray,
    IntArray,
    check_adjacency,
    check_codes,
    check_mask,
    check_values,
)
from orgnet.metrics.groups import ei_index, group_ties, membership

__all__ = ["below_share_test", "ei_permutation_baseline", "external_ties", "outside_carriers"]

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

    Outside weight is the members' strengths towards people with a group minus twice the
    internal weight (see :func:`_internal_by_labeling`).
    """
    r, n = labelings.shape
    rows, cols, weights, degree = _ties(a)
    inside = _internal_by_labeling(rows, cols, weights, degree, np.ascontiguousarray(labelings.T), k)
    out = np.empty((r, k))
    previous = None
    for t in range(r):
        lab = labelings[t]
        member = lab >= 0
        if previous is None or not np.array_equal(member, previous):
            # Strength towards people with a group only: a tie to someone with no group is neither
            # inside nor outside (see group_ties). The grouped people are the same in every
            # shuffle of the baseline, so this runs once there.
            grouped = member.astype(np.float64)
            s_out, s_in = np.asarray(a @ grouped).ravel(), np.asarray(grouped @ a).ravel()
            previous = member
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


def outside_carriers(adjacency: Adjacency, groups: npt.ArrayLike, *, share: float = 0.8,
                     among: npt.ArrayLike | None = None) -> tuple[IntArray, IntArray, FloatArray]:
    """Per group, the fewest members who together carry ``share`` of its outside tie weight.

    Members are taken by outside weight, largest first (ties broken by node code), until they
    carry ``share`` of the group's outside weight: one sort over everyone and a group-by
    cumulative sum, no loop over groups.

    Parameters
    ----------
    adjacency : sparse matrix
        Weighted directed ties.
    groups : numpy.ndarray
        Integer group code per person (``-1``: no group).
    share : float
        Share of the outside weight the carriers hold together (0.8).
    among : numpy.ndarray of bool, optional
        Only these people can be carriers (their weight counts either way).

    Returns
    -------
    indptr : numpy.ndarray
        Group ``g``'s carriers are ``members[indptr[g]:indptr[g + 1]]``.
    members : numpy.ndarray
        Node codes, largest carrier first within each group.
    carried : numpy.ndarray
        Per group, the share of its outside weight they carry (NaN: no outside weight).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csr_array([[0, 1.0, 3.0, 0], [1.0, 0, 0, 1.0], [0, 0, 0, 1.0], [0, 0, 0, 0]])
    >>> indptr, members, carried = outside_carriers(A, np.array([0, 0, 1, 1]))
    >>> members[indptr[0]:indptr[1]].tolist(), carried.round(2).tolist()
    ([0, 1], [1.0, 1.0])
    """
    a = check_adjacency(adjacency, func="outside_carriers", drop_self_ties=True)
    codes, k = check_codes(groups, a.shape[0], func="outside_carriers")
    _, outside_w = external_ties(a, codes)
    has_out = (codes >= 0) & (outside_w > 0)
    group_total = np.bincount(codes[has_out], weights=outside_w[has_out], minlength=k)
    can = has_out if among is None else has_out & check_mask(among, a.shape[0], func="outside_carriers", name="among")
    people = np.flatnonzero(can)
    order = np.lexsort((people, -outside_w[people], codes[people]))
    people = people[order]
    g, w = codes[people], outside_w[people]
    cumulative = np.cumsum(w)
    starts = np.searchsorted(g, np.arange(k))
    before_group = np.concatenate([[0.0], cumulative])[starts]
    with np.errstate(invalid="ignore", divide="ignore"):
        before = (cumulative - w - before_group[g]) / group_total[g]
    chosen = before < share - 1e-12
    members = people[chosen]
    counts = np.bincount(g[chosen], minlength=k)
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    carried_w = np.bincount(g[chosen], weights=w[chosen], minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        carried = np.where(group_total > 0, carried_w / group_total, np.nan)
    return indptr, members.astype(np.int64), carried
