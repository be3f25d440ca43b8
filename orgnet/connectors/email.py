"""Shared e-mail parsing for the mbox, maildir and .eml readers: headers to mails, mails to events.

Only header blocks are parsed (never bodies), so no text a person wrote can reach the events or
the people table; the subject is reduced to a hash on reading. The readers find the header block
of each message and hand it to :func:`parse_headers`; :func:`mails_to_result` then
de-duplicates, checks dates, threads the mails (by headers, else by subject), recognises mailing
lists and turns each mail into one event per recipient.

Rules (documented in ``docs/connectors/email.md``):

* a mail is a ``post`` from its sender to each To/Cc recipient (Bcc only with ``include_bcc``),
  or a ``reply`` when it has ``In-Reply-To`` or ``References``; one event per recipient with
  weight ``1/n`` over its ``n`` recipients (``recipient_weight="unit"`` gives 1 each);
* **threads from subjects**: a mail without ``In-Reply-To`` and ``References`` whose subject
  starts with a reply prefix (``RE:``, ``AW:``, ``SV:``, ``VS:``, ``Antw:``) or a forward prefix
  (``FW:``, ``FWD:``, ``WG:``, ``TR:``) is linked to the latest earlier mail with the same
  normalised subject (prefixes and ``[list]`` tags stripped, case and spacing ignored) sent at
  most ``subject_window`` days before (:data:`SUBJECT_WINDOW_DAYS`) and sharing participants:
  the replier was a recipient of it, its sender is a recipient of the reply, or both went to
  the same mailing list. It then joins that mail's thread as a ``reply`` (reply prefix) or a
  ``share`` (forward prefix). Decided per message: a mail with threading headers is threaded
  by them only. ``threading="headers"`` turns subject threading off;
* ``thread`` is the root Message-ID of the thread (its own id for a thread starter);
* ``item`` is the message's key, the same for every copy of a mail whichever files it is read
  from (:func:`mail_key`): a hash of sender, ``Date``, To, Cc and subject when the ``Date``
  parses (copies of one mail filed in several folders sometimes got their own Message-ID: all
  of Enron's do), else the Message-ID; ``(item, kind, actor, target)`` is unique;
* copies of one mail (same Message-ID, or same key) count once; which copy is kept does not
  depend on the order the files are read in;
* a mail sent to a mailing list has the list as ``channel``; the list address is not a person,
  so a reply's target is the author of the message it answers when that message was read,
  and a list post with no personal recipient has a null target;
* mass mail (more than ``max_recipients`` recipients) is dropped or down-weighted;
* an unparseable or implausible ``Date`` (:mod:`orgnet.connectors.dates`) leaves ``ts`` null:
  the mail is still a tie, left out of time-based findings, counted in ``records_skipped`` and
  never given a date from elsewhere (not the mbox envelope line, which in converted archives
  is the file's creation date). Only a mail with no ``Date`` header at all takes the time of
  its oldest ``Received`` hop (its own first server's stamp), counted too;
* the people table has, per address, ``sent`` (mails sent), ``bulk_sent`` (of which carried
  list or bulk-mail headers, :data:`BULK_HEADERS`) and ``list_id`` (their most common
  ``List-Id``): evidence for telling lists, newsletters and robots from people.

Examples
--------
>>> raw = (b"Message-ID: <1@x>\\nFrom: Ana <Ana@Example.org>\\nTo: ben@example.org, cy@other.net\\n"
...        b"Date: Mon, 6 Jan 2025 09:00:00 +0000\\n")
>>> res = mails_to_result([parse_headers(raw, "m1")], org_domain="example.org")
>>> res.events.select(["kind", "actor", "target", "weight", "external"]).to_pylist()[0]
{'kind': 'post', 'actor': 'ana@example.org', 'target': 'ben@example.org', 'weight': 0.5, 'external': False}
>>> res.people[["person", "name", "sent"]].values.tolist()
[['ana@example.org', 'Ana', 1], ['ben@example.org', <NA>, 0], ['cy@other.net', <NA>, 0]]
"""

from __future__ import annotations

import bisect
import hashlib
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.header import decode_header, make_header
from email.utils import getaddresses, parsedate_tz
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgnet.connectors._files import NOT_REGULAR, UNREADABLE, NotRegularFile, check_path, open_regular
from orgnet.connectors.base import InputError, ReadResult
from orgnet.connectors.dates import DATE_CHECKS, IMPLAUSIBLE, ISOLATED, check_dates, date_bounds
from orgnet.events import coerce_events

__all__ = [
    "BULK_HEADERS",
    "SUBJECT_WINDOW_DAYS",
    "Collector",
    "EmailOptions",
    "Mail",
    "as_paths",
    "describe_paths",
    "header_end",
    "looks_like_headers",
    "looks_like_mail",
    "mail_key",
    "mails_from_files",
    "mails_to_result",
    "normalise_address",
    "normalise_subject",
    "parse_headers",
    "read_header_file",
    "read_mail",
]

SOURCE = "email"

#: Largest header block read from one message; real headers are a few KiB, Enron's longest ~60 KiB.
MAX_HEADER_BYTES = 1 << 20
_CHUNK = 1 << 16

#: How long after a mail a reply or forward found by its subject may come (days). A convention,
#: generous on purpose: most replies come within days, and a thread idle for a month is a new one.
SUBJECT_WINDOW_DAYS = 30.0

#: Headers that mark a mail as list or bulk mail (the evidence behind ``bulk_sent``): the list
#: headers of RFC 2369 and RFC 2919, ezmlm's ``Mailing-List``, ``X-Mailing-List``,
#: ``Precedence: bulk|list|junk`` (RFC 3834 section 2), ``Auto-Submitted`` other than ``no``
#: (RFC 3834) and Microsoft Exchange's ``X-Auto-Response-Suppress`` (set on machine-sent mail).
BULK_HEADERS: tuple[str, ...] = (
    "list-id", "list-unsubscribe", "list-post", "list-help", "list-subscribe", "list-owner", "list-archive",
    "mailing-list", "x-mailing-list", "precedence", "auto-submitted", "x-auto-response-suppress",
)
_LIST_HEADERS = frozenset(BULK_HEADERS[:9])
_AUTOMATED = frozenset({"auto-submitted", "x-auto-response-suppress"})

# One header field: its name, then its value with any folded continuation lines (RFC 5322 2.2.3).
_FIELD = re.compile(r"^([!-9;-~]+)[ \t]*:[ \t]*(.*(?:\n[ \t].*)*)", re.MULTILINE)
_MSGID = re.compile(r"<[^<>\s]+>")
_HEADER_LINE = re.compile(rb"^[!-9;-~]{1,80}:")
_YEAR_WITH_ZEROS = re.compile(r"\b\d{1,2}\s+[A-Za-z]{3}\s+0\d{3}\b")
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_BARE_ADDRESSES = re.compile(r"[^\"()<>;:\\\[\]]*")
_MAIL_FIELD = re.compile(rb"(?im)^(?:from|to|message-id|date|received|return-path|delivered-to):")
# One leading "[list tag]" or "prefix:" (with an optional count: "Re[2]:", "AW(3):").
_SUBJECT_LEAD = re.compile(
    r"\s*(?:\[[^\[\]]{0,80}\]|(re|fwd?|aw|wg|tr|sv|vs|antw)\s*(?:\[\d+\]|\(\d+\))?\s*[:：])", re.IGNORECASE
)
_LEADING_TAGS = re.compile(r"^(?:\s*\[[^\[\]]{0,80}\])+")
_REPLY_PREFIXES = frozenset({"re", "aw", "sv", "vs", "antw"})  # English, German, Nordic, Finnish, Dutch
_FORWARD_PREFIXES = frozenset({"fw", "fwd", "wg", "tr"})  # English, German, French

_DATE_MISSING = "date missing (kept without timestamp)"
_DATE_BAD = "date unparseable (kept without timestamp)"
_DATE_IMPLAUSIBLE = IMPLAUSIBLE
_DATE_FROM_RECEIVED = "date missing (taken from Received, kept)"
_DATE_ISOLATED = ISOLATED
_NOT_UTF8 = "header not UTF-8 (decoded as Latin-1, kept)"
_TRUNCATED_NOTE = "address missing its first part ('.palmer@enron.com': left out, message kept)"
# An address whose local part starts with a dot, as written in a header.
_TRUNCATED = re.compile(r"(?:^|[\s<,:\"])\.[^@\s<>,.][^@\s<>,]*@")
_NO_MSGID = "no Message-ID (id made from a hash of the headers, kept)"
_NO_SENDER = "no sender address"
_DUPLICATE = "duplicate message-id"
_DUPLICATE_COPY = "duplicate copy (same sender, Date, recipients and subject; other Message-ID)"
_NO_RECIPIENT = "no recipient (none, or only the sender)"
_SUBJECT_REPLY = "reply found by subject (no threading headers; kept as a reply)"
_SUBJECT_SHARE = "forward found by subject (no threading headers; kept as a share)"
_THREADINGS = ("headers+subjects", "headers")


@dataclass
class EmailOptions:
    """Options shared by the e-mail readers (validated once, see the readers' ``read``).

    Parameters
    ----------
    include_bcc : bool
        Count Bcc recipients as recipients (default: no; Bcc is usually only in the sender's copy).
    org_domain : str or sequence of str, optional
        The organisation's e-mail domain(s); subdomains count. An event is ``external`` when its
        actor or its target is outside them. Without it nothing is external.
    max_recipients : int
        A mail to more recipients than this is mass mail (default 50).
    mass_mail : {"drop", "downweight"}
        ``drop`` (default) leaves mass mail out; ``downweight`` keeps it with each recipient's
        weight multiplied by ``max_recipients / n`` (the mail's total weight falls from 1 to
        ``max_recipients / n``, continuous at the cap).
    recipient_weight : {"split", "unit"}
        ``split`` (default): each of the ``n`` recipients gets ``1/n``; ``unit``: each gets 1.
    list_addresses : sequence of str
        Addresses of mailing lists, in addition to those announced by ``List-Post`` headers.
    earliest, latest : str or datetime, optional
        Dates outside ``[earliest, latest]`` are implausible. Defaults: 1971-01-01 (networked
        e-mail is from late 1971) and one day after the read (:func:`~orgnet.connectors.dates.date_bounds`).
    date_check : {"outliers", "bounds"}
        ``outliers`` (default): dates isolated from all other dates of the read are implausible
        too (:func:`~orgnet.connectors.dates.isolated_dates`); ``bounds``: only the bounds.
    dedupe : {"headers", "message-id"}
        ``message-id``: a mail whose Message-ID was already read is a duplicate, and ``item`` is
        the Message-ID. ``headers`` (default) also drops a mail with the same sender, ``Date``,
        To, Cc and subject as one already read: copies of one mail filed in several folders
        sometimes got their own Message-ID (all of Enron's do); ``item`` is then that key.
        Mails without a parseable ``Date`` are never matched this way (bots send many mails
        with one subject).
    threading : {"headers+subjects", "headers"}
        ``headers+subjects`` (default): mails without threading headers are threaded by their
        subject (module notes); ``headers``: by headers only.
    subject_window : float
        Days within which a reply or forward is linked by its subject (default
        :data:`SUBJECT_WINDOW_DAYS`).
    """

    include_bcc: bool = False
    org_domain: str | Sequence[str] | None = None
    max_recipients: int = 50
    mass_mail: str = "drop"
    recipient_weight: str = "split"
    list_addresses: Sequence[str] = ()
    earliest: str | datetime | None = None
    latest: str | datetime | None = None
    date_check: str = "outliers"
    dedupe: str = "headers"
    threading: str = "headers+subjects"
    subject_window: float = SUBJECT_WINDOW_DAYS

    def __post_init__(self) -> None:
        if self.dedupe not in ("message-id", "headers"):
            raise ValueError(f"dedupe must be 'message-id' or 'headers', not {self.dedupe!r}")
        if self.mass_mail not in ("drop", "downweight"):
            raise ValueError(f"mass_mail must be 'drop' or 'downweight', not {self.mass_mail!r}")
        if self.recipient_weight not in ("split", "unit"):
            raise ValueError(f"recipient_weight must be 'split' or 'unit', not {self.recipient_weight!r}")
        if self.date_check not in DATE_CHECKS:
            raise ValueError(f"date_check must be one of {', '.join(DATE_CHECKS)}, not {self.date_check!r}")
        if self.threading not in _THREADINGS:
            raise ValueError(f"threading must be one of {', '.join(_THREADINGS)}, not {self.threading!r}")
        if not float(self.subject_window) > 0:
            raise ValueError(f"subject_window must be a positive number of days, not {self.subject_window!r}")
        if int(self.max_recipients) < 1:
            raise ValueError(f"max_recipients must be at least 1, not {self.max_recipients!r}")
        if isinstance(self.org_domain, str):
            self.org_domain = [self.org_domain]
        self.org_domain = [d.strip().lower().lstrip("@") for d in (self.org_domain or []) if d.strip()]
        if isinstance(self.list_addresses, str):
            self.list_addresses = [self.list_addresses]

    def date_bounds(self) -> tuple[datetime, datetime]:
        """Return the plausible date range as aware UTC datetimes."""
        return date_bounds(self.earliest, self.latest)


@dataclass
class Mail:
    """The header fields of one message that orgnet uses (no subject text, no body).

    Attributes
    ----------
    where : str
        File and record, for messages about this mail.
    message_id : str or None
        ``<id@host>`` without spaces, host in lower case.
    sender : tuple of (name, address) or None
    to, cc, bcc : list of (name, address)
        Normalised addresses (lower case) with decoded display names.
    date : datetime or None
        Aware UTC datetime; ``None`` when missing, unparseable or implausible.
    date_problem : str or None
        What was wrong with the ``Date`` header (``"missing"``, ``"unparseable"``,
        ``"implausible"``, ``"isolated"``).
    date_fallback : str or None
        ``"Received"`` when the ``Date`` header is missing and ``date`` is the oldest
        ``Received`` hop's time; else ``None``.
    in_reply_to : str or None
    references : list of str
    list_address : str or None
        The mailing list this copy was distributed by (``List-Post``), or its ``List-Id``.
    list_post : str or None
        The address from ``List-Post`` (a list address, removed from recipients).
    list_id : str or None
        The ``List-Id`` (the part in angle brackets, lower case).
    bulk : bool
        The mail carries list or bulk headers (:data:`BULK_HEADERS`) that its sender's side put
        there: automation headers always count; list headers do not when the mail was sent to
        the list that carries them (the list server added them to a person's mail).
    header_hash : str
        Hash of the header block, used as id when there is neither Message-ID nor ``Date``.
    content_hash : str or None
        Hash of sender, ``Date`` (as written), To, Cc and subject (the subject itself is not kept,
        list tags are ignored); ``None`` without a sender or a ``Date`` header.
    fingerprint : str or None
        ``content_hash`` when the ``Date`` parses, else ``None``. Finds copies of one mail that
        got different Message-IDs.
    subject_key : str or None
        Hash of the normalised subject (:func:`normalise_subject`); ``None`` when empty.
    subject_kind : str or None
        ``"reply"`` or ``"share"`` when the subject starts with a reply or forward prefix.
    not_utf8 : bool
        The header block was not valid UTF-8 and was decoded as Latin-1.
    truncated : bool
        An address in From, To, Cc or Bcc lost the start of its local part (``.palmer@``): it
        is left out, as it names no one.
    """

    where: str
    message_id: str | None = None
    sender: tuple[str | None, str] | None = None
    to: list[tuple[str | None, str]] = field(default_factory=list)
    cc: list[tuple[str | None, str]] = field(default_factory=list)
    bcc: list[tuple[str | None, str]] = field(default_factory=list)
    date: datetime | None = None
    date_problem: str | None = None
    date_fallback: str | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    list_address: str | None = None
    list_post: str | None = None
    list_id: str | None = None
    bulk: bool = False
    header_hash: str = ""
    content_hash: str | None = None
    fingerprint: str | None = None
    subject_key: str | None = None
    subject_kind: str | None = None
    not_utf8: bool = False
    truncated: bool = False


def normalise_address(value: str | None) -> str | None:
    """Return the canonical form of an e-mail address (the person id), or ``None``.

    Lower case, without spaces, angle brackets, quotes or a ``mailto:`` prefix; a value
    without ``@`` is not an address.

    Examples
    --------
    >>> normalise_address(" <Ana.Lima@Example.ORG> ")
    'ana.lima@example.org'
    >>> normalise_address("mailto:dev@maven.apache.org"), normalise_address("undisclosed-recipients:;")
    ('dev@maven.apache.org', None)
    >>> normalise_address(".palmer@enron.com"), normalise_address("k..allen@enron.com")
    (None, 'k..allen@enron.com')
    """
    if not value:
        return None
    addr = "".join(str(value).split()).strip("<>\"'").lower()
    if addr.startswith("mailto:"):
        addr = addr[7:].split("?", 1)[0]
    if "@" not in addr or addr.startswith("@") or addr.endswith("@"):
        return None
    if addr.startswith("."):
        # ".palmer@enron.com": an export that lost the first part of the local part (RFC 5322
        # never starts one with a dot). It names no one (".williams" is two people on Enron).
        return None
    return addr


def normalise_subject(subject: str | None) -> tuple[str, str | None]:
    """Strip reply/forward prefixes and list tags from a subject; say which prefix came first.

    Prefixes (any case, repeated, with an optional count such as ``Re[2]:``): reply ``RE``,
    ``AW``, ``SV``, ``VS``, ``Antw``; forward ``FW``, ``FWD``, ``WG``, ``TR``. Bracketed list
    tags (``[dev]``) before or between them are dropped too. The rest is lower-cased with its
    white space collapsed.

    Returns
    -------
    subject : str
        The normalised subject (``""`` when nothing is left).
    kind : {"reply", "share"} or None
        From the outermost prefix: what this mail does to the one it answers.

    Examples
    --------
    >>> normalise_subject("RE: FW: [dev]  Gas  Prices")
    ('gas prices', 'reply')
    >>> normalise_subject("[dev] Fwd: AW: Gas prices"), normalise_subject("Regarding: gas")
    (('gas prices', 'share'), ('regarding: gas', None))
    """
    text = subject or ""
    kind: str | None = None
    pos = 0
    while True:
        m = _SUBJECT_LEAD.match(text, pos)
        if m is None or m.end() == pos:
            break
        prefix = (m.group(1) or "").lower()
        if kind is None and prefix:
            kind = "reply" if prefix in _REPLY_PREFIXES else "share"
        pos = m.end()
    return " ".join(text[pos:].split()).lower(), kind


def mail_key(mail: Mail, dedupe: str = "headers") -> str:
    """Return the ``item`` of a mail's events: the same for every copy of the mail.

    With ``dedupe="headers"`` and a parseable ``Date``: ``mail:`` and the hash of sender,
    ``Date``, To, Cc and subject (:attr:`Mail.fingerprint`); else the Message-ID (which
    :func:`mails_to_result` makes, for a mail without one, from the hash of sender, ``Date`` and
    recipients, or of the whole header block when there is no ``Date`` either). Never from the
    file's name or place.

    Examples
    --------
    >>> m = parse_headers(b"Message-ID: <1@X.ORG>\\nFrom: a@x.org\\nTo: b@x.org\\n", "f")
    >>> mail_key(m)
    '<1@x.org>'
    """
    if dedupe == "headers" and mail.fingerprint is not None:
        return f"mail:{mail.fingerprint}"
    return str(mail.message_id)


def header_end(data: bytes | memoryview, start: int = 0, stop: int | None = None) -> int:
    """Return the offset where the header block starting at ``start`` ends (its blank line).

    When there is no blank line (a truncated message or headers only) the whole range is header.

    Examples
    --------
    >>> header_end(b"From: a@b\\nTo: c@d\\n\\nbody")
    18
    """
    stop = len(data) if stop is None else stop
    m = _BLANK_LINE.search(data, start, stop)  # type: ignore[call-overload]
    return m.start() + 1 if m else stop


def looks_like_headers(head: bytes) -> bool:
    """Tell whether bytes start like an RFC 5322 message (a ``Name: value`` header line).

    Examples
    --------
    >>> looks_like_headers(b"Message-ID: <1@x>\\n"), looks_like_headers(b"hello world")
    (True, False)
    """
    head = head.lstrip(b"\xef\xbb\xbf")
    if head.startswith(b"From "):  # an mbox "From " envelope line before the headers
        head = head.split(b"\n", 1)[1] if b"\n" in head else b""
    return bool(_HEADER_LINE.match(head))


def looks_like_mail(head: bytes) -> bool:
    """Tell whether bytes start like an e-mail: header lines including a typical mail field.

    Stricter than :func:`looks_like_headers`, for format sniffing.

    Examples
    --------
    >>> looks_like_mail(b"Message-ID: <1@x>\\nFrom: a@x\\n"), looks_like_mail(b"name: value\\n")
    (True, False)
    """
    return looks_like_headers(head) and bool(_MAIL_FIELD.search(head))


def _decode_words(value: str) -> str:
    # RFC 2047 encoded words (=?utf-8?q?...?=) in display names; a broken one stays as written.
    if "=?" not in value:
        return value
    try:
        return str(make_header(decode_header(value)))
    except (ValueError, LookupError, UnicodeError, AssertionError):
        return value


def _clean_name(name: str, addr: str) -> str | None:
    name = _decode_words(name).strip().strip("\"'").strip()
    name = " ".join(name.split())
    if not name or "@" in name or name.lower() == addr:
        return None
    return name


def _addresses(values: list[str] | None) -> list[tuple[str | None, str]]:
    if not values:
        return []
    return list(_parse_address_field("\n,".join(str(v) for v in values)))


@lru_cache(maxsize=65_536)
def _parse_address_field(value: str) -> tuple[tuple[str | None, str], ...]:
    # Cached: the same To/Cc lists come back in every copy and reply of a mail.
    tokens = value.split(",")
    if _BARE_ADDRESSES.fullmatch(value) and all(len(t.split()) <= 1 for t in tokens):
        # A plain comma list of bare addresses (most of Enron): the full parser is 10x slower.
        pairs: list[tuple[str | None, str]] = [(None, t) for t in tokens]
    else:
        pairs = [(name or None, raw) for name, raw in getaddresses([value])]
    out: list[tuple[str | None, str]] = []
    seen: set[str] = set()
    for name, raw in pairs:
        addr = normalise_address(raw)
        if addr is None or addr in seen:
            continue
        seen.add(addr)
        out.append((_clean_name(name, addr) if name else None, addr))
    return tuple(out)


def _message_id(value: str | None) -> str | None:
    # "<local@host>": the host is case-insensitive (RFC 5322 3.6.4), so it is lower-cased.
    if not value:
        return None
    m = _MSGID.search(str(value))
    token = m.group(0)[1:-1] if m else "".join(str(value).split()).strip("<>")
    if not token:
        return None
    local, at, host = token.rpartition("@")
    return f"<{local}@{host.lower()}>" if at else f"<{token}>"


def _parse_date(value: str | None, bounds: tuple[datetime, datetime] | None) -> tuple[datetime | None, str | None]:
    if value is None or not str(value).strip():
        return None, "missing"
    text = str(value)
    try:
        parts = parsedate_tz(text)
    except (ValueError, TypeError, IndexError, OverflowError):
        parts = None
    if parts is None:
        return None, "unparseable"
    # "Mon, 28 Nov 0001": a four-digit year with leading zeros that Python would read as 2001.
    if _YEAR_WITH_ZEROS.search(text):
        return None, "implausible"
    try:
        offset = parts[9] or 0
        dt = datetime(*parts[:6], tzinfo=timezone(timedelta(seconds=offset))).astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return None, "unparseable"
    if bounds is not None and not (bounds[0] <= dt <= bounds[1]):
        return None, "implausible"
    return dt, None


def _hash(parts: Iterable[str]) -> str:
    return hashlib.blake2b("\n".join(parts).encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def _headers(text: str) -> dict[str, list[str]]:
    """Every header field of a header block, by lower-case name, values as written (still folded).

    One regular expression over the block instead of :mod:`email.parser`, which builds a message
    object and was most of the reading time; values are what its ``compat32`` policy returns.
    A line that is neither a field nor a continuation is passed over.

    Examples
    --------
    >>> _headers("To: a@x,\\n  b@x\\nSubject: hi\\nbroken line\\nto: c@x\\n")
    {'to': ['a@x,\\n  b@x', 'c@x'], 'subject': ['hi']}
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    fields: dict[str, list[str]] = {}
    for m in _FIELD.finditer(text):
        fields.setdefault(m.group(1).lower(), []).append(m.group(2).rstrip())
    return fields


def _list_id_address(list_id: str) -> str:
    # RFC 2919: a List-Id is "local.domain"; the list's address is usually local@domain.
    local, _, domain = list_id.partition(".")
    return f"{local}@{domain}"


def parse_headers(raw: bytes, where: str, *, bounds: tuple[datetime, datetime] | None = None) -> Mail:
    """Parse one header block (bytes up to the blank line) into a :class:`Mail`.

    Parameters
    ----------
    raw : bytes
        The header block; a leading mbox ``From `` line is ignored. Non-UTF-8 bytes are read as
        Latin-1; RFC 2047 encoded display names and subjects are decoded.
    where : str
        File (and record) for error messages.
    bounds : tuple of datetime, optional
        Plausible date range; dates outside give ``date=None``, ``date_problem="implausible"``.

    Returns
    -------
    Mail

    Examples
    --------
    >>> m = parse_headers(b"From: =?utf-8?q?Jos=C3=A9?= <jose@x.org>\\nDate: nonsense\\nSubject: Re: Hi\\n", "f")
    >>> m.sender, m.date_problem, m.subject_kind
    (('José', 'jose@x.org'), 'unparseable', 'reply')
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw.startswith(b"From "):
        raw = raw.partition(b"\n")[2]
    try:
        text = raw.decode("utf-8")
        not_utf8 = False
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
        not_utf8 = True
    h = _headers(text)

    def first(name: str) -> str | None:
        return _first(h, name)

    mail = Mail(where=where, not_utf8=not_utf8)
    mail.header_hash = hashlib.blake2b(raw, digest_size=12).hexdigest()
    mail.message_id = _message_id(first("message-id"))
    senders = _addresses(h.get("from")) or _addresses(h.get("sender"))
    if senders:
        name, addr = senders[0]
        if name is None:
            # Enron-style exports keep the display name in X-From ("Phillip K Allen").
            xfrom = first("x-from")
            if xfrom:
                name = _clean_name(str(xfrom).split("<", 1)[0], addr)
        mail.sender = (name, addr)
    mail.truncated = any(_TRUNCATED.search(str(v)) for f in ("from", "to", "cc", "bcc") for v in h.get(f) or ())
    mail.to = _addresses(h.get("to"))
    mail.cc = _addresses(h.get("cc"))
    mail.bcc = _addresses(h.get("bcc"))
    date_text = first("date")
    mail.date, mail.date_problem = _parse_date(date_text, bounds)
    if mail.date_problem == "missing" and h.get("received"):
        # No Date at all (robots such as GitBox send none): the time the first server stamped on
        # it (the oldest Received hop) is this message's own time. A Date that is present but
        # unparseable or implausible is never replaced: that would be a guess.
        date, problem = _parse_date(str(h["received"][-1]).rpartition(";")[2], bounds)
        if problem is None:
            mail.date, mail.date_fallback = date, "Received"
    subject_text = _decode_words(first("subject") or "")
    subject, mail.subject_kind = normalise_subject(subject_text)
    mail.subject_key = _hash([subject]) if subject else None
    if mail.sender and date_text is not None and str(date_text).strip():
        # List tags are left out: a list server adds "[dev] " to the copy it distributes.
        tagless = " ".join(_strip_tags(subject_text).split())
        mail.content_hash = _hash((mail.sender[1], str(date_text).strip(), *sorted(a for _, a in mail.to), "|",
                                   *sorted(a for _, a in mail.cc), "|", tagless))
        if mail.date_problem in (None, "implausible"):
            mail.fingerprint = mail.content_hash
    irt = first("in-reply-to")
    mail.in_reply_to = _message_id(irt) if irt else None
    refs = h.get("references")
    if refs:
        mail.references = [r for r in (_message_id(x) for x in _MSGID.findall(" ".join(str(r) for r in refs))) if r]
    post = first("list-post")
    if post:
        m = re.search(r"<\s*(mailto:[^>]+)>", str(post), re.IGNORECASE)
        mail.list_post = normalise_address(m.group(1) if m else str(post))
    list_id = first("list-id")
    if list_id:
        m = re.search(r"<([^<>]+)>", str(list_id))
        mail.list_id = (m.group(1) if m else str(list_id)).strip().lower() or None
    mail.list_address = mail.list_post or mail.list_id
    mail.bulk = _is_bulk(h, mail)
    return mail


def _strip_tags(subject: str) -> str:
    # Leading "[tag]" groups only: "Re: [dev] x" keeps its tag, as both copies of it have it.
    return _LEADING_TAGS.sub("", subject) if "[" in subject else subject


def _is_bulk(h: dict[str, list[str]], mail: Mail) -> bool:
    if not _AUTOMATED.isdisjoint(h):
        auto = _first(h, "auto-submitted")
        if "x-auto-response-suppress" in h or (auto is not None and auto.strip().lower() != "no"):
            return True
    listed = not _LIST_HEADERS.isdisjoint(h) or (
        (_first(h, "precedence") or "").strip().lower() in ("bulk", "list", "junk"))
    if not listed:
        return False
    # A person's mail to a list carries the list's headers too (the list server adds them):
    # that is not bulk mail from its sender.
    recipients = {a for _, a in mail.to + mail.cc}
    for address in (mail.list_post, _list_id_address(mail.list_id) if mail.list_id else None):
        if address and address in recipients:
            return False
    return True


def _first(h: dict[str, list[str]], name: str) -> str | None:
    values = h.get(name)
    return values[0] if values else None


def _thread_roots(mails: list[Mail]) -> list[str]:
    # Root of the References chain; when a parent was read, its own root wins (some clients
    # truncate References), with a guard against reference cycles.
    by_id = {m.message_id: m for m in mails}
    roots: dict[str, str] = {}

    def own_root(m: Mail) -> str:
        return m.references[0] if m.references else (m.in_reply_to or str(m.message_id))

    out = []
    for m in mails:
        chain: list[str] = []
        cur = m
        while True:
            mid = str(cur.message_id)
            if mid in roots:
                root = roots[mid]
                break
            chain.append(mid)
            parent = cur.in_reply_to or (cur.references[-1] if cur.references else None)
            nxt = by_id.get(parent) if parent else None
            if nxt is None or str(nxt.message_id) in chain:
                root = own_root(cur)
                break
            cur = nxt
        for c in chain:
            roots[c] = root
        out.append(roots[str(m.message_id)])
    return out


def _subject_parents(mails: list[Mail], lists: set[str], window: timedelta) -> dict[int, int]:
    """Link each mail without threading headers but with a reply/forward subject to its parent.

    An index per (subject, person) of the dates at which that person sent or received a mail
    with that subject (and per (subject, list)) is searched by bisection: O(n log n) overall,
    never a scan over all pairs. Returns child index -> parent index.
    """
    children = [i for i, m in enumerate(mails)
                if m.subject_kind and m.subject_key and m.date is not None
                and not m.in_reply_to and not m.references]
    if not children:
        return {}
    wanted = {mails[i].subject_key for i in children}
    sent: dict[tuple[str, str], list[tuple[datetime, int]]] = {}
    received: dict[tuple[str, str], list[tuple[datetime, int]]] = {}
    for i, m in enumerate(mails):
        key = m.subject_key
        if key not in wanted or m.date is None or m.sender is None:
            continue
        sent.setdefault((key, m.sender[1]), []).append((m.date, i))
        for _, addr in m.to + m.cc + m.bcc:
            received.setdefault((key, addr), []).append((m.date, i))
        if m.list_address:
            received.setdefault((key, "list:" + m.list_address), []).append((m.date, i))
    for index in (sent, received):
        for entries in index.values():
            entries.sort()
    parents: dict[int, int] = {}
    for c in children:
        m = mails[c]
        assert m.sender is not None and m.date is not None and m.subject_key is not None
        key, when, earliest = m.subject_key, m.date, m.date - window
        # The replier received the earlier mail, the earlier sender receives the reply, or
        # both went through the same list: the participants are shared.
        recipients = {a for _, a in m.to + m.cc + m.bcc}
        lookups = [received.get((key, m.sender[1]))]
        lookups += [sent.get((key, addr)) for addr in recipients]
        lookups += [received.get((key, addr)) for addr in recipients & lists]  # earlier mail to the same list
        if m.list_address:
            lookups.append(received.get((key, "list:" + m.list_address)))
        best: tuple[datetime, int] | None = None
        for entries in lookups:
            if not entries:
                continue
            j = bisect.bisect_left(entries, (when, -1)) - 1  # strictly earlier
            while j >= 0 and entries[j][1] == c:
                j -= 1
            if j >= 0 and entries[j][0] >= earliest and (best is None or entries[j] > best):
                best = entries[j]
        if best is not None:
            parents[c] = best[1]
    return parents


def _resolve(redirect: dict[str, str], thread: str) -> str:
    seen = {thread}
    while thread in redirect:
        thread = redirect[thread]
        if thread in seen:
            break
        seen.add(thread)
    return thread


def _dedupe(mails: list[Mail], options: EmailOptions, skipped: Counter[str]) -> list[Mail]:
    # Which copy of a mail is kept must not depend on the order files were read in: the copy
    # naming the most recipients (the sender's own, with its Bcc), then by Message-ID and header
    # hash: all from the content.
    for m in mails:
        if m.message_id is None:
            m.message_id = f"<{m.content_hash or m.header_hash}@no-message-id.invalid>"
            skipped[_NO_MSGID] += 1
    order = sorted(range(len(mails)), key=lambda i: (-len(mails[i].to) - len(mails[i].cc) - len(mails[i].bcc),
                                                     str(mails[i].message_id), mails[i].header_hash))
    keep = np.zeros(len(mails), dtype=bool)
    seen: set[str] = set()
    for i in order:
        m = mails[i]
        if m.message_id in seen:
            skipped[_DUPLICATE] += 1
            continue
        seen.add(str(m.message_id))
        if options.dedupe == "headers" and m.fingerprint is not None:
            if m.fingerprint in seen:
                skipped[_DUPLICATE_COPY] += 1
                continue
            seen.add(m.fingerprint)
        if m.sender is None:
            skipped[_NO_SENDER] += 1
            continue
        keep[i] = True
    return [m for m, k in zip(mails, keep, strict=True) if k]


def _check_dates(mails: list[Mail], options: EmailOptions) -> None:
    # The isolated-date rule needs every mail's date at once: one vectorised pass, per message.
    if options.date_check != "outliers" or not mails:
        return
    ts = pa.array([m.date for m in mails], type=pa.timestamp("us", tz="UTC"))
    check = check_dates(ts, earliest=options.earliest, latest=options.latest, date_check=options.date_check)
    for i in np.flatnonzero(check.implausible):
        m = mails[int(i)]
        m.date, m.date_problem = None, "isolated"


def _sender_evidence(mails: list[Mail]) -> pd.DataFrame:
    senders = pd.DataFrame({
        "sender": [m.sender[1] for m in mails],  # type: ignore[index]
        "bulk": np.fromiter((m.bulk for m in mails), dtype=bool, count=len(mails)),
        "list_id": pd.Series([m.list_id for m in mails], dtype="string"),
    })
    out = senders.groupby("sender", sort=False).agg(sent=("bulk", "size"), bulk_sent=("bulk", "sum"))
    # The List-Id each sender used most; ties go to the first in alphabetical order.
    pairs = senders.dropna(subset=["list_id"]).value_counts(["sender", "list_id"]).reset_index()
    pairs = pairs.sort_values(["sender", "count", "list_id"], ascending=[True, False, True])
    out["list_id"] = pairs.drop_duplicates("sender").set_index("sender")["list_id"].reindex(out.index)
    return out.astype({"sent": "int64", "bulk_sent": "int64", "list_id": "string"})


def mails_to_result(
    mails: Iterable[Mail],
    *,
    format: str = "email",
    path: str = "",
    records_read: int | None = None,
    skipped: Counter[str] | None = None,
    options: EmailOptions | None = None,
    **kwargs: object,
) -> ReadResult:
    """Turn parsed mails into events and people (see the module notes for the rules).

    Parameters
    ----------
    mails : iterable of Mail
        In reading order (events follow it; which copy of a mail is kept does not).
    format, path : str
        Reader name and what was read, copied into the result.
    records_read : int, optional
        Messages looked at (default: the number of mails).
    skipped : collections.Counter, optional
        Skips the reader already counted (unreadable files, ...); more are added.
    options : EmailOptions, optional
        Or give its fields as keyword arguments.

    Returns
    -------
    ReadResult
        Events with ``source="email"``; people with ``person``, ``name`` (display name most
        often seen), ``email``, ``sent``, ``bulk_sent`` and ``list_id``.
    """
    if options is None:
        options = EmailOptions(**kwargs)  # type: ignore[arg-type]
    elif kwargs:
        raise TypeError(f"give either options or keyword options, not both: {sorted(kwargs)}")
    skipped = Counter() if skipped is None else skipped
    mails = list(mails)
    n_read = len(mails) if records_read is None else records_read

    kept = _dedupe(mails, options, skipped)
    _check_dates(kept, options)
    sender_of = {m.message_id: m.sender[1] for m in kept if m.sender}
    lists = {a for a in (normalise_address(x) for x in options.list_addresses) if a}
    lists |= {m.list_post for m in kept if m.list_post}
    roots = _thread_roots(kept)
    parents: dict[int, int] = {}
    if options.threading == "headers+subjects":
        parents = _subject_parents(kept, lists, timedelta(days=float(options.subject_window)))
    if parents:
        # A child joins its parent's thread, and so does everything threaded under the child.
        redirect: dict[str, str] = {}
        for c in sorted(parents, key=lambda i: kept[i].date):  # type: ignore[arg-type, return-value]
            target = _resolve(redirect, roots[parents[c]])
            if target != _resolve(redirect, roots[c]):
                redirect[roots[c]] = target
        roots = [_resolve(redirect, r) for r in roots]
    cap = int(options.max_recipients)
    names: dict[str, Counter[str]] = {}

    def saw(name: str | None, addr: str) -> None:
        c = names.setdefault(addr, Counter())
        if name:
            c[name] += 1

    ts: list[datetime | None] = []
    kinds: list[str] = []
    actors: list[str] = []
    targets: list[str | None] = []
    weights: list[float] = []
    channels: list[str | None] = []
    threads: list[str] = []
    items: list[str] = []
    for i, (m, root) in enumerate(zip(kept, roots, strict=True)):
        assert m.sender is not None and m.message_id is not None
        sender = m.sender[1]
        recips = m.to + m.cc + (m.bcc if options.include_bcc else [])
        on_list = [a for _, a in recips if a in lists]
        channel = m.list_address or (on_list[0] if on_list else None)
        people_rcpt: list[tuple[str | None, str]] = []
        dup: set[str] = {sender}
        for name, addr in recips:
            if addr in dup or addr in lists:
                continue
            dup.add(addr)
            people_rcpt.append((name, addr))
        header_reply = bool(m.in_reply_to or m.references)
        parent = i in parents
        if channel is not None and (header_reply or parent):
            author = kept[parents[i]].sender[1] if parent else sender_of.get(  # type: ignore[index]
                m.in_reply_to or m.references[-1])
            if author is not None and author not in dup and author not in lists:
                people_rcpt.append((None, author))
        n = len(people_rcpt)
        if n == 0 and channel is None:
            skipped[_NO_RECIPIENT] += 1
            continue
        factor = 1.0
        if n > cap:
            if options.mass_mail == "drop":
                skipped[f"mass mail (more than {cap} recipients)"] += 1
                continue
            skipped[f"mass mail (more than {cap} recipients, kept down-weighted)"] += 1
            factor = cap / n
        if m.date_fallback and m.date is not None:
            skipped[_DATE_FROM_RECEIVED] += 1
        elif m.date_problem:
            skipped[{"missing": _DATE_MISSING, "unparseable": _DATE_BAD, "isolated": _DATE_ISOLATED}.get(
                m.date_problem, _DATE_IMPLAUSIBLE)] += 1
        if m.not_utf8:
            skipped[_NOT_UTF8] += 1
        if m.truncated:
            skipped[_TRUNCATED_NOTE] += 1
        if parent:
            skipped[_SUBJECT_REPLY if m.subject_kind == "reply" else _SUBJECT_SHARE] += 1
        saw(m.sender[0], sender)
        kind = "reply" if header_reply else (str(m.subject_kind) if parent else "post")
        if n == 0:
            rows: list[tuple[str | None, float]] = [(None, 1.0)]
        else:
            w = (1.0 / n if options.recipient_weight == "split" else 1.0) * factor
            rows = [(addr, w) for _, addr in people_rcpt]
            for name, addr in people_rcpt:
                saw(name, addr)
        item = mail_key(m, options.dedupe)
        for target, w in rows:
            ts.append(m.date)
            kinds.append(kind)
            actors.append(sender)
            targets.append(target)
            weights.append(w)
            channels.append(channel)
            threads.append(root)
            items.append(item)

    external = _external(actors, targets, options.org_domain)  # type: ignore[arg-type]
    table = pa.table(
        {
            "ts": pa.array(ts, type=pa.timestamp("us", tz="UTC")),
            "kind": pa.array(kinds, type=pa.string()),
            "actor": pa.array(actors, type=pa.string()),
            "target": pa.array(targets, type=pa.string()),
            "weight": pa.array(weights, type=pa.float64()),
            "channel": pa.array(channels, type=pa.string()),
            "thread": pa.array(threads, type=pa.string()),
            "item": pa.array(items, type=pa.string()),
            "external": pa.array(external, type=pa.bool_()),
        }
    )
    events = coerce_events(table, source=SOURCE, where=path or format)
    people = pd.DataFrame(
        {
            "person": pd.Series(list(names), dtype="string"),
            "name": pd.Series([c.most_common(1)[0][0] if c else None for c in names.values()], dtype="string"),
            "email": pd.Series(list(names), dtype="string"),
        }
    )
    evidence = _sender_evidence(kept).reindex(list(names))
    people["sent"] = evidence["sent"].fillna(0).astype("int64").to_numpy()
    people["bulk_sent"] = evidence["bulk_sent"].fillna(0).astype("int64").to_numpy()
    people["list_id"] = pd.Series(evidence["list_id"].to_numpy(), dtype="string")
    return ReadResult(
        events=events,
        people=people,
        format=format,
        path=path,
        records_read=n_read,
        records_skipped=skipped,
    )


def _external(actors: list[str], targets: list[str | None], domains: list[str]) -> np.ndarray:
    if not domains or not actors:
        return np.zeros(len(actors), dtype=bool)
    a = pa.array(actors, type=pa.string())
    t = pa.array(targets, type=pa.string())

    def inside(col: pa.Array) -> pa.Array:
        dom = pc.struct_field(pc.extract_regex(col, r"@(?P<d>[^@]+)$"), [0])
        ok = pc.is_in(dom, value_set=pa.array(domains))
        for d in domains:
            ok = pc.or_(ok, pc.ends_with(dom, "." + d))
        return pc.fill_null(ok, False)

    actor_in = inside(a)
    target_in = pc.if_else(pc.is_null(t), True, inside(t))
    return np.asarray(pc.invert(pc.and_(actor_in, target_in)).to_numpy(zero_copy_only=False), dtype=bool)


def read_header_file(path: str | Path) -> bytes:
    """Return the header block of a one-message file (a maildir entry or an ``.eml`` file).

    Reads in chunks up to the first blank line, so a large attachment is never read.

    Raises
    ------
    InputError
        The file cannot be opened.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "1."
    >>> _ = p.write_bytes(b"From: a@x.org\\nTo: b@x.org\\n\\nsecret body")
    >>> read_header_file(p)
    b'From: a@x.org\\nTo: b@x.org\\n'
    """
    with open_regular(path) as f:
        try:
            data = f.read(_CHUNK)
            while True:
                m = _BLANK_LINE.search(data)
                if m:
                    return data[: m.start() + 1]
                if len(data) >= MAX_HEADER_BYTES:
                    return data[:MAX_HEADER_BYTES]
                more = f.read(_CHUNK)
                if not more:
                    return data
                data += more
        except OSError as exc:
            raise InputError(path, f"cannot read: {exc.strerror or exc}") from exc


def mails_from_files(
    files: Iterable[Path | str],
    *,
    root: Path,
    bounds: tuple[datetime, datetime] | None,
    skipped: Counter[str],
) -> tuple[list[Mail], int]:
    """Parse the header of each one-message file; files that are not mail are counted skips.

    Returns
    -------
    mails : list of Mail
    files_read : int
        Files opened (mails and non-mail files alike).
    """
    mails: list[Mail] = []
    n = 0
    prefix = os.path.join(str(root), "")
    for f in files:
        n += 1
        try:
            head = read_header_file(f)
        except NotRegularFile:
            skipped[NOT_REGULAR] += 1
            continue
        except InputError:
            skipped[UNREADABLE] += 1
            continue
        if not head.strip():
            skipped["empty file"] += 1
            continue
        if not looks_like_headers(head[:4096]):
            skipped["not an e-mail (no header lines at the start)"] += 1
            continue
        # The name relative to the root, by string: pathlib's relative_to costs more than a parse.
        name = str(f)
        where = name[len(prefix):] if name.startswith(prefix) else name
        mails.append(parse_headers(head, where, bounds=bounds))
    return mails, n


def as_paths(path: str | Path | Sequence[str | Path]) -> list[Path]:
    """Return the paths a reader was given: one path, or several read together.

    Examples
    --------
    >>> [p.name for p in as_paths("a/b.mbox")], [p.name for p in as_paths(["x", "y"])]
    (['b.mbox'], ['x', 'y'])
    """
    if isinstance(path, str | Path):
        return [Path(path)]
    paths = [Path(p) for p in path]
    if not paths:
        raise InputError("(no path)", "no path given; expected a file or folder of e-mail")
    return paths


def describe_paths(paths: Sequence[Path]) -> str:
    """Name what was read: the path, or the folder holding several and how many.

    Examples
    --------
    >>> describe_paths([Path("m/a"), Path("m/b")]).replace("\\\\", "/")
    'm (2 paths)'
    """
    if len(paths) == 1:
        return str(paths[0])
    try:
        common = os.path.commonpath([str(p) for p in paths])
    except ValueError:  # different drives
        common = ""
    return f"{common or '.'} ({len(paths)} paths)"


class Collector(Protocol):
    """What each e-mail reader provides for :func:`read_mail`: one path's mails, parsed.

    ``collect(path, bounds, skipped) -> (mails, records_read)``: the :class:`Mail` of every
    message under ``path`` (``bounds`` is the plausible date range for :func:`parse_headers`),
    with records that are not mail counted in ``skipped``; ``records_read`` is the number of
    messages (mbox) or files (maildir, eml) looked at. Raises :class:`InputError` when the path
    cannot be read as that format.
    """

    def __call__(self, path: Path, bounds: tuple[datetime, datetime] | None,
                 skipped: Counter[str]) -> tuple[list[Mail], int]: ...  # pragma: no cover


def read_mail(
    paths: str | Path | Sequence[str | Path],
    *,
    format: str | None = None,
    **options: Any,
) -> ReadResult:
    """Read several e-mail exports together (mbox files, maildir trees, ``.eml`` files, in any mix).

    Read together, copies of one mail are counted once, replies are threaded and subjects are
    linked across all of them, and dates are judged against all of them: the events are the
    same whether a mailbox is passed as one folder, as its sub-folders or as one path per file.
    (Read one path at a time, the events of two calls share ``item`` keys, so a later
    de-duplication finds the copies, but threads and subjects cannot be linked across calls.)

    Parameters
    ----------
    paths : path or sequence of paths
        Files and folders; each one's format is sniffed (``.eml`` or any message file, an mbox
        file or a folder of them, a maildir tree) unless ``format`` is given.
    format : {"mbox", "maildir", "eml"}, optional
        The format of every path.
    **options
        Fields of :class:`EmailOptions`.

    Returns
    -------
    ReadResult
        ``format`` is the format read (formats joined by ``+`` when mixed).

    Raises
    ------
    InputError
        A path is missing, is not e-mail, or cannot be read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for name, to in (("1.", "ben@x.org"), ("2.", "ben@x.org")):
    ...     _ = (d / name).write_bytes(b"Message-ID: <1@x>\\nFrom: ana@x.org\\nTo: " + to.encode() + b"\\n\\nhi")
    >>> res = read_mail([d / "1.", d / "2."])
    >>> res.format, res.records_read, res.events.num_rows
    ('eml', 2, 1)
    """
    from orgnet.connectors import eml, maildir, mbox

    collectors: dict[str, Collector] = {"mbox": mbox.collect, "maildir": maildir.collect, "eml": eml.collect}
    if format is not None and format not in collectors:
        raise InputError(str(paths), f"not an e-mail format: {format!r}; expected one of {', '.join(collectors)}")
    opts = EmailOptions(**options)
    bounds = opts.date_bounds()
    skipped: Counter[str] = Counter()
    mails: list[Mail] = []
    n_read = 0
    formats: list[str] = []
    given = as_paths(paths)
    for p in given:
        check_path(p)  # a FIFO or device is refused before anything opens it
        fmt = format or _sniff_mail(p, eml.sniff, mbox.sniff, maildir.sniff)
        found, n = collectors[fmt](p, bounds, skipped)
        mails.extend(found)
        n_read += n
        formats.append(fmt)
    name = "+".join(dict.fromkeys(formats))
    return mails_to_result(mails, format=name, path=describe_paths(given), records_read=n_read,
                           skipped=skipped, options=opts)


def _sniff_mail(path: Path, *sniffers: Callable[[Path], bool]) -> str:
    for sniff, name in zip(sniffers, ("eml", "mbox", "maildir"), strict=True):
        if sniff(path):
            return name
    if path.is_file():
        return "eml"  # the eml reader reads any one-message file, and says so when it is not one
    raise InputError(path, "no e-mail found here; expected an mbox file, a maildir tree or .eml messages")
