"""The mbox reader and the shared e-mail rules, on a hand-written list archive and real Apache lists."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from orgnet.connectors import mbox as mbox_reader
from orgnet.connectors import read, sniff
from orgnet.connectors.base import InputError
from orgnet.connectors.email import mail_key, mails_to_result, parse_headers
from orgnet.events import SCHEMA

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "email"
LIST = FIXTURES / "list.mbox"
CANARY = "ZZCANARY7731"


def frame(result) -> pd.DataFrame:
    return result.events.to_pandas()


def rows(df: pd.DataFrame) -> set[tuple]:
    return {
        (k, a, None if pd.isna(t) else t)
        for k, a, t in zip(df["kind"], df["actor"], df["target"], strict=True)
    }


def assert_no_canary(result) -> None:
    text = repr(result.events.to_pylist()) + result.people.to_csv()
    assert CANARY not in text


# ---------------------------------------------------------------- the hand-written list archive


def test_list_archive_events_and_threads():
    res = mbox_reader.read(LIST)
    df = frame(res)
    assert res.events.schema == SCHEMA
    assert res.format == "mbox"
    # 8 "From " blocks: a body line "From the start ..." inside a paragraph does not split a message.
    assert res.records_read == 8
    assert rows(df) == {
        ("post", "ana@example.org", None),  # to the list only: no person targeted
        ("reply", "jose@example.org", "ana@example.org"),  # list reply -> author of the replied-to mail
        ("reply", "ben@example.org", "jose@example.org"),  # To: jose, Cc: the list
        ("reply", "carol@partner.com", None),  # replies to a message not in the archive
        ("reply", "dvorak@example.org", "ben@example.org"),
        ("post", "eve@example.org", None),
    }
    assert set(df["channel"]) == {"dev@lists.example.org"}
    by_sender = dict(zip(df["actor"], df["thread"], strict=True))
    assert by_sender["ben@example.org"] == "<m1@example.org>"  # root of References
    assert by_sender["dvorak@example.org"] == "<m1@example.org>"  # only In-Reply-To m3: root found through m3
    assert by_sender["carol@partner.com"] == "<lost@elsewhere.net>"  # unknown root kept as the thread id
    assert by_sender["eve@example.org"] == "<m7@example.org>"


def test_list_archive_skips_are_counted_not_silent():
    res = mbox_reader.read(LIST)
    assert res.records_skipped["duplicate message-id"] == 1
    assert res.records_skipped["no sender address"] == 1  # the truncated last message
    # The broken Date is null, not the mbox envelope line's date (in converted archives, the
    # file's creation date). Six dates are too few to call the 1979 one isolated...
    assert res.records_skipped["date unparseable (kept without timestamp)"] == 1
    assert res.records_skipped["header not UTF-8 (decoded as Latin-1, kept)"] == 1
    df = frame(res)
    assert df.loc[df["actor"] == "carol@partner.com", "ts"].isna().all()
    assert (df["ts"] == pd.Timestamp("1980-01-01", tz="UTC")).sum() == 1  # 1979-12-31 16:00 -0800
    # ...but it is before an earliest date given by the user.
    res = mbox_reader.read(LIST, earliest="1990-01-01")
    assert res.records_skipped["date implausible (kept without timestamp)"] == 1
    assert frame(res)["ts"].isna().sum() == 2


def test_encodings_and_people():
    res = mbox_reader.read(LIST)
    people = res.people.set_index("person")
    assert people.loc["jose@example.org", "name"] == "José Pérez"  # RFC 2047
    assert people.loc["ben@example.org", "name"] == "Ben Okafor"  # BEN@Example.org normalised
    assert people.loc["dvorak@example.org", "name"].startswith("Anton")  # Latin-1 bytes, no crash
    assert list(res.people.columns[:3]) == ["person", "name", "email"]
    assert res.people["person"].is_unique


def test_no_body_or_subject_text_anywhere():
    assert CANARY in LIST.read_bytes().decode("latin-1")
    assert_no_canary(mbox_reader.read(LIST))


def test_weights_bcc_external_and_mass_mail():
    raw = (
        b"Message-ID: <x1@ex.org>\nFrom: a@ex.org\nTo: b@ex.org, c@sub.ex.org\nCc: d@other.net\n"
        b"Bcc: e@ex.org\nDate: Mon, 6 Jan 2025 09:00:00 +0000\n"
    )
    mail = parse_headers(raw, "t")
    df = frame(mails_to_result([mail], org_domain="ex.org"))
    assert df["weight"].tolist() == pytest.approx([1 / 3] * 3)
    assert dict(zip(df["target"], df["external"], strict=True)) == {
        "b@ex.org": False,
        "c@sub.ex.org": False,  # subdomains are inside
        "d@other.net": True,
    }
    df = frame(mails_to_result([parse_headers(raw, "t")], include_bcc=True, recipient_weight="unit"))
    assert sorted(df["target"]) == ["b@ex.org", "c@sub.ex.org", "d@other.net", "e@ex.org"]
    assert df["weight"].tolist() == [1.0] * 4

    many = ", ".join(f"p{i}@ex.org" for i in range(80))
    blast = parse_headers(f"Message-ID: <b@ex.org>\nFrom: hr@ex.org\nTo: {many}\n".encode(), "t")
    dropped = mails_to_result([blast])
    assert dropped.events.num_rows == 0
    assert dropped.records_skipped["mass mail (more than 50 recipients)"] == 1
    kept = mails_to_result([parse_headers(f"Message-ID: <b@ex.org>\nFrom: hr@ex.org\nTo: {many}\n".encode(), "t")],
                           mass_mail="downweight")
    w = frame(kept)["weight"]
    assert len(w) == 80 and w.sum() == pytest.approx(50 / 80)  # total falls from 1 to cap / n
    with pytest.raises(ValueError, match="mass_mail"):
        mails_to_result([], mass_mail="keep")


def test_implausible_dates_are_null_and_counted():
    mails = [
        parse_headers(f"Message-ID: <{i}@x>\nFrom: a@x.org\nTo: b@x.org\nDate: {d}\n".encode(), "t",
                      bounds=(pd.Timestamp("1990-01-01", tz="UTC").to_pydatetime(),
                              pd.Timestamp("2030-01-01", tz="UTC").to_pydatetime()))
        for i, d in enumerate(["Mon, 31 Dec 1979 16:00:00 -0800", "Sun, 1 Jan 2040 00:00:00 +0000",
                               "Mon, 28 Nov 0001 07:15:26 -0800", "yesterday", ""])
    ]
    res = mails_to_result(mails)
    assert frame(res)["ts"].isna().all() and res.events.num_rows == 5  # still ties
    assert res.records_skipped["date implausible (kept without timestamp)"] == 3
    assert res.records_skipped["date unparseable (kept without timestamp)"] == 1
    assert res.records_skipped["date missing (kept without timestamp)"] == 1


def test_not_an_mbox_is_a_clear_error():
    with pytest.raises(InputError, match=r"not_an_mbox\.mbox, record 1: not an mbox file"):
        mbox_reader.read(FIXTURES / "not_an_mbox.mbox")


def test_empty_and_truncated_files(tmp_path):
    empty = tmp_path / "empty.mbox"
    empty.write_bytes(b"")
    assert mbox_reader.read(empty).events.num_rows == 0
    cut = tmp_path / "cut.mbox"
    cut.write_bytes(LIST.read_bytes()[:700])  # ends inside the second message's headers
    res = mbox_reader.read(cut)
    assert res.records_read == 2
    assert res.events.num_rows + sum(res.records_skipped.values()) >= 2


def test_sniff_and_table():
    assert sniff(LIST) == "mbox"
    assert read(LIST).format == "mbox"
    assert not mbox_reader.sniff(FIXTURES / "not_an_mbox.mbox")


# ---------------------------------------------------------------- real Apache list archives

APACHE = {
    # file -> (messages, duplicated Message-IDs, mails with threading headers before
    #          de-duplication as in PROVENANCE.txt, distinct replies, replies with a person target)
    "maven-dev-2017-11-listsao.mbox": (320, 3, 237, 236, 139),
    "maven-dev-2017-12-listsao.mbox": (222, 1, 173, 173, 117),
    "httpd-users-2020-07.mbox": (108, 0, 74, 74, 56),
    "asterix-dev-201709-mailarchivesao.mbox": (53, 0, 33, 33, 30),
}


@pytest.mark.realdata
@pytest.mark.parametrize("name", sorted(APACHE))
def test_apache_lists(shared_dataset, name):
    path = shared_dataset("mbox_apache_lists") / name
    n, dups, threaded, replies, answered = APACHE[name]
    res = mbox_reader.read(path)
    df = frame(res)
    assert res.records_read == n  # PROVENANCE.txt: 320 / 222 / 108 / 53
    assert res.records_skipped["duplicate message-id"] == dups  # the archives hold a few copies
    items = df["item"]
    assert items.nunique() == n - dups  # every distinct mail is in the events
    assert not df.duplicated(["item", "kind", "actor", "target"]).any()
    mails = [parse_headers(h, name) for h in mbox_reader.iter_mbox_headers(path)]
    assert sum(1 for m in mails if m.in_reply_to or m.references) == threaded
    # A few "Re:" mails came from clients that drop threading headers (Hotmail): they are
    # linked to the earlier mail of that subject on the list.
    by_subject = res.records_skipped["reply found by subject (no threading headers; kept as a reply)"]
    assert by_subject == {"httpd-users-2020-07.mbox": 3, "maven-dev-2017-11-listsao.mbox": 2}.get(name, 0)
    assert items[df["kind"] == "reply"].nunique() == replies + by_subject
    # A list reply's target is the author of the mail it answers when that mail is in the
    # archive and by someone else (GitBox answers itself a lot); else only personal To/Cc.
    threaded_items = {mail_key(m) for m in mails if m.in_reply_to or m.references}
    answered_items = items[(df["kind"] == "reply") & df["target"].notna()]
    assert answered_items[answered_items.isin(threaded_items)].nunique() == answered
    author = {m.message_id: m.sender[1] for m in mails if m.sender}
    targets = df.groupby(items)["target"].agg(lambda t: set(t.dropna()))
    for m in mails:
        parent = m.in_reply_to or (m.references[-1] if m.references else None)
        if parent is not None and parent in author and author[parent] != m.sender[1]:
            assert author[parent] in targets[mail_key(m)]
    assert df["channel"].nunique() == 1
    # GitBox mails have no Date header: they take their oldest Received hop (their own first
    # server's time), and say so. No Date here is broken or isolated.
    assert df["ts"].notna().all()
    assert res.records_skipped.get("date missing (taken from Received, kept)", 0) == {
        "maven-dev-2017-11-listsao.mbox": 34, "maven-dev-2017-12-listsao.mbox": 5}.get(name, 0)


@pytest.mark.realdata
def test_apache_folder_read_together(shared_dataset):
    res = mbox_reader.read(shared_dataset("mbox_apache_lists"))  # the four months, not edge_cases/
    assert res.records_read == 320 + 222 + 108 + 53
    # edge_cases/ is not read, but its 7 files are counted (and reported), never silently left out
    assert res.records_skipped[mbox_reader.SUBFOLDER_NOT_READ] == 7
    assert res.records_skipped["duplicate message-id"] == 4
    assert set(frame(res)["channel"]) == {"dev@maven.apache.org", "users@httpd.apache.org",
                                          "dev@asterixdb.apache.org"}


@pytest.mark.realdata
def test_apache_edge_cases_read_without_crash(shared_dataset):
    folder = shared_dataset("mbox_apache_lists") / "edge_cases"
    total = 0
    for path in sorted(folder.iterdir()):
        res = mbox_reader.read(path)
        total += res.records_read
        mids = set(res.events.column("item").to_pylist())
        accounted = len(mids) + sum(v for k, v in res.records_skipped.items() if "kept" not in k)
        assert accounted == res.records_read, (path.name, res.records_skipped)
    assert total == 9
    no_date = mbox_reader.read(folder / "no_date.mbox")
    assert no_date.records_skipped == {
        "no Message-ID (id made from a hash of the headers, kept)": 1,
        "no sender address": 1,
    }


def test_sub_folder_files_are_counted_not_silently_left_out(tmp_path: Path) -> None:
    mail = (b"From ana@x.org Mon Jan  1 10:00:00 2024\nFrom: ana@x.org\nTo: ben@x.org\n"
            b"Message-ID: <1@x.org>\nDate: Mon, 1 Jan 2024 10:00:00 +0000\nSubject: hi\n\nbody\n")
    (tmp_path / "a.mbox").write_bytes(mail)
    (tmp_path / "older" / "deeper").mkdir(parents=True)
    (tmp_path / "older" / "b.mbox").write_bytes(mail.replace(b"<1@", b"<2@"))
    (tmp_path / "older" / "deeper" / "c.mbox").write_bytes(mail.replace(b"<1@", b"<3@"))
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "d.mbox").write_bytes(mail)
    res = mbox_reader.read(tmp_path)
    assert res.records_read == 1
    assert res.records_skipped[mbox_reader.SUBFOLDER_NOT_READ] == 2
