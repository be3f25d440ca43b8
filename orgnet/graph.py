"""OrgGraph: the people index and the weighted directed adjacency, built once from Events.

Ids become integer codes once (sorted, so the result never depends on the order of input rows);
ties are aggregated with one sparse COO -> CSR conversion (duplicates summed in C); the igraph
view is built from the CSR arrays on first use and cached.

Examples
--------
>>> import pandas as pd
>>> from orgnet.events import events_from_frame
>>> ev = events_from_frame(pd.DataFrame({
...     "kind": ["post", "reply", "reply", "reaction"],
...     "actor": ["ana", "ben", "cy", "ana"], "target": [None, "ana", "ana", "ben"]}), source="csv")
>>> g = OrgGraph.from_events(ev)
>>> g.people["person"].tolist(), g.n_ties
(['ana', 'ben', 'cy'], 3)
>>> g.adjacency.toarray()
array([[0., 1., 0.],
       [1., 0., 0.],
       [1., 0., 0.]])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from orgnet.directory import DIRECTORY_COLUMNS
from orgnet.events import contributions, encode_ids, event_times, validate
from orgnet.metrics._igraph import igraph_graph
from orgnet.metrics.centrality import undirected_ties

__all__ = ["OrgGraph", "node_code_type", "to_timestamp"]


def to_timestamp(value: Any) -> pd.Timestamp | None:
    """Parse a window bound (date string, datetime or None) as a UTC timestamp.

    Examples
    --------
    >>> to_timestamp("2025-01-31")
    Timestamp('2025-01-31 00:00:00+0000', tz='UTC')
    """
    if value is None or value == "":
        return None
    ts = pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def node_code_type(n: int) -> type[np.signedinteger[Any]]:
    """The integer type of per-event node codes for ``n`` people: 32-bit where they fit.

    Per-event arrays are the analysis's largest (50M events: 200 MB per 32-bit column); the
    measures widen to 64 bits only where they compute packed keys.

    Examples
    --------
    >>> node_code_type(1_000_000).__name__, node_code_type(2**31).__name__
    ('int32', 'int64')
    """
    return np.int32 if n < 2**31 - 1 else np.int64


def _codes(values: pa.ChunkedArray | pa.Array, ids: pa.Array) -> np.ndarray:
    idx = pc.index_in(values, value_set=ids)
    return np.asarray(pc.fill_null(idx, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


@dataclass(frozen=True, eq=False)
class OrgGraph:
    """People and their weighted directed ties.

    Attributes
    ----------
    people : pandas.DataFrame
        One row per person, row ``i`` is node ``i``: ``person`` (canonical id), ``name``,
        ``email``, ``department``, ``title``, ``manager``, ``site``, ``hire_date`` and any extra
        directory or platform columns, ``in_directory`` and ``active`` (acted at least once in
        the window).
    adjacency : scipy.sparse.csr_array
        ``n x n``; entry ``(i, j)`` is the summed weight of events from ``i`` towards ``j``.
        Self-ties and ties with external parties are left out.
    events : pyarrow.Table
        The events in the window (Event schema).
    actor, target : numpy.ndarray
        Node code of each event's actor and target (``-1``: none, or not a person here);
        32-bit (:func:`node_code_type`): at 50M events each 64-bit array was 400 MB more.
    since, until : pandas.Timestamp or None
        The window the graph covers (``until`` exclusive).
    include_external : bool
        Whether ties with parties outside the organisation are in the adjacency.
    thread : numpy.ndarray or None
        Dense code of each event's thread (``-1``: none), when worked out once by the caller
        (:func:`orgnet.findings.compute.thread_keys`): a graph that carries them no longer
        needs its events' ``thread`` column, and its windows carry their slice.
    """

    people: pd.DataFrame
    adjacency: sp.csr_array
    events: pa.Table
    actor: np.ndarray
    target: np.ndarray
    since: pd.Timestamp | None = None
    until: pd.Timestamp | None = None
    include_external: bool = False
    thread: np.ndarray | None = None
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ building
    @classmethod
    def from_events(
        cls,
        events: pa.Table,
        *,
        directory: pd.DataFrame | None = None,
        people: pd.DataFrame | None = None,
        since: Any = None,
        until: Any = None,
        include_external: bool = False,
        directory_only: bool = False,
        include_non_human: bool = False,
    ) -> OrgGraph:
        """Build the graph from an events table.

        Parameters
        ----------
        events : pyarrow.Table
            Events following the contract (canonical ids already resolved).
        directory : pandas.DataFrame, optional
            The HR roster (:func:`orgnet.directory.read_directory`); its attributes are joined
            by person id, and everyone in it is a member even with no activity.
        people : pandas.DataFrame, optional
            People the connectors saw (``person``, ``name``, ``email``, attributes); members
            with no activity are kept (they are the watchers). People with ``external`` true
            (outside the organisation) or a non-empty ``non_human`` (lists, announcements,
            no-reply addresses, bots: :func:`orgnet.load.load_events`) make no node: their
            events stay in :attr:`events`, with node code ``-1`` for them.
        since, until : str or datetime, optional
            Keep events with ``since <= ts < until``. Events with no timestamp are dropped when
            a bound is given.
        include_external : bool
            Keep ties with parties outside the organisation (``external`` events), and external
            people as nodes (their ``external`` column stays true).
        directory_only : bool
            Keep only people in the directory (events with others are dropped).
        include_non_human : bool
            Keep non-human senders as nodes.

        Returns
        -------
        OrgGraph
        """
        validate(events)
        since_ts, until_ts = to_timestamp(since), to_timestamp(until)
        events = _in_window(events, since_ts, until_ts)
        coded = _EventIds(events, include_external)
        ids = _member_ids(coded, directory, people, directory_only, include_non_human=include_non_human)
        n = len(ids)

        actor, target = coded.codes(ids)
        del coded  # the per-event dictionary indices: 400 MB at 50M events
        adjacency = _tie_matrix(events, actor, target, n, include_external)
        table = _people_table(ids, directory, people)
        table["active"] = _active(actor, n, events)
        return cls(table, adjacency, events, actor, target, since_ts, until_ts, include_external)

    @classmethod
    def from_edges(
        cls,
        edges: pa.Table | pd.DataFrame,
        *,
        events: pa.Table | None = None,
        directory: pd.DataFrame | None = None,
        people: pd.DataFrame | None = None,
        since: Any = None,
        until: Any = None,
        include_external: bool = False,
        directory_only: bool = False,
        include_non_human: bool = False,
    ) -> OrgGraph:
        """Build the graph from ties already aggregated elsewhere (e.g. on Dask).

        The adjacency comes from ``edges`` only; ``events``, when given, supply what the ties
        cannot: people who acted but have no tie, the ``active`` flags and the event codes.
        With the edges of :func:`orgnet.engines.aggregate_edges` over the same events and
        options, the result is the graph :meth:`from_events` builds.

        Parameters
        ----------
        edges : pyarrow.Table or pandas.DataFrame
            ``actor``, ``target``, ``weight`` (one row per tie, or several: they are summed).
        events : pyarrow.Table, optional
            The events the edges were aggregated from (Event schema).
        directory, people, since, until, include_external, directory_only, include_non_human
            As in :meth:`from_events`; ``since``/``until`` filter ``events`` (filter the edges
            when aggregating them).

        Returns
        -------
        OrgGraph

        Examples
        --------
        >>> import pandas as pd
        >>> g = OrgGraph.from_edges(pd.DataFrame({"actor": ["b", "c", "b"], "target": ["a", "a", "c"],
        ...                                       "weight": [2.0, 1.0, 0.5]}))
        >>> g.people["person"].tolist(), g.adjacency.toarray().tolist()
        (['a', 'b', 'c'], [[0.0, 0.0, 0.0], [2.0, 0.0, 0.5], [1.0, 0.0, 0.0]])
        """
        from orgnet.events import empty_events

        if isinstance(edges, pd.DataFrame):
            edges = pa.Table.from_pandas(edges[["actor", "target", "weight"]], preserve_index=False)
        edge_actor = edges.column("actor").cast(pa.string())
        edge_target = edges.column("target").cast(pa.string())
        since_ts, until_ts = to_timestamp(since), to_timestamp(until)
        events = _in_window(validate(events if events is not None else empty_events()), since_ts, until_ts)
        extra = [] if directory_only else [pc.unique(edge_actor), pc.drop_null(pc.unique(edge_target))]
        coded = _EventIds(events, include_external)
        ids = _member_ids(coded, directory, people, directory_only, extra, include_non_human=include_non_human)
        n = len(ids)
        actor, target = coded.codes(ids)
        del coded
        ea, et = _codes(edge_actor, ids), _codes(edge_target, ids)
        tie = (ea >= 0) & (et >= 0) & (ea != et)
        weight = np.asarray(edges.column("weight").to_numpy(), dtype=np.float64)
        adjacency = sp.coo_array((weight[tie], (ea[tie], et[tie])), shape=(n, n)).tocsr()
        adjacency.sum_duplicates()
        adjacency.eliminate_zeros()

        table = _people_table(ids, directory, people)
        active = _active(actor, n, events)
        if events.num_rows == 0:
            active[ea[tie]] = True  # no events given: whoever has an outgoing tie acted
        table["active"] = active
        return cls(table, adjacency, events, actor, target, since_ts, until_ts, include_external)

    # ------------------------------------------------------------------ views
    @property
    def n(self) -> int:
        """Number of people."""
        return len(self.people)

    @property
    def n_ties(self) -> int:
        """Number of distinct directed ties (i, j) with positive weight."""
        return int(self.adjacency.nnz)

    @property
    def times(self) -> pd.Series:
        """The events' times as a pandas Series of UTC times (NaT: none), one per event.

        Over the events' own buffer when their ``ts`` is in one piece with no missing time
        (:func:`orgnet.events.event_times`): no copy of millions of times.

        Examples
        --------
        >>> from orgnet.synthetic import toy_org
        >>> g = OrgGraph.from_events(toy_org().events)
        >>> len(g.times) == g.events.num_rows, str(g.times.dtype)
        (True, 'datetime64[us, UTC]')
        """
        return event_times(self.events.column("ts"))

    def index_of(self, ids: Any) -> np.ndarray:
        """Node codes of person ids (``-1`` for ids not in the graph).

        Examples
        --------
        >>> from orgnet.synthetic import toy_org
        >>> g = OrgGraph.from_events(toy_org().events)
        >>> g.index_of([g.people["person"][3], "nobody"]).tolist()
        [3, -1]
        """
        arr = pa.array(np.asarray(ids, dtype=object).astype(str), pa.string())
        return _codes(arr, pa.array(self.people["person"].to_numpy(dtype=object), pa.string()))

    def undirected(self) -> sp.csr_array:
        """Symmetric adjacency ``A + A.T`` (a tie's weight in both directions summed)."""
        if "undirected" not in self._cache:
            sym = (self.adjacency + self.adjacency.T).tocsr()
            sym.sum_duplicates()
            self._cache["undirected"] = sym
        return self._cache["undirected"]

    def group_codes(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """Integer group code per person for a people column, and the group labels.

        People with no value get code ``-1``. Labels are sorted, so codes are stable.

        Examples
        --------
        >>> from orgnet.synthetic import toy_org
        >>> g = OrgGraph.from_events(toy_org().events, directory=toy_org().directory)
        >>> codes, labels = g.group_codes("department")
        >>> bool(len(codes) == g.n and codes.max() == len(labels) - 1)
        True
        """
        if column not in self.people.columns:
            return np.full(self.n, -1, dtype=np.int64), np.array([], dtype=object)
        values = self.people[column].astype("string")
        valid = values.notna() & (values != "")
        labels = np.unique(values[valid].to_numpy(dtype=str))
        codes = np.full(self.n, -1, dtype=np.int64)
        codes[valid.to_numpy()] = np.searchsorted(labels, values[valid].to_numpy(dtype=str))
        return codes, labels.astype(object)

    def ties(self, *, directed: bool = True) -> sp.coo_array:
        """The ties as COO arrays, in the igraph view's edge order (computed once).

        Parameters
        ----------
        directed : bool
            The directed ties, or the undirected ones (:func:`~orgnet.metrics.centrality.undirected_ties`).
        """
        key = f"ties_{directed}"
        if key not in self._cache:
            self._cache[key] = self.adjacency.tocoo() if directed else undirected_ties(self.adjacency)
        return self._cache[key]

    def forget_igraph(self) -> None:
        """Drop the cached igraph views (rebuilt on the next :meth:`igraph` call).

        At a million people and millions of ties a view with its weights takes about half a
        gigabyte; :func:`orgnet.analysis.analyze` lets it go once the communities are found.
        """
        for key in [k for k in self._cache if k.startswith("igraph_")]:
            del self._cache[key]

    def igraph(self, *, directed: bool = True) -> Any:
        """The igraph view (built once from the CSR arrays, with a ``weight`` edge attribute).

        Parameters
        ----------
        directed : bool
            Directed ties, or the undirected view (weights of both directions summed).
        """
        key = f"igraph_{directed}"
        if key not in self._cache:
            ties = self.ties(directed=directed)
            self._cache[key] = igraph_graph(self.n, ties.row, ties.col, ties.data, directed=directed)
        return self._cache[key]

    def window(self, since: Any = None, until: Any = None) -> OrgGraph:
        """The same people, with only the events in ``[since, until)``.

        Everyone stays a member (people with no events in the window are inactive), so
        periods compare person by person. The node codes of the events are reused, so a
        window costs one filter and one sparse build, not a new id coding.

        Examples
        --------
        >>> import pandas as pd
        >>> from orgnet.events import events_from_frame
        >>> ev = events_from_frame(pd.DataFrame({"ts": ["2025-01-06", "2025-02-03"], "kind": ["reply"] * 2,
        ...                                      "actor": ["a", "b"], "target": ["b", "a"]}))
        >>> w = OrgGraph.from_events(ev).window("2025-02-01", None)
        >>> w.people["person"].tolist(), w.people["active"].tolist(), w.n_ties
        (['a', 'b'], [False, True], 1)
        """
        since_ts, until_ts = to_timestamp(since), to_timestamp(until)
        if since_ts is None and until_ts is None:
            return self
        keep = _window_mask(self.events, since_ts, until_ts)
        events = self.events.filter(pa.array(keep))
        actor, target = self.actor[keep], self.target[keep]
        adjacency = _tie_matrix(events, actor, target, self.n, self.include_external)
        people = self.people.copy()
        people["active"] = _active(actor, self.n, events)
        thread = None if self.thread is None else self.thread[keep]
        return OrgGraph(people, adjacency, events, actor, target, since_ts, until_ts, self.include_external, thread)


def _active(actor: np.ndarray, n: int, events: pa.Table) -> np.ndarray:
    # One definition of "active" (orgnet.events.PRESENCE_KINDS): joining or viewing is not acting.
    active = np.zeros(n, dtype=bool)
    acted = (actor >= 0) & contributions(events)
    active[actor[acted]] = True
    return active


def _tie_matrix(events: pa.Table, actor: np.ndarray, target: np.ndarray, n: int,
                include_external: bool) -> sp.csr_array:
    """Summed tie weights from coded events: self-ties and (unless asked) external ties left out."""
    tie = (actor >= 0) & (target >= 0) & (actor != target)
    if not include_external:
        tie &= ~np.asarray(events.column("external").to_numpy(zero_copy_only=False), dtype=bool)
    # No weight column: every event weighs 1 (a graph whose events were compacted, as the analysis does).
    weight = np.asarray(events.column("weight").to_numpy(), dtype=np.float64)[tie] \
        if "weight" in events.column_names else np.ones(int(tie.sum()))
    adjacency = sp.coo_array((weight, (actor[tie], target[tie])), shape=(n, n)).tocsr()
    adjacency.sum_duplicates()
    adjacency.eliminate_zeros()
    return adjacency


def _window_mask(events: pa.Table, since_ts: pd.Timestamp | None, until_ts: pd.Timestamp | None) -> np.ndarray:
    ts = events.column("ts")
    keep = pc.is_valid(ts)
    if since_ts is not None:
        keep = pc.and_(keep, pc.greater_equal(ts, pa.scalar(since_ts, ts.type)))
    if until_ts is not None:
        keep = pc.and_(keep, pc.less(ts, pa.scalar(until_ts, ts.type)))
    return np.asarray(pc.fill_null(keep, False).to_numpy(zero_copy_only=False), dtype=bool)


def _in_window(events: pa.Table, since_ts: pd.Timestamp | None, until_ts: pd.Timestamp | None) -> pa.Table:
    """Events with ``since <= ts < until`` (no timestamp: dropped when a bound is given)."""
    if since_ts is None and until_ts is None:
        return events
    return events.filter(pa.array(_window_mask(events, since_ts, until_ts)))


class _EventIds:
    """The distinct actor and target ids of the events, each hashed once (or not at all).

    Every event's actor and target is dictionary-encoded (one hash pass per column, none when
    identity resolution already encoded it: :func:`orgnet.events.encode_ids`); member ids
    and node codes are then worked out on the dictionaries (thousands to a million values)
    and mapped back to the events with an integer gather, never a second pass over strings.
    """

    def __init__(self, events: pa.Table, include_external: bool) -> None:
        self.actor_values, self.actor_index = encode_ids(events.column("actor"))
        self.target_values, self.target_index = encode_ids(events.column("target"))
        internal = None
        if not include_external and events.num_rows:
            external = events.column("external")
            if pc.any(external, min_count=0).as_py():
                internal = ~np.asarray(external.to_numpy(zero_copy_only=False), dtype=bool)
        self.internal = internal
        self.include_external = include_external

    def used(self) -> list[pa.Array]:
        """The ids that act or are targeted in at least one internal event."""
        parts = []
        for values, index in ((self.actor_values, self.actor_index), (self.target_values, self.target_index)):
            if self.internal is None:
                parts.append(values)  # every encoded value occurs in some row
                continue
            seen = np.zeros(len(values) + 1, dtype=bool)
            seen[index[self.internal]] = True  # a null (-1) marks the extra last slot
            parts.append(values.filter(pa.array(seen[:-1])))
        return parts

    def codes(self, ids: pa.Array) -> tuple[np.ndarray, np.ndarray]:
        """Node code of each event's actor and target in ``ids`` (``-1``: none, or not a member)."""
        out = []
        for values, index in ((self.actor_values, self.actor_index), (self.target_values, self.target_index)):
            # One extra slot holding -1: a missing id (index -1) gathers it.
            lookup = np.append(_codes(values, ids), -1).astype(node_code_type(len(ids)))
            out.append(lookup[index])
        return out[0], out[1]


def _member_ids(
    coded: _EventIds,
    directory: pd.DataFrame | None,
    people: pd.DataFrame | None,
    directory_only: bool,
    extra: list[Any] | None = None,
    *,
    include_non_human: bool = False,
) -> pa.Array:
    """Sorted unique ids of the members: directory, internal actors and targets, people seen.

    People the people table marks ``external`` (unless ``include_external``) or ``non_human``
    (unless ``include_non_human``) are left out, wherever else their id appears: an outsider
    or a mailing list in an event is not a member.
    """
    id_parts: list[pa.Array] = []
    if directory is not None and len(directory):
        id_parts.append(pa.array(directory["person"].astype(str).to_numpy(), pa.string()))
    left_out = pa.array([], pa.string())
    if people is not None and len(people):
        out = np.zeros(len(people), dtype=bool)
        if "external" in people.columns and not coded.include_external:
            out |= people["external"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        if "non_human" in people.columns and not include_non_human:
            out |= (people["non_human"].astype("string").fillna("") != "").to_numpy(dtype=bool)
        left_out = pa.array(people.loc[out, "person"].astype(str).to_numpy(), pa.string())
        if not directory_only:
            id_parts.append(pa.array(people.loc[~out, "person"].astype(str).to_numpy(), pa.string()))
    if not directory_only:
        id_parts.extend(coded.used())
        id_parts.extend(extra or [])
    all_ids = pa.chunked_array(id_parts, type=pa.string()).combine_chunks() if id_parts else pa.array([], pa.string())
    ids = pc.unique(all_ids)
    if len(left_out):
        ids = ids.filter(pc.invert(pc.is_in(ids, value_set=left_out)))
    return ids.take(pc.sort_indices(ids))


def _people_table(ids: pa.Array, directory: pd.DataFrame | None, people: pd.DataFrame | None) -> pd.DataFrame:
    """One row per id: directory attributes win, connector attributes fill the gaps (joined by id)."""
    table = pd.DataFrame({"person": pd.array(ids.to_numpy(zero_copy_only=False), dtype="string")})
    if people is not None and len(people):
        seen = people.drop_duplicates("person").copy()
        seen["person"] = seen["person"].astype("string")
        table = table.merge(seen, on="person", how="left")
    if directory is not None and len(directory):
        d = directory.drop_duplicates("person").copy()
        d["person"] = d["person"].astype("string")
        table = table.merge(d, on="person", how="left", suffixes=("_seen", ""))
        for col in [c for c in table.columns if c.endswith("_seen")]:
            base = col[: -len("_seen")]
            table[base] = table[base].combine_first(table[col]) if base in table.columns else table[col]
            table = table.drop(columns=col)
        table["in_directory"] = pc.is_in(ids, value_set=pa.array(d["person"].to_numpy(dtype=object), pa.string())) \
            .to_numpy(zero_copy_only=False)
    else:
        table["in_directory"] = False
    for col in DIRECTORY_COLUMNS:
        if col not in table.columns:
            table[col] = pd.Series(pd.NaT, index=table.index, dtype="datetime64[ns, UTC]") if col == "hire_date" \
                else pd.Series(pd.NA, index=table.index, dtype="string")
    if "name" in table.columns:
        table["name"] = table["name"].astype("string").fillna(table["person"])
    ordered = list(DIRECTORY_COLUMNS) + [c for c in table.columns if c not in DIRECTORY_COLUMNS]
    return table[ordered].reset_index(drop=True)
