"""Say what an export holds before analysing it: format, records read and skipped, people, channels, period.

The figures are computed from the reader's :class:`~orgnet.connectors.base.ReadResult` only
(its events table and people table), so they mean the same thing for every format, including
readers added later.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "e.csv").write_text("ts,kind,actor,target\\n2024-01-02,post,ana,\\n2024-01-03,reply,ben,ana\\n")
>>> s = inspect_paths([d / "e.csv"])
>>> s["format"], s["messages"], s["replies"], s["people"], s["first"]
('csv', 2, 1, 2, '2024-01-02T00:00:00Z')
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgnet.connectors.base import ReadResult, split_kept
from orgnet.events import contributions
from orgnet.identity import alias_file
from orgnet.load import LoadedEvents, identify, read_input

__all__ = ["FIGURES", "identities", "inspect_paths", "inspect_result", "membership_line"]

#: The figures reported for each source, in display order.
FIGURES: tuple[str, ...] = (
    "format", "records_read", "records_skipped", "events", "messages", "posts", "replies",
    "reactions", "mentions", "people", "active_people", "inactive_people", "external_people", "non_human_people",
    "channels", "threads",
    "threads_with_replies", "first", "last",
)


def membership_line(rule: str, domains: Sequence[str], note: str, members: int, external: int,
                    non_human: int) -> str:
    """How membership was decided and what it gave, as one plain sentence (for the command line).

    Examples
    --------
    >>> membership_line("none", (), "no e-mail senders to infer a domain from", 1005, 0, 0)
    'Everyone in the data is counted as a member (no e-mail senders to infer a domain from): 1,005 members, 0 outside contacts, 0 non-human senders.'
    >>> membership_line("org domain", ("x.org",), "given", 9, 1, 1)[:48]
    'Members are the addresses of x.org (org domain; '
    """
    if rule == "none" or not rule:
        how = "Everyone in the data is counted as a member"
    elif domains:
        how = f"Members are the addresses of {', '.join(domains)} ({rule}"
    else:
        how = f"Members are decided by the {rule}"
    if how.endswith(f"({rule}"):
        how += f"; {note})" if note else ")"
    elif note:
        how += f" ({note})"
    return (f"{how}: {members:,} {'member' if members == 1 else 'members'}, {external:,} outside "
            f"{'contact' if external == 1 else 'contacts'}, {non_human:,} non-human "
            f"{'sender' if non_human == 1 else 'senders'}.")

def inspect_paths(paths: str | Path | Sequence[str | Path], format: str | None = None, **options: Any) -> dict[str, Any]:
    """Read each export and summarise what it holds.

    Parameters
    ----------
    paths : path or sequence of paths
        Exports to read (files, folders, zips); the format of each is sniffed unless given.
    format : str, optional
        Reader name to use for every path instead of sniffing.
    **options
        Passed to the reader: for tables ``column_map``, ``delimiter``, ``no_header`` and
        ``kind_map`` (``orgnet inspect --map/--delimiter/--no-header/--kinds``).; ``org_domain``: the organisation's e-mail domains
        (see :func:`orgnet.load.load_events`).

    Returns
    -------
    dict
        The figures of :data:`FIGURES` plus ``path`` and ``kinds`` (events per kind). With more
        than one path: the totals under the same keys (people, channels and threads counted once
        across sources) and one summary per path under ``sources``.

        ``messages`` counts posts and replies, each message once even when it gives one event
        per recipient (an e-mail); ``events`` and ``kinds`` count event rows; ``people`` everyone the export knows (its people
        table and anyone appearing in an event) as ``orgnet analyze`` and the report count them:
        external correspondents (``external_people``) and non-human senders (lists, bots, role
        mailboxes: ``non_human_people``) set apart; ``active_people`` those people who contributed
        at least once (anything but joining or viewing), ``inactive_people`` the rest (the watchers);
        ``threads`` counts distinct thread ids (a post without replies is a thread of one),
        ``threads_with_replies`` those that got at least one reply; ``first`` and ``last`` are
        ISO 8601 UTC timestamps or ``None``. ``identities`` says who is who across all paths
        (:func:`identities`: membership, non-human senders with their evidence, likely duplicate
        identities).

    Raises
    ------
    InputError
        A path cannot be read (see :func:`orgnet.connectors.read`).
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    if not paths:
        raise ValueError("no path given to inspect")
    org_domain = options.pop("org_domain", None)
    org_domains = [org_domain] if isinstance(org_domain, str) else list(org_domain or [])
    results = [read_input(p, format, org_domains, options) for p in paths]
    summaries = [inspect_result(r) for r in results]
    if len(results) == 1:
        out = summaries[0]
    else:
        out = _totals(results, summaries)
        out["sources"] = summaries
    loaded = identify(results, org_domains=org_domains)
    # People counted as analyze and the report count them: after identity resolution, with
    # external correspondents and non-human senders set apart (never a person). Each source
    # alone is resolved alone.
    out.update(_people_figures(loaded))
    if len(results) > 1:
        for r, s in zip(results, summaries, strict=True):
            s.update(_people_figures(identify([r], org_domains=org_domains)))
    out["identities"] = identities(loaded)
    return out


def _people_figures(loaded: LoadedEvents) -> dict[str, int]:
    """People, active people and watchers as analyze counts them; external and non-human accounts apart."""
    people = loaded.people
    ev = loaded.events
    everyone = _distinct(ev.column("actor")) | _distinct(ev.column("target"))
    non_human: set[str] = set()
    external: set[str] = set()
    if "person" in people.columns:
        ids = people["person"].astype("string")
        everyone |= set(ids.dropna().astype(str))
        if "non_human" in people.columns:
            non_human = set(ids[(people["non_human"].fillna("").astype(str) != "").to_numpy(dtype=bool)].dropna())
        if "external" in people.columns:
            outside = people["external"].astype("boolean").fillna(False).to_numpy(dtype=bool)
            external = set(ids[outside].dropna()) - non_human
    members = everyone - non_human - external
    active = _active(ev) & members
    return {"people": len(members), "active_people": len(active), "inactive_people": len(members - active),
            "external_people": len(external & everyone), "non_human_people": len(non_human & everyone)}


def identities(loaded: LoadedEvents, top: int | None = None) -> dict[str, Any]:
    """Who is who across the inputs: membership, non-human senders and likely duplicates.

    Parameters
    ----------
    loaded : LoadedEvents
        What :func:`orgnet.load.identify` (or :func:`orgnet.load.load_events`) gave.
    top : int, optional
        List at most this many non-human senders and suggestions (all when None).

    Returns
    -------
    dict
        ``membership`` (:meth:`orgnet.identity.Membership.as_dict`), ``non_human`` (one
        ``{"person", "name", "evidence"}`` per account with evidence), ``duplicates`` (one
        ``{"alias", "person", "evidence", "certain"}`` per suggested or merged alias, merged
        first) and ``duplicate_events`` (events dropped as given by an earlier input).

    Examples
    --------
    >>> from orgnet.load import LoadedEvents, mark_loaded
    >>> from orgnet.events import events_from_frame
    >>> import pandas as pd
    >>> ev = events_from_frame(pd.DataFrame({"kind": ["post"], "actor": ["no-reply@x.org"], "target": ["ana@x.org"]}))
    >>> out = identities(mark_loaded(LoadedEvents(ev, pd.DataFrame({"person": ["no-reply@x.org"]}))))
    >>> out["non_human"]
    [{'person': 'no-reply@x.org', 'name': None, 'evidence': 'address pattern: no-reply'}]
    """
    people = loaded.people
    flagged = people[people["non_human"].fillna("") != ""] if "non_human" in people.columns else people.iloc[:0]
    names = flagged["name"] if "name" in flagged.columns else pd.Series(None, index=flagged.index, dtype=object)
    non_human = [{"person": str(p), "name": None if pd.isna(n) else str(n), "evidence": str(e)}
                 for p, n, e in zip(flagged["person"], names, flagged["non_human"], strict=True)]
    rows = alias_file(loaded.duplicates, loaded.merged)
    duplicates = [{"alias": str(r.alias), "person": str(r.person), "evidence": str(r.evidence),
                   "certain": bool(r.certain)} for r in rows.itertuples(index=False)]
    return {
        "membership": loaded.membership.as_dict() if loaded.membership is not None else None,
        "non_human": non_human[:top] if top is not None else non_human,
        "duplicates": duplicates[:top] if top is not None else duplicates,
        "duplicate_events": loaded.duplicate_events,
    }


def inspect_result(result: ReadResult) -> dict[str, Any]:
    """Summarise one :class:`~orgnet.connectors.base.ReadResult` (see :func:`inspect_paths`).

    Examples
    --------
    >>> from orgnet.connectors.base import ReadResult, split_kept
    >>> from orgnet.events import empty_events
    >>> inspect_result(ReadResult(empty_events(), format="csv"))["people"]
    0
    """
    ev = result.events
    kinds = _kind_counts(ev)
    posts, replies = _distinct_messages(ev, "post"), _distinct_messages(ev, "reply")
    everyone = _people_ids(result)
    active = _active(ev)
    first, last = _period(ev)
    summary: dict[str, Any] = {
        "path": result.path,
        "format": result.format,
        "records_read": int(result.records_read),
        "records_skipped": _by_count(split_kept(result.records_skipped)[0]),
        "records_noted": _by_count(split_kept(result.records_skipped)[1]),
        "events": ev.num_rows,
        "kinds": kinds,
        "messages": posts + replies,
        "posts": posts,
        "replies": replies,
        "reactions": kinds.get("reaction", 0),
        "mentions": kinds.get("mention", 0),
        "people": len(everyone),
        "active_people": len(active),
        "inactive_people": len(everyone - active),
        # Known after identity resolution (inspect_paths): None here.
        "external_people": None,
        "non_human_people": None,
        "channels": len(_distinct(ev.column("channel"))),
        "threads": len(_distinct(ev.column("thread"))),
        "threads_with_replies": len(_replied_threads(ev)),
        "first": first,
        "last": last,
    }
    return summary


def _by_count(counts: dict[str, int]) -> dict[str, int]:
    """Reasons, the most frequent first."""
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _kind_counts(ev: pa.Table) -> dict[str, int]:
    if ev.num_rows == 0:
        return {}
    counts = pc.value_counts(ev.column("kind").combine_chunks().cast(pa.string()))
    pairs = zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True)
    return {k: int(n) for k, n in sorted(pairs, key=lambda kv: (-kv[1], kv[0]))}


def _distinct_messages(ev: pa.Table, kind: str) -> int:
    # One e-mail to five people is five events (one per recipient) but one message: a message
    # is one (sender, time, channel, thread). Rows without a time cannot be matched up and
    # count one each.
    kinds = ev.column("kind").combine_chunks().cast(pa.string())
    rows = ev.filter(pc.equal(kinds, kind))
    timed = rows.filter(pc.is_valid(rows.column("ts")))
    keys = ["actor", "ts", "channel", "thread"]
    distinct = timed.select(keys).group_by(keys).aggregate([]).num_rows if timed.num_rows else 0
    return distinct + (rows.num_rows - timed.num_rows)


def _distinct(col: pa.ChunkedArray) -> set[str]:
    return {v for v in pc.unique(col.combine_chunks()).to_pylist() if v is not None}


def _active(ev: pa.Table) -> set[str]:
    # The one definition of "active" (orgnet.events.contributions), as analyze and the report use.
    return _distinct(ev.column("actor").filter(pa.array(contributions(ev))))


def _replied_threads(ev: pa.Table) -> set[str]:
    kind = ev.column("kind").combine_chunks().cast(pa.string())
    return _distinct(ev.column("thread").filter(pc.equal(kind, "reply")))


def _people_ids(result: ReadResult) -> set[str]:
    # The people table lists members who never acted (watchers); events name anyone the table
    # misses (readers without a people table, such as plain CSV).
    ids = set()
    if "person" in result.people.columns:
        ids = {str(p) for p in result.people["person"].dropna()}
    ev = result.events
    return ids | _distinct(ev.column("actor")) | _distinct(ev.column("target"))


def _bounds(ev: pa.Table) -> tuple[Any, Any]:
    ts = ev.column("ts")
    if ev.num_rows == 0 or ts.null_count == ev.num_rows:
        return None, None
    bounds = pc.min_max(ts)
    return bounds["min"].as_py(), bounds["max"].as_py()


def _period(ev: pa.Table) -> tuple[str | None, str | None]:
    first, last = _bounds(ev)
    return _iso(first), _iso(last)


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    text = value.isoformat()
    return text.replace("+00:00", "Z")


def _totals(results: Iterable[ReadResult], summaries: list[dict[str, Any]]) -> dict[str, Any]:
    results = list(results)
    skipped: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    everyone: set[tuple[str, str]] = set()
    active: set[tuple[str, str]] = set()
    channels: set[tuple[str, str]] = set()
    threads: set[tuple[str, str]] = set()
    replied: set[tuple[str, str]] = set()
    for r, s in zip(results, summaries, strict=True):
        skipped.update(r.records_skipped)
        kinds.update(s["kinds"])
        # Person ids are only unique within a format (the same id in two formats is two people
        # until identity resolution says otherwise); channel and thread names within an export.
        everyone |= {(r.format, p) for p in _people_ids(r)}
        active |= {(r.format, p) for p in _active(r.events)}
        channels |= {(r.path, c) for c in _distinct(r.events.column("channel"))}
        threads |= {(r.path, t) for t in _distinct(r.events.column("thread"))}
        replied |= {(r.path, t) for t in _replied_threads(r.events)}
    bounds = [_bounds(r.events) for r in results]
    firsts = [b[0] for b in bounds if b[0] is not None]
    lasts = [b[1] for b in bounds if b[1] is not None]
    formats = list(dict.fromkeys(s["format"] for s in summaries))
    return {
        "path": [s["path"] for s in summaries],
        "format": formats[0] if len(formats) == 1 else "+".join(formats),
        "records_read": sum(s["records_read"] for s in summaries),
        "records_skipped": _by_count(split_kept(skipped)[0]),
        "records_noted": _by_count(split_kept(skipped)[1]),
        "events": sum(s["events"] for s in summaries),
        "kinds": dict(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
        "messages": sum(s["messages"] for s in summaries),
        "posts": sum(s["posts"] for s in summaries),
        "replies": sum(s["replies"] for s in summaries),
        "reactions": sum(s["reactions"] for s in summaries),
        "mentions": sum(s["mentions"] for s in summaries),
        "people": len(everyone),
        "active_people": len(active),
        "inactive_people": len(everyone - active),
        "external_people": None,
        "non_human_people": None,
        "channels": len(channels),
        "threads": len(threads),
        "threads_with_replies": len(replied),
        "first": _iso(min(firsts)) if firsts else None,
        "last": _iso(max(lasts)) if lasts else None,
    }
