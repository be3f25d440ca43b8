"""E-mail rules across the readers: threads from subjects, one item per mail however files are passed, sender evidence, sniffing.

Fixtures are maildir trees written in the formats they imitate: ``subjects/`` in the Enron
layout (no In-Reply-To or References, ``RE:``/``FW:`` subjects), ``bulk/`` a modern ``new/``
folder with a newsletter, an ezmlm list post and an Exchange auto-reply.
"""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest

from orgnet.connectors import email as email_rules
from orgnet.connectors import eml as eml_reader
from orgnet.connectors import maildir as maildir_reader
from orgnet.connectors import mbox as mbox_reader
from orgnet.connectors import read, sniff
from orgnet.connectors.base import InputError
from orgnet.connectors.dates import date_bounds
from orgnet.connectors.email import SUBJECT_WINDOW_DAYS, EmailOptions, mail_key, parse_headers, read_mail
from orgnet.events import with_plain_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "email"
SUBJECTS = FIXTURES / "subjects"
BULK = FIXTURES / "bulk"
CANARY = "ZZCANARY7731"
REPLY_FOUND = "reply found by subject (no threading headers; kept as a reply)"
SHARE_FOUND = "forward found by subject (no threading headers; kept as a share)"
ROOT = "<s1.1075840000001.JavaMail.evans@thyme>"


def frame(result) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    df = with_plain_text(result.events).to_pandas()
    df["kind"] = df["kind"].astype(str)
    return df


def by_sender(df: pd.DataFrame) -> dict[str, tuple[str, str]]:
    return {a: (k, t) for a, k, t in zip(df["actor"], df["kind"], df["thread"], strict=True)}


# ---------------------------------------------------------------- threads from subjects


def test_replies_and_forwards_found_by_subject():
    res = maildir_reader.read(SUBJECTS)
    df = frame(res)
    assert res.records_skipped[REPLY_FOUND] == 2  # ben's and eve's
    assert res.records_skipped[SHARE_FOUND] == 1  # cy's forward
    rows = {(a, k, t, th) for a, k, t, th in zip(df["actor"], df["kind"], df["target"], df["thread"], strict=True)}
    # ben was a recipient of ana's "Gas prices": his "RE:" answers it, in its thread
    assert ("ben.okafor@corp.example", "reply", "ana.lima@corp.example", ROOT) in rows
    # cy was a recipient too: his "FW:" shares it with dan
    assert ("cy.diaz@corp.example", "share", "dan.ng@corp.example", ROOT) in rows
    # eve was not, but she writes to its sender
    assert ("eve.park@corp.example", "reply", "ana.lima@corp.example", ROOT) in rows
    # fay and gus share nothing with anyone of that subject
    assert ("fay.wu@other.example", "post", "gus.roy@other.example", "<s5.1075840000005.JavaMail.evans@thyme>") in rows
    # nothing earlier is called "Budget"
    assert df.loc[df["actor"] == "hal.ito@corp.example", "kind"].tolist() == ["post"]
    # ben's second "RE:" comes two months after the last mail he could be answering
    may = df[df["thread"] == "<s6.1075840000006.JavaMail.evans@thyme>"]
    assert may["kind"].tolist() == ["post"]
    # a mail with threading headers is threaded by them only; the mail it answers by header
    # was threaded by subject, so it joins that thread too
    assert ("ana.lima@corp.example", "reply", "ben.okafor@corp.example", "<elsewhere@mail.example>") in rows
    s9 = df[df["item"] == mail_key(parse_headers((SUBJECTS / "ana" / "sent" / "3.").read_bytes(), "s9"))]
    assert s9[["kind", "thread"]].values.tolist() == [["reply", ROOT]]
    assert CANARY not in repr(res.events.to_pylist()) + res.people.to_csv()


def test_subject_window_and_turning_subject_threads_off():
    wide = frame(read_mail(SUBJECTS, subject_window=90))
    assert wide.loc[wide["item"] == mail_key(parse_headers((SUBJECTS / "ben" / "inbox" / "5.").read_bytes(), "s6")),
                    "kind"].tolist() == ["reply"]
    off = maildir_reader.read(SUBJECTS, threading="headers")
    df = frame(off)
    assert not {REPLY_FOUND, SHARE_FOUND} & set(off.records_skipped)
    assert set(df.loc[df["kind"] != "post", "actor"]) == {"ana.lima@corp.example", "ben.okafor@corp.example"}
    # the header reply to ben's mail now has that mail as its thread root
    assert (df["thread"] == "<s2.1075840000002.JavaMail.evans@thyme>").sum() == 2
    with pytest.raises(ValueError, match="threading"):
        maildir_reader.read(SUBJECTS, threading="subjects")


@pytest.mark.realdata
def test_enron_replies_found_by_subject(shared_dataset):
    root = shared_dataset("enron_maildir_subset") / "maildir"
    res = maildir_reader.read(root, org_domain="enron.com")
    df = frame(res)
    # The CMU files carry no In-Reply-To or References at all: every reply here is found by
    # its subject, among the distinct mails with a RE:/FW: subject whose earlier mail is there.
    assert res.records_skipped[REPLY_FOUND] == df.loc[df["kind"] == "reply", "item"].nunique() == 357
    assert res.records_skipped[SHARE_FOUND] == df.loc[df["kind"] == "share", "item"].nunique() == 160
    # Each answers an earlier mail of the same subject, at most 30 days older, with a shared participant.
    skipped: Counter[str] = Counter()
    mails = email_rules._dedupe(maildir_reader.collect(root, date_bounds(), skipped)[0], EmailOptions(), skipped)
    email_rules._check_dates(mails, EmailOptions())
    parents = email_rules._subject_parents(mails, set(), timedelta(days=SUBJECT_WINDOW_DAYS))
    assert len(parents) >= 357 + 160  # some linked mails are left out later (no recipient, mass mail)
    for c, p in parents.items():
        child, parent = mails[c], mails[p]
        assert child.subject_key == parent.subject_key and child.subject_kind
        assert timedelta(0) < child.date - parent.date <= timedelta(days=30)
        to_child = {a for _, a in child.to + child.cc + child.bcc}
        to_parent = {a for _, a in parent.to + parent.cc + parent.bcc}
        assert child.sender[1] in to_parent or parent.sender[1] in to_child
    headers_only = maildir_reader.read(root, org_domain="enron.com", threading="headers")
    assert set(frame(headers_only)["kind"]) == {"post"}


# ---------------------------------------------------------------- the same events however files are passed


def canonical(result) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """Events de-duplicated on (item, kind, actor, target), in a fixed order."""
    df = frame(result).drop_duplicates(["item", "kind", "actor", "target"])
    return df.sort_values(["item", "kind", "actor", "target"], na_position="first").reset_index(drop=True)


@pytest.mark.realdata
def test_enron_mailbox_as_folder_subfolders_or_files(shared_dataset):
    box = shared_dataset("enron_maildir_subset") / "maildir" / "allen-p"
    one = maildir_reader.read(box, org_domain="enron.com")
    whole = canonical(one)
    folders = sorted(p for p in box.iterdir() if p.is_dir())
    files = sorted(p for p in box.rglob("*") if p.is_file())
    assert len(folders) == 10 and len(files) == 3034  # PROVENANCE.txt
    pd.testing.assert_frame_equal(canonical(maildir_reader.read(folders, org_domain="enron.com")), whole)
    pd.testing.assert_frame_equal(canonical(read_mail(files[::-1], org_domain="enron.com")), whole)
    # 3,034 files hold 1,329 distinct mails (the rest are copies in other folders)
    assert whole["item"].nunique() + sum(v for k, v in one.records_skipped.items() if "kept" not in k) == 3034
    # Read one folder at a time, the events share item keys, so de-duplicating their union
    # finds every copy: the same mails, not the 4,982 events of separate Message-IDs.
    apart = pd.concat([frame(maildir_reader.read(p, org_domain="enron.com")) for p in folders])
    apart = apart.drop_duplicates(["item", "kind", "actor", "target"])
    assert set(apart["item"]) == set(whole["item"])
    assert abs(len(apart) - len(whole)) <= 0.01 * len(whole)  # subjects cannot be linked across calls


@pytest.mark.realdata
def test_apache_mbox_as_folder_or_files(shared_dataset):
    folder = shared_dataset("mbox_apache_lists")
    files = sorted(folder.glob("*.mbox"))
    whole = canonical(mbox_reader.read(folder))
    pd.testing.assert_frame_equal(canonical(mbox_reader.read(files[::-1])), whole)
    pd.testing.assert_frame_equal(canonical(read_mail([str(f) for f in files], format="mbox")), whole)
    apart = pd.concat([frame(mbox_reader.read(f)) for f in files]).drop_duplicates(["item", "kind", "actor", "target"])
    assert set(apart["item"]) == set(whole["item"]) and len(apart) == len(whole)


def test_item_is_the_same_for_copies_with_other_message_ids(tmp_path):
    original = (FIXTURES / "maildir" / "ana" / "cur" / "1738569600.M1P1.host").read_bytes()
    copy = (FIXTURES / "maildir" / "ben" / "inbox" / "1.").read_bytes()  # same mail, other Message-ID
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "1.").write_bytes(original)
    (tmp_path / "b" / "1.").write_bytes(copy)
    a, b = maildir_reader.read(tmp_path / "a"), maildir_reader.read(tmp_path / "b")
    assert set(frame(a)["item"]) == set(frame(b)["item"])
    assert set(frame(a)["item"]) == set(frame(maildir_reader.read(tmp_path))["item"])
    # with Message-IDs only, they are two mails
    ids = frame(maildir_reader.read(tmp_path, dedupe="message-id"))["item"]
    assert set(ids) == {"<a1@example.org>", "<a1-copy.JavaMail@example.org>"}


def test_mail_without_message_id_gets_a_key_from_its_headers_not_its_file(tmp_path):
    raw = b"From: ana@x.org\nTo: ben@x.org\nDate: nonsense\nSubject: hi\n\nbody"
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "17.").write_bytes(raw)
    first = maildir_reader.read(tmp_path / "one")
    assert first.records_skipped["no Message-ID (id made from a hash of the headers, kept)"] == 1
    assert frame(first)["item"].tolist() == frame(maildir_reader.read(tmp_path / "two"))["item"].tolist()
    assert maildir_reader.read(tmp_path).events.num_rows == 1


# ---------------------------------------------------------------- evidence for non-human senders


def test_sender_evidence_from_list_and_bulk_headers():
    res = maildir_reader.read(BULK)
    people = res.people.set_index("person")
    assert {"sent", "bulk_sent", "list_id"} <= set(people.columns)
    assert str(people["sent"].dtype) == "int64" and str(people["list_id"].dtype) == "string"
    # a newsletter sent straight to a reader, with List-Unsubscribe and Precedence: bulk
    assert people.loc["news@energydaily.example", ["sent", "bulk_sent", "list_id"]].tolist() == [
        2, 2, "daily.energydaily.example"]
    # a person's post to an ezmlm list: the list added its headers, the sender did not send bulk
    assert people.loc["ben.okafor@corp.example", ["sent", "bulk_sent", "list_id"]].tolist() == [
        1, 0, "dev.lists.corp.example"]
    # an Exchange auto-reply (Auto-Submitted: auto-replied, X-Auto-Response-Suppress)
    assert people.loc["cy.diaz@corp.example", ["sent", "bulk_sent"]].tolist() == [1, 1]
    # "Auto-Submitted: no" is a person's mail
    assert people.loc["ana.lima@corp.example", ["sent", "bulk_sent"]].tolist() == [1, 0]
    assert pd.isna(people.loc["ana.lima@corp.example", "list_id"])
    assert CANARY not in res.people.to_csv()


@pytest.mark.realdata
def test_sender_evidence_on_real_mail(shared_dataset):
    lists = mbox_reader.read(shared_dataset("mbox_apache_lists")).people.set_index("person")
    # every Apache post carries List-Id and Precedence: bulk, added by the list to mail sent to it
    assert (lists["bulk_sent"] == 0).all()
    assert lists.loc["git@apache.org", "list_id"] == "dev.maven.apache.org"
    assert lists.loc["git@apache.org", "sent"] == 39
    res = maildir_reader.read(shared_dataset("enron_maildir_subset") / "maildir")
    enron = res.people.set_index("person")
    # distinct mails sent (copies counted once), mass mail and mails without recipient included
    assert enron.loc["phillip.allen@enron.com", "sent"] == 613
    in_events = frame(res).groupby("actor")["item"].nunique()
    assert (enron["sent"].reindex(in_events.index) >= in_events).all()
    assert enron["sent"].sum() <= 4680  # the distinct mails
    assert (enron["bulk_sent"] == 0).all()  # Exchange 2001 exports kept no list or bulk headers


# ---------------------------------------------------------------- recognising files


@pytest.mark.realdata
def test_message_file_without_extension_is_recognised(shared_dataset):
    one = shared_dataset("enron_maildir_subset") / "maildir" / "allen-p" / "inbox" / "2."
    assert sniff(one) == "eml"
    res = read(one)
    assert res.format == "eml" and res.records_read == 1 and res.events.num_rows > 0
    assert eml_reader.read(one).events.equals(res.events)


def test_other_files_are_not_taken_for_mail(tmp_path):
    csv = tmp_path / "edges.csv"
    csv.write_text("From: ana,To: ben\n")
    assert sniff(csv) == "csv"
    notes = tmp_path / "notes"
    notes.write_text("meeting notes\n")
    with pytest.raises(InputError):
        sniff(notes)
    with pytest.raises(InputError, match="not an e-mail message"):
        eml_reader.read(notes)


@pytest.mark.realdata
def test_mbox_files_with_any_name(shared_dataset, tmp_path):
    source = shared_dataset("mbox_apache_lists")
    for i, f in enumerate(sorted(source.glob("*.mbox"))):
        shutil.copyfile(f, tmp_path / f"archive-{i}")  # no .mbox suffix, as many exports are named
    (tmp_path / "README").write_text("Mail archives of the project.\n")
    assert sniff(tmp_path) == "mbox"
    res = read(tmp_path, format="mbox")
    assert res.records_read == 320 + 222 + 108 + 53
    assert res.records_skipped["file not an mbox (no 'From ' line at the start)"] == 1
    assert canonical(res).equals(canonical(mbox_reader.read(source)))
    empty = tmp_path / "nothing"
    empty.mkdir()
    (empty / "README").write_text("no mail\n")
    with pytest.raises(InputError, match="no mbox files"):
        mbox_reader.read(empty)
