"""The interactive network map: a self-contained vis-network page, positions precomputed.

vis-network (dual Apache-2.0/MIT, notice kept in the inlined file) ships inside the pyvis
package; it is inlined, so the page loads nothing from the network. Positions come from an
igraph force layout and physics is off, so a few thousand nodes show in seconds. Above
``max_people`` people the map shows groups as nodes instead.
"""

from __future__ import annotations

import json
import random
from importlib import resources
from pathlib import Path

import numpy as np
import scipy.sparse as sp

__all__ = ["MapData", "group_map", "people_map", "render_map", "vis_assets"]

_PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
            "#9c755f", "#bab0ac", "#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#17becf")

MapData = dict


def vis_assets() -> tuple[str, str]:
    """The vis-network JavaScript and CSS shipped with pyvis (read from the installed package)."""
    base = resources.files("pyvis") / "lib" / "vis-9.1.2"
    return (base / "vis-network.min.js").read_text(encoding="utf-8"), (base / "vis-network.css").read_text(
        encoding="utf-8"
    )


def _layout(adjacency: sp.sparray, seed: int) -> np.ndarray:
    import igraph as ig

    n = adjacency.shape[0]
    if n == 0:
        return np.zeros((0, 2))
    upper = sp.triu(adjacency + adjacency.T, k=1).tocoo()
    g = ig.Graph(n=n, edges=np.column_stack([upper.row, upper.col]), directed=False)
    state = random.getstate()
    ig.set_random_number_generator(random.Random(seed))
    try:
        weights = np.log1p(upper.data).tolist() if upper.nnz else None
        coords = np.asarray(g.layout_fruchterman_reingold(weights=weights, niter=300 if n < 3000 else 100).coords)
    finally:
        ig.set_random_number_generator(random)
        random.setstate(state)
    coords -= coords.mean(axis=0)
    scale = np.abs(coords).max() or 1.0
    return coords / scale * (60 * np.sqrt(n) + 100)


def _colours(labels: np.ndarray) -> tuple[list[str], dict[str, str]]:
    uniq = sorted({str(x) for x in labels})
    lookup = {lab: _PALETTE[i % len(_PALETTE)] for i, lab in enumerate(uniq)}
    return [lookup[str(x)] for x in labels], lookup


def _sizes(values: np.ndarray, lo: float = 6, hi: float = 40) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    if len(v) == 0 or np.nanmax(v) <= np.nanmin(v):
        return np.full(len(v), (lo + hi) / 2)
    return lo + (hi - lo) * np.sqrt((v - np.nanmin(v)) / (np.nanmax(v) - np.nanmin(v)))


def people_map(adjacency: sp.sparray, ids: np.ndarray, names: np.ndarray, groups: np.ndarray,
               size_by: np.ndarray, cards: list[list[str]], *, seed: int = 0) -> MapData:
    """Map data with one node per person (colour by group, size by a centrality)."""
    xy = _layout(adjacency, seed)
    colours, _ = _colours(groups)
    size = _sizes(size_by)
    coo = sp.coo_array(adjacency)
    width = 1 + 4 * coo.data / coo.data.max() if coo.nnz else coo.data
    nodes = [
        {"id": str(i), "label": str(nm), "x": float(x), "y": float(y), "size": float(s), "color": c, "card": card}
        for i, nm, (x, y), s, c, card in zip(ids, names, xy, size, colours, cards, strict=True)
    ]
    edges = np.column_stack([np.asarray(ids, dtype=object)[coo.row], np.asarray(ids, dtype=object)[coo.col],
                             np.round(width, 2)]).tolist()
    return {"nodes": nodes, "edges": edges, "directed": True, "what": "people"}


def group_map(matrix: np.ndarray, labels: np.ndarray, sizes: np.ndarray, *, seed: int = 0) -> MapData:
    """Map data with one node per group and weighted group-to-group edges."""
    m = np.asarray(matrix, dtype=float).copy()
    np.fill_diagonal(m, 0)
    sym = sp.csr_array(m + m.T)
    xy = _layout(sym, seed)
    colours, _ = _colours(labels)
    size = _sizes(sizes, 10, 60)
    upper = sp.triu(sym, k=1).tocoo()
    width = 1 + 9 * upper.data / upper.data.max() if upper.nnz else upper.data
    nodes = [
        {"id": str(lab), "label": str(lab), "x": float(x), "y": float(y), "size": float(s), "color": c,
         "card": [str(lab), f"{int(n)} people"]}
        for lab, (x, y), s, c, n in zip(labels, xy, size, colours, sizes, strict=True)
    ]
    lab = np.asarray(labels, dtype=object).astype(str)
    edges = np.column_stack([lab[upper.row], lab[upper.col], np.round(width, 2)]).tolist()
    return {"nodes": nodes, "edges": edges, "directed": False, "what": "groups"}


def _safe_json(data: MapData) -> str:
    # Inside <script>, "<", ">" and "&" are escaped so no name can close the tag or inject markup.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_map(data: MapData, path: Path) -> None:
    """Write a self-contained ``map.html`` for the map data."""
    js, css = vis_assets()
    template = (resources.files("orgnet.report") / "templates" / "map.html").read_text(encoding="utf-8")
    # The data goes in last, so nothing in a name can be taken for a placeholder.
    html = (template.replace("/*__VIS_CSS__*/", css)
            .replace("/*__VIS_JS__*/", js.replace("</script", "<\\/script"))
            .replace("__GRAPH_DATA__", _safe_json(data)))
    path.write_text(html, encoding="utf-8")
