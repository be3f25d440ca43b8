"""The interactive network maps: self-contained vis-network pages with positions precomputed.

vis-network 9.1.2 (dual Apache-2.0/MIT; its licence header is kept verbatim) ships inside the
pyvis package and is read from there, so the pages load nothing from the network. Positions
come from igraph's Fruchterman-Reingold layout and physics is off, so a few thousand people
show in seconds. Map data are built column by column from numpy arrays (no per-node Python
objects; pyvis's own ``add_node``/``add_edge`` slow down quadratically). Above ``max_people``
people the main map shows groups as nodes with weighted group-to-group edges, and every group
gets its own drill-down page under ``maps/``.
"""

from __future__ import annotations

import functools
import hashlib
import html
import importlib.util
import json
import random
import re
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from orgnet.findings import Findings
from orgnet.report.content import people_flags, wording

__all__ = [
    "MAP_MAX_PEOPLE",
    "SIZE_METRICS",
    "group_file_name",
    "group_map_data",
    "map_group_column",
    "layout",
    "people_map_data",
    "render_map",
    "vis_assets",
    "write_maps",
]

#: Above this many people the main map shows groups as nodes.
MAP_MAX_PEOPLE = 2000

#: At most this many groups on the group map (the largest); the rest are in groups.csv.
MAP_MAX_GROUPS = 300

# People columns a group map can use, in order of preference.
_GROUP_COLUMNS = ("department", "division", "site", "community")

#: On the group map, each group keeps this many of its strongest ties to other groups.
GROUP_MAP_TIES = 6

#: Metrics a map can size people by (those present in ``findings.people``), with their labels.
SIZE_METRICS = {"pagerank": "PageRank", "betweenness": "betweenness", "in_strength": "ties received (weight)",
                "partners": "distinct partners"}

_PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
            "#9c755f", "#79706e", "#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#17becf",
            "#bcbd22", "#637939", "#843c39", "#3182bd")

#: Layout iterations: the full 500 (Fruchterman-Reingold) up to 500 people; above, iterations
#: times people stay within this budget, down to 50 at 2,000 people (the picture settles well
#: before: mean tie length over mean distance is the same as with 500), so 44 drill-down maps at
#: 100,000 people take a few seconds instead of twenty.
LAYOUT_BUDGET = 100_000
LAYOUT_FULL_UP_TO = 500
LAYOUT_MIN_ITERATIONS, LAYOUT_MAX_ITERATIONS = 50, 500


def layout_iterations(n: int) -> int:
    """Fruchterman-Reingold iterations for a map of ``n`` nodes.

    Examples
    --------
    >>> [layout_iterations(n) for n in (300, 500, 1000, 2000, 5000)]
    [500, 500, 100, 50, 50]
    """
    if n <= LAYOUT_FULL_UP_TO:
        return LAYOUT_MAX_ITERATIONS
    return int(np.clip(LAYOUT_BUDGET // n, LAYOUT_MIN_ITERATIONS, LAYOUT_MAX_ITERATIONS))


#: Marks on the map (bit flags): 1 ambassador, 2 information broker.
MARK_AMBASSADOR, MARK_BROKER = 1, 2


@functools.lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """The vis-network JavaScript (licence header included) and CSS shipped with pyvis.

    The files are found without importing pyvis (its import pulls in networkx and IPython helpers).
    """
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("pyvis is needed for the map's vis-network files: pip install pyvis")
    base = Path(next(iter(spec.submodule_search_locations))) / "lib" / "vis-9.1.2"
    return (base / "vis-network.min.js").read_text(encoding="utf-8"), (base / "vis-network.css").read_text(
        encoding="utf-8"
    )


def layout(adjacency: sp.sparray, *, seed: int = 0) -> np.ndarray:
    """Force-directed positions (igraph Fruchterman-Reingold, log tie weights), scaled for vis-network.

    Iterations are bounded by the map's size (:func:`layout_iterations`): 500 up to 500 people,
    down to 50 for 2,000.

    The layout is seeded through igraph's random generator and the global generator restored,
    so the same graph and seed give the same picture.
    """
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
        coords = np.asarray(g.layout_fruchterman_reingold(weights=weights, niter=layout_iterations(n)).coords)
    finally:
        ig.set_random_number_generator(random)
        random.setstate(state)
    coords = coords - coords.mean(axis=0)
    scale = np.abs(coords).max() or 1.0
    return coords / scale * (45 * np.sqrt(n) + 120)


def _categories(values: pd.Series) -> dict[str, Any]:
    text = values.astype("string").fillna("(none)").to_numpy(dtype=str)
    labels, codes = np.unique(text, return_inverse=True)
    order = np.argsort(-np.bincount(codes, minlength=len(labels)), kind="stable")  # biggest group first
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    colours = [_PALETTE[i % len(_PALETTE)] for i in range(len(labels))]
    return {"labels": labels[order].tolist(), "colours": colours, "codes": rank[codes].tolist()}


def _sizes(values: np.ndarray, lo: float = 6, hi: float = 36) -> list[float]:
    v = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
    if len(v) == 0 or v.max() <= v.min():
        return np.full(len(v), (lo + hi) / 2).tolist()
    return np.round(lo + (hi - lo) * np.sqrt((v - v.min()) / (v.max() - v.min())), 1).tolist()


def _edge_columns(adjacency: sp.sparray, *, hi: float = 6) -> dict[str, list[Any]]:
    upper = sp.triu(adjacency + adjacency.T, k=1).tocoo()
    if upper.nnz == 0:
        return {"from": [], "to": [], "width": []}
    w = np.log1p(upper.data)
    width = np.round(0.5 + (hi - 0.5) * w / w.max(), 2)
    return {"from": upper.row.tolist(), "to": upper.col.tolist(), "width": width.tolist()}


def people_map_data(findings: Findings, rows: np.ndarray | None = None, *, seed: int = 0, title: str = "",
                    note: str = "", flags: pd.DataFrame | None = None) -> dict[str, Any]:
    """Map data with one node per person: the people at ``rows`` (all by default) and their ties.

    Parameters
    ----------
    findings : Findings
        The analysis.
    rows : numpy.ndarray, optional
        Row numbers of ``findings.people`` to draw (a group's members for a drill-down map).
    seed : int
        Layout seed.
    title, note : str
        Shown in the page header (escaped on the page).
    flags : pandas.DataFrame, optional
        :func:`orgnet.report.content.people_flags`, when already computed.

    Returns
    -------
    dict
        Column-wise node and edge data (see ``templates/map.html``).
    """
    p = findings.people
    rows = np.arange(len(p)) if rows is None else np.asarray(rows, dtype=np.int64)
    sub = p.iloc[rows]
    a = findings.ties
    adjacency = a[rows][:, rows] if len(rows) != a.shape[0] else a
    flags = people_flags(findings) if flags is None else flags
    f = flags.iloc[rows]
    xy = np.round(layout(adjacency, seed=seed), 1)
    colour_by = {c: _categories(sub[c]) for c in ("department", "community") if c in sub.columns
                 and sub[c].notna().any()}
    size_by = {k: {"label": label, "size": _sizes(sub[k].to_numpy(dtype=float)),
                   "value": sub[k].astype(float).round(6).fillna(0).tolist()}
               for k, label in SIZE_METRICS.items() if k in sub.columns}
    mark = f["ambassador"].to_numpy().astype(np.int64) * MARK_AMBASSADOR + f["broker"].to_numpy() * MARK_BROKER
    info = {
        "department": sub["department"].astype("string").fillna("").tolist() if "department" in sub else [],
        "community": sub["community"].astype("string").fillna("").tolist() if "community" in sub else [],
        "pyramid": sub["pyramid_level"].astype("string").fillna("").tolist() if "pyramid_level" in sub else [],
        "roles": f["roles"].tolist(),
        "reasons": f["reasons"].tolist(),
    }
    return {
        "what": "people", "title": title or "network map", "note": note,
        "ids": sub["person"].astype(str).tolist(), "labels": sub["name"].astype("string").fillna("").tolist(),
        "x": xy[:, 0].tolist(), "y": xy[:, 1].tolist(),
        "colourBy": colour_by, "sizeBy": size_by, "mark": mark.tolist(), "info": info,
        "edges": _edge_columns(adjacency), "links": [],
    }


def strongest_ties(weights: np.ndarray, k: int) -> np.ndarray:
    """Keep, for every group, its ``k`` heaviest ties (a tie stays when either end keeps it).

    A map of hundreds of groups with every pair joined is a grey disc; each group's strongest
    ties keep its place in the picture readable.

    Examples
    --------
    >>> w = np.array([[0, 5, 1, 2], [5, 0, 1, 0], [1, 1, 0, 3], [2, 0, 3, 0]], dtype=float)
    >>> strongest_ties(w, 1).astype(int).tolist()
    [[0, 5, 0, 0], [5, 0, 0, 0], [0, 0, 0, 3], [0, 0, 3, 0]]
    """
    w = np.asarray(weights, dtype=float)
    if w.shape[0] <= k + 1:
        return w
    top = np.argpartition(-w, k - 1, axis=1)[:, :k]
    keep = np.zeros(w.shape, dtype=bool)
    keep[np.repeat(np.arange(w.shape[0]), k), top.ravel()] = True
    keep |= keep.T
    return np.where(keep & (w > 0), w, 0.0)


def group_file_name(label: str) -> str:
    """A safe, unique file name for a group's drill-down map (ASCII slug + short hash).

    Examples
    --------
    >>> group_file_name("R&D / Paris")
    'R-D-Paris-...html'
    >>> group_file_name("../../etc") != group_file_name("etc")
    True
    """
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", label).strip("-")[:40] or "group"
    digest = hashlib.sha1(label.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}.html"


def map_group_column(findings: Findings, *, max_groups: int = MAP_MAX_GROUPS) -> str | None:
    """The grouping the group map uses: the first of department, division, site, community with
    between 2 and ``max_groups`` groups (else the first one present; the map then shows the
    largest groups only). Aggregate-only reports use the primary grouping. ``None`` when there is
    none.
    """
    if findings.aggregate_only:
        return findings.groups.primary if len(findings.groups.primary_grouping) else None
    p = findings.people
    present = [c for c in _GROUP_COLUMNS if c in p.columns and p[c].notna().any()]
    for c in present:
        if 2 <= p[c].nunique() <= max_groups:
            return c
    return present[0] if present else None


def _group_weights(findings: Findings, column: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Labels, sizes and group-to-group tie weights of the groups shown (hidden groups left out)."""
    grouping = findings.groups.by_kind.get(column)
    if grouping is not None and column in findings.groups.ties:
        shown = np.flatnonzero(~grouping.hidden)
        table = findings.groups.table
        rows = table[table["kind"] == column].set_index("code")["size"]
        sizes = rows.reindex(shown).fillna(0).to_numpy(np.int64)
        m = findings.groups.ties[column].toarray()[np.ix_(shown, shown)].astype(float)
        return np.asarray(grouping.labels, dtype=object)[shown], sizes, m
    from orgnet.metrics.groups import group_matrix

    codes, labels = _codes_from(findings.people[column])
    m = group_matrix(findings.ties, codes, len(labels))
    return labels, np.bincount(codes[codes >= 0], minlength=len(labels)), m


def group_map_data(findings: Findings, *, column: str | None = None, seed: int = 0,
                   max_groups: int = MAP_MAX_GROUPS) -> dict[str, Any]:
    """Map data with one node per group (size: members) and weighted group-to-group edges.

    Only the ``max_groups`` largest groups are drawn; groups hidden by privacy never are.
    """
    column = column or map_group_column(findings, max_groups=max_groups) or findings.groups.primary
    labels, sizes, m = _group_weights(findings, column)
    total = len(labels)
    keep = np.arange(total)
    if total > max_groups:
        keep = np.sort(np.argsort(-sizes, kind="stable")[:max_groups])
        m, labels, sizes = m[np.ix_(keep, keep)], labels[keep], sizes[keep]
    labels = np.asarray([str(x) for x in labels], dtype=object)
    np.fill_diagonal(m, 0)
    m = strongest_ties(m + m.T, GROUP_MAP_TIES)
    xy = np.round(layout(sp.csr_array(m), seed=seed), 1)
    info_reason = [""] * len(labels)
    ei = np.full(len(labels), np.nan)
    silo = np.zeros(len(labels), dtype=bool)
    if column in findings.groups.by_kind:
        silos = findings.silos.table
        position = {str(lab): i for i, lab in enumerate(labels)}
        words = wording(findings, column)
        grouping = findings.groups.by_kind[column]
        for j in np.flatnonzero((silos["kind"] == column).to_numpy()):
            label = grouping.label(int(silos["code"].iat[j]))
            i = position.get(label) if label is not None else None
            if i is None:
                continue
            ei[i] = float(silos["ei"].iat[j])
            silo[i] = bool(silos["is_silo"].iat[j])
            if silo[i]:
                info_reason[i] = words.sentence(findings.silos.reason(int(j)))
    colours = {"labels": labels.tolist(), "colours": [_PALETTE[i % len(_PALETTE)] for i in range(len(labels))],
               "codes": list(range(len(labels)))}
    roles = [[f"{int(s):,} people", f"E-I index {e:+.2f}" if np.isfinite(e) else "E-I index n/a"]
             + (["silo"] if flag else []) for s, e, flag in zip(sizes, ei, silo, strict=True)]
    people = int(findings.summary.people)
    links = [] if findings.aggregate_only else [f"maps/{group_file_name(str(lab))}" for lab in labels]
    return {
        "what": "groups", "title": f"{column}s as nodes", "groupKind": column,
        "note": f"{people:,} people: each node is a {column}"
                + ("" if findings.aggregate_only else "; open one to see its people")
                + (f"; the {len(labels):,} largest of {total:,} {column}s are shown" if total > len(labels) else "")
                + (f" (lines: each {column}'s {GROUP_MAP_TIES} strongest ties)" if len(labels) > GROUP_MAP_TIES + 1
                   else ""),
        "ids": labels.tolist(), "labels": labels.tolist(), "x": xy[:, 0].tolist(), "y": xy[:, 1].tolist(),
        "colourBy": {column: colours},
        "sizeBy": {"members": {"label": "members", "size": np.round(12 + 48 * np.sqrt(sizes / max(sizes.max(), 1)),
                                                                    1).tolist(), "value": sizes.tolist()}},
        "mark": [0] * len(labels),
        "info": {column: labels.tolist(), "roles": roles, "reasons": [[r] if r else [] for r in info_reason]},
        "edges": _edge_columns(sp.csr_array(m), hi=12),
        "links": links,
    }


def _codes_from(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    text = values.astype("string")
    valid = text.notna().to_numpy()
    labels = np.unique(text[valid].to_numpy(dtype=str))
    codes = np.full(len(text), -1, dtype=np.int64)
    codes[valid] = np.searchsorted(labels, text[valid].to_numpy(dtype=str))
    return codes, labels.astype(object)


def _safe_json(data: dict[str, Any]) -> str:
    # Inside <script>, "<", ">" and "&" are escaped so no name can close the tag or inject markup.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_map(data: dict[str, Any], path: Path, *, vis_src: str | None = None, home: str = "index.html",
               main_map: str = "") -> None:
    """Write one self-contained map page.

    Parameters
    ----------
    data : dict
        From :func:`people_map_data` or :func:`group_map_data`.
    path : Path
        The page to write.
    vis_src : str, optional
        Relative URL of a vis-network copy beside the page; inlined when not given.
    home, main_map : str
        Relative links to the report's index page and (for drill-down maps) to the main map.
    """
    js, css = vis_assets()
    template = (resources.files("orgnet.report") / "templates" / "map.html").read_text(encoding="utf-8")
    if vis_src is None:
        script = "<script>\n" + js.replace("</script", "<\\/script") + "\n</script>"
        style = "<style>\n" + css + "\n</style>"
    else:
        script = f'<script src="{html.escape(vis_src)}"></script>'
        style = f'<link rel="stylesheet" href="{html.escape(vis_src[:-len(".min.js")] + ".css")}">'
    nav = f'<a href="{html.escape(home)}">report</a>'
    if main_map:
        nav += f' · <a href="{html.escape(main_map)}">main map</a>'
    # The data go in last, so nothing in a name can be taken for a placeholder.
    page = (template.replace("<!--__VIS_CSS__-->", style)
            .replace("<!--__VIS_JS__-->", script)
            .replace("__TITLE__", html.escape(str(data.get("title", "network map"))))
            .replace("<!--__NAV__-->", nav)
            .replace("__GRAPH_DATA__", _safe_json(data)))
    path.write_text(page, encoding="utf-8")


def write_maps(findings: Findings, folder: Path, *, max_people: int = MAP_MAX_PEOPLE,
               seed: int = 0) -> tuple[list[str], dict[str, Any] | None]:
    """Write ``map.html`` (people, or groups above ``max_people``) and the drill-down maps.

    Returns
    -------
    pages : list of str
        The pages written, relative to ``folder`` (``map.html`` first).
    group_data : dict or None
        The group map's data when the main map shows groups.
    """
    n = findings.n
    column = map_group_column(findings)
    if findings.aggregate_only:
        if column is None:
            return [], None
        data = group_map_data(findings, column=column, seed=seed)
        render_map(data, folder / "map.html")
        return ["map.html"], data
    flags = people_flags(findings)
    if n <= max_people or column is None:
        rows, note = None, ""
        if n > max_people and "pagerank" in findings.people.columns:
            rows = np.sort(np.argsort(-findings.people["pagerank"].to_numpy(dtype=float), kind="stable")[:max_people])
            note = f"showing the {max_people:,} people with the highest PageRank of {n:,}"
        render_map(people_map_data(findings, rows, seed=seed, flags=flags, title=f"{n:,} people", note=note),
                   folder / "map.html")
        return ["map.html"], None
    data = group_map_data(findings, column=column, seed=seed)
    render_map(data, folder / "map.html")
    (folder / "maps").mkdir(exist_ok=True)
    (folder / "static").mkdir(exist_ok=True)
    js, css = vis_assets()
    (folder / "static" / "vis-network.min.js").write_text(js, encoding="utf-8")
    (folder / "static" / "vis-network.css").write_text(css, encoding="utf-8")
    column = data["groupKind"]
    values = findings.people[column].astype("string")
    rank = findings.people["pagerank"].to_numpy(dtype=float) if "pagerank" in findings.people else None
    written = ["map.html"]
    order = np.argsort(values.fillna("").to_numpy(dtype=str), kind="stable")
    sorted_values = values.fillna("").to_numpy(dtype=str)[order]
    for label, link in zip(data["labels"], data["links"], strict=True):
        lo = np.searchsorted(sorted_values, label, side="left")
        hi = np.searchsorted(sorted_values, label, side="right")
        rows = np.sort(order[lo:hi])
        note = ""
        if len(rows) > max_people:
            keep = rows[np.argsort(-rank[rows], kind="stable")[:max_people]] if rank is not None else rows[:max_people]
            note = f"showing the {max_people:,} people with the highest PageRank of {len(rows):,} members"
            rows = np.sort(keep)
        page = people_map_data(findings, rows, seed=seed, flags=flags, title=f"{column} {label}", note=note)
        render_map(page, folder / link, vis_src="../static/vis-network.min.js", home="../index.html",
                   main_map="../map.html")
        written.append(link)
    return written, data
