r"""Robust statistics the rules share: modified z-scores, medians by group, percentile ranks.

One copy of each, used by the ambassador score, the roles and the silo rule (and by the
findings that will hold those rules), so that "an outlier" or "the top 2%" means the same
everywhere.

The modified z-score (Iglewicz & Hoaglin 1993) is

.. math:: M_i = 0.6745 \, \frac{x_i - \tilde x}{\mathrm{MAD}}, \qquad
          \mathrm{MAD} = \operatorname{median}_i |x_i - \tilde x|

with :math:`\tilde x` the median; 0.6745 is the normal quantile that makes ``M`` a z-score
for normal data, and Iglewicz and Hoaglin recommend ``|M| >= 3.5`` as the outlier cut-off.
When more than half the values are equal the MAD is 0; then the score is
:math:`(x_i - \tilde x) / (1.2533\,\mathrm{MeanAD})`, the mean absolute deviation times
``sqrt(pi / 2)`` being a normal-consistent estimate of the standard deviation (as 1.4826 MAD
is), so no 0.6745 factor applies (the form IBM SPSS and most references give); when that is 0
too, every value is the median and every score 0.

References
----------
Iglewicz, B., & Hoaglin, D. C. (1993). *How to Detect and Handle Outliers*. ASQC Quality Press.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

from orgnet.metrics._check import FloatArray, IntArray

__all__ = [
    "MAD_SCALE",
    "MEAN_DEVIATION_SCALE",
    "grouped_medians",
    "grouped_modified_z",
    "modified_z",
    "percentile_rank",
    "top_share",
]

#: Normal quantile making the MAD-based score a z-score (Iglewicz & Hoaglin).
MAD_SCALE = 0.6745
#: ``sqrt(pi / 2)``: scales the mean absolute deviation to a normal-consistent standard deviation.
MEAN_DEVIATION_SCALE = 1.2533


def modified_z(values: npt.ArrayLike) -> FloatArray:
    """Modified z-score of each value against all of them (see the module docstring).

    Parameters
    ----------
    values : array of float
        At least one value.

    Returns
    -------
    numpy.ndarray
        One score per value.

    Examples
    --------
    >>> modified_z([1.0, 2.0, 3.0, 4.0, 100.0]).round(2).tolist()
    [-1.35, -0.67, 0.0, 0.67, 65.43]
    >>> modified_z([5.0, 5.0, 5.0, 9.0]).round(2).tolist()  # MAD 0: 4 / (1.2533 * mean deviation 1)
    [0.0, 0.0, 0.0, 3.19]
    >>> modified_z([2.0, 2.0]).tolist()
    [0.0, 0.0]
    """
    x = np.asarray(values, dtype=np.float64)
    med = np.median(x)
    mad = np.median(np.abs(x - med))
    if mad > 0:
        out: FloatArray = MAD_SCALE * (x - med) / mad
        return out
    sigma = np.mean(np.abs(x - med)) * MEAN_DEVIATION_SCALE  # already a standard deviation: no 0.6745
    if sigma == 0:
        return np.zeros_like(x)
    out = (x - med) / sigma
    return out


def grouped_medians(values: npt.ArrayLike, groups: npt.ArrayLike, n_groups: int) -> FloatArray:
    """``np.median`` of ``values`` within each of ``n_groups`` groups (same figures), by one sort.

    Parameters
    ----------
    values : array of float
        One value per item.
    groups : array of int
        Group code per item, in ``[0, n_groups)`` (no "none" code here: leave those items out).
    n_groups : int
        Number of groups.

    Returns
    -------
    numpy.ndarray
        Median per group; 0 for a group with no item.

    Examples
    --------
    >>> grouped_medians([3.0, 1.0, 2.0, 10.0, 20.0], [0, 0, 0, 2, 2], 3).tolist()
    [2.0, 0.0, 15.0]
    """
    x = np.asarray(values, dtype=np.float64)
    g = np.asarray(groups, dtype=np.int64)
    order = np.lexsort((x, g))
    ordered = x[order]
    counts = np.bincount(g, minlength=n_groups)
    starts = np.cumsum(counts) - counts
    present = np.flatnonzero(counts)
    lo = starts[present] + (counts[present] - 1) // 2
    hi = starts[present] + counts[present] // 2
    out = np.zeros(n_groups)
    out[present] = (ordered[lo] + ordered[hi]) / 2
    return out


def grouped_modified_z(values: npt.ArrayLike, groups: npt.ArrayLike, min_group: int) -> tuple[IntArray, FloatArray]:
    """:func:`modified_z` within each group of at least ``min_group`` members, without a loop over people.

    Parameters
    ----------
    values : array of float
        One value per person.
    groups : array of int
        Group code per person (``-1`` = none: not ranked).
    min_group : int
        Groups with fewer members are not ranked.

    Returns
    -------
    ranked : numpy.ndarray of int
        The people ranked, ascending.
    z : numpy.ndarray
        Their scores, within their own group.

    Examples
    --------
    Group 0 has an outlier; group 1 is too small to rank; person 5 has no group.

    >>> ranked, z = grouped_modified_z([1.0, 2.0, 3.0, 50.0, 7.0, 1.0], [0, 0, 0, 0, 1, -1], 3)
    >>> ranked.tolist(), z.round(2).tolist()
    ([0, 1, 2, 3], [-1.01, -0.34, 0.34, 32.04])
    """
    x_all = np.asarray(values, dtype=np.float64)
    codes = np.asarray(groups, dtype=np.int64)
    member = np.flatnonzero(codes >= 0)
    k = int(codes[member].max()) + 1 if len(member) else 0
    size = np.bincount(codes[member], minlength=k)
    ranked = member[size[codes[member]] >= min_group]
    g, x = codes[ranked], x_all[ranked]
    med = grouped_medians(x, g, k)
    deviation = np.abs(x - med[g])
    mad = grouped_medians(deviation, g, k)
    # The mean-deviation fallback, per group as np.mean sums it (few groups: half their people alike).
    for group in np.flatnonzero((mad == 0) & (np.bincount(g, minlength=k) > 0)):
        mad[group] = np.mean(deviation[g == group]) * MEAN_DEVIATION_SCALE
    scale = mad[g]
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(scale == 0, 0.0, MAD_SCALE * (x - med[g]) / np.where(scale == 0, 1.0, scale))
    return ranked.astype(np.int64, copy=False), z


def percentile_rank(values: npt.ArrayLike, *, ties: Literal["max", "average"] = "max") -> FloatArray:
    """Percentile rank in (0, 1]: the share of values at or below each one.

    Parameters
    ----------
    values : array of float
    ties : {"max", "average"}
        Tied values all get the highest rank of the tie ("max", the share at or below), or
        the average of their ranks ("average", the mid-rank).

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> percentile_rank([10.0, 20.0, 20.0, 40.0]).tolist()
    [0.25, 0.75, 0.75, 1.0]
    >>> percentile_rank([10.0, 20.0, 20.0, 40.0], ties="average").tolist()
    [0.25, 0.625, 0.625, 1.0]
    """
    x = np.asarray(values, dtype=np.float64)
    if not len(x):
        return np.zeros(0)
    ordered = np.sort(x)
    highest = np.searchsorted(ordered, x, side="right").astype(np.float64)  # rank of the tie's last value
    if ties == "average":
        highest = (np.searchsorted(ordered, x, side="left") + 1 + highest) / 2
    out: FloatArray = highest / len(x)
    return out


def top_share(values: npt.ArrayLike) -> FloatArray:
    """Rank from the top as a share: ``(1 + number of higher values) / n``; ``1/n`` for the highest.

    "Top 2%" reads ``top_share <= 0.02``; tied values share the better rank.

    Examples
    --------
    >>> top_share([10.0, 20.0, 20.0, 40.0]).tolist()
    [1.0, 0.5, 0.5, 0.25]
    """
    x = np.asarray(values, dtype=np.float64)
    if not len(x):
        return np.zeros(0)
    ordered = np.sort(-x)
    out: FloatArray = (np.searchsorted(ordered, -x, side="left") + 1) / len(x)
    return out
