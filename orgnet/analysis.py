"""analyze(events, directory, options) -> Findings: the one place where metrics are combined.

Connectors give events, :class:`~orgnet.graph.OrgGraph` gives arrays, the functions in
:mod:`orgnet.metrics` give numbers; this module decides which numbers make a finding and
puts them in tables the reporter renders as they are.

Examples
--------
>>> from orgnet.synthetic import toy_org
>>> org = toy_org()
>>> f = analyze(org.events, directory=org.directory)
>>> f.summary["people"] == len(org.directory), sorted(f.groups["kind"].unique())
(True, ['community', 'department'])
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, ExitStack, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgnet import connectors
from orgnet._parallel import effective_n_jobs, start_call
from orgnet.events import encode_ids, has_timestamps
from orgnet.findings.betweenness import PendingBetweenness, start_betweenness
from orgnet.graph import OrgGraph
from orgnet.identity import resolve_identities
from orgnet.metrics.ambassadors import ambassador_scores
from orgnet.metrics.centrality import degrees, distinct_partners, pagerank, strengths
from orgnet.metrics.communities import leiden
from orgnet.metrics.engagement import PYRAMID_LEVELS as LEVELS
from orgnet.metrics.engagement import engagement_levels, pyramid_counts
from orgnet.metrics.formal import (
    adjusted_rand_index,
    community_spans,
    department_splits,
    managers_vs_informal,
    normalized_mutual_info,
    reporting_line_agreement,
)
from orgnet.metrics.groups import ei_index, group_ties, membership
from orgnet.metrics.roles import (
    boundary_spanners,
    central_connectors,
    information_brokers,
    newcomers,
    peripheral_people,
)
from orgnet.metrics.silos import silo_report
from orgnet.metrics.time import (
    first_responses,
    getting_outside,
    per_period,
    response_half_life,
    response_rate_by_hour,
)

__all__ = ["AnalysisOptions", "Findings", "LoadedEvents", "analyze", "load_events"]

#: A step reporter: called with a step's description, returns a context manager around it.
StepReporter = Callable[[str], AbstractContextManager[Any]]


def _no_progress(_: str) -> AbstractContextManager[Any]:
    return nullcontext()


@dataclass(frozen=True)
class AnalysisOptions:
    """What to compute and how; every default is documented in ``docs/metrics.md``.

    Attributes
    ----------
    since, until : str or None
        Analyse events with ``since <= ts < until`` (dates or ISO timestamps).
    seed : int
        Seed for Leiden and for sampled betweenness: same seed, same results.
    resolution : float
        Leiden modularity resolution.
    betweenness_exact_below : int
        Exact betweenness below this many people, sampled pivots above.
    betweenness_pivots : int or None
        Number of source pivots when sampling; None: the Riondato–Kornaropoulos sample size
        for ``betweenness_epsilon`` and ``betweenness_delta``.
    betweenness_epsilon, betweenness_delta : float
        Target additive error on normalised betweenness, and the probability that some
        person's value falls outside its stated bounds (see docs/scale.md).
    weighted_paths : bool
        Betweenness paths use distance = 1 / tie weight; by default a path's length is its
        number of ties (hops).
    betweenness_directed : bool
        Betweenness along the direction of ties; by default ties count in either direction
        (someone who only answers still sits between the people they answer).
    include_external : bool
        Keep ties with parties outside the organisation.
    top : int
        How many people / groups the summary lists.
    by : {"week", "month", "quarter"} or None
        Also compute the findings per period, with their trends.
    engine : {"local", "dask"}
        Where events are aggregated into ties (:func:`orgnet.engines.aggregate_edges`);
        ``local`` builds the graph from the events directly. Only the adjacency's
        construction changes, never a result.
    scheduler : str or None
        Dask scheduler address for ``engine="dask"`` (a local cluster when None).
    workers : int or None
        Worker processes, as ``n_jobs`` in :mod:`orgnet._parallel`: None the cores available,
        1 none (everything in this process). Results do not depend on it.
    parallel_from : int
        From this many people sampled betweenness and the silo test run in worker processes
        beside the other steps (when ``workers`` allows more than one); below it starting the
        workers costs more than it saves.
    """

    since: str | None = None
    until: str | None = None
    seed: int = 0
    resolution: float = 1.0
    betweenness_exact_below: int = 5000
    betweenness_pivots: int | None = None
    betweenness_epsilon: float = 0.1
    betweenness_delta: float = 0.1
    weighted_paths: bool = False
    betweenness_directed: bool = False
    include_external: bool = False
    top: int = 10
    by: str | None = None
    engine: str = "local"
    scheduler: str | None = None
    workers: int | None = None
    parallel_from: int = 20_000


@dataclass
class LoadedEvents:
    """Events read from one or several exports, with what each reader saw.

    Attributes
    ----------
    events : pyarrow.Table
        All events, canonical ids.
    people : pandas.DataFrame
        Everyone the exports know (members with no activity included).
    sources : list of dict
        Per path: ``path``, ``format``, ``records_read``, ``records_skipped`` (reason -> count),
        ``events``.
    """

    events: pa.Table
    people: pd.DataFrame
    sources: list[dict[str, Any]] = field(default_factory=list)

    @property
    def records_skipped(self) -> dict[str, int]:
        """Skipped records by reason, summed over sources."""
        total: Counter[str] = Counter()
        for s in self.sources:
            total.update(s["records_skipped"])
        return dict(sorted(total.items()))


@dataclass
class Findings:
    """Everything the reporter renders; nothing in the reporter is computed.

    Attributes
    ----------
    graph : OrgGraph
        The graph the findings were computed on.
    people : pandas.DataFrame
        One row per person: ``person``, ``name``, ``department``, ``community`` and metric
        columns (written as ``people.csv``).
    groups : pandas.DataFrame
        One row per department and per community: ``group``, ``kind``, ``size``,
        ``internal_weight``, ``external_weight``, ``ei_index`` (``groups.csv``).
    summary : dict
        People, ties, events, period, sources and methods used.
    tables : dict of str to DataFrame
        Further tables, each written as ``<name>.csv``.
    sections : dict
        Further sections of ``findings.json``.
    """

    graph: OrgGraph
    people: pd.DataFrame
    groups: pd.DataFrame
    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    sections: dict[str, Any] = field(default_factory=dict)


def load_events(
    paths: Sequence[str | Path] | str | Path,
    *,
    format: str | None = None,
    directory: pd.DataFrame | None = None,
    aliases: pd.DataFrame | None = None,
    **options: Any,
) -> LoadedEvents:
    """Read one or several exports (format sniffed per path unless given) into one events table.

    People are resolved across sources to one canonical id (:func:`orgnet.identity.resolve_identities`):
    alias file first, then the directory, then the normalised e-mail.

    Parameters
    ----------
    paths : path or sequence of paths
        Files, folders or archives.
    format : str, optional
        Reader name for every path (see :data:`orgnet.connectors.READERS`).
    directory : pandas.DataFrame, optional
        HR directory; its ids are canonical and its e-mails link accounts to them.
    aliases : pandas.DataFrame, optional
        ``alias,person`` pairs (:func:`orgnet.identity.read_aliases`).
    **options
        Passed to the readers (e.g. ``column_map``).

    Returns
    -------
    LoadedEvents
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    results = [connectors.read(p, format=format, **options) for p in paths]
    events, people = resolve_identities(results, directory=directory, aliases=aliases)
    pa.default_memory_pool().release_unused()  # the readers' temporary Arrow buffers
    sources = [
        {
            "path": r.path,
            "format": r.format,
            "records_read": int(r.records_read),
            "records_skipped": dict(sorted(r.records_skipped.items())),
            "events": int(r.events.num_rows),
        }
        for r in results
    ]
    return LoadedEvents(events, people, sources)


def _period(events: pa.Table) -> tuple[str | None, str | None]:
    if not has_timestamps(events):
        return None, None
    lo, hi = pc.min_max(events.column("ts")).values()
    return _iso(lo.as_py()), _iso(hi.as_py())


def _iso(value: _dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def _group_table(graph: OrgGraph, codes: np.ndarray, labels: np.ndarray, kind: str) -> pd.DataFrame:
    internal, external = group_ties(graph.adjacency, codes, len(labels))
    size = np.bincount(codes[codes >= 0], minlength=len(labels))
    return pd.DataFrame(
        {
            "group": pd.array(labels.astype(str), dtype="string"),
            "kind": kind,
            "size": size.astype(np.int64),
            "internal_weight": internal,
            "external_weight": external,
            "ei_index": ei_index(internal, external),
        }
    )


def analyze(
    events: pa.Table,
    *,
    directory: pd.DataFrame | None = None,
    people: pd.DataFrame | None = None,
    options: AnalysisOptions | None = None,
    sources: Iterable[dict[str, Any]] = (),
    progress: StepReporter = _no_progress,
) -> Findings:
    """Build the graph and compute the findings.

    Parameters
    ----------
    events : pyarrow.Table
        Events (Event schema), canonical ids.
    directory : pandas.DataFrame, optional
        HR roster (:func:`orgnet.directory.read_directory`).
    people : pandas.DataFrame, optional
        People seen by the connectors (members with no activity included).
    options : AnalysisOptions, optional
        Defaults when not given.
    sources : iterable of dict
        What was read (see :class:`LoadedEvents`), copied into the summary.
    progress : callable
        ``progress(step)`` returns a context manager wrapped around each step.

    Returns
    -------
    Findings
    """
    opts = options or AnalysisOptions()
    with progress("Building the graph"):
        graph_options = dict(directory=directory, people=people, since=opts.since, until=opts.until,
                             include_external=opts.include_external)
        if opts.engine == "local":
            graph = OrgGraph.from_events(events, **graph_options)
        else:
            from orgnet.engines import aggregate_edges

            edges = aggregate_edges(events, opts.engine, opts.scheduler, since=opts.since, until=opts.until,
                                    include_external=opts.include_external)
            graph = OrgGraph.from_edges(edges, events=events, **graph_options)
    a = graph.adjacency
    table = graph.people.copy()
    pa.default_memory_pool().release_unused()  # the build's temporary Arrow buffers

    with progress("Degrees and strengths"):
        s_in, s_out = strengths(a)
        d_in, d_out = degrees(a)
        table["in_strength"], table["out_strength"] = s_in, s_out
        table["in_degree"], table["out_degree"] = d_in, d_out
        table["partners"] = distinct_partners(a)
    with progress("PageRank"):
        table["pagerank"] = pagerank(a)
    # Sampled betweenness on a large graph runs in worker processes while the metrics that do
    # not need it are computed; it is collected before the connectors (see start_betweenness).
    with progress("Betweenness"):
        pending = start_betweenness(
            a, weighted=opts.weighted_paths, exact_below=opts.betweenness_exact_below,
            pivots=opts.betweenness_pivots, epsilon=opts.betweenness_epsilon, delta=opts.betweenness_delta,
            seed=opts.seed, graph=graph.igraph(directed=opts.betweenness_directed),
            ties=graph.ties(directed=opts.betweenness_directed), directed=opts.betweenness_directed,
            n_jobs=opts.workers if graph.n >= opts.parallel_from else 1,
        )
    with ExitStack() as cleanup:  # the workers stop whatever happens
        cleanup.callback(pending.close)
        return _analyze_rest(graph, table, events, directory, opts, sources, progress, pending, cleanup)


def _analyze_rest(graph: OrgGraph, table: pd.DataFrame, events: pa.Table, directory: pd.DataFrame | None,
                  opts: AnalysisOptions, sources: Iterable[dict[str, Any]], progress: StepReporter,
                  pending: PendingBetweenness, cleanup: ExitStack) -> Findings:
    a = graph.adjacency
    # Filled in when the betweenness is collected; created here to keep the columns' order.
    table["betweenness"] = np.nan
    table["betweenness_certain"] = False
    with progress("Communities (Leiden)"):
        community = leiden(a, resolution=opts.resolution, seed=opts.seed, graph=graph.igraph(directed=False))
        # People with no tie are in no community (not each in one of their own).
        label = pd.Series(np.char.add("C", (community + 1).astype(str)), dtype="string")
        table["community"] = label.mask(table["partners"].to_numpy() == 0).array
        graph.people["community"] = table["community"].to_numpy()
        graph.forget_igraph()  # half a gigabyte at 1M people; nothing below needs it

    with progress("Groups and E-I index"):
        parts = []
        dept_codes, dept_labels = graph.group_codes("department")
        if len(dept_labels):
            parts.append(_group_table(graph, dept_codes, dept_labels, "department"))
        comm_codes, comm_labels = graph.group_codes("community")
        parts.append(_group_table(graph, comm_codes, comm_labels, "community"))
        groups = pd.concat(parts, ignore_index=True)
    # The silo test (a permutation baseline per group) needs only the ties and the group codes:
    # on a large organisation a worker process runs it beside the steps below.
    silo_groups = ([(dept_codes, dept_labels, "department")] if len(dept_labels) else []) + [
        (comm_codes, comm_labels, "community")]
    ids = graph.people["person"].to_numpy(dtype=str)
    silo_call = None
    if graph.n >= opts.parallel_from and effective_n_jobs(opts.workers) > 1:
        with progress("Silos (started in a worker process)"):
            silo_call = start_call(silo_table, a, ids, silo_groups, opts.seed, n_jobs=opts.workers)
            cleanup.callback(silo_call.close)

    timed = has_timestamps(graph.events)
    kind, codes, labels = _primary_groups(graph)
    frame = _coded_events(graph)
    tables: dict[str, pd.DataFrame] = {}
    sections: dict[str, Any] = {}
    with progress("Ambassadors"):
        tables["ambassadors"] = _ambassadors(graph, frame, codes, table)
    with progress("Engagement pyramid"):
        levels = engagement_levels(frame["kind"], graph.actor, graph.n)
        table["pyramid_level"] = np.asarray(levels, dtype=object)
        counts = pyramid_counts(levels, codes, labels)
        sections["pyramid"] = {
            "levels": list(LEVELS), "group_kind": kind,
            "overall": {lev: int(counts.iloc[0][lev]) for lev in LEVELS},
            "by_group": {str(r["group"]): {lev: int(r[lev]) for lev in LEVELS} for _, r in counts.iloc[1:].iterrows()},
        }
    if silo_call is None:
        with progress("Silos"):
            silos = silo_table(a, ids, silo_groups, opts.seed)
    with progress("Group-to-group matrix"):
        sections["group_matrix"] = _busiest_groups_matrix(a, codes, labels, kind)
    with progress("Formal vs informal structure"):
        sections["formal_vs_informal"] = _formal(graph, table)
    if timed:
        with progress("Response times and getting outside"):
            answered = first_responses(frame["ts"], frame["kind"], frame["actor"], frame["thread"])
            sections["responses"] = {
                "half_life": response_half_life(frame["ts"], frame["kind"], frame["actor"], frame["thread"],
                                                responses=answered),
                "by_weekday_hour": response_rate_by_hour(frame["ts"], frame["kind"], frame["actor"],
                                                         frame["thread"], responses=answered),
            }
            del answered  # one row per thread: gigabytes at 50M events
            sections["getting_outside"] = getting_outside(frame["ts"], graph.actor, graph.target, codes,
                                                          by=opts.by or "month")
        if opts.by:
            with progress(f"Findings per {opts.by}"):
                sections["periods"] = _period_findings(graph, opts.by, opts.seed)
    elif opts.by:
        sections["periods"] = {"by": opts.by, "periods": [], "trends": [],
                               "skipped": "the events carry no timestamps"}
    with nullcontext() if not pending.background else progress("Betweenness: waiting for the workers"):
        bc = pending.result()
        table["betweenness"] = bc.values
        # Certainly among the top brokers: lower bound above everyone else's upper bound.
        table["betweenness_certain"] = bc.certain_top(opts.top)
    with progress("Connectors, spanners, brokers"):
        found = _connectors(graph, table, codes, labels, contributes=table["pyramid_level"].to_numpy() != "watcher")
        table["roles"] = _join_roles(graph.n, found)
        tables["connectors"] = found.drop(columns=["code"])[["person", "role", "score", "reason"]]

    if silo_call is not None:
        with progress("Silos: waiting for the worker"):
            silos = silo_call.result()
    extra = silos.drop(columns=["size", "internal", "external", "ei"])
    groups = groups.merge(extra, on=["group", "kind"], how="left")

    first, last = _period(graph.events)
    sources = list(sources)
    summary: dict[str, Any] = {
        "people": graph.n,
        "active_people": int(table["active"].sum()),
        "ties": graph.n_ties,
        "tie_weight": float(a.sum()),
        "events": int(graph.events.num_rows),
        "period": {"first": first, "last": last, "since": opts.since, "until": opts.until},
        "sources": sources or [{"path": None, "format": "events table", "events": int(events.num_rows)}],
        "records_skipped": _sum_skips(sources),
        "directory": directory is not None,
        "departments": int(len(dept_labels)),
        "communities": int(len(comm_labels)),
        "methods": {
            "pagerank": "power iteration on row-normalised tie weights, damping 0.85, dangling people spread uniformly",
            "betweenness": bc.description,
            "betweenness_method": bc.method,
            "betweenness_error": {
                "pivots": bc.pivots, "epsilon": bc.epsilon, "delta": bc.delta,
                # How many of the top brokers are certain (column betweenness_certain in people.csv).
                "certain_top": int(table["betweenness_certain"].sum()), "top": opts.top,
            },
            "communities": f"Leiden (igraph), modularity, resolution {opts.resolution}, seed {opts.seed}, "
                           "undirected tie weights",
            "ei_index": "Krackhardt & Stern (E - I) / (E + I) over tie weights",
        },
        "skipped_findings": [] if timed else [
            "time-based findings (periods, response times, trends): the events carry no timestamps"
        ],
    }
    summary["flagged"] = {
        "ambassadors": int(tables["ambassadors"]["flagged"].sum()),
        **{f"{role}s": int((found["role"] == role).sum()) for role in sorted(found["role"].unique())},
        "silos": int(groups["is_silo"].fillna(False).astype(bool).sum()),
    }
    columns = ["person", "name", "department", "community", "roles", "pyramid_level", "in_strength",
               "out_strength", "in_degree", "out_degree", "partners", "pagerank", "betweenness", "active"]
    rest = [c for c in table.columns if c not in columns]
    people_out = table[columns + rest]
    return Findings(graph=graph, people=people_out, groups=groups, summary=summary, tables=tables,
                    sections=sections)


def _sum_skips(sources: list[dict[str, Any]]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for s in sources:
        total.update(s.get("records_skipped", {}))
    return dict(sorted(total.items()))


# ---------------------------------------------------------------------------------------------
# Roles, ambassadors, pyramid, silos, formal vs informal, time: which metrics make which finding.


def _coded_events(graph: OrgGraph) -> pd.DataFrame:
    """Events as codes for the group-bys of the metrics: no per-event Python strings.

    The graph's code arrays are used as they are (``copy=False``): at 50M events a copy of
    actor, target and thread is 1.2 GB.
    """
    ev = graph.events
    _, thread = encode_ids(ev.column("thread"))
    return pd.DataFrame(copy=False, data={
        "kind": _kind_categories(ev.column("kind")) if ev.num_rows else pd.Categorical([]),
        "actor": graph.actor,
        "target": graph.target,
        "thread": thread.astype(np.int64),
        "ts": ev.column("ts").to_pandas(),
    })


def _kind_categories(kind: pa.ChunkedArray) -> pd.Series:
    """Event kinds as a pandas categorical with sorted categories, encoded by Arrow (no per-event strings)."""
    text = (pa.types.is_string, pa.types.is_large_string)
    if kind.null_count == 0 and (any(t(kind.type) for t in text) or (
            pa.types.is_dictionary(kind.type) and any(t(kind.type.value_type) for t in text))):
        encoded = kind if pa.types.is_dictionary(kind.type) else pc.dictionary_encode(kind)
        whole = encoded.unify_dictionaries().combine_chunks() if encoded.num_chunks else encoded.chunk(0)
        names = np.asarray(whole.dictionary.to_pylist(), dtype=object).astype(str)
        index = whole.indices.to_numpy(zero_copy_only=False)
        # The kinds used, sorted by name; codes remapped through a lookup of a few entries.
        used = np.bincount(index, minlength=len(names)) > 0
        keep = [i for i in np.argsort(names, kind="stable") if used[i]]
        remap = np.full(len(names), -1, dtype=np.int8 if len(names) < 127 else np.int32)
        remap[keep] = np.arange(len(keep))
        return pd.Series(pd.Categorical.from_codes(remap[index], categories=names[keep]))
    return kind.to_pandas().astype(str).astype("category")


#: The group-to-group matrix in findings.json covers at most this many groups (the busiest).
_MATRIX_GROUPS = 60


def _busiest_groups_matrix(a: Any, codes: np.ndarray, labels: np.ndarray, kind: str) -> dict[str, Any]:
    """Tie weight between the groups with most tie weight, as a dense matrix (the heatmap's data).

    The full matrix stays sparse: an organisation with thousands of departments would
    otherwise make a dense matrix of millions of cells nobody can read.
    """
    g = membership(codes, len(labels))
    m = (g.T @ a @ g).tocsr()
    weight = np.asarray(m.sum(axis=0)).ravel() + np.asarray(m.sum(axis=1)).ravel()
    keep = np.sort(np.argsort(-weight, kind="stable")[:_MATRIX_GROUPS])
    return {"kind": kind, "labels": [str(labels[i]) for i in keep],
            "matrix": m[keep][:, keep].toarray(), "groups": int(len(labels)), "shown": int(len(keep))}


def _primary_groups(graph: OrgGraph) -> tuple[str, np.ndarray, np.ndarray]:
    """Departments when the data has them, else informal communities."""
    codes, labels = graph.group_codes("department")
    if len(labels):
        return "department", codes, labels
    codes, labels = graph.group_codes("community")
    return "community", codes, labels


def _join_roles(n: int, connectors: pd.DataFrame) -> np.ndarray:
    roles = np.full(n, "", dtype=object)
    if len(connectors):
        # Each person's distinct roles, sorted, joined: one sort, one join per person with roles.
        pairs = connectors[["code", "role"]].drop_duplicates().sort_values(["code", "role"])
        codes = pairs["code"].to_numpy(np.int64)
        names = pairs["role"].to_numpy(dtype=object)
        starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
        ends = np.r_[starts[1:], len(codes)]
        roles[codes[starts]] = ["; ".join(names[a:b]) for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
    return roles


def _ambassadors(graph: OrgGraph, frame: pd.DataFrame, codes: np.ndarray, people: pd.DataFrame) -> pd.DataFrame:
    ranked = ambassador_scores(frame, codes, ids=people["person"].to_numpy(dtype=str))
    flagged = int(ranked["flagged"].sum())
    # The flagged ambassadors, and at least a short ranked list to pick from.
    top = ranked.head(max(flagged, min(_MIN_AMBASSADORS, int((ranked["score"] > 0).sum()))))
    out = top.drop(columns=["code"]).copy()
    out.insert(2, "name", people["name"].to_numpy()[top["code"].to_numpy()])
    out.insert(3, "department", people["department"].to_numpy()[top["code"].to_numpy()])
    return out.reset_index(drop=True)


#: The ranked ambassador list holds at least this many people (when that many contribute).
_MIN_AMBASSADORS = 25


def _connectors(graph: OrgGraph, table: pd.DataFrame, codes: np.ndarray, labels: np.ndarray,
                contributes: np.ndarray) -> pd.DataFrame:
    a = graph.adjacency
    ids = table["person"].to_numpy(dtype=str)
    parts = [central_connectors(a, codes, ids=ids, labels=labels, pagerank_values=table["pagerank"].to_numpy())]
    if len(labels) >= 2:
        central = np.zeros(graph.n, dtype=bool)
        central[parts[0]["code"].to_numpy(np.int64)] = True
        parts.append(boundary_spanners(a, codes, ids=ids))
        parts.append(information_brokers(a, codes, table["betweenness"].to_numpy(), ids=ids, exclude=central))
    parts.append(peripheral_people(a, ids=ids, among=contributes))
    if has_timestamps(graph.events):
        ts = graph.events.column("ts").to_pandas()
        # The datetime array itself (not .to_numpy(): tz-aware times would become Python objects).
        first = pd.Series(ts.array).groupby(graph.actor).min()
        first = first[first.index >= 0]
        first_activity = pd.Series(pd.NaT, index=range(graph.n), dtype=ts.dtype)
        first_activity.iloc[first.index.to_numpy(np.int64)] = first.array
        parts.append(newcomers(a, hire_date=table["hire_date"], first_activity=first_activity,
                               end=ts.max(), ids=ids))
    found = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) \
        else pd.DataFrame(columns=["code", "person", "role", "score", "reason"])
    return found


def silo_table(adjacency: Any, ids: np.ndarray, parts: list[tuple[np.ndarray, np.ndarray, str]],
               seed: int) -> pd.DataFrame:
    """The silo report of each grouping (``(codes, labels, kind)``), one table (run in a worker too)."""
    out = []
    for codes, labels, kind in parts:
        report = silo_report(adjacency, codes, labels=labels, ids=ids, seed=seed)
        report["bridges"] = report["bridges"].map(lambda b: ";".join(map(str, b)))
        report.insert(1, "kind", kind)
        out.append(report)
    return pd.concat(out, ignore_index=True)


def _formal(graph: OrgGraph, table: pd.DataFrame) -> dict[str, Any]:
    dept, dept_labels = graph.group_codes("department")
    comm, comm_labels = graph.group_codes("community")
    if not len(dept_labels):
        return {"available": False, "reason": "no departments (give --directory) to compare communities with"}
    known = dept >= 0
    out: dict[str, Any] = {
        "available": True,
        "nmi": normalized_mutual_info(dept[known], comm[known]),
        "ari": adjusted_rand_index(dept[known], comm[known]),
        "department_splits": department_splits(dept, comm, department_labels=dept_labels,
                                               community_labels=comm_labels),
        "community_spans": community_spans(comm, dept, community_labels=comm_labels, department_labels=dept_labels),
    }
    manager = graph.index_of(table["manager"].fillna("").to_numpy(dtype=str)) if table["manager"].notna().any() \
        else None
    if manager is not None and (manager >= 0).any():
        out["managers"] = managers_vs_informal(table["pagerank"].to_numpy(), manager,
                                               ids=table["person"].to_numpy(dtype=str))
        out["reporting_line"] = reporting_line_agreement(graph.adjacency, manager)
    return out


def _period_findings(graph: OrgGraph, by: str, seed: int) -> dict[str, Any]:
    """The same findings per period, and what changed between the first and the last."""
    kind, codes, labels = _primary_groups(graph)
    ids = graph.people["person"].to_numpy(dtype=str)

    def one(window: OrgGraph) -> dict[str, Any]:
        frame = _coded_events(window)
        ranked = ambassador_scores(frame, codes, ids=ids)
        silos = silo_report(window.adjacency, codes, labels=labels, ids=ids, seed=seed) if len(labels) else None
        return {
            "events": int(window.events.num_rows),
            "active_people": int(window.people["active"].sum()),
            "ties": window.n_ties,
            "ambassadors": ranked.loc[ranked["flagged"], "person"].tolist(),
            "silos": [] if silos is None else silos.loc[silos["is_silo"], "group"].astype(str).tolist(),
            "ei_index": {} if silos is None else dict(zip(silos["group"].astype(str), silos["ei"].round(4),
                                                          strict=True)),
        }

    rows = per_period(graph, one, by=by)
    periods = rows.to_dict("records")
    ts = graph.events.column("ts")
    lo, hi = (pd.Timestamp(v.as_py()) for v in pc.min_max(ts).values())
    for r in periods:
        r["ambassadors_flagged"] = len(r["ambassadors"])
        r["silos_flagged"] = len(r["silos"])
        start, end = pd.Timestamp(r["start"]), pd.Timestamp(r["end"])
        covered = (min(end, hi) - max(start, lo)) / (end - start)
        # A period the data covers only in part (the export starts or ends inside it) is
        # shown but not used for trends: its figures are small by construction.
        r["partial"] = bool(covered < _FULL_PERIOD)
    complete = [r for r in periods if not r["partial"]]
    changes: dict[str, Any] = {}
    trends: list[str] = []
    if len(complete) >= 2:
        first, last = complete[0], complete[-1]
        span = f"between {first['period']} and {last['period']}"
        changes = {
            "new_ambassadors": sorted(set(last["ambassadors"]) - set(first["ambassadors"])),
            "former_ambassadors": sorted(set(first["ambassadors"]) - set(last["ambassadors"])),
            "new_silos": sorted(set(last["silos"]) - set(first["silos"])),
            "silos_no_longer": sorted(set(first["silos"]) - set(last["silos"])),
            # A large fall of E-I only: monthly windows are sparse and E-I moves by chance.
            "more_inward": sorted(g for g, ei in last["ei_index"].items()
                                  if g in first["ei_index"] and ei <= first["ei_index"][g] - _TREND_EI_DROP),
        }
        names = {
            "new_ambassadors": "became ambassadors", "former_ambassadors": "were ambassadors and no longer are",
            "new_silos": "became silos", "silos_no_longer": "are no longer silos",
            "more_inward": f"turned inward (E-I fell by {_TREND_EI_DROP} or more)",
        }
        for key, text in names.items():
            items = changes[key]
            if items:
                shown = ", ".join(items[:10]) + (f" and {len(items) - 10} more" if len(items) > 10 else "")
                trends.append(f"{len(items)} {'people' if 'ambassador' in key else kind + 's'} {text} {span}: {shown}")
    return {"by": by, "group_kind": kind, "periods": periods, "trends": trends, "changes": changes}


#: Fall of a group's E-I index between the first and last complete period reported as a trend.
_TREND_EI_DROP = 0.3
#: Share of a period's span the data must cover for the period to count in trends.
_FULL_PERIOD = 0.8
