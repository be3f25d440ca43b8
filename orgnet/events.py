"""The Event schema: the one contract between connectors and everything after them.

Every connector produces an Arrow table with exactly these columns, and every later stage
(store, graph, metrics) reads only this table. Ids are strings from the first read, so a
numeric id in one file and a string id in another never split a person in two.

Examples
--------
>>> import pandas as pd
>>> ev = events_from_frame(pd.DataFrame({
...     "ts": pd.to_datetime(["2025-01-06", "2025-01-07"], utc=True),
...     "kind": ["post", "reply"], "actor": ["ana", "ben"], "target": [None, "ana"],
... }), source="csv")
>>> ev.num_rows, ev.schema.field("actor").type, ev.schema.field("channel").type
(2, DataType(string), DictionaryType(dictionary<values=string, indices=int32, ordered=0>))
>>> validate(ev) is ev
True

The compact form
----------------
Text columns whose values repeat (``source``, ``channel``, ``thread``) are dictionary-encoded:
``int32`` codes into one dictionary of distinct, non-empty values per column (a missing value
is a null code, never a null in the dictionary). At ten million events that is 4 bytes per event
per column instead of the text of every row. ``item`` is needed only to tell repeated events
apart (:func:`orgnet.load.drop_repeated_events`, the store's key, per-message counts of
:func:`orgnet.identity.activity.sender_activity`); ``orgnet analyze`` drops it once that is done
(:func:`without_item`), and :func:`validate` accepts a table without it. Once identities are
resolved, ``orgnet analyze`` codes ``actor`` and ``target`` the same way (:func:`with_coded_ids`):
the CSV and Parquet readers give them coded already (ids in order of first appearance), the
others as text, and :func:`validate` accepts either form (:func:`concat_events` codes a text
table that joins a coded one). Arrow's compute kernels
take the coded columns as they are; pandas makes categoricals of them (:func:`with_plain_text`
gives plain text back, for a frame that must not depend on the order of the rows).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "ID_COLUMNS",
    "KINDS",
    "RESPONSE_KINDS",
    "SCHEMA",
    "EventSchemaError",
    "concat_events",
    "empty_events",
    "events_from_frame",
    "coerce_events",
    "events_from_mapping",
    "contributions",
    "dictionary_codes",
    "event_times",
    "has_timestamps",
    "validate",
    "with_coded_ids",
    "with_plain_text",
    "with_whole_times",
    "without_item",
]

#: Kinds of interaction, in the order of the engagement they show (see DESIGN.md).
KINDS: tuple[str, ...] = ("view", "join", "reaction", "share", "mention", "reply", "post", "curate")

#: Kinds that show presence, not contribution. "Active" has this one definition everywhere (inspect,
#: analyze, the report, the map): a person is active when they acted in at least one event of
#: another kind; someone who only joined or viewed is a watcher.
PRESENCE_KINDS: tuple[str, ...] = ("view", "join")

#: Kinds that answer someone else's content: they make a response tie actor -> target.
RESPONSE_KINDS: tuple[str, ...] = ("reply", "reaction", "share", "mention")

#: The type of the dictionary-encoded text columns (:data:`COMPACT_COLUMNS`).
CODED_TEXT = pa.dictionary(pa.int32(), pa.string())

#: Text columns kept as dictionaries: few distinct values, repeated on many events.
COMPACT_COLUMNS: tuple[str, ...] = ("source", "channel", "thread")

#: Column that may be left out once the events are de-duplicated (see :func:`without_item`).
ITEM = "item"

#: Id columns: text, or codes into their distinct ids (:data:`CODED_TEXT`).
ID_COLUMNS: tuple[str, ...] = ("actor", "target")

SCHEMA = pa.schema(
    [
        pa.field("ts", pa.timestamp("us", tz="UTC"), nullable=True),
        pa.field("source", CODED_TEXT, nullable=False),
        pa.field("kind", pa.dictionary(pa.int8(), pa.string()), nullable=False),
        pa.field("actor", pa.string(), nullable=False),
        pa.field("target", pa.string(), nullable=True),
        pa.field("weight", pa.float64(), nullable=False),
        pa.field("channel", CODED_TEXT, nullable=True),
        pa.field("thread", CODED_TEXT, nullable=True),
        pa.field("item", pa.string(), nullable=False),
        pa.field("external", pa.bool_(), nullable=False),
    ]
)

_REQUIRED = ("kind", "actor")


class EventSchemaError(ValueError):
    """An events table does not follow the contract; the message says what and where."""


def empty_events() -> pa.Table:
    """Return an events table with no rows.

    Examples
    --------
    >>> empty_events().num_rows
    0
    """
    return SCHEMA.empty_table()


def _kind_array(col: pa.ChunkedArray | pa.Array, where: str) -> pa.DictionaryArray:
    if pa.types.is_dictionary(col.type):
        # Map each chunk's few dictionary values to KINDS and remap the codes: no per-row strings.
        fast = _kind_codes_from_dictionary(col)
        if fast is not None:
            return fast
    values = col.cast(pa.string()) if pa.types.is_dictionary(col.type) else col
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        values = values.cast(pa.string())
    values = pc.utf8_trim_whitespace(values)
    index = pc.index_in(values, value_set=pa.array(KINDS))
    bad = pc.is_null(index)
    if pc.any(bad, min_count=0).as_py():
        row = int(np.flatnonzero(bad.to_numpy(zero_copy_only=False))[0])
        found = values[row].as_py() if hasattr(values, "__getitem__") else None
        what = "kind is empty" if found in (None, "") else f"unknown kind {_shown(found)}"
        raise EventSchemaError(f"{where}: row {row + 1}: {what}; expected one of {', '.join(KINDS)}")
    codes = pc.cast(index, pa.int8())
    if isinstance(codes, pa.ChunkedArray):
        codes = codes.combine_chunks()
    return pa.DictionaryArray.from_arrays(codes, pa.array(KINDS))


def _kind_codes_from_dictionary(col: pa.ChunkedArray | pa.Array) -> pa.DictionaryArray | None:
    kinds = pa.array(KINDS)
    parts = []
    for chunk in col.chunks if isinstance(col, pa.ChunkedArray) else [col]:
        values = pc.utf8_trim_whitespace(chunk.dictionary.cast(pa.string()))
        mapping = pc.index_in(values, value_set=kinds)
        used = pc.unique(chunk.indices)
        if chunk.null_count or pc.any(pc.is_null(pc.take(mapping, used)), min_count=0).as_py():
            return None  # an unknown or empty kind: the general path finds the row and says so
        parts.append(pc.cast(pc.take(mapping, chunk.indices), pa.int8()))
    codes = pa.concat_arrays(parts) if parts else pa.array([], pa.int8())
    return pa.DictionaryArray.from_arrays(codes, kinds)


def _string_column(col: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    # Ids are strings everywhere: 17 and "17" are the same person.
    if pa.types.is_dictionary(col.type):
        # Clean each distinct value once (trim, "" -> null), then expand: far fewer string operations.
        chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
        cleaned = [pa.DictionaryArray.from_arrays(c.indices, _string_column(c.dictionary)).cast(pa.string())
                   for c in chunks]
        return pa.chunked_array(cleaned, pa.string()) if isinstance(col, pa.ChunkedArray) else cleaned[0]
    if pa.types.is_floating(col.type):
        # An integer id column with gaps is read as float by pandas: 17.0 must stay "17".
        as_int = pc.cast(col, pa.int64(), safe=False)
        if pc.all(pc.or_kleene(pc.equal(pc.cast(as_int, col.type, safe=False), col), pc.is_null(col)),
                  min_count=0).as_py():
            col = as_int
    if not (pa.types.is_string(col.type)):
        col = col.cast(pa.string())
    if _already_clean(col):
        return col  # the common case: no copy of 10M+ strings
    col = pc.utf8_trim_whitespace(col)
    empty = pc.equal(col, "")
    if not pc.any(empty, min_count=0).as_py():
        return col
    return pc.if_else(empty, pa.scalar(None, pa.string()), col)


def _coded_text(col: pa.ChunkedArray | pa.Array, *, fill: str | None = None) -> pa.ChunkedArray:
    """A text column in the compact form: cleaned as :func:`_string_column` cleans, then ``int32`` codes.

    Every chunk shares one dictionary of distinct, non-null values; a missing value (null or
    ``""``) is a null code, or the code of ``fill`` when one is given. A column read as a
    dictionary (Parquet's own encoding) is cleaned once per distinct value, never expanded.

    Examples
    --------
    >>> col = _coded_text(pa.array(["#a", " #a", "", None, "#b"]))
    >>> col.type, col.to_pylist(), col.chunk(0).dictionary.to_pylist()
    (DictionaryType(dictionary<values=string, indices=int32, ordered=0>), ['#a', '#a', None, None, '#b'], ['#a', '#b'])
    >>> _coded_text(pa.array(["x", None]).dictionary_encode(), fill="csv").to_pylist()
    ['x', 'csv']
    """
    if isinstance(col, pa.Array):
        col = pa.chunked_array([col], col.type)
    if pa.types.is_dictionary(col.type) and sum(len(c.dictionary) for c in col.chunks) > len(col) // 4:
        # Nearly one value per row (thread ids in Parquet's per-row-group dictionaries): hashing
        # every chunk's dictionary and unifying them costs more than encoding the text once.
        col = col.cast(col.type.value_type)
    if pa.types.is_dictionary(col.type):
        parts = []
        for chunk in col.chunks:
            # Each distinct value cleaned once; values alike once cleaned (" a", "a") share a code.
            values = pc.dictionary_encode(_string_column(chunk.dictionary))
            codes = pc.cast(pc.take(values.indices, chunk.indices), pa.int32())
            parts.append(pa.DictionaryArray.from_arrays(codes, values.dictionary))
        coded = pa.chunked_array(parts, CODED_TEXT)
    else:
        coded = pc.dictionary_encode(_string_column(col))  # one memo table: every chunk gets the final dictionary
        if coded.type != CODED_TEXT:
            coded = coded.cast(CODED_TEXT)
    if coded.num_chunks > 1:
        first = coded.chunk(0).dictionary
        if not all(c.dictionary is first or c.dictionary.equals(first) for c in coded.chunks[1:]):
            coded = coded.unify_dictionaries()
    if fill is not None and coded.null_count:
        dictionary = coded.chunk(0).dictionary
        at = dictionary.index(fill).as_py()
        if at < 0:
            dictionary, at = pa.concat_arrays([dictionary, pa.array([fill], pa.string())]), len(dictionary)
        coded = pa.chunked_array([pa.DictionaryArray.from_arrays(pc.fill_null(c.indices, pa.scalar(at, pa.int32())),
                                                                 dictionary) for c in coded.chunks], CODED_TEXT)
    return coded


def without_item(events: pa.Table) -> pa.Table:
    """The events without their ``item`` column: what is left once repeated events are dropped.

    Nothing after de-duplication reads ``item`` (the graph, the measures and the report do not);
    dropping it frees ~10-30 bytes per event. The result still passes :func:`validate`.

    Examples
    --------
    >>> ev = events_from_mapping({"kind": ["post"], "actor": ["a"]}, source="demo")
    >>> without_item(ev).column_names == [n for n in SCHEMA.names if n != "item"]
    True
    """
    return events.drop_columns([ITEM]) if ITEM in events.column_names else events


def with_coded_ids(events: pa.Table) -> pa.Table:
    """The events with ``actor`` and ``target`` as ``int32`` codes into their distinct ids.

    For events whose ids are final (identity resolution done): a person's id is then stored once,
    not once per event. The encoding is the one :func:`encode_ids` gives (values in order of first
    appearance), taken from identity resolution's when it is still at hand, and remembered for
    the graph build, so no id is hashed again.

    Examples
    --------
    >>> ev = with_coded_ids(events_from_mapping({"kind": ["post"] * 3, "actor": ["b", "a", "b"],
    ...                                          "target": ["a", None, "a"]}, source="demo"))
    >>> ev.column("actor").to_pylist(), ev.column("target").chunk(0).dictionary.to_pylist()
    (['b', 'a', 'b'], ['a'])
    >>> validate(ev) is ev
    True
    """
    for name in ID_COLUMNS:
        col = events.column(name)
        if pa.types.is_dictionary(col.type):
            continue
        values, index = encode_ids(col)
        missing = index < 0
        codes = pa.array(index, pa.int32(), mask=missing if missing.any() else None)
        field = events.schema.field(name)
        events = events.set_column(events.schema.get_field_index(name), field.with_type(CODED_TEXT),
                                   pa.chunked_array([pa.DictionaryArray.from_arrays(codes, values)]))
        remember_ids(events.column(name), values, index)
    return events


def with_plain_text(events: pa.Table) -> pa.Table:
    """The events with the coded text columns (ids too) as plain ``string`` columns (the values unchanged).

    For a pandas frame that compares across runs: pandas turns a dictionary column into a
    categorical whose categories are in order of first appearance, so two reads of the same
    events in another order would give unequal frames.

    Examples
    --------
    >>> ev = events_from_mapping({"kind": ["post"], "actor": ["a"], "channel": ["c"]}, source="demo")
    >>> with_plain_text(ev).schema.field("channel").type
    DataType(string)
    """
    for name in (*COMPACT_COLUMNS, "actor", "target"):
        if name in events.column_names and pa.types.is_dictionary(events.schema.field(name).type):
            field = events.schema.field(name)
            events = events.set_column(events.schema.get_field_index(name), field.with_type(pa.string()),
                                       events.column(name).cast(pa.string()))
    return events


def _already_clean(col: pa.ChunkedArray | pa.Array) -> bool:
    """Tell, from the raw buffers, that trimming would change nothing and no value is ``""``.

    Only the first and last byte of each value are looked at: a value may need trimming only
    if one of them is ASCII white space or control (``<= 0x20``) or part of a multi-byte
    character (``>= 0x80``, which could be Unicode white space). Either way, or on an empty
    string, the caller takes the general (copying) path, so the answer is never wrong.
    """
    for chunk in col.chunks if isinstance(col, pa.ChunkedArray) else [col]:
        if len(chunk) == 0:
            continue
        _, offsets_buf, data_buf = chunk.buffers()
        offsets = np.frombuffer(offsets_buf, np.int32, count=len(chunk) + 1, offset=4 * chunk.offset)
        start, end = offsets[:-1], offsets[1:]
        empty = end == start
        if chunk.null_count:
            valid = np.asarray(chunk.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
            if (valid & empty).any():
                return False  # an empty string: becomes null
        elif empty.any():
            return False
        lo, hi = int(offsets[0]), int(offsets[-1])
        if data_buf is None or hi == lo:
            continue
        data = np.frombuffer(data_buf, np.uint8, count=hi)
        # Null slots (empty) point at a neighbour's first or last byte once clipped: bytes that
        # are checked anyway, so no gather through a filtered copy is needed.
        ends = np.concatenate([np.minimum(start, hi - 1), np.maximum(end - 1, lo)]) if chunk.null_count \
            else np.concatenate([start, end - 1])
        # Fine when 0x21 <= byte <= 0x7F: one wrapping subtraction and one comparison.
        if ((data[ends] - np.uint8(0x21)) >= np.uint8(0x5F)).any():
            return False
    return True


def _timestamp_column(col: pa.ChunkedArray | pa.Array, where: str) -> pa.ChunkedArray | pa.Array:
    target = pa.timestamp("us", tz="UTC")
    if pa.types.is_timestamp(col.type):
        if col.type.tz is None:
            col = pc.assume_timezone(col, "UTC")
        return col.cast(target)
    if pa.types.is_date(col.type):
        return pc.assume_timezone(col.cast(pa.timestamp("us")), "UTC")
    if pa.types.is_null(col.type):
        return pa.nulls(len(col), target)
    if pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
        micro = pc.multiply(pc.cast(col, pa.float64()), 1e6)
        return pc.cast(pc.cast(pc.round(micro), pa.int64()), target)
    raw = pd.Series(col.to_pandas(), dtype="string").str.strip()
    raw = raw.mask(raw == "")
    parsed = pd.to_datetime(raw, utc=True, errors="coerce", format="ISO8601")
    retry = parsed.isna() & raw.notna()
    if retry.any():
        parsed[retry] = pd.to_datetime(raw[retry], utc=True, errors="coerce", format="mixed")
    bad = parsed.isna() & raw.notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise EventSchemaError(
            f"{where}: row {row + 1}: cannot parse timestamp {_shown(raw.iloc[row])}; "
            "expected an ISO 8601 date/time (e.g. 2025-01-31T09:30:00Z) or Unix seconds"
        )
    return pa.array(parsed.astype("datetime64[us, UTC]"), type=target, from_pandas=True)


def coerce_events(
    table: pa.Table,
    *,
    source: str | None = None,
    where: str = "events",
) -> pa.Table:
    """Bring a table with some of the schema's columns to the Event contract.

    This is the fast path readers use: it works on Arrow columns without a Python loop.
    Missing optional columns get their defaults (no timestamp, no target, weight 1, not
    external); ``item`` defaults to ``"<source>:<row number>"``; ids become strings.

    Parameters
    ----------
    table : pyarrow.Table
        At least ``kind`` and ``actor``; any of the other schema columns.
    source : str, optional
        Source name used when the table has no ``source`` column.
    where : str
        Name of the input (a file) used in error messages.

    Returns
    -------
    pyarrow.Table
        A table with :data:`SCHEMA`.

    Raises
    ------
    EventSchemaError
        A required column is missing, a kind is unknown, an actor is empty or a timestamp or
        weight cannot be parsed.

    Examples
    --------
    >>> import pyarrow as pa
    >>> t = coerce_events(pa.table({"kind": ["mention"], "actor": [1], "target": [2]}), source="csv")
    >>> t.column("actor").to_pylist(), t.column("item").to_pylist()
    (['1'], ['csv:0'])
    """
    missing = [c for c in _REQUIRED if c not in table.column_names]
    if missing:
        raise EventSchemaError(
            f"{where}: missing column(s) {', '.join(missing)}; "
            f"expected columns {', '.join(SCHEMA.names)} (at least kind and actor)"
        )
    n = table.num_rows
    has = set(table.column_names)
    cols: dict[str, Any] = {}
    cols["ts"] = _timestamp_column(table.column("ts"), where) if "ts" in has else pa.nulls(n, SCHEMA.field("ts").type)
    if "source" in has:
        cols["source"] = _coded_text(table.column("source"), fill=source or "unknown")
    else:
        cols["source"] = pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)), pa.array([source or "unknown"]))
    cols["kind"] = _kind_array(table.column("kind"), where)
    cols["actor"] = _string_column(table.column("actor"))
    cols["target"] = _string_column(table.column("target")) if "target" in has else pa.nulls(n, pa.string())
    for name in ("channel", "thread"):
        cols[name] = _coded_text(table.column(name)) if name in has else pa.nulls(n, CODED_TEXT)
    if "weight" in has:
        w = table.column("weight")
        if not pa.types.is_floating(w.type) and not pa.types.is_integer(w.type):
            w = pc.cast(_string_column(w), pa.float64(), safe=False) if _all_numeric(w) else _bad_weight(w, where)
        w = pc.cast(w, pa.float64())
        ok = pc.and_(pc.is_finite(w), pc.is_valid(w))
        if not pc.all(ok, min_count=0).as_py():
            row = int(np.flatnonzero(~ok.to_numpy(zero_copy_only=False))[0])
            raise EventSchemaError(f"{where}: row {row + 1}: weight {w[row].as_py()!r} is not a finite number")
        cols["weight"] = w
    else:
        cols["weight"] = pa.array(np.ones(n))
    if "item" in has:
        cols["item"] = _string_column(table.column("item"))
    else:
        prefix = f"{source or 'unknown'}:"
        cols["item"] = pc.binary_join_element_wise(prefix, pc.cast(pa.array(np.arange(n)), pa.string()), "")
    if "external" in has:
        ext = table.column("external")
        if not pa.types.is_boolean(ext.type):
            ext = pc.is_in(pc.utf8_lower(_string_column(ext)), value_set=pa.array(["true", "1", "yes", "y", "t"]))
        cols["external"] = pc.fill_null(ext, False)
    else:
        cols["external"] = pa.array(np.zeros(n, dtype=bool))
    for name in ("actor", "item"):
        col = cols[name]
        if col.null_count:
            row = int(np.flatnonzero(pc.is_null(col).to_numpy(zero_copy_only=False))[0])
            what = "person id" if name == "actor" else "message or action id"
            raise EventSchemaError(f"{where}: row {row + 1}: column {name!r} is empty; expected a {what}")
    out = pa.table({f.name: cols[f.name] for f in SCHEMA}).cast(SCHEMA)
    return validate(out, where=where)


def _all_numeric(col: pa.ChunkedArray | pa.Array) -> bool:
    s = _string_column(col)
    return bool(pc.all(pc.or_kleene(pc.match_substring_regex(s, r"^[-+]?[0-9.eE+-]+$"), pc.is_null(s)), min_count=0).as_py())


def _shown(value: Any) -> str:
    """A cell value as an error may quote it (short ones only: never message content)."""
    from orgnet.connectors.base import shown_value  # the connectors import this module

    return shown_value(value)


def _bad_weight(col: pa.ChunkedArray | pa.Array, where: str) -> pa.Array:
    s = _string_column(col)
    ok = pc.match_substring_regex(s, r"^[-+]?[0-9.eE+-]+$").to_numpy(zero_copy_only=False)
    row = int(np.flatnonzero(~ok)[0])
    raise EventSchemaError(f"{where}: row {row + 1}: weight {_shown(s[row].as_py())} is not a number")


def events_from_frame(
    frame: pd.DataFrame,
    *,
    source: str | None = None,
    where: str = "events",
) -> pa.Table:
    """Build a validated events table from a DataFrame (see :func:`coerce_events`).

    Examples
    --------
    >>> import pandas as pd
    >>> t = events_from_frame(pd.DataFrame({"kind": ["reply"], "actor": ["b"], "target": ["a"]}))
    >>> t.num_rows
    1
    """
    frame = frame.reset_index(drop=True)
    arrays = {}
    for c in frame.columns:
        col = frame[c]
        if col.dtype == object:
            col = col.astype("string")
        arrays[str(c)] = pa.array(col, from_pandas=True)
    return coerce_events(pa.table(arrays) if arrays else pa.table({}), source=source, where=where)


def validate(table: pa.Table, *, where: str = "events") -> pa.Table:
    """Check that ``table`` follows the Event contract and return it unchanged.

    Parameters
    ----------
    table : pyarrow.Table
        The table to check.
    where : str
        Name of the input used in error messages.

    Returns
    -------
    pyarrow.Table
        ``table`` itself.

    Raises
    ------
    EventSchemaError
        With a message naming the column (and the first bad row) and what was expected.

    Examples
    --------
    >>> import pyarrow as pa
    >>> validate(pa.table({"actor": ["a"]}))
    Traceback (most recent call last):
    ...
    orgnet.events.EventSchemaError: events: missing column(s) ts, source, kind, target, weight, channel, thread, item, external
    """
    missing = [n for n in SCHEMA.names if n not in table.column_names and n != ITEM]
    if missing:
        raise EventSchemaError(f"{where}: missing column(s) {', '.join(missing)}")
    for field in SCHEMA:
        if field.name not in table.column_names:
            continue  # item, left out after de-duplication (without_item)
        col = table.column(field.name)
        if field.name == "kind":
            ok = pa.types.is_dictionary(col.type) or pa.types.is_string(col.type)
            expected = "dictionary<string> or string"
        elif field.name in COMPACT_COLUMNS or field.name in ID_COLUMNS:
            ok = _is_text(col.type)
            expected = f"{field.type}" + (" (or string)" if field.name in COMPACT_COLUMNS else f" (or {CODED_TEXT})")
        elif pa.types.is_timestamp(field.type):
            ok = pa.types.is_timestamp(col.type) and col.type.tz is not None
            expected = "timestamp with a time zone (UTC)"
        else:
            ok = col.type == field.type
            expected = str(field.type)
        if not ok:
            raise EventSchemaError(
                f"{where}: column {field.name!r} has type {col.type}; expected {expected}"
            )
        if not field.nullable and col.null_count:
            row = int(np.flatnonzero(pc.is_null(col).to_numpy(zero_copy_only=False))[0])
            what = "person id" if field.name == "actor" else "value"
            raise EventSchemaError(f"{where}: row {row + 1}: column {field.name!r} is empty; expected a {what}")
    kinds = _used_kinds(table.column("kind"))
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        raise EventSchemaError(
            f"{where}: unknown kind(s) {', '.join(map(repr, unknown))}; expected one of {', '.join(KINDS)}"
        )
    return table


def _is_text(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        return pa.types.is_integer(kind.index_type) and pa.types.is_string(kind.value_type)
    return pa.types.is_string(kind)


def _used_kinds(col: pa.ChunkedArray) -> list[str]:
    if not pa.types.is_dictionary(col.type):
        return pc.unique(col).to_pylist()
    # The distinct codes of each chunk, looked up in its dictionary: no cast of every row to text.
    found: set[str] = set()
    for chunk in col.chunks:
        found.update(pc.take(chunk.dictionary, pc.drop_null(pc.unique(chunk.indices))).cast(pa.string()).to_pylist())
    return sorted(found)


def concat_events(tables: list[pa.Table], *, combine: bool = True) -> pa.Table:
    """Concatenate events tables from several sources into one.

    Parameters
    ----------
    tables : list of pyarrow.Table
        Events tables (any of them may lack ``item``: then none keeps it).
    combine : bool
        Copy the result into one chunk per column (the default). ``False`` keeps the tables'
        chunks as they are and only gives each coded column one dictionary: for the parts of
        one input read batch by batch, where a copy of every column would double the peak.

    Returns
    -------
    pyarrow.Table

    Examples
    --------
    >>> concat_events([empty_events(), empty_events()]).num_rows
    0
    >>> parts = [events_from_mapping({"kind": ["post"], "actor": [a], "channel": [c]}, source="demo")
    ...          for a, c in (("a", "#x"), ("b", "#y"))]
    >>> both = concat_events(parts, combine=False)
    >>> both.column("channel").num_chunks, both.column("channel").chunk(1).dictionary.to_pylist()
    (2, ['#x', '#y'])
    """
    if not tables:
        return empty_events()
    if any(ITEM not in t.column_names for t in tables) and not all(ITEM not in t.column_names for t in tables):
        tables = [without_item(t) for t in tables]  # one table without items: none keeps them
    unified = [_normalise(t) for t in tables]
    if len(unified) == 1:
        return unified[0]  # one reader's table: no copy (combining chunks costs ~1 s per 10M events)
    for name in ID_COLUMNS:
        if any(t.schema.field(name).type == CODED_TEXT for t in unified):  # coded in one table: coded in all
            unified = [t if t.schema.field(name).type == CODED_TEXT else t.set_column(
                t.schema.get_field_index(name), t.schema.field(name).with_type(CODED_TEXT),
                pc.dictionary_encode(t.column(name)).cast(CODED_TEXT)) for t in unified]
    if not combine:
        return _one_dictionary_per_column(pa.concat_tables(unified))
    return pa.concat_tables(unified).combine_chunks()


def _one_dictionary_per_column(table: pa.Table) -> pa.Table:
    """``table.unify_dictionaries()``, skipping the columns whose chunks share one dictionary already.

    Arrow hashes every chunk's dictionary even when they are all one (the ids of a file read in
    batches, :mod:`orgnet.connectors.tabular`): at 50 chunks of a million ids, 4 s per column.
    """
    for i, field in enumerate(table.schema):
        col = table.column(i)
        if pa.types.is_dictionary(field.type) and col.num_chunks > 1:
            first = col.chunk(0).dictionary
            if not all(c.dictionary.equals(first) for c in col.chunks[1:]):
                table = table.set_column(i, field, col.unify_dictionaries())
    return table


def _normalise(table: pa.Table) -> pa.Table:
    # Make every kind column the same dictionary so tables from different readers concatenate.
    schema = SCHEMA if ITEM in table.column_names else SCHEMA.remove(SCHEMA.get_field_index(ITEM))
    for name in ID_COLUMNS:  # ids as text or as codes, either as its reader gave them
        if name in table.column_names and table.schema.field(name).type == CODED_TEXT:
            schema = schema.set(schema.get_field_index(name), schema.field(name).with_type(CODED_TEXT))
    if table.schema.equals(schema) and _kinds_are_canonical(table.column("kind")):
        return table  # already coerced by its reader
    if ITEM not in table.column_names:
        placeholder = pa.repeat(pa.scalar("-", pa.string()), table.num_rows)
        return without_item(coerce_events(table.select(schema.names).append_column(ITEM, placeholder)))
    return coerce_events(table.select(SCHEMA.names))


def _kinds_are_canonical(col: pa.ChunkedArray) -> bool:
    kinds = pa.array(KINDS)
    return all(chunk.dictionary.equals(kinds) for chunk in col.chunks)


#: Id columns recently encoded by :func:`encode_ids` with ``remember=True``: identity resolution
#: hashes every actor and target once, and the graph build reuses that instead of hashing again
#: (each pass is ~10 s at 50M events). Entries hold the column itself, so the buffer addresses
#: in the key cannot be reused by other data while the entry exists.
_ENCODED: dict[tuple[Any, ...], tuple[pa.ChunkedArray, pa.Array, np.ndarray]] = {}
_ENCODED_MAX = 4


def _buffers_key(column: pa.ChunkedArray) -> tuple[Any, ...]:
    return tuple(
        (chunk.offset, len(chunk), tuple(b.address if b is not None else 0 for b in chunk.buffers()))
        for chunk in column.chunks
    )


def encode_ids(column: pa.ChunkedArray | pa.Array, *, remember: bool = False) -> tuple[pa.Array, np.ndarray]:
    """Distinct values of an id column, and each row's index into them (``-1`` for null).

    One hash pass over the rows. A column encoded with ``remember=True`` is not hashed again:
    the next call on the same column (the same Arrow buffers, e.g. the events table handed from
    identity resolution to the graph build) returns the stored result and forgets it.

    Parameters
    ----------
    column : pyarrow.ChunkedArray or pyarrow.Array
        A string column (``actor``, ``target``) or a dictionary one (``channel``, ``thread``:
        encoded from its codes, its text untouched).
    remember : bool
        Keep the result for the next call on this column.

    Returns
    -------
    values : pyarrow.Array
        The distinct non-null values (string), in order of first appearance.
    index : numpy.ndarray
        ``int32``, one per row: position in ``values``, ``-1`` for null.

    Examples
    --------
    >>> values, index = encode_ids(pa.chunked_array([["b", "a", None], ["b"]]))
    >>> values.to_pylist(), index.tolist()
    (['b', 'a'], [0, 1, -1, 0])
    """
    if isinstance(column, pa.Array):
        column = pa.chunked_array([column], column.type)
    key = _buffers_key(column)
    found = _ENCODED.pop(key, None)
    if found is not None:
        values, index = found[1], found[2]
    else:
        values, index = _dictionary_encode(column)
    if remember:
        remember_ids(column, values, index)
    return values, index


def remember_ids(column: pa.ChunkedArray | pa.Array, values: pa.Array, index: np.ndarray) -> None:
    """Store an encoding of ``column`` already known to the caller (see :func:`encode_ids`).

    ``values`` must be distinct, every one of them used, and ``values[index[i]]`` the value
    of row ``i`` (``index[i] == -1`` for null): identity resolution builds the rewritten
    columns from exactly this, so the graph build does not hash them again.

    Examples
    --------
    >>> col = pa.chunked_array([["b", "a", "b"]])
    >>> remember_ids(col, pa.array(["a", "b"]), np.array([1, 0, 1], np.int32))
    >>> encode_ids(col)[0].to_pylist()
    ['a', 'b']
    """
    if isinstance(column, pa.Array):
        column = pa.chunked_array([column], column.type)
    while len(_ENCODED) >= _ENCODED_MAX:
        _ENCODED.pop(next(iter(_ENCODED)))
    _ENCODED[_buffers_key(column)] = (column, values, np.asarray(index, dtype=np.int32))


def _dictionary_encode(column: pa.ChunkedArray) -> tuple[pa.Array, np.ndarray]:
    if pa.types.is_dictionary(column.type):
        coded = _encode_dictionary(column)
        if coded is not None:
            return coded
        column = column.cast(column.type.value_type)
    packed = _pack_short_strings(column)
    if packed is not None:
        # Ids of at most 8 bytes (directory ids, numbers, most chat ids) hashed as integers:
        # about 4x faster than hashing strings once there are ~1M distinct ids.
        keys, valid = packed
        encoded_keys = pc.dictionary_encode(pa.array(keys, mask=None if valid is None else ~valid))
        values = _unpack_short_strings(np.asarray(encoded_keys.dictionary.to_numpy(zero_copy_only=False)))
        indices = encoded_keys.indices
        codes = np.frombuffer(indices.buffers()[1], np.int32, count=len(indices), offset=4 * indices.offset)
        # Null rows' codes are undefined in the buffer; the validity we already have says which.
        return values, codes if valid is None else np.where(valid, codes, np.int32(-1))
    encoded = pc.dictionary_encode(column)  # one memo table across chunks: every chunk gets the final dictionary
    if not encoded.chunks:
        return pa.array([], pa.string()), np.zeros(len(column), np.int32)
    values = encoded.chunks[-1].dictionary.cast(pa.string())
    parts = []
    for chunk in encoded.chunks:
        indices = chunk.indices
        if indices.null_count:
            indices = pc.fill_null(indices, -1)
        parts.append(np.asarray(indices.to_numpy(zero_copy_only=False), dtype=np.int32))
    return values, np.concatenate(parts) if len(parts) > 1 else parts[0]


def _encode_dictionary(column: pa.ChunkedArray) -> tuple[pa.Array, np.ndarray] | None:
    """:func:`_dictionary_encode` of a dictionary column from its codes: no row's text is touched.

    The same answer as hashing the rows' text: the distinct non-null values in order of first
    appearance. The codes are hashed instead (integers), and values the dictionary holds but no
    row uses are left out.
    """
    found = dictionary_codes(column)
    if found is None:
        return None
    values, codes = found
    if _first_appearance_order(codes, len(values)):
        return values, codes  # already the answer (ids coded as they were read): nothing to hash
    missing = codes < 0
    encoded = pc.dictionary_encode(pa.array(codes, mask=missing if missing.any() else None))
    indices = encoded.indices
    index = np.frombuffer(indices.buffers()[1], np.int32, count=len(indices), offset=4 * indices.offset)
    if missing.any():
        index = np.where(missing, np.int32(-1), index)
    return values.take(encoded.dictionary), index


def dictionary_codes(column: pa.ChunkedArray) -> tuple[pa.Array, np.ndarray] | None:
    """A dictionary column's rows as ``int32`` codes into its dictionary's distinct values (-1: null).

    Read off the indices (no row's text is touched): chunks with different dictionaries are
    unified first, and a dictionary holding a value twice, or a null, is reduced to its distinct
    values. Values no row uses stay in ``values``. None when the column is not dictionary-encoded
    text.

    Examples
    --------
    >>> col = pa.chunked_array([pa.DictionaryArray.from_arrays(pa.array([2, 0, None, 1], pa.int32()),
    ...                                                        pa.array(["x", "y", "x"]))])
    >>> values, codes = dictionary_codes(col)
    >>> values.to_pylist(), codes.tolist()
    (['x', 'y'], [0, 0, -1, 1])
    """
    if not (pa.types.is_dictionary(column.type) and pa.types.is_string(column.type.value_type)):
        return None
    if column.num_chunks == 0 or len(column) == 0:
        return pa.array([], pa.string()), np.zeros(len(column), np.int32)
    first = column.chunk(0).dictionary
    if not all(c.dictionary is first or c.dictionary.equals(first) for c in column.chunks[1:]):
        column = column.unify_dictionaries()
    # A dictionary built elsewhere may hold a value twice, or a null: its distinct values first.
    distinct = pc.dictionary_encode(column.chunk(0).dictionary)
    lookup = np.append(np.asarray(pc.fill_null(distinct.indices, -1).to_numpy(zero_copy_only=False), np.int32),
                       np.int32(-1))
    codes = np.empty(len(column), np.int32)  # filled chunk by chunk: no second copy of the codes
    at = 0
    for chunk in column.chunks:
        indices = chunk.indices if not chunk.indices.null_count else pc.fill_null(chunk.indices, -1)
        np.take(lookup, np.asarray(indices.to_numpy(zero_copy_only=False)), out=codes[at:at + len(chunk)])
        at += len(chunk)
    return distinct.dictionary, codes


def _first_appearance_order(codes: np.ndarray, n: int) -> bool:
    """Whether ``codes`` (-1: none) number ``n`` values in order of first appearance, each used.

    True when each code is at most one above every code before it and ``n - 1`` is reached: then
    0 appears first, 1 next, and so on, as :func:`encode_ids` numbers values. Looked at a block
    at a time (no temporary the size of the codes).

    Examples
    --------
    >>> _first_appearance_order(np.array([0, -1, 1, 0, 2], np.int32), 3)
    True
    >>> _first_appearance_order(np.array([1, 0], np.int32), 2), _first_appearance_order(np.array([0, 0], np.int32), 2)
    (False, False)
    """
    top = -1
    for start in range(0, len(codes), _BLOCK):
        block = codes[start:start + _BLOCK]
        # The largest code before each one: the running maximum, shifted by one.
        before = np.empty(len(block), np.int32)
        before[0] = top
        np.maximum.accumulate(block[:-1], out=before[1:])
        np.maximum(before, top, out=before)
        if (block > before + 1).any():
            return False
        top = max(top, int(block.max()))
    return top == n - 1


#: Codes looked at a time by :func:`_first_appearance_order`.
_BLOCK = 1 << 20


def _pack_short_strings(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray | None] | None:
    """Each value's bytes zero-padded to one ``uint64`` (and the validity), or None if that is not exact.

    Exact (two values have the same key only if they are equal) when every value has at most 8
    bytes and none holds a NUL byte: padding then cannot make two values alike, and ``""`` is 0.
    """
    if not pa.types.is_string(column.type):
        return None
    keys = np.zeros(len(column), np.uint64)
    valid = np.ones(len(column), bool) if column.null_count else None
    pos = 0
    for chunk in column.chunks:
        m = len(chunk)
        if m == 0:
            continue
        _, offsets_buf, data_buf = chunk.buffers()
        offsets = np.frombuffer(offsets_buf, np.int32, count=m + 1, offset=4 * chunk.offset)
        lengths = np.diff(offsets)
        width = int(lengths.max())
        if width > 8:
            return None
        if valid is not None and chunk.null_count:
            valid[pos:pos + m] = np.asarray(chunk.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        if width:
            data = np.frombuffer(data_buf, np.uint8, count=int(offsets[-1]))[int(offsets[0]):]
            if not data.all():
                return None  # a NUL byte: "a" and "a\0" would pack alike
            block = np.zeros((m, 8), np.uint8)
            full = lengths == width
            if full.all():
                block[:, :width] = data.reshape(m, width)
            elif (full | (lengths == 0)).all():  # fixed-width values and nulls (or "")
                block[full, :width] = data.reshape(-1, width)
            else:
                picks = (offsets[:-1] - offsets[0])[:, None] + np.arange(width)
                inside = np.arange(width) < lengths[:, None]
                block[:, :width] = np.where(inside, np.append(data, np.zeros(width, np.uint8))[picks], 0)
            keys[pos:pos + m] = block.view(np.uint64).ravel()
        pos += m
    return keys, valid


def _unpack_short_strings(keys: np.ndarray) -> pa.Array:
    # The inverse of _pack_short_strings: a value's bytes are the key's non-zero bytes.
    block = np.ascontiguousarray(keys, dtype=np.uint64).view(np.uint8).reshape(-1, 8)
    filled = block != 0
    offsets = np.zeros(len(keys) + 1, np.int32)
    np.cumsum(filled.sum(axis=1), out=offsets[1:])
    return pa.Array.from_buffers(pa.string(), len(keys), [None, pa.py_buffer(offsets), pa.py_buffer(block[filled])])


def has_timestamps(table: pa.Table) -> bool:
    """Tell whether any event carries a timestamp (time-based findings need them).

    Examples
    --------
    >>> has_timestamps(empty_events())
    False
    """
    return table.num_rows > 0 and table.column("ts").null_count < table.num_rows


def with_whole_times(events: pa.Table) -> pa.Table:
    """The events with their ``ts`` column in one piece, so :func:`event_times` reads it without a copy.

    A table read batch by batch holds its times in many chunks; a pandas Series of them is then
    a copy (400 MB at 50 million events). Joined once here, while the pieces can be let go, every
    later reader of the times shares this one buffer.

    Examples
    --------
    >>> ev = concat_events([events_from_mapping({"kind": ["post"], "actor": ["a"]}, source="demo")] * 2,
    ...                    combine=False)
    >>> with_whole_times(ev).column("ts").num_chunks
    1
    """
    ts = events.column("ts")
    if ts.num_chunks <= 1:
        return events
    return events.set_column(events.schema.get_field_index("ts"), events.schema.field("ts"),
                             pa.chunked_array([ts.combine_chunks()], type=ts.type))


def event_times(column: pa.ChunkedArray) -> pd.Series:
    """A ``ts`` column as a pandas Series of UTC times, sharing the Arrow buffer when it can.

    A column in one piece with no missing time (:func:`with_whole_times`) becomes a Series over
    the same memory (read-only); any other is converted as ``to_pandas`` converts it. The values
    are the same either way.

    Examples
    --------
    >>> col = pa.chunked_array([pa.array([0, 60_000_000], pa.timestamp("us", tz="UTC"))])
    >>> event_times(col).tolist()
    [Timestamp('1970-01-01 00:00:00+0000', tz='UTC'), Timestamp('1970-01-01 00:01:00+0000', tz='UTC')]
    >>> event_times(pa.chunked_array([pa.array([None, 0], pa.timestamp("us", tz="UTC"))])).isna().tolist()
    [True, False]
    """
    kind = column.type
    if (column.num_chunks != 1 or column.null_count or not pa.types.is_timestamp(kind)
            or str(kind.tz) not in ("UTC", "+00:00")):
        return column.to_pandas()
    chunk = column.chunk(0)
    ticks = np.frombuffer(chunk.buffers()[1], dtype=np.int64)[chunk.offset:chunk.offset + len(chunk)]
    # DatetimeArray's own constructor from a datetime64 view keeps the buffer; the public ones
    # (pd.array, Series.dt.tz_localize) copy it.
    whole = pd.arrays.DatetimeArray._simple_new(ticks.view(f"M8[{kind.unit}]"),
                                               dtype=pd.DatetimeTZDtype(unit=kind.unit, tz="UTC"))
    return pd.Series(whole, copy=False)


def events_from_mapping(columns: Mapping[str, Any], *, source: str) -> pa.Table:
    """Build events from a mapping of column name to array (a convenience for readers)."""
    return events_from_frame(pd.DataFrame(dict(columns)), source=source)


def contributions(events: pa.Table) -> np.ndarray:
    """Per event, whether it is a contribution (any kind but :data:`PRESENCE_KINDS`): what makes someone active.

    Examples
    --------
    >>> ev = events_from_mapping({"kind": ["post", "join", "view"], "actor": ["a", "b", "c"]}, source="demo")
    >>> contributions(ev).tolist()
    [True, False, False]
    """
    if events.num_rows == 0:
        return np.zeros(0, dtype=bool)
    kind = events.column("kind")
    if pa.types.is_dictionary(kind.type) and kind.null_count == 0:
        # Read off the codes: one lookup per distinct kind, no text per event.
        parts = []
        for chunk in kind.chunks:
            acts = np.append(~np.isin(np.asarray(chunk.dictionary.cast(pa.string()).to_pylist(), dtype=object),
                                      PRESENCE_KINDS), True)
            parts.append(acts[np.asarray(chunk.indices.to_numpy(zero_copy_only=False))])
        return np.concatenate(parts) if len(parts) > 1 else parts[0]
    kind = kind.combine_chunks().cast(pa.string())
    presence = pc.is_in(kind, value_set=pa.array(PRESENCE_KINDS))
    return ~np.asarray(presence.to_numpy(zero_copy_only=False), dtype=bool)
