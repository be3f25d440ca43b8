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
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgnet import connectors
from orgnet.events import has_timestamps
from orgnet.graph import OrgGraph
from orgnet.identity import resolve_identities
from orgnet.metrics.centrality import betweenness, degrees, distinct_partners, pagerank, strengths
from orgnet.metrics.communities import leiden
from orgnet.metrics.groups import ei_index, group_ties

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
        Betweenness paths use distance = 1 / tie weight (else unweighted).
    include_external : bool
        Keep ties with parties outside the organisation.
    top : int
        How many people / groups the summary lists.
    engine : {"local", "dask"}
        Where events are aggregated into ties (:func:`orgnet.engines.aggregate_edges`);
        ``local`` builds the graph from the events directly. Only the adjacency's
        construction changes, never a result.
    scheduler : str or None
        Dask scheduler address for ``engine="dask"`` (a local cluster when None).
    """

    since: str | None = None
    until: str | None = None
    seed: int = 0
    resolution: float = 1.0
    betweenness_exact_below: int = 5000
    betweenness_pivots: int | None = None
    betweenness_epsilon: float = 0.1
    betweenness_delta: float = 0.1
    weighted_paths: bool = True
    include_external: bool = False
    top: int = 10
    engine: str = "local"
    scheduler: str | None = None


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

    with progress("Degrees and strengths"):
        s_in, s_out = strengths(a)
        d_in, d_out = degrees(a)
        table["in_strength"], table["out_strength"] = s_in, s_out
        table["in_degree"], table["out_degree"] = d_in, d_out
        table["partners"] = distinct_partners(a)
    with progress("PageRank"):
        table["pagerank"] = pagerank(a)
    with progress("Betweenness"):
        bc = betweenness(
            a, weighted=opts.weighted_paths, exact_below=opts.betweenness_exact_below,
            pivots=opts.betweenness_pivots, epsilon=opts.betweenness_epsilon, delta=opts.betweenness_delta,
            seed=opts.seed, graph=graph.igraph(),
        )
        table["betweenness"] = bc.values
        # Certainly among the top brokers: lower bound above everyone else's upper bound.
        table["betweenness_certain"] = bc.certain_top(opts.top)
    with progress("Communities (Leiden)"):
        community = leiden(a, resolution=opts.resolution, seed=opts.seed, graph=graph.igraph(directed=False))
        table["community"] = pd.array([f"C{c + 1}" for c in community], dtype="string") if len(community) \
            else pd.array([], dtype="string")
        graph.people["community"] = table["community"].to_numpy()

    with progress("Groups and E-I index"):
        parts = []
        dept_codes, dept_labels = graph.group_codes("department")
        if len(dept_labels):
            parts.append(_group_table(graph, dept_codes, dept_labels, "department"))
        comm_codes, comm_labels = graph.group_codes("community")
        parts.append(_group_table(graph, comm_codes, comm_labels, "community"))
        groups = pd.concat(parts, ignore_index=True)

    first, last = _period(graph.events)
    timed = has_timestamps(graph.events)
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
    columns = ["person", "name", "department", "community", "in_strength", "out_strength", "in_degree",
               "out_degree", "partners", "pagerank", "betweenness", "active"]
    rest = [c for c in table.columns if c not in columns]
    people_out = table[columns + rest]
    return Findings(graph=graph, people=people_out, groups=groups, summary=summary)


def _sum_skips(sources: list[dict[str, Any]]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for s in sources:
        total.update(s.get("records_skipped", {}))
    return dict(sorted(total.items()))
