"""Writing a report folder atomically, and the plain-data outputs (CSV, JSON).

A report is assembled in a staging folder beside the destination and moved into place only
when every file is written, so a failure never leaves a half-written report:

* one run at a time per ``--out``: a lock file beside it (``.NAME.lock``, an ``flock`` the system
  releases when the process ends, even killed) makes a second run stop with a clear message;
* the earlier report is swapped with the new one in one step (``renameat2`` with
  ``RENAME_EXCHANGE`` on Linux), so a kill at any moment leaves either report at ``--out``, never
  nothing; where the exchange is not available, a kill between the two renames leaves the
  earlier report beside it, and the next run puts it back;
* staging folders and earlier reports of killed runs (``.NAME.*.partial``, ``.NAME.old-*``) are
  removed by the next run on the same ``--out`` (which holds the lock, so none is in use);
* SIGTERM ends a run as an exception does: staging folder and temporary files removed;
* files a user put in a report folder are never deleted: a report lists its files in
  ``.orgnet-files``, and a folder holding any other file is refused (exit code 2).
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as _dt
import json
import math
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

import numpy as np
import pandas as pd

from orgnet.report.csv_text import neutralise_csv, write_csv

__all__ = ["MANIFEST", "REPORT_MARKER", "ReportBusyError", "check_output_folder", "neutralise_csv", "report_lock",
           "staging_folder", "terminate_as_exit", "to_jsonable", "write_csv", "write_json", "write_json_parts"]

#: A file every orgnet report folder has; an existing folder without it is never replaced.
REPORT_MARKER = "findings.json"

#: The list of a report's own files, written last into every report (one relative path a line).
MANIFEST = ".orgnet-files"



class ReportBusyError(FileExistsError):
    """Another run is writing a report to the same folder."""


def _foreign_files(out: Path) -> list[str]:
    """Files in an earlier report that it did not list as its own (a user's, kept at any cost)."""
    listed = out / MANIFEST
    if not listed.is_file():
        return []  # a report from before manifests: its files cannot be told apart
    own = set(listed.read_text(encoding="utf-8").splitlines()) | {MANIFEST}
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                  if (p.is_file() or p.is_symlink()) and p.relative_to(out).as_posix() not in own)


def check_output_folder(out: str | Path) -> Path:
    """Check that ``out`` may receive a report (new, empty, or an earlier report); return it resolved.

    Raises
    ------
    FileExistsError
        ``out`` exists, is not empty and is not an orgnet report, or is an earlier report holding
        files it did not write (they would be lost with it).
    """
    out = Path(out).resolve()
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / REPORT_MARKER).exists())):
        raise FileExistsError(
            f"{out}: exists and is not an orgnet report folder; choose a new or empty folder for --out"
        )
    foreign = _foreign_files(out) if out.is_dir() else []
    if foreign:
        shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        raise FileExistsError(
            f"{out}: the earlier report there holds {len(foreign)} file(s) orgnet did not write ({shown}); "
            "replacing the report would delete them: move them out or choose another folder for --out"
        )
    return out


_held: dict[Path, tuple[int, int]] = {}  # lock path -> (file descriptor, depth): re-entrant in a process
_held_lock = threading.Lock()


def _lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


@contextlib.contextmanager
def report_lock(out: str | Path) -> Iterator[Path]:
    """Hold the lock of report folder ``out`` (re-entrant within a process); yields ``out`` resolved.

    Raises
    ------
    ReportBusyError
        Another process holds it: another run is writing a report there.
    """
    import fcntl

    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    path = _lock_path(out)
    with _held_lock:
        if path in _held:
            fd, depth = _held[path]
            _held[path] = (fd, depth + 1)
        else:
            while True:
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    holder = os.read(fd, 32).decode("ascii", "replace").strip()
                    os.close(fd)
                    raise ReportBusyError(
                        f"{out}: another orgnet run{f' (process {holder})' if holder else ''} is writing a report "
                        "there; wait for it to finish or choose another folder for --out"
                    ) from None
                try:
                    same = os.stat(path).st_ino == os.fstat(fd).st_ino
                except FileNotFoundError:
                    same = False
                if same:
                    break
                os.close(fd)  # the holder removed it as we opened it: take the new one
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode("ascii"))
            _held[path] = (fd, 1)
    try:
        yield out
    finally:
        with _held_lock:
            fd, depth = _held[path]
            if depth > 1:
                _held[path] = (fd, depth - 1)
            else:
                del _held[path]
                path.unlink(missing_ok=True)  # removed while held: a run that opened it sees it gone
                os.close(fd)


def _remove_leftovers(out: Path) -> None:
    """Staging folders and earlier reports of killed runs on ``out`` (the caller holds its lock)."""
    for p in out.parent.glob(f".{out.name}.*"):
        if p.name.endswith(".partial") or p.name.startswith(f".{out.name}.old-"):
            if not out.exists() and p.name.startswith(f".{out.name}.old-"):
                os.replace(p, out)  # killed between the two renames: the earlier report goes back
                continue
            shutil.rmtree(p, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2`` with ``RENAME_EXCHANGE``); False when unavailable."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    return False


@contextlib.contextmanager
def terminate_as_exit() -> Iterator[None]:
    """While active (main thread only), SIGTERM raises ``SystemExit(143)``, so cleanup code runs as on an error."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def raise_exit(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, raise_exit)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def staging_folder(out: str | Path) -> Iterator[Path]:
    """Yield a fresh folder to write into; on success it replaces ``out`` in one step.

    An existing ``out`` is replaced only when it is empty or an earlier orgnet report
    (it holds ``findings.json``) holding no file it did not write, so a wrong ``--out`` never
    deletes someone's files. The folder's lock is held throughout (:func:`report_lock`), and the
    leftovers of killed runs are removed first. The new report lists its files in
    :data:`MANIFEST`.

    Raises
    ------
    FileExistsError
        ``out`` exists, is not empty and is not an orgnet report, or holds a user's files.
    ReportBusyError
        Another run is writing to ``out``.
    """
    from orgnet._parallel import remove_stale_folders

    with report_lock(out) as out, terminate_as_exit():
        _remove_leftovers(out)
        remove_stale_folders()  # hand-offs of killed runs (findings with names) go too
        check_output_folder(out)
        stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.{os.getpid()}.", suffix=".partial", dir=out.parent))
        try:
            yield stage
            files = sorted(p.relative_to(stage).as_posix() for p in stage.rglob("*") if p.is_file())
            (stage / MANIFEST).write_text("".join(f"{f}\n" for f in files), encoding="utf-8")
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
        if out.exists() and _exchange(stage, out):
            shutil.rmtree(stage, ignore_errors=True)  # the earlier report, now at the staging name
            return
        old = None
        if out.exists():
            old = out.with_name(f".{out.name}.old-{os.getpid()}")
            os.replace(out, old)
        os.replace(stage, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


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
    return "".join(_frame_json_pieces(frame, len(frame) + 1))


#: Rows of a table :func:`write_json` encodes at a time.
JSON_ROWS = 10_000


def _frame_json_pieces(frame: pd.DataFrame, rows: int = JSON_ROWS) -> Iterator[str]:
    """:func:`_frame_json`'s text in pieces of ``rows`` records (each record's text does not
    depend on the others'): 100,000 people's are some 130 MB, and its copies as many again."""
    cols = sorted(frame.columns, key=str)
    if len(set(map(str, cols))) != len(cols):
        raise ValueError("duplicate column names")
    frame = frame[cols]
    for start in range(0, max(len(frame), 1), rows):
        text = frame.iloc[start:start + rows].to_json(orient="records", date_format="iso", double_precision=10,
                                                      force_ascii=False)
        text = text.replace("\\/", "/")  # pandas escapes every "/"; "\\/" is never the tail of "\\\\"
        if len(frame) <= rows:
            yield text
            return
        yield ("[" if start == 0 else ",") + text[1:-1]
    yield "]"


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
    Top-level tables (people, groups) are written by pandas in one call. Each top-level value is
    written as soon as it is encoded: the whole text is never held at once (230 MB at a million
    people, on top of the document it is made from).
    """
    if isinstance(data, dict) and data:
        _write_members(sorted(data.items(), key=lambda kv: str(kv[0])), path)
        return
    with path.open("w", encoding="utf-8") as fh:
        json.dump(to_jsonable(data), fh, sort_keys=True, ensure_ascii=False)
        fh.write("\n")


def write_json_parts(parts: Mapping[Any, Callable[[], Any]], path: Path) -> None:
    """``write_json({key: make() for key, make in parts.items()}, path)``, the same bytes, each
    value made just before it is written and let go after: the object is never held whole.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "doc.json"
    >>> write_json_parts({"b": lambda: [1, 2], "a": lambda: {"x": None}}, path)
    >>> print(path.read_text(encoding="utf-8"), end="")
    {
    "a": {"x":null},
    "b": [1,2]
    }
    """
    if not parts:
        write_json({}, path)
        return
    _write_members(((k, parts[k]) for k in sorted(parts, key=str)), path, made=True)


def _write_value(value: Any, fh: TextIO) -> None:
    """``fh.write(_dumps(value))``; a table a few thousand rows at a time (see :func:`_frame_json_pieces`)."""
    if isinstance(value, pd.DataFrame) and len(value) > JSON_ROWS:
        start = fh.tell()
        try:
            for text in _frame_json_pieces(value):
                fh.write(text)
            return
        except (TypeError, ValueError, OverflowError):
            fh.seek(start)  # cells to_json cannot write: the general path, as _dumps takes it
            fh.truncate()
    fh.write(_dumps(value))


def _write_members(members: Iterable[tuple[Any, Any]], path: Path, *, made: bool = False) -> None:
    """A JSON object, one member a line; ``made``: each value is a function that makes it."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write("{\n")
        separator = ""
        for k, v in members:
            fh.write(f"{separator}{json.dumps(str(k), ensure_ascii=False)}: ")
            _write_value(v() if made else v, fh)
            separator = ",\n"
        fh.write("\n}\n")
