"""Write a synthetic organisation to disk: events (Parquet or CSV), directory and truth, atomically.

Examples
--------
>>> import tempfile, pathlib
>>> from orgnet.synthetic import toy_org
>>> out = write(toy_org(), pathlib.Path(tempfile.mkdtemp()) / "toy")
>>> sorted(p.name for p in out.iterdir())
['directory.csv', 'events.parquet', 'truth.json']
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from orgnet.synthetic.model import SyntheticOrg

__all__ = ["FORMATS", "atomic_path", "write"]

#: Formats ``orgnet synth --format`` accepts.
FORMATS: tuple[str, ...] = ("parquet", "csv")


@contextmanager
def atomic_path(final: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``final``; on success it replaces ``final`` in one step.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> with atomic_path(p) as tmp:
    ...     _ = tmp.write_text("hi")
    >>> p.read_text()
    'hi'
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)  # mkstemp makes owner-only files; outputs are ordinary files
        os.replace(tmp, final)
    finally:
        if tmp.exists():
            tmp.unlink()


def _write_text(final: Path, fill: Callable[[IO[str]], Any]) -> None:
    with atomic_path(final) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        fill(fh)


def write(org: SyntheticOrg, out_dir: str | os.PathLike[str], format: str = "parquet") -> Path:
    """Write ``events.parquet`` (or ``events.csv``), ``directory.csv`` and ``truth.json`` to a folder.

    Each file is written to a temporary name and moved into place, so a reader never sees half a file.

    Parameters
    ----------
    org : SyntheticOrg
    out_dir : path
        Created if missing.
    format : {"parquet", "csv"}
        Format of the events file.

    Returns
    -------
    pathlib.Path
        ``out_dir``.

    Raises
    ------
    ValueError
        Unknown ``format``.
    """
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    events = org.events
    if format == "parquet":
        with atomic_path(out / "events.parquet") as tmp:
            pq.write_table(events, tmp, compression="zstd", row_group_size=1_000_000)
    else:
        # Timestamps as ISO 8601 with Z, kinds as plain text: what a person or a spreadsheet expects.
        cols = {name: events.column(name) for name in events.column_names}
        cols["ts"] = pc.strftime(events.column("ts"), format="%Y-%m-%dT%H:%M:%SZ")
        cols["kind"] = events.column("kind").cast(pa.string())
        with atomic_path(out / "events.csv") as tmp:
            pacsv.write_csv(pa.table(cols), tmp)
    _write_text(out / "directory.csv", lambda fh: org.directory.to_csv(fh, index=False))
    _write_text(out / "truth.json", lambda fh: json.dump(org.truth, fh, indent=1, ensure_ascii=False))
    return out
