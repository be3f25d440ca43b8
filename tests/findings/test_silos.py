"""The silo rule on hand-built organisations: islands, one closed group among open ones, the gap it needs."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from orgnet.findings.rules import SiloRules
from orgnet.findings.silos import silo_table


def silo_report(a, codes, n_permutations=200):  # type: ignore[no-untyped-def]
    return silo_table(a, codes, kind="department", rules=SiloRules(permutations=n_permutations))


def _random_graph(rng, n):  # type: ignore[no-untyped-def]
    dense = (rng.random((n, n)) < 0.3) * rng.integers(1, 4, size=(n, n)).astype(float)
    np.fill_diagonal(dense, 0)
    return dense


def test_islands_are_all_silos():
    # Four towns, no tie between them: each is a silo, whatever the organisation's share.
    blocks = [np.ones((s, s)) - np.eye(s) for s in (6, 5, 4, 3)]
    a = sp.csr_array(sp.block_diag(blocks))
    codes = np.repeat(np.arange(4), [6, 5, 4, 3])
    report = silo_report(a, codes)
    assert report["is_silo"].all()
    assert (report["ei"] == -1).all()
    assert (report["n_bridges"] == 0).all()
    assert (report["rule"] == "island").all() and (report["external_share"] == 0).all()


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
    report = silo_report(sp.csr_array(dense), codes)
    assert report["is_silo"].tolist() == [True, False, False, False]
    assert report.loc[0, "bridges"].tolist() == [0] and report.loc[0, "fragile"]
    assert report.loc[0, "members_outside"] == 1


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**31 - 1), st.randoms(use_true_random=False))
def test_relabelling_people_keeps_group_results(seed, rnd):
    rng = np.random.default_rng(seed)
    n = 18
    dense = _random_graph(rng, n)
    codes = rng.integers(0, 3, size=n)
    perm = np.arange(n)
    rnd.shuffle(perm)
    one = silo_report(sp.csr_array(dense), codes, n_permutations=20)
    two = silo_report(sp.csr_array(dense[np.ix_(perm, perm)]), codes[perm], n_permutations=20)
    for col in ("size", "internal", "external", "ei", "external_share", "members_outside", "n_bridges", "is_silo"):
        np.testing.assert_allclose(one[col].to_numpy(float), two[col].to_numpy(float), equal_nan=True)
    # Bridges are the same people up to ties in outside weight (broken by node code).
    np.testing.assert_allclose(one["carried_share"].to_numpy(float), two["carried_share"].to_numpy(float),
                               equal_nan=True)


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
