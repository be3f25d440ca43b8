"""What the metric tests share: networkx views of a sparse adjacency and networkx's per-person reference."""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp


def digraph(adjacency: sp.sparray) -> nx.DiGraph:
    """The ties as a networkx DiGraph: ``weight`` = tie weight, ``distance`` = 1 / weight."""
    g = nx.DiGraph()
    g.add_nodes_from(range(adjacency.shape[0]))
    coo = sp.coo_array(adjacency)
    for i, j, w in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True):
        g.add_edge(i, j, weight=w, distance=1.0 / w)
    return g


def per_person(adjacency: sp.sparray, func: Callable[..., dict]) -> np.ndarray:
    """networkx's per-node code path of ``func`` (the definition itself), for every person with a tie.

    That path says NaN for people with only incoming ties (it tests ``G[v]``, the successors);
    Burt's measures depend only on mutual weights, which reversing every tie leaves unchanged,
    so those people are taken from the reversed graph. People with no tie stay NaN.
    """
    g = digraph(adjacency)
    out = np.full(adjacency.shape[0], np.nan)
    for graph in (g.reverse(copy=True), g):
        nodes = [v for v in graph if graph.out_degree(v) > 0]
        for v, x in func(graph, nodes=nodes, weight="weight").items():
            out[v] = x
    return out


@pytest.fixture(scope="session")
def nx_digraph() -> Callable[[sp.sparray], nx.DiGraph]:
    """:func:`digraph`."""
    return digraph


@pytest.fixture(scope="session")
def nx_per_person() -> Callable[[sp.sparray, Callable[..., dict]], np.ndarray]:
    """:func:`per_person`."""
    return per_person
