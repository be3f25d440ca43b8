"""Writing a report folder atomically, and the plain-data outputs (CSV, JSON).

A report is assembled in a staging folder beside the destination and moved into place only
when every file is written, so a failure never leaves a half-written report.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["REPORT_MARKER", "check_output_folder", "neutralise_csv", "staging_folder", "to_jsonable", "write_csv", "write_json"]

#: A file every orgnet report folder has; an existing folder without it is never replaced.
REPORT_MARKER = "findings.json"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def check_output_folder(out: str | Path) -> Path:
    """Check that ``out`` may receive a report (new, empty, or an earlier report); return it resolved.

    Raises
    ------
    FileExistsError
        ``out`` exists, is not empty and is not an orgnet report.
    """
    out = Path(out).resolve()
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / REPORT_MARKER).exists())):
        raise FileExistsError(
            f"{out}: exists and is not an orgnet report folder; choose a new or empty folder for --out"
        )
    return out


@contextlib.contextmanager
def staging_folder(out: str | Path) -> Iterator[Path]:
    """Yield a fresh folder to write into; on success it replaces ``out`` in one move.

    An existing ``out`` is replaced only when it is empty or an earlier orgnet report
    (it holds ``findings.json``), so a wrong ``--out`` never deletes someone's files.

    Raises
    ------
    FileExistsError
        ``out`` exists, is not empty and is not an orgnet report.
    """
    out = check_output_folder(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    os.replace(stage, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


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


def write_csv(frame: pd.DataFrame, path: Path, *, chunk: int = CSV_CHUNK) -> None:
    """Write a table as UTF-8 CSV with formula-like cells neutralised, ``chunk`` rows at a time."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        for start in range(0, max(len(frame), 1), chunk):
            out = neutralise_csv(frame.iloc[start:start + chunk])
            for i in range(out.shape[1]):
                s = out.iloc[:, i]
                if pd.api.types.is_float_dtype(s) and not isinstance(s.dtype, pd.SparseDtype):
                    # The same text as float_format="%.10g" (missing values empty), formatted in one
                    # pass: pandas calls the float format once per cell through three Python layers.
                    v = s.to_numpy(dtype=float, na_value=np.nan)
                    text = np.array(list(map("{:.10g}".format, v.tolist())), dtype=object)
                    text[np.isnan(v)] = None
                    out.isetitem(i, text)
            out.to_csv(fh, index=False, header=start == 0, lineterminator="\n", float_format="%.10g",
                       date_format="%Y-%m-%dT%H:%M:%SZ")


def to_jsonable(value: Any) -> Any:
    """Turn numpy/pandas values (and NaN) into plain JSON values.

    Examples
    --------
    >>> to_jsonable({"a": np.float64("nan"), "b": np.int64(3), "c": [np.bool_(True)]})
    {'a': None, 'b': 3, 'c': [True]}
    """
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, pd.DataFrame):
        return json.loads(value.to_json(orient="records", date_format="iso", double_precision=10))
    if isinstance(value, np.ndarray):
        # Numbers convert in one C call: a group matrix at 100k people has millions of cells.
        if value.dtype.kind in "biu":
            return value.tolist()
        if value.dtype.kind == "f":
            finite = np.isfinite(value)
            if finite.all():
                return value.tolist()
            cells = value.astype(object)
            cells[~finite] = None
            return cells.tolist()
        return to_jsonable(value.tolist())
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if not math.isfinite(float(value)) else float(value)
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
        return None if value is pd.NaT else value.isoformat()
    if isinstance(value, (pd.Timestamp, _dt.datetime, _dt.date)):
        return value.isoformat()
    if isinstance(value, (pd.Timedelta, np.timedelta64, _dt.timedelta)):
        td = pd.Timedelta(value)
        return None if td is pd.NaT else td.isoformat()  # ISO 8601 duration, e.g. P0DT2H30M0S
    if isinstance(value, (set, frozenset)):
        return sorted(to_jsonable(v) for v in value)
    if isinstance(value, pd.Series):
        return to_jsonable(value.tolist())
    return value


def _frame_json(frame: pd.DataFrame) -> str:
    """A table as a JSON list of records (keys sorted), in one pandas call.

    The same values as ``to_jsonable(frame)`` written compactly: no Python object per cell, so
    100,000 people take about a second, not several.
    """
    cols = sorted(frame.columns, key=str)
    if len(set(map(str, cols))) != len(cols):
        raise ValueError("duplicate column names")
    text = frame[cols].to_json(orient="records", date_format="iso", double_precision=10, force_ascii=False)
    return text.replace("\\/", "/")  # pandas escapes every "/"; "\\/" is never the tail of "\\\\"


def _dumps(value: Any) -> str:
    if isinstance(value, pd.DataFrame):
        try:
            return _frame_json(value)
        except (TypeError, ValueError, OverflowError):
            pass  # cells to_json cannot write (sets, odd objects): the general path below
    try:  # plain JSON data (as findings_document builds it) goes straight to the C encoder
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        pass  # numpy values, NaN, timestamps: made plain first
    return json.dumps(to_jsonable(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def write_json(data: Any, path: Path) -> None:
    """Write JSON (UTF-8, sorted keys, stable across runs).

    A top-level object gets one key per line, each value written compactly: json's indenting
    encoder is pure Python and takes about a minute for 100,000 people, the compact one is C.
    Top-level tables (people, groups) are written by pandas in one call.
    """
    if isinstance(data, dict) and data:
        with path.open("w", encoding="utf-8") as fh:
            fh.write("{\n")
            fh.write(",\n".join(f"{json.dumps(str(k), ensure_ascii=False)}: {_dumps(v)}"
                                for k, v in sorted(data.items(), key=lambda kv: str(kv[0]))))
            fh.write("\n}\n")
        return
    with path.open("w", encoding="utf-8") as fh:
        json.dump(to_jsonable(data), fh, sort_keys=True, ensure_ascii=False)
        fh.write("\n")
