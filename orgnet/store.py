"""The DuckDB event store: imports exports idempotently and gives back events for a time window.

An event's key is ``source + item + kind + target``, where a missing target matches any
target: importing the same export twice adds nothing, and overlapping exports (January-February,
then February-March) merge without duplicates, even when one export could not name a target that
the other could (a reply whose thread starts before the export does). Each import runs in one
transaction, so an interrupted import leaves the store as it was. Rows move between Arrow and
DuckDB in bulk; no Python loop touches an event.

Examples
--------
>>> import tempfile, pathlib, pandas as pd
>>> from orgnet.events import events_from_frame
>>> ev = events_from_frame(pd.DataFrame({
...     "ts": pd.to_datetime(["2025-01-06", "2025-01-07"], utc=True), "kind": ["post", "reply"],
...     "actor": ["ana", "ben"], "target": [None, "ana"], "item": ["m1", "m2"]}), source="slack")
>>> db = pathlib.Path(tempfile.mkdtemp()) / "org.duckdb"
>>> import_events(db, ev, "jan.zip")["added"], import_events(db, ev, "jan.zip")["added"]
(2, 0)
>>> info = store_info(db)
>>> info["events"], info["first"][:10], sorted(info["sources"])
(2, '2025-01-06', ['slack'])
>>> load_events(db, since="2025-01-07").column("actor").to_pylist()
['ben']
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgnet.connectors.base import InputError
from orgnet.events import COMPACT_COLUMNS, KINDS, SCHEMA, validate

__all__ = ["import_events", "load", "load_events", "load_people", "store_info"]

_KIND_TYPE = "orgnet_kind"

_DDL = f"""
CREATE TYPE {_KIND_TYPE} AS ENUM ({", ".join(repr(k) for k in KINDS)});
CREATE TABLE events (
    ts TIMESTAMPTZ, source VARCHAR NOT NULL, kind {_KIND_TYPE} NOT NULL, actor VARCHAR NOT NULL,
    target VARCHAR, weight DOUBLE NOT NULL, channel VARCHAR, thread VARCHAR, item VARCHAR NOT NULL,
    external BOOLEAN NOT NULL
);
CREATE TABLE people (person VARCHAR PRIMARY KEY, name VARCHAR, email VARCHAR, attributes VARCHAR);
CREATE TABLE imports (
    label VARCHAR, imported_at TIMESTAMPTZ, rows_in BIGINT, added BIGINT, people_in BIGINT
);
"""

# The key: an event is (source, item, kind), and the target tells apart the rows of one item sent
# to several people (an e-mail's recipients, a table's rows). A row without a target is the same
# event as a row of the same (source, item, kind) with one: the target was not known to the export
# that gave the first row (see _MERGE).
_EVENT = ("source", "item", "kind")
_KEY = (*_EVENT, "target")
_COLUMNS = ", ".join(SCHEMA.names)


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...]:
    # Fetch every row so the connection holds no unfinished result (DuckDB refuses further work).
    rows = con.execute(sql).fetchall()
    return tuple(rows[0]) if rows else ()


@contextmanager
def _connect(store_path: str | Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    path = Path(store_path)
    if read_only and not path.exists():
        raise FileNotFoundError(f"{path}: no such store; create it with `orgnet import PATH... --store {path}`")
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise InputError(path, _open_problem(exc)) from None
    try:
        con.execute("SET TimeZone = 'UTC'")
        if not _one(con, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'events'")[0]:
            if read_only:
                raise InputError(path, "not an orgnet store (a DuckDB database without an events table)")
            con.execute("BEGIN")
            con.execute(_DDL)
            con.execute("COMMIT")
        yield con
    finally:
        con.close()


def _open_problem(exc: duckdb.Error) -> str:
    """Why a store file cannot be opened, worded for the user (DuckDB's message names no remedy)."""
    text = str(exc)
    if "lock" in text.lower():
        return ("the store is in use by another process (DuckDB allows one writer); wait for it to finish, "
                f"or copy the file and read the copy ({text.splitlines()[0]})")
    if "not a valid DuckDB database" in text or "Serialization" in text or "magic" in text.lower():
        return "not an orgnet store (not a DuckDB database file); expected a file made by `orgnet import`"
    return f"cannot open the store ({text.splitlines()[0] if text else type(exc).__name__})"


def _people_rows(people: pd.DataFrame | None) -> pa.Table:
    """People as (person, name, email, attributes-as-JSON), one row per person."""
    cols = {"person": pa.string(), "name": pa.string(), "email": pa.string(), "attributes": pa.string()}
    if people is None or not len(people) or "person" not in people.columns:
        return pa.schema(list(cols.items())).empty_table()
    p = people.dropna(subset=["person"]).drop_duplicates("person", keep="first")
    extra = [c for c in p.columns if c not in ("person", "name", "email")]
    out = {"person": p["person"].astype(str).to_numpy(dtype=object)}
    for c in ("name", "email"):
        out[c] = p[c].astype("string").to_numpy(dtype=object, na_value=None) if c in p.columns else [None] * len(p)
    if extra:
        # Attributes vary by platform; kept as JSON so the store needs no schema change per source.
        records = p[extra].astype(object).where(p[extra].notna(), None).to_dict(orient="records")
        out["attributes"] = [json.dumps({k: _plain(v) for k, v in r.items() if v is not None}, sort_keys=True)
                             for r in records]
    else:
        out["attributes"] = [None] * len(p)
    return pa.table({k: pa.array(v, cols[k]) for k, v in out.items()})


def _plain(value: Any) -> Any:
    if isinstance(value, (np.generic,)):
        return value.item()
    if isinstance(value, (pd.Timestamp, _dt.datetime, _dt.date)):
        return value.isoformat()
    return value


def _incoming(events: pa.Table) -> pa.Table:
    # DuckDB reads the kind column as text and casts it to the enum; the coded text columns
    # (source, channel, thread) go in as text, as the store keeps them; everything else maps 1:1.
    table = events.select(SCHEMA.names)
    for name in ("kind", *COMPACT_COLUMNS):
        table = table.set_column(SCHEMA.names.index(name), name, table.column(name).cast(pa.string()))
    return table


def _after_insert(con: duckdb.DuckDBPyConnection) -> None:
    """Hook run inside the import transaction after the rows are inserted (tests fail here)."""


def import_events(
    store_path: str | Path,
    events: pa.Table,
    source_label: str,
    *,
    people: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Add events (and the people seen) to the store, skipping events it already holds.

    Parameters
    ----------
    store_path : str or Path
        The DuckDB file (created on first import).
    events : pyarrow.Table
        Events following the contract.
    source_label : str
        What was imported (a file name), recorded in the store's import log.
    people : pandas.DataFrame, optional
        People the connector saw (``person``, ``name``, ``email``, attributes); members with no
        activity are kept so they stay watchers. A later import fills in missing names.

    Returns
    -------
    dict
        ``rows_in`` (events given), ``added`` (new events stored), ``completed`` (stored events
        without a target that this import named the target of: replaced, not added),
        ``people_in``.

    Notes
    -----
    Rows are compared by ``source, item, kind, target``, both against the store and within the
    batch (the first of duplicates wins); a row without a target matches any row of the same
    ``source, item, kind``, and gives way to it. The whole import is one transaction.
    """
    validate(events)
    incoming = _incoming(events)
    people_rows = _people_rows(people)
    with _connect(store_path) as con:
        con.register("incoming_events", incoming)
        con.register("incoming_people", people_rows)
        before = _one(con, "SELECT count(*) FROM events")[0]
        con.execute("BEGIN")
        try:
            completed = _merge(con)
            con.execute(
                """
                INSERT INTO people SELECT person, name, email, attributes FROM incoming_people
                ON CONFLICT (person) DO UPDATE SET
                    name = COALESCE(excluded.name, people.name),
                    email = COALESCE(excluded.email, people.email),
                    attributes = COALESCE(excluded.attributes, people.attributes)
                """
            )
            added = int(_one(con, "SELECT count(*) FROM events")[0]) - int(before)
            _after_insert(con)
            con.execute(
                "INSERT INTO imports VALUES (?, now(), ?, ?, ?)",
                [source_label, incoming.num_rows, added, people_rows.num_rows],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            con.execute("DROP TABLE IF EXISTS temp.batch")
            con.unregister("incoming_events")
            con.unregister("incoming_people")
    return {"rows_in": int(incoming.num_rows), "added": added, "completed": completed,
            "people_in": int(people_rows.num_rows)}


def _merge(con: duckdb.DuckDBPyConnection) -> int:
    """Add the registered ``incoming_events`` to ``events``; return how many stored rows got a target.

    Three set operations, no loop: (1) the batch keeps one row per key, and drops a row without
    a target when the batch has the same event with one; (2) a stored row without a target is
    replaced when the batch names its target; (3) batch rows not already stored are inserted.
    The store so ends with the same rows whichever of two overlapping exports comes first.
    """
    event = " AND ".join(f"e.{k} = b.{k}" for k in _EVENT)
    con.execute(
        f"""
        CREATE TEMP TABLE batch AS
        SELECT {_COLUMNS} FROM (
            SELECT ts, source, CAST(kind AS {_KIND_TYPE}) AS kind, actor, target, weight, channel,
                   thread, item, external,
                   row_number() OVER (PARTITION BY {", ".join(_KEY)}) AS dup,
                   count(target) OVER (PARTITION BY {", ".join(_EVENT)}) AS targeted
            FROM incoming_events
        ) WHERE dup = 1 AND (target IS NOT NULL OR targeted = 0)
        """
    )
    completed = _one(con, f"""
        SELECT count(*) FROM events e
        WHERE e.target IS NULL AND EXISTS (SELECT 1 FROM batch b WHERE {event} AND b.target IS NOT NULL)""")[0]
    if completed:
        con.execute(f"""
            DELETE FROM events e
            WHERE e.target IS NULL AND EXISTS (SELECT 1 FROM batch b WHERE {event} AND b.target IS NOT NULL)""")
    con.execute(f"""
        INSERT INTO events
        SELECT {_COLUMNS} FROM batch b
        WHERE NOT EXISTS (SELECT 1 FROM events e WHERE {event} AND (e.target = b.target OR b.target IS NULL))""")
    return int(completed)


def _window(since: Any, until: Any) -> tuple[str, list[Any]]:
    from orgnet.graph import to_timestamp

    clauses, params = [], []
    since_ts, until_ts = to_timestamp(since), to_timestamp(until)
    if since_ts is not None:
        clauses.append("ts >= CAST(? AS TIMESTAMPTZ)")
        params.append(since_ts.isoformat())
    if until_ts is not None:
        clauses.append("ts < CAST(? AS TIMESTAMPTZ)")
        params.append(until_ts.isoformat())
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def load_events(store_path: str | Path, since: Any = None, until: Any = None) -> pa.Table:
    """Events in ``[since, until)`` (all when no bound is given) as an Event table.

    Parameters
    ----------
    store_path : str or Path
        The DuckDB file.
    since, until : str or datetime, optional
        Window bounds (``until`` exclusive); events with no timestamp are left out when a
        bound is given.

    Returns
    -------
    pyarrow.Table
        :data:`orgnet.events.SCHEMA`, ``kind`` as a dictionary.
    """
    where, params = _window(since, until)
    with _connect(store_path, read_only=True) as con:
        table = con.sql(f"SELECT {_COLUMNS} FROM events{where}", params=params or None).to_arrow_table()
    kind = table.column("kind")
    # The enum is declared in KINDS order, so its codes are the contract's codes.
    codes = pc.cast(kind.combine_chunks().indices if kind.num_chunks else pa.array([], pa.uint8()), pa.int8())
    table = table.set_column(SCHEMA.names.index("kind"), "kind",
                             pa.DictionaryArray.from_arrays(codes, pa.array(KINDS)))
    table = table.cast(SCHEMA)
    for name in COMPACT_COLUMNS:  # one dictionary per column, whatever DuckDB's batches were
        col = table.column(name)
        if col.num_chunks > 1:
            table = table.set_column(SCHEMA.names.index(name), name, col.unify_dictionaries())
    return table


def load_people(store_path: str | Path) -> pd.DataFrame:
    """Everyone the imports saw: ``person``, ``name``, ``email`` and their attributes as columns.

    Parameters
    ----------
    store_path : str or Path
        The DuckDB file.

    Returns
    -------
    pandas.DataFrame
    """
    with _connect(store_path, read_only=True) as con:
        raw = con.sql("SELECT person, name, email, attributes FROM people ORDER BY person").to_arrow_table()
    frame = raw.drop_columns(["attributes"]).to_pandas(types_mapper=pd.ArrowDtype).astype("string")
    attributes = raw.column("attributes")
    if attributes.null_count < len(attributes):
        parsed = pd.json_normalize([json.loads(a) if a else {} for a in attributes.to_pylist()])
        parsed = parsed.drop(columns=[c for c in parsed.columns if c in frame.columns])
        frame = pd.concat([frame, parsed], axis=1)
    return frame


def load(store_path: str | Path, since: Any = None, until: Any = None) -> Any:
    """Events in the window, everyone seen and the store's sources, as :class:`~orgnet.analysis.LoadedEvents`.

    This is what ``orgnet analyze --store`` reads instead of exports.

    Parameters
    ----------
    store_path : str or Path
        The DuckDB file.
    since, until : str or datetime, optional
        Window bounds (``until`` exclusive).

    Returns
    -------
    orgnet.analysis.LoadedEvents
    """
    from orgnet.load import LoadedEvents

    events = load_events(store_path, since, until)
    info = store_info(store_path)
    sources = [{"path": f"{store_path} ({name})", "format": f"store:{name}", "records_read": s["events"],
                "records_skipped": {}, "events": s["events"]} for name, s in info["sources"].items()]
    return LoadedEvents(events, load_people(store_path), sources)


def store_info(store_path: str | Path) -> dict[str, Any]:
    """What the store holds: event count, period, per-source counts and periods, imports.

    Parameters
    ----------
    store_path : str or Path
        The DuckDB file.

    Returns
    -------
    dict
        ``events``, ``people``, ``first``, ``last`` (ISO 8601 or None), ``sources``
        (source -> ``events``, ``first``, ``last``) and ``imports`` (label, time, rows, added).
    """
    with _connect(store_path, read_only=True) as con:
        total = _one(con, f"SELECT count(*), {_naive('min(ts)')}, {_naive('max(ts)')} FROM events")
        people = _one(con, "SELECT count(*) FROM people")
        per_source = con.execute(
            f"SELECT source, count(*), {_naive('min(ts)')}, {_naive('max(ts)')} FROM events "
            "GROUP BY source ORDER BY source"
        ).fetchall()
        imports = con.execute(
            f"SELECT label, {_naive('imported_at')}, rows_in, added FROM imports ORDER BY imported_at"
        ).fetchall()
    return {
        "store": str(Path(store_path)),
        "events": int(total[0]),
        "people": int(people[0]),
        "first": _iso(total[1]),
        "last": _iso(total[2]),
        "sources": {s: {"events": int(n), "first": _iso(lo), "last": _iso(hi)} for s, n, lo, hi in per_source},
        "imports": [{"label": label, "imported_at": _iso(at), "rows_in": int(r), "added": int(a)}
                    for label, at, r, a in imports],
    }


def _naive(expr: str) -> str:
    # UTC wall time without a zone: Python's datetime needs no time-zone package to receive it.
    return f"CAST({expr} AS TIMESTAMP)"


def _iso(value: _dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(_dt.timezone.utc)
    return value.replace(tzinfo=None).isoformat() + "Z"
