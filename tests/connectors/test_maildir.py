"""The maildir reader on a hand-made nested tree and on three real Enron mailboxes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from orgnet.connectors import maildir as maildir_reader
from orgnet.connectors import read, sniff
from orgnet.connectors.base import InputError
from orgnet.events import SCHEMA

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "email"
TREE = FIXTURES / "maildir"
CANARY = "ZZCANARY7731"


def frame(result) -> pd.DataFrame:
    return result.events.to_pandas()


def test_nested_tree_not_only_cur_and_new():
    res = maildir_reader.read(TREE)
    df = frame(res)
    assert res.events.schema == SCHEMA
    # ana/cur, ana/sent/deep/2025, ben/inbox, ben/new, ben/notes, cy/inbox x3; ben/tmp is a delivery
    # in progress and dovecot-uidlist is bookkeeping: neither is read.
    assert res.records_read == 8
    assert "zed@example.org" not in set(df["target"])
    assert res.records_skipped["not an e-mail (no header lines at the start)"] == 1  # ben/notes
    assert res.records_skipped["duplicate message-id"] == 1  # ana/sent/deep copy of ana/cur
    # ben/inbox holds the same mail under another Message-ID (as every Enron copy does)
    assert res.records_skipped["duplicate copy (same sender, Date, recipients and subject; other Message-ID)"] == 1
    assert res.records_skipped["mass mail (more than 50 recipients)"] == 1
    assert res.records_skipped["date implausible (kept without timestamp)"] == 1  # the 2040 mail
    budget = df[(df["actor"] == "ana@example.org") & (df["thread"] == "<a1@example.org>")]
    # To and Cc both kept (a reader keeping only the first To: would lose cy), the sender's own
    # address in Cc is no tie, and Bcc is left out unless asked for.
    assert sorted(budget["target"]) == ["ben@example.org", "cy@example.org"]
    assert budget["weight"].tolist() == [0.5, 0.5]
    assert str(budget["ts"].iloc[0]) == "2025-02-03 08:00:00+00:00"  # +0100 to UTC
    reply = df[df["kind"] == "reply"]
    assert reply[["actor", "target", "thread"]].values.tolist() == [
        ["ben@example.org", "ana@example.org", "<a1@example.org>"]
    ]
    assert df.loc[df["actor"] == "cy@example.org", "ts"].isna().all()
    assert not df.duplicated(["item", "kind", "actor", "target"]).any()
    assert df.groupby("item")["actor"].nunique().eq(1).all()  # one item per mail


def test_bcc_and_dedupe_options():
    res = maildir_reader.read(TREE, include_bcc=True, dedupe="message-id")
    df = frame(res)
    first = df[df["item"] == "<a1@example.org>"]  # with dedupe="message-id", item is the Message-ID
    assert sorted(first["target"]) == ["ben@example.org", "cy@example.org", "dan@example.org"]
    assert "duplicate copy (same sender, Date, recipients and subject; other Message-ID)" not in res.records_skipped
    assert (df["item"] == "<a1-copy.JavaMail@example.org>").any()
    # With the default, the copies are one mail, and the sender's copy (with its Bcc) is kept.
    df = frame(maildir_reader.read(TREE, include_bcc=True))
    assert sorted(df.loc[df["actor"] == "ana@example.org", "target"]) == [
        "ben@example.org", "cy@example.org", "dan@example.org"]


def test_people_names_from_x_from():
    people = maildir_reader.read(TREE).people.set_index("person")
    assert people.loc["ben@example.org", "name"] == "Ben Okafor"
    assert people.loc["k..allen@example.org", "name"] == "Phillip K Allen"
    assert pd.isna(people.loc["cy@example.org", "name"])


def test_no_body_or_subject_text_anywhere():
    res = maildir_reader.read(TREE, include_bcc=True, mass_mail="downweight")
    assert CANARY not in repr(res.events.to_pylist()) + res.people.to_csv()


def test_non_utf8_file_is_read(tmp_path):
    (tmp_path / "box" / "inbox").mkdir(parents=True)
    (tmp_path / "box" / "inbox" / "1.").write_bytes(
        b"Message-ID: <l1@x>\nFrom: \"Ren\xe9e\" <renee@x.fr>\nTo: a@x.fr\nSubject: caf\xe9\n\n\xff\xfe"
    )
    res = maildir_reader.read(tmp_path)
    assert res.people.set_index("person").loc["renee@x.fr", "name"] == "Renée"
    assert res.records_skipped["header not UTF-8 (decoded as Latin-1, kept)"] == 1


def test_errors_and_sniff(tmp_path):
    with pytest.raises(InputError, match="no such"):
        maildir_reader.read(TREE / "nobody")
    one = maildir_reader.read(TREE / "cy" / "inbox" / "4.")  # one message file of a maildir
    assert one.records_read == 1 and one.events.column("actor").to_pylist() == ["k..allen@example.org"]
    assert sniff(TREE) == "maildir"
    assert read(TREE).format == "maildir"
    assert not maildir_reader.sniff(FIXTURES / "eml")  # .eml files are the eml reader's
    (tmp_path / "x.json").write_text("{}")
    assert not maildir_reader.sniff(tmp_path)


@pytest.mark.realdata
def test_enron_three_mailboxes(shared_dataset):
    root = shared_dataset("enron_maildir_subset") / "maildir"
    res = maildir_reader.read(root)
    df = frame(res)
    assert res.records_read == 7229  # PROVENANCE.txt: allen-p 3,034 + buy-r 2,429 + derrick-j 1,766
    # Message-ID de-duplication drops nothing here: the CMU release gave every file its own
    # Message-ID, so the copies of one mail in sent/, _sent_mail/, all_documents/ and in the
    # other custodians' inboxes differ by Message-ID. They agree on sender, Date, To, Cc and
    # Subject: 2,549 copies go that way, leaving 4,680 distinct messages.
    assert res.records_skipped["duplicate message-id"] == 0
    copies = res.records_skipped["duplicate copy (same sender, Date, recipients and subject; other Message-ID)"]
    assert copies == 2549
    distinct = res.records_read - copies
    assert distinct == 4680
    # Of those, 350 have no recipient (contacts, calendar entries, notes to self, one sent only to
    # a truncated ".x@enron.com" address) and 69 go to more than 50 people (the truncated
    # addresses, which name no one, left out); one comes from such an address (no sender); the
    # other 4,260 are in the events, one item each.
    assert res.records_skipped["no recipient (none, or only the sender)"] == 350
    assert res.records_skipped["mass mail (more than 50 recipients)"] == 69
    assert res.records_skipped["no sender address"] == 1
    assert df["item"].nunique() == distinct - 350 - 69 - 1 == 4260
    assert not df["target"].dropna().str.startswith(".").any()
    # The "0001" years of the original are before 1971; the 1979-12-31 dates (clients with an
    # unset clock) are isolated: 20 years before the bulk, nothing in between. Both are nulls,
    # counted, and never replaced by another date.
    assert res.records_skipped["date implausible (kept without timestamp)"] == 21
    assert res.records_skipped["date isolated from all other dates (kept without timestamp)"] == 7
    assert df["ts"].dropna().between("1999-01-01", "2003-01-01").all()
    # both of Phillip Allen's addresses are there: merging them is identity resolution's job
    assert {"phillip.allen@enron.com", "k..allen@enron.com"} <= set(df["actor"])
    assert res.people.set_index("person").loc["phillip.allen@enron.com", "name"] == "Phillip K Allen"


@pytest.mark.realdata
def test_enron_message_id_only(shared_dataset):
    res = maildir_reader.read(shared_dataset("enron_maildir_subset") / "maildir", dedupe="message-id",
                              mass_mail="downweight")
    mids = frame(res)["item"]  # the Message-ID with dedupe="message-id"
    assert mids.str.match(r"^<[^<>@]+@[^<>@]+>$").all()
    assert res.records_skipped["duplicate message-id"] == 0
    # one mail comes from a truncated ".x@enron.com" address: no sender
    assert res.records_skipped["no sender address"] == 1
    assert mids.nunique() == 7229 - res.records_skipped["no recipient (none, or only the sender)"] - 1 == 6804
