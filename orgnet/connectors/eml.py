"""Read ``.eml`` files and other one-message files (a file, or a folder of ``.eml`` at any depth).

Each ``.eml`` file holds one RFC 5322 message, as saved by Outlook, Thunderbird or Apple Mail;
only its header block is read. A message file without that extension (a maildir entry such as
``1.``) is recognised by its content. In a folder, a file that is not a message is a counted skip; a
single file that is not a message is an :class:`~orgnet.connectors.base.InputError`.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.eml").write_bytes(b"Message-ID: <1@x>\\nFrom: ana@x.org\\nTo: ben@x.org, cy@x.org\\n\\nhi")
>>> read(d).events.column("weight").to_pylist()
[0.5, 0.5]
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from orgnet.connectors._files import open_regular
from orgnet.connectors.base import InputError, Reader, ReadResult
from orgnet.connectors.email import (
    Mail,
    looks_like_headers,
    looks_like_mail,
    mails_from_files,
    read_header_file,
    read_mail,
)

__all__ = ["READER", "collect", "read", "sniff"]


def _is_eml(name: str) -> bool:
    return name.lower().endswith(".eml")


#: Suffixes of other formats: a file named so is never taken for a message by its content.
_OTHER_SUFFIXES = (".csv", ".tsv", ".txt", ".json", ".jsonl", ".parquet", ".pq", ".zip", ".gz", ".mbox", ".mbx",
                   ".html", ".htm", ".xml", ".md", ".pdf")


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        files = []
        for dirpath, dirnames, filenames in os.walk(path):
            dirnames.sort()
            files.extend(Path(dirpath) / n for n in sorted(filenames) if _is_eml(n))
        if not files:
            raise InputError(path, "no .eml files in this folder")
        return files
    if not path.is_file():
        raise InputError(path, "no such file or folder")
    head = read_header_file(path)
    if not head.strip():
        raise InputError(path, "empty file; expected an e-mail message (.eml)")
    if not looks_like_headers(head[:4096]):
        raise InputError(path, "not an e-mail message: the file does not start with header lines", 1)
    return [path]


def collect(path: Path, bounds: tuple[datetime, datetime] | None, skipped: Counter[str]) -> tuple[list[Mail], int]:
    """Parse the headers of one message file, or every ``.eml`` file under a folder (a :class:`~orgnet.connectors.email.Collector`)."""
    p = Path(path)
    root = p if p.is_dir() else p.parent
    return mails_from_files(_files(p), root=root, bounds=bounds, skipped=skipped)


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
    """Read one message file or every ``.eml`` file under a folder into events and people.

    Parameters
    ----------
    path : str or Path, or a sequence of them
        A message file (``.eml``, or any name: a maildir entry such as ``1.``) or a folder
        (searched at any depth for ``.eml`` files); several are read together (see
        :func:`~orgnet.connectors.email.read_mail`).
    include_bcc, org_domain, max_recipients, mass_mail, recipient_weight, list_addresses, earliest, latest, date_check, dedupe, threading
        See :class:`~orgnet.connectors.email.EmailOptions`.

    Returns
    -------
    ReadResult
        ``records_read`` is the number of files read.

    Raises
    ------
    InputError
        No ``.eml`` file found, or a single file given that is not a message.
    """
    return read_mail(path, format="eml", include_bcc=include_bcc, org_domain=org_domain,
                     max_recipients=max_recipients, mass_mail=mass_mail, recipient_weight=recipient_weight,
                     list_addresses=list_addresses, earliest=earliest, latest=latest, date_check=date_check,
                     dedupe=dedupe, threading=threading)


def sniff(path: Path) -> bool:
    """Tell whether ``path`` is a message file or a folder with ``.eml`` files (two levels).

    A file is a message when it is named ``*.eml``, or when it has no other format's suffix and
    starts with mail header lines (``Message-ID:``, ``From:``, ``Received:``, ``Return-Path:``,
    ...) rather than an mbox ``From `` line: maildir entries such as ``1.`` have no extension.
    """
    if path.is_file():
        if _is_eml(path.name):
            return True
        if path.name.lower().endswith(_OTHER_SUFFIXES):
            return False
        try:
            with open_regular(path) as f:
                head = f.read(4096).lstrip(b"\xef\xbb\xbf")
        except (OSError, InputError):
            return False
        return not head.startswith(b"From ") and looks_like_mail(head)
    if not path.is_dir():
        return False
    for child in path.iterdir():
        if child.is_file() and _is_eml(child.name):
            return True
        if child.is_dir():
            try:
                if any(_is_eml(g.name) for g in child.iterdir()):
                    return True
            except OSError:
                continue
    return False


READER = Reader(
    name="eml",
    read=read,
    sniff=sniff,
    description=".eml messages or message files (a file, a folder of .eml files): one event per recipient",
)
