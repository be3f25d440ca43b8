"""The reader table: format name -> reader, with format sniffing.

Each module in this package defines one ``READER`` (:class:`~orgnet.connectors.base.Reader`).
:func:`sniff` asks each reader in turn whether a path looks like its format, most specific
first, and :func:`read` dispatches to the reader found (or named with ``format=``).

Examples
--------
>>> {"csv", "parquet"} <= set(READERS)
True
"""

from __future__ import annotations

import importlib
import inspect
import zipfile
from pathlib import Path
from typing import Any

from orgnet.connectors._archive import Archive, is_zip
from orgnet.connectors._files import check_path
from orgnet.connectors.base import InputError, Reader, ReadResult

__all__ = ["READERS", "InputError", "ReadResult", "Reader", "read", "sniff"]

# Most specific formats first: a folder with channels.json is Slack before it is "a folder".
_MODULES: tuple[str, ...] = ("slack", "teams", "mattermost", "viva_engage", "eml", "mbox", "maildir", "tabular")


def _load() -> dict[str, Reader]:
    table: dict[str, Reader] = {}
    for name in _MODULES:
        module = importlib.import_module(f"orgnet.connectors.{name}")
        for reader in getattr(module, "READERS", (getattr(module, "READER", None),)):
            if reader is not None:
                table[reader.name] = reader
    return table


READERS: dict[str, Reader] = _load()


def sniff(path: str | Path) -> str:
    """Name the format of ``path``.

    Parameters
    ----------
    path : str or Path
        A file, a folder or a zip archive.

    Returns
    -------
    str
        A key of :data:`READERS`.

    Raises
    ------
    InputError
        The path does not exist or no reader recognises it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "e.csv").write_text("actor,target\\na,b\\n")
    >>> sniff(d / "e.csv")
    'csv'
    """
    p = Path(path)
    check_path(p)  # a FIFO or device would block the sniffers: refused before any is asked
    for reader in READERS.values():
        try:
            if reader.sniff(p):
                return reader.name
        except (OSError, InputError, zipfile.BadZipFile, ValueError, IndexError, EOFError, NotImplementedError):
            continue  # a sniffer that cannot look (a damaged zip, ...) says "not mine"; the reader says why
    if is_zip(p):
        with Archive(p):  # a damaged, encrypted or Deflate64 zip: say that, not "unknown format"
            pass
    raise InputError(
        p,
        "cannot tell the format; expected one of: " + ", ".join(READERS)
        + " (name it with --format)",
    )


def read(path: str | Path, format: str | None = None, **options: Any) -> ReadResult:
    """Read one export with the reader for its format.

    Parameters
    ----------
    path : str or Path
        What to read.
    format : str, optional
        A key of :data:`READERS`; sniffed from the path when not given.
    **options
        Passed to the reader (e.g. ``column_map`` for CSV).

    Returns
    -------
    ReadResult

    Raises
    ------
    InputError
        The format is unknown or the input is malformed.
    """
    check_path(path)
    name = format or sniff(path)
    if name not in READERS:
        raise InputError(path, f"unknown format {name!r}; expected one of: {', '.join(READERS)}")
    reader = READERS[name]
    return reader.read(Path(path), **_options_for(reader, options, path))


def _options_for(reader: Reader, options: dict[str, Any], path: str | Path) -> dict[str, Any]:
    # Options left at "not given" (None, empty, False) are dropped; a given option that this
    # reader does not take is an error rather than silently ignored.
    given = {k: v for k, v in options.items() if v is not None and v is not False and v != {} and v != ()}
    params = inspect.signature(reader.read).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return given
    unknown = sorted(set(given) - set(params))
    if unknown:
        raise InputError(path, f"option(s) {', '.join(unknown)} do not apply to the {reader.name} format")
    return given
