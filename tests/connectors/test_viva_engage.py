"""The Viva Engage / Yammer reader on a fixture written from FORMAT.md: folder, zip, broken files."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from orgnet.connectors import read, sniff
from orgnet.connectors import viva_engage as viva_reader
from orgnet.connectors.base import InputError
from orgnet.events import SCHEMA

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "viva_engage"
NETWORK = FIXTURES / "network"
CANARY = "ZZCANARY7731"


def frame(result) -> pd.DataFrame:
    return result.events.to_pandas()


def triples(df: pd.DataFrame) -> set[tuple]:
    return {
        (k, a, None if pd.isna(t) else t, i.split(":")[0])  # item: "<message id>[:mention:<id>]"
        for k, a, t, i in zip(df["kind"], df["actor"], df["target"], df["item"], strict=True)
    }


def zip_folder(folder: Path, dest: Path, wrapper: str = "") -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, f"{wrapper}{p.relative_to(folder).as_posix()}")
    return dest


EXPECTED = {
    ("post", "1001", None, "5001"),  # thread starter in a group
    ("mention", "1001", "1002", "5001"),  # [[user:1002]] in the body
    ("mention", "1001", "1003", "5001"),
    ("reply", "1002", "1001", "5002"),  # replied_to_id 5001 -> its author
    ("reply", "1003", "1002", "5003"),
    ("mention", "1003", "1002", "5003"),
    ("mention", "1003", "1001", "5003"),  # mentioned twice in one message: one event
    ("reply", "1007", "1001", "5005"),  # replied-to 4998 not exported: the thread starter's author
    ("post", "1001", "1005", "5006"),  # private conversation: to its participants
    ("reply", "1005", "1001", "5007"),
    ("reply", "1003", "1002", "5010"),  # reply to a deleted message: its author is still known
    ("post", "1007", None, "5011"),
    ("mention", "1007", "9999", "5011"),  # a user the export does not list
    ("post", "1006", None, "5012"),
    ("reply", "1002", "1006", "5013"),
}


def test_fixture_network_folder():
    res = viva_reader.read(NETWORK)
    df = frame(res)
    assert res.events.schema == SCHEMA
    assert res.format == "viva_engage"
    assert res.records_read == 13
    assert triples(df) == EXPECTED
    assert dict(res.records_skipped) == {
        "deleted message": 1,  # 5009 (deleted_at set)
        "system message": 1,  # 5008 "joined the group"
        "sender is not a user (bot or system)": 1,  # 5014 from a bot
        "created_at missing (kept without timestamp)": 1,  # "null"
        "created_at unparseable (kept without timestamp)": 1,  # "yesterday"
        "reply to a message not in the export (target: thread starter, kept)": 1,
    }
    assert df["item"].is_unique
    assert {"5001:mention:1002", "5006:to:1005"} <= set(df["item"])
    by_item = df.drop_duplicates("item").set_index("item")
    assert by_item.loc["5001", "channel"] == "Engineering Guild"
    assert pd.isna(by_item.loc["5006:to:1005", "channel"]) and pd.isna(by_item.loc["5007", "channel"])  # private
    assert by_item.loc["5011", "channel"] == "All Company"  # no group, not private
    assert set(df.loc[df["item"].isin(["5002", "5003", "5005"]), "thread"]) == {"5001"}
    assert str(by_item.loc["5002", "ts"]) == "2024-03-04 10:15:00+00:00"  # "2024/03/04 10:15:00 +0000"
    assert by_item.loc[["5012", "5013"], "ts"].isna().all()
    # the guest (fabrikam.com, not the home contoso.com) makes both private messages external
    assert set(df.loc[df["external"], "item"]) == {"5006:to:1005", "5007"}


def test_people_include_watchers_guests_and_unlisted():
    people = viva_reader.read(NETWORK).people.set_index("person")
    assert {"1001", "1004"} <= set(people.index)  # 1004 never posted: a watcher, still a person
    assert people.loc["1004", "department"] == "Finance"  # Users.csv has upper-case headers
    assert people.loc["1007", "email"] == "eve.park@contoso.com"
    assert bool(people.loc["1005", "external"]) and not people.loc["1001", "external"]
    assert bool(people.loc["1006", "deleted"])  # state soft_delete
    assert bool(people.loc["2001", "is_bot"])
    assert "9999" in people.index
    assert list(people.reset_index().columns[:3]) == ["person", "name", "email"]


def test_org_domain_option():
    res = viva_reader.read(NETWORK, org_domain=["contoso.com", "fabrikam.com"])
    assert not frame(res)["external"].any()
    no_mentions = viva_reader.read(NETWORK, include_mentions=False)
    assert "mention" not in set(frame(no_mentions)["kind"])


def test_no_body_title_or_attachment_text_anywhere():
    assert CANARY in (NETWORK / "Messages.csv").read_text(encoding="utf-8-sig")
    res = viva_reader.read(NETWORK)
    assert CANARY not in repr(res.events.to_pylist()) + res.people.to_csv()


def test_zip_with_a_wrapper_folder_reads_the_same(tmp_path):
    z = zip_folder(NETWORK, tmp_path / "export.zip", wrapper="Network Data Export/")
    assert sniff(z) == "viva_engage"
    res = read(z)
    assert triples(frame(res)) == EXPECTED
    assert res.records_skipped == viva_reader.read(NETWORK).records_skipped


def test_zip_path_traversal_is_refused(tmp_path):
    z = tmp_path / "evil.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("Messages.csv", "id,sender_id\n1,2\n")
        zf.writestr("../../etc/passwd", "x")
    with pytest.raises(InputError, match="outside the archive"):
        viva_reader.read(z)


def test_messages_file_alone_with_missing_optional_columns(tmp_path):
    path = tmp_path / "MESSAGES.CSV"
    path.write_text("ID , Sender_Id,replied_to_id,Body\n1,10,,hi [[user:20]]\n2,20,1,ok\n3,30,2,\n")
    res = viva_reader.read(path)
    assert triples(frame(res)) == {
        ("post", "10", None, "1"), ("mention", "10", "20", "1"), ("reply", "20", "10", "2"),
        ("reply", "30", "20", "3"),
    }
    assert res.records_skipped["created_at missing (kept without timestamp)"] == 3
    assert set(frame(res)["channel"]) == {"All Company"}
    assert sniff(path) == "viva_engage"


def test_wrong_header_names_file_and_column():
    with pytest.raises(InputError, match=r"wrong_header/Messages\.csv, record 1: missing required column\(s\) "
                                         r"id, sender_id \(the header has message, from, to, text, date\)"):
        viva_reader.read(FIXTURES / "wrong_header")


def test_users_csv_without_id(tmp_path):
    shutil.copytree(NETWORK, tmp_path / "n")
    (tmp_path / "n" / "Users.csv").write_text("email,name\na@contoso.com,A\n")
    with pytest.raises(InputError, match=r"Users\.csv, record 1: missing required column\(s\) id"):
        viva_reader.read(tmp_path / "n")


def test_non_utf8_and_truncated_files(tmp_path):
    (tmp_path / "latin").mkdir()
    (tmp_path / "latin" / "Messages.csv").write_bytes(b"id,sender_id,body\n1,2,ok\n2,3,caf\xe9\n")
    with pytest.raises(InputError, match=r"Messages\.csv, record 3: not UTF-8 text"):
        viva_reader.read(tmp_path / "latin")

    data = (NETWORK / "Messages.csv").read_bytes()
    (tmp_path / "cut_in_quotes").mkdir()
    cut = data.index(b"See \"\"the plan\"\"")  # inside the first message's quoted body
    (tmp_path / "cut_in_quotes" / "Messages.csv").write_bytes(data[:cut])
    with pytest.raises(InputError, match=r"cut_in_quotes/Messages\.csv: not a valid CSV .*truncated"):
        viva_reader.read(tmp_path / "cut_in_quotes")

    (tmp_path / "cut_in_row").mkdir()
    cut = data.index(b"5014,") + len(b"5014,,5014,5014,77")
    (tmp_path / "cut_in_row" / "Messages.csv").write_bytes(data[:cut])
    res = viva_reader.read(tmp_path / "cut_in_row")
    assert res.records_skipped["truncated last row (the file is cut off)"] == 1
    assert res.records_read == 13 and triples(frame(res)) == EXPECTED

    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "Messages.csv").write_bytes(b"")
    with pytest.raises(InputError, match="file is empty"):
        viva_reader.read(tmp_path / "empty")


def test_not_an_export(tmp_path):
    with pytest.raises(InputError, match="no Messages.csv"):
        viva_reader.read(tmp_path)
    assert not viva_reader.sniff(tmp_path)
    assert sniff(NETWORK) == "viva_engage"


def test_carriage_return_line_endings_read_as_lines(tmp_path):
    # Old Mac / some spreadsheet exports end lines with a lone CR: the same rows, never a crash
    # (found by the fuzz campaign: a CR inside the last, unterminated row stopped the csv module).
    path = tmp_path / "Messages.csv"
    path.write_bytes(b"id,sender_id,replied_to_id\r1,10,\r2,20,1")
    assert triples(frame(viva_reader.read(path))) == {("post", "10", None, "1"), ("reply", "20", "10", "2")}
    path.write_bytes(b"J3\rg")  # no required column: the usual clear error
    with pytest.raises(InputError, match=r"Messages\.csv, record 1: missing required column\(s\) id, sender_id"):
        viva_reader.read(path)


def test_a_file_of_byte_order_marks_only_has_no_header(tmp_path):
    # Two BOMs: decoding removes one, the other is text that holds no CSV line (found by the fuzz
    # campaign: pandas' EmptyDataError reached the user as a bug report).
    path = tmp_path / "Messages.csv"
    path.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbf")
    with pytest.raises(InputError, match=r"Messages\.csv, record 1: no header line; expected a header with id, sender_id"):
        viva_reader.read(path)
