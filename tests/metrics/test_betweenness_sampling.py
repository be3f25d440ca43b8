"""Sampled betweenness: Riondato–Kornaropoulos sample size, bounds that hold, certain top brokers."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from orgnet.findings.betweenness import describe
from orgnet.metrics.centrality import BetweennessResult, betweenness, rk_sample_size


def _graph(n: int = 300, m: int = 1500, seed: int = 0) -> sp.csr_array:
    rng = np.random.default_rng(seed)
    rows, cols = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = rows != cols
    hubs = rng.integers(0, 5, m // 3)  # a few people many paths go through
    rows = np.concatenate([rows[keep], hubs, rng.integers(0, n, m // 3)])
    cols = np.concatenate([cols[keep], rng.integers(5, n, m // 3), hubs])
    a = sp.coo_array((rng.choice([1.0, 2.0, 3.0], len(rows)), (rows, cols)), shape=(n, n)).tocsr()
    a.setdiag(0)
    a.eliminate_zeros()
    return a


def test_rk_sample_size_follows_the_formula() -> None:
    assert rk_sample_size(0.1, 0.1, 20) == int(np.ceil(50 * (4 + 1 + np.log(10))))
    assert rk_sample_size(0.05, 0.1, 20) > 3.9 * rk_sample_size(0.1, 0.1, 20)
    assert rk_sample_size(0.1, 0.1, 40) == rk_sample_size(0.1, 0.1, 20) + 50
    with pytest.raises(ValueError):
        rk_sample_size(0, 0.1, 10)


@pytest.mark.parametrize(("seed", "per_person"), [(0, False), (1, False), (0, True), (2, True)])
def test_exact_values_lie_within_the_stated_bounds(seed: int, per_person: bool) -> None:
    a = _graph(seed=seed)
    exact = betweenness(a)
    sampled = betweenness(a, exact_below=0, pivots=120, seed=seed, per_person_bounds=per_person)
    assert sampled.method == "sampled" and sampled.pivots == 120
    assert sampled.lower is not None and sampled.upper is not None
    assert np.all(sampled.lower <= exact.values + 1e-12) and np.all(exact.values <= sampled.upper + 1e-12)
    assert sampled.epsilon == pytest.approx(np.max(sampled.upper - sampled.lower) / 2, rel=0.5)
    assert "±" in describe(sampled)
    other = betweenness(a, exact_below=0, pivots=120, seed=seed, per_person_bounds=not per_person)
    np.testing.assert_allclose(other.values, sampled.values, rtol=1e-9, atol=1e-15)  # same estimate


def test_pivots_from_epsilon_and_delta() -> None:
    a = _graph(n=600, m=3000)
    r = betweenness(a, exact_below=0, epsilon=0.3, delta=0.1)
    assert r.vertex_diameter is not None and r.vertex_diameter >= 3
    assert r.pivots == rk_sample_size(0.3, 0.1, r.vertex_diameter) and r.target_epsilon == 0.3
    assert betweenness(a, exact_below=0, epsilon=0.01).method == "exact"  # more pivots than people


def test_certain_top_brokers() -> None:
    exact = BetweennessResult(np.array([0.3, 0.1, 0.2, 0.0]), "exact", 4, True)
    assert exact.certain_top(2).tolist() == [True, False, True, False]
    a = _graph()
    sampled = betweenness(a, exact_below=0, pivots=250, seed=0)
    certain = sampled.certain_top(3)
    true_top = set(np.argsort(-betweenness(a).values)[:3])
    assert set(np.flatnonzero(certain)) <= true_top
