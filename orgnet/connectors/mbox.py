"""Read mbox files (one file, a folder of them, or several paths together) into e-mail events.

The file is memory-mapped and split on its ``From `` separator lines without the stdlib
``mailbox`` module (which parses every message whole and is slow on large archives): only the
header block of each message is decoded, bodies are never read into Python objects.

A ``From `` line starts a message when it opens the file, follows a blank line, or looks like an
envelope line (``From sender Mon Jan  1 ...``) — a body line that starts with "From" inside a
paragraph does not split a message.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "list.mbox"
>>> _ = p.write_bytes(b"From a@x Mon Jan  6 09:00:00 2025\\nMessage-ID: <1@x>\\nFrom: a@x.org\\n"
...                   b"To: b@x.org\\nDate: Mon, 6 Jan 2025 09:00:00 +0000\\n\\nhello\\n")
>>> res = read(p)
>>> res.records_read, res.events.column("target").to_pylist()
(1, ['b@x.org'])
"""

from __future__ import annotations

import mmap
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path

from orgnet.connectors._files import open_regular
from orgnet.connectors.base import InputError, Reader, ReadResult
from orgnet.connectors.email import (
    MAX_HEADER_BYTES,
    Mail,
    header_end,
    looks_like_headers,
    parse_headers,
    read_mail,
)

__all__ = ["READER", "collect", "iter_mbox_headers", "read", "sniff"]

_SUFFIXES = (".mbox", ".mbx", ".mbox.txt")
# A line starting "From " is a candidate separator; it is one after a blank line or when it looks
# like an envelope line. Finding the candidates with a plain search and checking each is several
# times faster than one regular expression with alternatives over the whole file.
_FROM_LINE = re.compile(rb"\nFrom ")
_ENVELOPE = re.compile(
    rb"From \S*\s+(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s"
)


#: Reason counted for each file of a sub-folder of the folder given (sub-folders are not read).
SUBFOLDER_NOT_READ = "file in a sub-folder, not read (give the sub-folder as its own path)"


def _is_mbox_name(p: Path) -> bool:
    return p.name.lower().endswith(_SUFFIXES)


def iter_mbox_headers(path: str | Path) -> Iterator[bytes]:
    """Yield the header block (envelope line included) of each message of an mbox file.

    Parameters
    ----------
    path : str or Path
        An mbox file.

    Yields
    ------
    bytes
        The bytes from a message's ``From `` line up to its first blank line (at most
        :data:`~orgnet.connectors.email.MAX_HEADER_BYTES`).

    Raises
    ------
    InputError
        The file cannot be opened or does not start with a ``From `` line.
    """
    p = Path(path)
    f = open_regular(p)
    with f:
        try:
            size = p.stat().st_size
        except OSError as exc:  # pragma: no cover - vanished between open and stat
            raise InputError(p, f"cannot read: {exc}") from exc
        if size == 0:
            return
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            first = data[: min(size, 4096)].lstrip(b"\xef\xbb\xbf\r\n")
            if not first.startswith(b"From "):
                raise InputError(
                    p, "not an mbox file: the first line does not start with 'From ' (a message separator)", 1
                )
            offset = len(data[: min(size, 4096)]) - len(first)
            starts = [offset]
            for m in _FROM_LINE.finditer(data, offset + 5):
                at = m.start() + 1
                if data[at - 2] == 10 or data[at - 3:at] == b"\n\r\n" or _ENVELOPE.match(data, at):
                    starts.append(at)
            starts.append(size)
            for start, stop in zip(starts[:-1], starts[1:], strict=True):
                end = header_end(data, start, min(stop, start + MAX_HEADER_BYTES))
                yield bytes(data[start:end])


def _starts_like_mbox(path: Path) -> bool:
    try:
        with open_regular(path) as f:
            head = f.read(4096).lstrip(b"\xef\xbb\xbf\r\n")
    except (OSError, InputError):
        return False
    return head.startswith(b"From ") and looks_like_headers(head)


def _files(path: Path, skipped: Counter[str]) -> list[Path]:
    if path.is_dir():
        # By name or by content: a folder of mbox files is not always named *.mbox.
        files = []
        for p in sorted(path.iterdir()):
            if p.name.startswith("."):
                continue
            if p.is_dir():
                # One folder is one archive: a sub-folder (Apache's edge_cases/) is not read, but
                # its files are counted so that nothing is left out silently.
                inside = sum(1 for q in p.rglob("*") if q.is_file() and not q.name.startswith("."))
                if inside:
                    skipped[SUBFOLDER_NOT_READ] += inside
                continue
            if not p.is_file():
                continue
            if _is_mbox_name(p) or _starts_like_mbox(p):
                files.append(p)
            else:
                skipped["file not an mbox (no 'From ' line at the start)"] += 1
        if not files:
            raise InputError(path, "no mbox files in this folder (files starting with a 'From ' line)")
        return files
    if not path.exists():
        raise InputError(path, "no such file or folder")
    return [path]


def collect(path: Path, bounds: tuple[datetime, datetime] | None, skipped: Counter[str]) -> tuple[list[Mail], int]:
    """Parse the headers of every message of an mbox file, or of a folder of them (a :class:`~orgnet.connectors.email.Collector`)."""
    mails: list[Mail] = []
    n_read = 0
    for f in _files(Path(path), skipped):
        for i, header in enumerate(iter_mbox_headers(f), start=1):
            n_read += 1
            if not looks_like_headers(header):
                # A body line "From ..." after a blank line that the writer did not quote.
                skipped["not a message (no header lines after a 'From ' line)"] += 1
                continue
            mails.append(parse_headers(header, f"{f}, message {i}", bounds=bounds))
    return mails, n_read


def read(
    path: str | Path | Sequence[str | Path],
    *,
    include_bcc: bool = False,
    org_domain: str | Sequence[str] | None = None,
    max_recipients: int = 50,
    mass_mail: str = "drop",
    recipient_weight: str = "split",
    list_addresses: Sequence[str] = (),
    earliest: str | datetime | None = None,
    latest: str | datetime | None = None,
    date_check: str = "outliers",
    dedupe: str = "headers",
    threading: str = "headers+subjects",
) -> ReadResult:
    """Read an mbox file, or every mbox file of a folder, into events and people.

    Parameters
    ----------
    path : str or Path, or a sequence of them
        An mbox file (any name) or a folder of them (files named ``*.mbox`` or starting with a
        ``From`` line; the files of its sub-folders are not read but counted as skipped), or
        several such paths. All are read together: copies of a mail are
        de-duplicated and replies are threaded across files (see
        :func:`~orgnet.connectors.email.read_mail`).
    include_bcc, org_domain, max_recipients, mass_mail, recipient_weight, list_addresses, earliest, latest, date_check, dedupe, threading
        See :class:`~orgnet.connectors.email.EmailOptions`.

    Returns
    -------
    ReadResult
        ``records_read`` is the number of messages; ``records_skipped`` counts duplicates,
        mails without a sender, mass mail and dates kept as null.

    Raises
    ------
    InputError
        A file cannot be opened or is not an mbox file.
    """
    return read_mail(path, format="mbox", include_bcc=include_bcc, org_domain=org_domain,
                     max_recipients=max_recipients, mass_mail=mass_mail, recipient_weight=recipient_weight,
                     list_addresses=list_addresses, earliest=earliest, latest=latest, date_check=date_check,
                     dedupe=dedupe, threading=threading)


def sniff(path: Path) -> bool:
    """Tell whether ``path`` is an mbox file or a folder holding mbox files (looks at a few files)."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        return any(_is_mbox_name(p) for p in files) or any(_starts_like_mbox(p) for p in files[:20])
    if not path.is_file():
        return False
    return _starts_like_mbox(path)


READER = Reader(
    name="mbox",
    read=read,
    sniff=sniff,
    description="mbox mail archive (a file or a folder of mbox files): one event per recipient",
)
