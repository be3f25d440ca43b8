"""KADABRA betweenness (NetworKit): orgnet's normalisation, a guarantee that holds, same seed same values."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from orgnet.findings.betweenness import describe
from orgnet.metrics.centrality import betweenness, undirected_ties
from orgnet.metrics.kadabra import kadabra_betweenness

pytest.importorskip("networkit", reason="networkit is a dependency of orgnet; this environment lacks it")


def _graph(n: int, seed: int) -> sp.csr_array:
    # Scattered ties plus a few hubs many paths go through: skewed betweenness, as in organisations.
    rng = np.random.default_rng(seed)
    m = 4 * n
    rows, cols = rng.integers(0, n, m), rng.integers(0, n, m)
    hubs = rng.integers(0, 6, n)
    rows = np.concatenate([rows, hubs, np.arange(n)])
    cols = np.concatenate([cols, rng.integers(0, n, n), (np.arange(n) + 1) % n])
    a = sp.coo_array((np.ones(len(rows)), (rows, cols)), shape=(n, n)).tocsr()
    a.setdiag(0)
    a.eliminate_zeros()
    return a


@pytest.mark.parametrize("n", [3, 5, 10, 40])
def test_a_path_gives_networkx_normalised_values(n: int) -> None:
    # On a path, person i (0-based) lies between i * (n - 1 - i) of the (n - 1)(n - 2) / 2 pairs.
    path = sp.coo_array((np.ones(n - 1), (np.arange(n - 1), np.arange(1, n))), shape=(n, n))
    r = kadabra_betweenness(path, epsilon=0.01, delta=0.1, seed=0)
    i = np.arange(n)
    expected = i * (n - 1 - i) / ((n - 1) * (n - 2) / 2)
    # Paths are the hardest case for sampling (many values near 0.5): checked for the scale here,
    # the guarantee on organisation-like graphs below.
    assert np.all(np.abs(r.values - expected) <= 2 * r.epsilon)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exact_values_lie_within_the_guarantee(seed: int) -> None:
    a = _graph(800, seed)
    exact = betweenness(a, directed=False)
    assert exact.method == "exact"
    r = betweenness(a, directed=False, exact_below=0, seed=seed)
    assert r.method == "kadabra" and r.epsilon == 0.01 and r.pivots > 0
    assert r.lower is not None and r.upper is not None
    assert np.all(r.lower <= exact.values + 1e-12) and np.all(exact.values <= r.upper + 1e-12)
    # The highest value is found to well within the bound, and the order at the top agrees.
    assert np.argmax(r.values) == np.argmax(exact.values)
    assert "KADABRA" in describe(r) and "±0.01" in describe(r)


def test_same_seed_same_values_other_seed_other_sample() -> None:
    ties = undirected_ties(_graph(600, 3))
    one = kadabra_betweenness(ties, epsilon=0.02, delta=0.1, seed=5)
    two = kadabra_betweenness(ties, epsilon=0.02, delta=0.1, seed=5)
    assert one.values.tobytes() == two.values.tobytes() and one.pivots == two.pivots
    other = kadabra_betweenness(ties, epsilon=0.02, delta=0.1, seed=6)
    assert other.values.tobytes() != one.values.tobytes()


def test_kadabra_only_where_it_applies() -> None:
    a = _graph(300, 4)
    assert betweenness(a, exact_below=0, directed=True, pivots=50).method == "sampled"  # directed: pivots
    assert betweenness(a, exact_below=0, directed=False, weighted=True, pivots=50).method == "sampled"
    assert betweenness(a, exact_below=0, directed=False, method="pivots", pivots=50).method == "sampled"
    with pytest.raises(ValueError, match="undirected"):
        betweenness(a, exact_below=0, directed=True, method="kadabra")
    with pytest.raises(ValueError, match="method"):
        betweenness(a, exact_below=0, method="fast")
    with pytest.raises(ValueError, match="epsilon"):
        kadabra_betweenness(undirected_ties(a), epsilon=0, delta=0.1, seed=0)
