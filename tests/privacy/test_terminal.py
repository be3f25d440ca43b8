"""What the command line prints: no message content in errors, no control characters from the data, weak keys refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from orgnet.cli import main
from orgnet.connectors.base import InputError, shown_value
from orgnet.privacy import Pseudonymizer, load_key
from orgnet.privacy.terminal import plain

CANARY = "QQBODYCANARY57"
#: Any C0/C1 control character but the newline that ends a printed line.
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes else "")


@pytest.fixture
def table(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    rows = ["when,who,to,body"]
    rows += [f"2024-01-{d:02d}T09:00:00Z,p{d % 7},p{(d + 3) % 7},{CANARY} hello there" for d in range(1, 29)]
    rows.append(f"2024-01-29T09:00:00Z,p1,p2,{CANARY}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("column", ["ts", "kind", "weight"])
def test_wrong_map_never_quotes_a_body(table: Path, tmp_path: Path, column: str) -> None:
    mapping = {"actor": "who", "target": "to", "ts": "when", column: "body"}
    code, text = invoke("analyze", str(table), "--map", ",".join(f"{k}={v}" for k, v in mapping.items()),
                        "--out", str(tmp_path / "r"))
    assert code == 2, text
    assert "error:" in text and "row 1" in text
    assert CANARY not in text and "hello" not in text
    assert not CONTROL.search(text)


def test_shown_value_describes_long_values_and_content_columns() -> None:
    assert shown_value("2024-13-45") == "'2024-13-45'"
    assert CANARY not in shown_value(CANARY, column="Message Body")
    assert CANARY not in shown_value(f"{CANARY} and more words here")
    assert "\x1b" not in shown_value("x\x1b[2J")


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, Path]:
    """Events between ten people whose names carry escape sequences and control characters."""
    events = tmp_path / "events.csv"
    rows = ["ts,kind,actor,target"]
    for d in range(1, 29):
        for i in range(10):
            rows.append(f"2024-01-{d:02d}T09:00:00Z,reply,e{i}@x.org,e{(i + d) % 10}@x.org")
    events.write_text("\n".join(rows) + "\n", encoding="utf-8")
    directory = tmp_path / "directory.csv"
    lines = ["person,email,name,department"]
    for i in range(10):
        name = f"Ana\x1b]0;pwned{i}\x07 Lima\x1b[2J\u202e{i}"
        dept = "Ops" if i < 5 else "Sales"
        lines.append(f'e{i},e{i}@x.org,"{name}","{dept}"')
    directory.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return events, directory


def test_summary_strips_control_characters(hostile: tuple[Path, Path], tmp_path: Path) -> None:
    events, directory = hostile
    code, text = invoke("analyze", str(events), "--directory", str(directory), "--out", str(tmp_path / "r"))
    assert code == 0, text
    assert "Ana" in text and "Lima" in text  # the names are printed ...
    bad = [line for line in text.splitlines() if CONTROL.search(line)]
    assert not bad, f"lines with control characters: {bad[:3]!r}"  # ... without their controls
    assert "pwned" not in text  # an OSC sequence goes whole, its title text too


def test_unmatched_opt_out_entries_are_named_plainly(hostile: tuple[Path, Path], tmp_path: Path) -> None:
    events, directory = hostile
    listed = tmp_path / "optout.txt"
    listed.write_text("e1@x.org\nno\x1b[2Jbody@x.org\n", encoding="utf-8")
    code, text = invoke("analyze", str(events), "--directory", str(directory), "--exclude", str(listed),
                        "--out", str(tmp_path / "r"))
    assert code == 0, text
    assert "matched no one" in text and "nobody@x.org" in text and not CONTROL.search(text.replace("\n", ""))
    code, text = invoke("analyze", str(events), "--directory", str(directory), "--exclude", str(listed),
                        "--strict", "--out", str(tmp_path / "s"))
    assert code == 2 and "nobody@x.org" in text and not (tmp_path / "s").exists()


def test_plain_removes_escapes_and_controls() -> None:
    assert plain("Ana\x1b[2J\x1b]0;title\x07 Lima\r\n") == "Ana Lima"
    assert plain("a\u202eb\u200bc\x00d") == "abcd"
    assert plain("Zoë Ōkubo") == "Zoë Ōkubo"


@pytest.mark.parametrize("key", [bytes(32), b"k" * 64, b"ab" * 20, b"0123456789abcde"])
def test_weak_keys_refused(tmp_path: Path, key: bytes) -> None:
    path = tmp_path / "key"
    path.write_bytes(key)
    with pytest.raises(InputError, match="one byte|different byte values|at least 16"):
        load_key(path)
    with pytest.raises(ValueError):
        Pseudonymizer(key)


def test_weak_key_refused_on_the_command_line(table: Path, tmp_path: Path) -> None:
    (tmp_path / "key").write_bytes(bytes(32))
    code, text = invoke("analyze", str(table), "--map", "actor=who,target=to,ts=when", "--key-file",
                        str(tmp_path / "key"), "--out", str(tmp_path / "r"))
    assert code == 2 and "copies of one byte" in text and not (tmp_path / "r").exists()


def test_random_key_accepted(tmp_path: Path) -> None:
    (tmp_path / "key").write_text("9f2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c\n")
    assert len(load_key(tmp_path / "key")) == 32
