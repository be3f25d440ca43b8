"""The Slack reader on hand-written fixtures (both formats), on broken input and on real exports."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from orgnet.connectors import read, sniff
from orgnet.connectors import slack as slack_reader
from orgnet.connectors.base import InputError
from orgnet.events import SCHEMA

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "slack"
MODERN = FIXTURES / "modern"
OLD = FIXTURES / "old"
CANARY = "ZQXCANARY"


def frame(result) -> pd.DataFrame:
    return result.events.to_pandas()


def triples(df: pd.DataFrame, kind: str) -> Counter:
    sub = df[df["kind"] == kind]
    return Counter(zip(sub["actor"], sub["target"].astype(object).where(sub["target"].notna(), None), strict=True))


def zip_folder(folder: Path, dest: Path, wrapper: str = "") -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, f"{wrapper}{p.relative_to(folder).as_posix()}")
    return dest


# -- the modern fixture --------------------------------------------------------------------------


def test_sniffs_folder_and_zip(tmp_path: Path) -> None:
    assert sniff(MODERN) == "slack"
    assert sniff(zip_folder(MODERN, tmp_path / "export.zip")) == "slack"
    assert sniff(zip_folder(MODERN, tmp_path / "wrapped.zip", "Export Jan 2024/")) == "slack"
    assert not slack_reader.sniff(MODERN / "users.json")


def test_modern_kinds_and_counts() -> None:
    r = read(MODERN)
    df = frame(r)
    assert r.format == "slack"
    assert r.events.schema.equals(SCHEMA)
    assert r.records_read == 23
    assert dict(Counter(df["kind"])) == {
        "join": 1, "post": 8, "share": 1, "reply": 7, "curate": 1, "mention": 5, "reaction": 5,
    }
    assert r.records_skipped == Counter({
        "system message (channel_topic)": 1,
        "system message (channel_purpose)": 1,
        "system message (channel_name)": 1,
        "bot message": 2,
        "edit record (message_changed)": 1,
        "reaction by a bot": 1,
        "mention of a bot": 1,
        "reaction not listed by user (count above users)": 2,
    })
    assert df["item"].is_unique
    assert (df["source"] == "slack").all()


def test_threads_replies_and_their_targets() -> None:
    df = frame(read(MODERN))
    assert triples(df, "reply") == Counter({
        ("U02BEN", "U01ANA"): 1,  # parent_user_id
        ("U03CAR", "U01ANA"): 1,  # no parent_user_id: the author of thread_ts
        ("U04GUEST", "U01ANA"): 1,  # thread_broadcast
        ("U01ANA", "U01ANA"): 1,  # the author answering in their own thread
        ("U02BEN", None): 1,  # replying in a bot's thread is no tie to a person
        ("U01ANA", "U02BEN"): 1,  # file_comment -> the file's owner
        ("U01ANA", "U03CAR"): 1,  # in the group DM's thread
    })
    root = df[(df["kind"] == "post") & (df["actor"] == "U01ANA") & (df["channel"] == "general")].iloc[0]
    replies = df[(df["kind"] == "reply") & (df["channel"] == "general")]
    assert (replies["thread"].isin([root["thread"], "C01GEN:1704186420.000007"])).all()
    assert root["thread"] == root["item"] == "C01GEN:1704186060.000001"
    assert root["ts"] == pd.Timestamp("2024-01-02T09:01:00.000001Z")
    # A file comment sits in the file's own thread, with what it mentions: where the file was
    # shared is not in the comment record, and must not depend on what else the export holds.
    comment = df[(df["kind"] == "reply") & (df["channel"] == "help")].iloc[0]
    assert comment["thread"] == "file:F01"
    assert (df.loc[df["item"].str.startswith(comment["item"]), "thread"] == "file:F01").all()


def test_reactions_mentions_shares_pins() -> None:
    df = frame(read(MODERN))
    assert triples(df, "reaction") == Counter({
        ("U02BEN", "U01ANA"): 1, ("U05WATCH", "U01ANA"): 1, ("U03CAR", "U01ANA"): 1,
        ("U01ANA", "U03CAR"): 1, ("U02BEN", "U03CAR"): 1,
    })
    # Two mentions of the same person in one message are one event; self-mentions are none.
    assert triples(df, "mention") == Counter({
        ("U01ANA", "U02BEN"): 1, ("U01ANA", "U04GUEST"): 1, ("U02BEN", "U01ANA"): 1,
        ("U02BEN", "U03CAR"): 1,  # found in blocks when the text is empty
        ("U01ANA", "U05WATCH"): 1,  # inside a file comment
    })
    assert triples(df, "share") == Counter({("U01ANA", "U02BEN"): 1})
    assert triples(df, "curate") == Counter({("U02BEN", "U01ANA"): 1})
    assert triples(df, "join") == Counter({("U05WATCH", None): 1})


def test_direct_messages_and_group_dms() -> None:
    df = frame(read(MODERN))
    dm = df[df["channel"] == "D01AB"]
    assert triples(dm, "post") == Counter({("U01ANA", "U02BEN"): 1, ("U02BEN", "U01ANA"): 1})
    assert dm["weight"].eq(1.0).all()
    # A group DM message goes to each other member (mpims.json), 1/k each, as Teams chats and e-mail.
    mpim = df[df["channel"] == "mpdm-ana--ben--carla-1"]
    posts = mpim[mpim["kind"] == "post"]
    assert triples(posts, "post") == Counter({("U03CAR", "U01ANA"): 1, ("U03CAR", "U02BEN"): 1})
    assert posts["weight"].tolist() == [0.5, 0.5] and posts["ts"].nunique() == 1
    assert set(posts["item"]) == {"G01ABC:1704366120.003002:to:U01ANA", "G01ABC:1704366120.003002:to:U02BEN"}
    # Reactions and replies in a group DM stay one row each, to the author.
    assert triples(mpim, "reaction") == Counter({("U01ANA", "U03CAR"): 1, ("U02BEN", "U03CAR"): 1})
    assert triples(mpim, "reply") == Counter({("U01ANA", "U03CAR"): 1})
    assert mpim.loc[mpim["kind"] != "post", "weight"].eq(1.0).all()


def test_people_include_watchers_guests_bots_and_unlisted() -> None:
    r = read(MODERN)
    people = r.people.set_index("person")
    assert list(r.people.columns[:3]) == ["person", "name", "email"]
    assert {"is_bot", "deleted", "title", "tz", "external", "handle"} <= set(r.people.columns)
    assert len(people) == 7  # six in users.json + one author missing from it
    assert people.loc["U01ANA", "email"] == "ana.alves@example.com"
    assert people.loc["U01ANA", "title"] == "Community lead"
    assert people.loc["U02BEN", "name"] == "Ben B"  # display name when real_name is empty
    assert bool(people.loc["U03CAR", "deleted"])
    assert bool(people.loc["U04GUEST", "external"])
    assert bool(people.loc["U06BOT", "is_bot"])
    assert "U05WATCH" in people.index  # a watcher: present, never posts
    assert pd.isna(people.loc["U07GONE", "name"])
    df = frame(r)
    guest_rows = df[(df["actor"] == "U04GUEST") | (df["target"] == "U04GUEST")]
    assert guest_rows["external"].all()
    assert not df.loc[~df.index.isin(guest_rows.index), "external"].any()


def test_no_message_text_anywhere() -> None:
    for folder in (MODERN, OLD):
        r = read(folder)
        assert CANARY in "".join(p.read_text() for p in folder.rglob("*.json"))
        for table in (r.events.to_pandas(), r.people):
            assert not table.astype(str).apply(lambda col: col.str.contains(CANARY)).any().any()


def test_zip_reads_like_the_folder(tmp_path: Path) -> None:
    folder = read(MODERN)
    for wrapper in ("", "export/"):
        z = read(zip_folder(MODERN, tmp_path / f"e{len(wrapper)}.zip", wrapper))
        assert z.events.equals(folder.events)
        assert z.records_skipped == folder.records_skipped
        assert len(z.people) == len(folder.people)


# -- the old format ------------------------------------------------------------------------------


def test_old_format_without_threads() -> None:
    r = read(OLD)
    df = frame(r)
    assert r.records_read == 9
    assert dict(Counter(df["kind"])) == {"join": 2, "post": 2, "mention": 2, "reaction": 1, "curate": 1}
    posts = df[df["kind"] == "post"]
    assert (posts["thread"] == posts["item"]).all()  # no threads: each post is its own
    assert triples(df, "mention") == Counter({("U1OLD", "U2OLD"): 1, ("U2OLD", "U1OLD"): 1})
    # A 2015 pin names the pinned message's author by handle only (author_subname).
    assert triples(df, "curate") == Counter({("U2OLD", "U1OLD"): 1})
    # bot_message without a user, Slackbot (not in a 2015 users.json), a bot user's message.
    assert r.records_skipped == Counter({"system message (channel_archive)": 1, "bot message": 3})
    people = r.people.set_index("person")
    assert len(people) == 5  # the quiet member is still a member
    assert people["is_bot"].tolist() == [False, False, False, True, False]
    assert people["deleted"].tolist() == [False, False, False, False, True]  # 2015: no is_bot key


# -- malformed input -----------------------------------------------------------------------------


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    dest = tmp_path / "export"
    shutil.copytree(MODERN, dest)
    return dest


def test_truncated_day_file_names_the_file(broken: Path) -> None:
    day = broken / "general" / "2024-01-02.json"
    day.write_text(day.read_text()[:200])
    with pytest.raises(InputError, match=r"general/2024-01-02\.json: not valid JSON .*truncated"):
        read(broken)


def test_non_utf8_file_names_the_file(broken: Path) -> None:
    (broken / "help" / "2024-01-02.json").write_bytes('[{"text": "caf\u00e9"}]'.encode("latin-1"))
    with pytest.raises(InputError, match=r"help/2024-01-02\.json: not UTF-8 text \(byte 0xe9"):
        read(broken)


def test_wrong_structures(broken: Path) -> None:
    (broken / "help" / "2024-01-02.json").write_text('{"messages": []}')
    with pytest.raises(InputError, match=r"help/2024-01-02\.json: expected a JSON list of messages, found dict"):
        read(broken)
    shutil.rmtree(broken / "help")
    (broken / "users.json").write_text('[{"id": "U1"}, "U2"]')
    with pytest.raises(InputError, match=r"users\.json, record 2: expected a user object with an id"):
        read(broken)
    (broken / "users.json").write_text('{"members": []}')
    with pytest.raises(InputError, match=r"users\.json: expected a JSON list of users"):
        read(broken)


def test_bad_records_are_counted_not_lost(broken: Path) -> None:
    (broken / "help" / "2024-01-02.json").write_text(json.dumps(
        ["not a message", {"type": "message", "user": "U01ANA"}, {"type": "message", "user": "U01ANA", "ts": "x"},
         {"type": "message", "ts": "1704186000.1"}, {"type": "message", "user": "U01ANA", "ts": "1704186000.2"}]
    ))
    r = read(broken)
    assert r.records_skipped["malformed record (not a JSON object)"] == 1
    assert r.records_skipped["malformed record (no valid ts)"] == 2
    assert r.records_skipped["no author (user)"] == 1
    help_rows = frame(r).query("channel == 'help'")
    assert len(help_rows) == 1


def test_zip_errors_name_the_member(tmp_path: Path) -> None:
    z = tmp_path / "e.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(MODERN / "users.json", "users.json")
        zf.write(MODERN / "channels.json", "channels.json")
        zf.writestr("general/2024-01-02.json", '[{"type": "message", "us')
    with pytest.raises(InputError, match=r"e\.zip!general/2024-01-02\.json: not valid JSON"):
        read(z)


# -- real exports (../shared/data) ---------------------------------------------------------------


@pytest.mark.realdata
def test_houstondatavis_2016_export(shared_dataset) -> None:
    r = read(shared_dataset("slack_houstondatavis"))
    df = frame(r)
    assert r.format == "slack"
    # PROVENANCE.txt: 16 channels, 71 users, 1,382 messages (320 channel_join, 61 file_share,
    # 13 channel_purpose, 9 channel_archive, 6 file_comment, ...).
    assert r.records_read == 1382
    assert len(r.people) == 71
    assert df["channel"].nunique() == 16
    assert dict(Counter(df["kind"])) == {
        "post": 1025, "join": 320, "reaction": 198, "mention": 155, "reply": 6, "curate": 1,
    }
    assert r.records_skipped == Counter({
        "system message (channel_purpose)": 13, "system message (channel_archive)": 9,
        "system message (channel_leave)": 3, "system message (channel_topic)": 2,
        "system message (channel_name)": 2, "system message (bot_add)": 1,
    })
    assert r.records_read == sum(r.records_skipped.values()) + 1025 + 320 + 6 + 1
    ties = df[df["kind"].isin(["mention", "reaction"])]
    assert ties["target"].notna().all() and (ties["actor"] != ties["target"]).any()
    assert df["ts"].min() == pd.Timestamp("2015-06-06 02:36:47.760577Z")
    assert df["ts"].max() == pd.Timestamp("2016-07-27 20:21:38.000041Z")
    assert df["item"].is_unique


@pytest.mark.realdata
def test_olake_modern_export(shared_dataset) -> None:
    r = read(shared_dataset("slack_olake_community"))
    df = frame(r)
    # PROVENANCE.txt: 304 messages, 235 replies with parent_user_id, 682 users, 5 channels.
    assert r.records_read == 304
    assert len(r.people) == 682
    assert df["channel"].nunique() == 5
    assert dict(Counter(df["kind"])) == {"reply": 236, "reaction": 190, "mention": 186, "post": 64}
    assert r.records_skipped == Counter({
        "bot message": 2, "system message (bot_add)": 1, "system message (bot_remove)": 1,
    })
    replies = df[df["kind"] == "reply"]
    assert replies["target"].notna().all()
    # Every reply belongs to a thread started by a post in the export.
    assert set(replies["thread"]) <= set(df.loc[df["kind"] == "post", "thread"])
    # PROVENANCE counts 41 distinct message authors; one is a bot (Simple Poll) and two only
    # added or removed an integration, which leaves 39 people who posted or replied.
    assert df.loc[df["kind"].isin(["post", "reply"]), "actor"].nunique() == 39
    assert df["actor"].nunique() == 46  # with those who only reacted or mentioned
    assert int(r.people["is_bot"].sum()) == 17  # 16 flagged is_bot, plus Slackbot (USLACKBOT)


def test_shared_message_is_a_share_to_the_original_author(tmp_path: Path) -> None:
    # Regression: a "Share message" (an is_share attachment) was read as a plain post, losing the tie.
    (tmp_path / "users.json").write_text(json.dumps([{"id": "U1"}, {"id": "U2"}]))
    (tmp_path / "channels.json").write_text(json.dumps([{"id": "C1", "name": "a"}, {"id": "C2", "name": "b"}]))
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "2024-01-02.json").write_text(json.dumps([
        {"type": "message", "user": "U1", "text": "original", "ts": "1704189600.000100"}]))
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2024-01-02.json").write_text(json.dumps([
        {"type": "message", "user": "U2", "text": "look", "ts": "1704189700.000200",
         "attachments": [{"is_share": True, "author_id": "U1", "channel_id": "C1", "ts": "1704189600.000100"}]},
        {"type": "message", "user": "U1", "text": "mine", "ts": "1704189800.000300",
         "attachments": [{"is_share": True, "author_id": "U1", "channel_id": "C1", "ts": "1704189600.000100"}]},
        {"type": "message", "user": "U2", "text": "link", "ts": "1704189900.000400",
         "attachments": [{"is_msg_unfurl": True, "author_id": "U1", "channel_id": "C1", "ts": "1704189600.000100"}]},
    ]))
    df = frame(read(tmp_path))
    rows = df[["kind", "actor", "target", "thread"]].astype(object).where(df[["kind", "actor", "target", "thread"]].notna(), None)
    assert rows.to_dict("records") == [
        {"kind": "post", "actor": "U1", "target": None, "thread": "C1:1704189600.000100"},
        {"kind": "share", "actor": "U2", "target": "U1", "thread": "C1:1704189600.000100"},
        {"kind": "post", "actor": "U1", "target": None, "thread": "C2:1704189800.000300"},
        {"kind": "post", "actor": "U2", "target": None, "thread": "C2:1704189900.000400"},
    ]


def test_many_channels_list_the_archive_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Regression: each conversation scanned every file name of the export (13,000 channels x 70,000
    # day files at 100k people: minutes). The names are now grouped by folder in one pass.
    from orgnet.connectors._archive import Archive

    n = 300
    (tmp_path / "users.json").write_text(json.dumps([{"id": "U1"}]))
    (tmp_path / "channels.json").write_text(json.dumps([{"id": f"C{i}", "name": f"c{i}"} for i in range(n)]))
    for i in range(n):
        (tmp_path / f"c{i}").mkdir()
        (tmp_path / f"c{i}" / "2024-01-02.json").write_text(
            json.dumps([{"type": "message", "user": "U1", "text": "x", "ts": f"1704189600.{i:06d}"}]))
    calls = Counter()
    names = Archive.names

    def counted(self: Archive) -> list[str]:
        calls["names"] += 1
        return names.fget(self)

    monkeypatch.setattr(Archive, "names", property(counted))
    r = read(tmp_path)
    assert r.records_read == n and r.events.num_rows == n
    assert calls["names"] <= 3


# -- issue 12: events that do not depend on what else the export holds; group DMs; bots -------


def _drop_message(export: Path, day: str, ts: str) -> None:
    path = export / day
    path.write_text(json.dumps([m for m in json.loads(path.read_text()) if m.get("ts") != ts]))


@pytest.mark.parametrize(("fixture", "day", "pinned"), [
    (OLD, "general/2015-06-05.json", "1433500200.000004"),
    (MODERN, "general/2024-01-02.json", "1704186060.000001"),
])
def test_a_pin_names_its_target_without_the_pinned_message(tmp_path: Path, fixture: Path, day: str,
                                                           pinned: str) -> None:
    export = tmp_path / "export"
    shutil.copytree(fixture, export)
    _drop_message(export, day, pinned)  # an export that starts after the pinned message
    full, part = frame(read(fixture)), frame(read(export))
    cols = ["ts", "kind", "actor", "target", "item", "weight"]
    pins = part.loc[part["kind"] == "curate", cols].reset_index(drop=True)
    assert pins.equals(full.loc[full["kind"] == "curate", cols].reset_index(drop=True))
    assert pins["target"].notna().all()


def test_group_dm_from_groups_json_and_from_its_folder_name(tmp_path: Path) -> None:
    # Older exports list group DMs in groups.json with is_mpim; the members may be missing, and a
    # partial export may hold the folder only: the handles in mpdm-<a>--<b>--<c>-1 name them.
    users = [{"id": f"U{i}", "name": h, "profile": {}} for i, h in enumerate(["ana", "ben", "carla", "dora.d"])]
    (tmp_path / "users.json").write_text(json.dumps(users))
    (tmp_path / "channels.json").write_text("[]")
    (tmp_path / "groups.json").write_text(json.dumps([
        {"id": "G1", "name": "mpdm-ana--ben--carla-1", "created": 1704067200, "creator": "U0", "is_group": True,
         "is_mpim": True, "members": [], "topic": {"value": "", "creator": "", "last_set": 0},
         "purpose": {"value": "Group messaging with: @ana @ben @carla", "creator": "U0", "last_set": 1704067200}},
    ]))
    message = {"type": "message", "user": "U0", "text": "hi", "ts": "1704189600.000100"}
    for folder in ("mpdm-ana--ben--carla-1", "mpdm-ana--dora.d-1", "mpdm-ana--zed-1"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "2024-01-02.json").write_text(json.dumps([message]))
    df = frame(read(tmp_path))
    got = {c: sorted(zip(g["target"].astype(object).where(g["target"].notna(), None), g["weight"], strict=True),
                     key=str)
           for c, g in df.groupby("channel")}
    assert got == {
        "mpdm-ana--ben--carla-1": [("U1", 0.5), ("U2", 0.5)],
        "mpdm-ana--dora.d-1": [("U3", 1.0)],
        "mpdm-ana--zed-1": [(None, 1.0)],  # a handle users.json does not know: members unknown
    }


def test_reactions_carry_their_message_time() -> None:
    # Slack keeps no time for a reaction: each reaction has the ts of the message it is on.
    df = frame(read(MODERN))
    reactions = df[df["kind"] == "reaction"]
    message_item = reactions["item"].str.replace(r":reaction:.*$", "", regex=True)
    message_ts = df[df["kind"].isin(["post", "reply", "share"])].assign(
        message=lambda d: d["item"].str.replace(r":to:.*$", "", regex=True)).drop_duplicates("message")
    merged = reactions.assign(message=message_item).merge(message_ts[["message", "ts"]], on="message",
                                                          suffixes=("", "_message"))
    assert len(merged) == len(reactions)
    assert (merged["ts"] == merged["ts_message"]).all()


def test_unlisted_author_of_bot_messages_is_a_bot(tmp_path: Path) -> None:
    (tmp_path / "users.json").write_text(json.dumps([{"id": "U1", "name": "ana"}]))
    (tmp_path / "channels.json").write_text(json.dumps([{"id": "C1", "name": "general"}]))
    (tmp_path / "general").mkdir()
    (tmp_path / "general" / "2024-01-02.json").write_text(json.dumps([
        {"type": "message", "user": "U9APP", "bot_id": "B9", "text": "poll", "ts": "1704189600.000100",
         "bot_profile": {"id": "B9", "app_id": "A9", "name": "Poll", "deleted": False}},
        {"type": "message", "user": "U1", "text": "voted", "ts": "1704189700.000200",
         "thread_ts": "1704189600.000100", "parent_user_id": "U9APP"},
    ]))
    r = read(tmp_path)
    assert r.records_skipped["bot message"] == 1
    people = r.people.set_index("person")
    assert bool(people.loc["U9APP", "is_bot"]) and not bool(people.loc["U1", "is_bot"])


@pytest.mark.realdata
@pytest.mark.parametrize(("name", "bots", "deleted", "deleted_bots"), [
    # users.json of 2016: no bot user listed, one deleted account (no is_bot key, as 2016 wrote it).
    ("slack_houstondatavis", 0, 1, 0),
    # users.json of 2026: 16 is_bot plus Slackbot; 26 deleted, 9 of them bots (removed integrations).
    ("slack_olake_community", 17, 26, 9),
])
def test_bots_and_deleted_accounts_on_real_exports(shared_dataset, name: str, bots: int, deleted: int,
                                                   deleted_bots: int) -> None:
    users = json.loads((shared_dataset(name) / "users.json").read_text())
    r = read(shared_dataset(name))
    p = r.people.set_index("person")
    is_bot, gone = p["is_bot"].fillna(False).astype(bool), p["deleted"].fillna(False).astype(bool)
    assert (int(is_bot.sum()), int(gone.sum()), int((is_bot & gone).sum())) == (bots, deleted, deleted_bots)
    # Every flag comes from users.json as written.
    listed_bots = {u["id"] for u in users if u.get("is_bot") or u["id"] == "USLACKBOT"}
    assert set(is_bot[is_bot].index) == listed_bots
    assert set(gone[gone].index) == {u["id"] for u in users if u.get("deleted")}
    df = frame(r)
    assert not (set(df["actor"]) | set(df["target"].dropna())) & listed_bots  # bots never act or receive
