"""Events-to-ties aggregation on a chosen engine: in process, or on Dask for logs beyond one machine.

Aggregating events into weighted ties is a map-reduce (filter, group by actor and target, sum);
it is the one stage that grows with the raw log rather than with the organisation. The
``local`` engine runs it in process (Arrow on a table, DuckDB over Parquet files, out of core);
the ``dask`` engine runs it with ``dask.dataframe`` over Parquet partitions on a local cluster
or on an existing one (``scheduler="tcp://host:8786"``). Either way the compact edge list goes
to :meth:`orgnet.graph.OrgGraph.from_edges` and the single-node core.

Examples
--------
>>> import pandas as pd
>>> from orgnet.events import events_from_frame
>>> ev = events_from_frame(pd.DataFrame({"kind": ["reply", "reply", "post", "reply"],
...     "actor": ["b", "b", "a", "c"], "target": ["a", "a", None, "c"]}), source="csv")
>>> aggregate_edges(ev).to_pylist()
[{'actor': 'b', 'target': 'a', 'weight': 2.0, 'count': 2}]
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["EDGE_SCHEMA", "ENGINES", "aggregate_edges"]

#: The aggregated ties: one row per (actor, target), summed weight and number of events.
EDGE_SCHEMA = pa.schema(
    [
        pa.field("actor", pa.string(), nullable=False),
        pa.field("target", pa.string(), nullable=False),
        pa.field("weight", pa.float64(), nullable=False),
        pa.field("count", pa.int64(), nullable=False),
    ]
)

#: Engine names accepted by :func:`aggregate_edges` and ``orgnet analyze --engine``.
ENGINES: tuple[str, ...] = ("local", "dask")

_READ_COLUMNS = ["ts", "actor", "target", "weight", "external"]

EventsSource = pa.Table | str | Path | Sequence[str | Path]


def _window(since: Any, until: Any) -> tuple[Any, Any]:
    from orgnet.graph import to_timestamp

    return to_timestamp(since), to_timestamp(until)


def _paths(source: str | Path | Sequence[str | Path]) -> list[str]:
    items = [source] if isinstance(source, (str, Path)) else list(source)
    out = []
    for item in items:
        p = Path(item)
        # A folder of Parquet parts is read as its parts; globs and URLs go through as given.
        out.append(str(p / "*.parquet") if p.is_dir() else str(item))
    return out


def _sorted(table: pa.Table) -> pa.Table:
    table = table.select(EDGE_SCHEMA.names).cast(EDGE_SCHEMA)
    return table.take(pc.sort_indices(table, sort_keys=[("actor", "ascending"), ("target", "ascending")]))


def _local_table(events: pa.Table, since: Any, until: Any, include_external: bool) -> pa.Table:
    since_ts, until_ts = _window(since, until)
    actor, target = events.column("actor"), events.column("target")
    keep = pc.and_(pc.is_valid(target), pc.not_equal(actor, target))
    if not include_external:
        keep = pc.and_(keep, pc.invert(events.column("external")))
    ts = events.column("ts")
    if since_ts is not None:
        keep = pc.and_(keep, pc.greater_equal(ts, pa.scalar(since_ts, ts.type)))
    if until_ts is not None:
        keep = pc.and_(keep, pc.less(ts, pa.scalar(until_ts, ts.type)))
    ties = events.select(["actor", "target", "weight"]).filter(pc.fill_null(keep, False))
    grouped = ties.group_by(["actor", "target"], use_threads=False).aggregate(
        [("weight", "sum"), ("weight", "count")]
    )
    return grouped.rename_columns(["actor", "target", "weight", "count"])


def _local_parquet(paths: list[str], since: Any, until: Any, include_external: bool) -> pa.Table:
    import duckdb

    since_ts, until_ts = _window(since, until)
    where = ["target IS NOT NULL", "actor <> target"]
    params: list[Any] = [paths]
    if not include_external:
        where.append("NOT external")
    if since_ts is not None:
        where.append("ts >= CAST(? AS TIMESTAMPTZ)")
        params.append(since_ts.isoformat())
    if until_ts is not None:
        where.append("ts < CAST(? AS TIMESTAMPTZ)")
        params.append(until_ts.isoformat())
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        return con.sql(
            "SELECT actor, target, sum(weight) AS weight, count(*) AS count FROM read_parquet(?) "
            f"WHERE {' AND '.join(where)} GROUP BY actor, target",
            params=params,
        ).to_arrow_table()
    finally:
        con.close()


def _row_groups(paths: list[str]) -> list[tuple[str, int]]:
    import glob

    import pyarrow.parquet as pq

    files: list[str] = []
    for p in paths:
        matches = sorted(glob.glob(p)) if any(ch in p for ch in "*?[") else [p]
        if not matches:
            raise FileNotFoundError(f"{p}: no Parquet files match")
        files.extend(matches)
    return [(f, i) for f in files for i in range(pq.ParquetFile(f).num_row_groups)]


def _read_part(part: tuple[str, int]) -> Any:
    import pandas as pd
    import pyarrow.parquet as pq

    path, group = part
    table = pq.ParquetFile(path).read_row_group(group, columns=_READ_COLUMNS)
    ts = table.column("ts")
    if pa.types.is_timestamp(ts.type) and ts.type.tz is None:
        table = table.set_column(0, "ts", pc.assume_timezone(ts, "UTC"))
    return table.cast(pa.schema([
        ("ts", pa.timestamp("us", tz="UTC")), ("actor", pa.string()), ("target", pa.string()),
        ("weight", pa.float64()), ("external", pa.bool_()),
    ])).to_pandas(types_mapper=pd.ArrowDtype)


@contextmanager
def _client(scheduler: str | None, workers: int | None) -> Iterator[Any]:
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    # Threads in one process: pandas/Arrow kernels release the GIL and nothing is pickled.
    threads = workers or os.cpu_count() or 1
    with LocalCluster(n_workers=1, threads_per_worker=threads, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        yield client


def _dask(source: EventsSource, since: Any, until: Any, include_external: bool, scheduler: str | None,
          npartitions: int | None, workers: int | None) -> pa.Table:
    import dask.dataframe as dd
    import pandas as pd

    since_ts, until_ts = _window(since, until)
    if isinstance(source, pa.Table):
        from orgnet.events import with_plain_text

        # Ids as text: pandas would make categoricals of coded ids (orgnet.events, the compact form).
        frame = with_plain_text(source.select(_READ_COLUMNS)).to_pandas(types_mapper=pd.ArrowDtype)
        df = dd.from_pandas(frame, npartitions=npartitions or 2 * (os.cpu_count() or 1), sort=False)
    else:
        # One partition per Parquet row group, read by pyarrow on the worker that runs it.
        parts = _row_groups(_paths(source))
        meta = pd.DataFrame({
            "ts": pd.Series(dtype=pd.ArrowDtype(pa.timestamp("us", tz="UTC"))),
            "actor": pd.Series(dtype=pd.ArrowDtype(pa.string())),
            "target": pd.Series(dtype=pd.ArrowDtype(pa.string())),
            "weight": pd.Series(dtype=pd.ArrowDtype(pa.float64())),
            "external": pd.Series(dtype=pd.ArrowDtype(pa.bool_())),
        })
        df = dd.from_map(_read_part, parts, meta=meta, enforce_metadata=False)
        if npartitions:
            df = df.repartition(npartitions=npartitions)
    keep = df["target"].notnull() & (df["actor"] != df["target"])
    if not include_external:
        keep = keep & ~df["external"].astype(bool)
    if since_ts is not None:
        keep = keep & (df["ts"] >= since_ts)
    if until_ts is not None:
        keep = keep & (df["ts"] < until_ts)
    ties = df[keep.fillna(False)][["actor", "target", "weight"]]
    grouped = ties.groupby(["actor", "target"], sort=False, observed=True)["weight"].agg(["sum", "count"])
    with _client(scheduler, workers) as client:
        result = client.compute(grouped).result()
    result = result.reset_index().rename(columns={"sum": "weight"})
    result["actor"] = result["actor"].astype(str)
    result["target"] = result["target"].astype(str)
    result["count"] = result["count"].astype("int64")
    return pa.Table.from_pandas(result[["actor", "target", "weight", "count"]], preserve_index=False)


def aggregate_edges(
    events_source: EventsSource,
    engine: str = "local",
    scheduler: str | None = None,
    *,
    since: Any = None,
    until: Any = None,
    include_external: bool = False,
    npartitions: int | None = None,
    workers: int | None = None,
) -> pa.Table:
    """Aggregate events into weighted directed ties (the map-reduce before the graph).

    A tie ``actor -> target`` sums the weights of the events from one to the other; events with
    no target, self-ties and (unless ``include_external``) events with outside parties are left
    out, exactly as :meth:`orgnet.graph.OrgGraph.from_events` does.

    Parameters
    ----------
    events_source : pyarrow.Table, path, glob or sequence of them
        An events table, or Parquet files/folders with the Event columns (at least ``ts``,
        ``actor``, ``target``, ``weight``, ``external``).
    engine : {"local", "dask"}
        ``local``: Arrow group-by on a table, DuckDB (out of core) over Parquet files.
        ``dask``: ``dask.dataframe`` over partitions on a Dask cluster.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``); a local in-process cluster
        when not given. Ignored by the local engine.
    since, until : str or datetime, optional
        Keep events with ``since <= ts < until``.
    include_external : bool
        Keep ties with parties outside the organisation.
    npartitions : int, optional
        Dask partitions (default: two per core for a table, the files' row groups for Parquet).
    workers : int, optional
        Threads of the local Dask cluster (default: all cores).

    Returns
    -------
    pyarrow.Table
        :data:`EDGE_SCHEMA`, sorted by actor then target.

    Raises
    ------
    ValueError
        Unknown engine.

    Notes
    -----
    Both engines give the same ties and counts. Summed weights are equal to the last bit when
    the weights are exact in binary (1, 0.5, 0.25, ...: every chat platform's default); for
    other weights (an e-mail's 1/3) the summation order differs between partitions and the
    sums may differ in the last bits (relative 1e-15).
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if engine == "dask":
        return _sorted(_dask(events_source, since, until, include_external, scheduler, npartitions, workers))
    if isinstance(events_source, pa.Table):
        return _sorted(_local_table(events_source, since, until, include_external))
    return _sorted(_local_parquet(_paths(events_source), since, until, include_external))
