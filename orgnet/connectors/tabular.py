"""Generic tables of events: CSV and Parquet files (or a folder holding ``events.*``).

Column names are mapped by option (``column_map={"actor": "sender", "target": "recipient"}``,
``--map actor=sender,target=recipient`` on the command line). A plain edge list (two columns,
no timestamps, no kind) is accepted: each row becomes a ``post`` from actor to target, and
time-based findings are then skipped (and say so).

Timestamps (``ts``) may be ISO 8601 text, other common date/time text, or Unix time in seconds
or milliseconds (told apart by magnitude, see :func:`orgnet.connectors.dates.unix_unit`); a date
outside the plausible range is kept with a null ``ts`` and counted in ``records_skipped``.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from orgnet.connectors.base import InputError, Reader, ReadResult, empty_people
from orgnet.connectors.dates import IMPLAUSIBLE, ISOLATED, check_dates, parse_timestamps
from orgnet.events import SCHEMA, EventSchemaError, coerce_events

__all__ = ["READERS", "parse_column_map", "read_csv", "read_parquet"]

_CSV_SUFFIXES = (".csv", ".tsv", ".txt")
_PARQUET_SUFFIXES = (".parquet", ".pq")


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
    if not text:
        return {}
    out: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise ValueError(f"--map: {part.strip()!r} is not of the form column=name (e.g. actor=sender)")
        key, value = (s.strip() for s in part.split("=", 1))
        if key not in SCHEMA.names:
            raise ValueError(f"--map: unknown event column {key!r}; expected one of {', '.join(SCHEMA.names)}")
        out[key] = value
    return out


def _apply_map(table: pa.Table, column_map: Mapping[str, str], path: Path) -> pa.Table:
    names = list(table.column_names)
    lower = {n.strip().lower(): n for n in names}
    rename: dict[str, str] = {}
    for key, value in column_map.items():
        found = value if value in names else lower.get(value.strip().lower())
        if found is None:
            raise InputError(path, f"column {value!r} (mapped to {key}) not found; the header has {', '.join(names)}")
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


def _timestamps(table: pa.Table, path: Path, date_check: str) -> tuple[pa.Table, Counter[str]]:
    """Read the ``ts`` column (ISO 8601, other date text, Unix s/ms/us/ns by magnitude) and null implausible dates.

    A value that is not a date is an error naming its row (the column is the user's own, and a
    wrong mapping must not pass as "no dates"); a date outside the plausible range
    (:mod:`orgnet.connectors.dates`) is kept as a null ``ts`` and counted.
    """
    skipped: Counter[str] = Counter()
    if "ts" not in table.column_names:
        return table, skipped
    ts, unreadable = parse_timestamps(table.column("ts"))
    if unreadable.any():
        row = int(np.flatnonzero(unreadable)[0])
        raise InputError(path, f"row {row + 1}: cannot parse timestamp {table.column('ts')[row].as_py()!r}; "
                         "expected an ISO 8601 date/time (e.g. 2025-01-31T09:30:00Z) or Unix time in seconds "
                         "or milliseconds")
    check = check_dates(ts, date_check=date_check)
    if check.out_of_bounds:
        skipped[IMPLAUSIBLE] += check.out_of_bounds
    if check.isolated:
        skipped[ISOLATED] += check.isolated
    return table.set_column(table.column_names.index("ts"), "ts", check.dates), skipped


def _events(table: pa.Table, path: Path, source: str, column_map: Mapping[str, str],
            date_check: str = "outliers") -> ReadResult:
    table = _apply_map(table, column_map, path)
    table, skipped = _timestamps(table, path, date_check)
    try:
        events = coerce_events(table, source=source, where=str(path))
    except EventSchemaError as exc:
        raise InputError(path, str(exc).removeprefix(f"{path}: ")) from None
    return ReadResult(events=events, people=empty_people(), format=source, path=str(path),
                      records_read=table.num_rows, records_skipped=skipped)


def _target_file(path: Path, suffixes: tuple[str, ...]) -> Path:
    if path.is_dir():
        for suffix in suffixes:
            candidate = path / f"events{suffix}"
            if candidate.exists():
                return candidate
        raise InputError(path, f"folder has no events{suffixes[0]}")
    return path


def read_csv(path: Path, *, column_map: Mapping[str, str] | None = None, delimiter: str | None = None,
             date_check: str = "outliers", **_: Any) -> ReadResult:
    """Read events from a CSV file (every column read as text: ids stay strings).

    Parameters
    ----------
    path : Path
        A ``.csv``/``.tsv`` file, or a folder holding ``events.csv``.
    column_map : mapping, optional
        Event column -> column name in the file.
    delimiter : str, optional
        Field separator; ``\\t`` for ``.tsv``, else ``,``.
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
        The file is empty, a column is missing, or a value cannot be parsed (the message
        names the file, the row and what was expected).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "mail.csv"
    >>> _ = f.write_text("sender,recipient,date\\nana,ben,2025-01-06\\nben,ana,2025-01-07\\n")
    >>> r = read_csv(f, column_map={"actor": "sender", "target": "recipient", "ts": "date"})
    >>> r.events.num_rows, r.events.column("kind")[0].as_py()
    (2, 'post')
    """
    path = _target_file(Path(path), _CSV_SUFFIXES)
    if path.stat().st_size == 0:
        raise InputError(path, "file is empty; expected a header line naming the columns (at least actor)")
    sep = delimiter or ("\t" if path.suffix == ".tsv" else ",")
    try:
        with path.open("rb") as fh:
            head = fh.readline().decode("utf-8-sig").rstrip("\r\n")
        names = next(csv.reader([head], delimiter=sep)) if head.strip() else []
        if not names:
            raise InputError(path, "no header line; expected column names (at least actor)", record=1)
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=True),
        )
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start}); expected a UTF-8 CSV") from None
    except pa.ArrowInvalid as exc:
        raise InputError(path, f"not a valid CSV: {exc}") from None
    except csv.Error as exc:  # the header line itself is malformed (e.g. a bare carriage return)
        raise InputError(path, f"cannot read the header line ({exc})", record=1) from None
    if table.num_rows == 0:
        raise InputError(path, "no data rows after the header; expected at least one event")
    return _events(table, path, "csv", column_map or {}, date_check)


def read_parquet(path: Path, *, column_map: Mapping[str, str] | None = None, date_check: str = "outliers",
                 **_: Any) -> ReadResult:
    """Read events from a Parquet file, a folder of Parquet parts, or a folder holding ``events.parquet``.

    Parameters
    ----------
    path : Path
        The file or folder.
    column_map : mapping, optional
        Event column -> column name in the file.
    date_check : {"outliers", "bounds"}
        As for :func:`read_csv`.

    Returns
    -------
    ReadResult
    """
    path = Path(path)
    if path.is_dir() and (path / "events.parquet").exists():
        path = path / "events.parquet"
    try:
        table = pq.read_table(path, read_dictionary=_repeated_columns(path, column_map or {}))
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(path, f"not a readable Parquet file or dataset: {exc}") from None
    if table.num_rows == 0:
        raise InputError(path, "no rows; expected at least one event")
    return _events(table, path, "parquet", column_map or {}, date_check)


#: Event columns whose values repeat a lot (people, kinds, channels): read as dictionaries, so the
#: contract's string clean-up runs once per distinct value instead of once per event.
_REPEATED = ("source", "kind")


def _repeated_columns(path: Path, column_map: Mapping[str, str]) -> list[str]:
    try:
        schema = pq.read_schema(path) if path.is_file() else None
    except (pa.ArrowInvalid, OSError):
        return []
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
    Reader("parquet", read_parquet, _sniff_parquet, "Parquet file or folder of events (columns by --map)"),
    Reader("csv", read_csv, _sniff_csv, "CSV file of events or an edge list (columns by --map)"),
)
