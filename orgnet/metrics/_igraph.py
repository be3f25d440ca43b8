"""igraph graphs built from code arrays in one call.

``igraph.Graph(n=n, edges=array)`` turns a NumPy edge array into a memoryview and reads it
pair by pair: at a million people (5.9 million undirected ties) it took 4.5 s, where
``add_edges`` on the same array took 1.3 s, for the same graph (same edges, same order). Every
igraph view orgnet builds goes through :func:`igraph_graph`, and every use of igraph imports it
through :func:`igraph`.

Examples
--------
>>> g = igraph_graph(3, np.array([0, 1]), np.array([1, 2]), np.array([2.0, 0.5]), directed=False)
>>> g.get_edgelist(), [float(w) for w in g.es["weight"]]
([(0, 1), (1, 2)], [2.0, 0.5])
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt

from orgnet._imports import import_hiding
from orgnet._parallel import in_worker

__all__ = ["igraph", "igraph_graph"]

#: What igraph imports only to draw on matplotlib's axes (``igraph.drawing``).
DRAWING_IMPORTS: tuple[str, ...] = ("matplotlib",)


def igraph() -> ModuleType:
    """The ``igraph`` module; in orgnet's worker processes, imported without matplotlib.

    igraph imports ``matplotlib.pyplot`` when it is installed (to draw on matplotlib axes):
    0.4 s and about 30 MB in each worker process that lays out maps or runs Leiden, none of
    which draws anything. A worker runs only orgnet's tasks, so there it is imported without
    matplotlib (:mod:`orgnet._imports`); in any other process, a user's notebook for one, igraph
    is imported as it always is, and draws on matplotlib axes as it documents.
    """
    return import_hiding("igraph", DRAWING_IMPORTS if in_worker() else ())


def igraph_graph(n: int, row: npt.ArrayLike, col: npt.ArrayLike, weight: npt.ArrayLike | None = None, *,
                 directed: bool) -> Any:
    """An igraph graph of ``n`` vertices with the edges ``row[i] -> col[i]`` in that order.

    Parameters
    ----------
    n : int
        Number of vertices (codes ``0 .. n-1``).
    row, col : array-like of int
        The edges' ends.
    weight : array-like of float, optional
        Set as the ``weight`` edge attribute, in the edges' order.
    directed : bool
        Directed graph or not.

    Returns
    -------
    igraph.Graph
    """
    ig = igraph()
    edges = np.column_stack([np.asarray(row, dtype=np.int64), np.asarray(col, dtype=np.int64)])
    graph = ig.Graph(n=int(n), directed=directed)
    if len(edges):
        graph.add_edges(edges, attributes=None if weight is None else {"weight": np.asarray(weight, dtype=float)})
    elif weight is not None:
        graph.es["weight"] = []  # the attribute exists, as on a graph with edges
    return graph
