"""Read a Viva Engage (Yammer) network data export — folder or zip of CSV files — into events.

The export (admin centre > Export Network Data) holds ``Messages.csv``, ``Users.csv``,
``Groups.csv`` and more; no public sample exists, so the reader is header-driven: columns are
found by name (case-insensitive, a BOM and surrounding spaces tolerated), extra columns are
ignored, optional ones may be missing, and a missing required column is an
:class:`~orgnet.connectors.base.InputError` naming the file and the column. See
``docs/connectors/viva_engage.md`` for the rules; in short:

* a thread starter (no ``replied_to_id``) is a ``post`` (in a private conversation, one per
  participant with weight ``1/n``); a reply is a ``reply`` to the author of the message in
  ``replied_to_id`` — or, when that message is not in the export, to the thread starter's author;
* ``[[user:ID]]`` in a body is a ``mention`` (the body is read for this only and never kept);
* ``channel`` is the group's name; a private conversation has no channel, a post outside any
  group is ``"All Company"``;
* deleted messages, system messages and messages without a sender are skipped and counted;
* guests — a ``Users.csv`` e-mail outside the home network's domain(s), or a guest flag —
  make their events ``external``;
* everyone in ``Users.csv`` is a person, whether they posted or not (watchers).

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "Messages.csv").write_text(
...     "id,replied_to_id,thread_id,group_id,sender_id,body,created_at\\n"
...     "1,,1,7,100,Hello [[user:200]],2024-03-01T09:00:00Z\\n"
...     "2,1,1,7,200,Thanks,2024-03-01T10:00:00Z\\n")
>>> res = read(d)
>>> res.events.select(["kind", "actor", "target"]).to_pylist()
[{'kind': 'post', 'actor': '100', 'target': None}, {'kind': 'mention', 'actor': '100', 'target': '200'}, {'kind': 'reply', 'actor': '200', 'target': '100'}]
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgnet.connectors._archive import Archive, is_zip
from orgnet.connectors.base import InputError, Reader, ReadResult
from orgnet.events import coerce_events

__all__ = ["READER", "read", "sniff"]

SOURCE = "viva_engage"
ALL_COMPANY = "All Company"

_MENTION = r"\[\[user:(\d+)\]\]"
_TRUE = ("true", "t", "1", "yes", "y")
_NULLS = ("", "null", "none", "nil", "nan", "n/a")

# Column -> accepted header names (after lower-casing and turning spaces and hyphens into "_").
_MESSAGE_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "message_id"),
    "sender_id": ("sender_id", "user_id"),
    "replied_to_id": ("replied_to_id", "in_reply_to_id"),
    "thread_id": ("thread_id", "conversation_id"),
    "group_id": ("group_id",),
    "group_name": ("group_name",),
    "participants": ("participants",),
    "in_private_conversation": ("in_private_conversation",),
    "sender_type": ("sender_type",),
    "sender_name": ("sender_name",),
    "sender_email": ("sender_email",),
    "body": ("body", "message", "content"),
    "created_at": ("created_at", "created"),
    "deleted_at": ("deleted_at",),
    "deleted_by_id": ("deleted_by_id",),
    "message_type": ("message_type", "type"),
}
_MESSAGE_REQUIRED = ("id", "sender_id")

_USER_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "user_id"),
    "email": ("email", "email_address"),
    "name": ("name", "full_name", "display_name"),
    "title": ("job_title", "title"),
    "department": ("department",),
    "location": ("location",),
    "joined_at": ("joined_at",),
    "deleted_at": ("deleted_at",),
    "suspended_at": ("suspended_at",),
    "state": ("state",),
    "guest": ("guest", "is_guest", "external", "is_external"),
    "user_type": ("user_type", "type"),
}
_USER_REQUIRED = ("id",)

_GROUP_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "group_id"),
    "name": ("name", "group_name"),
    "privacy": ("privacy",),
}
_GROUP_REQUIRED = ("id",)


def _header_key(name: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lstrip("\ufeff").strip().strip('"').lower())


def _member(archive: Archive, filename: str) -> str | None:
    # Shallowest member with this name, whatever its case (a zip may wrap the export in a folder).
    want = filename.lower()
    hits = [n for n in archive.names if posixpath.basename(n).lower() == want]
    return min(hits, key=lambda n: (n.count("/"), n)) if hits else None


def _read_table(
    archive: Archive,
    name: str,
    columns: dict[str, tuple[str, ...]],
    required: Sequence[str],
) -> pd.DataFrame:
    where = archive.where(name)
    data = archive.read_bytes(name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(where, f"not UTF-8 text (byte {data[exc.start]:#04x}); expected a UTF-8 CSV",
                         record=line) from None
    if not text.strip():
        raise InputError(where, f"file is empty; expected a header with {', '.join(required)}")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, engine="c")
    except pd.errors.EmptyDataError:  # e.g. only byte-order marks: text, but no line of CSV
        raise InputError(where, f"no header line; expected a header with {', '.join(required)}", record=1) from None
    except pd.errors.ParserError as exc:
        raise InputError(where, f"not a valid CSV ({exc}); is the file truncated?") from None
    truncated = 0
    if len(frame) and not text.endswith(("\n", "\r")) and _last_row_short(text, len(frame.columns)):
        # The file stops inside its last row: that row lacks fields, so it is dropped and counted.
        frame = frame.iloc[:-1]
        truncated = 1
    header = {_header_key(c): c for c in frame.columns}
    rename: dict[str, str] = {}
    for canonical, names in columns.items():
        for n in names:
            if n in header and header[n] not in rename:
                rename[header[n]] = canonical
                break
    missing = [c for c in required if c not in rename.values()]
    if missing:
        raise InputError(
            where,
            f"missing required column(s) {', '.join(missing)} "
            f"(the header has {', '.join(map(str, frame.columns))})",
            record=1,
        )
    frame = frame[list(rename)].rename(columns=rename)
    for canonical in columns:
        if canonical not in frame.columns:
            frame[canonical] = ""
    frame = frame.astype("string")
    for col in frame.columns:
        if col != "body":
            s = frame[col].str.strip()
            frame[col] = s.mask(s.str.lower().isin(_NULLS))
    # A numeric id exported as 17.0 by a spreadsheet is still 17.
    for col in ("id", "sender_id", "replied_to_id", "thread_id", "group_id", "deleted_by_id"):
        if col in frame.columns:
            frame[col] = frame[col].str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    frame.attrs["where"] = where
    frame.attrs["truncated"] = truncated
    return frame


def _lookup(keys: pd.Series, index: pd.Series, values: pd.Series) -> pd.Series:
    # keys -> values where index == key (first match), vectorised in Arrow; misses are <NA>.
    def arrow(s: pd.Series) -> pa.Array:
        return pa.array(s.astype("string"), type=pa.string(), from_pandas=True)

    pos = pc.index_in(arrow(keys), value_set=arrow(index))
    out = pc.take(arrow(values), pos)
    return pd.Series(out.to_pandas(), index=keys.index).astype("string")


def _last_row_short(text: str, n_columns: int) -> bool:
    # Only for files without a final newline (rare): the C csv module finds the last record.
    # newline="": a lone carriage return ends a line as it does for pandas, not an error.
    last: list[str] = []
    try:
        for last in csv.reader(io.StringIO(text, newline="")):  # noqa: B007 - only the last record matters
            pass
    except csv.Error:
        return False  # pandas read it; a record the csv module cannot is no evidence of a cut
    return len(last) < n_columns


def _parse_times(values: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(values, utc=True, errors="coerce", format="ISO8601")
    retry = parsed.isna() & values.notna()
    if retry.any():
        parsed[retry] = pd.to_datetime(values[retry], utc=True, errors="coerce", format="mixed")
    return parsed


def _truthy(values: pd.Series) -> pd.Series:
    return values.fillna("").str.strip().str.lower().isin(_TRUE)


def _domain(emails: pd.Series) -> pd.Series:
    return emails.str.lower().str.extract(r"@([^@\s>]+)$", expand=False)


def _inside(domains: pd.Series, org: list[str]) -> pd.Series:
    ok = domains.isin(org)
    for d in org:
        ok |= domains.str.endswith("." + d, na=False)
    return ok.fillna(False)


def read(
    path: str | Path,
    *,
    org_domain: str | Sequence[str] | None = None,
    include_mentions: bool = True,
) -> ReadResult:
    """Read a Viva Engage / Yammer network export (folder or zip) into events and people.

    Parameters
    ----------
    path : str or Path
        The export folder, the zip, or ``Messages.csv`` itself (``Users.csv`` and
        ``Groups.csv`` are then looked for next to it).
    org_domain : str or sequence of str, optional
        The home network's e-mail domain(s); a user with an e-mail elsewhere is a guest. By
        default the most common domain among ``Users.csv`` e-mails.
    include_mentions : bool
        Make ``mention`` events from ``[[user:ID]]`` in bodies (default yes).

    Returns
    -------
    ReadResult
        ``records_read`` is the number of rows of ``Messages.csv``.

    Raises
    ------
    InputError
        No ``Messages.csv``, a required column missing, a file that is not UTF-8, or a CSV that
        cannot be parsed (truncated); the message names the file (and row).
    """
    with Archive(path) as archive:
        messages_name = _member(archive, "Messages.csv")
        if messages_name is None:
            raise InputError(path, "no Messages.csv in this export; expected a Viva Engage network data export")
        users_name = _member(archive, "Users.csv")
        groups_name = _member(archive, "Groups.csv")
        msgs = _read_table(archive, messages_name, _MESSAGE_COLUMNS, _MESSAGE_REQUIRED)
        users = _read_table(archive, users_name, _USER_COLUMNS, _USER_REQUIRED) if users_name else None
        groups = _read_table(archive, groups_name, _GROUP_COLUMNS, _GROUP_REQUIRED) if groups_name else None
        where = msgs.attrs["where"]
    skipped: Counter[str] = Counter()
    n_read = len(msgs) + msgs.attrs["truncated"]
    if msgs.attrs["truncated"]:
        skipped["truncated last row (the file is cut off)"] += 1

    empty_id = msgs["id"].isna()
    if empty_id.any():
        row = int(np.flatnonzero(empty_id.to_numpy())[0]) + 2
        raise InputError(where, "message id is empty; expected an id in every row", record=row)
    dup = msgs["id"].duplicated(keep="first")
    if dup.any():
        skipped["duplicate message id"] += int(dup.sum())
        msgs = msgs[~dup]
    # Authors of every message, kept or not, so a reply to a deleted message still has a target.
    def author_of(ids: pd.Series) -> pd.Series:
        return _lookup(ids, msgs["id"], msgs["sender_id"])

    no_sender = msgs["sender_id"].isna()
    deleted = ~no_sender & (msgs["deleted_at"].notna() | msgs["deleted_by_id"].notna())
    system = ~no_sender & ~deleted & msgs["message_type"].str.lower().isin(["system", "announcement_system"])
    not_user = (~no_sender & ~deleted & ~system & msgs["sender_type"].notna()
                & ~msgs["sender_type"].str.lower().isin(["user", "guest"]))
    for mask, reason in (
        (no_sender, "no sender"),
        (deleted, "deleted message"),
        (system, "system message"),
        (not_user, "sender is not a user (bot or system)"),
    ):
        if mask.any():
            skipped[reason] += int(mask.sum())
    keep = msgs[~(no_sender | deleted | system | not_user)].reset_index(drop=True)

    ts = _parse_times(keep["created_at"])
    bad_ts = ts.isna() & keep["created_at"].notna()
    if bad_ts.any():
        skipped["created_at unparseable (kept without timestamp)"] += int(bad_ts.sum())
    if keep["created_at"].isna().any():
        skipped["created_at missing (kept without timestamp)"] += int(keep["created_at"].isna().sum())

    # Channel: the group's name (Groups.csv, else group_name, else the id); private -> null.
    private = _truthy(keep["in_private_conversation"])
    channel = keep["group_name"]
    if groups is not None:
        channel = _lookup(keep["group_id"], groups["id"], groups["name"]).fillna(channel)
    channel = channel.fillna(keep["group_id"])
    channel = channel.mask(private, pd.NA)
    channel = channel.mask(~private & keep["group_id"].isna() & keep["group_name"].isna(), ALL_COMPANY)
    thread = keep["thread_id"].fillna(_lookup(keep["replied_to_id"], msgs["id"], msgs["thread_id"]))
    thread = thread.astype("string").fillna(keep["id"])

    is_reply = (keep["replied_to_id"].notna() & (keep["replied_to_id"] != keep["id"])).fillna(False).astype(bool)
    private = private.fillna(False).astype(bool)
    target = author_of(keep["replied_to_id"])
    starter = author_of(keep["thread_id"])
    unknown_parent = is_reply & target.isna()
    if unknown_parent.any():
        skipped["reply to a message not in the export (target: thread starter, kept)"] += int(unknown_parent.sum())
    not_starter = (keep["thread_id"] != keep["id"]).fillna(True).astype(bool)
    target = target.where(is_reply, pd.NA).fillna(starter.where(is_reply & not_starter, pd.NA))
    target = target.mask((target == keep["sender_id"]).fillna(False).astype(bool), pd.NA)

    base_cols = {"ts": ts, "actor": keep["sender_id"], "channel": channel, "thread": thread, "item": keep["id"]}
    posts = pd.DataFrame({**base_cols, "kind": np.where(is_reply, "reply", "post"), "target": target,
                          "weight": 1.0})
    # A private conversation's first message goes to its participants, like an e-mail.
    fan = private & ~is_reply & keep["participants"].notna()
    if fan.any():
        parts = keep.loc[fan, "participants"].str.findall(r"(?:user:)?(\d+)").explode().dropna().astype("string")
        rows = posts.loc[parts.index].assign(target=parts.to_numpy())
        rows = rows[rows["target"] != rows["actor"]].drop_duplicates(["item", "target"])
        rows["weight"] = 1.0 / rows.groupby("item")["target"].transform("size")
        rows["item"] = rows["item"] + ":to:" + rows["target"]
        posts = pd.concat([posts.drop(index=rows.index.unique()), rows]).sort_index(kind="stable")
    frames = [posts]
    if include_mentions:
        body = keep["body"].fillna("")
        has = body.str.contains("[[user:", regex=False)
        rows = body[has].str.findall(_MENTION).explode().dropna().astype("string")
        if len(rows):
            pos = rows.index.to_numpy()  # keep has a RangeIndex: labels are positions
            mentions = pd.DataFrame({k: v.iloc[pos].array for k, v in base_cols.items()}, index=rows.index)
            mentions["target"] = rows.to_numpy()
            mentions = mentions[mentions["target"] != mentions["actor"]].drop_duplicates(["item", "target"])
            mentions["kind"] = "mention"
            mentions["item"] = mentions["item"] + ":mention:" + mentions["target"]
            mentions["weight"] = 1.0
            frames.append(mentions)
    keep = keep.drop(columns="body")  # bodies are read for mentions only and go no further
    events = pd.concat(frames, ignore_index=False).sort_index(kind="stable").reset_index(drop=True)

    people = _people(users, msgs, events)
    guests = set(people.loc[_guests(people, org_domain), "person"])
    events["external"] = events["actor"].isin(guests) | events["target"].isin(guests)
    table = coerce_events(
        pa.Table.from_pandas(events[["ts", "kind", "actor", "target", "weight", "channel", "thread", "item",
                                     "external"]], preserve_index=False),
        source=SOURCE,
        where=where,
    )
    people["external"] = people["person"].isin(guests)
    people = people.drop(columns="guest_flag")
    return ReadResult(events=table, people=people, format=SOURCE, path=str(path), records_read=n_read,
                      records_skipped=skipped)


def _people(users: pd.DataFrame | None, msgs: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    if users is not None:
        u = users.dropna(subset=["id"]).drop_duplicates("id")
        people = pd.DataFrame({
            "person": u["id"],
            "name": u["name"],
            "email": u["email"].str.lower(),
            "department": u["department"],
            "title": u["title"],
            "location": u["location"],
            "joined_at": _parse_times(u["joined_at"]),
            "deleted": u["deleted_at"].notna() | u["state"].str.lower().isin(["soft_delete", "deleted"]).fillna(False),
            "suspended": u["suspended_at"].notna(),
            "guest_flag": _truthy(u["guest"]) | u["user_type"].str.lower().isin(["guest", "external"]).fillna(False),
        })
    else:
        people = pd.DataFrame({c: pd.Series(dtype="string") for c in ("person", "name", "email")})
    # Senders missing from Users.csv still are people; their message rows may name them.
    senders = msgs.dropna(subset=["sender_id"]).drop_duplicates("sender_id")
    extra = senders[~senders["sender_id"].isin(people["person"])]
    sender_type = extra["sender_type"].str.lower()
    people = pd.concat([people, pd.DataFrame({
        "person": extra["sender_id"], "name": extra["sender_name"], "email": extra["sender_email"].str.lower(),
        "guest_flag": sender_type.eq("guest").fillna(False),
        "is_bot": (sender_type.notna() & ~sender_type.isin(["user", "guest"])).fillna(False),
    })], ignore_index=True)
    # Ids only seen in events (a mention of someone the export does not list).
    seen = pd.concat([events["actor"], events["target"]]).dropna().astype("string").unique()
    unlisted = pd.Index(seen).difference(pd.Index(people["person"].astype("string")))
    if len(unlisted):
        people = pd.concat([people, pd.DataFrame({"person": unlisted.astype("string")})], ignore_index=True)
    people = people.reset_index(drop=True)
    for col in ("person", "name", "email"):
        people[col] = people[col].astype("string")
    for col in ("deleted", "suspended", "guest_flag", "is_bot"):
        people[col] = people[col].fillna(False).astype(bool) if col in people.columns else False
    return people


def _guests(people: pd.DataFrame, org_domain: str | Sequence[str] | None) -> pd.Series:
    domains = _domain(people["email"])
    if org_domain is None:
        active = domains[~people.get("deleted", pd.Series(False, index=people.index)).fillna(False).astype(bool)]
        common = active.dropna().value_counts()
        org = [str(common.index[0])] if len(common) else []
    else:
        org = [org_domain] if isinstance(org_domain, str) else list(org_domain)
        org = [d.strip().lower().lstrip("@") for d in org if d.strip()]
    outside = domains.notna() & ~_inside(domains, org) if org else pd.Series(False, index=people.index)
    return (outside | people["guest_flag"]).to_numpy(dtype=bool)


def sniff(path: Path) -> bool:
    """Tell whether ``path`` is a folder or zip holding ``Messages.csv`` (or is that file)."""
    if path.is_file() and path.name.lower() == "messages.csv":
        return True
    if path.is_dir():
        for child in path.iterdir():
            if child.name.lower() == "messages.csv":
                return True
            if child.is_dir() and any(g.name.lower() == "messages.csv" for g in child.iterdir()):
                return True
        return False
    if path.is_file() and is_zip(path):
        try:
            with Archive(path) as archive:
                return _member(archive, "Messages.csv") is not None
        except InputError:
            return False
    return False


READER = Reader(
    name=SOURCE,
    read=read,
    sniff=sniff,
    description="Viva Engage / Yammer network data export (folder or zip of Messages.csv, Users.csv, ...)",
)
