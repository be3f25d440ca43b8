"""Tabular reader: Parquet dictionary columns, CSV delimiters, headerless edge lists, kinds and items."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from orgnet.cli import main
from orgnet.connectors import read
from orgnet.connectors.base import InputError
from orgnet.connectors.tabular import read_csv, read_parquet, sniff_delimiter


def test_dictionary_and_plain_parquet_columns_give_the_same_events(tmp_path) -> None:
    plain = pa.table({
        "sender": [" ana ", "ben", "cy", "ben"],
        "recipient": ["ben", None, "", "ana"],
        "kind": ["reply", "post", "mention", "reply"],
        "channel": ["general", None, "general", "random"],
        "source": ["chat", "chat", "chat", "chat"],
    })
    encoded = pa.table({name: (col.dictionary_encode() if name != "kind" else col)
                        for name, col in zip(plain.column_names, plain.columns, strict=True)})
    pq.write_table(plain, tmp_path / "plain.parquet")
    pq.write_table(encoded, tmp_path / "dict.parquet", use_dictionary=False)
    column_map = {"actor": "sender", "target": "recipient"}
    a = read_parquet(tmp_path / "plain.parquet", column_map=column_map).events
    b = read_parquet(tmp_path / "dict.parquet", column_map=column_map).events
    assert a.equals(b)
    assert a.column("actor").to_pylist() == ["ana", "ben", "cy", "ben"]
    assert a.column("target").to_pylist() == ["ben", None, None, "ana"]


# -- CSV: delimiters, headerless edge lists, kinds, items (issue 12) ------------------------------

TABLES = Path(__file__).resolve().parents[1] / "fixtures" / "tables"
# Written as Excel writes "CSV UTF-8" where the list separator is ';' (much of Europe): a byte-order
# mark, CRLF line ends, decimal commas, a quoted value holding the separator.
SEMICOLON = TABLES / "reactions_semicolon.csv"
GERMAN_COLUMNS = {"actor": "Absender", "target": "Empfänger", "ts": "Zeitpunkt", "kind": "Art",
                  "weight": "Gewicht", "channel": "Kanal"}
KINDS = {"comment": "reply", "like": "reaction"}


def _rows(result, *cols: str) -> list[tuple]:
    frame = result.events.to_pandas()[list(cols)]
    return list(frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None))


def test_semicolon_file_as_spreadsheets_write_it() -> None:
    r = read_csv(SEMICOLON, column_map=GERMAN_COLUMNS, kind_map=KINDS)
    assert r.events.num_rows == 8
    rows = _rows(r, "kind", "actor", "target", "weight", "channel")
    assert rows[:3] == [("post", "anna.schmidt", None, 1.0, "Allgemein"),
                        ("reply", "ben.keller", "anna.schmidt", 1.0, "Allgemein"),
                        ("reaction", "carla.weber", "anna.schmidt", 0.5, "Allgemein")]
    assert rows[-1] == ("reaction", "anna.schmidt", "ben.keller", 0.5, "Vertrieb; Region Süd")  # 'like': any case


def test_unknown_kinds_name_the_file_row_and_what_to_map() -> None:
    with pytest.raises(InputError) as err:
        read_csv(SEMICOLON, column_map=GERMAN_COLUMNS)
    message = str(err.value)
    assert message.startswith(f"{SEMICOLON}: row 2: kind 'Comment' is not an event kind")
    assert "expected one of view, join, reaction, share, mention, reply, post, curate" in message
    assert "--kinds" in message and "values to map: comment, like" in message
    with pytest.raises(InputError, match=r"row 3: kind 'Like' .* after --kinds comment=reply"):
        read_csv(SEMICOLON, column_map=GERMAN_COLUMNS, kind_map={"comment": "reply"})


def test_a_given_delimiter_wins_over_sniffing(tmp_path: Path) -> None:
    # Read with a comma, the header is one column and a decimal comma makes a second one.
    with pytest.raises(InputError, match=r"reactions_semicolon\.csv: not a valid CSV: .*Expected 1 columns, got 2") as err:
        read_csv(SEMICOLON, delimiter=",")
    assert "found from the file" not in str(err.value)
    one_column = tmp_path / "one.csv"
    one_column.write_text("actor;target\nana;ben\n")
    with pytest.raises(InputError, match=r"no actor column.*the header has actor;target"):
        read_csv(one_column, delimiter=",")
    assert _rows(read_csv(one_column), "actor", "target") == [("ana", "ben")]


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_each_delimiter_is_found(tmp_path: Path, sep: str) -> None:
    path = tmp_path / "edges.csv"
    with path.open("w", newline="") as fh:
        # Values holding the other delimiters, quoted as Python's (and Excel's) CSV writer quotes them.
        csv.writer(fh, delimiter=sep).writerows([
            ["actor", "target", "channel"], ["ana", "ben", "a,b;c|d\te"], ["ben", "cy", "plain"],
        ])
    assert sniff_delimiter(path.read_text()) == sep
    r = read_csv(path)
    assert _rows(r, "actor", "target", "channel") == [("ana", "ben", "a,b;c|d\te"), ("ben", "cy", "plain")]


def test_headerless_edge_lists(tmp_path: Path) -> None:
    path = tmp_path / "edges.txt"
    path.write_text("ana\tben\t2\t2025-01-06T09:00:00Z\nben\tcy\t0.5\t2025-01-07T09:00:00Z\n")
    r = read_csv(path, no_header=True)  # the documented order: actor, target, weight, ts
    assert _rows(r, "actor", "target", "weight") == [("ana", "ben", 2.0), ("ben", "cy", 0.5)]
    assert r.events.column("ts").null_count == 0
    r = read_csv(path, no_header=True, column_map={"actor": "2", "target": "1"})  # by position
    assert _rows(r, "actor", "target", "weight") == [("ben", "ana", 1.0), ("cy", "ben", 1.0)]
    with pytest.raises(InputError, match=r"column '7' \(mapped to ts\) not found; the file has no header and 4 "
                                         r"columns \(numbered 1 to 4\)"):
        read_csv(path, no_header=True, column_map={"actor": "1", "ts": "7"})
    wide = tmp_path / "wide.csv"
    wide.write_text("a,b,1,2025-01-06,x\n")
    with pytest.raises(InputError, match=r"has 5 columns.*--map actor=1,target=2"):
        read_csv(wide, no_header=True)


@pytest.mark.realdata
def test_headerless_real_edge_list(shared_dataset) -> None:
    # SNAP's email-Eu-core.txt: 25,571 lines "<sender> <recipient>", space-separated, no header.
    path = shared_dataset("email-Eu-core") / "email-Eu-core.txt"
    lines = path.read_text().splitlines()
    r = read(path, no_header=True)
    assert r.events.num_rows == len(lines) == 25_571
    first = lines[0].split(" ")
    assert _rows(r, "actor", "target")[0] == (first[0], first[1])  # ids stay text ("0" is not 0)
    assert (r.events.column("kind").to_pylist()[0], r.events.column("item").null_count) == ("post", 0)


@pytest.mark.realdata
def test_real_comma_files_read_as_before(shared_dataset) -> None:
    path = shared_dataset("ukfaculty") / "edges.csv"
    r = read_csv(path, column_map={"actor": "source"})
    assert r.events.num_rows == len(path.read_text().splitlines()) - 1
    assert r.events.column("weight").to_pylist()[:2] == [4.0, 14.0]


def test_items_name_the_row_not_its_position(tmp_path: Path) -> None:
    # Without an item column, a row's item comes from its content: the same row has the same item
    # in any file (so overlapping files merge in the store); a repeated row is told apart.
    header = "ts,actor,target\n"
    rows = ["2025-01-06T09:00:00Z,ana,ben\n", "2025-01-06T10:00:00Z,ben,ana\n", "2025-01-06T09:00:00Z,ana,ben\n"]
    (tmp_path / "a.csv").write_text(header + "".join(rows))
    (tmp_path / "b.csv").write_text(header + rows[1] + rows[0])
    a = read_csv(tmp_path / "a.csv").events.column("item").to_pylist()
    b = read_csv(tmp_path / "b.csv").events.column("item").to_pylist()
    assert len(set(a)) == 3 and a[2] == a[0] + "#1"
    assert b == [a[1], a[0]]


def test_kind_mapping_on_parquet_dictionary_columns(tmp_path) -> None:
    table = pa.table({"actor": ["ana", "ben", "cy"], "target": ["ben", "ana", "ana"],
                      "kind": pa.array(["Like", "comment", "post"]).dictionary_encode()})
    pq.write_table(table, tmp_path / "e.parquet")
    r = read_parquet(tmp_path / "e.parquet", kind_map=KINDS)
    assert r.events.column("kind").to_pylist() == ["reaction", "reply", "post"]
    with pytest.raises(InputError, match=r"e\.parquet: row 1: kind 'Like' is not an event kind"):
        read_parquet(tmp_path / "e.parquet")


def test_cli_reader_options(tmp_path: Path) -> None:
    runner = CliRunner()
    given = ["--map", ",".join(f"{k}={v}" for k, v in GERMAN_COLUMNS.items()), "--kinds", "comment=reply,like=reaction"]
    out = runner.invoke(main, ["inspect", "--json", str(SEMICOLON), *given])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["kinds"] == {"reaction": 3, "reply": 3, "post": 2}
    out = runner.invoke(main, ["inspect", str(SEMICOLON), "--delimiter", ";", "--map", given[1]])
    assert out.exit_code == 2 and "row 2: kind 'Comment'" in out.output and "Traceback" not in out.output
    out = runner.invoke(main, ["inspect", str(SEMICOLON), "--kinds", "like=thumbs"])
    assert out.exit_code == 2 and "'thumbs' is not an event kind" in out.output
    out = runner.invoke(main, ["inspect", str(SEMICOLON), "--delimiter", ";;"])
    assert out.exit_code == 2 and "expected one character" in out.output
    edges = tmp_path / "edges.csv"
    edges.write_text("ana|ben\nben|cy\n")
    db = tmp_path / "org.duckdb"
    for _ in range(2):
        out = runner.invoke(main, ["import", str(edges), "--no-header", "--delimiter", "pipe", "--store", str(db)])
        assert out.exit_code == 0, out.output
    assert "0 new of 2 events" in " ".join(out.output.split())  # the second import adds nothing
    out = runner.invoke(main, ["analyze", str(edges), "--no-header", "--out", str(tmp_path / "report")])
    assert out.exit_code == 0, out.output
    assert json.loads((tmp_path / "report" / "findings.json").read_text())["summary"]["events"] == 2
    for command in ("analyze", "inspect", "import"):
        text = runner.invoke(main, [command, "--help"]).output
        assert all(o in text for o in ("--map", "--delimiter", "--no-header", "--kinds")), command


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_every_line_ending_reads_the_same_rows(tmp_path: Path, end: str) -> None:
    path = tmp_path / "edges.csv"
    path.write_bytes(end.join(["actor;target", "ana;ben", "ben;cy", ""]).encode())
    assert _rows(read_csv(path), "actor", "target") == [("ana", "ben"), ("ben", "cy")]


@pytest.mark.parametrize("dictionary", [False, True])
def test_parquet_text_that_is_not_utf8_names_column_and_row(tmp_path: Path, dictionary: bool) -> None:
    # Parquet does not check its strings: bytes damaged on disk reach Arrow as "text" (found by
    # the fuzz campaign: a bug report from the item hashing instead of an input error).
    values = ["ana", "ben", "cy"]
    data = b"".join(v.encode() for v in values).replace(b"cy", b"c\xc7")
    offsets = pa.py_buffer(b"".join(int(x).to_bytes(4, "little") for x in (0, 3, 6, 8)))
    bad = pa.Array.from_buffers(pa.string(), 3, [None, offsets, pa.py_buffer(data)])
    table = pa.table({"actor": bad.dictionary_encode() if dictionary else bad, "target": ["ben", "cy", "ana"]})
    pq.write_table(table, tmp_path / "bad.parquet")
    with pytest.raises(InputError, match=r"bad\.parquet, record 3: column 'actor' holds bytes that are not UTF-8"):
        read_parquet(tmp_path / "bad.parquet")


def test_parquet_column_name_that_is_not_utf8_names_the_file(tmp_path: Path) -> None:
    # A damaged footer: Arrow reads the table and fails only when the names are decoded (found
    # by the fuzz campaign: the message named no file).
    pq.write_table(pa.table({"actor": ["ana"], "target": ["ben"], "zzzzzz": ["x"]}), tmp_path / "ok.parquet")
    data = (tmp_path / "ok.parquet").read_bytes()
    assert data.count(b"zzzzzz") >= 1
    (tmp_path / "bad.parquet").write_bytes(data.replace(b"zzzzzz", b"zz\xf3zzz"))
    with pytest.raises(InputError, match=r"bad\.parquet: not a readable Parquet file: its column names are not UTF-8"):
        read_parquet(tmp_path / "bad.parquet")
