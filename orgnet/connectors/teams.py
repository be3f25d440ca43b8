"""Read Microsoft Teams messages exported from Microsoft Graph (``chatMessage`` JSON) into events.

Input: one JSON file, or a folder or zip of them. Each file holds a list of messages, a Graph
page ``{"value": [...]}`` (as ``GET /teams/{id}/channels/{id}/messages`` returns it), or one
message. Messages fetched with ``$expand=replies`` carry their replies in ``replies``; they
are read too.

What becomes which event (see ``docs/connectors/teams.md`` for the reasons):

==========================================  =================================================
chatMessage                                  event
==========================================  =================================================
``messageType == "message"``, no replyToId   ``post``: in a channel, target null (a broadcast);
                                             in a chat, one row per other member who wrote
                                             in that chat, weight ``1/k``
``replyToId`` set                            ``reply`` to the author of that message
each ``reactions[].user.user``               ``reaction`` to the message's author
each distinct ``mentions[].mentioned.user``  ``mention`` of that person
``systemEventMessage`` and other types       skipped, counted by event type
sent by an application (bot), deleted        skipped, counted
==========================================  =================================================

The body is never read: mentions come from the ``mentions`` list.

Examples
--------
>>> import json, tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "messages.json"
>>> _ = f.write_text(json.dumps({"value": [
...     {"id": "1", "messageType": "message", "createdDateTime": "2024-01-02T09:00:00Z",
...      "channelIdentity": {"teamId": "T", "channelId": "19:general"},
...      "from": {"user": {"id": "u-ana", "displayName": "Ana"}}, "body": {"content": "hi"}},
...     {"id": "2", "replyToId": "1", "messageType": "message", "createdDateTime": "2024-01-02T09:05:00Z",
...      "channelIdentity": {"teamId": "T", "channelId": "19:general"},
...      "from": {"user": {"id": "u-ben", "displayName": "Ben"}}}]}))
>>> read(f).events.select(["kind", "actor", "target", "thread"]).to_pylist()  # doctest: +NORMALIZE_WHITESPACE
[{'kind': 'post', 'actor': 'u-ana', 'target': None, 'thread': '19:general:1'},
 {'kind': 'reply', 'actor': 'u-ben', 'target': 'u-ana', 'thread': '19:general:1'}]
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from orgnet.connectors._archive import Archive, first_file_with_suffix, is_zip
from orgnet.connectors._fields import TIME_OUT_OF_RANGE, items, plausible_seconds
from orgnet.connectors.base import EventRows, InputError, Reader, ReadResult
from orgnet.events import coerce_events, empty_events

__all__ = ["READER", "read", "sniff"]

SOURCE = "teams"

#: Identity types of people from outside the tenant (Graph ``teamworkUserIdentityType``).
EXTERNAL_IDENTITY_TYPES = frozenset(
    {"anonymousGuest", "federatedUser", "personalMicrosoftAccountUser", "skypeUser", "phoneUser", "emailUser"}
)
_SNIFF_BYTES = 65_536


# -- sniffing ------------------------------------------------------------------------------------


def _looks_like_messages(head: bytes) -> bool:
    return b'"messageType"' in head and b'"createdDateTime"' in head and (
        b'"channelIdentity"' in head or b'"chatId"' in head or b'"from"' in head
    )


def sniff(path: Path) -> bool:
    """Tell whether ``path`` holds Graph ``chatMessage`` JSON (looks at the start of one file).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "m.json"
    >>> _ = f.write_text('[{"id": "1", "messageType": "message", "createdDateTime": "2024-01-01T00:00:00Z", "from": null}]')
    >>> sniff(f), sniff(f.parent / "nothing.json")
    (True, False)
    """
    path = Path(path)
    if path.is_file() and not is_zip(path):
        if path.suffix.lower() != ".json":
            return False
        with path.open("rb") as fh:
            return _looks_like_messages(fh.read(_SNIFF_BYTES))
    if path.is_dir():
        found = first_file_with_suffix(path, (".json",))
        if found is None:
            return False
        with found.open("rb") as fh:
            return _looks_like_messages(fh.read(_SNIFF_BYTES))
    if is_zip(path):
        try:
            with Archive(path) as archive:
                first = next((n for n in archive.names if n.lower().endswith(".json")), None)
                return first is not None and _looks_like_messages(archive.read_head(first, _SNIFF_BYTES))
        except InputError:
            return False
    return False


# -- reading -------------------------------------------------------------------------------------




def read(path: str | Path) -> ReadResult:
    """Read Teams ``chatMessage`` JSON exported from Microsoft Graph.

    Parameters
    ----------
    path : str or Path
        A JSON file, or a folder or zip of JSON files.

    Returns
    -------
    ReadResult
        Events (``source="teams"``); people seen as senders, mentioned or reacting (id = the
        Entra ID object id, with display name, identity type and tenant); messages read and
        skipped with the reason for each skip.

    Raises
    ------
    InputError
        A file is not UTF-8, not JSON (e.g. truncated), not one of the three shapes above, or
        a message has a timestamp that cannot be read; the message names the file and record.
    """
    with Archive(path) as archive:
        names = [n for n in archive.names if n.lower().endswith(".json")]
        if not names:
            raise InputError(path, "no .json file found; expected Graph chatMessage JSON")
        records: list[tuple[Any, str, int]] = []
        for name in names:
            records.extend(_records(archive.read_json(name), archive.where(name)))
    skipped: Counter[str] = Counter()
    people: dict[str, dict[str, Any]] = {}
    messages = _flatten(records)
    # Who wrote each message, so a reply finds the author of what it answers.
    author: dict[tuple[str | None, str], str] = {}
    for m, _, _ in messages:
        if isinstance(m, dict) and m.get("id") is not None:
            user = _user(m.get("from"))
            if user is not None:
                author[(_container(m), str(m["id"]))] = str(user["id"])
    rows = EventRows()
    for m, where, record in messages:
        _message_events(m, (where, record), author, rows, people, skipped)
    events = _table(rows, people, skipped) if rows.kind else empty_events()
    return ReadResult(
        events=events, people=_people_frame(people), format=SOURCE, path=str(path),
        records_read=len(messages), records_skipped=skipped,
    )


def _records(data: Any, where: str) -> list[tuple[Any, str, int]]:
    if isinstance(data, dict) and "value" in data:
        data = data["value"]
        if not isinstance(data, list):
            raise InputError(where, f'"value" should be a list of messages, found {type(data).__name__}')
    elif isinstance(data, dict):
        if "id" not in data and "messageType" not in data:
            raise InputError(
                where, 'expected a list of chatMessage objects, a {"value": [...]} page or one message'
            )
        data = [data]
    elif not isinstance(data, list):
        raise InputError(where, f"expected a list of chatMessage objects, found {type(data).__name__}")
    return [(m, where, i + 1) for i, m in enumerate(data)]


def _flatten(records: list[tuple[Any, str, int]]) -> list[tuple[Any, str, Any]]:
    # Replies fetched with $expand=replies sit inside their root message; bring them out.
    out: list[tuple[Any, str, Any]] = []
    for m, where, record in records:
        out.append((m, where, record))
        replies = m.get("replies") if isinstance(m, dict) else None
        if isinstance(replies, list):
            for j, r in enumerate(replies):
                if isinstance(r, dict) and not r.get("replyToId") and m.get("id") is not None:
                    r = {**r, "replyToId": m["id"]}
                out.append((r, where, f"{record}.replies[{j + 1}]"))
    return out


def _container(m: dict[str, Any]) -> str | None:
    ci = m.get("channelIdentity")
    if isinstance(ci, dict) and ci.get("channelId"):
        return str(ci["channelId"])
    return str(m["chatId"]) if m.get("chatId") else None


def _user(identity: Any) -> dict[str, Any] | None:
    # An identity set: {"user": {...}, "application": {...}, ...}; people are in "user".
    if isinstance(identity, dict):
        user = identity.get("user")
        if isinstance(user, dict) and user.get("id"):
            return user
    return None


def _note_person(people: dict[str, dict[str, Any]], user: dict[str, Any]) -> str:
    pid = str(user["id"])
    entry = people.setdefault(pid, {"person": pid, "name": None, "identity_type": None, "tenant": None})
    for key, field_name in (("name", "displayName"), ("identity_type", "userIdentityType"), ("tenant", "tenantId")):
        if entry[key] is None and user.get(field_name):
            entry[key] = str(user[field_name])
    return pid


def _message_events(
    m: Any,
    where: tuple[str, Any],
    author: dict[tuple[str | None, str], str],
    rows: EventRows,
    people: dict[str, dict[str, Any]],
    skipped: Counter[str],
) -> None:
    if not isinstance(m, dict):
        skipped["malformed record (not a JSON object)"] += 1
        return
    if m.get("id") is None:
        skipped["malformed record (no id)"] += 1
        return
    mtype = m.get("messageType", "message")
    if mtype != "message":
        detail = m.get("eventDetail")
        what = detail.get("@odata.type", "").rsplit(".", 1)[-1] if isinstance(detail, dict) else ""
        skipped[f"system event ({what or mtype})"] += 1
        return
    if m.get("deletedDateTime"):
        skipped["deleted message"] += 1
        return
    sender = _user(m.get("from"))
    if sender is None:
        frm = m.get("from")
        if isinstance(frm, dict) and frm.get("application"):
            skipped["bot message (application)"] += 1
        else:
            skipped["no author (from.user)"] += 1
        return
    actor = _note_person(people, sender)
    container = _container(m)
    mid = str(m["id"])
    item = f"{container}:{mid}" if container else mid
    reply_to = m.get("replyToId")
    if container is not None and m.get("chatId") and not m.get("channelIdentity"):
        thread = container  # a chat is one running conversation
    else:
        root = str(reply_to) if reply_to else mid
        thread = f"{container}:{root}" if container else root
    ts = m.get("createdDateTime")
    if reply_to:
        rows.add(ts, "reply", actor, author.get((container, str(reply_to))), container, thread, item, where)
    else:
        rows.add(ts, "post", actor, None, container, thread, item, where)
    mentioned: list[str] = []
    for mention in items(m.get("mentions"), where[0], where[1], "mentions"):
        user = _user(mention.get("mentioned")) if isinstance(mention, dict) else None
        if user is None:
            skipped["mention of a channel, team, chat or app"] += 1
            continue
        mentioned.append(_note_person(people, user))
    for target in dict.fromkeys(mentioned):  # a name split in two is two mentions of one person
        if target != actor:
            rows.add(ts, "mention", actor, target, container, thread, f"{item}:mention:{target}", where)
    for reaction in items(m.get("reactions"), where[0], where[1], "reactions"):
        user = _user(reaction.get("user")) if isinstance(reaction, dict) else None
        if user is None:
            skipped["reaction without a user"] += 1
            continue
        reactor = _note_person(people, user)
        kind = reaction.get("reactionType") or reaction.get("displayName") or "reaction"
        rows.add(reaction.get("createdDateTime") or ts, "reaction", reactor, actor, container, thread,
                 f"{item}:reaction:{kind}:{reactor}", where)


#: An ISO 8601 time whose year pandas cannot hold (before 1677, from 2262 on, or signed).
_YEAR_OUT_OF_RANGE = r"^(?:[+-]|(?:1[0-5]\d\d|16[0-6]\d|167[0-6]|226[2-9]|22[7-9]\d|2[3-9]\d\d|[3-9]\d{3}|\d{5,})-)"


def _timestamps(rows: EventRows) -> tuple[pa.Array, np.ndarray]:
    """The events' times, and which are in range (from 1970, before 2262); unreadable text is an error."""
    raw = pd.Series(rows.ts, dtype="object")
    text = raw.where(raw.notna(), None).astype("string").str.strip()
    parsed = pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601").astype("datetime64[us, UTC]")
    far = (parsed.isna() & text.notna() & text.str.match(_YEAR_OUT_OF_RANGE).fillna(False)).to_numpy(bool)
    seconds = parsed.to_numpy("datetime64[us]").astype("int64") / 1e6
    in_range = parsed.isna().to_numpy(bool) | plausible_seconds(seconds)
    keep = in_range & ~far
    parsed = parsed.where(pd.Series(keep, index=parsed.index))
    bad = parsed.isna() & text.notna() & pd.Series(keep, index=parsed.index)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        where, record = rows.where[i]
        raise InputError(where, f"cannot read createdDateTime {text.iloc[i]!r}; expected ISO 8601", record)
    return pa.array(parsed.astype("datetime64[us, UTC]"), type=pa.timestamp("us", tz="UTC"), from_pandas=True), keep


def _table(rows: EventRows, people: dict[str, dict[str, Any]], skipped: Counter[str]) -> pa.Table:
    outside = _outsiders(people)
    external = [a in outside or (t is not None and t in outside) for a, t in zip(rows.actor, rows.target, strict=True)]
    ts, keep = _timestamps(rows)
    table = pa.table(
        {
            "ts": ts,
            "kind": pa.array(rows.kind, pa.string()),
            "actor": pa.array(rows.actor, pa.string()),
            "target": pa.array(rows.target, pa.string()),
            "channel": pa.array(rows.channel, pa.string()),
            "thread": pa.array(rows.thread, pa.string()),
            "item": pa.array(rows.item, pa.string()),
            "external": pa.array(external, pa.bool_()),
        }
    )
    if not keep.all():
        # Infinite, negative or far-future times: counted and left out, never passed on.
        skipped[TIME_OUT_OF_RANGE] += int((~keep).sum())
        table = table.filter(pa.array(keep))
    return coerce_events(_address_chat_posts(table), source=SOURCE, where="teams messages")


def _address_chat_posts(table: pa.Table) -> pa.Table:
    """A chat message goes to the chat's other members: one ``post`` row each, weight ``1/k``.

    A Graph chat message names no recipient, and the export holds no member list; the members
    are taken to be everyone who wrote in that chat. A message in a chat where nobody else
    wrote stays a post with no target (it is activity, not a tie). Channel posts are
    broadcasts to the channel and keep no target.
    """
    frame = table.to_pandas()
    chat = frame["channel"].notna() & (frame["thread"] == frame["channel"])
    posts = chat & (frame["kind"] == "post") & frame["target"].isna()
    if not posts.any():
        return table
    members = frame.loc[chat, ["channel", "actor"]].drop_duplicates().rename(columns={"actor": "member"})
    sent = frame[posts].reset_index().merge(members, on="channel")
    sent = sent[sent["member"] != sent["actor"]]
    others = sent.groupby("index")["member"].transform("size")
    sent = sent.assign(target=sent["member"], weight=1.0 / others,
                       item=sent["item"] + ":to:" + sent["member"])
    addressed = set(sent["index"])
    keep = frame[~frame.index.isin(addressed)].assign(weight=1.0)
    out = pd.concat([keep, sent.drop(columns=["member"]).set_index("index")]).sort_index(kind="stable")
    return pa.Table.from_pandas(out.reset_index(drop=True), preserve_index=False)


def _outsiders(people: dict[str, dict[str, Any]]) -> set[str]:
    # Guests and people from another tenant are outside the organisation; the home tenant is
    # the one most people belong to.
    tenants = Counter(p["tenant"] for p in people.values() if p["tenant"])
    home = tenants.most_common(1)[0][0] if tenants else None
    return {
        pid for pid, p in people.items()
        if p["identity_type"] in EXTERNAL_IDENTITY_TYPES or (home is not None and p["tenant"] not in (None, home))
    }


def _people_frame(people: dict[str, dict[str, Any]]) -> pd.DataFrame:
    outside = _outsiders(people)
    frame = pd.DataFrame(
        list(people.values()), columns=["person", "name", "identity_type", "tenant"]
    )
    frame.insert(2, "email", pd.Series([None] * len(frame), dtype="string"))
    frame["external"] = frame["person"].isin(outside).astype("boolean")
    for c in ("person", "name", "identity_type", "tenant"):
        frame[c] = frame[c].astype("string")
    return frame.sort_values("person", kind="stable").reset_index(drop=True)


READER = Reader(
    name=SOURCE,
    read=read,
    sniff=sniff,
    description="Microsoft Teams chat/channel messages as Graph chatMessage JSON (file, folder or zip)",
)
