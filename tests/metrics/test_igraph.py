"""igraph views built with add_edges: the same graph as igraph's constructor gives; igraph in workers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import igraph as ig
import numpy as np
import pytest
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


def test_workers_import_igraph_without_matplotlib(tmp_path: Path) -> None:
    # A worker process runs only orgnet's tasks: igraph comes without its matplotlib drawing and
    # still lays out; the caller's own process imports igraph as it always does.
    pytest.importorskip("matplotlib")
    (tmp_path / "probe_mod.py").write_text(
        "import sys\n"
        "def probe():\n"
        "    from orgnet.metrics._igraph import igraph\n"
        "    ig = igraph()\n"
        "    coords = ig.Graph.Ring(4).layout_fruchterman_reingold().coords\n"
        "    return 'matplotlib' in sys.modules, len(coords)\n")
    code = ("import sys\n"
            "from orgnet._parallel import parallel_map\n"
            "from probe_mod import probe\n"
            "print(parallel_map(probe, [()], n_jobs=2)[0], probe())\n"
            "import matplotlib.pyplot as plt\n"
            "from igraph.drawing.shapes import plt as drawn\n"
            "print(drawn is plt)\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["(False, 4) (True, 4)", "True"]
