"""Brokerage metrics against networkx and brute force on small random graphs."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from orgnet.metrics.brokerage import (
    BROKERAGE_ROLES,
    burt_constraint,
    effective_size,
    gould_fernandez,
    groups_reached,
    participation_coefficient,
)


@st.composite
def weighted_digraphs(draw, max_n: int = 9, max_groups: int = 3):
    n = draw(st.integers(2, max_n))
    density = draw(st.floats(0.1, 0.8))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    dense = (rng.random((n, n)) < density) * rng.integers(1, 5, size=(n, n)).astype(float)
    np.fill_diagonal(dense, 0)
    groups = rng.integers(-1 if draw(st.booleans()) else 0, max_groups, size=n)
    return dense, groups


@settings(max_examples=60, deadline=None)
@given(weighted_digraphs())
def test_constraint_matches_networkx(nx_digraph, nx_per_person, case):
    dense, _ = case
    ours = burt_constraint(sp.csr_array(dense))
    np.testing.assert_allclose(ours, nx_per_person(sp.csr_array(dense), nx.constraint), rtol=1e-9, atol=1e-12,
                               equal_nan=True)
    # networkx's sparse shortcut (all nodes at once) agrees too.
    shortcut = nx.constraint(nx_digraph(sp.csr_array(dense)), weight="weight")
    np.testing.assert_allclose(ours, [shortcut[v] for v in range(len(dense))], rtol=1e-9, atol=1e-12, equal_nan=True)


@settings(max_examples=60, deadline=None)
@given(weighted_digraphs())
def test_effective_size_matches_networkx(nx_per_person, case):
    # Compared with networkx's per-node definition. Its all-nodes sparse shortcut (networkx
    # 3.6) divides column j by row j's maximum (broadcast over the wrong axis) and disagrees
    # with its own definition on weighted graphs, so it is not the reference here.
    dense, _ = case
    ours = effective_size(sp.csr_array(dense))
    np.testing.assert_allclose(ours, nx_per_person(sp.csr_array(dense), nx.effective_size), rtol=1e-9, atol=1e-12,
                               equal_nan=True)


def test_effective_size_unweighted_is_borgatti():
    # Borgatti's simplification for unweighted undirected ties: n - 2t/n.
    g = nx.les_miserables_graph()
    g = nx.convert_node_labels_to_integers(g)
    a = nx.to_scipy_sparse_array(g, weight=None, format="csr")
    ours = effective_size(sp.triu(a, format="csr"))
    reference = nx.effective_size(g)
    np.testing.assert_allclose(ours, [reference[v] for v in range(len(g))], rtol=1e-9)


def test_structural_holes_on_blocked_rows():
    # Larger than one row block: the blockwise masked product must agree with the dense one.
    import orgnet.metrics.brokerage as brokerage

    rng = np.random.default_rng(3)
    dense = (rng.random((40, 40)) < 0.2) * rng.random((40, 40))
    np.fill_diagonal(dense, 0)
    full_c, full_e = burt_constraint(sp.csr_array(dense)), effective_size(sp.csr_array(dense))
    old = brokerage._BLOCK
    brokerage._BLOCK = 7
    try:
        np.testing.assert_allclose(burt_constraint(sp.csr_array(dense)), full_c)
        np.testing.assert_allclose(effective_size(sp.csr_array(dense)), full_e)
    finally:
        brokerage._BLOCK = old


def test_constraint_triangle_chunks_agree(nx_per_person):
    # Triangles listed a few two-paths at a time must give what one pass gives, and networkx's figures.
    import orgnet.metrics.brokerage as brokerage

    rng = np.random.default_rng(11)
    dense = (rng.random((60, 60)) < 0.15) * rng.integers(1, 4, size=(60, 60)).astype(float)
    dense[:, 0] = dense[0, :] = 1.0  # a hub: many ties, few of them to people of higher degree
    np.fill_diagonal(dense, 0)
    full = burt_constraint(sp.csr_array(dense))
    old = brokerage._WEDGES
    brokerage._WEDGES = 5
    try:
        np.testing.assert_allclose(burt_constraint(sp.csr_array(dense)), full, rtol=1e-12)
    finally:
        brokerage._WEDGES = old
    np.testing.assert_allclose(full, nx_per_person(sp.csr_array(dense), nx.constraint), rtol=1e-9, atol=1e-12,
                               equal_nan=True)


def _brute_force_brokerage(dense: np.ndarray, groups: np.ndarray, open_only: bool) -> np.ndarray:
    n = len(dense)
    counts = np.zeros((n, len(BROKERAGE_ROLES)), dtype=int)
    tie = dense > 0
    for a, b, c in itertools.product(range(n), repeat=3):
        if len({a, b, c}) < 3 or not (tie[a, b] and tie[b, c]):
            continue
        if open_only and tie[a, c]:
            continue
        ga, gb, gc = groups[a], groups[b], groups[c]
        if min(ga, gb, gc) < 0:
            continue
        if ga == gb == gc:
            role = "coordinator"
        elif ga == gc:
            role = "itinerant"
        elif gb == gc:
            role = "gatekeeper"
        elif ga == gb:
            role = "representative"
        else:
            role = "liaison"
        counts[b, BROKERAGE_ROLES.index(role)] += 1
    return counts


@settings(max_examples=80, deadline=None)
@given(weighted_digraphs(max_n=10, max_groups=4), st.booleans())
def test_gould_fernandez_matches_brute_force(case, open_only):
    dense, groups = case
    ours = gould_fernandez(sp.csr_array(dense), groups, open_only=open_only)
    expected = _brute_force_brokerage(dense, groups, open_only)
    np.testing.assert_array_equal(ours[list(BROKERAGE_ROLES)].to_numpy(), expected)
    np.testing.assert_array_equal(ours["total"].to_numpy(), expected.sum(axis=1))


def test_gould_fernandez_blocked_rows_agree():
    import orgnet.metrics.brokerage as brokerage

    rng = np.random.default_rng(5)
    dense = (rng.random((30, 30)) < 0.25).astype(float)
    np.fill_diagonal(dense, 0)
    groups = rng.integers(0, 4, size=30)
    old = brokerage._BLOCK
    brokerage._BLOCK = 4
    try:
        ours = gould_fernandez(sp.csr_array(dense), groups)
    finally:
        brokerage._BLOCK = old
    np.testing.assert_array_equal(ours[list(BROKERAGE_ROLES)].to_numpy(), _brute_force_brokerage(dense, groups, True))


def _participation_reference(dense: np.ndarray, groups: np.ndarray) -> np.ndarray:
    sym = dense + dense.T
    out = np.zeros(len(dense))
    for i in range(len(dense)):
        per_group = {}
        for j in range(len(dense)):
            if sym[i, j] > 0 and groups[j] >= 0:
                per_group[groups[j]] = per_group.get(groups[j], 0.0) + sym[i, j]
        total = sum(per_group.values())
        if total > 0:
            out[i] = 1 - sum((x / total) ** 2 for x in per_group.values())
    return out


@settings(max_examples=60, deadline=None)
@given(weighted_digraphs(max_groups=4))
def test_participation_and_groups_reached_by_hand(case):
    dense, groups = case
    a = sp.csr_array(dense)
    np.testing.assert_allclose(participation_coefficient(a, groups), _participation_reference(dense, groups), atol=1e-12)
    sym = (dense + dense.T) > 0
    expected = [
        len({groups[j] for j in np.flatnonzero(sym[i]) if groups[j] >= 0 and groups[j] != groups[i]})
        for i in range(len(dense))
    ]
    assert groups_reached(a, groups).tolist() == expected


@settings(max_examples=40, deadline=None)
@given(weighted_digraphs(max_groups=3), st.randoms(use_true_random=False))
def test_relabelling_people_permutes_outputs(case, rnd):
    dense, groups = case
    n = len(dense)
    perm = np.arange(n)
    rnd.shuffle(perm)  # new position i holds old person perm[i]
    moved = dense[np.ix_(perm, perm)]
    a, b = sp.csr_array(dense), sp.csr_array(moved)
    np.testing.assert_allclose(burt_constraint(b), burt_constraint(a)[perm], equal_nan=True)
    np.testing.assert_allclose(effective_size(b), effective_size(a)[perm], equal_nan=True)
    np.testing.assert_allclose(participation_coefficient(b, groups[perm]), participation_coefficient(a, groups)[perm])
    np.testing.assert_array_equal(
        gould_fernandez(b, groups[perm]).to_numpy(), gould_fernandez(a, groups).to_numpy()[perm]
    )


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="square"):
        burt_constraint(sp.csr_array(np.ones((2, 3))))
    with pytest.raises(ValueError, match="one code per person"):
        gould_fernandez(sp.csr_array(np.ones((3, 3))), np.array([0, 1]))
    with pytest.raises(ValueError, match="integer codes"):
        participation_coefficient(sp.csr_array(np.ones((2, 2))), np.array([0.5, 1.0]))


def test_empty_graph():
    empty = sp.csr_array((0, 0))
    assert burt_constraint(empty).shape == (0,)
    assert len(gould_fernandez(empty, np.zeros(0, dtype=int))) == 0


def test_gould_fernandez_for_some_brokers_equals_everyone():
    # The counts of the brokers asked for, computed from their rows only, equal the full counts,
    # in the order asked for (a broker asked for twice is counted once, listed twice).
    rng = np.random.default_rng(9)
    dense = (rng.random((40, 40)) < 0.2).astype(float)
    np.fill_diagonal(dense, 0)
    groups = rng.integers(-1, 4, size=40)
    rows = np.array([39, 0, 3, 7, 8, 21, 3])
    full = gould_fernandez(sp.csr_array(dense), groups)
    some = gould_fernandez(sp.csr_array(dense), groups, brokers=rows)
    assert some.index.tolist() == rows.tolist()
    np.testing.assert_array_equal(some.to_numpy(), full.loc[rows].to_numpy())
    np.testing.assert_array_equal(full[list(BROKERAGE_ROLES)].to_numpy(), _brute_force_brokerage(dense, groups, True))


def test_group_spread_matches_a_loop():
    from orgnet.metrics.brokerage import group_spread

    rng = np.random.default_rng(5)
    n = 25
    dense = (rng.random((n, n)) < 0.2) * rng.integers(1, 5, size=(n, n)).astype(float)
    np.fill_diagonal(dense, 0)
    groups = rng.integers(-1, 4, size=n)
    share, others = group_spread(sp.csr_array(dense), groups)
    sym = dense + dense.T
    for i in range(n):
        weight = {}
        for j in range(n):
            if sym[i, j] and groups[j] >= 0:
                weight[groups[j]] = weight.get(groups[j], 0.0) + sym[i, j]
        total = sum(weight.values())
        out = {g: w for g, w in weight.items() if g != groups[i]}
        e = sum(out.values())
        assert share[i] == pytest.approx(e / total if total else 0.0)
        assert others[i] == pytest.approx(e**2 / sum(w * w for w in out.values()) if out else 0.0)
