"""The interactive network maps: self-contained pages with positions precomputed in Python.

Small maps (up to ``max_people`` people, and every group map) are drawn by vis-network 9.1.2
(dual Apache-2.0/MIT; its licence header is kept verbatim), read from the pyvis package. Larger
person maps are drawn with WebGL by sigma.js and graphology (MIT, vendored in
``orgnet/report/static`` with their licences). No page loads anything from the network.
Positions come from igraph's Fruchterman-Reingold layout and physics is off; group maps are
then freed of overlaps (:mod:`orgnet.report.layout`). Map data are built column by column from
numpy arrays (no per-node Python objects).

Above ``max_people`` people the main map shows the organisation's top level (division, else
department, ...) as nodes with weighted group-to-group edges. Every group gets a page under
``maps/``: a map of its sub-groups (division → department → team) while it is larger than
``max_people`` and a finer level exists, else a map of all its people. Every person is on a
person map, and ``maps/people.js`` (loaded on demand) lets the search box of any map find anyone
and open the map of their group. ``maps/everyone.html`` shows the whole organisation's people
at once (WebGL), each group's people inside its group's disc.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import html
import importlib.util
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple, TextIO

import numpy as np
import pandas as pd
import scipy.sparse as sp

from orgnet.findings import Findings
from orgnet.metrics._igraph import igraph, igraph_graph
from orgnet.metrics.columns import distinct
from orgnet.report.claims import Claims
from orgnet.report.content import people_flags, wording
from orgnet.report.layout import box_extents, nest, separate

__all__ = [
    "HIERARCHY",
    "MAP_MAX_PEOPLE",
    "MAP_SHARE_FROM",
    "PALETTE",
    "map_levels",
    "palette",
    "SIZE_METRICS",
    "group_file_name",
    "draw_unclaimed_groups",
    "group_map_data",
    "map_columns",
    "map_group_column",
    "layout",
    "people_map_data",
    "person_columns",
    "PersonColumns",
    "render_map",
    "vis_assets",
    "write_maps",
]

#: The share of everyone the top-level groups no process has claimed must hold for the main
#: process to help the worker drawing the maps (:func:`draw_unclaimed_groups`). Helping first
#: costs what the worker did before its first page (everyone's columns, the symmetric ties:
#: measured 1.1 s beside 11.9 s for every page at 100,000 people, 6.8 s beside 86 s at a
#: million, about 9%), and halving the pages left saves half their time: below a quarter of
#: everyone the saving is too small to be sure of.
MAP_SHARE_FROM = 0.25

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

#: Paul Tol's "muted" qualitative palette: nine colours told apart with the common forms of
#: colour blindness (https://personal.sron.nl/~pault/#sec:qualitative). A map colours its nine
#: largest groups with them and the rest in :data:`OTHER_COLOUR` (their labels tell them apart),
#: so no colour repeats among the groups of one map.
PALETTE = ("#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499")
OTHER_COLOUR = "#BBBBBB"

#: Organisation levels, coarse to fine, used for drill-down maps when the directory has them.
HIERARCHY = ("division", "department", "team")

#: Person maps with more people than this are drawn with WebGL (sigma.js).
WEBGL_FROM = 2000

#: A WebGL person map draws at most this many ties (each person's strongest first).
WEBGL_MAX_TIES = 400_000

#: On a drill-down map, ties leaving the group are drawn as stubs to at most this many outside
#: groups (those with the most tie weight); the rest are counted in the note.
STUB_GROUPS = 12

#: Layout iterations: at most 100 (Fruchterman-Reingold), fewer above 1,000 people so that
#: iterations times people stay within this budget, down to 50 at 2,000 people. igraph's default
#: of 500 draws the same picture: on the drill-down maps of the 100k benchmark organisation (23
#: maps of 300 and 500 people, 60 of about 60) mean tie length over mean distance is within 2%
#: of 500 iterations' at 100 and already at 50, for a fifth of the time; a million-person
#: organisation has some 16,000 such maps.
LAYOUT_BUDGET = 100_000
LAYOUT_MIN_ITERATIONS, LAYOUT_MAX_ITERATIONS = 50, 100


def layout_iterations(n: int) -> int:
    """Fruchterman-Reingold iterations for a map of ``n`` nodes.

    Examples
    --------
    >>> [layout_iterations(n) for n in (300, 500, 1000, 2000, 5000)]
    [100, 100, 100, 50, 50]
    """
    return int(np.clip(LAYOUT_BUDGET // max(n, 1), LAYOUT_MIN_ITERATIONS, LAYOUT_MAX_ITERATIONS))


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


def layout(adjacency: sp.sparray, *, seed: int = 0, last: np.ndarray | None = None) -> np.ndarray:
    """Force-directed positions (igraph Fruchterman-Reingold, log tie weights), scaled for vis-network.

    Iterations are bounded by the map's size (:func:`layout_iterations`): 100 up to 1,000 people,
    down to 50 for 2,000. Nodes without any tie are not left to the force layout (it flings them
    far out and the tied network shrinks to a blob in the middle): they fill a ring around the
    tied nodes, as densely packed as those, ``last`` (a boolean mask, e.g. watchers) outermost.

    The layout is seeded through igraph's random generator and the global generator restored,
    so the same graph and seed give the same picture.
    """
    return _layout_of(_upper(_ties_of(adjacency)), seed=seed, last=last)


def _layout_of(upper: _Ties, *, seed: int = 0, last: np.ndarray | None = None) -> np.ndarray:
    """:func:`layout` of the ties :func:`_upper` gives."""
    ig = igraph()

    n = upper.n
    if n == 0:
        return np.zeros((0, 2))
    degree = np.bincount(upper.row, minlength=n) + np.bincount(upper.col, minlength=n)
    tied, alone = np.flatnonzero(degree > 0), np.flatnonzero(degree == 0)
    coords = np.zeros((n, 2))
    if len(tied):
        local = np.full(n, -1, dtype=np.int64)
        local[tied] = np.arange(len(tied))
        g = igraph_graph(len(tied), local[upper.row], local[upper.col], directed=False)
        state = random.getstate()
        ig.set_random_number_generator(random.Random(seed))
        try:
            weights = np.log1p(upper.weight).tolist() if len(upper.weight) else None
            sub = np.asarray(g.layout_fruchterman_reingold(weights=weights, niter=layout_iterations(n)).coords)
        finally:
            ig.set_random_number_generator(random)
            random.setstate(state)
        coords[tied] = sub - sub.mean(axis=0)
    if len(alone):
        if last is not None:
            alone = alone[np.argsort(np.asarray(last, dtype=bool)[alone], kind="stable")]
        inner = float(np.quantile(np.hypot(*coords[tied].T), 0.95)) * 1.1 if len(tied) > 1 else 0.0
        inner = inner or 1.0
        outer2 = inner ** 2 * (1 + len(alone) / max(len(tied), 1))
        k = np.arange(len(alone))
        radius = np.sqrt(inner ** 2 + (k + 0.5) / len(alone) * (outer2 - inner ** 2))
        angle = k * 2.399963  # golden angle: an even sunflower
        coords[alone] = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    scale = np.abs(coords).max() or 1.0
    return coords / scale * (45 * np.sqrt(n) + 120)


def _categories(values: pd.Series) -> dict[str, Any]:
    return _categories_of(*_category_codes(values))


def _category_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes into sorted labels, "(none)" standing for a missing value.

    Examples
    --------
    >>> codes, labels = _category_codes(pd.Series(["b", None, "a", "b"]))
    >>> codes.tolist(), labels.tolist()
    ([2, 0, 1, 2], ['(none)', 'a', 'b'])
    """
    # Hashed, then only the distinct labels sorted (np.unique sorted a million strings: 0.6 s a column).
    codes, labels = pd.factorize(values.astype("string").fillna("(none)"), sort=True)
    return np.asarray(codes, dtype=np.int64), np.asarray(labels, dtype=str)


def _categories_of(codes: np.ndarray, labels: np.ndarray) -> dict[str, Any]:
    """Legend and colour codes of a map coloured by one column (``codes`` into sorted ``labels``)."""
    used, codes = np.unique(codes, return_inverse=True)
    labels = labels[used]
    order = np.argsort(-np.bincount(codes.reshape(-1), minlength=len(labels)), kind="stable")  # biggest first
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    ordered = labels[order].tolist()
    # People with no value are grey and take no colour from the palette.
    named = [lab != "(none)" for lab in ordered]
    colours = iter(palette(sum(named)))
    return {"labels": ordered, "colours": [next(colours) if ok else OTHER_COLOUR for ok in named],
            "codes": rank[codes.reshape(-1)].tolist()}


def palette(n: int) -> list[str]:
    """Colours of ``n`` groups sorted largest first: :data:`PALETTE`, then grey.

    Examples
    --------
    >>> cs = palette(12)
    >>> len(set(cs[:9])), cs[9:] == [OTHER_COLOUR] * 3
    (9, True)
    """
    return [PALETTE[i] if i < len(PALETTE) else OTHER_COLOUR for i in range(n)]


def _sizes(values: np.ndarray, lo: float = 6, hi: float = 36) -> list[float]:
    v = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
    if len(v) == 0 or v.max() <= v.min():
        return np.full(len(v), (lo + hi) / 2).tolist()
    return np.round(lo + (hi - lo) * np.sqrt((v - v.min()) / (v.max() - v.min())), 1).tolist()


class _Ties(NamedTuple):
    """Ties as plain arrays (a drill-down page's are a few hundred: scipy's per-call checks
    cost more than the work, 20,000 pages over)."""

    row: np.ndarray
    col: np.ndarray
    weight: np.ndarray
    n: int


def _ties_of(adjacency: sp.sparray) -> _Ties:
    coo = sp.coo_array(adjacency)
    return _Ties(coo.row.astype(np.int64), coo.col.astype(np.int64), np.asarray(coo.data, dtype=float),
                 int(adjacency.shape[0]))


def _upper(t: _Ties) -> _Ties:
    """Each pair once, both directions' weights summed, sorted by (row, col): the entries of
    ``sp.triu(A + A.T, k=1)`` (:func:`orgnet.metrics.centrality.undirected_ties`), to the last bit
    (a sum of two floats does not depend on their order), without scipy's per-call checks.

    Examples
    --------
    >>> u = _upper(_Ties(np.array([0, 1, 2]), np.array([1, 0, 2]), np.array([2.0, 1.0, 5.0]), 3))
    >>> u.row.tolist(), u.col.tolist(), u.weight.tolist()
    ([0], [1], [3.0])
    """
    lo, hi = np.minimum(t.row, t.col), np.maximum(t.row, t.col)
    keep = lo != hi
    n = np.int64(max(t.n, 1))
    key, weight = _sum_by_key(lo[keep].astype(np.int64) * n + hi[keep], t.weight[keep])
    return _Ties(key // n, key % n, weight, t.n)


def _upper_of_symmetric(ties: sp.csr_array, symmetric: sp.csr_array) -> _Ties | None:
    """``_upper(_ties_of(ties))`` read from ``symmetric`` (``(ties + ties.T).tocsr()``), or None
    when that would not be the same to the last bit.

    Each pair's weight there is the sum of its two directions' (one addition: the same in either
    order), in row-major order; without the organisation-long coordinate arrays, pair keys and
    their sort of :func:`_upper` (at a million people about 0.7 GB at once). Not the same, so not
    used, when ``ties`` has duplicate entries (more than two terms to add, in some order) or a
    weight that is not positive (scipy drops sums of zero).

    Examples
    --------
    >>> t = sp.csr_array(np.array([[0, 2.0, 0], [1.0, 0, 4.0], [0, 0, 5.0]]))
    >>> u = _upper_of_symmetric(t, (t + t.T).tocsr())
    >>> u.row.tolist(), u.col.tolist(), u.weight.tolist()
    ([0, 1], [1, 2], [3.0, 4.0])
    """
    if (ties.shape != symmetric.shape or not ties.has_canonical_format or not symmetric.has_sorted_indices
            or not bool(np.all(ties.data > 0))):
        return None
    n = int(symmetric.shape[0])
    row = np.repeat(np.arange(n, dtype=np.int32 if n <= np.iinfo(np.int32).max else np.int64),
                    np.diff(symmetric.indptr))
    above = np.greater(symmetric.indices, row)
    row = row[above].astype(np.int64)
    return _Ties(row, symmetric.indices[above].astype(np.int64), np.asarray(symmetric.data[above], dtype=float), n)


def _sum_by_key(key: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys, sorted, and the weights of each summed (in their order of appearance)."""
    order = np.argsort(key, kind="stable")
    key, weight = key[order], weight[order]
    if len(key) == 0:
        return key, weight
    starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
    return key[starts], np.add.reduceat(weight, starts)


def _edge_columns(adjacency: sp.sparray, *, hi: float = 6, max_ties: int | None = None) -> dict[str, list[Any]]:
    return _edge_columns_of(_upper(_ties_of(adjacency)), hi=hi, max_ties=max_ties)


def _edge_columns_of(upper: _Ties, *, hi: float = 6, max_ties: int | None = None) -> dict[str, list[Any]]:
    row, col, weight = upper.row, upper.col, upper.weight
    if len(row) == 0:
        return {"from": [], "to": [], "width": []}
    if max_ties is not None and len(row) > max_ties:
        keep = _strongest(row, col, weight, upper.n, max_ties)
        row, col, weight = row[keep], col[keep], weight[keep]
    w = np.log1p(weight)
    width = np.round(0.5 + (hi - 0.5) * w / w.max(), 2)
    return {"from": row.tolist(), "to": col.tolist(), "width": width.tolist()}


def _strongest(row: np.ndarray, col: np.ndarray, weight: np.ndarray, n: int, budget: int) -> np.ndarray:
    """Indices of at most ``budget`` ties: every person's strongest tie, then the heaviest others.

    Examples
    --------
    Tie 2 (weight 1) is person 3's strongest, so it stays before the heavier tie 1:

    >>> _strongest(np.array([0, 0, 2, 1]), np.array([1, 2, 3, 2]), np.array([5.0, 4.0, 1.0, 6.0]), 4, 3).tolist()
    [0, 2, 3]
    """
    # Both ends of every tie (tie i at places i and m + i), each end's ties heaviest first; the
    # temporaries are let go as soon as read: at a million people each is 2 x 7 million long.
    m = len(row)
    ends = np.empty(2 * m, dtype=np.int32 if n <= np.iinfo(np.int32).max else np.int64)
    ends[:m], ends[m:] = row, col
    lighter = np.concatenate([weight, weight])
    np.negative(lighter, out=lighter)
    order = np.lexsort((lighter, ends))
    del lighter
    sorted_ends = ends[order]
    del ends
    first = np.ones(len(order), dtype=bool)
    first[1:] = sorted_ends[1:] != sorted_ends[:-1]
    del sorted_ends
    tie = order[first]
    del order, first
    tie[tie >= m] -= m
    chosen = np.zeros(m, dtype=bool)
    chosen[tie] = True
    by_weight = np.argsort(-weight, kind="stable")
    chosen_order = np.concatenate([np.flatnonzero(chosen)[np.argsort(-weight[chosen], kind="stable")],
                                   by_weight[~chosen[by_weight]]])
    return np.sort(chosen_order[:budget])


def people_map_data(findings: Findings, rows: np.ndarray | None = None, *, seed: int = 0, title: str = "",
                    note: str = "", flags: pd.DataFrame | None = None, colour_first: str | None = None,
                    outside: tuple[np.ndarray, list[str], list[str]] | None = None,
                    xy: np.ndarray | None = None, max_ties: int | None = None, compact: bool = False,
                    symmetric: sp.sparray | None = None, columns: PersonColumns | None = None,
                    upper: _Ties | None = None) -> dict[str, Any]:
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
    colour_first : str, optional
        The column people are coloured by at first (a drill-down map: the next level down).
    outside : (codes, labels, links), optional
        Everyone's group (codes into ``labels``, -1 for none) and each group's page: ties from
        ``rows`` to people outside them are drawn as stubs towards those groups.
    xy : numpy.ndarray, optional
        Positions, when already computed (else a force-directed layout of the ties).
    max_ties : int, optional
        Draw at most this many ties: every person's strongest first, then the heaviest.
    compact : bool
        For the WebGL page: whole-number positions and sizes, no metric values, reasons or
        per-person texts beyond roles (the person's drill-down map has them), no tie widths.
    symmetric : scipy.sparse array, optional
        ``findings.ties + findings.ties.T`` in CSR form, when already computed (for the stubs).
    columns : PersonColumns, optional
        :func:`person_columns`, when already computed (then ``flags`` is not read).
    upper : _Ties, optional
        Everyone's ties as :func:`_upper` gives them, when already computed (``rows`` None).

    Returns
    -------
    dict
        Column-wise node and edge data (see ``templates/map.html``).
    """
    c = person_columns(findings, flags) if columns is None else columns
    everyone = rows is None
    rows = np.arange(len(c.ids)) if rows is None else np.asarray(rows, dtype=np.int64)
    if upper is None or not everyone:
        a = findings.ties
        ties = _ties_of(a) if everyone or len(rows) == a.shape[0] else _submatrix(sp.csr_array(a), rows, c.position)
        upper = _upper(ties)
        del ties
    watcher = c.watcher[rows]
    if xy is None:
        xy = _layout_of(upper, seed=seed, last=watcher)
    xy = np.round(np.asarray(xy, dtype=float), 0 if compact else 1)
    first = [colour_first] if colour_first else []
    colour_by = {k: _categories_of(c.colours[k][0][rows], c.colours[k][1])
                 for k in dict.fromkeys(first + ["department", "community"] + ([] if compact else ["team"]))
                 if k in c.colours and not c.missing[k][rows].all()}
    colour_by["role"] = _categories_of(c.role[0][rows], c.role[1])
    size_by = {}
    for k, label in SIZE_METRICS.items():
        if k in c.sizes:
            v = c.sizes[k][rows]
            if compact:  # whole-number sizes, no values
                size_by[k] = {"label": label, "size": np.round(_sizes(v)).astype(int).tolist()}
            else:
                size_by[k] = {"label": label, "size": _sizes(v),
                              "value": np.nan_to_num(np.round(v, 6), nan=0.0).tolist()}
    mark = c.mark[rows]
    if compact:  # roles only
        info = {"roles": c.roles[rows].tolist()}
    else:
        info = {key: c.text[key][rows].tolist() if key in c.text else []
                for key in ("department", "community", "pyramid")}
        info["roles"] = c.roles[rows].tolist()
        info["reasons"] = c.reasons[rows].tolist()
    edges = _edge_columns_of(upper, max_ties=max_ties)
    if compact:
        edges["width"] = []
    shown_ties, all_ties = len(edges["from"]), len(upper.row)
    if shown_ties < all_ties:
        note = (note + "; " if note else "") + f"lines: the {shown_ties:,} strongest of {all_ties:,} ties"
    return {
        "what": "people", "title": title or "network map", "note": note,
        "ids": c.ids[rows].tolist(), "labels": c.names[rows].tolist(),
        "x": xy[:, 0].tolist(), "y": xy[:, 1].tolist(),
        "colourBy": colour_by, "sizeBy": size_by, "mark": mark.tolist(), "info": info,
        "watcher": watcher.astype(int).tolist(),
        "edges": edges, "links": [],
        "stubs": _stubs(findings, rows, xy, outside, symmetric, c.position) if outside is not None else _NO_STUBS,
        "periods": _people_periods(findings, rows, c.position),
    }


def _people_periods(findings: Findings, rows: np.ndarray, position: np.ndarray) -> dict[str, Any] | None:
    """Per period (``--by``): the people on this map flagged as ambassadors in it (map positions).

    None when the findings have fewer than two periods. The findings keep each period's
    ambassadors and silos, not its ties, so the period slider marks people, it does not redraw ties.
    """
    periods = findings.periods
    if periods is None or len(periods.table) < 2:
        return None
    position[rows] = np.arange(len(rows))  # the map's scratch (PersonColumns.position), reset below
    flagged = []
    try:
        for codes in periods.ambassadors:
            local = position[np.asarray(codes, dtype=np.int64)]
            flagged.append(np.sort(local[local >= 0]).tolist())
    finally:
        position[rows] = -1
    return {"labels": periods.table["period"].astype(str).tolist(),
            "partial": periods.table["partial"].astype(bool).tolist(), "by": periods.by,
            "flagged": flagged, "total": [len(c) for c in periods.ambassadors]}


def _group_periods(findings: Findings, column: str, labels: list[str]) -> dict[str, Any] | None:
    """Per period: the groups on this map found to be silos in it (map positions), when the
    periods' grouping is the map's."""
    periods = findings.periods
    grouping = findings.groups.by_kind.get(column)
    if periods is None or len(periods.table) < 2 or periods.grouping != column or grouping is None:
        return None
    position = {lab: i for i, lab in enumerate(labels)}
    silos = [sorted(i for i in (position.get(grouping.label(int(c)) or "") for c in codes) if i is not None)
             for codes in periods.silos]
    return {"labels": periods.table["period"].astype(str).tolist(),
            "partial": periods.table["partial"].astype(bool).tolist(), "by": periods.by, "silos": silos}


@dataclass
class PersonColumns:
    """What a person map reads of everyone, as arrays: built once, then each map takes its rows.

    At a million people there are some 16,000 drill-down pages; taking rows of a few numpy arrays
    costs microseconds where taking rows of a pandas table and converting them cost milliseconds.
    Build it with :func:`person_columns`.
    """

    ids: np.ndarray  # str objects
    names: np.ndarray  # str objects, "" for none
    watcher: np.ndarray  # bool
    colours: dict[str, tuple[np.ndarray, np.ndarray]]  # column -> (codes into sorted labels, labels)
    missing: dict[str, np.ndarray]  # column -> bool: no value (a map colours by a column some of its people have)
    text: dict[str, np.ndarray]  # department, community, pyramid: str objects, "" for none
    sizes: dict[str, np.ndarray]  # SIZE_METRICS present: float, NaN for none
    roles: np.ndarray  # objects: each person's list of roles
    reasons: np.ndarray  # objects: each person's list of reasons
    role: tuple[np.ndarray, np.ndarray]  # first role ("no role"), as colour codes
    mark: np.ndarray  # MARK_AMBASSADOR | MARK_BROKER bits
    position: np.ndarray = field(repr=False)  # scratch: person -> place on the map being built, -1 elsewhere


def person_columns(findings: Findings, flags: pd.DataFrame | None = None) -> PersonColumns:
    """The arrays every person map of ``findings`` reads (:class:`PersonColumns`).

    ``flags`` is :func:`orgnet.report.content.people_flags`, when already computed.
    """
    p = findings.people
    flags = people_flags(findings) if flags is None else flags
    colour_columns = [c for c in dict.fromkeys([*HIERARCHY, "department", "community", "team"]) if c in p.columns]

    def text(column: str) -> np.ndarray:
        return np.asarray(p[column].astype("string").fillna("").to_numpy(dtype=object))

    watcher = ((p["pyramid_level"].astype("string") == "watcher").fillna(False).to_numpy(dtype=bool)
               if "pyramid_level" in p.columns else np.zeros(len(p), dtype=bool))
    roles = flags["roles"].to_numpy(dtype=object)
    return PersonColumns(
        ids=np.asarray(p["person"].astype(str).to_numpy(dtype=object)),
        names=text("name"),
        watcher=watcher,
        colours={c: _category_codes(p[c]) for c in colour_columns},
        missing={c: p[c].isna().to_numpy(dtype=bool) for c in colour_columns},
        text={k: text(c) for k, c in (("department", "department"), ("community", "community"),
                                      ("pyramid", "pyramid_level")) if c in p.columns},
        sizes={k: p[k].to_numpy(dtype=float, na_value=np.nan) for k in SIZE_METRICS if k in p.columns},
        roles=roles,
        reasons=flags["reasons"].to_numpy(dtype=object),
        role=_category_codes(pd.Series([rs[0] if rs else "no role" for rs in roles], dtype="string")),
        mark=(flags["ambassador"].to_numpy().astype(np.int64) * MARK_AMBASSADOR
              + flags["broker"].to_numpy().astype(np.int64) * MARK_BROKER),
        position=np.full(len(p), -1, dtype=np.int64),
    )


def _rows_of(a: sp.csr_array, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The entries of ``a[rows]`` (position in ``rows``, column, value), read from the CSR arrays."""
    starts = a.indptr[rows].astype(np.int64)
    counts = a.indptr[rows + 1].astype(np.int64) - starts
    local = np.repeat(np.arange(len(rows)), counts)
    at = np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(int(counts.sum()))
    return local, a.indices[at].astype(np.int64), np.asarray(a.data[at], dtype=float)


def _submatrix(a: sp.csr_array, rows: np.ndarray, position: np.ndarray) -> _Ties:
    """The ties among ``rows`` (numbered by their place in ``rows``), in time proportional to the
    rows' ties: scipy's ``a[rows][:, rows]`` allocates a vector as long as ``a`` is wide, once per
    drill-down page. ``rows`` sorted: the ties come in row-major order."""
    local, col, data = _rows_of(a, rows)
    position[rows] = np.arange(len(rows))
    try:
        col = position[col]
    finally:
        position[rows] = -1
    keep = col >= 0
    return _Ties(local[keep], col[keep], data[keep], len(rows))


_NO_STUBS: dict[str, Any] = {"labels": [], "links": [], "x": [], "y": [], "weight": [], "from": [], "to": [],
                             "width": [], "more": 0}


def _stubs(findings: Findings, rows: np.ndarray, xy: np.ndarray, outside: tuple[np.ndarray, list[str], list[str]],
           symmetric: sp.sparray | None, position: np.ndarray) -> dict[str, Any]:
    """Ties from ``rows`` to people elsewhere, gathered by the group they reach: one small node per
    outside group (the :data:`STUB_GROUPS` with most weight) on a ring around the map, in the
    direction of the members who reach it, and one stub per member and group."""
    codes, labels, links = outside
    a = (findings.ties + findings.ties.T).tocsr() if symmetric is None else symmetric
    if len(rows) == 0:
        return _NO_STUBS
    k = len(labels)
    # Person x outside group: tie weight, from the rows' ties alone (``position`` marks the map's
    # people; a vector as long as the organisation per page would make the pages quadratic).
    local, col, data = _rows_of(sp.csr_array(a), rows)
    position[rows] = np.arange(len(rows))
    try:
        elsewhere = position[col] < 0
    finally:
        position[rows] = -1
    group = codes[col]
    keep = elsewhere & (group >= 0)
    key, weight = _sum_by_key(local[keep] * np.int64(k) + group[keep], data[keep])
    if len(key) == 0:
        return _NO_STUBS
    reach = _Ties(key // k, key % k, weight, len(rows))
    total = np.bincount(reach.col, weights=reach.weight, minlength=k)
    reached = np.flatnonzero(total > 0)
    top = reached[np.argsort(-total[reached], kind="stable")[:STUB_GROUPS]]
    slot = np.full(k, -1)
    slot[top] = np.arange(len(top))
    keep = slot[reach.col] >= 0
    pr, pg, w = reach.row[keep], slot[reach.col[keep]], reach.weight[keep]
    centre = xy[pr].mean(axis=0)
    # Just outside where most members are (a few outliers far out do not push the ring away).
    # (and people with no tie at all, whom the layout pushes to the rim, are left out of it).
    reaching = distinct(pr)
    radius = float(np.quantile(np.hypot(*(xy[reaching] - centre).T), 0.9) or 1.0) * 1.3 + 40
    # Each outside group sits in the mean direction of the members who reach it, then spread apart.
    gx = np.bincount(pg, weights=w * (xy[pr, 0] - centre[0]), minlength=len(top))
    gy = np.bincount(pg, weights=w * (xy[pr, 1] - centre[1]), minlength=len(top))
    angle = np.arctan2(gy, gx)
    order = np.argsort(angle, kind="stable")
    spaced = np.empty(len(top))
    spaced[order] = np.sort(angle) * 0.5 + np.linspace(-np.pi, np.pi, len(top), endpoint=False) * 0.5
    sx = np.round(centre[0] + radius * np.cos(spaced), 1)
    sy = np.round(centre[1] + radius * np.sin(spaced), 1)
    lw = np.log1p(w)
    return {"labels": [str(labels[g]) for g in top], "links": [links[g] for g in top],
            "x": sx.tolist(), "y": sy.tolist(), "weight": np.round(total[top], 2).tolist(),
            "from": pr.tolist(), "to": pg.tolist(), "width": np.round(0.5 + 2.5 * lw / lw.max(), 2).tolist(),
            "more": int(len(reached) - len(top))}


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


def group_file_name(label: str, key: str | None = None) -> str:
    """A safe, unique file name for a group's drill-down map (ASCII slug + short hash).

    ``key`` (the group's path from the top, when labels can repeat across levels) makes the
    hash; the slug is always from the label.

    Examples
    --------
    >>> group_file_name("R&D / Paris")
    'R-D-Paris-...html'
    >>> group_file_name("../../etc") != group_file_name("etc")
    True
    >>> group_file_name("Sales", "EMEA/Sales") != group_file_name("Sales", "APAC/Sales")
    True
    """
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", label).strip("-")[:40] or "group"
    digest = hashlib.sha1((label if key is None else key).encode("utf-8")).hexdigest()[:8]
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


def map_levels(findings: Findings) -> list[str]:
    """The groupings of the drill-down maps, coarse to fine.

    The levels of :data:`HIERARCHY` the directory fills, starting at the first with two groups
    or more; without any, the one grouping :func:`map_group_column` picks. Empty for none.
    """
    p = findings.people
    present = [c for c in HIERARCHY if c in p.columns and p[c].notna().any()]
    while len(present) > 1 and p[present[0]].nunique() < 2:
        present.pop(0)
    if present and not findings.aggregate_only:
        return present
    column = map_group_column(findings)
    return [column] if column else []


def _level_codes(findings: Findings, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Everyone's group at a level (people without one share a "(no <level>)" group)."""
    values = findings.people[column].astype("string")
    return _codes_from(values.fillna(f"(no {column})"))


def group_layout(m: np.ndarray, sizes: np.ndarray, labels: list[str], *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Group positions (force-directed, then freed of overlaps, labels included) and disc radii."""
    radius = np.round(12 + 48 * np.sqrt(sizes / max(float(sizes.max()), 1.0)), 1) if len(sizes) else np.zeros(0)
    xy = layout(sp.csr_array(m), seed=seed)
    half, up, down = box_extents(radius, labels, font=GROUP_FONT)
    return separate(xy, half, up, down), radius


#: Font size of group labels on group maps (``templates/map.html`` draws them at this size).
GROUP_FONT = 16


def group_map_data(findings: Findings, *, column: str | None = None, seed: int = 0,
                   max_groups: int | None = MAP_MAX_GROUPS, rows: np.ndarray | None = None,
                   links: list[str] | None = None, title: str = "",
                   level_codes: tuple[np.ndarray, np.ndarray] | None = None) -> dict[str, Any]:
    """Map data with one node per group (size: members) and weighted group-to-group edges.

    Parameters
    ----------
    findings : Findings
        The analysis.
    column : str, optional
        The grouping (default: :func:`map_group_column`).
    seed : int
        Layout seed.
    max_groups : int or None
        Draw only this many groups (the largest; None: all).
    rows : numpy.ndarray, optional
        Only these people (a group's sub-groups); groups from ``findings.people[column]``.
    links : list of str, optional
        Each group's page, in the order of the groups' labels (sorted); the default names
        ``maps/<group_file_name(label)>``.
    title : str
        Page title (default: "<column>s as nodes").
    level_codes : (codes, labels), optional
        Everyone's group code at ``column`` and the labels, when the caller has them already
        (the drill-down writes a page per group: computing them for everyone on every page
        made the maps quadratic in the number of groups).

    Groups hidden by privacy are never drawn; aggregate-only findings have no pages to link.
    """
    column = column or map_group_column(findings, max_groups=max_groups or 10**9) or findings.groups.primary
    if rows is None and (findings.aggregate_only or column not in findings.people.columns):
        labels, sizes, m = _group_weights(findings, column)
    else:
        from orgnet.metrics.groups import group_matrix

        codes, labels = level_codes if level_codes is not None else _level_codes(findings, column)
        if rows is not None:
            codes = codes[rows]
        used = np.unique(codes)
        codes = np.searchsorted(used, codes)
        labels = labels[used]
        a = findings.ties if rows is None else findings.ties[rows][:, rows]
        m = group_matrix(a, codes, len(labels))
        sizes = np.bincount(codes, minlength=len(labels))
    total = len(labels)
    keep = np.arange(total)
    if max_groups is not None and total > max_groups:
        keep = np.sort(np.argsort(-sizes, kind="stable")[:max_groups])
        m, labels, sizes = m[np.ix_(keep, keep)], labels[keep], sizes[keep]
    if links is not None:
        links = [links[i] for i in keep]
    labels = np.asarray([str(x) for x in labels], dtype=object)
    m = np.array(m, dtype=float)
    full = m.copy()
    np.fill_diagonal(m, 0)
    m = strongest_ties(m + m.T, GROUP_MAP_TIES)
    xy, radius = group_layout(m, np.asarray(sizes, dtype=float), labels.tolist(), seed=seed)
    xy = np.round(xy, 1)
    info_reason = [""] * len(labels)
    ei = np.full(len(labels), np.nan)
    silo = np.zeros(len(labels), dtype=bool)
    if column in findings.groups.by_kind and rows is None:
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
    rank = np.empty(len(labels), dtype=np.int64)
    rank[np.argsort(-np.asarray(sizes), kind="stable")] = np.arange(len(labels))
    colours = {"labels": labels.tolist(), "colours": [palette(len(labels))[r] for r in rank],
               "codes": list(range(len(labels)))}
    roles = [[f"{int(s):,} people"] + ([f"E-I index {e:+.2f}"] if np.isfinite(e) else [])
             + (["silo"] if flag else []) for s, e, flag in zip(sizes, ei, silo, strict=True)]
    people = int(np.sum(sizes)) if rows is not None else int(findings.summary.people)
    if links is None:
        links = [] if findings.aggregate_only else [f"maps/{group_file_name(str(lab))}" for lab in labels]
    return {
        "what": "groups", "title": title or f"{column}s as nodes", "groupKind": column,
        "note": f"{people:,} people: each node is a {column}"
                + ("" if not links else "; double-click one to see its people")
                + (f"; the {len(labels):,} largest of {total:,} {column}s are shown" if total > len(labels) else "")
                + (f" (lines: each {column}'s {GROUP_MAP_TIES} strongest ties)" if len(labels) > GROUP_MAP_TIES + 1
                   else ""),
        "ids": labels.tolist(), "labels": labels.tolist(), "x": xy[:, 0].tolist(), "y": xy[:, 1].tolist(),
        "colourBy": {column: colours},
        "sizeBy": {"members": {"label": "members", "size": radius.tolist(), "value": np.asarray(sizes).tolist()}},
        "mark": [0] * len(labels),
        "info": {column: labels.tolist(), "roles": roles, "reasons": [[r] if r else [] for r in info_reason]},
        "edges": _edge_columns(sp.csr_array(m), hi=12),
        "matrix": _matrix(full, labels.tolist(), np.asarray(sizes)),
        "links": links,
        "periods": _group_periods(findings, column, labels.tolist()),
    }


def _matrix(m: np.ndarray, labels: list[str], sizes: np.ndarray, *, most: int = 60) -> dict[str, Any]:
    """The group-to-group tie weights for the matrix view: the ``most`` largest groups, rows and
    columns in the map's order of size."""
    order = np.argsort(-sizes, kind="stable")[:most]
    sub = np.asarray(m, dtype=float)[np.ix_(order, order)]
    return {"labels": [labels[i] for i in order], "index": order.tolist(), "weight": np.round(sub, 2).tolist(),
            "more": int(max(0, len(labels) - most))}


def _codes_from(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes into the sorted distinct texts (-1: none), and those texts.

    The distinct texts are found by hashing and only they are sorted: numpy's ``unique`` of the
    texts as a fixed-width array took four bytes per character of the longest, for everyone, twice
    (a million people's team names: some 0.5 GB).

    Examples
    --------
    >>> codes, labels = _codes_from(pd.Series(["b", None, "a", "b", "ä"]))
    >>> codes.tolist(), labels.tolist()
    ([1, -1, 0, 1, 2], ['a', 'b', 'ä'])
    """
    text = values.astype("string")
    valid = text.notna().to_numpy()
    found, distinct_texts = pd.factorize(text[valid])
    labels = np.asarray(distinct_texts, dtype=object)
    if any(label.endswith("\x00") for label in labels):  # a fixed-width array drops trailing NULs: as before
        fixed = np.unique(text[valid].to_numpy(dtype=str))
        codes = np.full(len(text), -1, dtype=np.int64)
        codes[valid] = np.searchsorted(fixed, text[valid].to_numpy(dtype=str))
        return codes, fixed.astype(object)
    order = np.argsort(labels, kind="stable")  # code point order, as numpy's strings sort
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    codes = np.full(len(text), -1, dtype=np.int64)
    codes[valid] = rank[found]
    return codes, labels[order]


def _safe_json(data: dict[str, Any]) -> str:
    # Inside <script>, "<", ">" and "&" are escaped so no name can close the tag or inject markup.
    return _escape_script(json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False))


def _escape_script(text: str) -> str:
    """``<``, ``>`` and ``&`` as JSON escapes (one character each: a text may be escaped piece by piece)."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


#: Items of a list encoded at a time by :func:`_json_pieces`.
JSON_PIECE = 16_384


def _json_pieces(value: Any, piece: int = JSON_PIECE) -> Iterator[str]:
    """``json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)`` in pieces.

    Joined, the pieces are that text exactly; each is made by json's C encoder, a dict with text
    keys key by key and a long list ``piece`` items at a time, so a map of a million people is
    never one text (nor its escaped copy, the page around it and the page's UTF-8 bytes). A
    one-dimensional numpy array is written as its ``tolist()`` would be, a piece at a time.

    Examples
    --------
    >>> "".join(_json_pieces({"a": [1, 2.5, "x"], "b": {"c": None}}, piece=2))
    '{"a":[1,2.5,"x"],"b":{"c":null}}'
    """
    if not _long(value, piece):  # a drill-down page's data: one call, as before
        yield json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    elif isinstance(value, dict) and value and all(isinstance(k, str) for k in value):
        separator = "{"
        for k, v in value.items():
            yield separator + json.dumps(k, ensure_ascii=False) + ":"
            yield from _json_pieces(v, piece)
            separator = ","
        yield "}"
    elif isinstance(value, np.ndarray) and value.ndim == 1:  # as its list would be
        if len(value) == 0:
            yield "[]"
        for start in range(0, len(value), piece):
            text = json.dumps(value[start:start + piece].tolist(), ensure_ascii=False, separators=(",", ":"),
                              allow_nan=False)
            yield ("[" if start == 0 else ",") + text[1:-1]
        if len(value):
            yield "]"
    elif isinstance(value, list) and len(value) > piece:
        for start in range(0, len(value), piece):
            text = json.dumps(value[start:start + piece], ensure_ascii=False, separators=(",", ":"), allow_nan=False)
            yield ("[" if start == 0 else ",") + text[1:-1]
        yield "]"
    else:
        yield json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _long(value: Any, piece: int) -> bool:
    """Whether ``value`` holds a numpy array or a list of more than ``piece`` items (in dicts)."""
    if isinstance(value, dict):
        return any(_long(v, piece) for v in value.values())
    return isinstance(value, np.ndarray) or (isinstance(value, list) and len(value) > piece)


def _write_safe_json(data: dict[str, Any], fh: TextIO) -> None:
    """Write ``_safe_json(data)`` to ``fh`` piece by piece (the same text, never held whole)."""
    for text in _json_pieces(data):
        fh.write(_escape_script(text))


@functools.lru_cache(maxsize=1)
def webgl_assets() -> dict[str, str]:
    """The vendored graphology and sigma.js files (``orgnet/report/static``), licences prepended."""
    base = resources.files("orgnet.report") / "static"
    out = {}
    for name, licence in (("graphology.umd.min.js", "graphology.LICENSE.txt"), ("sigma.min.js", "sigma.LICENSE.txt")):
        notice = (base / licence).read_text(encoding="utf-8").replace("*/", "* /")
        out[name] = f"/*! {name}\n{notice}\n*/\n" + (base / name).read_text(encoding="utf-8")
    return out


@functools.lru_cache(maxsize=8)
def _template(name: str) -> str:
    """A file of ``orgnet/report/templates``, read once per process (a run writes thousands of maps)."""
    return (resources.files("orgnet.report") / "templates" / name).read_text(encoding="utf-8")


def render_map(data: dict[str, Any], path: Path, *, vis_src: str | None = None, home: str = "index.html",
               main_map: str = "", trail: list[tuple[str, str]] | None = None, people_index: str = "",
               webgl_src: str | None = None) -> None:
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
    trail : list of (label, link), optional
        The groups between the main map and this page, coarse to fine (links to their maps).
    people_index : str
        Relative URL of ``people.js`` (search across everyone), if any.
    webgl_src : str, optional
        Relative URL of the folder holding sigma.js and graphology: the page is drawn with WebGL
        (``templates/map_webgl.html``) instead of vis-network.
    """
    if webgl_src is not None:
        template = _template("map_webgl.html")
        script = "".join(f'<script src="{html.escape(webgl_src + name)}"></script>\n' for name in webgl_assets())
        style = ""
    else:
        template = _template("map.html")
        js, css = vis_assets()
        if vis_src is None:
            script = "<script>\n" + js.replace("</script", "<\\/script") + "\n</script>"
            style = "<style>\n" + css + "\n</style>"
        else:
            script = f'<script src="{html.escape(vis_src)}"></script>'
            style = f'<link rel="stylesheet" href="{html.escape(vis_src[:-len(".min.js")] + ".css")}">'
    nav = f'<a href="{html.escape(home)}">report</a>'
    if main_map:
        nav += f' · <a href="{html.escape(main_map)}">main map</a>'
    for label, link in trail or []:
        nav += f' › <a href="{html.escape(link)}">{html.escape(label)}</a>'
    data = dict(data, peopleIndex=people_index)
    # The data go in last, so nothing in a name can be taken for a placeholder.
    template = template.replace("  /*__PEOPLE_SEARCH_JS__*/\n", _template("people_search.js"))
    page = (template.replace("<!--__VIS_CSS__-->", style)
            .replace("<!--__VIS_JS__-->", script)
            .replace("__TITLE__", html.escape(str(data.get("title", "network map"))))
            .replace("<!--__NAV__-->", nav))
    # The data are written where the page has "__GRAPH_DATA__", piece by piece: at a million
    # people their text, its page and the page's bytes were each hundreds of megabytes.
    before, *after = page.split("__GRAPH_DATA__")
    with path.open("w", encoding="utf-8") as fh:
        fh.write(before)
        for text in after:
            _write_safe_json(data, fh)
            fh.write(text)


@dataclass
class _Page:
    """One map page of the drill-down tree (for the search index and the whole-organisation map)."""

    link: str  # relative to the report folder
    rows: np.ndarray  # sorted rows of findings.people on it (a group page: its groups' members)
    xy: np.ndarray  # positions: of people (a person page) or of the groups (a group page)
    children: list[_Page] = field(default_factory=list)


class _Writer:
    """Writes the drill-down pages, level by level, and remembers where each person is."""

    def __init__(self, findings: Findings, folder: Path, levels: list[str], *, max_people: int, seed: int) -> None:
        self.f, self.folder, self.levels = findings, folder, levels
        self.max_people, self.seed = max_people, seed
        self.flags = people_flags(findings)
        self.symmetric = (findings.ties + findings.ties.T).tocsr()
        self.columns = person_columns(findings, self.flags)
        self.codes = [_level_codes(findings, c) for c in levels]
        # Every top-level group's page, for the stubs (ties to a group link to its map).
        self.top = self.plan_links(np.arange(findings.n), 0, "")
        self.top_links = [self.top.get(c, "") for c in range(len(self.codes[0][1]))]

    def key(self, depth: int, code: int, parent: str) -> str:
        return f"{parent}\x1f{self.levels[depth]}\x1f{self.codes[depth][1][code]}"

    def plan_links(self, rows: np.ndarray, depth: int, parent: str) -> dict[int, str]:
        """The page of every group at ``depth`` among ``rows``."""
        codes, labels = self.codes[depth]
        return {int(c): "maps/" + group_file_name(str(labels[c]), self.key(depth, int(c), parent))
                for c in np.unique(codes[rows])}

    def group(self, rows: np.ndarray, depth: int, code: int, link: str, parent: str,
              trail: list[tuple[str, str]]) -> _Page:
        """Write the page of group ``code`` at level ``depth`` (members ``rows``) and those below it."""
        column = self.levels[depth]
        label = str(self.codes[depth][1][code])
        title = f"{column} {label}"
        nav = {"home": "../index.html", "main_map": "../map.html", "people_index": "people.js",
               "trail": [(lab, "../" + lk) for lab, lk in trail]}
        finer = depth + 1 < len(self.levels)
        sub_codes = self.codes[depth + 1][0][rows] if finer else None
        if len(rows) > self.max_people and sub_codes is not None and len(np.unique(sub_codes)) >= 2:
            key = self.key(depth, code, parent)
            links = self.plan_links(rows, depth + 1, key)
            ordered = [links[c] for c in sorted(links)]
            data = group_map_data(self.f, column=self.levels[depth + 1], rows=rows, seed=self.seed,
                                  max_groups=None, links=[lk[len("maps/"):] for lk in ordered],
                                  title=f"{title}: its {self.levels[depth + 1]}s", level_codes=self.codes[depth + 1])
            render_map(data, self.folder / link, vis_src="../static/vis-network.min.js", **nav)
            page = _Page(link, rows, np.column_stack([data["x"], data["y"]]))
            sub_trail = trail + [(label, link)]
            for c in sorted(links):
                members = rows[sub_codes == c]
                page.children.append(self.group(members, depth + 1, c, links[c], key, sub_trail))
            return page
        top_codes, top_labels = self.codes[0]
        outside = (top_codes, [str(x) for x in top_labels], ["../" + lk for lk in self.top_links])
        webgl = len(rows) > WEBGL_FROM
        data = people_map_data(self.f, rows, seed=self.seed, flags=self.flags, title=title,
                               colour_first=self.levels[depth + 1] if finer else None, outside=outside,
                               max_ties=WEBGL_MAX_TIES if webgl else None, compact=webgl, symmetric=self.symmetric,
                               columns=self.columns)
        if webgl:
            render_map(data, self.folder / link, webgl_src="../static/", **nav)
        else:
            render_map(data, self.folder / link, vis_src="../static/vis-network.min.js", **nav)
        return _Page(link, rows, np.column_stack([data["x"], data["y"]]))

    def top_group(self, code: int) -> _Page:
        """The page of top-level group ``code`` and those below it."""
        return self.group(np.flatnonzero(self.codes[0][0] == code), 0, code, self.top[code], "", [])


def _top_order(size: np.ndarray) -> list[int]:
    """The top-level groups with members (``size``: members per code), largest first: the order
    the pages are claimed in, so that the two processes drawing them finish close together."""
    return sorted(np.flatnonzero(size).tolist(), key=lambda c: (-int(size[c]), c))


def _walk(root: _Page, n: int) -> tuple[list[str], list[str], np.ndarray]:
    """The pages of the tree below ``root`` in drawing order (each group before its own groups),
    the person pages among them, and each person's place in those (-1: on none)."""
    written: list[str] = []
    pages: list[str] = []
    place = np.full(n, -1, dtype=np.int64)
    stack = list(reversed(root.children))
    while stack:
        page = stack.pop()
        written.append(page.link)
        if page.children:
            stack.extend(reversed(page.children))
        else:
            place[page.rows] = len(pages)
            pages.append(page.link)
    return written, pages, place


def _nested_positions(page: _Page) -> np.ndarray:
    """The positions of ``page.rows`` on the whole-organisation map, in their order: each group's
    people inside its disc (area: members), the discs where the group map put them, freed of overlaps.

    Each page's positions are as long as its own rows (a child's rows are a sorted subset of its
    parent's), never as long as the organisation: at a million people and 20,000 pages an array
    of everyone per page took seconds.
    """
    if not page.children:
        return page.xy - page.xy.mean(axis=0) if len(page.xy) else np.zeros((0, 2))
    out = np.zeros((len(page.rows), 2))
    radius = np.array([np.sqrt(len(c.rows)) * 30.0 for c in page.children])
    half, up, down = box_extents(radius, None, gap=radius.mean() * 0.15)
    centres = separate(page.xy, half, up, down)
    inner = [_nested_positions(c) for c in page.children]
    for c, pts in zip(page.children, nest(centres, radius, inner), strict=True):
        out[np.searchsorted(page.rows, c.rows)] = pts
    return out


def map_columns(findings: Findings) -> list[str]:
    """The columns of ``findings.people`` :func:`write_maps` reads, in the table's order.

    Ids and names, the organisation's levels and groupings (:data:`HIERARCHY`, the group map's
    columns, the primary grouping and every grouping's kind), the engagement level and the
    :data:`SIZE_METRICS`. The process drawing the maps of a large organisation gets only these
    (:mod:`orgnet.report.background`): at a million people the other columns (addresses, titles,
    sources, the other measures) are some 0.4 GB it need not read.

    Examples
    --------
    >>> from orgnet.findings import analyze
    >>> from orgnet.synthetic import toy_org
    >>> f = analyze(toy_org().events, directory=toy_org().directory)
    >>> {"person", "name", "department", "pagerank"} <= set(map_columns(f)) < set(f.people.columns)
    True
    """
    read = {"person", "name", "pyramid_level", "department", "community", "team", *HIERARCHY, *_GROUP_COLUMNS,
            *SIZE_METRICS, findings.groups.primary, *findings.groups.by_kind}
    return [c for c in findings.people.columns if c in read]


def _write_people_index(path: Path, columns: PersonColumns, pages: list[str], place: np.ndarray) -> None:
    """``people.js``: everyone's name, id and the page of their group, for search from any map
    (names and ids from ``columns``: the same texts, not made again; lists written piece by piece)."""
    data = {"names": columns.names, "ids": columns.ids, "page": place, "pages": pages}
    with path.open("w", encoding="utf-8") as fh:
        fh.write("window.orgnetPeople = ")
        _write_safe_json(data, fh)
        fh.write(";\n")


def write_maps(findings: Findings, folder: Path, *, max_people: int = MAP_MAX_PEOPLE,
               seed: int = 0, shared: Path | None = None) -> tuple[list[str], dict[str, Any] | None]:
    """Write ``map.html`` (people, or groups above ``max_people``) and the drill-down maps.

    Parameters
    ----------
    findings : Findings
        The analysis.
    folder : Path
        The report folder.
    max_people : int
        Above this many people the main map shows groups, each with its own drill-down map.
    seed : int
        Seed of the layouts.
    shared : Path, optional
        A folder (empty, on the report's file system) through which another process draws some
        of the drill-down pages with :func:`draw_unclaimed_groups`: each top-level group's pages
        are drawn by whichever process claims the group first, this one then waits for the
        others' and writes ``maps/people.js`` and ``maps/everyone.html``. The files are the same
        whoever draws them.

    Returns
    -------
    pages : list of str
        The map pages written, relative to ``folder``: ``map.html`` first, then one per group at
        every level (``maps/everyone.html`` and ``maps/people.js`` are written too, not listed).
    group_data : dict or None
        The group map's data when the main map shows groups.
    """
    n = findings.n
    levels = map_levels(findings)
    if findings.aggregate_only:
        if not levels:
            return [], None
        data = group_map_data(findings, column=levels[0], seed=seed)
        render_map(data, folder / "map.html")
        return ["map.html"], data
    (folder / "static").mkdir(exist_ok=True)
    if n <= max_people or not levels:
        webgl = n > WEBGL_FROM
        data = people_map_data(findings, None, seed=seed, title=f"{n:,} people",
                               max_ties=WEBGL_MAX_TIES if webgl else None, compact=webgl)
        if webgl:
            _copy_webgl(folder)
            render_map(data, folder / "map.html", webgl_src="static/")
        else:
            render_map(data, folder / "map.html")
        return ["map.html"], None
    (folder / "maps").mkdir(exist_ok=True)
    _copy_webgl(folder)
    js, css = vis_assets()
    (folder / "static" / "vis-network.min.js").write_text(js, encoding="utf-8")
    (folder / "static" / "vis-network.css").write_text(css, encoding="utf-8")
    writer = _Writer(findings, folder, levels, max_people=max_people, seed=seed)
    top = writer.top
    everyone = np.arange(n)
    data = group_map_data(findings, column=levels[0], seed=seed, max_groups=None,
                          links=[top[c] for c in sorted(top)], rows=everyone,
                          title=f"{levels[0]}s as nodes")
    data["everyone"] = "maps/everyone.html"
    render_map(data, folder / "map.html", people_index="maps/people.js")
    root = _Page("map.html", everyone, np.column_stack([data["x"], data["y"]]))
    claims = Claims(shared)
    drawn = {c: writer.top_group(c) for c in _top_order(np.bincount(writer.codes[0][0])) if claims.take(c)}
    root.children = [drawn[c] if c in drawn else claims.wait(c) for c in sorted(top)]
    del drawn
    written, pages, place = _walk(root, n)
    _write_people_index(folder / "maps" / "people.js", writer.columns, pages, place)
    del pages, place
    # The whole-organisation map is compact (no texts or reasons) and reads everyone's ties from
    # the symmetric matrix: the rest of the drill-down state goes first (at a million people the
    # texts, reasons and matrix are about 0.5 GB, and this map's ties as much again).
    columns = dataclasses.replace(writer.columns, text={}, reasons=np.zeros(0, dtype=object))
    upper = _upper_of_symmetric(findings.ties, writer.symmetric)
    del writer
    xy = np.zeros((n, 2))
    xy[root.rows] = _nested_positions(root)
    whole = people_map_data(findings, None, seed=seed, columns=columns, xy=xy, colour_first=levels[0],
                            title=f"everyone: {n:,} people", max_ties=WEBGL_MAX_TIES, compact=True,
                            note=f"each {levels[0]}'s people inside its disc", upper=upper)
    del upper, columns
    render_map(whole, folder / "maps" / "everyone.html", webgl_src="../static/", home="../index.html",
               main_map="../map.html", people_index="people.js")
    return ["map.html", *written], data


def draw_unclaimed_groups(findings: Findings, folder: Path, shared: Path, *, max_people: int = MAP_MAX_PEOPLE,
                          seed: int = 0, share_from: float = MAP_SHARE_FROM) -> int:
    """Draw the drill-down pages of the top-level groups no process has claimed yet.

    Run beside :func:`write_maps` called with the same ``shared`` folder in another process (a
    worker drawing the maps while this process wrote the rest of the report): each top-level
    group, largest first, is drawn by whichever process claims it first, and the pages drawn
    here are left in ``shared`` for :func:`write_maps` to finish the maps with. Nothing is
    drawn when the groups no one has claimed hold fewer than ``share_from`` of everyone
    (:data:`MAP_SHARE_FROM`): helping would cost about as much as it saves.

    Returns
    -------
    int
        The top-level groups drawn here.
    """
    levels = map_levels(findings)
    if findings.aggregate_only or findings.n <= max_people or not levels:
        return 0  # no drill-down pages: write_maps draws the one map
    claims = Claims(shared)
    codes = _level_codes(findings, levels[0])[0]
    size = np.bincount(codes)  # everyone has a top-level group ("(no division)" for none)
    order = _top_order(size)
    left = sum(int(size[c]) for c in order if not claims.taken(c))
    if left < share_from * findings.n:
        return 0
    writer = None
    drawn = 0
    for c in order:
        if not claims.take(c):
            continue
        if writer is None:
            (folder / "maps").mkdir(exist_ok=True)  # the other process may not have made it yet
            writer = _Writer(findings, folder, levels, max_people=max_people, seed=seed)
        claims.leave(c, writer.top_group(c))
        drawn += 1
    return drawn


def _copy_webgl(folder: Path) -> None:
    (folder / "static").mkdir(exist_ok=True)
    for name, text in webgl_assets().items():
        (folder / "static" / name).write_text(text, encoding="utf-8")
