"""What every reader returns, and the error a reader raises on input it cannot read."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

__all__ = ["CONTENT_COLUMNS", "PEOPLE_COLUMNS", "SHOWN_VALUE_CHARS", "EventRows", "InputError", "ReadResult", "Reader",
           "empty_people", "is_content_column", "shown_value", "split_kept"]

#: Columns every reader's people table has (more may follow: platform attributes).
PEOPLE_COLUMNS = ("person", "name", "email")


#: Longest cell value an error message quotes; a longer one is described, not shown.
SHOWN_VALUE_CHARS = 32

#: Column names (lower case, or a word inside a longer name) that hold message content: a value
#: from one is never quoted in an error message, however short.
CONTENT_COLUMNS: frozenset[str] = frozenset({
    "body", "text", "message", "msg", "content", "subject", "comment", "comments", "note", "notes",
    "description", "topic", "purpose", "header", "snippet", "preview", "html", "markdown", "caption",
    "title", "summary", "attachment", "attachments", "filename", "file_name",
})


def is_content_column(name: object) -> bool:
    """Whether a column name says it holds message content (see :data:`CONTENT_COLUMNS`).

    Examples
    --------
    >>> [is_content_column(c) for c in ("body", "Message Text", "sender", "ts")]
    [True, True, False, False]
    """
    words = {w for w in re.split(r"[^a-z0-9]+", str(name).strip().lower()) if w}
    return str(name).strip().lower() in CONTENT_COLUMNS or bool(words & CONTENT_COLUMNS)


def shown_value(value: Any, column: object = None) -> str:
    """A cell value as an error message may quote it: short values quoted, content never.

    A value from a content column (:func:`is_content_column`), longer than
    :data:`SHOWN_VALUE_CHARS`, or of several words is described by its length only: an error
    message is printed, logged and pasted into issues, and must not carry what people wrote.
    Control characters are removed from what is shown.

    Examples
    --------
    >>> shown_value("2025-13-45")
    "'2025-13-45'"
    >>> shown_value("ZQXCANARY", column="body")
    'a value of 9 characters from a content column (not shown)'
    >>> shown_value("see you at the meetup on friday")
    'a value of 31 characters (not shown)'
    """
    text = "" if value is None else str(value)
    if is_content_column(column) if column is not None else False:
        return f"a value of {len(text)} characters from a content column (not shown)"
    if len(text) > SHOWN_VALUE_CHARS or len(text.split()) > 3:
        return f"a value of {len(text)} characters (not shown)"
    return repr(re.sub(r"[\x00-\x1f\x7f-\x9f]", "", text))


class InputError(ValueError):
    """Input that cannot be read: the message names the file, the record and what was expected.

    Parameters
    ----------
    path : str or Path
        The file (or archive member) at fault.
    message : str
        What was wrong and what was expected.
    record : int or str, optional
        The line, row or record number (1-based) or record id.
    """

    def __init__(self, path: str | Path, message: str, record: int | str | None = None) -> None:
        self.path = str(path)
        self.record = record
        self.reason = message
        where = self.path if record is None else f"{self.path}, record {record}"
        super().__init__(f"{where}: {message}")


def split_kept(counts: Mapping[str, int]) -> tuple[dict[str, int], dict[str, int]]:
    """Records counted by reason, split into those left out and those kept with a note.

    Readers count both in ``ReadResult.records_skipped``; a reason that says ``kept`` (``"date
    unparseable (kept without timestamp)"``, ``"reply found by subject (...; kept as a reply)"``)
    names records that were read and kept. Summaries show the two apart, so a kept record is
    never reported as skipped.

    Examples
    --------
    >>> split_kept({"no sender": 2, "date missing (kept without timestamp)": 5})
    ({'no sender': 2}, {'date missing (kept without timestamp)': 5})
    """
    skipped = {k: int(v) for k, v in sorted(counts.items()) if "kept" not in k}
    noted = {k: int(v) for k, v in sorted(counts.items()) if "kept" in k}
    return skipped, noted


def empty_people() -> pd.DataFrame:
    """Return a people table with no rows and the standard columns."""
    return pd.DataFrame({c: pd.Series(dtype="string") for c in PEOPLE_COLUMNS})


@dataclass
class ReadResult:
    """The output of one reader on one path.

    Attributes
    ----------
    events : pyarrow.Table
        Events following :data:`orgnet.events.SCHEMA`.
    people : pandas.DataFrame
        Everyone the export knows, active or not: ``person`` (the id used in events),
        ``name``, ``email`` and any platform attributes (department, title, is_bot, ...).
    format : str
        Name of the reader that produced it.
    path : str
        What was read.
    records_read : int
        Records (messages, rows, mails) looked at.
    records_skipped : collections.Counter
        Reason -> number of records skipped for that reason (never silent); reasons that say
        ``kept`` count records kept with a note (:func:`split_kept`).
    """

    events: pa.Table
    people: pd.DataFrame = field(default_factory=empty_people)
    format: str = ""
    path: str = ""
    records_read: int = 0
    records_skipped: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class Reader:
    """One entry of the reader table.

    Attributes
    ----------
    name : str
        Format name used by ``--format``.
    read : callable
        ``read(path, **options) -> ReadResult``.
    sniff : callable
        ``sniff(path) -> bool``: does this path look like this format? Must be cheap.
    description : str
        One line for ``orgnet formats``.
    """

    name: str
    read: Callable[..., ReadResult]
    sniff: Callable[[Path], bool]
    description: str = ""


@dataclass
class EventRows:
    """Event columns gathered one record at a time by a reader, made into one table at the end.

    ``where`` keeps, per row, the file and record it came from, for error messages.

    Examples
    --------
    >>> rows = EventRows()
    >>> rows.add("2025-01-06T09:00:00Z", "post", "ana", None, "general", "t1", "m1", ("a.json", 1))
    >>> rows.kind, rows.where
    (['post'], [('a.json', 1)])
    """

    ts: list[Any] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    actor: list[str] = field(default_factory=list)
    target: list[str | None] = field(default_factory=list)
    channel: list[str | None] = field(default_factory=list)
    thread: list[str | None] = field(default_factory=list)
    item: list[str] = field(default_factory=list)
    where: list[Any] = field(default_factory=list)

    def add(self, ts: Any, kind: str, actor: str, target: str | None, channel: str | None,
            thread: str | None, item: str, where: Any = None) -> None:
        """Append one event."""
        self.ts.append(ts)
        self.kind.append(kind)
        self.actor.append(actor)
        self.target.append(target)
        self.channel.append(channel)
        self.thread.append(thread)
        self.item.append(item)
        self.where.append(where)
