"""Read maildir trees (any nesting of folders of one-message files) into e-mail events.

Real exports are not only ``cur/`` and ``new/``: the Enron corpus has ``<person>/<folder>/<n>.``
with folders nested at any depth, Maildir++ keeps sub-folders as hidden ``.Sent`` folders.
Every regular file under the path is read (headers only) when it starts like a message; other
files are counted in ``records_skipped`` and mail-server bookkeeping files (``dovecot-uidlist``,
``maildirfolder``, ...) are ignored. A tree of several mailboxes is read together, so the same
message filed in several folders or mailboxes counts once (by Message-ID).

Examples
--------
>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> for box in ("ana/sent", "ben/inbox/project"):
...     (root / box).mkdir(parents=True)
...     _ = (root / box / "1.").write_bytes(b"Message-ID: <1@x>\\nFrom: ana@x.org\\nTo: ben@x.org\\n\\nhi")
>>> res = read(root)
>>> res.records_read, res.records_skipped["duplicate message-id"], res.events.num_rows
(2, 1, 1)
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path

from orgnet.connectors._files import open_regular
from orgnet.connectors.base import InputError, Reader, ReadResult
from orgnet.connectors.email import Mail, looks_like_mail, mails_from_files, read_mail

__all__ = ["READER", "collect", "iter_mail_files", "read", "sniff"]

# Mail servers' bookkeeping inside a maildir: not messages, not lost data.
_BOOKKEEPING = ("dovecot", "courier", "maildirfolder", "maildirsize", "subscriptions", ".ds_store", "thumbs.db")
_NOT_MAIL_SUFFIXES = (".json", ".csv", ".txt", ".md", ".zip", ".mbox", ".html", ".xml", ".parquet")


def _is_bookkeeping(name: str) -> bool:
    low = name.lower()
    return low.startswith(_BOOKKEEPING) or low in ("provenance.txt", "readme", "readme.md")


def iter_mail_files(root: str | Path) -> Iterator[Path]:
    """Yield every candidate message file under ``root`` in a stable (sorted) order.

    ``tmp/`` next to ``cur/`` or ``new/`` holds deliveries in progress and is left out.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for d in ("cur", "new", "tmp"):
    ...     (root / d).mkdir(); _ = (root / d / "m1").write_text("From: a@x\\n")
    >>> [p.parent.name for p in iter_mail_files(root)]
    ['cur', 'new']
    """
    return (Path(name) for name in _mail_file_names(root))


def _mail_file_names(root: str | Path, skipped: Counter[str] | None = None) -> Iterator[str]:
    # iter_mail_files as plain strings: a Path per file is a noticeable share of reading 100k files.
    # A sub-folder that cannot be listed (permissions) is counted, not silently dropped.
    def unreadable(_: OSError) -> None:
        if skipped is not None:
            skipped["unreadable folder"] += 1

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
        dirnames.sort()
        if "tmp" in dirnames and ("cur" in dirnames or "new" in dirnames):
            dirnames.remove("tmp")
        yield from (os.path.join(dirpath, name) for name in sorted(filenames) if not _is_bookkeeping(name))


def collect(path: Path, bounds: tuple[datetime, datetime] | None, skipped: Counter[str]) -> tuple[list[Mail], int]:
    """Parse the headers of every message file under a maildir folder, or one message file (a :class:`~orgnet.connectors.email.Collector`)."""
    root = Path(path)
    if root.is_file():  # one message of a maildir, passed on its own
        return mails_from_files([root], root=root.parent, bounds=bounds, skipped=skipped)
    if not root.is_dir():
        raise InputError(root, "no such folder; a maildir reader needs a folder of message files")
    return mails_from_files(_mail_file_names(root, skipped), root=root, bounds=bounds, skipped=skipped)


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
    """Read a maildir tree (one mailbox or a folder of mailboxes) into events and people.

    Parameters
    ----------
    path : str or Path, or a sequence of them
        The top folder (every file below it is considered), or several folders or message files
        read together (see :func:`~orgnet.connectors.email.read_mail`): the events are the same
        as for their common folder.
    include_bcc, org_domain, max_recipients, mass_mail, recipient_weight, list_addresses, earliest, latest, date_check, dedupe, threading
        See :class:`~orgnet.connectors.email.EmailOptions`.

    Returns
    -------
    ReadResult
        ``records_read`` is the number of files read; ``records_skipped`` counts duplicates
        (``"duplicate message-id"``), files that are not mail, mass mail and null dates.

    Raises
    ------
    InputError
        A path does not exist.
    """
    return read_mail(path, format="maildir", include_bcc=include_bcc, org_domain=org_domain,
                     max_recipients=max_recipients, mass_mail=mass_mail, recipient_weight=recipient_weight,
                     list_addresses=list_addresses, earliest=earliest, latest=latest, date_check=date_check,
                     dedupe=dedupe, threading=threading)


def sniff(path: Path) -> bool:
    """Tell whether ``path`` is a folder of one-message files (looks at a few files only)."""
    if not path.is_dir():
        return False
    if (path / "cur").is_dir() and (path / "new").is_dir():
        return True
    seen = 0
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames.sort()
        if dirpath[len(str(path)):].count(os.sep) >= 4:
            dirnames.clear()
        for name in sorted(filenames)[:5]:
            low = name.lower()
            if _is_bookkeeping(name) or low.endswith(_NOT_MAIL_SUFFIXES) or low.endswith(".eml"):
                continue
            try:
                with open_regular(Path(dirpath) / name) as f:
                    head = f.read(2048)
            except (OSError, InputError):
                continue
            seen += 1
            if looks_like_mail(head) and not head.startswith(b"From "):
                return True
            if seen >= 20:
                return False
    return False


READER = Reader(
    name="maildir",
    read=read,
    sniff=sniff,
    description="maildir tree, any folder nesting (e.g. Enron): one event per recipient, de-duplicated",
)
