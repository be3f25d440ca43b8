"""Silos: the vectorised permutation baseline against a loop, the rule on clear-cut cases."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from orgnet.metrics.groups import ei_index, group_ties
from orgnet.metrics.silos import _ei_of_labelings, ei_permutation_baseline, external_ties, outside_carriers


def _random_graph(rng, n, density=0.3):
    dense = (rng.random((n, n)) < density) * rng.integers(1, 4, size=(n, n)).astype(float)
    np.fill_diagonal(dense, 0)
    return dense


def test_stacked_labelings_match_group_ties_one_by_one():
    rng = np.random.default_rng(0)
    dense = _random_graph(rng, 15)
    a = sp.csr_array(dense)
    labelings = rng.integers(-1, 4, size=(7, 15))
    stacked = _ei_of_labelings(a, labelings, 4)
    for r in range(7):
        np.testing.assert_allclose(stacked[r], ei_index(*group_ties(a, labelings[r], 4)), equal_nan=True)


def test_baseline_mean_matches_exact_expectation_of_internal_weight():
    # Under a uniform relabelling the internal weight of a group has a closed-form mean:
    # each tie between grouped people lands inside group g with probability s(s-1) / (m(m-1)).
    rng = np.random.default_rng(1)
    n, sizes = 30, [10, 12, 8]
    codes = np.repeat(np.arange(3), sizes)
    dense = _random_graph(rng, n)
    a = sp.csr_array(dense)
    rng2 = np.random.default_rng(7)
    shuffles = np.array([rng2.permutation(codes) for _ in range(4000)])
    # The stacked machinery gives the simulated internal weight.
    r = len(shuffles)
    cols = (np.arange(r)[:, None] * 3 + shuffles).ravel()
    g = sp.csr_array((np.ones(r * n), (np.tile(np.arange(n), r), cols)), shape=(n, 3 * r))
    sim_inside = np.asarray((a @ g).multiply(g).sum(axis=0)).ravel().reshape(r, 3)
    m = n
    exact = dense.sum() * np.array([s * (s - 1) for s in sizes]) / (m * (m - 1))
    np.testing.assert_allclose(sim_inside.mean(axis=0), exact, rtol=0.03)


def test_baseline_is_seeded():
    rng = np.random.default_rng(2)
    a = sp.csr_array(_random_graph(rng, 20))
    codes = rng.integers(0, 3, size=20)
    one = ei_permutation_baseline(a, codes, n_permutations=50, seed=3)
    two = ei_permutation_baseline(a, codes, n_permutations=50, seed=3)
    assert one.equals(two)
    # Chunked and unchunked runs see the same shuffles.
    import orgnet.metrics.silos as silos

    old = silos._CHUNK_ENTRIES
    silos._CHUNK_ENTRIES = 1
    try:
        three = ei_permutation_baseline(a, codes, n_permutations=50, seed=3)
    finally:
        silos._CHUNK_ENTRIES = old
    np.testing.assert_allclose(three.to_numpy(), one.to_numpy(), equal_nan=True)


def test_external_ties_by_hand():
    a = sp.csr_array([[0, 2.0, 1.0, 0], [1.0, 0, 0, 3.0], [0, 0, 0, 0], [0, 0, 1.0, 0]])
    inside, outside = external_ties(a, np.array([0, 0, 1, -1]))
    assert inside.tolist() == [3.0, 3.0, 0.0, 0.0]
    assert outside.tolist() == [1.0, 3.0, 2.0, 4.0]


def test_below_share_test_is_the_binomial_tail():
    from scipy.stats import binom

    from orgnet.metrics.silos import below_share_test

    e = np.array([0, 1, 3, 7, 10, 20])
    n = np.array([10, 10, 40, 40, 30, 20])
    p, z = below_share_test(e, n, 0.3)
    np.testing.assert_allclose(p[:5], binom.cdf(e[:5], n[:5], 0.3), rtol=1e-10)
    assert p[5] == 1.0 and z[5] == np.inf  # everything outside
    # Fractional weights (e-mails split over recipients) give values between whole counts.
    mid, _ = below_share_test(np.array([1.5]), np.array([10.0]), 0.3)
    assert binom.cdf(1, 10, 0.3) < mid[0] < binom.cdf(2, 10, 0.3)


def test_outside_carriers_are_the_fewest_carrying_the_share():
    # Group 0: person 0 carries 3 of the 4 units going outside, person 1 the last one.
    a = sp.csr_array([[0, 1.0, 3.0, 0], [1.0, 0, 0, 1.0], [0, 0, 0, 1.0], [0, 0, 0, 0]])
    indptr, members, carried = outside_carriers(a, np.array([0, 0, 1, 1]), share=0.5)
    assert members[indptr[0]:indptr[1]].tolist() == [0] and carried[0] == pytest.approx(0.75)
    indptr, members, carried = outside_carriers(a, np.array([0, 0, 1, 1]), share=0.8)
    assert members[indptr[0]:indptr[1]].tolist() == [0, 1] and carried[0] == pytest.approx(1.0)
    indptr, members, _ = outside_carriers(a, np.array([0, 0, 1, 1]), among=np.array([False, True, True, True]))
    assert members[indptr[0]:indptr[1]].tolist() == [1]
