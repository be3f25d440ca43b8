"""The Teams reader on Graph chatMessage fixtures (pages, lists, single messages, expanded replies)."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from orgnet.connectors import read, sniff
from orgnet.connectors import teams as teams_reader
from orgnet.connectors.base import InputError
from orgnet.events import SCHEMA

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "teams"
CANARY = "ZQXCANARY"


def triples(df: pd.DataFrame, kind: str) -> Counter:
    sub = df[df["kind"] == kind]
    return Counter(zip(sub["actor"], sub["target"].astype(object).where(sub["target"].notna(), None), strict=True))


def test_sniff() -> None:
    assert sniff(FIXTURES) == "teams"
    assert sniff(FIXTURES / "channel_general.json") == "teams"
    assert sniff(FIXTURES / "chats" / "chat_ana_ben.json") == "teams"
    assert not teams_reader.sniff(FIXTURES.parent / "slack" / "modern" / "users.json")


def test_folder_of_pages_lists_and_single_messages() -> None:
    r = read(FIXTURES)
    df = r.events.to_pandas()
    assert r.format == "teams" and r.events.schema.equals(SCHEMA)
    assert r.records_read == 11
    assert dict(Counter(df["kind"])) == {"post": 5, "reply": 3, "mention": 3, "reaction": 4}
    assert r.records_skipped == Counter({
        "bot message (application)": 1,
        "system event (membersAddedEventMessageDetail)": 1,
        "deleted message": 1,
        "mention of a channel, team, chat or app": 1,
    })
    assert triples(df, "reply") == Counter({("aad-ben", "aad-ana"): 1, ("aad-gus", "aad-ana"): 1,
                                            ("aad-ana", "aad-cy"): 1})
    # The same person mentioned under two names ("Ben", "Brown") is one mention.
    assert triples(df, "mention") == Counter({("aad-ana", "aad-ben"): 1, ("aad-ana", "aad-gus"): 1,
                                              ("aad-ana", "aad-cy"): 1})
    assert triples(df, "reaction") == Counter({("aad-ben", "aad-ana"): 1, ("aad-cy", "aad-ana"): 1,
                                               ("aad-ana", "aad-ana"): 1, ("aad-ana", "aad-ben"): 1})
    assert df["item"].is_unique


def test_threads_channels_and_times() -> None:
    df = read(FIXTURES).events.to_pandas()
    general = df[df["channel"] == "19:general@thread.tacv2"]
    assert set(general["thread"]) == {"19:general@thread.tacv2:1704186000000"}
    chat = df[df["channel"] == "19:aad-ana_aad-ben@unq.gbl.spaces"]
    assert set(chat["thread"]) == {"19:aad-ana_aad-ben@unq.gbl.spaces"}
    assert len(chat[chat["kind"] == "post"]) == 3
    design = df[df["channel"] == "19:design@thread.tacv2"]
    assert set(design["kind"]) == {"post", "reply", "mention"}
    # A reaction carries its own time.
    heart = df[(df["kind"] == "reaction") & (df["actor"] == "aad-cy")].iloc[0]
    assert heart["ts"] == pd.Timestamp("2024-01-02T09:02:00Z")
    assert df["ts"].min() == pd.Timestamp("2024-01-02T09:00:00Z")


def test_people_and_external() -> None:
    r = read(FIXTURES)
    people = r.people.set_index("person")
    assert list(r.people.columns[:3]) == ["person", "name", "email"]
    assert set(people.index) == {"aad-ana", "aad-ben", "aad-cy", "aad-gus"}
    assert people.loc["aad-ana", "name"] == "Ana Alves"
    assert bool(people.loc["aad-gus", "external"]) and not bool(people.loc["aad-ana", "external"])
    df = r.events.to_pandas()
    with_gus = (df["actor"] == "aad-gus") | (df["target"] == "aad-gus")
    assert df.loc[with_gus, "external"].all() and not df.loc[~with_gus, "external"].any()


def test_no_message_text_anywhere() -> None:
    assert CANARY in (FIXTURES / "channel_general.json").read_text()
    r = read(FIXTURES)
    for table in (r.events.to_pandas(), r.people):
        assert not table.astype(str).apply(lambda col: col.str.contains(CANARY)).any().any()


def test_zip_reads_like_the_folder(tmp_path: Path) -> None:
    z = tmp_path / "teams.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in sorted(FIXTURES.rglob("*.json")):
            zf.write(p, p.relative_to(FIXTURES).as_posix())
    assert sniff(z) == "teams"
    assert read(z).events.equals(read(FIXTURES).events)


# -- malformed input -----------------------------------------------------------------------------


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    dest = tmp_path / "teams"
    shutil.copytree(FIXTURES, dest)
    return dest


def test_truncated_file(broken: Path) -> None:
    f = broken / "channel_general.json"
    f.write_text(f.read_text()[:500])
    with pytest.raises(InputError, match=r"channel_general\.json: not valid JSON"):
        read(broken, format="teams")


def test_non_utf8_file(broken: Path) -> None:
    (broken / "chats" / "chat_ana_ben.json").write_bytes(b'[{"id": "1", "body": "\xe9t\xe9"}]')
    with pytest.raises(InputError, match=r"chat_ana_ben\.json: not UTF-8 text"):
        read(broken, format="teams")


def test_wrong_structures(broken: Path) -> None:
    (broken / "odd.json").write_text('{"messages": []}')
    with pytest.raises(InputError, match=r"odd\.json: expected a list of chatMessage objects"):
        read(broken, format="teams")
    (broken / "odd.json").write_text('{"value": {"id": "1"}}')
    with pytest.raises(InputError, match=r'odd\.json: "value" should be a list'):
        read(broken, format="teams")
    (broken / "odd.json").write_text('"hello"')
    with pytest.raises(InputError, match=r"odd\.json: expected a list of chatMessage objects, found str"):
        read(broken, format="teams")


def test_bad_timestamp_names_file_and_record(broken: Path) -> None:
    chat = json.loads((broken / "chats" / "chat_ana_ben.json").read_text())
    chat[2]["createdDateTime"] = "yesterday"
    (broken / "chats" / "chat_ana_ben.json").write_text(json.dumps(chat))
    with pytest.raises(InputError, match=r"chat_ana_ben\.json, record 3: cannot read createdDateTime 'yesterday'"):
        read(broken, format="teams")


def test_bad_records_are_counted(broken: Path) -> None:
    (broken / "extra.json").write_text(json.dumps(
        [42, {"messageType": "message"}, {"id": "9", "messageType": "message", "from": None,
                                           "createdDateTime": "2024-01-05T00:00:00Z", "chatId": "c"}]
    ))
    r = read(broken, format="teams")
    assert r.records_read == 14
    assert r.records_skipped["malformed record (not a JSON object)"] == 1
    assert r.records_skipped["malformed record (no id)"] == 1
    assert r.records_skipped["no author (from.user)"] == 1


def test_chat_messages_go_to_the_other_members_of_the_chat(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from orgnet.connectors import read

    def msg(i: str, who: str, chat: str) -> dict:  # type: ignore[type-arg]
        return {"id": i, "messageType": "message", "createdDateTime": f"2024-03-0{i}T10:00:00Z", "chatId": chat,
                "from": {"user": {"id": who, "displayName": who.upper()}}, "body": {"content": "x"}}

    f = tmp_path / "chats.json"
    f.write_text(json.dumps({"value": [msg("1", "ana", "c1"), msg("2", "ben", "c1"), msg("3", "cy", "c1"),
                                       msg("4", "ana", "c2")]}))
    ev = read(f, format="teams").events.to_pandas()
    first = ev[ev["item"].str.startswith("c1:1:")]
    assert sorted(first["target"]) == ["ben", "cy"] and first["weight"].tolist() == [0.5, 0.5]
    assert set(ev.loc[ev["actor"] == "cy", "target"]) == {"ana", "ben"}
    alone = ev[ev["channel"] == "c2"]
    assert len(alone) == 1 and alone["target"].isna().all()  # nobody else wrote in c2: no tie
    assert ev["item"].is_unique
