"""Read a Mattermost bulk export (JSONL, bare or zipped as ``mmctl export`` writes it) into events.

The export is one JSON object per line, each with a ``type``: ``version`` first, then
``team``, ``channel``, ``user`` (with the teams and channels the user belongs to), ``post``
(with its ``replies`` and ``reactions``), ``direct_channel`` and ``direct_post``. Users are
identified by their username throughout the format, so the username is the person id.

What becomes which event (see ``docs/connectors/mattermost.md`` for the reasons):

=======================================  ====================================================
record                                    event
=======================================  ====================================================
``post``, ``direct_post``                 ``post`` (target: the other member of a 1:1 DM)
each entry of ``replies``                 ``reply`` to the root post's author
each entry of ``reactions``               ``reaction`` to the author of that post or reply
each distinct ``@username`` in a message  ``mention`` of that user (the text is never kept)
post ``type`` ``system_join_channel``     ``join``; other ``system_*`` posts are skipped
posts by bots or webhooks                 skipped, counted
=======================================  ====================================================

Examples
--------
>>> import json, tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "export.jsonl"
>>> lines = [{"type": "version", "version": 1},
...          {"type": "user", "user": {"username": "ana", "email": "Ana@X.org"}},
...          {"type": "user", "user": {"username": "ben"}},
...          {"type": "post", "post": {"team": "t", "channel": "town", "user": "ana",
...           "message": "hi @ben", "create_at": 1704186000000,
...           "replies": [{"user": "ben", "message": "hello", "create_at": 1704186060000}]}}]
>>> _ = f.write_text("\\n".join(json.dumps(x) for x in lines))
>>> read(f).events.select(["kind", "actor", "target"]).to_pylist()  # doctest: +NORMALIZE_WHITESPACE
[{'kind': 'post', 'actor': 'ana', 'target': None},
 {'kind': 'mention', 'actor': 'ana', 'target': 'ben'},
 {'kind': 'reply', 'actor': 'ben', 'target': 'ana'}]
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgnet.connectors._archive import Archive, first_file_with_suffix, is_zip
from orgnet.connectors._fields import MAX_SECONDS, flag, items, mapping, text
from orgnet.connectors.base import EventRows, InputError, Reader, ReadResult
from orgnet.events import coerce_events, empty_events

__all__ = ["READER", "read", "sniff"]

SOURCE = "mattermost"

# A candidate @name: Mattermost usernames are lower-case letters, digits, '.', '-', '_'.
_MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9][A-Za-z0-9._-]*)")
_GROUP_MENTIONS = frozenset({"all", "channel", "here"})
_JOIN_TYPES = frozenset({"system_join_channel", "system_join_team"})
#: Record types that describe configuration, not people or messages.
_CONFIG_TYPES = frozenset({"version", "scheme", "emoji", "role", "team"})


# -- sniffing ------------------------------------------------------------------------------------


def _first_line_is_version(head: bytes) -> bool:
    line = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):
        return False
    return isinstance(obj, dict) and obj.get("type") == "version"


def sniff(path: Path) -> bool:
    """Tell whether ``path`` is a Mattermost bulk export: JSONL opening with a ``version`` line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "x.jsonl"; _ = f.write_text('{"type": "version", "version": 1}\\n')
    >>> sniff(f)
    True
    """
    path = Path(path)
    if path.is_file() and not is_zip(path):
        with path.open("rb") as fh:
            return _first_line_is_version(fh.read(4096))
    if path.is_dir():
        found = first_file_with_suffix(path, (".jsonl",))
        if found is None:
            return False
        with found.open("rb") as fh:
            return _first_line_is_version(fh.read(4096))
    if is_zip(path):
        try:
            with Archive(path) as archive:
                first = next((n for n in archive.names if n.lower().endswith(".jsonl")), None)
                return first is not None and _first_line_is_version(archive.read_head(first, 4096))
        except InputError:
            return False
    return False


# -- reading -------------------------------------------------------------------------------------




@dataclass
class _State:
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    bots: dict[str, str | None] = field(default_factory=dict)  # username -> display name
    posts: list[tuple[str, dict[str, Any], str, int]] = field(default_factory=list)  # kind, body, file, line
    skipped: Counter[str] = field(default_factory=Counter)


def read(path: str | Path) -> ReadResult:
    """Read a Mattermost bulk export.

    Parameters
    ----------
    path : str or Path
        A ``.jsonl`` file, or a zip or folder holding one or more.

    Returns
    -------
    ReadResult
        Events (``source="mattermost"``); every user in the export (members who never posted
        included) with ``person`` = username; posts, direct posts and replies read, and the
        ones skipped with the reason for each skip.

    Raises
    ------
    InputError
        A line is not UTF-8, not JSON (a truncated file ends this way), or not an object with a
        ``type``; the message names the file and line.
    """
    state = _State()
    with Archive(path) as archive:
        names = [n for n in archive.names if n.lower().endswith(".jsonl")]
        if not names:
            raise InputError(path, "no .jsonl file found; expected a Mattermost bulk export")
        for name in names:
            _scan(archive.read_bytes(name), archive.where(name), state)
    rows, read_count = _events(state)
    events = _table(rows, state) if rows.kind else empty_events()
    return ReadResult(
        events=events, people=_people(state, rows), format=SOURCE, path=str(path),
        records_read=read_count, records_skipped=state.skipped,
    )


def _scan(data: bytes, where: str, state: _State) -> None:
    for number, raw in enumerate(data.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(where, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); expected UTF-8 JSONL",
                             f"line {number}") from None
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(where, f"not valid JSON ({exc.msg} at column {exc.colno}); the file may be truncated",
                             f"line {number}") from None
        except RecursionError:
            raise InputError(where, "JSON nested too deeply to be an export (a hostile file?)", f"line {number}") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("type"), str):
            raise InputError(where, 'expected a JSON object with a "type" (version, team, channel, user, post, ...)',
                             f"line {number}")
        kind = obj["type"]
        body = obj.get(kind)
        if kind in _CONFIG_TYPES or kind == "channel" or kind == "direct_channel":
            continue
        if not isinstance(body, dict):
            raise InputError(where, f'a "{kind}" record needs a "{kind}" object', f"line {number}")
        _check(kind, body, where, f"line {number}")
        if kind == "user":
            name = body.get("username")
            if not name:
                raise InputError(where, "a user without a username", f"line {number}")
            state.users.setdefault(str(name), body)
        elif kind == "bot":
            if body.get("username"):
                state.bots[str(body["username"])] = body.get("display_name")
        elif kind in ("post", "direct_post"):
            state.posts.append((kind, body, where, number))
        else:
            state.skipped[f"other record type ({kind})"] += 1


def _check(kind: str, body: dict[str, Any], where: str, line: str) -> None:
    """Check the shape of the fields read from a record: a wrong type is an :class:`InputError` naming the field."""
    if kind == "user":
        for f in ("username", "first_name", "last_name", "nickname", "position", "email", "roles"):
            text(body.get(f), where, line, f"user.{f}")
        flag(body.get("is_bot"), where, line, "user.is_bot")
        for t in items(body.get("teams"), where, line, "user.teams"):
            team = mapping(t, where, line, "user.teams[]")
            text(team.get("name"), where, line, "user.teams[].name")
            for c in items(team.get("channels"), where, line, "user.teams[].channels"):
                text(mapping(c, where, line, "user.teams[].channels[]").get("name"), where, line,
                     "user.teams[].channels[].name")
    elif kind == "bot":
        for f in ("username", "display_name"):
            text(body.get(f), where, line, f"bot.{f}")
    elif kind in ("post", "direct_post"):
        for post, at in [(body, kind), *((r, f"{kind}.replies[]") for r in items(body.get("replies"), where, line,
                                                                                   f"{kind}.replies"))]:
            if not isinstance(post, dict):
                continue
            for f in ("user", "team", "channel", "type"):
                text(post.get(f), where, line, f"{at}.{f}")
            mapping(post.get("props"), where, line, f"{at}.props")
            for r in items(post.get("reactions"), where, line, f"{at}.reactions"):
                if isinstance(r, dict):
                    text(r.get("user"), where, line, f"{at}.reactions[].user")
        for m in items(body.get("channel_members"), where, line, f"{kind}.channel_members"):
            text(m, where, line, f"{kind}.channel_members[]")


def _events(state: _State) -> tuple[EventRows, int]:
    rows = EventRows()
    # Authors missing from the user records (the format allows users already on the server)
    # can still be mentioned.
    known = set(state.users) | {
        str(x.get("user")) for _, body, _, _ in state.posts
        for x in [body, *(r for r in body.get("replies") or [] if isinstance(r, dict))] if x.get("user")
    }
    seen_items: Counter[str] = Counter()
    read_count = 0
    for kind, body, _where, _line in state.posts:
        replies = body.get("replies") if isinstance(body.get("replies"), list) else []
        read_count += 1 + len(replies)
        user, create_at = body.get("user"), _millis(body.get("create_at"))
        if not user or create_at is None:
            state.skipped["malformed post (no user, or create_at missing or out of range)"] += 1 + len(replies)
            continue
        user = str(user)
        if kind == "post":
            team, name = body.get("team"), body.get("channel")
            if not name:
                state.skipped["malformed post (no channel)"] += 1 + len(replies)
                continue
            channel = f"{team}/{name}" if team else str(name)
            members: list[str] = []
        else:
            members = sorted(str(m) for m in body.get("channel_members") or [])
            channel = "dm:" + "+".join(members)
        if _is_bot(body, user, state):
            state.skipped["bot message"] += 1 + len(replies)
            continue
        post_type = str(body.get("type") or "")
        if post_type.startswith("system_"):
            if post_type in _JOIN_TYPES:
                rows.add(create_at, "join", user, None, channel, None,
                         _unique(f"{channel}:{create_at}:{user}", seen_items))
            else:
                state.skipped[f"system message ({post_type})"] += 1
            if replies:
                state.skipped["reply to a system message"] += len(replies)
            continue
        item = _unique(f"{channel}:{create_at}:{user}", seen_items)
        thread = item
        others = [m for m in members if m != user]
        target = others[0] if len(members) == 2 and len(others) == 1 else None
        rows.add(create_at, "post", user, target, channel, thread, item)
        _mentions_and_reactions(body, user, create_at, channel, thread, item, known, state, rows)
        for reply in replies:
            if not isinstance(reply, dict):
                state.skipped["malformed reply (not an object)"] += 1
                continue
            r_user, r_at = reply.get("user"), _millis(reply.get("create_at"))
            if not r_user or r_at is None:
                state.skipped["malformed reply (no user, or create_at missing or out of range)"] += 1
                continue
            r_user = str(r_user)
            if _is_bot(reply, r_user, state):
                state.skipped["bot message"] += 1
                continue
            r_item = _unique(f"{item}/reply:{r_at}:{r_user}", seen_items)
            rows.add(r_at, "reply", r_user, user, channel, thread, r_item)
            _mentions_and_reactions(reply, r_user, r_at, channel, thread, r_item, known, state, rows)
    return rows, read_count


def _millis(value: Any) -> int | None:
    # Milliseconds since 1970; missing, unreadable, infinite or past 2262 is no time (the record is counted).
    try:
        millis = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return millis if 0 < millis < MAX_SECONDS * 1000 else None


def _unique(item: str, seen: Counter[str]) -> str:
    # Two messages by one person in one channel in the same millisecond still get two ids.
    seen[item] += 1
    return item if seen[item] == 1 else f"{item}#{seen[item]}"


def _is_bot(body: dict[str, Any], user: str, state: _State) -> bool:
    props = body.get("props") if isinstance(body.get("props"), dict) else {}
    return (
        user in state.bots
        or flag(state.users.get(user, {}).get("is_bot"), "mattermost export", user, "is_bot")
        or str(props.get("from_webhook", "")).lower() == "true"
        or str(props.get("from_bot", "")).lower() == "true"
    )


def _mentions_and_reactions(
    body: dict[str, Any], author: str, at: int, channel: str, thread: str, item: str,
    known: set[str], state: _State, rows: EventRows,
) -> None:
    message = body.get("message")
    if isinstance(message, str) and "@" in message:
        for name in dict.fromkeys(_resolve(c, known) for c in _MENTION.findall(message)):
            if name is None:
                state.skipped["mention of an unknown username"] += 1
            elif name in _GROUP_MENTIONS:
                state.skipped["mention of a group (@all, @channel, @here)"] += 1
            elif name in state.bots:
                state.skipped["mention of a bot"] += 1
            elif name != author:
                rows.add(at, "mention", author, name, channel, thread, f"{item}:mention:{name}")
    for reaction in body.get("reactions") or []:
        if not isinstance(reaction, dict) or not reaction.get("user"):
            state.skipped["malformed reaction (no user)"] += 1
            continue
        who = str(reaction["user"])
        if who in state.bots:
            state.skipped["reaction by a bot"] += 1
            continue
        r_at = _millis(reaction.get("create_at")) or at
        rows.add(r_at, "reaction", who, author, channel, thread,
                 f"{item}:reaction:{reaction.get('emoji_name')}:{who}")


def _resolve(candidate: str, known: set[str]) -> str | None:
    # "@ana." ends a sentence: try the name without trailing punctuation, as Mattermost does.
    name = candidate.lower()
    if name in _GROUP_MENTIONS:
        return name
    while name:
        if name in known:
            return name
        if name[-1] not in "._-":
            return None
        name = name[:-1]
    return None


def _table(rows: EventRows, state: _State) -> pa.Table:
    table = pa.table(
        {
            "ts": pa.array(rows.ts, pa.int64()).cast(pa.timestamp("ms", tz="UTC")),
            "kind": pa.array(rows.kind, pa.string()),
            "actor": pa.array(rows.actor, pa.string()),
            "target": pa.array(rows.target, pa.string()),
            "channel": pa.array(rows.channel, pa.string()),
            "thread": pa.array(rows.thread, pa.string()),
            "item": pa.array(rows.item, pa.string()),
        }
    )
    # A guest account (role system_guest) is outside the organisation: its ties are external.
    guests = pa.array(sorted(u for u, body in state.users.items() if _is_guest(body)), pa.string())
    external = pc.or_(pc.is_in(table.column("actor"), value_set=guests),
                      pc.fill_null(pc.is_in(table.column("target"), value_set=guests), False))
    table = table.append_column("external", external)
    return coerce_events(table, source=SOURCE, where="mattermost export")


def _is_guest(user: dict[str, Any]) -> bool:
    roles = user.get("roles")
    return isinstance(roles, str) and "system_guest" in roles.split()


def _people(state: _State, rows: EventRows) -> pd.DataFrame:
    records = []
    for username, u in state.users.items():
        full = " ".join(p for p in (text(u.get(k), "mattermost export", username, k) for k in ("first_name", "last_name"))
                        if p)
        email = u.get("email")
        channels = sorted(
            f"{t.get('name')}/{c.get('name')}"
            for t in u.get("teams") or [] if isinstance(t, dict)
            for c in t.get("channels") or [] if isinstance(c, dict)
        )
        records.append({
            "person": username,
            "name": full or u.get("nickname") or username,
            "email": email.strip().lower() if isinstance(email, str) and email.strip() else None,
            "title": u.get("position") or None,
            "is_bot": username in state.bots or flag(u.get("is_bot"), "mattermost export", username, "is_bot"),
            "deleted": bool(_millis(u.get("delete_at"))),
            "channels": len(channels),
            "external": _is_guest(u),
        })
    # Bots and anyone acting without a user record (the format allows users already on the server).
    present = set(state.users)
    extra = sorted((set(state.bots) | set(rows.actor) | {t for t in rows.target if t}) - present)
    for username in extra:
        records.append({"person": username, "name": state.bots.get(username), "email": None, "title": None,
                        "is_bot": username in state.bots, "deleted": None, "channels": None, "external": False})
    frame = pd.DataFrame(records, columns=["person", "name", "email", "title", "is_bot", "deleted", "channels",
                                           "external"])
    for c in ("person", "name", "email", "title"):
        frame[c] = frame[c].astype("string")
    for c in ("is_bot", "deleted", "external"):
        frame[c] = frame[c].astype("boolean")
    frame["channels"] = frame["channels"].astype("Int64")
    return frame


READER = Reader(
    name=SOURCE,
    read=read,
    sniff=sniff,
    description="Mattermost bulk export (JSONL, or the zip mmctl writes): posts, replies, reactions, @mentions",
)
