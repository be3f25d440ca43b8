"""The report's CSV writer: byte for byte what the pandas writer it replaced writes, for every dtype.

``_reference_write_csv`` below is the earlier implementation of ``orgnet.report.csv_text.write_csv``
(``neutralise_csv``, floats as "%.10g", ``DataFrame.to_csv`` a chunk at a time), kept here as
the reference the fast writer is held to.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgnet.report import csv_text
from orgnet.report.csv_text import write_csv
from orgnet.report.tables import report_tables

EXAMPLE = Path(__file__).resolve().parents[2] / "datasets" / "synthetic" / "example"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _reference_neutralise_csv(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            s = out[col].astype("string")
            risky = s.str.startswith(_FORMULA_START).fillna(False)
            if risky.any():
                out[col] = s.mask(risky, "'" + s)
    return out


def _reference_write_csv(frame: pd.DataFrame, path: Path, *, chunk: int = 50_000) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        for start in range(0, max(len(frame), 1), chunk):
            out = _reference_neutralise_csv(frame.iloc[start:start + chunk])
            for i in range(out.shape[1]):
                s = out.iloc[:, i]
                if pd.api.types.is_float_dtype(s) and not isinstance(s.dtype, pd.SparseDtype):
                    v = s.to_numpy(dtype=float, na_value=np.nan)
                    text = np.array(list(map("{:.10g}".format, v.tolist())), dtype=object)
                    text[np.isnan(v)] = None
                    out.isetitem(i, text)
            out.to_csv(fh, index=False, header=start == 0, lineterminator="\n", float_format="%.10g",
                       date_format="%Y-%m-%dT%H:%M:%SZ")


def _both(frame: pd.DataFrame, folder: Path, chunk: int = 50_000) -> tuple[bytes, bytes]:
    """(fast writer's bytes, reference writer's bytes) for ``frame``."""
    folder.mkdir(parents=True, exist_ok=True)
    new, ref = folder / "new.csv", folder / "ref.csv"
    write_csv(frame, new, chunk=chunk)
    _reference_write_csv(frame, ref, chunk=chunk)
    return new.read_bytes(), ref.read_bytes()


# ---- generated tables --------------------------------------------------------------------------

SPECIAL_FLOATS = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-300, -1e300, 1e300, 0.1 + 0.2, 5e-324, 2.2250738585072014e-308,
                  1.7976931348623157e308, 1234567890.5, 1234567891.5, 9999999999.5, 9999999999.499999, 1e10, 1e9,
                  1e-5, 1e-4, 99999.999995, 9.9999999995e-5, 1e-13, 9.99999999995e-14, 1e-14, 0.5, 2.5, 1e22,
                  12345678905.0, -1e-7, 123456.7890125, 0.00012345678905, 2.0**-16, 1e16, 4503599627370497.0]
TEXT_CHARS = list(',"\n\r=+-@\t\' ;|aZ09é€\u2028\x85\x00\x0b\x1e') + ["😀"]
texts = st.text(st.sampled_from(TEXT_CHARS) | st.characters(codec="utf-8"), max_size=6)
floats = st.sampled_from(SPECIAL_FLOATS) | st.floats() | st.floats(min_value=-1e11, max_value=1e11) \
    | st.integers(-10**12, 10**12).map(float) | st.integers(-10**6, 10**6).map(lambda i: i / 1000)
# Nanoseconds since 1970 over what datetime64[ns] holds; microseconds over years 1..9999 and beyond.
ns_times = st.integers(-(2**63) + 1, 2**63 - 1)
us_times = st.integers(-62_135_596_800 * 10**6 - 10**13, 253_402_300_799 * 10**6 + 10**13)
TZ = ["UTC", "Europe/London", "America/New_York", "Asia/Kolkata"]


def _column(kind: str, values: list[Any]) -> Any:
    """A column of ``kind`` from drawn values (None where a value is missing)."""
    if kind == "object":
        return pd.Series(values, dtype=object)
    dtype: Any = kind  # a dtype name pandas reads
    if kind in ("string[python]", "string[pyarrow]", "str", "double[pyarrow]"):
        return pd.Series(pd.array(values, dtype=dtype))
    if kind == "str[python]":  # pandas' default text dtype where pyarrow is not installed
        return pd.Series(pd.array(values, dtype=pd.StringDtype("python", na_value=np.nan)))
    if kind == "ArrowDtype(string)":
        return pd.Series(values, dtype=pd.ArrowDtype(pa.string()))
    if kind == "category":
        return pd.Series(pd.Categorical(values))
    if kind in ("int64", "uint64", "int8", "float64", "float32", "bool"):
        return pd.Series(np.array(values, dtype=kind))
    if kind in ("Int64", "UInt64", "Float64", "boolean"):
        return pd.Series(pd.array(values, dtype=dtype))
    if kind == "datetime64[ns]":
        return pd.Series(np.array([v if v is not None else np.iinfo(np.int64).min for v in values],
                                  dtype=np.int64).view("datetime64[ns]"))
    if kind.startswith("datetime64[us"):
        raw = np.array([v if v is not None else np.iinfo(np.int64).min for v in values], dtype=np.int64)
        s = pd.Series(raw.view("datetime64[us]"))
        if kind != "datetime64[us]":  # "datetime64[us, <zone>]": the same instants in a zone
            inside = s.dropna()
            inside = inside[(inside > pd.Timestamp("1700-01-01")) & (inside < pd.Timestamp("2200-01-01"))]
            s = s.where(s.isin(inside)).dt.tz_localize("UTC").dt.tz_convert(kind[len("datetime64[us, "):-1])
        return s
    if kind == "mixed":
        return pd.Series(values, dtype=object)
    if kind == "sparse":
        return pd.Series(pd.arrays.SparseArray(np.array(values, dtype=float)))
    if kind == "timedelta":
        return pd.Series(pd.to_timedelta(values, unit="s"))
    raise AssertionError(kind)


ELEMENTS: dict[str, st.SearchStrategy[Any]] = {
    "object": texts | st.sampled_from([None, np.nan, pd.NA, pd.NaT, ""]),
    "string[python]": texts | st.none(),
    "string[pyarrow]": texts | st.none(),
    "str": texts | st.none(),
    "str[python]": texts | st.none(),
    "category": st.sampled_from(["a", "b,c", "=x", "", "'q\"", "d\ne"]) | st.none(),
    "int64": st.integers(-(2**63), 2**63 - 1),
    "uint64": st.integers(0, 2**64 - 1),
    "int8": st.integers(-128, 127),
    "Int64": st.integers(-(2**63), 2**63 - 1) | st.none(),
    "UInt64": st.integers(0, 2**64 - 1) | st.none(),
    "float64": floats,
    "float32": floats.filter(lambda x: not np.isfinite(x) or abs(x) < 3e38),
    "Float64": floats.filter(lambda x: not np.isnan(x)) | st.none(),
    "double[pyarrow]": floats.filter(lambda x: not np.isnan(x)) | st.none(),
    "bool": st.booleans(),
    "boolean": st.booleans() | st.none(),
    "datetime64[ns]": ns_times | st.none(),
    "datetime64[us]": us_times | st.none(),
    **{f"datetime64[us, {tz}]": us_times | st.none() for tz in TZ},
    # Dtypes the fast writer leaves to pandas: the chunk (or the table) goes through it.
    "mixed": texts | st.integers() | st.floats() | st.booleans() | st.none(),
    "sparse": floats,
    "timedelta": st.integers(-10**9, 10**9),
    "ArrowDtype(string)": texts | st.none(),
}
FALLBACK = {"mixed", "sparse", "timedelta", "ArrowDtype(string)"}


@st.composite
def tables(draw: st.DrawFn, kinds: list[str] | None = None) -> pd.DataFrame:
    """A table of up to 5 columns of the dtypes the report writes (and a few it does not)."""
    n = draw(st.integers(0, 12))
    ncols = draw(st.integers(1, 5))
    names = draw(st.lists(st.text(st.sampled_from(list('ab ,"=\n')), max_size=3), min_size=ncols,
                          max_size=ncols, unique=True))
    columns = {}
    for name in names:
        kind = draw(st.sampled_from(kinds or sorted(ELEMENTS)))
        columns[name] = _column(kind, draw(st.lists(ELEMENTS[kind], min_size=n, max_size=n)))
    return pd.DataFrame(columns)


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(frame=tables(), chunk=st.sampled_from([1, 2, 3, 5, 50_000]))
def test_generated_tables_match_reference(frame: pd.DataFrame, chunk: int,
                                          tmp_path_factory: pytest.TempPathFactory) -> None:
    new, ref = _both(frame, tmp_path_factory.mktemp("gen"), chunk)
    assert new == ref


@SETTINGS
@given(frame=tables(sorted(set(ELEMENTS) - FALLBACK)), chunk=st.sampled_from([1, 3, 50_000]))
def test_report_dtypes_take_the_fast_path(frame: pd.DataFrame, chunk: int,
                                          tmp_path_factory: pytest.TempPathFactory) -> None:
    # Rows of the dtypes the report writes never go through pandas (only the header does), except
    # times outside years 1..9999 and object columns holding non-text (neither drawn here).
    reference = csv_text._pandas_chunk

    def header_only(part: pd.DataFrame, *, header: bool) -> bytes:
        assert header and part.empty, "a chunk of report dtypes went through pandas"
        return reference(part, header=header)

    wide = [c for c in frame.columns if frame[c].dtype == "datetime64[us]"]
    frame = frame.drop(columns=wide)  # microsecond times reach past year 9999: left to pandas
    if frame.shape[1] == 0:
        return
    with pytest.MonkeyPatch.context() as m:
        m.setattr(csv_text, "_pandas_chunk", header_only)
        new = tmp_path_factory.mktemp("fast") / "new.csv"
        write_csv(frame, new, chunk=chunk)
    ref = new.with_name("ref.csv")
    _reference_write_csv(frame, ref, chunk=chunk)
    assert new.read_bytes() == ref.read_bytes()


# ---- cases by hand -----------------------------------------------------------------------------

def test_floats_at_scale(tmp_path: Path) -> None:
    # Random doubles of every magnitude and bit pattern, rounding ties and neighbours of powers of ten.
    rng = np.random.default_rng(7)
    p10 = 10.0 ** np.arange(-20, 25)
    special = np.array(SPECIAL_FLOATS)
    with np.errstate(over="ignore"):  # the neighbours of the largest double: inf
        v = np.concatenate([
            rng.random(20_000), rng.standard_normal(20_000) * 10.0 ** rng.integers(-16, 13, 20_000),
            np.rint(rng.random(20_000) * 10.0 ** rng.integers(0, 14, 20_000)) / 10.0 ** rng.integers(0, 12, 20_000),
            rng.integers(0, 2**63 - 1, 20_000, dtype=np.int64).view(np.float64),
            rng.integers(-10**10, 10**10, 5_000) + 0.5, rng.integers(-1000, 1000, 5_000).astype(float),
            p10, np.nextafter(p10, 0), np.nextafter(p10, np.inf), p10 * 0.99999999995, p10 * 9.9999999995,
            special, np.nextafter(special, np.inf), np.nextafter(special, -np.inf), -special,
        ])
    whole = rng.integers(-5, 5, len(v)).astype(float)  # a column of whole numbers (and NaN): the short path
    whole[::13] = np.nan
    frame = pd.DataFrame({"x": v, "whole": whole, "t": "a"})
    new, ref = _both(frame, tmp_path, chunk=30_000)
    assert new == ref


def test_times_over_every_year(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    lo, hi = np.datetime64("0001-01-01", "us").astype(np.int64), np.datetime64("9999-12-31T23:59:59.999999", "us")
    raw = rng.integers(lo, hi.astype(np.int64), 20_000)
    raw[::11] = np.iinfo(np.int64).min  # NaT
    frame = pd.DataFrame({"t": raw.view("datetime64[us]"), "n": np.arange(len(raw))})
    frame["local"] = pd.Series(raw.view("datetime64[us]")).where(lambda s: s.dt.year.between(1700, 2199)) \
        .dt.tz_localize("UTC").dt.tz_convert("America/New_York")
    new, ref = _both(frame, tmp_path)
    assert new == ref


@pytest.mark.parametrize("frame, text", [
    (pd.DataFrame({"a": ["", None, "x", np.nan]}), 'a\n""\n""\nx\n""\n'),  # a lone empty field is ""
    (pd.DataFrame({"a": [np.nan, 1.5]}), 'a\n""\n1.5\n'),
    (pd.DataFrame({"a": ["", None], "b": [None, ""]}), "a,b\n,\n,\n"),
    (pd.DataFrame({"a": ["=1", "\rx", "-2", "@", "\tx", "a\rb", 'q"', "c,d", "e\nf"]}),
     "a\n'=1\n'\rx\n'-2\n'@\n'\tx\na\rb\n\"q\"\"\"\n\"c,d\"\n\"e\nf\"\n"),
    (pd.DataFrame({"a": [-0.0, 0.0, 1e10, 1e-5, 1e-4, 0.1 + 0.2, np.inf, -np.inf]}),
     "a\n-0\n0\n1e+10\n1e-05\n0.0001\n0.3\ninf\n-inf\n"),
    (pd.DataFrame({"a": pd.Series([], dtype="str"), "b": pd.Series([], dtype=float)}), "a,b\n"),
])
def test_by_hand(frame: pd.DataFrame, text: str, tmp_path: Path) -> None:
    new, ref = _both(frame, tmp_path, chunk=2)
    assert new == ref
    assert new.decode("utf-8") == text


def test_tables_only_pandas_can_write(tmp_path: Path) -> None:
    # No columns, duplicate or MultiIndex column names: the table goes to pandas as before.
    frames = [pd.DataFrame(index=range(3)),
              pd.DataFrame([[1, "a"], [2, "=b"]], columns=pd.MultiIndex.from_tuples([("x", "1"), ("x", "2")]))]
    for i, frame in enumerate(frames):
        new, ref = _both(frame, tmp_path / str(i), chunk=1)
        assert new == ref
    with pytest.raises(AttributeError):  # as the earlier writer: neutralise_csv cannot tell the two apart
        write_csv(pd.DataFrame([["=a", "b"]], columns=["x", "x"]), tmp_path / "dup.csv")


# ---- the report's own tables -------------------------------------------------------------------

@pytest.fixture(scope="module")
def example_report(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The bundled synthetic organisation analysed and its report written (as ``make demo``)."""
    from orgnet.pipeline import RunOptions, run

    return run([EXAMPLE], tmp_path_factory.mktemp("example") / "report",
               RunOptions(directory=EXAMPLE / "directory.csv"))


def test_report_tables_match_reference(example_report: Any, tmp_path: Path) -> None:
    tables = report_tables(example_report.findings)
    assert sorted(f"{name}.csv" for name in tables) == sorted(p.name for p in example_report.report.glob("*.csv"))
    for name, table in tables.items():
        ref = tmp_path / f"{name}.csv"
        _reference_write_csv(table, ref)
        assert (example_report.report / f"{name}.csv").read_bytes() == ref.read_bytes(), name
        new, ref_small = _both(table, tmp_path / name, chunk=7)  # many chunk boundaries
        assert new == ref_small, name
