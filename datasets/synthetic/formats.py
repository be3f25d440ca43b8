"""Write a synthetic organisation to disk: events (Parquet or CSV), directory and truth, atomically.

Examples
--------
>>> import tempfile, pathlib
>>> from orgnet.synthetic import toy_org
>>> out = write(toy_org(), pathlib.Path(tempfile.mkdtemp()) / "toy")
>>> sorted(p.name for p in out.iterdir())
['directory.csv', 'events.parquet', 'truth.json']
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from orgnet.synthetic.model import SyntheticOrg
from orgnet.synthetic.names import SITES

__all__ = [
    "EXPORT_PATHS",
    "FORMATS",
    "atomic_dir",
    "atomic_path",
    "to_mbox",
    "to_slack_export",
    "to_viva_engage_export",
    "write",
]

#: Formats ``orgnet synth --format`` accepts.
FORMATS: tuple[str, ...] = ("parquet", "csv", "slack", "viva_engage", "mbox")

#: Where each export format lands inside the output folder.
EXPORT_PATHS: dict[str, str] = {"slack": "slack", "viva_engage": "viva_engage", "mbox": "org.mbox"}


@contextmanager
def atomic_path(final: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``final``; on success it replaces ``final`` in one step.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> with atomic_path(p) as tmp:
    ...     _ = tmp.write_text("hi")
    >>> p.read_text()
    'hi'
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)  # mkstemp makes owner-only files; outputs are ordinary files
        os.replace(tmp, final)
    finally:
        if tmp.exists():
            tmp.unlink()


@contextmanager
def atomic_dir(final: Path) -> Iterator[Path]:
    """Yield a temporary folder next to ``final``; on success it takes ``final``'s place.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "export"
    >>> with atomic_dir(p) as tmp:
    ...     _ = (tmp / "a.txt").write_text("hi")
    >>> sorted(x.name for x in p.iterdir())
    ['a.txt']
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o755)
        old = None
        if final.exists():
            old = final.with_name(f".{final.name}.old-{os.getpid()}")
            os.replace(final, old)
        os.replace(tmp, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _write_text(final: Path, fill: Callable[[IO[str]], Any]) -> None:
    with atomic_path(final) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        fill(fh)


def write(org: SyntheticOrg, out_dir: str | os.PathLike[str], format: str = "parquet") -> Path:
    """Write an organisation to a folder: its events, ``directory.csv`` and ``truth.json``.

    The events go to ``events.parquet`` or ``events.csv``, or, for the export formats, to a
    ``slack/`` workspace export, a ``viva_engage/`` network export or an ``org.mbox`` file (see
    :func:`to_slack_export`, :func:`to_viva_engage_export`, :func:`to_mbox`). Each file is written
    to a temporary name and moved into place, so a reader never sees half a file.

    Parameters
    ----------
    org : SyntheticOrg
    out_dir : path
        Created if missing.
    format : {"parquet", "csv", "slack", "viva_engage", "mbox"}
        Format of the events.

    Returns
    -------
    pathlib.Path
        ``out_dir``.

    Raises
    ------
    ValueError
        Unknown ``format``.
    """
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    events = org.events
    if format == "parquet":
        with atomic_path(out / "events.parquet") as tmp:
            pq.write_table(events, tmp, compression="zstd", row_group_size=1_000_000)
    elif format == "csv":
        # Timestamps as ISO 8601 with Z, kinds as plain text: what a person or a spreadsheet expects.
        cols = {name: events.column(name) for name in events.column_names}
        cols["ts"] = pc.strftime(events.column("ts"), format="%Y-%m-%dT%H:%M:%SZ")
        cols["kind"] = events.column("kind").cast(pa.string())
        with atomic_path(out / "events.csv") as tmp:
            pacsv.write_csv(pa.table(cols), tmp)
    else:
        writer = {"slack": to_slack_export, "viva_engage": to_viva_engage_export, "mbox": to_mbox}[format]
        writer(org, out / EXPORT_PATHS[format])
    _write_text(out / "directory.csv", lambda fh: org.directory.to_csv(fh, index=False))
    _write_text(out / "truth.json", lambda fh: json.dump(org.truth, fh, indent=1, ensure_ascii=False))
    return out


# -- phase 2: the organisation as real export formats ----------------------------------------------

_WORDS = (
    "update", "plan", "review", "draft", "notes", "team", "sync", "roadmap", "launch", "metrics", "customer",
    "feedback", "idea", "question", "summary", "workshop", "release", "budget", "timeline", "proposal",
    "process", "training", "goal", "quarter", "demo", "check-in", "next", "steps", "shared", "doc",
)
_EMOJI = ("thumbsup", "heart", "tada", "raised_hands", "eyes", "clap", "fire", "100", "pray", "rocket")


def _filler(seed: int, words: int = 8) -> str:
    # Deterministic filler text: never real content, and never starting with "From ".
    out = [_WORDS[(seed * 7 + i * 13 + (seed >> (i % 5))) % len(_WORDS)] for i in range(words)]
    return (" ".join(out)).capitalize() + "."


class _Messages:
    """Events as integer-coded columns, the shared input of the export writers."""

    def __init__(self, org: SyntheticOrg) -> None:
        ev = org.events
        d = org.directory
        self.people = d.reset_index(drop=True)
        index = pd.Index(d["person"])
        self.kind = np.asarray(ev.column("kind").cast(pa.string()).to_numpy(zero_copy_only=False), dtype=object)
        self.actor = index.get_indexer(ev.column("actor").to_numpy(zero_copy_only=False))
        tgt = ev.column("target").to_numpy(zero_copy_only=False)
        self.target = index.get_indexer(pd.Series(tgt).fillna(""))
        self.ts_us = ev.column("ts").cast(pa.int64()).to_numpy()
        self.channel = np.asarray(ev.column("channel").to_numpy(zero_copy_only=False), dtype=object)
        self.item = np.asarray(ev.column("item").to_numpy(zero_copy_only=False), dtype=object)
        thread = pd.Series(ev.column("thread").to_numpy(zero_copy_only=False))
        self.thread_row = pd.Index(self.item).get_indexer(thread.fillna(""))  # row of the thread's post, -1
        self.domain = str(d["email"].iloc[0]).split("@", 1)[1] if len(d) else "example.org"
        # Stable per-row number used to make ids and filler text.
        self.row = np.arange(len(self.kind))


def _slack_ts(ts_us: np.ndarray, row: np.ndarray) -> np.ndarray:
    # Slack's ts is the message id within a channel: seconds + a unique 6-digit fraction.
    sec = ts_us // 1_000_000
    frac = row % 1_000_000
    return np.char.add(np.char.add(sec.astype(str), "."), np.char.zfill(frac.astype(str), 6))


def to_slack_export(org: SyntheticOrg, out: str | os.PathLike[str]) -> Path:
    """Write the organisation as a Slack workspace export folder (modern format).

    ``users.json`` and ``channels.json`` at the top, then one folder per channel with one JSON file
    per day. Posts start threads (``thread_ts``, ``reply_count``, ``reply_users``, ``latest_reply``),
    replies carry ``thread_ts`` and ``parent_user_id``, reactions sit on the post as
    ``[{name, users, count}]``, mentions are ``<@U…>`` in ``text``, joins are ``channel_join``
    messages, curation is a ``pinned_item`` message plus ``pinned_to`` on the post and shares are
    messages with an ``is_share`` attachment. Views have no trace in a Slack export.

    Parameters
    ----------
    org : SyntheticOrg
    out : path
        Folder to create (its parent is created if missing).

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile, pathlib, json
    >>> from orgnet.synthetic import toy_org
    >>> out = to_slack_export(toy_org(), pathlib.Path(tempfile.mkdtemp()) / "slack")
    >>> users = json.loads((out / "users.json").read_text())
    >>> len(users), users[0]["id"]
    (60, 'U00000000')
    """
    m = _Messages(org)
    out = Path(out)
    people = m.people
    uid = np.array([f"U{i:08d}" for i in range(len(people))], dtype=object)
    offsets = dict(SITES)
    cols = {c: people[c].to_numpy(dtype=object) for c in ("name", "email", "title", "site")}
    users = []
    for i in range(len(people)):
        name = cols["name"][i]
        users.append({
            "id": uid[i], "team_id": "T00000001", "name": cols["email"][i].split("@")[0], "deleted": False,
            "real_name": name, "tz_offset": int(offsets.get(cols["site"][i], 0) * 3600),
            "is_bot": False, "is_admin": i == 0, "is_owner": i == 0,
            "profile": {
                "real_name": name, "display_name": name.split(" ")[0], "first_name": name.split(" ")[0],
                "last_name": name.split(" ")[-1], "title": cols["title"][i], "email": cols["email"][i],
            },
        })
    keep = m.kind != "view"
    rows = m.row[keep]
    ts = _slack_ts(m.ts_us, m.row)
    names = sorted(set(m.channel[rows]) - {None})
    cid = {name: f"C{i:08d}" for i, name in enumerate(names)}

    # What each post gathers: replies, reactions, pins.
    post_rows = rows[m.kind[rows] == "post"]
    replies: dict[int, list[int]] = {int(r): [] for r in post_rows}
    reactions: dict[int, dict[str, list[str]]] = {}
    pinned: set[int] = set()
    for r in rows:
        k, parent = m.kind[r], int(m.thread_row[r])
        if parent < 0:
            continue
        if k == "reply":
            replies[parent].append(int(r))
        elif k == "reaction":
            emoji = _EMOJI[(int(m.actor[r]) + parent) % len(_EMOJI)]
            users_of = reactions.setdefault(parent, {}).setdefault(emoji, [])
            if uid[m.actor[r]] not in users_of:
                users_of.append(uid[m.actor[r]])
        elif k == "curate":
            pinned.add(parent)

    by_file: dict[tuple[str, str], list[dict[str, Any]]] = {}
    members: dict[str, set[str]] = {name: set() for name in names}
    first_ts: dict[str, int] = {}
    days = pd.to_datetime(m.ts_us, unit="us").strftime("%Y-%m-%d").to_numpy()
    for r in rows:
        k, ch, user = m.kind[r], m.channel[r], uid[m.actor[r]]
        members[ch].add(user)
        first_ts.setdefault(ch, int(m.ts_us[r] // 1_000_000))
        msg: dict[str, Any] = {"type": "message", "user": user, "ts": ts[r]}
        parent = int(m.thread_row[r])
        if k == "post":
            msg["client_msg_id"] = f"00000000-0000-4000-8000-{r:012d}"
            msg["text"] = _filler(int(r))
            kids = replies.get(int(r), [])
            if kids:
                msg.update(
                    thread_ts=ts[r], reply_count=len(kids),
                    reply_users=list(dict.fromkeys(uid[m.actor[c]] for c in kids)),
                    reply_users_count=len({m.actor[c] for c in kids}), latest_reply=ts[kids[-1]],
                )
            if int(r) in reactions:
                msg["reactions"] = [{"name": e, "users": u, "count": len(u)} for e, u in reactions[int(r)].items()]
            if int(r) in pinned:
                msg["pinned_to"] = [cid[ch]]
        elif k == "reply":
            msg.update(text=_filler(int(r), 6), thread_ts=ts[parent], parent_user_id=uid[m.actor[parent]])
            msg["client_msg_id"] = f"00000000-0000-4000-8000-{r:012d}"
        elif k == "mention":
            msg["text"] = f"<@{uid[m.target[r]]}> {_filler(int(r), 5)}"
            msg["client_msg_id"] = f"00000000-0000-4000-8000-{r:012d}"
        elif k == "share":
            msg["text"] = _filler(int(r), 3)
            msg["attachments"] = [{
                "is_share": True, "is_msg_unfurl": True, "author_id": uid[m.actor[parent]],
                "channel_id": cid[m.channel[parent]], "ts": ts[parent], "text": _filler(parent),
                "fallback": "[shared message]",
            }]
        elif k == "join":
            msg.update(subtype="channel_join", text=f"<@{user}> has joined the channel")
        elif k == "curate":
            msg.update(subtype="pinned_item", item_type="C", text=f"<@{user}> pinned a message to this channel.",
                       attachments=[{"author_id": uid[m.actor[parent]], "ts": ts[parent], "text": _filler(parent),
                                     "channel_id": cid[ch]}])
        else:  # reactions live on their post
            continue
        by_file.setdefault((ch, days[r]), []).append(msg)

    channels = [
        {
            "id": cid[name], "name": name, "created": first_ts.get(name, 0), "creator": min(members[name]) if members[name] else "",
            "is_archived": False, "is_general": name == "all-company", "members": sorted(members[name]),
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": _filler(i, 5), "creator": "", "last_set": 0},
        }
        for i, name in enumerate(names)
    ]
    with atomic_dir(out) as tmp:
        _dump_json(tmp / "users.json", users)
        _dump_json(tmp / "channels.json", channels)
        for name in names:
            (tmp / name).mkdir()
        for (ch, day), msgs in by_file.items():
            _dump_json(tmp / ch / f"{day}.json", sorted(msgs, key=lambda x: x["ts"]))
    return out


def _dump_json(path: Path, obj: Any) -> None:
    # Inside a temporary folder that is swapped in whole: plain writes are enough.
    # No indent: json's C encoder is several times faster, and readers do not care.
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(obj, ensure_ascii=False))


def to_viva_engage_export(org: SyntheticOrg, out: str | os.PathLike[str]) -> Path:
    """Write the organisation as a Viva Engage (Yammer) network data export folder.

    ``Messages.csv`` (one row per post, reply and mention message; thread starters have
    ``thread_id == id``; replies point at their thread's post through ``replied_to_id``; mentions are
    ``[[user:ID]]`` in ``body``), ``Users.csv`` and ``Groups.csv`` (one group per channel). Reactions,
    views, shares, pins and joins are not in a network export (see FORMAT.md) and are left out.

    Parameters
    ----------
    org : SyntheticOrg
    out : path
        Folder to create.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd
    >>> from orgnet.synthetic import toy_org
    >>> out = to_viva_engage_export(toy_org(), pathlib.Path(tempfile.mkdtemp()) / "ve")
    >>> msgs = pd.read_csv(out / "Messages.csv", dtype=str, keep_default_na=False)
    >>> bool((msgs["thread_id"] == msgs["id"]).any()), bool(msgs["body"].str.contains(r"\\[\\[user:").any())
    (True, True)
    """
    m = _Messages(org)
    out = Path(out)
    people = m.people
    user_id = 1_500_000_000 + np.arange(len(people))
    keep = np.isin(m.kind, ["post", "reply", "mention"])
    rows = m.row[keep]
    names = sorted(set(m.channel[rows]) - {None})
    gid = {name: 9_000_000 + i for i, name in enumerate(names)}
    msg_id = 1_000_000_000 + m.row
    created = pd.to_datetime(m.ts_us, unit="us").strftime("%Y-%m-%dT%H:%M:%S.000Z").to_numpy()
    kind = m.kind[rows]
    parent = m.thread_row[rows]
    is_reply = (kind == "reply") & (parent >= 0)
    thread = np.where(is_reply, msg_id[np.maximum(parent, 0)], msg_id[rows])
    # Participants of a thread: its starter and everyone who replied.
    part: dict[int, list[int]] = {}
    for t, a in zip(thread.tolist(), user_id[m.actor[rows]].tolist(), strict=True):
        lst = part.setdefault(t, [])
        if a not in lst:
            lst.append(a)
    body = []
    for r, k in zip(rows.tolist(), kind.tolist(), strict=True):
        text = _filler(r, 6 if k == "reply" else 9)
        if k == "mention":
            text = f"Looping in [[user:{user_id[m.target[r]]}]]: {text}"
        body.append(text)
    group = [gid[c] for c in m.channel[rows]]
    messages = pd.DataFrame(
        {
            "id": msg_id[rows],
            "replied_to_id": np.where(is_reply, thread.astype(str), ""),
            "thread_id": thread,
            "conversation_id": thread,
            "group_id": group,
            "group_name": [_group_title(c) for c in m.channel[rows]],
            "participants": [",".join(f"user:{u}" for u in part[t]) for t in thread.tolist()],
            "in_private_group": "false",
            "in_private_conversation": "false",
            "sender_id": user_id[m.actor[rows]],
            "sender_type": "user",
            "sender_name": people["name"].to_numpy()[m.actor[rows]],
            "sender_email": people["email"].to_numpy()[m.actor[rows]],
            "body": body,
            "api_url": [f"https://www.yammer.com/api/v1/messages/{i}" for i in msg_id[rows]],
            "attachments": "",
            "deleted_by_id": "",
            "deleted_by_type": "",
            "created_at": created[rows],
            "deleted_at": "",
            "message_type": "update",
        }
    )
    hire = pd.to_datetime(people["hire_date"]).dt.strftime("%Y-%m-%dT09:00:00Z")
    users = pd.DataFrame(
        {
            "id": user_id, "email": people["email"], "name": people["name"], "job_title": people["title"],
            "location": people["site"], "department": people["department"], "joined_at": hire,
            "deleted_at": "", "suspended_at": "", "guid": [f"g{i:08x}" for i in range(len(people))],
            "state": "active", "api_url": [f"https://www.yammer.com/api/v1/users/{u}" for u in user_id],
        }
    )
    first = messages.groupby("group_id")["created_at"].min()
    creator = messages.sort_values("created_at").groupby("group_id")["sender_id"].first()
    groups = pd.DataFrame(
        {
            "id": [gid[n] for n in names], "name": [_group_title(n) for n in names],
            "description": [_filler(i, 5) for i in range(len(names))], "privacy": "public", "internal": "true",
            "link": [f"https://web.yammer.com/groups/{gid[n]}" for n in names],
            "creator_id": [creator.get(gid[n], "") for n in names],
            "created_at": [first.get(gid[n], "") for n in names],
            "updated_at": [first.get(gid[n], "") for n in names],
        }
    )
    with atomic_dir(out) as tmp:
        for name, frame in (("Messages.csv", messages), ("Users.csv", users), ("Groups.csv", groups)):
            frame.to_csv(tmp / name, index=False)
    return out


def _group_title(channel: str) -> str:
    return channel.replace("-", " ").title() if channel != "all-company" else "All Company"


def to_mbox(org: SyntheticOrg, out_file: str | os.PathLike[str]) -> Path:
    """Write posts and replies as one mbox file of RFC 5322 messages.

    A post is a mail from its author to the channel's list address; a reply goes to the post's
    author with the list in ``Cc`` and carries ``In-Reply-To`` and ``References``. Every mail is
    the copy the list distributed, so it carries ``List-Id`` and ``List-Post`` (RFC 2919, 2369)
    naming its channel's list: that is how a reader tells the list from a person. Mentions,
    reactions, shares, pins, joins and views have no trace in mail and are left out.
    ``Message-ID`` is ``<item@domain>``.

    Parameters
    ----------
    org : SyntheticOrg
    out_file : path
        The mbox file to write (its folder is created if missing).

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile, pathlib, mailbox
    >>> from orgnet.synthetic import toy_org
    >>> path = to_mbox(toy_org(), pathlib.Path(tempfile.mkdtemp()) / "org.mbox")
    >>> box = mailbox.mbox(path, create=False)
    >>> msgs = list(box)
    >>> box.close()
    >>> msgs[0]["Message-ID"].startswith("<m"), any(x["In-Reply-To"] for x in msgs)
    (True, True)
    """
    from email.utils import format_datetime

    m = _Messages(org)
    out_file = Path(out_file)
    people = m.people
    names = people["name"].to_numpy()
    emails = people["email"].to_numpy()
    domain = m.domain
    rows = m.row[np.isin(m.kind, ["post", "reply"])]
    stamp = pd.to_datetime(m.ts_us[rows], unit="us", utc=True)

    def fill(fh: IO[str]) -> None:
        for r, when in zip(rows.tolist(), stamp, strict=True):
            a = m.actor[r]
            dt = when.to_pydatetime()
            sender = f"{names[a]} <{emails[a]}>"
            listaddr = f"{m.channel[r]}@lists.{domain}"
            mid = f"<{m.item[r]}@{domain}>"
            parent = int(m.thread_row[r])
            lines = [f"From {emails[a]} {dt.strftime('%a %b %d %H:%M:%S %Y')}", f"Message-ID: {mid}",
                     f"Date: {format_datetime(dt)}", f"From: {sender}",
                     f"List-Id: <{m.channel[r]}.lists.{domain}>", f"List-Post: <mailto:{listaddr}>"]
            if m.kind[r] == "reply" and parent >= 0:
                pa_ = m.actor[parent]
                pid = f"<{m.item[parent]}@{domain}>"
                lines += [f"To: {names[pa_]} <{emails[pa_]}>", f"Cc: {listaddr}",
                          f"Subject: Re: {_filler(parent, 4)[:-1]}", f"In-Reply-To: {pid}", f"References: {pid}"]
            else:
                lines += [f"To: {listaddr}", f"Subject: {_filler(int(r), 4)[:-1]}"]
            lines += ["MIME-Version: 1.0", 'Content-Type: text/plain; charset="utf-8"',
                      "Content-Transfer-Encoding: 8bit", "", _filler(int(r), 12), "", ""]
            fh.write("\n".join(lines))

    _write_text(out_file, fill)
    return out_file
