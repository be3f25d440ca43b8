"""The Mattermost reader on a bulk-export fixture, zipped and bare, and on broken input."""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from orgnet.connectors import mattermost as mm_reader
from orgnet.connectors import read, sniff
from orgnet.connectors.base import InputError
from orgnet.events import SCHEMA

EXPORT = Path(__file__).resolve().parents[1] / "fixtures" / "mattermost" / "export.jsonl"
CANARY = "ZQXCANARY"


def triples(df: pd.DataFrame, kind: str) -> Counter:
    sub = df[df["kind"] == kind]
    return Counter(zip(sub["actor"], sub["target"].astype(object).where(sub["target"].notna(), None), strict=True))


def test_sniff(tmp_path: Path) -> None:
    assert sniff(EXPORT) == "mattermost"
    z = tmp_path / "export.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(EXPORT, "import.jsonl")
        zf.writestr("data/attachments/x.png", b"\x89PNG")
    assert sniff(z) == "mattermost"
    assert not mm_reader.sniff(EXPORT.parents[1] / "teams" / "channel_general.json")


def test_events_from_the_export() -> None:
    r = read(EXPORT)
    df = r.events.to_pandas()
    assert r.format == "mattermost" and r.events.schema.equals(SCHEMA)
    assert r.records_read == 10  # 8 posts and direct posts + 2 replies
    assert dict(Counter(df["kind"])) == {"post": 4, "reply": 2, "join": 1, "mention": 3, "reaction": 4}
    assert r.records_skipped == Counter({
        "bot message": 2,  # a bot account and an incoming webhook
        "system message (system_header_change)": 1,
        "mention of a group (@all, @channel, @here)": 1,
        "mention of an unknown username": 1,
    })
    assert triples(df, "reply") == Counter({("ben", "ana"): 1, ("ana", "ben"): 1})
    # "@ben" and "@ben." are one mention of ben; "@ana." resolves to ana.
    assert triples(df, "mention") == Counter({("ana", "ben"): 2, ("ben", "ana"): 1})
    assert triples(df, "reaction") == Counter({("ben", "ana"): 3, ("ana", "ana"): 1})
    assert triples(df, "join") == Counter({("ben", None): 1})
    assert df["item"].is_unique


def test_threads_channels_dms_and_times() -> None:
    df = read(EXPORT).events.to_pandas()
    town = df[df["channel"] == "acme/town-square"]
    assert town["thread"].nunique() == 1
    dm = df[df["channel"] == "dm:ana+ben"]
    assert triples(dm, "post") == Counter({("ana", "ben"): 1})  # a 1:1 DM is addressed to the other
    group = df[df["channel"] == "dm:ana+ben+dee"]
    assert triples(group, "post") == Counter({("dee", None): 1})
    heart = df[(df["kind"] == "reaction") & (df["item"].str.contains("heart"))].iloc[0]
    assert heart["ts"] == pd.Timestamp("2024-01-02T09:06:10Z")  # reactions keep their own time
    assert df["ts"].min() == pd.Timestamp("2024-01-02T09:00:00Z")


def test_people_include_members_without_posts() -> None:
    people = read(EXPORT).people.set_index("person")
    assert set(people.index) == {"ana", "ben", "cy", "dee", "helperbot"}
    assert people.loc["ana", "email"] == "ana@acme.example"
    assert people.loc["ana", "name"] == "Ana Alves" and people.loc["ben", "name"] == "Benny"
    assert people.loc["ana", "title"] == "Community lead"
    assert people.loc["cy", "channels"] == 1  # a watcher: a member who never posted
    assert bool(people.loc["dee", "deleted"]) and bool(people.loc["helperbot", "is_bot"])


def test_no_message_text_anywhere() -> None:
    assert CANARY in EXPORT.read_text()
    r = read(EXPORT)
    for table in (r.events.to_pandas(), r.people):
        assert not table.astype(str).apply(lambda col: col.str.contains(CANARY)).any().any()


def test_zip_reads_like_the_file(tmp_path: Path) -> None:
    z = tmp_path / "export.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(EXPORT, "import.jsonl")
    assert read(z).events.equals(read(EXPORT).events)


# -- malformed input -----------------------------------------------------------------------------


def test_truncated_line(tmp_path: Path) -> None:
    f = tmp_path / "cut.jsonl"
    text = EXPORT.read_text()
    f.write_text(text[: len(text) - 40])
    with pytest.raises(InputError, match=r"cut\.jsonl, record line 19: not valid JSON .*truncated"):
        read(f, format="mattermost")


def test_non_utf8_line(tmp_path: Path) -> None:
    f = tmp_path / "latin.jsonl"
    lines = EXPORT.read_bytes().splitlines()
    lines[5] = lines[5].replace(b"Benny", "B\u00e9nny".encode("latin-1"))
    f.write_bytes(b"\n".join(lines))
    with pytest.raises(InputError, match=r"latin\.jsonl, record line 6: not UTF-8 text \(byte 0xe9\)"):
        read(f, format="mattermost")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('["post"]', 'expected a JSON object with a "type"'),
        ('{"post": {}}', 'expected a JSON object with a "type"'),
        ('{"type": "post", "post": "hello"}', 'a "post" record needs a "post" object'),
        ('{"type": "user", "user": {"email": "x@y.z"}}', "a user without a username"),
    ],
)
def test_wrong_structures(tmp_path: Path, line: str, message: str) -> None:
    f = tmp_path / "bad.jsonl"
    f.write_text('{"type": "version", "version": 1}\n' + line + "\n")
    with pytest.raises(InputError, match=rf"bad\.jsonl, record line 2: {message}"):
        read(f, format="mattermost")


def test_bad_posts_are_counted(tmp_path: Path) -> None:
    f = tmp_path / "odd.jsonl"
    f.write_text("\n".join([
        '{"type": "version", "version": 1}',
        '{"type": "post", "post": {"team": "t", "channel": "c", "message": "no user", "create_at": 1}}',
        '{"type": "post", "post": {"team": "t", "channel": "c", "user": "a", "create_at": "soon"}}',
        '{"type": "post", "post": {"team": "t", "user": "a", "create_at": 5, "replies": [{"user": "b"}]}}',
        '{"type": "post", "post": {"team": "t", "channel": "c", "user": "a", "create_at": 7,'
        ' "replies": [{"user": "b"}, 3, {"user": "b", "create_at": 8}]}}',
        '{"type": "status", "status": {"user": "a"}}',
    ]))
    r = read(f, format="mattermost")
    assert r.records_read == 8
    assert r.records_skipped == Counter({
        "malformed post (no user, or create_at missing or out of range)": 2, "malformed post (no channel)": 2,
        "malformed reply (no user, or create_at missing or out of range)": 1, "malformed reply (not an object)": 1,
        "other record type (status)": 1,
    })
    assert dict(Counter(r.events.to_pandas()["kind"])) == {"post": 1, "reply": 1}


def test_guest_accounts_are_external(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from orgnet.connectors import read

    lines = [
        {"type": "version", "version": 1},
        {"type": "user", "user": {"username": "ana", "roles": "system_user"}},
        {"type": "user", "user": {"username": "gus", "roles": "system_guest"}},
        {"type": "post", "post": {"team": "t", "channel": "c", "user": "ana", "message": "hi", "create_at": 1,
                                  "replies": [{"user": "gus", "message": "hello", "create_at": 2}]}},
    ]
    f = tmp_path / "export.jsonl"
    f.write_text("\n".join(json.dumps(x) for x in lines))
    r = read(f, format="mattermost")
    reply = r.events.to_pandas().query("kind == 'reply'").iloc[0]
    assert reply["actor"] == "gus" and bool(reply["external"])
    people = r.people.set_index("person")
    assert bool(people.loc["gus", "external"]) and not bool(people.loc["ana", "external"])
