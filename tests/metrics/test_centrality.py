"""Centralities agree with networkx on small graphs and do not depend on node order."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from orgnet.findings.betweenness import describe
from orgnet.metrics.centrality import betweenness, degrees, distinct_partners, pagerank, strengths


def random_digraph(n: int, p: float, seed: int) -> sp.csr_array:
    rng = np.random.default_rng(seed)
    dense = (rng.random((n, n)) < p) * rng.uniform(0.1, 5.0, (n, n))
    np.fill_diagonal(dense, 0)
    return sp.csr_array(dense)


SEEDS = range(6)


@pytest.mark.parametrize("seed", SEEDS)
def test_pagerank_matches_networkx(seed: int, nx_digraph) -> None:
    a = random_digraph(40, 0.08, seed)  # sparse enough to have dangling people
    ours = pagerank(a)
    ref = nx.pagerank(nx_digraph(a), alpha=0.85, weight="weight", tol=1e-13, max_iter=1000)
    assert np.abs(ours - np.array([ref[i] for i in range(a.shape[0])])).max() < 1e-5


@pytest.mark.parametrize("seed", SEEDS)
def test_strengths_and_degrees_match_networkx(seed: int, nx_digraph) -> None:
    a = random_digraph(30, 0.15, seed)
    g = nx_digraph(a)
    s_in, s_out = strengths(a)
    d_in, d_out = degrees(a)
    for i in range(a.shape[0]):
        assert abs(s_in[i] - g.in_degree(i, weight="weight")) < 1e-9
        assert abs(s_out[i] - g.out_degree(i, weight="weight")) < 1e-9
        assert d_in[i] == g.in_degree(i) and d_out[i] == g.out_degree(i)
    partners = distinct_partners(a)
    und = g.to_undirected()
    assert partners.tolist() == [und.degree(i) for i in range(a.shape[0])]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("weighted", [True, False])
@pytest.mark.parametrize("directed", [True, False])
def test_exact_betweenness_matches_networkx(seed: int, weighted: bool, directed: bool, nx_digraph) -> None:
    # Random weights make shortest paths unique, so floating-point ties cannot differ.
    a = random_digraph(35, 0.1, seed)
    res = betweenness(a, weighted=weighted, directed=directed)
    assert res.method == "exact" and res.weighted is weighted and res.directed is directed
    g = nx_digraph(a) if directed else nx_digraph(sp.csr_array(a + a.T)).to_undirected()
    ref = nx.betweenness_centrality(g, weight="distance" if weighted else None, normalized=True)
    assert np.abs(res.values - np.array([ref[i] for i in range(a.shape[0])])).max() < 1e-9


def test_sampled_undirected_betweenness_is_unbiased_in_scale() -> None:
    a = random_digraph(200, 0.03, 5)
    exact = betweenness(a, directed=False).values
    sampled = betweenness(a, directed=False, exact_below=50, pivots=199, seed=2).values
    # With all but one source the estimate is within a few percent of the exact values.
    assert abs(sampled.sum() / exact.sum() - 1) < 0.05


def test_sampled_betweenness_records_method_and_tracks_exact() -> None:
    a = random_digraph(300, 0.02, 3)
    exact = betweenness(a).values
    sampled = betweenness(a, exact_below=100, pivots=150, seed=1)
    assert sampled.method == "sampled" and sampled.pivots == 150
    assert "sampled" in describe(sampled) and "number of ties" in describe(sampled)
    assert "1 / tie weight" in describe(betweenness(a, exact_below=100, pivots=150, seed=1, weighted=True))
    top_exact = set(np.argsort(-exact)[:10])
    top_sampled = set(np.argsort(-sampled.values)[:10])
    assert len(top_exact & top_sampled) >= 6
    assert np.corrcoef(exact, sampled.values)[0, 1] > 0.9


@settings(max_examples=25, deadline=None)
@given(st.integers(5, 25), st.integers(0, 10_000))
def test_pagerank_and_betweenness_follow_a_relabelling(n: int, seed: int) -> None:
    a = random_digraph(n, 0.2, seed)
    perm = np.random.default_rng(seed).permutation(n)
    p = sp.csr_array(a.toarray()[np.ix_(perm, perm)])
    assert np.allclose(pagerank(p), pagerank(a)[perm], atol=1e-10)
    assert np.allclose(betweenness(p).values, betweenness(a).values[perm], atol=1e-10)


@pytest.mark.parametrize("directed", [True, False])
def test_sampled_betweenness_after_renumbering_equals_igraph_on_the_original_numbering(directed: bool) -> None:
    import igraph as ig

    from orgnet.metrics.centrality import undirected_ties

    a = random_digraph(300, 0.02, 11)
    n, k = a.shape[0], 90
    res = betweenness(a, exact_below=0, pivots=k, seed=4, directed=directed)
    coo = a.tocoo() if directed else undirected_ties(a)
    g = ig.Graph(n=n, edges=np.column_stack([coo.row, coo.col]), directed=directed)
    sources = np.sort(np.random.default_rng(4).choice(n, size=k, replace=False)).tolist()
    raw = np.asarray(g.betweenness(directed=directed, sources=sources))
    expected = (1.0 if directed else 2.0) * raw / (k * (n - 2)) * n / (n - 1)
    np.testing.assert_allclose(res.values, expected, rtol=1e-12, atol=1e-15)
