"""Silos: the vectorised permutation baseline against a loop, the rule on clear-cut cases."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from orgnet.metrics.groups import ei_index, group_ties
from orgnet.metrics.silos import _ei_of_labelings, ei_permutation_baseline, external_ties, silo_report


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


def test_islands_are_all_silos():
    # Four towns, no tie between them: each is a silo, whatever the organisation's share.
    blocks = [np.ones((s, s)) - np.eye(s) for s in (6, 5, 4, 3)]
    a = sp.csr_array(sp.block_diag(blocks))
    codes = np.repeat(np.arange(4), [6, 5, 4, 3])
    report = silo_report(a, codes)
    assert report["is_silo"].all()
    assert (report["ei"] == -1).all()
    assert (report["n_bridges"] == 0).all()
    assert all("silo:" in r and "0%" in r for r in report["reason"])


def test_one_closed_group_among_open_ones():
    rng = np.random.default_rng(4)
    n = 60
    codes = np.repeat(np.arange(4), 15)
    dense = (rng.random((n, n)) < 0.15).astype(float)  # everyone talks across groups
    closed = codes == 0
    dense[np.ix_(closed, ~closed)] = 0
    dense[np.ix_(~closed, closed)] = 0
    dense[np.ix_(closed, closed)] = (rng.random((15, 15)) < 0.6)
    dense[0, 20] = 1  # one bridge
    np.fill_diagonal(dense, 0)
    report = silo_report(sp.csr_array(dense), codes, labels=list("ABCD"), ids=[f"p{i}" for i in range(n)])
    assert report["is_silo"].tolist() == [True, False, False, False]
    assert report.loc[0, "bridges"] == ["p0"] and report.loc[0, "fragile"]
    assert report.loc[0, "members_outside"] == 1
    assert "1 of 15 members have an outside tie" in report.loc[0, "reason"]
    assert all(report["reason"].str.contains(r"\d"))


def test_external_ties_by_hand():
    a = sp.csr_array([[0, 2.0, 1.0, 0], [1.0, 0, 0, 3.0], [0, 0, 0, 0], [0, 0, 1.0, 0]])
    inside, outside = external_ties(a, np.array([0, 0, 1, -1]))
    assert inside.tolist() == [3.0, 3.0, 0.0, 0.0]
    assert outside.tolist() == [1.0, 3.0, 2.0, 4.0]


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**31 - 1), st.randoms(use_true_random=False))
def test_relabelling_people_keeps_group_results(seed, rnd):
    rng = np.random.default_rng(seed)
    n = 18
    dense = _random_graph(rng, n)
    codes = rng.integers(0, 3, size=n)
    ids = np.array([f"p{i}" for i in range(n)])
    perm = np.arange(n)
    rnd.shuffle(perm)
    one = silo_report(sp.csr_array(dense), codes, ids=ids, n_permutations=20)
    two = silo_report(sp.csr_array(dense[np.ix_(perm, perm)]), codes[perm], ids=ids[perm], n_permutations=20)
    for col in ("size", "internal", "external", "ei", "external_share", "members_outside", "n_bridges"):
        np.testing.assert_allclose(one[col].to_numpy(float), two[col].to_numpy(float), equal_nan=True)
    assert [sorted(b) for b in one["bridges"]] == [sorted(b) for b in two["bridges"]]


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


def _departments(rng, sizes, closed, ties_per_person=6, outside=0.3):
    """Groups whose members spend ``outside`` of their ties on other open groups, except ``closed``."""
    codes = np.repeat(np.arange(len(sizes)), sizes)
    n = len(codes)
    open_people = ~np.isin(codes, list(closed))
    rows, cols = [], []
    for i in range(n):
        share = closed.get(codes[i], outside)
        k = ties_per_person
        same = np.flatnonzero(codes == codes[i])
        other = np.flatnonzero((codes != codes[i]) & open_people)
        go_out = rng.random(k) < share
        rows += [i] * k
        cols += list(np.where(go_out, rng.choice(other, k), rng.choice(same, k)))
    a = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    a.setdiag(0)
    a.eliminate_zeros()
    return a, codes


def test_silo_rule_needs_a_clear_and_significant_gap():
    rng = np.random.default_rng(11)
    sizes = [30] * 12 + [2, 30]
    # Group 0 is closed (1% outside); group 12 has 2 members (at most 12 ties) and none outside; group
    # 13 is more inward than most (15%) but not a quarter of typical. Others do not reach in.
    a, codes = _departments(rng, sizes, closed={0: 0.01, 12: 0.0, 13: 0.15})
    report = silo_report(a, codes, n_permutations=20)
    assert report.loc[0, "is_silo"]
    assert not report.loc[13, "is_silo"]
    typical = report.loc[0, "typical_external_share"]
    assert 0.2 < typical < 0.5
    small = report.loc[12]
    # No tie outside, but 12 ties are too few to tell from a typical group by chance.
    assert small["external"] == 0 and 0 < small["internal"] <= 12
    assert not small["is_silo"] and small["share_test_z"] > -3
    assert "binomial z" in small["reason"]
    assert report.loc[~report["is_silo"], "reason"].str.startswith("not a silo").all()
