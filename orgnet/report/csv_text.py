"""CSV text of the report's tables: what ``DataFrame.to_csv`` writes, formatted a column at a time.

:func:`write_csv` writes a table with formula-like cells neutralised (:func:`neutralise_csv`),
floats as "%.10g", times as "%Y-%m-%dT%H:%M:%SZ" and fields quoted as Python's ``csv`` quotes
them, byte for byte as the pandas writer does; but each column is turned into text whole, in
numpy and Arrow kernels, and the rows are laid out by Arrow (pandas passes every cell through
Python: at a million people the tables took 22 s, now 10 s).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["CSV_CHUNK", "neutralise_csv", "write_csv"]

#: A cell starting with one of these a spreadsheet may run as a formula (CSV injection, OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with a quote (CSV injection).

    Examples
    --------
    >>> neutralise_csv(pd.DataFrame({"name": ["=HYPERLINK(1)", "Ana", "-1"]}))["name"].tolist()
    ["'=HYPERLINK(1)", 'Ana', "'-1"]
    """
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            s = out[col].astype("string")
            risky = s.str.startswith(_FORMULA_START).fillna(False)
            if risky.any():
                out[col] = s.mask(risky, "'" + s)
    return out


#: Rows formatted and written at a time: memory stays bounded whatever the size of the table.
CSV_CHUNK = 50_000

#: How every table is written: the arguments of the pandas writer, which the fast one reproduces.
_TO_CSV: dict[str, Any] = {"index": False, "lineterminator": "\n", "float_format": "%.10g",
                           "date_format": "%Y-%m-%dT%H:%M:%SZ"}


def _pandas_chunk(part: pd.DataFrame, *, header: bool) -> bytes:
    """Rows of a table as the pandas writer gives them: the reference the fast writer matches.

    Used for the header line, and for a chunk whose columns the fast writer does not format
    (see :func:`_column_kind`).
    """
    out = neutralise_csv(part)
    for i in range(out.shape[1]):
        s = out.iloc[:, i]
        if pd.api.types.is_float_dtype(s) and not isinstance(s.dtype, pd.SparseDtype):
            # The same text as float_format="%.10g" (missing values empty), formatted in one
            # pass: pandas calls the float format once per cell through three Python layers.
            v = s.to_numpy(dtype=float, na_value=np.nan)
            text = np.array(list(map("{:.10g}".format, v.tolist())), dtype=object)
            text[np.isnan(v)] = None
            out.isetitem(i, text)
    return str(out.to_csv(None, header=header, **_TO_CSV)).encode("utf-8")


def _csv_rules() -> tuple[str, bool]:
    """What makes Python's csv writer, set up as pandas sets it up, quote a field.

    Returns the characters that get a field quoted (in Python 3.11: the delimiter, the quote
    character and the line feed, not the carriage return) and whether a row of one empty field
    is written ``""``. Asked of the running Python's ``csv`` rather than assumed, so the fast
    writer follows it should a version change them.
    """
    def line(row: list[str]) -> str:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n", delimiter=",", quotechar='"', doublequote=True,
                   escapechar=None, quoting=csv.QUOTE_MINIMAL).writerow(row)
        return buf.getvalue()

    candidates = [*map(chr, range(128)), "\x85", "\u2028", "\u2029"]
    special = "".join(c for c in candidates if line([f"a{c}b", "x"]).startswith('"'))
    return special, line([""]) == '""\n'


_QUOTED, _QUOTE_LONE_EMPTY = _csv_rules()
# RE2 (Arrow's regex engine) spelling of "any character that gets a field quoted".
_QUOTED_RE = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in _QUOTED) + "]"
# Both sets are ASCII (so found byte by byte in UTF-8) unless a future csv module says otherwise.
_ASCII_RULES = all(ord(c) < 128 for c in _QUOTED + "".join(_FORMULA_START))
_QUOTED_BYTES = [ord(c) for c in _QUOTED]
_FORMULA_BYTES = np.array([ord(c) for c in _FORMULA_START if ord(c) < 128], dtype=np.uint8)
_STR = pa.large_string()  # every piece of a line: Arrow's join needs one string type throughout
_NULL = pa.scalar(None, _STR)
_FORMULA_SET = pa.array(_FORMULA_START, _STR)
_BOOL_TEXT = pa.array(["False", "True"], _STR)
#: Exponent suffixes of "%g" for exponents -99..99 (index exponent + 99).
_EXPONENTS = pa.array([f"e{x:+03d}" for x in range(-99, 100)], _STR)
_POW10 = 10.0 ** np.arange(23)  # 1 .. 1e22, each exactly a double
_IPOW10 = 10 ** np.arange(19, dtype=np.int64)
_MASKED_INT = (pd.Int8Dtype, pd.Int16Dtype, pd.Int32Dtype, pd.Int64Dtype,
               pd.UInt8Dtype, pd.UInt16Dtype, pd.UInt32Dtype, pd.UInt64Dtype)
# Seconds since 1970 of the times written alike by numpy and strftime (years 1 to 9999).
_FIRST_SECOND = int(np.datetime64("0001-01-01T00:00:00", "s").astype(np.int64))
_LAST_SECOND = int(np.datetime64("9999-12-31T23:59:59", "s").astype(np.int64))

Pieces = list[pa.Array]


def _lit(text: str) -> pa.Scalar:
    return pa.scalar(text, _STR)


def _arrow(values: Any) -> pa.Array:
    """One contiguous Arrow array (pandas' Arrow-backed columns come as chunked arrays)."""
    arr = pa.array(values, from_pandas=True)
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def _column_kind(dtype: Any) -> str | None:
    """How the fast writer formats a column of this dtype; None: only the pandas writer does."""
    if isinstance(dtype, pd.SparseDtype):
        return None  # pandas writes sparse floats with repr, not "%.10g": rare enough to leave to it
    if pd.api.types.is_float_dtype(dtype):
        return "float"  # the very test the pandas path formats floats under
    if isinstance(dtype, pd.CategoricalDtype):
        # Text labels (or none at all: every cell missing); labels of other types print through str()
        return "category" if len(dtype.categories) == 0 or dtype.categories.inferred_type == "string" else None
    if isinstance(dtype, pd.StringDtype):
        return "string"
    if isinstance(dtype, np.dtype):
        return {"O": "object", "i": "int", "u": "int", "b": "bool", "M": "datetime"}.get(dtype.kind)
    if isinstance(dtype, pd.DatetimeTZDtype):
        return "datetime"
    if isinstance(dtype, pd.BooleanDtype):
        return "bool"
    if isinstance(dtype, _MASKED_INT):
        return "int"
    return None


def _text_flags(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Per cell: does it start with a formula character; does it hold one that gets it quoted.

    Read off the UTF-8 bytes behind the array when those characters are ASCII (a byte below
    128 is never part of another character): several times faster than Arrow's regex kernel.
    """
    n = len(arr)
    if not _ASCII_RULES:
        first = pc.utf8_slice_codeunits(arr, 0, 1)
        return (pc.fill_null(pc.is_in(first, value_set=_FORMULA_SET), False).to_numpy(zero_copy_only=False),
                pc.fill_null(pc.match_substring_regex(arr, _QUOTED_RE), False).to_numpy(zero_copy_only=False))
    risky, quoted = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64, count=n + 1, offset=8 * arr.offset)
    size = int(offsets[-1] - offsets[0])
    if size:
        data = np.frombuffer(arr.buffers()[2], dtype=np.uint8, count=size, offset=int(offsets[0]))
        filled = np.flatnonzero(np.diff(offsets))  # reduceat wants non-empty segments
        starts = offsets[filled] - offsets[0]
        risky[filled] = np.isin(data[starts], _FORMULA_BYTES)
        hit = np.zeros(size, dtype=bool)
        for b in _QUOTED_BYTES:
            hit |= data == b
        if hit.any():
            quoted[filled] = np.logical_or.reduceat(hit, starts)
    if arr.null_count:  # a null cell writes nothing, whatever bytes lie under it
        valid = arr.is_valid().to_numpy(zero_copy_only=False)
        risky &= valid
        quoted &= valid
    return risky, quoted


def _text_pieces(arr: pa.Array) -> Pieces:
    """Text cells as the CSV writer writes them after :func:`neutralise_csv`; missing cells null."""
    arr = arr.cast(_STR)
    risky, quoted = _text_flags(arr)
    prefix = [pc.if_else(pa.array(risky), _lit("'"), _NULL)] if risky.any() else []
    if not quoted.any():
        return [*prefix, arr]
    mark = pc.if_else(pa.array(quoted), _lit('"'), _NULL)  # fields with a delimiter, quote or line break
    return [mark, *prefix, pc.replace_substring(arr, '"', '""'), mark]


def _object_pieces(s: pd.Series) -> Pieces | None:
    values = s.to_numpy(dtype=object)
    missing = pd.isna(values)
    present = values[~missing]
    if len(present) and pd.api.types.infer_dtype(present, skipna=False) != "string":
        return None  # numbers, dates, lists... in an object column: str() of each, left to pandas
    return _text_pieces(pa.array(values, type=_STR, mask=missing))


def _category_pieces(s: pd.Series) -> Pieces:
    codes = s.cat.codes.to_numpy()
    labels = pa.array(np.asarray(s.cat.categories, dtype=object), type=_STR)
    return _text_pieces(pc.take(labels, pa.array(codes, mask=codes < 0)))


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # Veltkamp's split: a == hi + lo exactly, each with at most 26 significant bits.
    c = 134217729.0 * a  # 2**27 + 1
    hi = c - (c - a)
    return hi, a - hi


def _ten_digits(a: np.ndarray, e: np.ndarray) -> np.ndarray:
    """``a * 10**(9 - e)`` rounded half to even, exactly, as printf rounds (0 < a, 0 <= 9 - e <= 22).

    ``10**(9 - e)`` is then an exact double, and Dekker's product gives ``a * 10**(9 - e)`` as
    ``p + lo`` exactly, so the rounding is decided on the exact product, as "%.10g" decides it.
    """
    b = np.take(_POW10, 9 - e)
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    lo = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    r = np.rint(p)
    d = p - r  # exact; |d| <= 0.5, so 0.5 - d below is exact too
    n = r.astype(np.int64)
    odd = (n & 1).astype(bool)
    up = (lo > 0.5 - d) | ((lo == 0.5 - d) & odd)
    down = (lo < -0.5 - d) | ((lo == -0.5 - d) & odd)
    return n + up - down


def _float_pieces(s: pd.Series) -> Pieces:
    """Floats as "%.10g" writes them (NaN empty), in numpy and Arrow kernels.

    Each value becomes ten significant digits ``n`` (an integer, rounded exactly) and a decimal
    exponent, then text: sign, integer part, "." and the fraction without trailing zeros, and
    "e+XX" where "%g" switches to exponent form. Values with an exponent outside -13..9 (no
    exact power of ten to scale them with), and inf, are formatted by Python, one by one.
    """
    with np.errstate(invalid="ignore", divide="ignore"):  # NaN, inf and 0 are set aside, not computed with
        return _float_text(s.to_numpy(dtype=float, na_value=np.nan))


def _float_text(v: np.ndarray) -> Pieces:
    nan = np.isnan(v)
    ax = np.abs(v)
    neg = np.signbit(v) & ~nan
    whole = (ax < 1e10) & (np.floor(ax) == ax)  # "%.10g" writes these as the integer they are
    if (whole | nan).all():
        pieces = [pc.cast(pa.array(np.where(nan, 0.0, ax).astype(np.int64), mask=nan), _STR)]
        return [pc.if_else(pa.array(neg), _lit("-"), _NULL), *pieces] if neg.any() else pieces
    zero = ax == 0
    e = np.floor(np.log10(ax))  # may be one off near powers of ten: corrected below
    fast = ~zero & (e >= -13) & (e <= 9)  # False for NaN and inf
    e = np.where(fast, e, 0).astype(np.int64)
    a = np.where(fast, ax, 1.0)
    n = _ten_digits(a, e)
    for _ in range(2):
        off = np.flatnonzero(fast & ((n < 10**9) | (n > 10**10)))
        if not len(off):
            break
        e[off] += np.where(n[off] > 10**10, 1, -1)
        fast[off] &= (e[off] >= -13) & (e[off] <= 9)
        off = off[fast[off]]
        n[off] = _ten_digits(a[off], e[off])
    fast &= (n >= 10**9) & (n <= 10**10)
    top = n == 10**10  # rounded up to the next power of ten: one digit, one more in the exponent
    n[top] = 10**9
    e[top] += 1
    n[zero] = 0
    e[zero] = 0
    rare = ~(fast | zero | nan)
    plain = (e >= -4) & (e < 10)  # "%g": fixed notation for exponents -4..9
    k = np.where(plain, e, 0)  # digits before the point, minus one
    div = np.take(_IPOW10, 9 - k)
    whole_part = n // div
    frac = n - whole_part * div
    skip = nan | rare
    digits = pc.cast(pa.array(whole_part, mask=nan), _STR)
    if rare.any():
        text = list(map("{:.10g}".format, v[rare].tolist()))
        digits = pc.replace_with_mask(digits, pa.array(rare), pa.array(text, _STR))
    # 10**width + fraction: the fraction zero-padded behind a "1", which becomes the point.
    point = pc.cast(pa.array(frac + div, mask=skip | (frac == 0)), _STR)
    point = pc.utf8_replace_slice(pc.utf8_rtrim(point, characters="0"), 0, 1, ".")
    pieces = [digits, point]
    if (~plain & ~skip).any():
        pieces.append(pc.take(_EXPONENTS, pa.array(e + 99, mask=plain | skip)))
    if (neg & ~rare).any():
        pieces.insert(0, pc.if_else(pa.array(neg & ~rare), _lit("-"), _NULL))
    return pieces


def _int_pieces(s: pd.Series) -> Pieces:
    values = s.array if isinstance(s.dtype, _MASKED_INT) else s.to_numpy()  # Int64: missing become null
    return [pc.cast(_arrow(values), _STR)]  # the digits str() gives


def _bool_pieces(s: pd.Series) -> Pieces:
    missing = s.isna().to_numpy()
    flags = s.to_numpy(dtype=bool, na_value=False).astype(np.int8)
    return [pc.take(_BOOL_TEXT, pa.array(flags, mask=missing if missing.any() else None))]


def _datetime_pieces(s: pd.Series) -> Pieces | None:
    """Times as "%Y-%m-%dT%H:%M:%SZ" gives them: the wall-clock time (of the column's zone), NaT empty."""
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        try:
            s = s.dt.tz_localize(None)
        except (OverflowError, ValueError):  # a local time past what the unit holds
            return None
    raw = s.to_numpy()
    unit, count = np.datetime_data(raw.dtype)
    per_second = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}.get(unit)
    if per_second is None or count != 1:
        return None
    nat = np.isnat(raw)
    # Whole seconds, floored as strftime's %S floors (numpy's own cast to seconds wraps around
    # near the lower end of datetime64[ns]).
    secs = raw.view(np.int64) // per_second
    known = secs[~nat]
    if len(known) and (known.min() < _FIRST_SECOND or known.max() > _LAST_SECOND):
        return None  # years numpy writes differently from strftime
    secs[nat] = np.iinfo(np.int64).min  # NaT again
    text = pa.array(np.datetime_as_string(secs.view("datetime64[s]"), unit="s"), type=_STR, mask=nat)
    return [pc.binary_join_element_wise(text, _lit("Z"), _lit(""))]


_PIECES: dict[str, Callable[[pd.Series], Pieces | None]] = {
    "float": _float_pieces, "int": _int_pieces, "bool": _bool_pieces, "datetime": _datetime_pieces,
    "object": _object_pieces, "category": _category_pieces, "string": lambda s: _text_pieces(_arrow(s)),
}


def _fast_chunk(part: pd.DataFrame, kinds: list[str]) -> memoryview | None:
    """Rows of a table as :func:`_pandas_chunk` writes them, formatted a column at a time.

    Each column becomes Arrow string pieces (a missing cell a null piece), and one
    ``binary_join_element_wise`` lays every row out, commas and line ends included. None
    when a column holds values only pandas formats (see :func:`_object_pieces`).
    """
    columns = []
    for i, kind in enumerate(kinds):
        pieces = _PIECES[kind](part.iloc[:, i])
        if pieces is None:
            return None
        columns.append(pieces)
    join = {"null_handling": "replace", "null_replacement": ""}  # a null piece: nothing
    # Each column's pieces joined first, then the columns with commas: half the time of one
    # join over every piece and comma (Arrow's join does work per argument and row).
    cells = [p[0] if len(p) == 1 else pc.binary_join_element_wise(*p, _lit(""), **join) for p in columns]
    if len(cells) == 1 and _QUOTE_LONE_EMPTY:
        # csv writes a row of one empty field as "" (a bare empty line would read as no row).
        cells[0] = pc.if_else(pc.fill_null(pc.equal(pc.binary_length(cells[0]), 0), True), _lit('""'), cells[0])
    cells[-1] = pc.binary_join_element_wise(cells[-1], _lit("\n"), _lit(""), **join)
    lines = pc.binary_join_element_wise(*cells, _lit(","), **join)
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64, count=len(lines) + 1, offset=8 * lines.offset)
    return memoryview(lines.buffers()[2])[offsets[0]:offsets[-1]]


def write_csv(frame: pd.DataFrame, path: Path, *, chunk: int = CSV_CHUNK) -> None:
    """Write a table as UTF-8 CSV with formula-like cells neutralised, ``chunk`` rows at a time.

    The text is what ``DataFrame.to_csv`` writes after :func:`neutralise_csv` (floats as "%.10g",
    times as "%Y-%m-%dT%H:%M:%SZ", missing cells empty, fields quoted as Python's ``csv`` quotes
    them), byte for byte; but each column is formatted whole, in numpy and Arrow kernels, and
    the rows laid out by Arrow: pandas' writer passes every cell through Python. A table with a
    column of a dtype it does not cover (sparse, timedelta, period...), and a chunk with an object
    column holding more than text or with times outside years 1-9999, go through pandas as before.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "t.csv"
    >>> write_csv(pd.DataFrame({"name": ["=1+2", 'say "hi", Ana', None], "score": [0.1 + 0.2, 1e-7, 3.0]}), path)
    >>> print(path.read_text(encoding="utf-8"), end="")
    name,score
    '=1+2,0.3
    "say ""hi"", Ana",1e-07
    ,3
    """
    kinds = [k for k in map(_column_kind, frame.dtypes) if k is not None]
    # Plain, unique column names (a MultiIndex header, or duplicates, go to pandas as before).
    fast = (0 < len(kinds) == frame.shape[1] and frame.columns.is_unique
            and not isinstance(frame.columns, pd.MultiIndex))
    with path.open("wb") as fh:
        fh.write(_pandas_chunk(frame.iloc[:0], header=True))
        for start in range(0, len(frame), chunk):
            part = frame.iloc[start:start + chunk]
            body = _fast_chunk(part, kinds) if fast else None
            fh.write(_pandas_chunk(part, header=False) if body is None else body)
