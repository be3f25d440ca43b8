"""Shared e-mail parsing for the mbox, maildir and .eml readers: headers to mails, mails to events.

Only header blocks are parsed (never bodies), so no text a person wrote can reach the events or
the people table. The readers find the header block of each message and hand it to
:func:`parse_headers`; :func:`mails_to_result` then de-duplicates by Message-ID, threads the mails,
recognises mailing lists and turns each mail into one event per recipient.

Rules (documented in ``docs/connectors/email.md``):

* a mail is a ``post`` from its sender to each To/Cc recipient (Bcc only with ``include_bcc``),
  or a ``reply`` when it has ``In-Reply-To`` or ``References``; one event per recipient with
  weight ``1/n`` over its ``n`` recipients (``recipient_weight="unit"`` gives 1 each);
* ``thread`` is the root Message-ID of the References chain (its own id for a thread starter);
  ``item`` is ``"<message-id> <recipient>"`` so rows stay unique and
  :func:`message_id_of_item` recovers the Message-ID;
* the same Message-ID read twice (several folders) counts once;
* a mail sent to a mailing list has the list as ``channel``; the list address is not a person,
  so a reply's target is the author of the message it answers when that message was read,
  and a list post with no personal recipient has a null target;
* mass mail (more than ``max_recipients`` recipients) is dropped or down-weighted;
* a missing, unparseable or implausible ``Date`` is replaced by the oldest ``Received`` hop,
  the mbox envelope line or ``Archived-At`` when one is plausible, else ``ts`` is null: the
  mail is still a tie; both cases are counted in ``records_skipped``.

Examples
--------
>>> raw = (b"Message-ID: <1@x>\\nFrom: Ana <Ana@Example.org>\\nTo: ben@example.org, cy@other.net\\n"
...        b"Date: Mon, 6 Jan 2025 09:00:00 +0000\\n")
>>> res = mails_to_result([parse_headers(raw, "m1")], org_domain="example.org")
>>> res.events.select(["kind", "actor", "target", "weight", "external"]).to_pylist()[0]
{'kind': 'post', 'actor': 'ana@example.org', 'target': 'ben@example.org', 'weight': 0.5, 'external': False}
>>> res.people["name"].tolist()
['Ana', <NA>, <NA>]
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.header import decode_header, make_header
from email.parser import HeaderParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_tz
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgnet.connectors.base import InputError, ReadResult
from orgnet.events import coerce_events

__all__ = [
    "EmailOptions",
    "Mail",
    "header_end",
    "looks_like_headers",
    "looks_like_mail",
    "mails_from_files",
    "mails_to_result",
    "message_id_of_item",
    "normalise_address",
    "parse_headers",
    "read_header_file",
]

SOURCE = "email"

#: Largest header block read from one message; real headers are a few KiB, Enron's longest ~60 KiB.
MAX_HEADER_BYTES = 1 << 20
_CHUNK = 1 << 16

_HEADER_PARSER = HeaderParser(policy=compat32)
_MSGID = re.compile(r"<[^<>\s]+>")
_HEADER_LINE = re.compile(rb"^[!-9;-~]{1,80}:")
_YEAR_WITH_ZEROS = re.compile(r"\b\d{1,2}\s+[A-Za-z]{3}\s+0\d{3}\b")
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_BARE_ADDRESSES = re.compile(r"[^\"()<>;:\\\[\]]*")
_MAIL_FIELD = re.compile(rb"(?im)^(?:from|to|message-id|date|received|return-path|delivered-to):")

_DATE_MISSING = "date missing (kept without timestamp)"
_DATE_BAD = "date unparseable (kept without timestamp)"
_DATE_IMPLAUSIBLE = "date implausible (kept without timestamp)"
_NOT_UTF8 = "header not UTF-8 (decoded as Latin-1, kept)"
_NO_MSGID = "no Message-ID (id made from a hash of the headers, kept)"
_NO_SENDER = "no sender address"
_DUPLICATE = "duplicate message-id"
_DUPLICATE_COPY = "duplicate copy (same sender, Date, recipients and subject; other Message-ID)"
_NO_RECIPIENT = "no recipient (none, or only the sender)"


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
        Dates outside ``[earliest, latest]`` are bogus (the 1979-12-31 of broken clients, a 2040
        clock). Defaults: 1990-01-01 and one day after the read.
    dedupe : {"headers", "message-id"}
        ``message-id``: a mail whose Message-ID was already read is a duplicate. ``headers``
        (default) also drops a mail with the same sender, ``Date``, To, Cc and Subject as one
        already read: copies of one mail filed in several folders sometimes got their own
        Message-ID (all of Enron's do). Mails without a parseable ``Date`` are never matched
        this way (bots send many mails with one subject).
    """

    include_bcc: bool = False
    org_domain: str | Sequence[str] | None = None
    max_recipients: int = 50
    mass_mail: str = "drop"
    recipient_weight: str = "split"
    list_addresses: Sequence[str] = ()
    earliest: str | datetime | None = "1990-01-01"
    latest: str | datetime | None = None
    dedupe: str = "headers"

    def __post_init__(self) -> None:
        if self.dedupe not in ("message-id", "headers"):
            raise ValueError(f"dedupe must be 'message-id' or 'headers', not {self.dedupe!r}")
        if self.mass_mail not in ("drop", "downweight"):
            raise ValueError(f"mass_mail must be 'drop' or 'downweight', not {self.mass_mail!r}")
        if self.recipient_weight not in ("split", "unit"):
            raise ValueError(f"recipient_weight must be 'split' or 'unit', not {self.recipient_weight!r}")
        if int(self.max_recipients) < 1:
            raise ValueError(f"max_recipients must be at least 1, not {self.max_recipients!r}")
        if isinstance(self.org_domain, str):
            self.org_domain = [self.org_domain]
        self.org_domain = [d.strip().lower().lstrip("@") for d in (self.org_domain or []) if d.strip()]
        if isinstance(self.list_addresses, str):
            self.list_addresses = [self.list_addresses]

    def date_bounds(self) -> tuple[datetime, datetime]:
        """Return the plausible date range as aware UTC datetimes."""
        lo = _as_utc(self.earliest) if self.earliest is not None else datetime(1, 1, 2, tzinfo=timezone.utc)
        hi = (
            _as_utc(self.latest)
            if self.latest is not None
            else datetime.now(timezone.utc) + timedelta(days=1)
        )
        return lo, hi


def _as_utc(value: str | datetime) -> datetime:
    ts = pd.Timestamp(value)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.to_pydatetime()


@dataclass
class Mail:
    """The header fields of one message that orgnet uses (no subject, no body).

    Attributes
    ----------
    where : str
        File and record, for messages about this mail.
    message_id : str or None
        ``<id@host>`` without spaces.
    sender : tuple of (name, address) or None
    to, cc, bcc : list of (name, address)
        Normalised addresses (lower case) with decoded display names.
    date : datetime or None
        Aware UTC datetime; ``None`` when missing, unparseable or implausible.
    date_problem : str or None
        What was wrong with the ``Date`` header (``"missing"``, ``"unparseable"``,
        ``"implausible"``).
    date_fallback : str or None
        Where ``date`` was taken from instead (``"Received"``, ``"envelope"``, ``"Archived-At"``),
        or ``None`` when no other date was found (then ``date`` is ``None``).
    in_reply_to : str or None
    references : list of str
    list_address : str or None
        The mailing list this copy was distributed by (``List-Post``), or its ``List-Id``.
    list_post : str or None
        The address from ``List-Post`` (a list address, removed from recipients).
    header_hash : str
        Hash of the header block, used as id when there is no Message-ID.
    fingerprint : str or None
        Hash of sender, ``Date``, To, Cc and Subject (the subject itself is not kept); ``None``
        without a parseable ``Date``. Finds copies of one mail that got different Message-IDs.
    not_utf8 : bool
        The header block was not valid UTF-8 and was decoded as Latin-1.
    """

    where: str
    message_id: str | None = None
    sender: tuple[str | None, str] | None = None
    to: list[tuple[str | None, str]] = field(default_factory=list)
    cc: list[tuple[str | None, str]] = field(default_factory=list)
    bcc: list[tuple[str | None, str]] = field(default_factory=list)
    date: datetime | None = None
    date_problem: str | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    list_address: str | None = None
    list_post: str | None = None
    date_fallback: str | None = None
    header_hash: str = ""
    fingerprint: str | None = None
    not_utf8: bool = False


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
    """
    if not value:
        return None
    addr = "".join(str(value).split()).strip("<>\"'").lower()
    if addr.startswith("mailto:"):
        addr = addr[7:].split("?", 1)[0]
    if "@" not in addr or addr.startswith("@") or addr.endswith("@"):
        return None
    return addr


def message_id_of_item(item: str) -> str:
    """Return the Message-ID part of an e-mail event's ``item``.

    Examples
    --------
    >>> message_id_of_item("<1@x> ben@example.org")
    '<1@x>'
    """
    return item.split(" ", 1)[0]


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
    if not value:
        return None
    m = _MSGID.search(str(value))
    if m:
        return m.group(0)
    token = "".join(str(value).split())
    return f"<{token}>" if token else None


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


def parse_headers(raw: bytes, where: str, *, bounds: tuple[datetime, datetime] | None = None) -> Mail:
    """Parse one header block (bytes up to the blank line) into a :class:`Mail`.

    Parameters
    ----------
    raw : bytes
        The header block; a leading mbox ``From `` line is ignored. Non-UTF-8 bytes are read as
        Latin-1; RFC 2047 encoded display names are decoded.
    where : str
        File (and record) for error messages.
    bounds : tuple of datetime, optional
        Plausible date range; dates outside give ``date=None``, ``date_problem="implausible"``.

    Returns
    -------
    Mail

    Examples
    --------
    >>> m = parse_headers(b"From: =?utf-8?q?Jos=C3=A9?= <jose@x.org>\\nDate: nonsense\\n", "f")
    >>> m.sender, m.date_problem
    (('José', 'jose@x.org'), 'unparseable')
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    envelope = b""
    if raw.startswith(b"From "):
        envelope, _, raw = raw.partition(b"\n")
    try:
        text = raw.decode("utf-8")
        not_utf8 = False
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
        not_utf8 = True
    msg = _HEADER_PARSER.parsestr(text, headersonly=True)
    mail = Mail(where=where, not_utf8=not_utf8)
    mail.header_hash = hashlib.blake2b(raw, digest_size=12).hexdigest()
    mail.message_id = _message_id(msg.get("message-id"))
    senders = _addresses(msg.get_all("from")) or _addresses(msg.get_all("sender"))
    if senders:
        name, addr = senders[0]
        if name is None:
            # Enron-style exports keep the display name in X-From ("Phillip K Allen").
            xfrom = msg.get("x-from")
            if xfrom:
                xname = str(xfrom).split("<", 1)[0]
                name = _clean_name(xname, addr)
        mail.sender = (name, addr)
    mail.to = _addresses(msg.get_all("to"))
    mail.cc = _addresses(msg.get_all("cc"))
    mail.bcc = _addresses(msg.get_all("bcc"))
    mail.date, mail.date_problem = _parse_date(msg.get("date"), bounds)
    if mail.sender and mail.date_problem is None:
        parts = (mail.sender[1], str(msg.get("date")).strip(), *sorted(a for _, a in mail.to), "|",
                 *sorted(a for _, a in mail.cc), "|", " ".join(str(msg.get("subject", "")).split()))
        mail.fingerprint = hashlib.blake2b("\n".join(parts).encode("utf-8", "surrogatepass"),
                                           digest_size=12).hexdigest()
    if mail.date_problem:
        # A mail with no usable Date still has the time it went through a server (the oldest
        # Received hop), the time an mbox archive got it (its envelope line) or Archived-At.
        received = msg.get_all("received") or []
        envelope_date = envelope.decode("latin-1").split(None, 2)[2:] if envelope else []
        for source, value in (
            ("Received", str(received[-1]).rpartition(";")[2] if received else None),
            ("envelope", envelope_date[0] if envelope_date else None),
            ("Archived-At", msg.get("archived-at")),
        ):
            date, problem = _parse_date(value, bounds)
            if problem is None:
                mail.date, mail.date_fallback = date, source
                break
    mail.in_reply_to = _message_id(msg.get("in-reply-to")) if msg.get("in-reply-to") else None
    refs = msg.get_all("references")
    mail.references = _MSGID.findall(" ".join(str(r) for r in refs)) if refs else []
    post = msg.get("list-post")
    if post:
        m = re.search(r"<\s*(mailto:[^>]+)>", str(post), re.IGNORECASE)
        mail.list_post = normalise_address(m.group(1) if m else str(post))
    list_id = msg.get("list-id")
    if mail.list_post:
        mail.list_address = mail.list_post
    elif list_id:
        m = re.search(r"<([^<>]+)>", str(list_id))
        mail.list_address = (m.group(1) if m else str(list_id)).strip().lower() or None
    return mail


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
        In reading order: the first copy of a Message-ID is kept.
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
        often seen) and ``email``.
    """
    if options is None:
        options = EmailOptions(**kwargs)  # type: ignore[arg-type]
    elif kwargs:
        raise TypeError(f"give either options or keyword options, not both: {sorted(kwargs)}")
    skipped = Counter() if skipped is None else skipped
    mails = list(mails)
    n_read = len(mails) if records_read is None else records_read

    kept: list[Mail] = []
    seen: set[str] = set()
    for m in mails:
        if m.message_id is None:
            m.message_id = f"<{m.header_hash}@no-message-id.invalid>"
            skipped[_NO_MSGID] += 1
        if m.message_id in seen:
            skipped[_DUPLICATE] += 1
            continue
        seen.add(m.message_id)
        if options.dedupe == "headers" and m.fingerprint is not None:
            if m.fingerprint in seen:
                skipped[_DUPLICATE_COPY] += 1
                continue
            seen.add(m.fingerprint)
        if m.sender is None:
            skipped[_NO_SENDER] += 1
            continue
        kept.append(m)

    sender_of = {m.message_id: m.sender[1] for m in kept if m.sender}
    lists = {a for a in (normalise_address(x) for x in options.list_addresses) if a}
    lists |= {m.list_post for m in kept if m.list_post}
    roots = _thread_roots(kept)
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
    for m, root in zip(kept, roots, strict=True):
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
        is_reply = bool(m.in_reply_to or m.references)
        if channel is not None and is_reply:
            parent = m.in_reply_to or m.references[-1]
            author = sender_of.get(parent)
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
        if m.date_problem and m.date_fallback:
            skipped[f"date {m.date_problem} (taken from {m.date_fallback}, kept)"] += 1
        elif m.date_problem:
            skipped[{"missing": _DATE_MISSING, "unparseable": _DATE_BAD}.get(m.date_problem, _DATE_IMPLAUSIBLE)] += 1
        if m.not_utf8:
            skipped[_NOT_UTF8] += 1
        saw(m.sender[0], sender)
        kind = "reply" if is_reply else "post"
        if n == 0:
            rows: list[tuple[str | None, float]] = [(None, 1.0)]
        else:
            w = (1.0 / n if options.recipient_weight == "split" else 1.0) * factor
            rows = [(addr, w) for _, addr in people_rcpt]
            for name, addr in people_rcpt:
                saw(name, addr)
        for target, w in rows:
            ts.append(m.date)
            kinds.append(kind)
            actors.append(sender)
            targets.append(target)
            weights.append(w)
            channels.append(channel)
            threads.append(root)
            items.append(f"{m.message_id} {target}" if target else m.message_id)

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
    try:
        with open(path, "rb") as f:
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
    files: Iterable[Path],
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
    for f in files:
        n += 1
        try:
            head = read_header_file(f)
        except InputError:
            skipped["unreadable file"] += 1
            continue
        if not head.strip():
            skipped["empty file"] += 1
            continue
        if not looks_like_headers(head[:4096]):
            skipped["not an e-mail (no header lines at the start)"] += 1
            continue
        try:
            where = str(f.relative_to(root)) if f != root else str(f)
        except ValueError:
            where = str(f)
        mails.append(parse_headers(head, where, bounds=bounds))
    return mails, n
