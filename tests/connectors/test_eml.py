"""The .eml reader: a folder at any depth, single files, CRLF, Latin-1 bytes and broken files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from orgnet.connectors import eml as eml_reader
from orgnet.connectors import read, sniff
from orgnet.connectors.base import InputError
from orgnet.events import SCHEMA

FOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "email" / "eml"
CANARY = "ZZCANARY7731"


def frame(result) -> pd.DataFrame:
    return result.events.to_pandas()


def test_folder_of_eml_files():
    res = eml_reader.read(FOLDER, org_domain="example.org")
    df = frame(res)
    assert res.events.schema == SCHEMA
    assert res.records_read == 5  # a, c, broken, truncated and replies/b; notes.txt is not .eml
    assert res.records_skipped["not an e-mail (no header lines at the start)"] == 1  # broken.eml
    assert res.records_skipped["no sender address"] == 1  # truncated.eml
    assert res.records_skipped["header not UTF-8 (decoded as Latin-1, kept)"] == 1  # c.eml
    got = {(k, a, t, w) for k, a, t, w in zip(df["kind"], df["actor"], df["target"], df["weight"], strict=True)}
    assert got == {
        ("post", "ana@example.org", "ben@example.org", 0.5),
        ("post", "ana@example.org", "cy@example.org", 0.5),
        ("reply", "ben@example.org", "ana@example.org", 1.0),
        ("post", "francois@partner.fr", "ana@example.org", 1.0),
    }
    assert df.loc[df["actor"] == "francois@partner.fr", "external"].all()
    assert not df.loc[df["actor"] != "francois@partner.fr", "external"].any()
    names = res.people.set_index("person")["name"]
    assert names["ana@example.org"] == "Lima, Ana" and names["francois@partner.fr"] == "François"


def test_no_body_or_subject_text_anywhere():
    res = eml_reader.read(FOLDER)
    assert CANARY not in repr(res.events.to_pylist()) + res.people.to_csv()


def test_single_files():
    res = eml_reader.read(FOLDER / "a.eml")  # CRLF line ends
    assert res.events.num_rows == 2
    with pytest.raises(InputError, match=r"broken\.eml, record 1: not an e-mail message"):
        eml_reader.read(FOLDER / "broken.eml")
    truncated = eml_reader.read(FOLDER / "truncated.eml")
    assert truncated.events.num_rows == 0 and truncated.records_skipped["no sender address"] == 1


def test_empty_folder_and_sniff(tmp_path):
    with pytest.raises(InputError, match="no .eml files"):
        eml_reader.read(tmp_path)
    assert sniff(FOLDER) == "eml"
    assert sniff(FOLDER / "a.eml") == "eml"
    assert read(FOLDER).format == "eml"
