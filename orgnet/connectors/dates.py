"""Which timestamps of an export can be believed: conventional bounds, then the data's own isolated dates.

Broken clocks are common in real exports: Enron has mails dated 1979-12-31 (clients with an unset
clock) and year ``0001``; CSV exports carry the Unix epoch or 1900 where a date was missing. Such
a date must not stretch the period of the analysis by decades, and it must not be replaced by a
date from elsewhere (a file's creation date is not when a mail was written). The readers keep the
record with a null ``ts`` (its ties still count; time-based findings leave it out) and count it.

The rules, in one place (documented in ``docs/connectors/email.md`` and
``docs/connectors/tables.md``):

1. **Conventional bounds.** No collaboration record is older than :data:`EARLIEST`
   (1971-01-01): networked e-mail was first sent in late 1971 (Ray Tomlinson, ARPANET), and the
   usual placeholder dates (the Unix epoch 1970-01-01, 1900-01-01, year 0001) fall before it.
   Nothing is later than the moment of reading plus :data:`FUTURE_SLACK` (one day: time zones
   and clock skew).
2. **Isolated dates** (``date_check="outliers"``, the default). Within those bounds, a date far
   from the bulk of the data *and* cut off from it by a long empty stretch is a broken clock, not
   a record. Judged from the data's own distribution, with Tukey's conventions for "far out"
   values (J. W. Tukey, *Exploratory Data Analysis*, 1977):

   * the bulk lies within the far-out fences ``Q1 - 3 IQR`` and ``Q3 + 3 IQR`` of the dated
     records (quartiles ``Q1``, ``Q3``, inter-quartile range ``IQR``, :data:`FENCE` = 3);
   * a date beyond a fence is isolated when an empty gap longer than ``3 IQR`` (the fence's own
     margin) separates it from the dates inside the fences, and all the dates beyond that gap
     are at most :data:`STRAY_SHARE` (1%) of the dated records. A stray date is rare; a larger
     group beyond a gap is a period of its own (an older export passed with a newer one) and is
     kept. With fewer than 100 dated records no group is that small, so nothing is isolated;
     with ``IQR = 0`` (half the records at one instant) the bulk has no spread to judge by and
     nothing is isolated either.

   A slowly growing community (few early messages, many late ones) has no empty gap, so its
   early dates stay even when they lie beyond the fence.

Examples
--------
>>> import pandas as pd
>>> ts = pd.to_datetime(["1979-12-31"] + [f"2001-{m:02d}-{d:02d}" for m in range(1, 13) for d in range(1, 29)], utc=True)
>>> check = check_dates(ts)
>>> check.out_of_bounds, check.isolated, check.dates.null_count
(0, 1, 1)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "DATE_CHECKS",
    "UNIX_NUMBER",
    "EARLIEST",
    "FENCE",
    "FUTURE_SLACK",
    "IMPLAUSIBLE",
    "ISOLATED",
    "STRAY_SHARE",
    "DateCheck",
    "check_dates",
    "date_bounds",
    "isolated_dates",
    "parse_timestamps",
    "unix_unit",
]

#: Earliest plausible date of a collaboration record: networked e-mail dates from late 1971.
EARLIEST = datetime(1971, 1, 1, tzinfo=timezone.utc)
#: How far past the moment of reading a date may lie (time zones, clock skew).
FUTURE_SLACK = timedelta(days=1)
#: Tukey's "far out" fence, in inter-quartile ranges beyond the quartiles.
FENCE = 3.0
#: Largest share of the dated records that may be set apart as isolated.
STRAY_SHARE = 0.01
#: Values of the ``date_check`` option: ``outliers`` (bounds and isolated dates) or ``bounds``.
DATE_CHECKS = ("outliers", "bounds")
#: ``records_skipped`` reasons for records kept with a null date (the same in every reader).
IMPLAUSIBLE = "date implausible (kept without timestamp)"
ISOLATED = "date isolated from all other dates (kept without timestamp)"

_TS = pa.timestamp("us", tz="UTC")
# Unix time units told apart by magnitude: the largest value of each unit that is still a
# plausible date. 1e11 s is the year 5138 while 1e11 ms is 1973-03-03, and so on down the units.
_UNIX_UNITS = ((1e11, "s", 1e6), (1e14, "ms", 1e3), (1e17, "us", 1.0), (np.inf, "ns", 1e-3))
#: A value written as a number (perhaps Unix time): its unit is told from the whole column.
UNIX_NUMBER = r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$"


def _as_utc(value: str | datetime) -> datetime:
    ts = pd.Timestamp(value)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.to_pydatetime()


def date_bounds(earliest: str | datetime | None = None, latest: str | datetime | None = None) -> tuple[datetime, datetime]:
    """Return the plausible date range as aware UTC datetimes.

    Parameters
    ----------
    earliest, latest : str or datetime, optional
        Defaults: :data:`EARLIEST` and the moment of the call plus :data:`FUTURE_SLACK`.

    Examples
    --------
    >>> date_bounds("2000-01-01", "2001-01-01")[0].isoformat()
    '2000-01-01T00:00:00+00:00'
    >>> date_bounds()[0] == EARLIEST
    True
    """
    lo = EARLIEST if earliest is None else _as_utc(earliest)
    hi = datetime.now(timezone.utc) + FUTURE_SLACK if latest is None else _as_utc(latest)
    return lo, hi


def _micros(ts: Any) -> tuple[list[np.ndarray], np.ndarray]:
    """Microseconds since the epoch (int64, one array per chunk, no copy) and validity of any array of timestamps.

    A chunk's values are read off its buffer: a null slot holds any number, so every use of them
    goes through ``valid``.
    """
    values, valid = [], []
    for chunk in _us_chunks(ts):
        data = chunk.buffers()[1]
        values.append(np.frombuffer(data, np.int64, count=len(chunk), offset=8 * chunk.offset) if data is not None
                      else np.zeros(len(chunk), np.int64))
        valid.append(np.asarray(chunk.is_valid().to_numpy(zero_copy_only=False), dtype=bool) if chunk.null_count
                     else np.ones(len(chunk), bool))
    return values, valid[0] if len(valid) == 1 else np.concatenate([np.zeros(0, bool), *valid])


def _us_chunks(ts: Any) -> list[pa.Array]:
    """Any array of timestamps as Arrow arrays of microseconds: a chunked one chunk by chunk (not joined)."""
    if isinstance(ts, pa.ChunkedArray):
        return [_us_array(chunk) for chunk in ts.chunks]
    return [_us_array(ts)]


def _us_array(ts: Any) -> pa.Array:
    """Any array of timestamps as one Arrow array of microseconds (no copy when it is one already)."""
    if isinstance(ts, pa.ChunkedArray):
        ts = ts.combine_chunks() if ts.num_chunks != 1 else ts.chunk(0)
    if not isinstance(ts, pa.Array):
        ts = pa.array(pd.Series(pd.to_datetime(pd.Series(ts), utc=True)).astype("datetime64[us, UTC]"),
                      type=_TS, from_pandas=True)
    if not pa.types.is_timestamp(ts.type):
        raise TypeError(f"expected timestamps, got {ts.type}")
    return ts.cast(pa.timestamp("us", tz=ts.type.tz))


def isolated_dates(ts: Any) -> np.ndarray:
    """Flag the dates cut off from the bulk of the data (rule 2 of the module notes).

    Parameters
    ----------
    ts : array of timestamps
        Arrow, numpy or pandas timestamps; nulls are allowed (never flagged). Pass the dates of
        distinct records (one per message, not per recipient).

    Returns
    -------
    numpy.ndarray of bool
        True where a date is isolated.

    Examples
    --------
    >>> import pandas as pd
    >>> bulk = [f"2001-{m:02d}-15" for m in range(1, 13)] * 10
    >>> isolated_dates(pd.to_datetime(["1979-12-31", *bulk, "2004-06-01"], utc=True)).nonzero()[0].tolist()
    [0, 121]
    >>> bool(isolated_dates(pd.to_datetime([*bulk, "2003-06-01"], utc=True)).any())  # a gap of 17 months is not enough
    False
    >>> bool(isolated_dates(pd.to_datetime(["1979-12-31", *bulk[:50]], utc=True)).any())  # under 100 dates
    False
    """
    return _isolated(*_micros(ts))


def _isolated(values: list[np.ndarray], valid: np.ndarray) -> np.ndarray:
    """The isolated dates among the ``valid`` ones (``values``: one int64 array per chunk, in order).

    The dates are never joined into one array of integers: the quartiles are taken from one
    float copy of the valid dates (which they partition), and the tails are gathered chunk by
    chunk. The answer is the one of the dates taken as one array.
    """
    out = np.zeros(len(valid), dtype=bool)
    n = int(valid.sum())
    limit = int(np.floor(STRAY_SHARE * n))
    if limit < 1:
        return out
    bounds = np.cumsum([0, *(len(v) for v in values)])
    pieces = [(v, valid[lo:hi], slice(lo, hi)) for v, lo, hi in zip(values, bounds[:-1], bounds[1:], strict=True)]
    every = bool(valid.all())
    floats = np.empty(n, np.float64)
    at = 0
    for v, ok, _ in pieces:
        chosen = v if every else v[ok]
        floats[at:at + len(chosen)] = chosen
        at += len(chosen)
    # By partition (no full sort), in the float copy itself: no second copy.
    q1, q3 = np.quantile(floats, [0.25, 0.75], overwrite_input=True)
    del floats
    iqr = q3 - q1
    if iqr <= 0:
        return out
    low_fence, high_fence, min_gap = q1 - FENCE * iqr, q3 + FENCE * iqr, FENCE * iqr

    def beyond(side: np.ufunc, fence: float) -> np.ndarray:
        # The valid dates beyond a fence, sorted (a tail: few of them).
        return np.sort(np.concatenate([v[ok & side(v, fence)] for v, ok, _ in pieces] or [np.zeros(0, np.int64)]))

    def nearest(side: np.ufunc, fence: float, pick: np.ufunc) -> Any:
        # The valid date inside a fence nearest to it (the edge of the bulk).
        inside = [v[ok & side(v, fence)] for v, ok, _ in pieces]
        return pick.reduce([pick.reduce(x) for x in inside if len(x)])

    # Only the tails beyond the fences can be cut off: each is sorted with the nearest date
    # inside, and a gap's rank (dates below or above it) is its place in the tail.
    below = beyond(np.less, low_fence)
    if 0 < len(below) <= n - 1:
        edge = np.append(below, nearest(np.greater_equal, low_fence, np.minimum))
        gaps = np.diff(edge).astype(np.float64)
        i = np.arange(len(below))
        low = np.flatnonzero((gaps > min_gap) & (i + 1 <= limit))
        if len(low):
            for v, ok, where in pieces:
                out[where] |= ok & (v <= below[low[-1]])
    above = beyond(np.greater, high_fence)
    if 0 < len(above) <= n - 1:
        edge = np.append(nearest(np.less_equal, high_fence, np.maximum), above)
        gaps = np.diff(edge).astype(np.float64)
        i = np.arange(len(above))
        high = np.flatnonzero((gaps > min_gap) & (len(above) - i <= limit))
        if len(high):
            for v, ok, where in pieces:
                out[where] |= ok & (v >= above[high[0]])
    return out


@dataclass(frozen=True)
class DateCheck:
    """The outcome of :func:`check_dates`.

    Attributes
    ----------
    dates : pyarrow.Array or pyarrow.ChunkedArray
        ``timestamp[us, UTC]``: the input with implausible dates set to null (chunked, in the
        input's chunks, when the input is).
    out_of_bounds : int
        Dates outside the conventional bounds (rule 1).
    isolated : int
        Dates within the bounds but isolated (rule 2).
    implausible : numpy.ndarray of bool
        Per input row: was the date set to null here.
    """

    dates: pa.Array | pa.ChunkedArray
    out_of_bounds: int
    isolated: int
    implausible: np.ndarray


def check_dates(
    ts: Any,
    *,
    earliest: str | datetime | None = None,
    latest: str | datetime | None = None,
    date_check: str = "outliers",
) -> DateCheck:
    """Set implausible dates to null: outside the bounds, or (by default) isolated from the bulk.

    Parameters
    ----------
    ts : array of timestamps
        One date per distinct record (Arrow, numpy or pandas); nulls stay null. A chunked
        Arrow array is judged as one and kept in its chunks.
    earliest, latest : str or datetime, optional
        Conventional bounds (see :func:`date_bounds`).
    date_check : {"outliers", "bounds"}
        ``outliers`` (default): both rules; ``bounds``: the conventional bounds only.

    Returns
    -------
    DateCheck

    Raises
    ------
    ValueError
        ``date_check`` is not one of :data:`DATE_CHECKS`.

    Examples
    --------
    >>> import pandas as pd
    >>> c = check_dates(pd.to_datetime(["1970-01-01", "2025-01-06", None], utc=True), date_check="bounds")
    >>> c.out_of_bounds, c.dates.to_pylist()[1].year, c.dates.null_count
    (1, 2025, 2)
    """
    if date_check not in DATE_CHECKS:
        raise ValueError(f"date_check must be one of {', '.join(DATE_CHECKS)}, not {date_check!r}")
    chunked = isinstance(ts, pa.ChunkedArray)
    chunks = _us_chunks(ts)  # a chunked array stays in its chunks: no joined copy of every date
    values, valid = _micros(pa.chunked_array(chunks, _TS if not chunks else chunks[0].type))
    lo, hi = date_bounds(earliest, latest)
    lo_us, hi_us = (int(pd.Timestamp(x).value // 1000) for x in (lo, hi))
    outside = np.zeros(len(valid), bool)
    at = 0
    for v in values:
        where = slice(at, at + len(v))
        outside[where] = valid[where] & ((v < lo_us) | (v > hi_us))
        at += len(v)
    isolated = _isolated(values, valid & ~outside) if date_check == "outliers" else np.zeros(len(valid), bool)
    bad = outside | isolated
    if not bad.any() and all(c.type == _TS for c in chunks):
        dates = chunks  # nothing to null: the input itself, not a copy of every date
    else:
        kept, dates, at = valid & ~bad, [], 0
        for v in values:
            dates.append(pc.if_else(pa.array(kept[at:at + len(v)]), pa.array(v, type=pa.int64()).cast(_TS),
                                    pa.scalar(None, _TS)))
            at += len(v)
    out = pa.chunked_array(dates, dates[0].type if dates else _TS) if chunked else dates[0]
    return DateCheck(dates=out, out_of_bounds=int(outside.sum()), isolated=int(isolated.sum()), implausible=bad)


def unix_unit(values: np.ndarray) -> tuple[str, float]:
    """Name the Unix time unit of numbers by their magnitude, and the factor to microseconds.

    The unit is chosen once for a whole column from the median of the absolute values: seconds
    below ``1e11`` (the year 5138 in seconds, 1973 in milliseconds), milliseconds below ``1e14``,
    microseconds below ``1e17``, else nanoseconds. A plausible date (1971 to now) of one unit is
    never in another unit's range, so the rule cannot confuse them.

    Examples
    --------
    >>> unix_unit(np.array([1736150400.0])), unix_unit(np.array([1736150400123.0]))
    (('s', 1000000.0), ('ms', 1000.0))
    """
    finite = np.abs(values[np.isfinite(values)])
    scale = float(np.median(finite)) if len(finite) else 0.0
    for top, unit, factor in _UNIX_UNITS:
        if scale < top:
            return unit, factor
    raise AssertionError("unreachable")  # pragma: no cover


def _from_unix(values: np.ndarray) -> pa.Array:
    _, factor = unix_unit(values.astype(np.float64))
    if values.dtype.kind in "iu":  # exact integer arithmetic: nanoseconds do not fit a float
        ints = values.astype(np.int64)
        limit = np.iinfo(np.int64).max // max(int(factor), 1)
        ok = np.abs(ints) <= limit
        micro = ints * int(factor) if factor >= 1 else ints // int(round(1 / factor))
        return pa.array(np.where(ok, micro, 0), type=pa.int64(), mask=~ok).cast(_TS)
    micro = np.round(values * factor)
    ok = np.isfinite(micro) & (np.abs(micro) < 9.2e18)
    return pa.array(np.where(ok, micro, 0).astype(np.int64), type=pa.int64(), mask=~ok).cast(_TS)


def parse_timestamps(col: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, np.ndarray]:
    """Turn a table's ``ts`` column into UTC timestamps, and say which values could not be read.

    Accepted: timestamps and dates (naive ones are UTC), ISO 8601 text
    (``2025-01-31T09:30:00Z``, ``2025-01-31``, ``20250131``), other common date/time text
    (``Mon, 6 Jan 2025 09:00:00 +0000``), and Unix time as numbers or numeric text: seconds,
    milliseconds, microseconds or nanoseconds, told apart by magnitude (:func:`unix_unit`).

    Parameters
    ----------
    col : pyarrow.Array or ChunkedArray

    Returns
    -------
    timestamps : pyarrow.Array
        ``timestamp[us, UTC]``; empty and unreadable values are null.
    unreadable : numpy.ndarray of bool
        True where a non-empty value could not be read as a date.

    Examples
    --------
    >>> ts, bad = parse_timestamps(pa.array(["1736150400", "1736150460", "2025-01-06", "", "soon"]))
    >>> [t.isoformat() for t in ts.to_pylist()[:3]], bad.tolist()
    (['2025-01-06T08:00:00+00:00', '2025-01-06T08:01:00+00:00', '2025-01-06T00:00:00+00:00'], [False, False, False, False, True])
    >>> parse_timestamps(pa.array([1736150400500]))[0].to_pylist()[0].isoformat()  # milliseconds
    '2025-01-06T08:00:00.500000+00:00'
    """
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    if pa.types.is_dictionary(col.type):
        col = col.cast(col.type.value_type)
    n = len(col)
    none = np.zeros(n, dtype=bool)
    if pa.types.is_timestamp(col.type):
        if col.type.tz is None:
            col = pc.assume_timezone(col, "UTC")
        return col.cast(_TS), none
    if pa.types.is_date(col.type):
        return pc.assume_timezone(col.cast(pa.timestamp("us")), "UTC"), none
    if pa.types.is_null(col.type):
        return pa.nulls(n, _TS), none
    if pa.types.is_integer(col.type):
        values = np.asarray(pc.fill_null(col.cast(pa.int64()), 0).to_numpy(zero_copy_only=False))
        return pc.if_else(col.is_valid(), _from_unix(values), pa.scalar(None, _TS)), none
    if pa.types.is_floating(col.type) or pa.types.is_decimal(col.type):
        values = np.asarray(pc.fill_null(col.cast(pa.float64()), np.nan).to_numpy(zero_copy_only=False))
        return pc.if_else(col.is_valid(), _from_unix(values), pa.scalar(None, _TS)), none
    raw = pd.Series(col.cast(pa.string()).to_pandas(), dtype="string").str.strip()
    raw = raw.mask(raw == "")
    parsed = pd.to_datetime(raw, utc=True, errors="coerce", format="ISO8601").astype("datetime64[us, UTC]")
    retry = parsed.isna() & raw.notna()
    if retry.any():
        numeric = retry & raw.str.fullmatch(UNIX_NUMBER).fillna(False).astype(bool)
        if numeric.any():
            text = raw[numeric]
            whole = text.str.fullmatch(r"[-+]?\d{1,18}").fillna(False).astype(bool)
            numbers = text.astype("int64") if whole.all() else text.astype("float64")
            stamps = _from_unix(numbers.to_numpy())
            parsed[numeric] = pd.Series(stamps.to_pandas(), index=parsed.index[numeric.to_numpy()]).astype(
                "datetime64[us, UTC]")
            retry &= ~numeric
        if retry.any():
            parsed[retry] = pd.to_datetime(raw[retry], utc=True, errors="coerce",
                                           format="mixed").astype("datetime64[us, UTC]")
    bad = (parsed.isna() & raw.notna()).to_numpy()
    return pa.array(parsed.astype("datetime64[us, UTC]"), type=_TS, from_pandas=True), bad
