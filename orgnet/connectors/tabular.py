"""Generic tables of events: CSV and Parquet files (or a folder holding ``events.*``).

Column names are mapped by option (``column_map={"actor": "sender", "target": "recipient"}``,
``--map actor=sender,target=recipient`` on the command line), and the file's kind values to
event kinds (``kind_map={"like": "reaction"}``, ``--kinds like=reaction``). A plain edge list (two
columns, no timestamps, no kind) is accepted: each row becomes a ``post`` from actor to target,
and time-based findings are then skipped (and say so). A CSV's delimiter is found from the file
(``,``, ``;``, tab or ``|``) unless given, and a file without a header line
(``no_header=True``) has its columns named by position. See ``docs/connectors/tables.md``.

Timestamps (``ts``) may be ISO 8601 text, other common date/time text, or Unix time in seconds,
milliseconds, microseconds or nanoseconds (told apart by magnitude, see
:func:`orgnet.connectors.dates.unix_unit`); a date outside the plausible range is kept with a null
``ts`` and counted in ``records_skipped``.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from orgnet._parallel import effective_n_jobs, ordered_threads
from orgnet.connectors._fields import MAX_WEIGHT, WEIGHT_OUT_OF_RANGE
from orgnet.connectors.base import InputError, Reader, ReadResult, empty_people, shown_value
from orgnet.connectors.dates import IMPLAUSIBLE, ISOLATED, UNIX_NUMBER, check_dates, parse_timestamps
from orgnet.events import (
    CODED_TEXT,
    ID_COLUMNS,
    KINDS,
    SCHEMA,
    EventSchemaError,
    coerce_events,
    concat_events,
    encode_ids,
)

__all__ = [
    "DELIMITERS", "HEADERLESS_ORDER", "PARQUET_BATCH_ROWS", "READERS", "parse_column_map", "parse_delimiter", "parse_kind_map",
    "read_csv", "read_parquet", "sniff_delimiter",
]

_CSV_SUFFIXES = (".csv", ".tsv", ".txt")
_PARQUET_SUFFIXES = (".parquet", ".pq")

#: Delimiters tried when none is given, in order of preference when two split the file equally well.
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
#: Tried last: whitespace-separated edge lists (as SNAP publishes them), when no delimiter above fits.
_LAST_RESORT = " "
#: Bytes of the file looked at to find its delimiter.
_SNIFF_BYTES = 64 * 1024
#: What the columns of a headerless file are, in order, when no --map names them.
HEADERLESS_ORDER: tuple[str, ...] = ("actor", "target", "weight", "ts")
_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "space": " "}
#: Rows decoded at a time from a Parquet file: the decoded batch and its contract form coexist, never
#: the whole file's. A smaller batch costs more calls, a larger one more memory (at 10M events, one
#: million rows read faster than four million and peaked lower).
PARQUET_BATCH_ROWS = 1_000_000

#: Batches brought to the event contract at a time (threads; fewer on a machine with fewer cores).
PARQUET_THREADS = 2


class _NeedsWholeFile(Exception):
    """A batch's rows cannot be read apart from the rest of the file."""


def _pairs(text: str | None, option: str, form: str, example: str) -> Iterator[tuple[str, str]]:
    for part in (text or "").split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise ValueError(f"{option}: {part.strip()!r} is not of the form {form} (e.g. {example})")
        key, value = (x.strip() for x in part.split("=", 1))
        yield key, value


def parse_column_map(text: str | None) -> dict[str, str]:
    """Parse ``"actor=sender,target=recipient"`` into a mapping schema column -> file column.

    Examples
    --------
    >>> parse_column_map("actor=sender, target=recipient,ts=date")
    {'actor': 'sender', 'target': 'recipient', 'ts': 'date'}
    >>> parse_column_map("who=sender")
    Traceback (most recent call last):
    ...
    ValueError: --map: unknown event column 'who'; expected one of ts, source, kind, actor, target, weight, channel, thread, item, external
    """
    out: dict[str, str] = {}
    for key, value in _pairs(text, "--map", "column=name", "actor=sender"):
        if key not in SCHEMA.names:
            raise ValueError(f"--map: unknown event column {key!r}; expected one of {', '.join(SCHEMA.names)}")
        out[key] = value
    return out


def parse_kind_map(text: str | None) -> dict[str, str]:
    """Parse ``"like=reaction,comment=reply"`` into a mapping file value -> event kind.

    Values are compared without case and surrounding spaces, as the reader compares them.

    Examples
    --------
    >>> parse_kind_map("Like=reaction, comment=reply")
    {'like': 'reaction', 'comment': 'reply'}
    >>> parse_kind_map("like=thumbs")
    Traceback (most recent call last):
    ...
    ValueError: --kinds: 'thumbs' is not an event kind; expected one of view, join, reaction, share, mention, reply, post, curate
    """
    out: dict[str, str] = {}
    for value, kind in _pairs(text, "--kinds", "value=kind", "like=reaction"):
        if kind.lower() not in KINDS:
            raise ValueError(f"--kinds: {kind!r} is not an event kind; expected one of {', '.join(KINDS)}")
        out[value.lower()] = kind.lower()
    return out


def parse_delimiter(text: str | None) -> str | None:
    """Parse a ``--delimiter`` value: one character, or ``tab``, ``\\t``, ``comma``, ``semicolon``, ``pipe``, ``space``.

    Examples
    --------
    >>> parse_delimiter(";"), parse_delimiter("tab"), parse_delimiter(None)
    (';', '\\t', None)
    >>> parse_delimiter(";;")
    Traceback (most recent call last):
    ...
    ValueError: --delimiter: expected one character (or tab, comma, semicolon, pipe, space), got ';;'
    """
    if text is None or text == "":
        return None
    sep = _DELIMITER_NAMES.get(text.lower(), text)
    if len(sep) != 1 or sep in "\r\n\"":
        raise ValueError(f"--delimiter: expected one character (or {', '.join(n for n in _DELIMITER_NAMES if n.isalpha())}), "
                         f"got {text!r}")
    return sep


def sniff_delimiter(sample: str) -> str:
    """Find the delimiter of a CSV from its first lines.

    Each of :data:`DELIMITERS` is tried with Python's CSV parser (quotes respected): one that
    splits every sample line into the same number of fields, more than one, qualifies; among
    those, the one giving the most fields wins, ties going to the earlier delimiter. A space is
    tried when none qualifies, and a comma is the answer when nothing does (one column).

    Parameters
    ----------
    sample : str
        The start of the file, in whole lines; the last record is left out when there are more
        than two (a quoted value may run past the sample).

    Returns
    -------
    str

    Examples
    --------
    >>> sniff_delimiter("sender;recipient;date\\nana;ben;06.01.2025\\n")
    ';'
    >>> sniff_delimiter('actor,target,note\\nana,ben,"a; b; c"\\n')
    ','
    >>> sniff_delimiter("1 2\\n2 3\\n")
    ' '
    """
    best: tuple[int, str] | None = None
    for sep in (*DELIMITERS, _LAST_RESORT):
        if sep == _LAST_RESORT and best is not None:
            break
        try:
            rows = [row for row in csv.reader(io.StringIO(sample, newline=""), delimiter=sep) if row]
        except csv.Error:
            continue
        widths = {len(row) for row in (rows[:-1] if len(rows) > 2 else rows)}
        if len(widths) == 1 and (n := widths.pop()) > 1 and (best is None or n > best[0]):
            best = (n, sep)
    return best[1] if best else ","


def _apply_map(table: pa.Table, column_map: Mapping[str, str], path: Path) -> pa.Table:
    names = list(table.column_names)
    lower = {n.strip().lower(): n for n in names}
    rename: dict[str, str] = {}
    for key, value in column_map.items():
        found = value if value in names else lower.get(value.strip().lower())
        if found is None:
            has = (f"the file has no header and {len(names)} columns (numbered 1 to {len(names)})"
                   if names == [str(i + 1) for i in range(len(names))] else f"the header has {', '.join(names)}")
            raise InputError(path, f"column {value!r} (mapped to {key}) not found; {has}")
        rename[found] = key
    # Columns already named like the schema (any case) are taken as they are.
    for name in names:
        if name not in rename and name.strip().lower() in SCHEMA.names and name.strip().lower() not in rename.values():
            rename[name] = name.strip().lower()
    keep = [n for n in names if n in rename]
    table = table.select(keep).rename_columns([rename[n] for n in keep])
    if "actor" not in table.column_names:
        raise InputError(
            path,
            "no actor column; expected a column named actor (or map one with --map actor=COLUMN); "
            f"the header has {', '.join(names)}",
        )
    if "kind" not in table.column_names:
        kinds = pa.array(["post" if "target" in table.column_names else "view"] * table.num_rows)
        table = table.append_column("kind", kinds)
    return table


@dataclass
class _Part:
    """One batch of a file's rows in the event contract, before the checks that need every row.

    Three things are judged over the whole file, so they wait for the last batch: which dates are
    implausible (the isolated ones are judged from all dates), the Unix unit of a numeric ``ts``
    column (from the median of all its values) and the repeat number of identical rows.
    """

    events: pa.Table  #: the contract's columns but ``ts``
    ts: pa.Array | pa.ChunkedArray | None  #: dates read, or a numeric column's raw values; None: no ts column
    digest: np.ndarray | None  #: each row's content hash when items come from the content
    records: int  #: rows of the batch as read (before rows with an out-of-range weight left out)
    skipped: Counter[str]  #: rows left out of the batch, by reason


def _numeric_dates(kind: pa.DataType) -> bool:
    """Whether a ``ts`` column of this type holds Unix times (whose unit is told from all of them)."""
    kind = kind.value_type if pa.types.is_dictionary(kind) else kind
    return bool(pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind))


def _unix_text(col: pa.ChunkedArray) -> bool:
    """Whether a text ``ts`` column holds a value written as a number (perhaps Unix time)."""
    kind = col.type.value_type if pa.types.is_dictionary(col.type) else col.type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        return False
    text = pc.utf8_trim_whitespace(col.cast(kind))
    return bool(pc.any(pc.match_substring_regex(text, UNIX_NUMBER), min_count=0).as_py())


def _read_dates(table: pa.Table, path: Path, column: str = "ts") -> pa.Array | pa.ChunkedArray:
    """Read the ``ts`` column as dates (ISO 8601, other date text), or keep a numeric one as it is.

    A value that is not a date is an error naming its row (the column is the user's own, and a
    wrong mapping must not pass as "no dates"). A numeric column is read once all its values are
    known (:func:`_checked_dates`): its unit is told from their median.
    """
    col = table.column("ts")
    if _numeric_dates(col.type):
        return col
    ts, unreadable = parse_timestamps(col)
    if unreadable.any():
        row = int(np.flatnonzero(unreadable)[0])
        # The column may be the wrong one (--map ts=body): its value is described, never quoted.
        value = shown_value(col[row].as_py(), column)
        raise InputError(path, f"row {row + 1}: cannot parse timestamp {value} (column {column!r}); "
                         "expected an ISO 8601 date/time (e.g. 2025-01-31T09:30:00Z) or Unix time in seconds "
                         "or milliseconds")
    return ts


def _checked_dates(parts: list[pa.Array | pa.ChunkedArray],
                   date_check: str) -> tuple[pa.Array | pa.ChunkedArray, Counter[str]]:
    """All parts' dates, the implausible ones (out of bounds, isolated) nulled, and their counts.

    Judged over every row of the file at once, as :mod:`orgnet.connectors.dates` requires, and
    kept in the parts' chunks (joining them was a copy of every date beside them). Unix times
    are read in one array (their unit is told from all of them); the list is emptied as the
    numbers are put together, so each part's are freed once copied.
    """
    chunks = [c for p in parts for c in (p.chunks if isinstance(p, pa.ChunkedArray) else [p])]
    kind = parts[0].type
    parts.clear()
    values = pa.chunked_array(chunks, kind)
    del chunks
    if _numeric_dates(values.type):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
        values = parse_timestamps(values)[0]  # numbers are always read (a value out of range is null)
    check = check_dates(values, date_check=date_check)
    skipped: Counter[str] = Counter()
    if check.out_of_bounds:
        skipped[IMPLAUSIBLE] += check.out_of_bounds
    if check.isolated:
        skipped[ISOLATED] += check.isolated
    return check.dates, skipped


def _event_part(table: pa.Table, path: Path, source: str, column_map: Mapping[str, str],
                kind_map: Mapping[str, str] | None = None, *, alone: bool = True) -> _Part:
    """Bring one batch of a file's rows to the event contract (all but the whole-file checks).

    ``alone``: the batch is the whole file. Otherwise text dates that may hold Unix times raise
    :class:`_NeedsWholeFile` (the unit is told from the whole column, see :func:`unix_unit`).
    """
    records = table.num_rows
    _unique_columns(table, column_map, path)
    table = _apply_map(table, column_map, path)
    _flat_columns(table, path)
    # Numbers out of range are counted and left out; text that is no number is named, not quoted.
    table, out_of_range = _weights(table, path)
    _check_weights(table, path, str(column_map.get("weight", "weight")))
    table = _map_kinds(table, kind_map or {}, path, str(column_map.get("kind", "kind")))
    digest = None
    if "item" not in table.column_names:
        # From the row as written (before its date is read), so the same row gets the same item.
        digest = _content_digest(table)
        table = table.append_column("item", _digest_items(digest, source))
    ts = None
    if "ts" in table.column_names:
        if not alone and _unix_text(table.column("ts")):
            raise _NeedsWholeFile
        ts = _read_dates(table, path, str(column_map.get("ts", "ts")))
        table = table.drop_columns(["ts"])
    try:
        events = coerce_events(table, source=source, where=str(path))
    except EventSchemaError as exc:
        raise InputError(path, str(exc).removeprefix(f"{path}: ")) from None
    if ts is not None:
        events = events.drop_columns(["ts"])
    return _Part(events=_coded_ids(events), ts=ts, digest=digest, records=records, skipped=out_of_range)



def _coded_ids(events: pa.Table) -> pa.Table:
    """The events with actor and target as ``int32`` codes into their distinct ids, in order of first appearance.

    The compact contract's form (:data:`orgnet.events.ID_COLUMNS`): at 50M events the text of
    every row's ids is 0.9 GB, each distinct id once 20 MB.

    Examples
    --------
    >>> ev = _coded_ids(pa.table({"actor": ["b", "a", "b"], "target": ["a", None, "a"]}))
    >>> ev.column("actor").chunk(0).dictionary.to_pylist(), ev.column("target").to_pylist()
    (['b', 'a'], ['a', None, 'a'])
    """
    for name in ID_COLUMNS:
        col = events.column(name)
        if pa.types.is_dictionary(col.type):
            continue
        # One memo over the chunks: every chunk's codes point into the one dictionary.
        coded = pc.dictionary_encode(col)
        if coded.type != CODED_TEXT:
            coded = coded.cast(CODED_TEXT)
        at = events.schema.get_field_index(name)
        events = events.set_column(at, events.schema.field(at).with_type(CODED_TEXT), coded)
    return events


def _unify_ids(parts: list[_Part]) -> None:
    """Give every part's actor and target codes one dictionary: the file's ids in order of first appearance.

    A part's dictionary holds its own ids in the order they first appear in it, and the parts are
    in file order, so their dictionaries taken one after the other meet each id of the file first
    where its first row is: encoded in that order they give the dictionary, and the codes, that
    one read of the whole file gives. Each part's columns are replaced in place (the old ones
    are freed part by part); only the distinct ids of each part are hashed, never a row's.
    """
    if len(parts) < 2:
        return
    for name in ID_COLUMNS:
        chunks = [c for p in parts for c in p.events.column(name).chunks]
        if not chunks or all(c.dictionary.equals(chunks[0].dictionary) for c in chunks[1:]):
            continue
        # Short ids are hashed as integers there (at 50 parts of 240,000 ids, 1.1 s instead of 2.8 s).
        values, codes = encode_ids(pa.chunked_array([c.dictionary for c in chunks], pa.string()))
        del chunks
        at = 0
        for part in parts:
            col = part.events.column(name)
            recoded = []
            for c in col.chunks:
                remap = pa.array(codes[at:at + len(c.dictionary)])
                at += len(c.dictionary)
                recoded.append(pa.DictionaryArray.from_arrays(pc.take(remap, c.indices), values))
            where = part.events.schema.get_field_index(name)
            part.events = part.events.set_column(where, part.events.schema.field(where),
                                                 pa.chunked_array(recoded, CODED_TEXT))


def _events_result(parts: list[_Part], path: Path, source: str, date_check: str = "outliers") -> ReadResult:
    """One file's result from its parts: the whole-file checks, then the parts put end to end."""
    skipped: Counter[str] = Counter()
    dates = None
    if any(p.ts is not None for p in parts):
        ts = [p.ts for p in parts if p.ts is not None]
        for part in parts:
            part.ts = None  # handed over: freed as they are put together
        dates, skipped = _checked_dates(ts, date_check)
    repeats = _repeats([p.digest for p in parts if p.digest is not None])
    _unify_ids(parts)
    tables, start = [], 0
    for part in parts:
        events, rows = part.events, part.events.num_rows
        if repeats is not None:
            events = _with_repeats(events, repeats[start:start + rows])
        if dates is not None:
            events = events.add_column(0, SCHEMA.field("ts"), dates.slice(start, rows))
        tables.append(events)
        start += rows
    for part in parts:
        skipped.update(part.skipped)
    return ReadResult(events=concat_events(tables, combine=False), people=empty_people(), format=source,
                      path=str(path), records_read=sum(p.records for p in parts), records_skipped=skipped)


def _events(table: pa.Table, path: Path, source: str, column_map: Mapping[str, str],
            kind_map: Mapping[str, str] | None = None, date_check: str = "outliers") -> ReadResult:
    return _events_result([_event_part(table, path, source, column_map, kind_map)], path, source, date_check)


def _unique_columns(table: pa.Table, column_map: Mapping[str, str], path: Path) -> None:
    """Refuse a header naming an event column twice (which of the two to read is unknown)."""
    wanted = {n.strip().lower() for n in (*SCHEMA.names, *column_map.values())}
    first: dict[str, int] = {}
    for i, name in enumerate(table.column_names):
        key = name.strip().lower()
        if key not in wanted:
            continue
        if key in first:
            raise InputError(path, f"column {name!r} appears twice in the header (columns {first[key] + 1} and "
                             f"{i + 1}); expected each column once (rename one, or pick one with --map)", record=1)
        first[key] = i


def _flat_columns(table: pa.Table, path: Path) -> None:
    """Refuse event columns holding lists, structs or maps (a Parquet file may): an id is text or a number."""
    for name, kind in zip(table.column_names, table.schema.types, strict=True):
        if pa.types.is_nested(kind):
            raise InputError(path, f"column {name!r} holds {kind} values; expected text, numbers or dates")
        if pa.types.is_binary(kind) or pa.types.is_large_binary(kind) or pa.types.is_fixed_size_binary(kind):
            try:
                table.column(name).cast(pa.string())
            except pa.ArrowInvalid:
                raise InputError(path, f"column {name!r} holds bytes that are not UTF-8 text; "
                                 "expected text, numbers or dates") from None
        if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_dictionary(kind):
            # Parquet does not check that its text is UTF-8 (a damaged or foreign file may hold any
            # bytes); Arrow's full validation does, in one pass over the column's buffers.
            row = _first_invalid_text(table.column(name))
            if row is not None:
                raise InputError(path, f"column {name!r} holds bytes that are not UTF-8 text; "
                                 "expected text, numbers or dates", record=row + 1)


def _first_invalid_text(column: pa.ChunkedArray) -> int | None:
    """Row (0-based) of the first value that is not valid UTF-8, or None when all are.

    Examples
    --------
    >>> good = pa.chunked_array([pa.array(["ana", "ben"])])
    >>> bad = pa.chunked_array([pa.Array.from_buffers(pa.string(), 2, [None, pa.py_buffer(
    ...     np.array([0, 3, 5], np.int32).tobytes()), pa.py_buffer(b"ana" + bytes([0xC7]) + b"x")])])
    >>> _first_invalid_text(good), _first_invalid_text(bad)
    (None, 1)
    """
    def valid(values: pa.Array) -> bool:
        try:
            (values.dictionary if isinstance(values, pa.DictionaryArray) else values).validate(full=True)
        except pa.ArrowInvalid:
            return False
        return True

    start = 0
    for chunk in column.chunks:
        if not valid(chunk):
            if isinstance(chunk, pa.DictionaryArray):  # the bad value's first use
                chunk = chunk.dictionary.take(chunk.indices)
            lo, hi = 0, len(chunk)  # bisect: the first prefix that fails ends at the bad row
            while hi - lo > 1:
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if valid(chunk.slice(0, mid)) else (lo, mid)
            return start + lo
        start += len(chunk)
    return None


def _weights(table: pa.Table, path: Path) -> tuple[pa.Table, Counter[str]]:
    """Read the weight column as numbers; rows whose weight is out of range are counted and left out.

    An empty cell is the default weight, 1. Negative, infinite, NaN and absurd weights (above
    :data:`~orgnet.connectors._fields.MAX_WEIGHT`) would reach every sum in the metrics: the
    row is left out and counted. Text that is no number is left for the contract to name its row.
    """
    skipped: Counter[str] = Counter()
    if "weight" not in table.column_names:
        return table, skipped
    col = table.column("weight")
    kind = col.type.value_type if pa.types.is_dictionary(col.type) else col.type
    if pa.types.is_floating(kind) or pa.types.is_integer(kind) or pa.types.is_decimal(kind):
        weights = pc.cast(col, pa.float64())
    elif pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind):
        text = pc.utf8_trim_whitespace(col.cast(pa.string()))
        try:
            weights = pc.cast(pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text), pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return table, skipped
    else:
        return table, skipped
    values = pc.fill_null(weights, 1.0).to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(values) & (values >= 0) & (values <= MAX_WEIGHT)
    table = table.set_column(table.column_names.index("weight"), "weight", pa.array(values))
    if not ok.all():
        skipped[WEIGHT_OUT_OF_RANGE] += int((~ok).sum())
        table = table.filter(pa.array(ok))
    return table, skipped


def _check_weights(table: pa.Table, path: Path, column: str) -> None:
    """A text weight column must hold numbers; a wrong one (``--map weight=body``) is named without its content."""
    if "weight" not in table.column_names or not pa.types.is_string(table.column("weight").type):
        return
    text = table.column("weight")
    ok = pc.fill_null(pc.match_substring_regex(text, r"^\s*[-+]?[0-9.eE+-]*[0-9][0-9.eE+-]*\s*$"), True)
    if not pc.all(ok, min_count=0).as_py():
        row = int(np.flatnonzero(~np.asarray(ok.to_numpy(zero_copy_only=False), dtype=bool))[0])
        raise InputError(path, f"row {row + 1}: weight {shown_value(text[row].as_py(), column)} (column {column!r}) "
                               "is not a number; expected a number or an empty cell")


def _map_kinds(table: pa.Table, kind_map: Mapping[str, str], path: Path, column: str = "kind") -> pa.Table:
    """Bring the kind column to event kinds: without case or spaces, then through ``kind_map``.

    The column is dictionary-encoded (a handful of distinct values) and mapped through its
    dictionaries only, which also puts it on the contract's fast path for kinds.
    """
    if "kind" not in table.column_names:
        return table
    col = table.column("kind")
    if not pa.types.is_dictionary(col.type):
        col = pc.dictionary_encode(col.cast(pa.string()))
    chunks, offset = [], 0
    for chunk in col.chunks:
        kinds = _kind_values(chunk.dictionary, kind_map)
        bad = pc.and_(pc.invert(pc.is_in(kinds, value_set=pa.array(KINDS))), pc.is_valid(kinds))
        if pc.any(bad, min_count=0).as_py():
            codes = pa.array(np.flatnonzero(bad.to_numpy(zero_copy_only=False)), chunk.indices.type)
            used = pc.is_in(chunk.indices, value_set=codes).to_numpy(zero_copy_only=False)
            if used.any():
                row = int(np.flatnonzero(used)[0])
                value = chunk.dictionary.cast(pa.string())[chunk.indices[row].as_py()].as_py()
                _unknown_kind(path, offset + row, value, kinds.filter(bad).to_pylist(), kind_map, column)
        chunks.append(pa.DictionaryArray.from_arrays(chunk.indices, kinds))
        offset += len(chunk)
    values = pa.chunked_array(chunks, pa.dictionary(col.type.index_type, pa.string()))
    return table.set_column(table.column_names.index("kind"), "kind", values)


def _kind_values(values: pa.Array | pa.ChunkedArray, kind_map: Mapping[str, str]) -> Any:
    values = pc.utf8_lower(pc.utf8_trim_whitespace(values.cast(pa.string())))
    if not kind_map:
        return values
    keys = pa.array(list(kind_map), pa.string())
    mapped = pc.take(pa.array(list(kind_map.values()), pa.string()), pc.index_in(values, value_set=keys))
    return pc.if_else(pc.is_valid(mapped), mapped, values)


def _unknown_kind(path: Path, row: int, value: Any, unknown: list[str], kind_map: Mapping[str, str],
                  column: str = "kind") -> None:
    # The kind column may be a wrong one (--map kind=body): its values are described, not quoted.
    shown = [shown_value(v, column) for v in sorted(set(unknown))]
    found = [v[1:-1] if v[:1] in "'\"" else v for v in shown]  # a short value unquoted in the list
    value = shown_value(value, column)
    given = f" after --kinds {','.join(f'{k}={v}' for k, v in kind_map.items())}" if kind_map else ""
    raise InputError(
        path,
        f"row {row + 1}: kind {value} is not an event kind{given}; expected one of {', '.join(KINDS)}. "
        f"Map the file's values with --kinds VALUE=KIND,... (values to map: {', '.join(found[:10])}"
        f"{', ...' if len(found) > 10 else ''})",
    )


#: Columns that make up a row's content when the file has no item column.
_CONTENT = ("ts", "source", "kind", "actor", "target", "weight", "channel", "thread", "external")


def _content_digest(table: pa.Table) -> np.ndarray:
    """The 64-bit hash of each row's event columns (:data:`_CONTENT`), for files without an item column.

    A row's item is ``<source>:<hash>`` (:func:`_digest_items`), and ``#<n>`` on the n-th repeat
    of an identical row in the file (:func:`_repeats`). The same row gets the same item in any
    file that holds it, so overlapping files merge in the store (a row number would name a
    different row in each file).

    Examples
    --------
    >>> t = pa.table({"actor": ["ana", "ben", "ana"], "target": ["ben", "ana", "ben"]})
    >>> digest = _content_digest(t)
    >>> bool(digest[2] == digest[0]), bool(digest[0] == _content_digest(t.slice(0, 1))[0]), _repeats([digest]).tolist()
    (True, True, [0, 0, 1])
    """
    present = [name for name in _CONTENT if name in table.column_names]
    # One text per row (columns in a fixed order, a separator no id holds, a mark for empty cells),
    # hashed in one vectorised pass.
    row = pc.binary_join_element_wise(*(table.column(n).cast(pa.string()) for n in present), "\x1f",
                                      null_handling="replace", null_replacement="\x00")
    text = row.combine_chunks() if isinstance(row, pa.ChunkedArray) else row
    return np.asarray(pd.util.hash_array(text.to_numpy(zero_copy_only=False), categorize=False))


def _digest_items(digest: np.ndarray, source: str) -> pa.Array:
    """``<source>:<hash>`` for each row, without the repeat numbers (:func:`_repeats`)."""
    return pc.binary_join_element_wise(f"{source}:", pc.cast(pa.array(digest), pa.string()), "")


def _repeats(digests: list[np.ndarray]) -> np.ndarray | None:
    """How many earlier rows of the file (all its batches) have each row's content; None when no row repeats."""
    if not digests:
        return None
    digest = digests[0] if len(digests) == 1 else np.concatenate(digests)
    if not pd.Series(digest).duplicated().any():
        return None
    return _repeat_number(digest)


def _repeat_suffix(items: pa.Array | pa.ChunkedArray, repeat: np.ndarray) -> Any:
    """``#<n>`` appended to the n-th repeat of an item (n > 0)."""
    suffix = pc.binary_join_element_wise("#", pc.cast(pa.array(repeat), pa.string()), "")
    return pc.if_else(pa.array(repeat > 0), pc.binary_join_element_wise(items, suffix, ""), items)


def _with_repeats(events: pa.Table, repeat: np.ndarray) -> pa.Table:
    """The events with their content items' repeat numbers (see :func:`_content_digest`).

    Examples
    --------
    >>> ev = pa.table({"item": ["csv:7", "csv:7"]})
    >>> _with_repeats(ev, np.array([0, 1])).column("item").to_pylist()
    ['csv:7', 'csv:7#1']
    """
    if not (repeat > 0).any():
        return events
    items = _repeat_suffix(events.column("item"), repeat)
    return events.set_column(events.column_names.index("item"), SCHEMA.field("item"), items)


def _repeat_number(keys: np.ndarray) -> np.ndarray:
    """For each position, how many earlier positions hold the same key (0 for the first).

    Examples
    --------
    >>> _repeat_number(np.array([5, 3, 5, 5, 3], np.uint64)).tolist()
    [0, 0, 1, 2, 1]
    """
    order = np.argsort(keys, kind="stable")
    ranked = keys[order]
    index = np.arange(len(keys))
    starts = np.ones(len(keys), bool)
    starts[1:] = ranked[1:] != ranked[:-1]
    out = np.empty(len(keys), np.int64)
    out[order] = index - np.maximum.accumulate(np.where(starts, index, 0))
    return out


def _target_file(path: Path, suffixes: tuple[str, ...]) -> Path:
    if path.is_dir():
        for suffix in suffixes:
            candidate = path / f"events{suffix}"
            if candidate.exists():
                return candidate
        raise InputError(path, f"folder has no events{suffixes[0]}")
    return path


def read_csv(path: Path, *, column_map: Mapping[str, str] | None = None, delimiter: str | None = None,
             no_header: bool = False, kind_map: Mapping[str, str] | None = None, date_check: str = "outliers",
             **_: Any) -> ReadResult:
    """Read events from a CSV file (every column read as text: ids stay strings).

    Parameters
    ----------
    path : Path
        A ``.csv``/``.tsv``/``.txt`` file, or a folder holding ``events.csv``.
    column_map : mapping, optional
        Event column -> column name in the file (with ``no_header``: its position, from 1).
    delimiter : str, optional
        Field separator; found from the file when not given (:func:`sniff_delimiter`; tab for
        ``.tsv``).
    no_header : bool
        The first line is data: columns are named ``1``, ``2``, ... and, unless ``column_map``
        names them, taken in the order of :data:`HEADERLESS_ORDER` (actor, target, weight, ts).
    kind_map : mapping, optional
        Value in the file's kind column -> event kind (``{"like": "reaction"}``); values are
        compared without case and surrounding spaces.
    date_check : {"outliers", "bounds"}
        Which ``ts`` values are implausible (kept with a null ``ts``, counted): outside
        1971-01-01 .. now + 1 day, and (``outliers``, the default) isolated from all other
        dates (:mod:`orgnet.connectors.dates`).

    Returns
    -------
    ReadResult

    Raises
    ------
    InputError
        The file is empty, a column is missing, a kind is not an event kind (and not mapped), or
        a value cannot be parsed (the message names the file, the row and what was expected).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "mail.csv"
    >>> _ = f.write_text("sender;recipient;date\\nana;ben;2025-01-06\\nben;ana;2025-01-07\\n")
    >>> r = read_csv(f, column_map={"actor": "sender", "target": "recipient", "ts": "date"})
    >>> r.events.num_rows, r.events.column("kind")[0].as_py()
    (2, 'post')
    >>> _ = f.write_text("ana,ben,2\\nben,cy,1\\n")
    >>> read_csv(f, no_header=True).events.select(["actor", "target", "weight"]).to_pylist()[0]
    {'actor': 'ana', 'target': 'ben', 'weight': 2.0}
    """
    path = _target_file(Path(path), _CSV_SUFFIXES)
    if path.stat().st_size == 0:
        raise InputError(path, "file is empty; expected a header line naming the columns (at least actor)")
    try:
        with path.open("rb") as fh:
            raw = fh.read(_SNIFF_BYTES)
            if fh.read(1):  # more follows: whole lines only, and never half a character
                cut = raw.rfind(b"\n")
                raw = raw[:cut + 1] if cut >= 0 else raw + fh.readline()
        sample = raw.decode("utf-8-sig")
        sep = delimiter or ("\t" if path.suffix.lower() == ".tsv" else sniff_delimiter(sample))
        first = next(csv.reader(io.StringIO(sample, newline=""), delimiter=sep), [])  # \r, \n or \r\n ends a line
        if not first or not any(c.strip() for c in first):
            what = "a first line of data" if no_header else "a header line naming the columns (at least actor)"
            raise InputError(path, f"the first line is empty; expected {what}", record=1)
        names = [str(i + 1) for i in range(len(first))] if no_header else first
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=0 if no_header else 1),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=True),
        )
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start}); expected a UTF-8 CSV") from None
    except pa.ArrowInvalid as exc:
        hint = "" if delimiter else f" (read with delimiter {sep!r} found from the file; name it with --delimiter)"
        raise InputError(path, f"not a valid CSV: {exc}{hint}") from None
    except csv.Error as exc:  # the first line itself is malformed (e.g. a bare carriage return)
        raise InputError(path, f"cannot read the first line ({exc})", record=1) from None
    if table.num_rows == 0:
        raise InputError(path, "no data rows after the header; expected at least one event")
    if no_header and not column_map:
        column_map = _headerless_map(len(names), path)
    if sep == ";":
        table = _decimal_commas(table, (column_map or {}).get("weight", "weight"))
    return _events(table, path, "csv", column_map or {}, kind_map, date_check)


def _decimal_commas(table: pa.Table, name: str) -> pa.Table:
    """Read ``0,5`` as 0.5 in the weight column of a ``;``-separated file (spreadsheets of much of
    Europe write both), when every value in that column is a number written that way."""
    names = {n.strip().lower(): n for n in table.column_names}
    column = name if name in table.column_names else names.get(name.strip().lower())
    if column is None:
        return table
    values = pc.utf8_trim_whitespace(table.column(column))
    written = pc.match_substring_regex(values, r"^[+-]?[0-9]*,[0-9]+$|^[+-]?[0-9]+$")
    if not pc.all(pc.or_kleene(written, pc.is_null(values)), min_count=0).as_py() or \
            not pc.any(pc.match_substring(values, ","), min_count=0).as_py():
        return table
    return table.set_column(table.column_names.index(column), column, pc.replace_substring(values, ",", "."))


def _headerless_map(width: int, path: Path) -> dict[str, str]:
    if width > len(HEADERLESS_ORDER):
        raise InputError(
            path,
            f"a file without a header has {width} columns, more than {', '.join(HEADERLESS_ORDER)}; name them "
            "by position with --map, e.g. --map actor=1,target=2,ts=3",
        )
    return {name: str(i + 1) for i, name in enumerate(HEADERLESS_ORDER[:width])}


def read_parquet(path: Path, *, column_map: Mapping[str, str] | None = None,
                 kind_map: Mapping[str, str] | None = None, date_check: str = "outliers",
                 batch_rows: int = PARQUET_BATCH_ROWS, **_: Any) -> ReadResult:
    """Read events from a Parquet file, a folder of Parquet parts, or a folder holding ``events.parquet``.

    The rows are decoded about ``batch_rows`` at a time and each batch brought to
    the event contract before the next is read, so the decoded file and its events never coexist
    in memory; the checks that need every row (implausible dates, the unit of Unix times,
    repeated rows) run once all batches are read, and the result is that of a single read.

    Parameters
    ----------
    path : Path
        The file or folder.
    column_map : mapping, optional
        Event column -> column name in the file.
    kind_map : mapping, optional
        Value in the file's kind column -> event kind, as for :func:`read_csv`.
    date_check : {"outliers", "bounds"}
        As for :func:`read_csv`.
    batch_rows : int
        Rows decoded at a time (:data:`PARQUET_BATCH_ROWS`).

    Returns
    -------
    ReadResult
    """
    path = Path(path)
    if path.is_dir() and (path / "events.parquet").exists():
        path = path / "events.parquet"
    column_map = column_map or {}
    dictionary = _repeated_columns(path, column_map)
    parts = _parquet_parts(path, dictionary, column_map, kind_map, batch_rows)
    if parts is None:
        return _events(_read_parquet_table(path, dictionary), path, "parquet", column_map, kind_map, date_check)
    return _events_result(parts, path, "parquet", date_check)


def _read_parquet_table(path: Path, dictionary: list[str]) -> pa.Table:
    """The whole file (or folder of parts) as one table."""
    try:
        table = pq.read_table(path, read_dictionary=dictionary)
        table.column_names  # noqa: B018 - decoded on first use: a damaged name fails here, not later
    except UnicodeDecodeError:  # Arrow decodes the schema's names itself: a damaged footer fails here
        raise InputError(path, "not a readable Parquet file: its column names are not UTF-8 text "
                         "(a damaged or foreign file?)") from None
    except (pa.ArrowException, OSError) as exc:
        raise InputError(path, f"not a readable Parquet file or dataset: {exc}") from None
    if table.num_rows == 0:
        raise InputError(path, "no rows; expected at least one event")
    return table


def _parquet_dataset(path: Path, dictionary: list[str]) -> ds.Dataset:
    """The file or folder as :func:`pyarrow.parquet.read_table` opens it (hive-style folders of parts).

    Without pre-buffering: it reads every row group's bytes ahead of the batches that need them
    (0.75 GB held at once for a 0.8 GB file of 50M events) and saves nothing on a local disk.
    """
    fmt = ds.ParquetFileFormat(dictionary_columns=dictionary,
                               default_fragment_scan_options=ds.ParquetFragmentScanOptions(pre_buffer=False))
    if path.is_dir():
        return ds.dataset(path, format=fmt, partitioning=ds.HivePartitioning.discover(infer_dictionary=True))
    return ds.dataset(path, format=fmt)


def _parquet_batches(dataset: ds.Dataset, rows: int) -> Iterator[pa.Table]:
    """The dataset's rows in order, about ``rows`` at a time, each batch decoded when asked for."""
    scanner = dataset.scanner(batch_size=min(rows, 1 << 20), batch_readahead=1, fragment_readahead=1)
    pending: list[pa.RecordBatch] = []
    size = 0
    for batch in scanner.to_batches():
        pending.append(batch)
        size += batch.num_rows
        if size >= rows:
            yield pa.Table.from_batches(pending, dataset.schema)
            pending, size = [], 0
    if pending:
        yield pa.Table.from_batches(pending, dataset.schema)


def _parquet_parts(path: Path, dictionary: list[str], column_map: Mapping[str, str],
                   kind_map: Mapping[str, str] | None, rows: int) -> list[_Part] | None:
    """The file's rows in the event contract, one part per batch of about ``rows`` rows.

    None when the file is to be read as one table (:func:`_read_parquet_table`): it cannot be
    opened or decoded (that read's message names the problem), it has no rows, a batch among
    several has a problem (the file's first problem, the one to name, may lie in a later batch),
    or its text dates hold Unix times (their unit is told from the whole column).
    """
    total = 0
    try:
        dataset = _parquet_dataset(path, dictionary)
        total = dataset.count_rows()
        if total == 0:
            return None
        parts = []
        # Batches are brought to the contract two at a time, in threads: the work is Arrow's
        # kernels, which release the GIL (at 50M events 15.0 -> 9.2 s). Each decoded batch is
        # freed once its part is made, and at most two wait.
        for part in ordered_threads(
                lambda table: _event_part(table, path, "parquet", column_map, kind_map, alone=total <= rows),
                _parquet_batches(dataset, rows), threads=min(PARQUET_THREADS, effective_n_jobs())):
            parts.append(part)
            pa.default_memory_pool().release_unused()  # the memory the finished batch held
        return parts
    except InputError:
        if total <= rows:
            raise  # the one batch is the whole file: its message is the one to give
        return None
    except (_NeedsWholeFile, pa.ArrowException, OSError, UnicodeDecodeError):
        return None


#: Event columns whose values repeat a lot (kinds, sources, channels): read as dictionaries, so the
#: contract's string clean-up runs once per distinct value instead of once per event, and the coded
#: columns of the compact contract are built from the codes, never from every row's text. Threads
#: are read as text: nearly one per message, Parquet's per-row-group dictionaries would each hold
#: most of them.
_REPEATED = ("source", "kind", "channel")


def _repeated_columns(path: Path, column_map: Mapping[str, str]) -> list[str]:
    try:
        schema = pq.read_schema(path) if path.is_file() else None
    except (pa.ArrowException, OSError, UnicodeDecodeError):
        return []  # reading the table says what is wrong, naming the file
    if schema is None:
        return []
    wanted = {column_map.get(c, c).strip().lower() for c in _REPEATED}
    return [f.name for f in schema
            if f.name.strip().lower() in wanted and (pa.types.is_string(f.type) or pa.types.is_large_string(f.type))]


def _sniff_csv(path: Path) -> bool:
    if path.is_dir():
        return any((path / f"events{s}").exists() for s in _CSV_SUFFIXES)
    return path.suffix.lower() in _CSV_SUFFIXES


def _sniff_parquet(path: Path) -> bool:
    if path.is_dir():
        return (path / "events.parquet").exists() or (
            any(path.glob("*.parquet")) and not any(path.glob("*.csv"))
        )
    return path.suffix.lower() in _PARQUET_SUFFIXES


READERS = (
    Reader("parquet", read_parquet, _sniff_parquet, "Parquet file or folder of events (--map, --kinds)"),
    Reader("csv", read_csv, _sniff_csv,
           "CSV file of events or an edge list (--map, --delimiter, --no-header, --kinds)"),
)
