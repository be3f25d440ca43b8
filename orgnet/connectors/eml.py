"""Read ``.eml`` files (one file, or a folder of them at any depth) into e-mail events.

Each ``.eml`` file holds one RFC 5322 message, as saved by Outlook, Thunderbird or Apple Mail;
only its header block is read. In a folder, a file that is not a message is a counted skip; a
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

from orgnet.connectors.base import InputError, Reader, ReadResult
from orgnet.connectors.email import (
    EmailOptions,
    looks_like_headers,
    mails_from_files,
    mails_to_result,
    read_header_file,
)

__all__ = ["READER", "read", "sniff"]


def _is_eml(name: str) -> bool:
    return name.lower().endswith(".eml")


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


def read(
    path: str | Path,
    *,
    include_bcc: bool = False,
    org_domain: str | Sequence[str] | None = None,
    max_recipients: int = 50,
    mass_mail: str = "drop",
    recipient_weight: str = "split",
    list_addresses: Sequence[str] = (),
    earliest: str | datetime | None = "1990-01-01",
    latest: str | datetime | None = None,
    dedupe: str = "headers",
) -> ReadResult:
    """Read one ``.eml`` file or every ``.eml`` file under a folder into events and people.

    Parameters
    ----------
    path : str or Path
        A ``.eml`` file or a folder (searched at any depth).
    include_bcc, org_domain, max_recipients, mass_mail, recipient_weight, list_addresses, earliest, latest, dedupe
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
    p = Path(path)
    options = EmailOptions(
        include_bcc=include_bcc,
        org_domain=org_domain,
        max_recipients=max_recipients,
        mass_mail=mass_mail,
        recipient_weight=recipient_weight,
        list_addresses=list_addresses,
        earliest=earliest,
        latest=latest,
        dedupe=dedupe,
    )
    skipped: Counter[str] = Counter()
    root = p if p.is_dir() else p.parent
    mails, n = mails_from_files(_files(p), root=root, bounds=options.date_bounds(), skipped=skipped)
    return mails_to_result(mails, format="eml", path=str(p), records_read=n, skipped=skipped, options=options)


def sniff(path: Path) -> bool:
    """Tell whether ``path`` is an ``.eml`` file or a folder with ``.eml`` files (two levels)."""
    if path.is_file():
        return _is_eml(path.name)
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
    description=".eml messages (a file or a folder of them): one event per recipient",
)
