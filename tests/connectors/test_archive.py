"""Reading exports from folders and zips: traversal names refused, zip bombs bounded, clear errors."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest

from orgnet.connectors import _archive
from orgnet.connectors import read as read_any
from orgnet.connectors._archive import Archive, decode_json
from orgnet.connectors.base import InputError

SLACK = Path(__file__).resolve().parents[1] / "fixtures" / "slack" / "modern"


def make_zip(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_folder_zip_and_single_file_list_the_same_way(tmp_path: Path) -> None:
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "a.json").write_text("[1]")
    (tmp_path / "d" / "sub" / "b.json").write_text('{"x": 2}')
    z = make_zip(tmp_path / "d.zip", {"a.json": "[1]", "sub/": "", "sub/b.json": '{"x": 2}'})
    for source in (tmp_path / "d", z):
        with Archive(source) as a:
            assert a.names == ["a.json", "sub/b.json"]
            assert a.read_json("sub/b.json") == {"x": 2}
            assert a.exists("a.json") and not a.exists("c.json")
            assert a.find("b.json") == "sub/b.json"
    single = Archive(tmp_path / "d" / "a.json")
    assert single.names == ["a.json"] and single.read_json("a.json") == [1]
    assert Archive(z).where("a.json") == f"{z}!a.json"


def test_missing_path() -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        Archive("/nonexistent/export.zip")


@pytest.mark.parametrize(
    "name", ["../evil.json", "a/../../evil.json", "/etc/passwd", "C:/x.json", "..\\evil.json"]
)
def test_traversal_names_are_refused(tmp_path: Path, name: str) -> None:
    z = make_zip(tmp_path / "t.zip", {"users.json": "[]", name: "[]"})
    with pytest.raises(InputError, match="has a path outside the archive"):
        Archive(z)


def test_member_count_is_bounded(tmp_path: Path) -> None:
    z = make_zip(tmp_path / "many.zip", {f"f{i}.json": "[]" for i in range(20)})
    with pytest.raises(InputError, match=r"holds 20 members, more than the limit of 10 \(a zip bomb guard\)"):
        Archive(z, max_members=10)
    assert len(Archive(z, max_members=20).names) == 20


def test_total_size_is_bounded(tmp_path: Path) -> None:
    # 2 MB of zeros compress to a few kB: the bound is on what they decompress to.
    z = make_zip(tmp_path / "bomb.zip", {"users.json": "[]", "channels.json": "[]", "big/1.json": b"0" * 2_000_000})
    assert z.stat().st_size < 20_000
    with pytest.raises(InputError, match=r"decompress to more than 1,000,000 bytes \(a zip bomb guard\)"):
        Archive(z, max_total_bytes=1_000_000)


def test_the_bound_applies_through_a_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    members = {p.relative_to(SLACK).as_posix(): p.read_bytes() for p in SLACK.rglob("*.json")}
    z = make_zip(tmp_path / "slack.zip", members)
    assert read_any(z).events.num_rows > 0
    monkeypatch.setattr(_archive, "MAX_TOTAL_BYTES", 1000)
    with pytest.raises(InputError, match="zip bomb guard"):
        read_any(z, format="slack")


def test_corrupt_zip(tmp_path: Path) -> None:
    z = make_zip(tmp_path / "c.zip", {"a.json": random.Random(1).randbytes(5000)})
    data = bytearray(z.read_bytes())
    data[100:400] = b"\xff" * 300  # damage the compressed stream, keep the directory
    z.write_bytes(bytes(data))
    with pytest.raises(InputError, match=r"c\.zip!a\.json: cannot decompress the member"):
        Archive(z).read_bytes("a.json")
    z.write_bytes(bytes(data[:50]))  # truncated: no directory left
    with pytest.raises(InputError, match=r"c\.zip: not a valid zip archive"):
        Archive(z)


def test_decode_json_errors() -> None:
    with pytest.raises(InputError, match=r"^f\.json, record 3: not UTF-8 text \(byte 0xff at offset 1\)"):
        decode_json(b"[\xff]", "f.json", 3)
    with pytest.raises(InputError, match=r"^f\.json: not valid JSON \(Expecting"):
        decode_json(b"[1, 2", "f.json")
    assert decode_json("\ufeff[1]".encode(), "f.json") == [1]
