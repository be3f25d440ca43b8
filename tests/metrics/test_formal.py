"""Partition agreement by hand and against textbook values; splits and spans."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from orgnet.metrics.formal import (
    adjusted_rand_index,
    contingency_table,
    direct_reports,
    membership_spread,
    normalized_mutual_info,
)


def _nmi_by_hand(a, b):
    n = len(a)
    pa = {x: a.count(x) / n for x in set(a)}
    pb = {y: b.count(y) / n for y in set(b)}
    pab = {}
    for x, y in zip(a, b, strict=True):
        pab[(x, y)] = pab.get((x, y), 0) + 1 / n
    mi = sum(p * math.log(p / (pa[x] * pb[y])) for (x, y), p in pab.items())
    ha = -sum(p * math.log(p) for p in pa.values())
    hb = -sum(p * math.log(p) for p in pb.values())
    if ha == 0 and hb == 0:
        return 1.0
    return mi / ((ha + hb) / 2)


def _ari_by_hand(a, b):
    n = len(a)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    same_a = [a[i] == a[j] for i, j in pairs]
    same_b = [b[i] == b[j] for i, j in pairs]
    both = sum(x and y for x, y in zip(same_a, same_b, strict=True))
    ea, eb, total = sum(same_a), sum(same_b), len(pairs)
    expected = ea * eb / total
    maximum = (ea + eb) / 2
    return 1.0 if maximum == expected else (both - expected) / (maximum - expected)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 4)), min_size=2, max_size=30))
def test_nmi_and_ari_match_hand_computation(pairs):
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    assert math.isclose(normalized_mutual_info(np.array(a), np.array(b)), _nmi_by_hand(a, b), abs_tol=1e-9)
    assert math.isclose(adjusted_rand_index(np.array(a), np.array(b)), _ari_by_hand(a, b), abs_tol=1e-9)


def test_textbook_values():
    # Hubert & Arabie's ARI for {0,0,0,1,1,1} vs {0,0,1,1,2,2}: (1 - 6*4/15) / (5 - 6*4/15) ... = 0.2424
    assert round(adjusted_rand_index(np.array([0, 0, 0, 1, 1, 1]), np.array([0, 0, 1, 1, 2, 2])), 4) == 0.2424
    assert normalized_mutual_info(np.array([0, 1, 2]), np.array([5, 6, 7])) == 1.0


def test_unlabelled_people_are_left_out():
    table = contingency_table(np.array([0, 0, -1, 1]), np.array([1, 1, 1, -1]))
    assert table.toarray().tolist() == [[2]]


def test_relabelling_keeps_agreement():
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 4, 50), rng.integers(0, 5, 50)
    perm = rng.permutation(50)
    assert math.isclose(normalized_mutual_info(a, b), normalized_mutual_info(a[perm], b[perm]))
    assert math.isclose(adjusted_rand_index(a, b), adjusted_rand_index((a + 7)[perm], b[perm]))


def test_membership_spread_counts_every_part():
    dept = np.array([0] * 10 + [1] * 10)
    comm = np.array([0] * 5 + [1] * 5 + [1] * 9 + [2])
    out = membership_spread(dept, comm).set_index("code")
    assert out.loc[1, "parts"].tolist() == [1, 2] and out.loc[1, "part_sizes"].tolist() == [9, 1]
    assert out.loc[0, "largest_share"] == 0.5
    assert math.isclose(out.loc[0, "effective_parts"], 2.0)


def test_direct_reports():
    assert direct_reports(np.array([-1, 0, 0, 1, 0])).tolist() == [3, 1, 0, 0, 0]
