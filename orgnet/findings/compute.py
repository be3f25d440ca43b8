"""Computing the findings: analyze(events, directory, options) -> Findings, where measures become findings.

Connectors give events, :class:`~orgnet.graph.OrgGraph` gives arrays, :mod:`orgnet.metrics`
measures; the modules of this package apply the rules (:mod:`orgnet.findings.rules`) and this one
puts the sections together. Nothing here writes a sentence or a person id: sections refer to
people and groups by code (:mod:`orgnet.findings.model`).

Examples
--------
>>> from orgnet.synthetic import toy_org
>>> org = toy_org()
>>> f = analyze(org.events, directory=org.directory)
>>> f.summary.people == len(org.directory), sorted(f.groups.by_kind)
(True, ['community', 'department'])
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager, ExitStack, nullcontext
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from orgnet._parallel import Pending, effective_n_jobs, start_call
from orgnet.connectors.base import InputError
from orgnet.events import contributions, dictionary_codes, encode_ids, has_timestamps
from orgnet.findings.ambassadors import ambassador_ranking, ambassador_section
from orgnet.findings.betweenness import PendingBetweenness, start_betweenness
from orgnet.findings.betweenness import describe as describe_betweenness
from orgnet.findings.connectors import connector_roles, person_measures
from orgnet.findings.formal import formal_structure
from orgnet.findings.model import (
    Channels,
    Connectors,
    Findings,
    Grouping,
    GroupMatrix,
    Groups,
    Population,
    Pyramid,
    Responses,
    Silos,
    Summary,
)
from orgnet.findings.periods import period_findings
from orgnet.findings.rules import Rules
from orgnet.findings.silos import silo_table
from orgnet.graph import OrgGraph, to_timestamp
from orgnet.malloc import release_freed_memory
from orgnet.metrics.ambassadors import AMBASSADOR_COMPONENTS, ambassador_components
from orgnet.metrics.centrality import pagerank, uses_kadabra
from orgnet.metrics.columns import EVENT_BLOCK, distinct, epoch_ticks, first_positions, kind_is, utc_times
from orgnet.metrics.communities import (
    choose_resolution,
    leiden,
    leiden_implementation,
    leiden_view,
    partition_agreement,
    seed_partitions,
    seed_stability,
)
from orgnet.metrics.engagement import PYRAMID_LEVELS, engagement_levels
from orgnet.metrics.groups import across_groups, ei_index, group_ties, membership
from orgnet.metrics.time import (
    GAP_DAYS,
    GAP_SPACING,
    covered_share,
    covered_spans,
    first_responses,
    getting_outside,
    party_codes,
    period_labels,
    response_half_life,
    response_rate_by_hour,
)

__all__ = ["AnalysisOptions", "analyze", "check_directory_matches", "check_window", "eligible_people"]

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
        Seed for Leiden, sampled betweenness and the silo baseline: same seed, same results.
    resolution : float or None
        Leiden modularity resolution; None (the default) chooses it from the data (Newman 2016,
        :func:`orgnet.metrics.communities.choose_resolution`).
    betweenness_exact_below : int
        Exact betweenness below this many people, sampled above.
    betweenness_method : {"auto", "kadabra", "pivots"}
        How betweenness is sampled: KADABRA's adaptive shortest-path sample (NetworKit; hops on
        undirected ties, the default path definition) or source pivots (any definition);
        ``"auto"`` takes KADABRA where it applies (see :func:`orgnet.metrics.centrality.betweenness`).
    betweenness_pivots : int or None
        Number of source pivots when sampling by pivots; None: the Riondato-Kornaropoulos
        sample size for ``betweenness_epsilon`` and ``betweenness_delta``.
    betweenness_epsilon : float or None
        Target additive error on normalised betweenness (None: 0.01 with KADABRA, 0.1 with
        pivots, whose cost grows as its inverse square; see docs/scale.md).
    betweenness_delta : float
        Probability that some person's value falls outside its stated bounds.
    weighted_paths : bool
        Betweenness paths use distance = 1 / tie weight; by default a path's length is its
        number of ties (hops).
    betweenness_directed : bool
        Betweenness along the direction of ties; by default ties count in either direction
        (someone who only answers still sits between the people they answer).
    include_external : bool
        Keep ties with parties outside the organisation (they never hold a person role).
    top : int
        How many of the top brokers the summary checks for sampling certainty.
    by : {"week", "month", "quarter"} or None
        Also compute the findings per period, with their trends.
    engine : {"local", "dask"}
        Where events are aggregated into ties (:func:`orgnet.engines.aggregate_edges`);
        only the adjacency's construction changes, never a result.
    scheduler : str or None
        Dask scheduler address for ``engine="dask"`` (a local cluster when None).
    workers : int or None
        Processes computing at once, this one included, as ``n_jobs`` in :mod:`orgnet._parallel`:
        None the cores available (on two cores, this process and one worker), 1 no worker
        (everything in this process). Results do not depend on it.
    parallel_from : int
        From this many people sampled betweenness and the silo test run in worker processes
        beside the other steps (when ``workers`` allows more than one); below it starting the
        workers costs more than it saves.
    rules : Rules
        Every threshold that turns a measure into a flag (:mod:`orgnet.findings.rules`).
    outside_contacts : int
        Distinct outside contacts (people in other groups, parties outside the organisation)
        that count as "getting outside" (``--outside-contacts``; 10 by default, the threshold
        of the workplace-analytics measure of the same name).
    """

    since: str | None = None
    until: str | None = None
    seed: int = 0
    resolution: float | None = None
    betweenness_exact_below: int = 5000
    betweenness_method: str = "auto"
    betweenness_pivots: int | None = None
    betweenness_epsilon: float | None = None
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
    rules: Rules = field(default_factory=Rules)
    outside_contacts: int = 10

    def __post_init__(self) -> None:
        """Refuse an inverted window before anything is read."""
        # An inverted window is the user's slip: caught before anything is read.
        since, until = _bound("--since", self.since), _bound("--until", self.until)
        if since is not None and until is not None and since >= until:
            raise ValueError(f"--since {self.since} is not before --until {self.until}: the window is empty; "
                             "give a --since earlier than --until")


def _bound(option: str, value: str | None) -> pd.Timestamp | None:
    try:
        return to_timestamp(value)
    except (ValueError, TypeError):
        raise ValueError(f"{option} {value!r} is not a date; expected YYYY-MM-DD") from None


def check_window(events: pa.Table, since: str | None, until: str | None, sources: Iterable[Mapping[str, Any]]) -> None:
    """Raise when a ``--since``/``--until`` window holds none of the events (before any work).

    Raises
    ------
    InputError
        Naming the files read, the window and the span the data covers.
    """
    if (since is None and until is None) or not len(events):
        return
    lo, hi = to_timestamp(since), to_timestamp(until)
    ts = events.column("ts")
    mask = pc.is_valid(ts)
    if lo is not None:
        mask = pc.and_(mask, pc.greater_equal(ts, pa.scalar(lo.to_pydatetime(), ts.type)))
    if hi is not None:
        mask = pc.and_(mask, pc.less(ts, pa.scalar(hi.to_pydatetime(), ts.type)))
    if pc.any(mask).as_py():
        return
    files = ", ".join(str(s.get("path")) for s in sources if s.get("path")) or "the events"
    first, last = pc.min(ts).as_py(), pc.max(ts).as_py()
    span = (f"the data runs from {first:%Y-%m-%d} to {last:%Y-%m-%d}" if first is not None
            else "the events carry no timestamps")
    raise InputError(files, f"no events in the window {since or 'start'} to {until or 'end'} ({span}); "
                     "choose --since/--until inside that span, or leave them out")


def check_directory_matches(events: pa.Table, directory: pd.DataFrame, path: str) -> None:
    """Raise when no one in the HR directory appears in the events (ids that do not match).

    Raises
    ------
    InputError
        Naming the directory file, an id from each side and what to do.
    """
    if not len(events) or not len(directory):
        return
    keys = [c for c in ("person", "email") if c in directory.columns]
    known = pa.array(pd.concat([directory[c].dropna().astype(str).str.lower() for c in keys]).unique())
    # Distinct ids first (one hash pass per column), then lower-cased: not a pass per event.
    seen = pc.utf8_lower(pc.unique(pa.chunked_array([pc.unique(events.column(c)).cast(pa.string())
                                                     for c in ("actor", "target")])))
    if pc.any(pc.is_in(seen, value_set=known)).as_py():
        return
    sample_dir = str(directory["person"].iat[0])
    sample_ev = str(events.column("actor")[0])
    raise InputError(path, f"none of the people it lists ({len(directory):,}) appears in the data (directory ids like "
                     f"{sample_dir!r}, data ids like {sample_ev!r}); the person or e-mail column must hold the "
                     "ids or addresses the exports use")


def eligible_people(people: pd.DataFrame) -> np.ndarray:
    """Who can hold a person role: members of the organisation who are people.

    People marked ``external`` (outside the organisation) or with evidence in ``non_human``
    (distribution lists, announcement and no-reply senders, bots) are not eligible; tables
    without those columns make everyone eligible.

    Examples
    --------
    >>> eligible_people(pd.DataFrame({"external": [False, True, False], "non_human": ["", "", "bot"]})).tolist()
    [True, False, False]
    """
    ok = np.ones(len(people), dtype=bool)
    if "external" in people.columns:
        ok &= ~people["external"].fillna(False).to_numpy(dtype=bool)
    if "non_human" in people.columns:
        ok &= people["non_human"].fillna("").astype(str).str.len().to_numpy() == 0
    return ok


def _iso(value: _dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def _period(events: pa.Table) -> tuple[str | None, str | None]:
    if not has_timestamps(events):
        return None, None
    lo, hi = pc.min_max(events.column("ts")).values()
    return _iso(lo.as_py()), _iso(hi.as_py())


def _kind_categories(kind: pa.ChunkedArray) -> pd.Series:
    """Event kinds as a pandas categorical with sorted categories, encoded by Arrow (no per-event strings)."""
    text = (pa.types.is_string, pa.types.is_large_string)
    if kind.null_count == 0 and (any(t(kind.type) for t in text) or (
            pa.types.is_dictionary(kind.type) and any(t(kind.type.value_type) for t in text))):
        encoded = kind if pa.types.is_dictionary(kind.type) else pc.dictionary_encode(kind)
        whole = encoded.unify_dictionaries().combine_chunks() if encoded.num_chunks else encoded.chunk(0)
        names = np.asarray(whole.dictionary.to_pylist(), dtype=object).astype(str)
        index = whole.indices.to_numpy(zero_copy_only=False)
        used = np.bincount(index, minlength=len(names)) > 0
        keep = [i for i in np.argsort(names, kind="stable") if used[i]]
        remap = np.full(len(names), -1, dtype=np.int8 if len(names) < 127 else np.int32)
        remap[keep] = np.arange(len(keep))
        return pd.Series(pd.Categorical.from_codes(remap[index], categories=pd.Index([str(x) for x in names[keep]])))
    return pd.Series(kind.to_pandas(), dtype=str).astype("category")


def coded_events(graph: OrgGraph) -> pd.DataFrame:
    """Events as codes for the group-bys of the measures: no per-event Python strings.

    The graph's code arrays are used as they are (``copy=False``): at 50M events a copy of
    actor, target and thread is 1.2 GB.
    """
    ev = graph.events
    return pd.DataFrame(copy=False, data={
        "kind": _kind_categories(ev.column("kind")) if ev.num_rows else pd.Categorical([]),
        "actor": graph.actor,
        "target": graph.target,
        "thread": graph.thread if graph.thread is not None else thread_keys(ev.column("thread")),
        "ts": graph.times,
    })


#: The event columns the measures read once the graph is built and its events coded
#: (:func:`_compact`): times, kinds, weights (the windows' ties; not kept when every one is 1),
#: channels and the external flag.
MEASURED_COLUMNS: tuple[str, ...] = ("ts", "kind", "weight", "channel", "external")


def _compact(graph: OrgGraph) -> OrgGraph:
    """The graph with its thread codes worked out and only :data:`MEASURED_COLUMNS` of its events.

    The actor and target ids (the graph's node codes stand for them), the thread ids (coded once
    here) and the sources are read by no measure: at 50M events they held about 1.2 GB beside
    the codes. The windows of the result carry the thread codes (:meth:`OrgGraph.window`).
    """
    ev = graph.events
    thread = graph.thread if graph.thread is not None else thread_keys(ev.column("thread"))
    keep = [c for c in ev.column_names if c in MEASURED_COLUMNS]
    if "weight" in keep and ev.num_rows and ev.column("weight").null_count == 0:
        low, high = pc.min_max(ev.column("weight")).values()
        if low.as_py() == high.as_py() == 1:  # the windows' ties are then counts (orgnet.graph)
            keep.remove("weight")
    return replace(graph, events=ev.select(keep), thread=thread)


def thread_keys(column: pa.ChunkedArray) -> np.ndarray:
    """Dense codes of a thread column's distinct values (-1: none), in no particular order.

    The measures only group by thread, so any numbering of the distinct values will do: a
    dictionary column's codes are read off its indices (the dictionary's own repeated values
    merged, unused values left out), with no hashing of the rows (at 50M events, ordering the
    codes by first appearance, :func:`orgnet.events.encode_ids`, took 2.6 s).

    Examples
    --------
    >>> col = pa.chunked_array([pa.DictionaryArray.from_arrays(pa.array([2, 0, None, 2], pa.int32()),
    ...                                                        pa.array(["x", "y", "x"]))])
    >>> thread_keys(col).tolist()
    [0, 0, -1, 0]
    >>> thread_keys(pa.chunked_array([["b", None, "a", "b"]])).tolist()
    [0, -1, 1, 0]
    """
    found = dictionary_codes(column)
    if found is None:
        return encode_ids(column)[1]
    values, codes = found
    # Dense: the values some row uses, numbered in the dictionary's order (a null's -1 reads the
    # slot appended last, which stays -1); 32-bit, as the dictionary's codes are.
    used = np.zeros(len(values) + 1, dtype=bool)
    used[codes] = True
    used[-1] = False
    renumber = (np.cumsum(used) - 1).astype(codes.dtype)
    renumber[-1] = -1
    keys: np.ndarray = renumber[codes]
    return keys


def _covered(labels: pd.Series, by: str, spans: pd.DataFrame | None) -> np.ndarray:
    """Share of each of these period labels the data covers (gaps in the data left out)."""
    if not len(labels) or spans is None or not len(spans):
        return np.zeros(len(labels))
    lo, hi = spans["start"].iloc[0], spans["end"].iloc[-1] - pd.Timedelta(days=1)
    periods = period_labels(pd.Series([lo, hi]), by)[1].set_index("period")
    found = periods.reindex(labels.astype(str).to_numpy())
    return covered_share(found["start"], found["end"], spans)


def covered_days(spans: pd.DataFrame) -> float:
    """Days the data covers: the covered stretches' lengths summed (gaps left out)."""
    lengths: Any = spans["end"] - spans["start"]  # Timedeltas (pandas-stubs cannot divide them)
    return float((lengths / pd.Timedelta(days=1)).sum()) if len(spans) else 0.0


def coverage_summary(spans: pd.DataFrame | None) -> dict[str, Any]:
    """The summary's ``coverage``: the covered stretches, their days, and the days they span.

    Examples
    --------
    >>> from orgnet.metrics.time import covered_spans
    >>> out = coverage_summary(covered_spans(["2017-01-02", "2017-01-03", "2017-01-04", "2020-06-01"]))
    >>> out["covered_days"], out["span_days"], out["gaps"], out["spans"][1]
    (4.0, 1247.0, 1, {'first': '2020-06-01', 'last': '2020-06-01'})
    """
    if spans is None or not len(spans):
        return {"spans": [], "covered_days": None, "span_days": None, "gaps": 0}
    one_day = pd.Timedelta(days=1)
    return {"spans": [{"first": str(a.date()), "last": str((b - one_day).date())}
                      for a, b in zip(spans["start"], spans["end"], strict=True)],
            "covered_days": covered_days(spans),
            "span_days": float((spans["end"].iloc[-1] - spans["start"].iloc[0]) / one_day),
            "gaps": len(spans) - 1,
            "rule": f"a gap is a run of at least {GAP_DAYS} days without any event and at least "
                    f"{GAP_SPACING:g} times the data's median spacing between days with events"}


def _outside_parties(graph: OrgGraph) -> tuple[np.ndarray, np.ndarray]:
    """Per event, whether its other party is outside the organisation, and who that party is.

    The party is an integer code (-1: none): only the external events' targets are read, as
    codes of their distinct values (no text per event: at 50M events a column of strings, even
    mostly missing, is gigabytes).
    """
    ev = graph.events
    external = np.asarray(ev.column("external").to_numpy(zero_copy_only=False), dtype=bool)
    rows = np.flatnonzero(external)
    if not len(rows):
        return external, np.full(len(external), -1, dtype=np.int8)
    values, index = encode_ids(ev.column("target").take(pa.array(rows)))
    # The narrowest type for the parties there are (a few thousand: 2 bytes per event, not 4).
    party = np.full(len(external), -1, dtype=np.result_type(np.int8, np.min_scalar_type(-len(values))))
    party[rows] = index
    return external, party


def outside_people(actor: np.ndarray, target: np.ndarray, groups: np.ndarray, external: np.ndarray,
                   party: Any, min_contacts: int) -> pd.DataFrame:
    """Everyone with at least ``min_contacts`` distinct outside contacts over the whole window.

    An outside contact is a distinct person in another group, or a distinct party outside the
    organisation, the person acted towards (as in :func:`orgnet.metrics.time.getting_outside`).

    Examples
    --------
    >>> out = outside_people(np.array([0, 0, 0, 1]), np.array([1, 2, -1, 0]), np.array([0, 1, 2]),
    ...                      np.array([False, False, True, False]), pd.Series([None, None, "x@y", None]), 2)
    >>> out.to_dict("records")
    [{'code': 0, 'outside_contacts': 3, 'other_groups': 2, 'outside_parties': 1}]
    """
    columns = ["code", "outside_contacts", "other_groups", "outside_parties"]
    n = len(groups)
    if not len(actor) or not n:
        return pd.DataFrame({c: np.zeros(0, np.int64) for c in columns})
    with_none = np.append(np.asarray(groups, dtype=np.int64), -1)
    inside = across_groups(actor, target, groups)
    outside = external & (actor >= 0)
    party_code = party_codes(party, rows=outside)
    outside[outside] = party_code >= 0
    party_code = party_code[party_code >= 0]
    who = np.concatenate([target[inside], n + np.asarray(party_code, dtype=np.int64)])
    by = np.concatenate([actor[inside], actor[outside]])
    width = np.int64(int(who.max()) + 1 if len(who) else 1)
    keys = by.astype(np.int64, copy=False)  # the concatenation is this function's own
    del by
    keys *= width
    keys += who
    del who
    pairs = distinct(keys, overwrite=True)
    person, contact = pairs // width, pairs % width
    contacts = np.bincount(person, minlength=n)
    parties = np.bincount(person[contact >= n], minlength=n)
    member = contact < n
    group_pairs = distinct(person[member] * np.int64(len(with_none)) + with_none[contact[member]])
    other_groups = np.bincount(group_pairs // len(with_none), minlength=n)
    keep = np.flatnonzero(contacts >= max(min_contacts, 1))
    keep = keep[np.lexsort((keep, -contacts[keep]))]
    return pd.DataFrame({"code": keep.astype(np.int64), "outside_contacts": contacts[keep].astype(np.int64),
                         "other_groups": other_groups[keep].astype(np.int64),
                         "outside_parties": parties[keep].astype(np.int64)})


def _channels(graph: OrgGraph, frame: pd.DataFrame, answered: pd.DataFrame | None) -> Channels:
    """One row per channel, group or list the events name: who is there, what they post, how fast it is answered."""
    ev = graph.events
    if not ev.num_rows or ev.column("channel").null_count == ev.num_rows:
        return Channels(note="the events name no channel, group or list")
    labels, channel = encode_ids(ev.column("channel"))  # int32 codes: half the memory of int64
    labels = np.asarray(labels.to_numpy(zero_copy_only=False), dtype=object)
    k = len(labels)
    actor = graph.actor  # 32-bit node codes: each key below is widened as it is made
    width = np.int64(max(graph.n, 1))

    def distinct_people(mask: np.ndarray) -> np.ndarray:
        # (channel, person) keys a block of events at a time, each block's distinct ones kept:
        # a person posts in few channels, so those are far fewer than the events.
        found = []
        for start in range(0, len(mask), EVENT_BLOCK):
            block = slice(start, start + EVENT_BLOCK)
            keys = channel[block][mask[block]].astype(np.int64)
            keys *= width
            keys += actor[block][mask[block]]
            found.append(distinct(keys, overwrite=True))
        keys = distinct(np.concatenate(found) if found else np.zeros(0, np.int64), overwrite=True)
        keys //= width
        return np.bincount(keys, minlength=k)

    placed = (channel >= 0) & (actor >= 0)
    members = distinct_people(placed)
    placed &= contributions(ev)
    active_members = distinct_people(placed)
    del placed
    # Kinds compared by their categorical codes: a text per event would be ~0.3 GB at 10M events.
    has_channel = channel >= 0
    table = pd.DataFrame({
        "channel": labels,
        "members": members,
        "active_members": active_members,
        "posts": np.bincount(channel[has_channel & kind_is(frame["kind"], ("post",))], minlength=k),
        "replies": np.bincount(channel[has_channel & kind_is(frame["kind"], ("reply",))], minlength=k),
    })
    del has_channel
    if answered is not None and len(answered):
        # A thread's channel is its post's; answers are timed replies or shares (reactions carry no time).
        # The channel of each thread's first event, from the thread codes: the first position of
        # each code, found a block of events at a time (a pandas group-by of every event sorted
        # and copied them, ~0.5 GB at 10M events; Arrow's hash group-by held about 0.2 GB).
        where = channel[first_positions(frame["thread"].to_numpy())[answered["thread"].to_numpy(dtype=np.int64)]]
        by = pd.DataFrame({"channel": where, "answered": answered["answered"].to_numpy(),
                           "hours": answered["delay"].dt.total_seconds().to_numpy() / 3600})
        by = by[by["channel"] >= 0]
        grouped = by.groupby("channel")
        started = grouped.size().reindex(range(k), fill_value=0).to_numpy()
        got = grouped["answered"].sum().reindex(range(k), fill_value=0).to_numpy().astype(np.int64)
        table["answered"] = got
        with np.errstate(invalid="ignore", divide="ignore"):
            table["share_answered"] = np.where(started > 0, got / np.maximum(started, 1), np.nan)
        table["median_response_hours"] = grouped["hours"].median().reindex(range(k)).to_numpy(dtype=float)
    table = table[table["members"] > 0]
    order = np.lexsort((table["channel"].astype(str).to_numpy(), -table["active_members"].to_numpy(),
                        -(table["posts"] + table["replies"]).to_numpy()))
    return Channels(table.iloc[order].reset_index(drop=True))


def _seed_partitions(a: sp.csr_array, resolution: float, seeds: list[int]) -> list[np.ndarray]:
    """:func:`seed_partitions` in a worker process, on the same Leiden view as in the main process.

    :func:`orgnet.metrics.communities.leiden_view` builds it from the ties as the main process
    does (same edges in the same order), so the partitions are the ones computed in process.
    """
    return seed_partitions(a, resolution=resolution, seeds=seeds, graph=leiden_view(a))


def _person_measures(a: sp.csr_array, codes: np.ndarray, pr: np.ndarray) -> pd.DataFrame:
    """:func:`person_measures` in a worker process (its betweenness column filled in later)."""
    return person_measures(a, codes, pagerank_values=pr)


def _collected(agreement: np.ndarray | None, call: Pending[np.ndarray] | None, progress: StepReporter) -> np.ndarray:
    if agreement is not None:
        return agreement
    assert call is not None
    with progress("Community stability: waiting for the worker"):
        return call.result()


class _OtherSeeds:
    """Leiden with the stability seeds, in a worker process from the moment the resolution is chosen.

    At a million people the worker then runs while this process computes the partition at the
    chosen resolution (~8 s), instead of after it.
    """

    def __init__(self, a: sp.csr_array, seeds: list[int], n_jobs: int | None, cleanup: ExitStack) -> None:
        self.a, self.seeds, self.n_jobs, self.cleanup = a, seeds, n_jobs, cleanup
        self.call: Pending[list[np.ndarray]] | None = None

    def start(self, resolution: float) -> None:
        self.call = start_call(_seed_partitions, self.a, resolution, self.seeds, n_jobs=self.n_jobs)
        self.cleanup.callback(self.call.close)

    def agreement(self, labels: np.ndarray, among: np.ndarray) -> Pending[np.ndarray]:
        """NMI of ``labels`` with each seed's partition, once the worker has them."""
        assert self.call is not None
        return self.call.then(lambda partitions: partition_agreement(labels, partitions, among=among))


def _plain_number(x: float) -> str:
    """Three significant digits without an exponent, for a reader (1,004 rather than 1e+03).

    Examples
    --------
    >>> _plain_number(1003.52), _plain_number(134.1), _plain_number(1.2718)
    ('1,004', '134', '1.27')
    """
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _stability(agreement: np.ndarray, resolution: float, how: str, seeds: list[int],
               rules: Rules) -> dict[str, Any]:
    """The ``community_stability`` record: resolution, how it was chosen, NMI with each other seed."""
    return {"resolution": float(resolution), "resolution_rule": how, "seeds": seeds,
            "nmi": [float(x) for x in agreement],
            "mean_nmi": float(agreement.mean()) if len(agreement) else None,
            "stable": bool(agreement.mean() >= rules.communities.min_stability) if len(agreement) else True,
            "min_stability": rules.communities.min_stability}


def _grouping(graph: OrgGraph, kind: str) -> Grouping:
    codes, labels = graph.group_codes(kind)
    return Grouping(kind, np.asarray(codes, dtype=np.int64), np.asarray(labels, dtype=object).astype(str).astype(object))


def _group_rows(ties: Any, g: Grouping) -> pd.DataFrame:
    internal, external = group_ties(ties, g.codes, len(g))
    return pd.DataFrame({"kind": g.kind, "code": np.arange(len(g), dtype=np.int64), "size": g.sizes().astype(np.int64),
                         "internal_weight": internal, "external_weight": external,
                         "ei_index": ei_index(internal, external)})


#: The group-to-group matrix (the heatmap) covers at most this many groups: the busiest.
MATRIX_GROUPS = 60


def _group_to_group(ties: Any, g: Grouping) -> sp.csr_array:
    """Tie weight from group to group (the diagonal: inside each group)."""
    member = membership(g.codes, len(g))
    return sp.csr_array(member.T @ ties @ member)


def _busiest_groups(m: sp.csr_array, g: Grouping) -> GroupMatrix:
    """Tie weight between the groups with most tie weight, dense (the full matrix stays sparse)."""
    weight = np.asarray(m.sum(axis=0)).ravel() + np.asarray(m.sum(axis=1)).ravel()
    keep = np.sort(np.argsort(-weight, kind="stable")[:MATRIX_GROUPS])
    return GroupMatrix(g.kind, keep.astype(np.int64), m[keep][:, keep].toarray(), len(g))


def _silo_tables(ties: Any, groupings: list[Grouping], rules: Rules, seed: int,
                 eligible: np.ndarray) -> pd.DataFrame:
    """The silo table of each grouping, one table (also run in a worker process)."""
    return pd.concat([silo_table(ties, g.codes, kind=g.kind, n_groups=len(g), rules=rules.silos, seed=seed,
                                 eligible=eligible) for g in groupings], ignore_index=True)


def analyze(
    events: pa.Table,
    *,
    directory: pd.DataFrame | None = None,
    people: pd.DataFrame | None = None,
    options: AnalysisOptions | None = None,
    sources: Iterable[dict[str, Any]] = (),
    membership: Mapping[str, Any] | None = None,
    duplicates: pd.DataFrame | None = None,
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
        People seen by the connectors (members with no activity included), with ``external``
        and ``non_human`` when identity resolution set them.
    options : AnalysisOptions, optional
        Defaults when not given.
    sources : iterable of dict
        What was read (see :class:`orgnet.load.LoadedEvents`), copied into the summary.
    membership : mapping, optional
        Who counts as a member and why (from identity resolution), copied into the summary.
    duplicates : pandas.DataFrame, optional
        Likely duplicate identities (:func:`orgnet.identity.suggest_duplicates`): the report warns
        when a role holder has one.
    progress : callable
        ``progress(step)`` returns a context manager wrapped around each step.

    Returns
    -------
    Findings
    """
    opts = options or AnalysisOptions()
    with progress("Building the graph"):
        if opts.engine == "local":
            graph = OrgGraph.from_events(events, directory=directory, people=people, since=opts.since,
                                         until=opts.until, include_external=opts.include_external)
        else:
            from orgnet.engines import aggregate_edges

            edges = aggregate_edges(events, opts.engine, opts.scheduler, since=opts.since, until=opts.until,
                                    include_external=opts.include_external)
            graph = OrgGraph.from_edges(edges, events=events, directory=directory, people=people, since=opts.since,
                                        until=opts.until, include_external=opts.include_external)
        # What the measures read of the events' ids is taken now (the outside parties, whether
        # every event has a target, the thread codes); the ids themselves are then let go.
        parties = _outside_parties(graph)
        all_targets = graph.events.column("target").null_count == 0
        graph = _compact(graph)
    n_events = events.num_rows
    del events  # handed over by the caller (orgnet.pipeline), the events' id columns are freed here
    pa.default_memory_pool().release_unused()  # the build's temporary Arrow buffers
    a = graph.adjacency
    with progress("PageRank"):
        pr = pagerank(a)
    # Sampled betweenness on a large graph runs in worker processes while the measures that do
    # not need it are computed; it is collected before the connector roles.
    with progress("Betweenness"):
        paths: dict[str, Any] = {"weighted": opts.weighted_paths, "exact_below": opts.betweenness_exact_below,
                                 "pivots": opts.betweenness_pivots, "epsilon": opts.betweenness_epsilon,
                                 "delta": opts.betweenness_delta, "seed": opts.seed,
                                 "directed": opts.betweenness_directed, "method": opts.betweenness_method}
        # KADABRA builds its own graph from the ties: no igraph view for it (1.5 s and half a
        # gigabyte at a million people).
        view = None if uses_kadabra(graph.n, **paths) else graph.igraph(directed=opts.betweenness_directed)
        pending = start_betweenness(a, graph=view, ties=graph.ties(directed=opts.betweenness_directed),
                                    n_jobs=opts.workers if graph.n >= opts.parallel_from else 1, **paths)
        del view
    with ExitStack() as cleanup:  # the workers stop whatever happens
        cleanup.callback(pending.close)
        findings = _analyze_rest(graph, pr, n_events, parties, all_targets, directory, opts, list(sources),
                                 membership, progress, pending, cleanup)
    findings.population = population(people, duplicates, findings)
    return findings


def _analyze_rest(graph: OrgGraph, pr: np.ndarray, n_events: int, parties: tuple[np.ndarray, np.ndarray],
                  all_targets: bool, directory: pd.DataFrame | None, opts: AnalysisOptions, sources: list[dict[str, Any]], membership_info: Mapping[str, Any] | None,
                  progress: StepReporter, pending: PendingBetweenness, cleanup: ExitStack) -> Findings:
    a = graph.adjacency
    rules = opts.rules
    table = graph.people.copy()
    eligible = eligible_people(table)
    in_workers = graph.n >= opts.parallel_from and effective_n_jobs(opts.workers) > 1
    department = _grouping(graph, "department") if graph.people["department"].notna().any() else None
    # Constraint, effective size and brokerage need only the ties and the primary groups: when
    # those are the departments, a worker computes them while Leiden runs here (Leiden uses one
    # core; at a million people the two take about 60 and 23 s).
    measures_call = None
    if department is not None and len(department) and in_workers:
        measures_call = start_call(_person_measures, a, department.codes, pr, n_jobs=opts.workers)
        cleanup.callback(measures_call.close)
    with progress("Communities (Leiden)"):
        # The graph Leiden runs on (igraph's, or NetworKit's for a large organisation: leiden_view).
        view = leiden_view(a)
        has_tie = (np.diff(a.indptr) > 0) | (np.bincount(a.indices, minlength=graph.n) > 0)
        seeds = [opts.seed + 1 + i for i in range(rules.communities.stability_seeds)]
        # Leiden again with each other seed: a worker runs it beside the steps below (at a million
        # people three more Leiden runs took 40 s of the main process), from the moment the
        # resolution is known.
        others = _OtherSeeds(a, seeds, opts.workers, cleanup) if has_tie.sum() > 1 and seeds and in_workers else None
        if opts.resolution is None:
            choice = choose_resolution(a, seed=opts.seed, graph=view, max_iterations=rules.communities.max_iterations,
                                       tolerance=rules.communities.tolerance,
                                       on_chosen=None if others is None else others.start)
            community, resolution = choice.labels, choice.resolution
            how = f"chosen from the data (Newman 2016 maximum likelihood, {len(choice.history)} estimates)"
        else:
            if others is not None:
                others.start(opts.resolution)
            community, resolution = leiden(a, resolution=opts.resolution, seed=opts.seed, graph=view), opts.resolution
            how = "given"
        # People with no tie are in no community (not each in one of their own).
        label = pd.Series(np.char.add("C", (community + 1).astype(str)), dtype="string")
        agreement: np.ndarray | None = np.zeros(0)
        agreement_call = None
        if others is not None:
            agreement, agreement_call = None, others.agreement(community, has_tie)
        elif has_tie.sum() > 1 and seeds:
            agreement = seed_stability(a, community, resolution=resolution, seeds=seeds, graph=view, among=has_tie)
        table["community"] = label.mask(~has_tie).array
        graph.people["community"] = table["community"].to_numpy()
        del view
        graph.forget_igraph()  # half a gigabyte at 1M people; nothing below needs it
    # The step's freed memory (the igraph view, Leiden's partitions) back to the system before
    # the event measures make their temporaries, and after each of them: the process otherwise
    # keeps its largest step's memory to the end (orgnet.malloc.keep_freed_memory).
    release_freed_memory()

    with progress("Groups and E-I index"):
        groupings = {}
        if department is not None:
            groupings["department"] = department
        groupings["community"] = _grouping(graph, "community")
        primary = "department" if "department" in groupings and len(groupings["department"]) else "community"
        group_table = pd.concat([_group_rows(a, g) for g in groupings.values()], ignore_index=True)
    grouping = groupings[primary]
    codes = grouping.codes
    # The silo test (a permutation baseline per group) needs only the ties and the group codes:
    # on a large organisation a worker process runs it beside the steps below.
    if measures_call is None and in_workers:  # the primary groups are the communities
        measures_call = start_call(_person_measures, a, codes, pr, n_jobs=opts.workers)
        cleanup.callback(measures_call.close)
    silo_call = None
    if in_workers:
        with progress("Silos (started in a worker process)"):
            silo_call = start_call(_silo_tables, a, list(groupings.values()), rules, opts.seed, eligible,
                                   n_jobs=opts.workers)
            cleanup.callback(silo_call.close)

    timed = has_timestamps(graph.events)
    # The stretches of time the data covers (gaps left out): time is counted in covered time.
    spans = covered_spans(graph.times) if timed else None
    frame = coded_events(graph)
    skipped: list[str] = []
    with progress("Ambassadors"):
        components = ambassador_components(frame, codes)
        ranked = ambassador_ranking(components, eligible, rules.ambassadors)
        ambassadors = ambassador_section(ranked, components, primary)
        score = np.full(graph.n, np.nan)
        score[ranked["code"].to_numpy(np.int64)] = ranked["score"].to_numpy()
    release_freed_memory()
    with progress("Engagement pyramid"):
        pyramid, levels = _pyramid(frame, graph, table, eligible, grouping, all_targets)
    if silo_call is None:
        with progress("Silos"):
            silos = _silo_tables(a, list(groupings.values()), rules, opts.seed, eligible)
    with progress("Group-to-group matrix"):
        group_ties_by_kind = {kind: _group_to_group(a, g) for kind, g in groupings.items()}
        matrix = _busiest_groups(group_ties_by_kind[primary], grouping)
    with progress("Formal vs informal structure"):
        manager = graph.index_of(table["manager"].fillna("").to_numpy(dtype=str)) \
            if table["manager"].notna().any() else None
        formal = formal_structure(a, groupings["department"].codes if "department" in groupings else None,
                                  groupings["community"].codes, pr, manager, rules.formal)
    responses = Responses(note="" if timed else "the events carry no timestamps",
                          outside_min_contacts=opts.outside_contacts)
    with progress("Getting outside"):
        external, party = parties
        responses.outside_people = outside_people(graph.actor, graph.target, codes, external, party,
                                                  opts.outside_contacts)
    channels = None
    periods = None
    if timed:
        with progress("Response times and getting outside"):
            answered = first_responses(frame["ts"], frame["kind"], frame["actor"], frame["thread"])
            if len(answered):
                responses.half_life = response_half_life(frame["ts"], frame["kind"], frame["actor"],
                                                         frame["thread"], responses=answered)
                responses.half_life["answered_within_day"] = int(
                    (answered["answered"] & (answered["delay"] <= pd.Timedelta(days=1))).sum())
                responses.by_weekday_hour = response_rate_by_hour(frame["ts"], frame["kind"], frame["actor"],
                                                                  frame["thread"], responses=answered)
                if not responses.half_life["answered"]:
                    responses.note = ("no post drew a timed answer (a reply or share in its thread by someone "
                                      "else): response times cannot be measured from this data")
            else:
                responses.note = "no threads: no post can be matched with its answers"
            channels = _channels(graph, frame, answered)
            del answered  # one row per thread: gigabytes at 50M events
            release_freed_memory()
            # Per period, "active" is the report's one definition (orgnet.events.contributions):
            # joining or viewing a channel makes no one active, nor is it a contact.
            acted = contributions(graph.events)
            responses.getting_outside = getting_outside(frame["ts"], graph.actor, graph.target, codes,
                                                        external=external, external_party=party,
                                                        by=opts.by or "month", min_contacts=opts.outside_contacts,
                                                        among=None if acted.all() else acted)
            del acted
            share = _covered(responses.getting_outside["period"], opts.by or "month", spans)
            # A period inside a gap in the data is no data, not a period with no one getting outside.
            responses.getting_outside = responses.getting_outside[share > 0].reset_index(drop=True)
            responses.getting_outside["partial"] = share[share > 0] < rules.trends.full_period
        if opts.by:
            with progress(f"Findings per {opts.by}"):
                periods = period_findings(graph, opts.by, grouping, eligible=eligible, rules=rules, seed=opts.seed,
                                          coded_events=coded_events, spans=spans)
                if grouping.kind == "community":
                    agreement = _collected(agreement, agreement_call, progress)
                    if not _stability(agreement, resolution, how, seeds, rules)["stable"]:
                        _no_group_trends(periods, float(agreement.mean()))
    else:
        skipped.append("time-based findings (periods, response times, trends, newcomers): "
                       "the events carry no timestamps")
    # The measures that need no betweenness are computed while the workers sample it.
    if measures_call is not None:
        with progress("Constraint, effective size, brokerage roles: waiting for the worker"):
            measures = measures_call.result()
    else:
        with progress("Constraint, effective size, brokerage roles"):
            measures = person_measures(a, codes, pagerank_values=pr)
    with nullcontext() if not pending.background else progress("Betweenness: waiting for the workers"):
        bc = pending.result()
    with progress("Connectors, spanners, brokers"):
        measures["betweenness"] = bc.values
        first_activity, end = _first_activity(graph) if timed else (None, None)
        span = None if spans is None else covered_days(spans)
        found, notes = connector_roles(
            measures, codes, len(grouping), eligible=eligible, contributes=components.contributed,
            hire_date=table["hire_date"], first_activity=first_activity, end=end, span_days=span, spans=spans,
            rules=rules.connectors)
        connectors = Connectors(found, primary, notes)
    if silo_call is not None:
        with progress("Silos: waiting for the worker"):
            silos = silo_call.result()

    stability = _stability(_collected(agreement, agreement_call, progress), resolution, how, seeds, rules)
    people = _people_table(table, measures, components, score, levels, found, eligible,
                           bc.certain_top(opts.top))
    first, last = _period(graph.events)
    summary = Summary(
        people=graph.n, members=int(eligible.sum()), active_people=int(table["active"].sum()), ties=graph.n_ties,
        tie_weight=float(a.sum()), events=int(graph.events.num_rows),
        period={"first": first, "last": last, "since": opts.since, "until": opts.until},
        coverage=coverage_summary(spans),
        sources=sources or [{"path": None, "format": "events table", "events": n_events}],
        records_skipped=_sum_skips(sources), records_noted=_sum_skips(sources, "records_noted"),
        directory=directory is not None,
        departments=len(groupings["department"]) if "department" in groupings else 0,
        communities=len(groupings["community"]),
        methods={
            "pagerank": "power iteration on row-normalised tie weights, damping 0.85, dangling people spread "
                        "uniformly",
            "betweenness": describe_betweenness(bc),
            "betweenness_method": bc.method,
            "betweenness_error": {"pivots": bc.pivots, "epsilon": bc.epsilon, "delta": bc.delta,
                                  "certain_top": int(people["betweenness_certain"].sum()), "top": opts.top},
            "communities": f"Leiden ({leiden_implementation(graph.n)}), modularity, resolution {_plain_number(resolution)} {how}, "
                           f"seed {opts.seed}, "
                           "undirected tie weights; seed stability: "
                           + (f"mean NMI {stability['mean_nmi']:.2f} with seeds {', '.join(map(str, seeds))} ("
                              + ("stable" if stability["stable"] else
                                 f"unstable: below {rules.communities.min_stability}, no trend is reported on them")
                              + ")" if stability["mean_nmi"] is not None else "not measured"),
            "community_stability": stability,
            "ei_index": "Krackhardt & Stern (E - I) / (E + I) over tie weights",
            "responses": "first reply or share by someone else in the thread (reactions carry no time of "
                         "their own)",
        },
        skipped_findings=skipped,
        membership=dict(membership_info or {}),
    )
    result = Findings(people=people, ties=a, groups=Groups(primary, groupings, group_table, matrix, group_ties_by_kind),
                      ambassadors=ambassadors, connectors=connectors, silos=Silos(silos), pyramid=pyramid,
                      responses=responses, formal=formal, summary=summary, periods=periods,
                      channels=channels if channels is not None else _channels(graph, frame, None))
    summary.flagged = flag_counts(result)
    return result


def _no_group_trends(periods: Any, mean_nmi: float) -> None:
    """No trend on communities that change with the seed: the group changes are dropped, the note says why."""
    for key in ("new_silos", "silos_no_longer", "more_inward"):
        if key in periods.changes:
            periods.changes[key] = np.zeros(0, dtype=np.int64)
    why = (f"communities change with the seed (mean NMI {mean_nmi:.2f} between seeds): no trend is reported on "
           "them")
    periods.note = f"{periods.note}; {why}" if periods.note else why


def population(people: pd.DataFrame | None, duplicates: pd.DataFrame | None, findings: Findings) -> Population:
    """The senders set apart as not people, and the likely duplicates among the nodes (who holds a role)."""
    out = Population()
    if people is not None and "non_human" in people.columns:
        apart = people[people["non_human"].fillna("").astype(str).str.len() > 0]
        out.set_apart = pd.DataFrame({
            "person": apart["person"].astype("string").to_numpy(),
            "name": apart["name"].astype("string").to_numpy() if "name" in apart else pd.NA,
            "evidence": apart["non_human"].astype("string").to_numpy(),
            "external": apart["external"].fillna(False).to_numpy(bool) if "external" in apart else False,
        }).astype({"name": "string"}).sort_values("person", kind="stable").reset_index(drop=True)
    if duplicates is None or not len(duplicates) or not findings.n:
        return out
    ids = findings.people["person"].astype(str).to_numpy()
    position = pd.Series(np.arange(len(ids)), index=ids)
    one = position.reindex(duplicates["person"].astype(str)).to_numpy()
    two = position.reindex(duplicates["alias"].astype(str)).to_numpy()
    # Each pair seen from each side that is a node.
    code = np.concatenate([one, two])
    other = np.concatenate([two, one])
    other_id = np.concatenate([duplicates["alias"].astype(str).to_numpy(), duplicates["person"].astype(str).to_numpy()])
    basis = np.tile(duplicates.get("basis", pd.Series("", index=duplicates.index)).astype(str).to_numpy(), 2)
    certain = np.tile(duplicates["certain"].to_numpy(bool), 2)
    node = ~np.isnan(code)
    holders = np.zeros(findings.n, dtype=bool)
    holders[findings.connectors.table["code"].to_numpy(np.int64)] = True
    holders[findings.ambassadors.table.loc[findings.ambassadors.table["flagged"], "code"].to_numpy(np.int64)] = True
    c = code[node].astype(np.int64)
    o = np.nan_to_num(other[node], nan=-1).astype(np.int64)
    out.duplicates = pd.DataFrame({
        "code": c, "other": o,
        "other_person": pd.Series(other_id[node], dtype="string").mask(o >= 0).array,
        "basis": pd.array(basis[node], dtype="string"), "certain": certain[node], "role": holders[c],
    }).sort_values(["code", "other"], kind="stable").reset_index(drop=True)
    return out


def flag_counts(findings: Findings) -> dict[str, int]:
    """How many ambassadors, people per connector role and silos were flagged."""
    roles = findings.connectors.table["role"].astype(str).value_counts()
    silos = findings.silos.table
    shown = silos["kind"] == findings.groups.primary
    return {"ambassadors": findings.ambassadors.flagged,
            **{f"{role}s": int(roles.get(role, 0)) for role in findings.connectors.ROLES if role in roles},
            "silos": int(silos.loc[shown, "is_silo"].sum())}


def _first_activity(graph: OrgGraph) -> tuple[pd.Series, pd.Timestamp]:
    """Each person's first event time (NaT: none with a time), and the last event time of all.

    A minimum per person over the times as integers (a pandas group-by of every event sorted
    and copied them: gigabytes at 50M events).
    """
    times = utc_times(graph.times)
    clock, unit = epoch_ticks(times)
    nat, never = np.iinfo(np.int64).min, np.iinfo(np.int64).max
    first = np.full(graph.n, never)
    valid = clock != nat
    valid &= graph.actor >= 0
    if valid.all():
        np.minimum.at(first, graph.actor, clock)
    else:
        np.minimum.at(first, graph.actor[valid], clock[valid])
    del valid
    first[first == never] = nat
    out = pd.Series(first.view(f"datetime64[{unit}]")).dt.tz_localize("UTC")
    return out, times.max()


def _pyramid(frame: pd.DataFrame, graph: OrgGraph, table: pd.DataFrame, eligible: np.ndarray,
             grouping: Grouping, all_targets: bool) -> tuple[Pyramid, np.ndarray]:
    """The pyramid counts (overall and per group), and each person's level code (-1: none).

    ``all_targets``: every event has a target (read before the graph's ids were let go).
    """
    levels = engagement_levels(frame["kind"], graph.actor, graph.n)
    counted = eligible.copy()
    excluded: dict[str, int] = {}
    if "external" in table.columns:
        excluded["outside the organisation"] = int(table["external"].fillna(False).to_numpy(bool).sum())
    if "non_human" in table.columns:
        excluded["not a person (list, announcement, bot)"] = int(
            (table["non_human"].fillna("").astype(str).str.len() > 0).sum())
    if "deleted" in table.columns:
        # A deleted account that never took part cannot be watching: not counted as a watcher.
        gone = table["deleted"].fillna(False).to_numpy(dtype=bool) & (np.asarray(levels.codes) == 0) & counted
        excluded["deleted accounts that never took part"] = int(gone.sum())
        counted &= ~gone
    code = np.where(counted, np.asarray(levels.codes, dtype=np.int64), -1)
    k = len(PYRAMID_LEVELS)
    overall = np.bincount(code[code >= 0], minlength=k)
    g = grouping.codes
    ok = (code >= 0) & (g >= 0)
    per_group = np.bincount(g[ok] * k + code[ok], minlength=len(grouping) * k).reshape(len(grouping), k)
    by_group = pd.DataFrame(per_group, columns=list(PYRAMID_LEVELS))
    by_group.insert(0, "code", np.arange(len(grouping), dtype=np.int64))
    # Edge lists (survey or static ties, no kind column) read as one "post" per tie: every event a
    # post with a target. Then no one's level is known, and "producer 100%" would only echo the format.
    ev = graph.events
    plain_ties = bool(ev.num_rows) and all_targets and bool((frame["kind"] == "post").all())
    note = ("the events are plain ties (who to whom) with no kinds: posting, replying, reacting and sharing "
            "cannot be told apart, so engagement levels cannot be measured") if plain_ties else ""
    return Pyramid(tuple(PYRAMID_LEVELS), {lev: int(c) for lev, c in zip(PYRAMID_LEVELS, overall, strict=True)},
                   grouping.kind, by_group, {k_: v for k_, v in excluded.items() if v}, note), code


def _people_table(table: pd.DataFrame, measures: pd.DataFrame, components: Any, score: np.ndarray,
                  levels: np.ndarray, found: pd.DataFrame, eligible: np.ndarray,
                  certain: np.ndarray) -> pd.DataFrame:
    """One row per person: identity and attributes, roles, pyramid level and every measure."""
    out = table.copy()
    out["roles"] = _join_roles(len(out), found)
    names = np.array([*PYRAMID_LEVELS, None], dtype=object)  # code -1 reads the None appended last
    out["pyramid_level"] = pd.array(names[levels], dtype="string")
    out["eligible"] = eligible
    for col in measures.columns:
        out[col] = measures[col].to_numpy()
    out["betweenness_certain"] = certain
    out["ambassador_score"] = score
    for col in AMBASSADOR_COMPONENTS:
        out[col] = getattr(components, col)
    first = ["person", "name", "department", "community", "roles", "pyramid_level", "eligible"]
    rest = [c for c in out.columns if c not in first]
    return out[first + rest]


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


def _sum_skips(sources: list[dict[str, Any]], key: str = "records_skipped") -> dict[str, int]:
    total: Counter[str] = Counter()
    for s in sources:
        total.update(s.get(key, {}))
    return dict(sorted(total.items()))
