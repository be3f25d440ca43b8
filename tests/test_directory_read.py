"""read_directory: the fast CSV parser gives the same roster (or the same error) as the C parser."""

from __future__ import annotations

import pandas as pd
import pytest

from orgnet.connectors.base import InputError
from orgnet.directory import normalise_directory, read_directory

CASES = {
    "plain": "person,name,email,manager,hire_date\np1,Ana,ANA@x.org,,2024-03-01\np2,\"Lima, Ben\",b@x.org,p1,\n",
    "bom_numeric_ids": "\ufeffemployee_id,Dept\n007,Legal\n8,Sales\n",
    "crlf_spaces": "person,site\r\n p1 ,Lisbon\r\np2,  \r\n",
    "repeated_header": "person,site,site\np1,a,b\n",
    "quoted_newline": "person,title\np1,\"Head\nof things\"\n",
    "header_only": "person,name\n",
    "ragged_row": "person,name\np1,Ana,extra\np2,Ben\n",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_read_directory_matches_the_c_parser(tmp_path, name) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "dir.csv"
    path.write_text(CASES[name], encoding="utf-8")
    expected = normalise_directory(pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig"),
                                   where=str(path))
    pd.testing.assert_frame_equal(read_directory(path), expected)


def test_read_directory_error_comes_from_the_c_parser(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "dir.csv"
    path.write_bytes(b"person,name\np1,\xff\n")
    with pytest.raises(InputError, match="not UTF-8"):
        read_directory(path)


def test_group_column_becomes_the_department() -> None:
    roster = pd.DataFrame({"id": ["1", "2"], "city": ["Peoria", "Bloomington"], "department": ["a", "b"]})
    out = normalise_directory(roster, group_column="City")
    assert out["department"].tolist() == ["Peoria", "Bloomington"]
    assert out["directory_department"].tolist() == ["a", "b"]
    assert "site" not in out.columns or out["site"].isna().all()  # city is the group, not also the site
    with pytest.raises(InputError, match="no column 'town'.*'city'"):
        normalise_directory(roster, group_column="town")


@pytest.mark.parametrize("data", [b"\xef\xbb\xbf\xef\xbb\xbf", b"\n\n\n"])
def test_a_directory_without_a_line_of_csv_names_the_file(tmp_path, data) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "directory.csv"
    path.write_bytes(data)
    with pytest.raises(InputError, match=r"directory\.csv, record 1: no header line"):
        read_directory(path)
