"""igraph views built with add_edges: the same graph as igraph's constructor gives."""

from __future__ import annotations

import igraph as ig
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from orgnet.metrics._igraph import igraph_graph


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 30), m=st.integers(0, 80), directed=st.booleans(), seed=st.integers(0, 2**16))
def test_same_graph_as_the_constructor(n: int, m: int, directed: bool, seed: int) -> None:
    rng = np.random.default_rng(seed)
    row, col = rng.integers(0, n, m), rng.integers(0, n, m)
    weight = rng.random(m)
    ours = igraph_graph(n, row, col, weight, directed=directed)
    reference = ig.Graph(n=n, edges=list(zip(row.tolist(), col.tolist(), strict=True)), directed=directed)
    assert ours.vcount() == n and ours.is_directed() == directed
    assert ours.get_edgelist() == reference.get_edgelist()  # same edges, same order
    assert np.array_equal(np.asarray(ours.es["weight"], dtype=float), weight)


def test_no_edges_still_has_the_weight_attribute() -> None:
    g = igraph_graph(4, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0), directed=False)
    assert g.vcount() == 4 and g.ecount() == 0 and "weight" in g.edge_attributes()
    assert "weight" not in igraph_graph(2, [0], [1], directed=True).edge_attributes()
