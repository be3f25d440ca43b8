"""Read a Slack workspace export (folder or zip) into events and the people it lists.

The export is ``users.json`` (or ``org_users.json`` on Enterprise Grid), the conversation
lists ``channels.json``, ``groups.json`` (private channels), ``dms.json`` and ``mpims.json``
(group DMs), and one folder per conversation holding one JSON file per day. Both the old
format (before 2017, no threads) and the modern one (``thread_ts``, ``parent_user_id``,
``reply_users``) are read.

What becomes which event (see ``docs/connectors/slack.md`` for the reasons):

=====================================  =====================================================
message                                 event
=====================================  =====================================================
top-level message                       ``post``; target null (the other member in a 1:1 DM; in a
                                        group DM one row per other member, weight ``1/k``)
thread reply, ``thread_broadcast``      ``reply`` to ``parent_user_id`` / the thread's author
each user in ``reactions[].users``      ``reaction`` to the message's author, at the message's ts
each ``<@U…>`` in the text              ``mention`` of that person (text is never kept)
``channel_join``, ``group_join``        ``join``
``file_share``                          ``post`` of the file (``share`` if someone else's file)
message shared (``is_share``)           ``share`` to the original's author (own message: ``post``)
``file_comment``                        ``reply`` to the file's owner, in the file's thread
``pinned_item``                         ``curate`` (target: the pinned message's author, from the record)
bot messages, system subtypes           skipped, counted by reason in ``records_skipped``
=====================================  =====================================================

Examples
--------
>>> import json, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "users.json").write_text(json.dumps([{"id": "U1", "real_name": "Ana"}, {"id": "U2"}]))
>>> _ = (d / "channels.json").write_text(json.dumps([{"id": "C1", "name": "general"}]))
>>> (d / "general").mkdir()
>>> _ = (d / "general" / "2024-01-02.json").write_text(json.dumps([
...     {"type": "message", "user": "U1", "text": "hi <@U2>", "ts": "1704189600.000100"},
...     {"type": "message", "user": "U2", "text": "hello", "ts": "1704189700.000200",
...      "thread_ts": "1704189600.000100", "parent_user_id": "U1"}]))
>>> r = read(d)
>>> r.events.select(["kind", "actor", "target"]).to_pylist()  # doctest: +NORMALIZE_WHITESPACE
[{'kind': 'post', 'actor': 'U1', 'target': None},
 {'kind': 'mention', 'actor': 'U1', 'target': 'U2'},
 {'kind': 'reply', 'actor': 'U2', 'target': 'U1'}]
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from orgnet.connectors._archive import Archive, is_zip
from orgnet.connectors._fields import TIME_OUT_OF_RANGE, count, flag, items, mapping, plausible_seconds, text
from orgnet.connectors.base import InputError, Reader, ReadResult
from orgnet.events import coerce_events, concat_events, empty_events

__all__ = ["READER", "SYSTEM_SUBTYPES", "read", "sniff"]

SOURCE = "slack"

#: Subtypes Slack writes on its own (renames, topics, integrations, leaving): no one interacted.
SYSTEM_SUBTYPES: frozenset[str] = frozenset(
    {
        "channel_topic", "channel_purpose", "channel_name", "channel_archive", "channel_unarchive",
        "channel_leave", "channel_convert_to_private", "channel_convert_to_public",
        "channel_posting_permissions", "group_topic", "group_purpose", "group_name",
        "group_archive", "group_unarchive", "group_leave", "bot_add", "bot_remove", "bot_enable",
        "bot_disable", "app_conversation_join", "app_conversation_leave", "unpinned_item",
        "reminder_add", "reminder_delete", "slackbot_response", "sh_room_created",
        "huddle_thread", "channel_canvas_updated", "tombstone", "joiner_notification",
        "joiner_notification_for_inviter", "ekm_access_denied",
    }
)
#: Records of a change to another message: the message itself is already in the export.
_EDIT_SUBTYPES = frozenset({"message_changed", "message_deleted", "message_replied"})
_JOIN_SUBTYPES = frozenset({"channel_join", "group_join"})
#: Subtypes that are ordinary messages by a person.
_MESSAGE_SUBTYPES = frozenset({"thread_broadcast", "me_message", "file_share", "file_mention"})

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
#: A group DM's name: ``mpdm-`` then the members' handles joined by ``--``, then ``-<n>``.
_MPDM = re.compile(r"mpdm-(.+)-\d+")
_USERS_FILES = ("users.json", "org_users.json")
_CONVERSATION_FILES = ("channels.json", "groups.json", "dms.json", "mpims.json")
_SLACKBOT = "USLACKBOT"
_COLUMNS = ("ts", "kind", "actor", "target", "channel", "thread", "item", "external")


# -- sniffing ------------------------------------------------------------------------------------


def sniff(path: Path) -> bool:
    """Tell whether ``path`` is a Slack export: users plus a conversation list, at the top or one folder down.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "users.json").write_text("[]")
    >>> sniff(d)
    False
    >>> _ = (d / "channels.json").write_text("[]"); sniff(d)
    True
    """
    path = Path(path)
    if path.is_dir():
        names = {p.name for p in path.iterdir()}
        if _looks_like_export(names):
            return True
        # A folder that only wraps the export (as unzipping often leaves it).
        inner = [path / n for n in names if (path / n).is_dir()]
        return len(inner) == 1 and _looks_like_export({p.name for p in inner[0].iterdir()})
    if is_zip(path):
        import zipfile

        with zipfile.ZipFile(path) as zf:
            by_folder: dict[str, set[str]] = {}
            for name in zf.namelist():
                if name.count("/") <= 1:
                    folder, base = posixpath.split(name)
                    by_folder.setdefault(folder, set()).add(base)
        return any(_looks_like_export(names) for names in by_folder.values())
    return False


def _looks_like_export(names: set[str]) -> bool:
    return any(u in names for u in _USERS_FILES) and any(c in names for c in _CONVERSATION_FILES)


# -- reading -------------------------------------------------------------------------------------


@dataclass
class _Conversation:
    folder: str  # folder name in the export
    label: str  # what goes in the channel column
    id: str
    members: list[str] = field(default_factory=list)
    direct: bool = False  # a 1:1 DM: a post is addressed to the other member
    group: bool = False  # a group DM (mpim): a post is addressed to every other member, 1/k each


@dataclass
class _Columns:
    ts: list[float | None] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    actor: list[str] = field(default_factory=list)
    target: list[str | None] = field(default_factory=list)
    thread: list[str | None] = field(default_factory=list)
    item: list[str] = field(default_factory=list)
    weight: list[float] = field(default_factory=list)

    def add(self, ts: float | None, kind: str, actor: str, target: str | None, thread: str | None, item: str,
            weight: float = 1.0) -> None:
        self.ts.append(ts)
        self.kind.append(kind)
        self.actor.append(actor)
        self.target.append(target)
        self.thread.append(thread)
        self.item.append(item)
        self.weight.append(weight)


def read(path: str | Path) -> ReadResult:
    """Read a Slack export.

    Parameters
    ----------
    path : str or Path
        The export folder or its zip (the export may sit one folder down inside the zip).

    Returns
    -------
    ReadResult
        Events (``source="slack"``), everyone in ``users.json`` (active or not) plus anyone
        seen in messages but missing there, and the number of messages read and skipped with
        the reason for each skip.

    Raises
    ------
    InputError
        A file is not UTF-8, not JSON (e.g. truncated) or not the structure Slack writes;
        the message names the file and, where it applies, the record.
    """
    with Archive(path) as archive:
        root = _root(archive)
        users_name = next(
            (posixpath.join(root, u) for u in _USERS_FILES if archive.exists(posixpath.join(root, u))), None
        )
        if users_name is None:
            raise InputError(path, "no users.json in the export; expected a Slack workspace export")
        people = _people(archive.read_json(users_name), archive.where(users_name))
        # Only users.json decides who is a bot for the events: a flag inferred from messages
        # would make an event depend on which other messages the export holds.
        bots = set(people.loc[people["is_bot"].fillna(False).astype(bool), "person"]) | {_SLACKBOT}
        guests = set(people.loc[people["external"].fillna(False).astype(bool), "person"])
        handles = _handles(people)
        conversations = _conversations(archive, root, handles)
        skipped: Counter[str] = Counter()
        bot_authors: set[str] = set()
        read_count = 0
        tables = []
        day_files = _day_files(archive, root)
        for conv in conversations:
            files = day_files.get(conv.folder, [])
            if not files:
                continue
            messages: list[tuple[dict[str, Any], str, int]] = []
            for name in files:
                data = archive.read_json(name)
                if not isinstance(data, list):
                    raise InputError(
                        archive.where(name),
                        f"expected a JSON list of messages, found {type(data).__name__}",
                    )
                messages.extend((m, name, i + 1) for i, m in enumerate(data))
            read_count += len(messages)
            cols = _channel_events(messages, conv, _Context(bots, handles, skipped, bot_authors))
            if cols.kind:
                tables.append(_table(cols, conv, guests, archive.where(posixpath.join(root, conv.folder))))
    events = concat_events(tables) if tables else empty_events()
    people = _add_unlisted(people, events, bot_authors)
    return ReadResult(
        events=events, people=people, format=SOURCE, path=str(path),
        records_read=read_count, records_skipped=skipped,
    )


def _root(archive: Archive) -> str:
    found = [archive.find(u) for u in _USERS_FILES]
    hits = [f for f in found if f is not None]
    if not hits:
        raise InputError(archive.path, "no users.json in the export; expected a Slack workspace export")
    return posixpath.dirname(min(hits, key=lambda n: n.count("/")))


def _day_files(archive: Archive, root: str) -> dict[str, list[str]]:
    # Folder -> its day files (in name order), from one pass over the archive: a lookup per
    # conversation instead of a scan of every name per conversation (quadratic at 10k channels).
    prefix = root + "/" if root else ""
    out: dict[str, list[str]] = {}
    for n in archive.names:
        if n.startswith(prefix) and n.endswith(".json"):
            folder, sep, base = n[len(prefix):].partition("/")
            if sep and base and "/" not in base:
                out.setdefault(folder, []).append(n)
    return out


def _json_list(archive: Archive, name: str) -> list[dict[str, Any]]:
    data = archive.read_json(name)
    if not isinstance(data, list):
        raise InputError(archive.where(name), f"expected a JSON list, found {type(data).__name__}")
    for i, entry in enumerate(data):
        if not isinstance(entry, dict):
            raise InputError(archive.where(name), f"expected an object, found {type(entry).__name__}", i + 1)
    return data


def _conversations(archive: Archive, root: str, handles: dict[str, str]) -> list[_Conversation]:
    out: list[_Conversation] = []
    listed: set[str] = set()
    for filename in _CONVERSATION_FILES:
        name = posixpath.join(root, filename)
        if not archive.exists(name):
            continue
        where = archive.where(name)
        for i, entry in enumerate(_json_list(archive, name)):
            cid = text(entry.get("id"), where, i + 1, "id") or ""
            label = text(entry.get("name"), where, i + 1, "name") or cid
            if not label:
                raise InputError(archive.where(name), "conversation with neither id nor name", i + 1)
            direct = filename == "dms.json"
            # DM folders are named by the DM's id; everything else by its name.
            folder = cid if direct else label
            members = [text(m, where, i + 1, "members[]") or "" for m in items(entry.get("members"), where, i + 1,
                                                                              "members")]
            # Group DMs are listed in mpims.json; older exports and some tools put them in
            # groups.json with is_mpim, and the folder name (mpdm-ana--ben--carla-1) says it too.
            group = not direct and (filename == "mpims.json" or flag(entry.get("is_mpim"), where, i + 1, "is_mpim")
                                    or _MPDM.fullmatch(label) is not None)
            if group and not members:
                members = _mpdm_members(label, handles)
            out.append(_Conversation(folder, label, cid or label, members, direct and len(members) == 2, group))
            listed.add(folder)
    # A folder of day files that no list mentions (a partial export) is still a conversation.
    prefix = root + "/" if root else ""
    extra = sorted(
        {
            n[len(prefix):].split("/", 1)[0]
            for n in archive.names
            if n.startswith(prefix) and n.endswith(".json") and n[len(prefix):].count("/") == 1
        }
        - listed
    )
    for f in extra:
        members = _mpdm_members(f, handles) if _MPDM.fullmatch(f) else []
        out.append(_Conversation(f, f, f, members, group=bool(members)))
    return out


def _mpdm_members(name: str, handles: dict[str, str]) -> list[str]:
    """Members of a group DM from its name, ``mpdm-ana--ben--carla-1``, by their handles in users.json.

    Examples
    --------
    >>> _mpdm_members("mpdm-ana--ben.b--carla-1", {"ana": "U1", "ben.b": "U2", "carla": "U3"})
    ['U1', 'U2', 'U3']
    >>> _mpdm_members("mpdm-ana--zed-1", {"ana": "U1"})  # an unknown handle: the group is unknown
    []
    """
    found = _MPDM.fullmatch(name)
    if found is None:
        return []
    ids = [handles.get(h) for h in found.group(1).split("--")]
    return [i for i in ids if i is not None] if all(ids) else []


@dataclass
class _Context:
    """What every conversation's messages are read against."""

    bots: set[str]  # users.json's bots (and Slackbot)
    handles: dict[str, str]  # handle -> user id, from users.json
    skipped: Counter[str]
    bot_authors: set[str]  # user ids seen writing bot messages (filled while reading)


def _channel_events(messages: list[tuple[dict[str, Any], str, int]], conv: _Conversation, ctx: _Context) -> _Columns:
    # First pass: who wrote each message, so a reply without parent_user_id finds its thread's author.
    author: dict[str, str] = {}
    for m, name, record in messages:
        if isinstance(m, dict) and m.get("ts") is not None and m.get("user"):
            author[str(m["ts"])] = text(m["user"], name, record, "user") or ""
    bots, skipped = ctx.bots, ctx.skipped
    cols = _Columns()
    cid = conv.id
    for m, name, record in messages:
        if not isinstance(m, dict):
            skipped["malformed record (not a JSON object)"] += 1
            continue
        raw_ts = m.get("ts")
        ts = _seconds(raw_ts)
        if ts is None:
            skipped["malformed record (no valid ts)"] += 1
            continue
        if not plausible_seconds(ts):
            skipped[TIME_OUT_OF_RANGE] += 1
            continue
        _check_message(m, name, record)
        ts_s = str(raw_ts)
        subtype = m.get("subtype")
        if m.get("type", "message") != "message":
            skipped[f"not a message (type {m.get('type')})"] += 1
            continue
        if subtype in SYSTEM_SUBTYPES:
            skipped[f"system message ({subtype})"] += 1
            continue
        if subtype in _EDIT_SUBTYPES:
            skipped[f"edit record ({subtype})"] += 1
            continue
        user = m.get("user")
        if subtype == "file_comment":
            comment = m.get("comment") if isinstance(m.get("comment"), dict) else {}
            user = comment.get("user") or user
        if subtype == "bot_message" or m.get("bot_id") or m.get("bot_profile") or (user and str(user) in bots):
            if user:
                ctx.bot_authors.add(str(user))
            skipped["bot message"] += 1
            continue
        if not user:
            skipped["no author (user)"] += 1
            continue
        user = str(user)
        item = f"{cid}:{ts_s}"
        thread_ts = m.get("thread_ts")
        thread: str | None = f"{cid}:{thread_ts or ts_s}"
        body: Any = m.get("text")
        if subtype in _JOIN_SUBTYPES:
            cols.add(ts, "join", user, None, None, item)
            continue
        if subtype == "pinned_item":
            target = _pinned_author(m, ctx.handles)
            cols.add(ts, "curate", user, None if target in bots else target, None, item)
            continue
        if subtype == "file_comment":
            f = m.get("file") if isinstance(m.get("file"), dict) else {}
            owner = f.get("user")
            fid = f.get("id")
            # The file's own thread: where it was shared is not in the comment record, and a
            # thread taken from another message would change with what else the export holds.
            thread = f"file:{fid}" if fid else None
            cols.add(ts, "reply", user, owner, thread, item)
            body = comment.get("comment")
        elif subtype is not None and subtype not in _MESSAGE_SUBTYPES:
            skipped[f"other subtype ({subtype})"] += 1
            continue
        elif subtype == "file_share":
            f = m.get("file") if isinstance(m.get("file"), dict) else {}
            owner = f.get("user")
            if owner and str(owner) != user:
                cols.add(ts, "share", user, str(owner), thread, item)
            else:
                _post(cols, conv, bots, ts, user, thread, item)
        elif thread_ts and str(thread_ts) != ts_s:
            parent = m.get("parent_user_id") or _root_user(m) or author.get(str(thread_ts))
            # A reply to a bot's thread is still engagement, but no tie to a person.
            cols.add(ts, "reply", user, None if parent in bots else parent, thread, item)
        elif (shared := _shared_message(m)) is not None and shared[0] != user:
            # "Share message": passing on someone else's message, like a file_share of their file.
            owner, shared_thread = shared
            cols.add(ts, "share", user, None if owner in bots else owner, shared_thread or thread, item)
        else:
            _post(cols, conv, bots, ts, user, thread, item)
        for target in _mentions(body, m.get("blocks")):
            if target == user:
                continue  # old exports open file messages with the uploader's own <@U…>
            if target in bots:
                skipped["mention of a bot"] += 1
                continue
            cols.add(ts, "mention", user, target, thread, f"{item}:mention:{target}")
        for r in items(m.get("reactions"), name, record, "reactions"):
            if not isinstance(r, dict):
                skipped["malformed reaction (not an object)"] += 1
                continue
            users = [text(u, name, record, "reactions[].users[]") or ""
                     for u in items(r.get("users"), name, record, "reactions[].users")]
            missing = count(r.get("count"), name, record, "reactions[].count") - len(users)
            if missing > 0:
                skipped["reaction not listed by user (count above users)"] += missing
            for u in users:
                if u in bots:
                    skipped["reaction by a bot"] += 1
                    continue
                # Slack keeps no time for a reaction: it carries its message's ts (see the docs).
                cols.add(ts, "reaction", u, user, thread, f"{item}:reaction:{r.get('name')}:{u}")
    return cols


def _post(cols: _Columns, conv: _Conversation, bots: set[str], ts: float, user: str, thread: str | None,
          item: str) -> None:
    """A top-level message: to the other member of a 1:1 DM, to each other member of a group DM (1/k each)."""
    if conv.group:
        others = [m for m in dict.fromkeys(conv.members) if m != user and m not in bots]
        for member in others:
            # As an e-mail to k people and a Teams chat message: each recipient gets 1/k.
            cols.add(ts, "post", user, member, thread, f"{item}:to:{member}", 1.0 / len(others))
        if others:
            return
    cols.add(ts, "post", user, _dm_target(conv, user), thread, item)


def _pinned_author(m: dict[str, Any], handles: dict[str, str]) -> str | None:
    """Whose message or file a pin record pins, from the record alone (and users.json for a handle).

    Slack copies the pinned message into the record: ``item`` (the message or file, with its
    ``user``) in API-era records, an unfurled attachment (``author_id``, or in 2015-16 exports
    only the handle ``author_subname``) in exports.

    Examples
    --------
    >>> _pinned_author({"attachments": [{"author_subname": "neeraj"}]}, {"neeraj": "U061"})
    'U061'
    >>> _pinned_author({"item": {"type": "message", "message": {"user": "U2"}}}, {})
    'U2'
    >>> _pinned_author({"attachments": [{"ts": "1.2"}]}, {}) is None  # nothing in the record names the author
    True
    """
    item = m.get("item") if isinstance(m.get("item"), dict) else {}
    nested = [item.get(k) for k in ("message", "file")]
    for found in (item.get("user"), *(n.get("user") for n in nested if isinstance(n, dict))):
        if found:
            return str(found)
    for att in m.get("attachments") or []:
        if not isinstance(att, dict):
            continue
        if att.get("author_id"):
            return str(att["author_id"])
        if att.get("author_subname") and str(att["author_subname"]) in handles:
            return handles[str(att["author_subname"])]
    return None


def _root_user(m: dict[str, Any]) -> str | None:
    # A thread_broadcast may carry its thread's first message as ``root``.
    root = m.get("root")
    return str(root["user"]) if isinstance(root, dict) and root.get("user") else None


def _shared_message(m: dict[str, Any]) -> tuple[str, str | None] | None:
    # A shared message is an attachment with is_share and the original's author_id (a pasted
    # link only unfurls: no is_share). Returns the author and the original's thread key.
    for att in m.get("attachments") or []:
        if isinstance(att, dict) and att.get("is_share") and att.get("author_id"):
            where = f"{att['channel_id']}:{att['ts']}" if att.get("channel_id") and att.get("ts") else None
            return str(att["author_id"]), where
    return None


#: Fields of a message read as ids or names (text), lists and objects: their shape is checked once per record.
_TEXT_FIELDS = ("user", "subtype", "type", "thread_ts", "parent_user_id", "bot_id")
_LIST_FIELDS = ("reactions", "attachments", "blocks", "files")
_OBJECT_FIELDS = ("file", "comment", "item", "root", "bot_profile")


def _check_message(m: dict[str, Any], name: str, record: int) -> None:
    """Check the shape of the message fields read: a wrong type is an :class:`InputError` naming the field."""
    for f in _TEXT_FIELDS:
        text(m.get(f), name, record, f)
    for f in _LIST_FIELDS:
        items(m.get(f), name, record, f)
    for f in _OBJECT_FIELDS:
        mapping(m.get(f), name, record, f)
    for f in ("file", "comment", "root"):
        sub = mapping(m.get(f), name, record, f)
        for key in ("user", "id", "comment"):
            text(sub.get(key), name, record, f"{f}.{key}")
    item = mapping(m.get("item"), name, record, "item")
    text(item.get("user"), name, record, "item.user")
    for key in ("message", "file"):
        text(mapping(item.get(key), name, record, f"item.{key}").get("user"), name, record, f"item.{key}.user")
    for i, att in enumerate(items(m.get("attachments"), name, record, "attachments")):
        if isinstance(att, dict):
            for key in ("author_id", "author_subname", "channel_id", "ts"):
                text(att.get(key), name, record, f"attachments[{i}].{key}")


def _seconds(ts: Any) -> float | None:
    try:
        value = float(ts)
    except (TypeError, ValueError):
        return None
    return value if value == value else None  # NaN is not a time


def _dm_target(conv: _Conversation, user: str) -> str | None:
    if not conv.direct:
        return None
    others = [m for m in conv.members if m != user]
    return others[0] if len(others) == 1 else None


def _mentions(text: Any, blocks: Any) -> list[str]:
    found: list[str] = []
    if isinstance(text, str) and text:
        found = _MENTION.findall(text)
    elif isinstance(blocks, list):
        # Some exports keep only blocks; mentions are {"type": "user", "user_id": ...} leaves.
        found = [u for u in _block_users(blocks)]
    return list(dict.fromkeys(found))  # each person once per message


def _block_users(node: Any) -> Iterable[str]:
    if isinstance(node, dict):
        if node.get("type") == "user" and node.get("user_id"):
            yield str(node["user_id"])
        for value in node.values():
            if isinstance(value, list | dict):
                yield from _block_users(value)
    elif isinstance(node, list):
        for value in node:
            yield from _block_users(value)


def _table(cols: _Columns, conv: _Conversation, guests: set[str], where: str) -> pa.Table:
    n = len(cols.kind)
    external = [a in guests or (t is not None and t in guests) for a, t in zip(cols.actor, cols.target, strict=True)]
    table = pa.table(
        {
            "ts": pa.array(cols.ts, pa.float64()),
            "kind": pa.array(cols.kind, pa.string()),
            "actor": pa.array(cols.actor, pa.string()),
            "target": pa.array([None if t is None else str(t) for t in cols.target], pa.string()),
            "channel": pa.array([conv.label] * n, pa.string()),
            "thread": pa.array(cols.thread, pa.string()),
            "item": pa.array(cols.item, pa.string()),
            "weight": pa.array(cols.weight, pa.float64()),
            "external": pa.array(external, pa.bool_()),
        }
    )
    return coerce_events(table, source=SOURCE, where=where)


# -- people --------------------------------------------------------------------------------------


def _people(users: Any, where: str) -> pd.DataFrame:
    if not isinstance(users, list):
        raise InputError(where, f"expected a JSON list of users, found {type(users).__name__}")
    rows = []
    for i, u in enumerate(users):
        if not isinstance(u, dict) or not u.get("id"):
            raise InputError(where, "expected a user object with an id", i + 1)
        rows.append(_user_row(u, where, i + 1))
    return _people_frame(rows)


def _user_row(u: dict[str, Any], where: str, record: int) -> dict[str, Any]:
    # One users.json entry, each field checked for its type (a string "false" is not a bot).
    profile = mapping(u.get("profile"), where, record, "profile")
    email = profile.get("email")

    def field(value: Any, key: str) -> str | None:
        return text(value, where, record, key)

    def yes(key: str) -> bool:
        return flag(u.get(key), where, record, key)

    return {
        "person": field(u["id"], "id"),
        "name": field(u.get("real_name"), "real_name") or field(profile.get("real_name"), "profile.real_name")
        or field(profile.get("display_name"), "profile.display_name") or field(u.get("name"), "name"),
        "email": email.strip().lower() if isinstance(email, str) and email.strip() else None,
        "handle": field(u.get("name"), "name"),
        "is_bot": _is_bot({**u, **{k: yes(k) for k in _BOT_FLAGS}}, profile),
        "deleted": yes("deleted"),
        "title": field(profile.get("title"), "profile.title"),
        "tz": field(u.get("tz"), "tz"),
        # Guests (single- and multi-channel) and people of another workspace in a shared
        # channel (is_stranger) are outside the organisation.
        "external": yes("is_restricted") or yes("is_ultra_restricted") or yes("is_stranger"),
    }


_BOT_FLAGS = ("is_bot", "is_workflow_bot", "is_connector_bot")


def _is_bot(user: dict[str, Any], profile: dict[str, Any]) -> bool:
    """Whether users.json marks an account as a bot, in any export format.

    ``is_bot`` (both formats), ``is_workflow_bot`` and ``is_connector_bot`` (Workflow Builder and
    connector bots in modern exports), a ``bot_id`` in the profile (bot users of 2015-16 exports
    carry it), and Slackbot, which users.json lists as ``USLACKBOT`` with ``is_bot`` false.
    ``is_app_user`` is not evidence: Slack sets it for people who authorised the app that made
    the export.

    Examples
    --------
    >>> _is_bot({"id": "USLACKBOT", "is_bot": False}, {}), _is_bot({"id": "U1"}, {"bot_id": "B1"})
    (True, True)
    >>> _is_bot({"id": "U2", "is_bot": False, "is_app_user": True}, {})
    False
    """
    return bool(user.get("is_bot") or user.get("is_workflow_bot") or user.get("is_connector_bot")
                or profile.get("bot_id") or user["id"] == _SLACKBOT)


def _handles(people: pd.DataFrame) -> dict[str, str]:
    # Handle -> id; the first listed wins when a handle was reused (Slack frees a deleted user's).
    listed = people.dropna(subset=["handle"]).drop_duplicates("handle", keep="first")
    return dict(zip(listed["handle"].astype(str), listed["person"].astype(str), strict=True))


def _people_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["person", "name", "email", "handle", "is_bot", "deleted", "title", "tz", "external"]
    )
    for c in ("person", "name", "email", "handle", "title", "tz"):
        frame[c] = frame[c].astype("string")
    for c in ("is_bot", "deleted", "external"):
        frame[c] = frame[c].astype("boolean")
    return frame.drop_duplicates("person", keep="first").reset_index(drop=True)


def _add_unlisted(people: pd.DataFrame, events: pa.Table, bot_authors: set[str]) -> pd.DataFrame:
    # Someone who acts in a message but is missing from users.json (a deleted or shared-channel
    # account) still is a person; they join with what little is known. An unlisted id that wrote
    # bot messages (bot_id, bot_profile) is a bot; whether the others were deleted is unknown.
    seen = set(events.column("actor").to_pylist()) | {t for t in events.column("target").to_pylist() if t}
    missing = sorted(seen - set(people["person"]))
    if not missing:
        return people
    extra = _people_frame(
        [{"person": p, "is_bot": p in bot_authors, "deleted": None, "external": None} for p in missing]
    )
    return pd.concat([people, extra], ignore_index=True)


READER = Reader(
    name=SOURCE,
    read=read,
    sniff=sniff,
    description="Slack workspace export (folder or zip): channels, DMs, threads, reactions, mentions",
)
