"""Parquet read batch by batch (issue 17): the same events, counts and messages as one read of the whole file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orgnet.connectors import tabular
from orgnet.connectors._fields import WEIGHT_OUT_OF_RANGE
from orgnet.connectors.base import InputError, ReadResult
from orgnet.connectors.dates import IMPLAUSIBLE, ISOLATED
from orgnet.connectors.tabular import read_parquet

#: Rows per row group of the files written here, and per batch read: several batches per file.
GROUP, BATCH = 40, 50


def _events(n: int = 300) -> dict[str, list[Any]]:
    """Rows with all that is judged over the whole file: stray dates, bad weights, identical rows."""
    people = ["ana", "ben", "cy", "dee", "eve"]
    rows: dict[str, list[Any]] = {
        "ts": [f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T09:00:00Z" for i in range(n)],
        "kind": ["post", "reply", "Reaction ", "mention"] * (n // 4),
        "actor": [people[i % 5] for i in range(n)],
        "target": [people[(i + 1) % 5] if i % 7 else None for i in range(n)],
        "weight": [str(1 + i % 3) for i in range(n)],
        "channel": [f"#c{i % 3}" for i in range(n)],
        "thread": [f"t{i // 2}" for i in range(n)],
        "source": ["chat"] * n,
    }
    rows["ts"][5] = "1979-12-31T00:00:00Z"  # isolated from every other date
    rows["ts"][130] = "1900-01-01"  # before any collaboration record
    rows["weight"][77] = "-1"  # out of range: left out and counted
    rows["weight"][201] = "inf"
    for i in (90, 170, 250):  # the same row again, in later batches: items #1, #2, #3
        for name in rows:
            rows[name][i] = rows[name][10]
    return rows


def _write(path: Path, columns: dict[str, list[Any]], types: dict[str, pa.DataType] | None = None) -> Path:
    table = pa.table({k: pa.array(v, (types or {}).get(k)) for k, v in columns.items()})
    pq.write_table(table, path, row_group_size=GROUP)
    return path


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the batches read (each a call of ``_event_part``)."""
    calls: list[int] = []
    part: Callable[..., Any] = tabular._event_part

    def counted(table: pa.Table, *args: Any, **kwargs: Any) -> Any:
        calls.append(table.num_rows)
        return part(table, *args, **kwargs)

    monkeypatch.setattr(tabular, "_event_part", counted)
    return calls


def _same(batched: ReadResult, whole: ReadResult) -> None:
    assert batched.events.schema.equals(whole.events.schema)
    assert batched.events.equals(whole.events)
    assert batched.records_read == whole.records_read
    assert dict(batched.records_skipped) == dict(whole.records_skipped)
    assert list(batched.records_skipped) == list(whole.records_skipped)


def test_batches_give_the_events_and_counts_of_one_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "e.parquet", _events())
    whole = read_parquet(path)
    calls = _counting(monkeypatch)
    batched = read_parquet(path, batch_rows=BATCH)
    assert len(calls) >= 3 and sum(calls) == 300
    _same(batched, whole)
    assert dict(whole.records_skipped) == {IMPLAUSIBLE: 1, ISOLATED: 1, WEIGHT_OUT_OF_RANGE: 2}
    items = batched.events.column("item").to_pylist()
    # Numbered over the whole file (rows 78 and 202 are left out for their weights).
    assert [items.index(items[10] + f"#{n}") for n in (1, 2, 3)] == [89, 169, 248]


def test_unix_times_are_read_with_one_unit_for_the_whole_column(tmp_path: Path) -> None:
    # Seconds in the first batches, milliseconds after: the median of the whole column says
    # milliseconds, and so every batch is read that way (the seconds become implausible dates).
    seconds = [1_700_000_000 + 3600 * i for i in range(120)]
    millis = [1_700_000_000_000 + 3_600_000 * i for i in range(180)]
    columns = {"ts": seconds + millis, "actor": ["ana", "ben", "cy"] * 100, "target": ["ben", "cy", "ana"] * 100}
    for ts in (pa.int64(), pa.float64()):
        path = _write(tmp_path / f"unix-{ts}.parquet", columns, {"ts": ts})
        whole, batched = read_parquet(path), read_parquet(path, batch_rows=BATCH)
        _same(batched, whole)
        assert batched.records_skipped[IMPLAUSIBLE] == 120
    text = _write(tmp_path / "text.parquet", {**columns, "ts": [str(t) for t in columns["ts"]]})
    _same(read_parquet(text, batch_rows=BATCH), read_parquet(text))


def _same_error(path: Path) -> str:
    """The input error a single read gives, checked to be the batched read's too."""
    with pytest.raises(InputError) as whole:
        read_parquet(path)
    with pytest.raises(InputError) as batched:
        read_parquet(path, batch_rows=BATCH)
    assert str(batched.value) == str(whole.value)
    return str(whole.value)


def test_an_error_names_the_row_of_the_whole_file(tmp_path: Path) -> None:
    rows = _events()
    rows["kind"][260] = "thumbs"  # in the sixth batch
    message = _same_error(_write(tmp_path / "e.parquet", rows))
    assert "row 259: kind 'thumbs'" in message  # 260th row read, one row before it left out


def test_the_first_problem_of_the_file_is_named_whichever_batch_holds_it(tmp_path: Path) -> None:
    # The kind in the first batch is checked after the weights; a weight in a later batch that is
    # no number is the problem a single read names first.
    rows = _events()
    rows["kind"][3] = "thumbs"
    rows["weight"][201] = "2"
    rows["weight"][280] = "heavy"
    assert "row 281: weight" in _same_error(_write(tmp_path / "e.parquet", rows))


def test_a_folder_of_parts_is_read_in_batches_in_order(tmp_path: Path) -> None:
    rows = _events()
    folder = tmp_path / "parts"
    folder.mkdir()
    for i, (lo, hi) in enumerate(((0, 130), (130, 300))):
        _write(folder / f"part-{i}.parquet", {k: v[lo:hi] for k, v in rows.items()})
    single = _write(tmp_path / "all.parquet", rows)
    batched = read_parquet(folder, batch_rows=BATCH)
    _same(batched, read_parquet(folder, batch_rows=10_000))
    assert batched.events.drop_columns(["item"]).equals(read_parquet(single).events.drop_columns(["item"]))


def test_ids_are_coded_into_the_whole_files_ids_in_order_of_first_appearance(tmp_path: Path) -> None:
    # New people keep appearing in later batches, some targets are missing: every batch's ids
    # become codes into one dictionary, the one a single read gives (ids in order of first
    # appearance, each used), and the values are the text of the file.
    from orgnet.events import CODED_TEXT, encode_ids

    n = 300
    rows = {
        "kind": ["post", "reply"] * (n // 2),
        "actor": [f"u{(i * 7) % (10 + i // 3)}" for i in range(n)],
        "target": [None if i % 4 == 0 else f"u{(i * 5 + 3) % (5 + i // 2)}" for i in range(n)],
    }
    path = _write(tmp_path / "ids.parquet", rows)
    whole, batched = read_parquet(path), read_parquet(path, batch_rows=BATCH)
    _same(batched, whole)
    for name in ("actor", "target"):
        column = batched.events.column(name)
        assert column.type == CODED_TEXT and column.num_chunks > 1
        assert column.to_pylist() == rows[name]
        values, codes = encode_ids(pa.chunked_array([pa.array(rows[name])]))
        assert column.chunk(0).dictionary.equals(values)
        assert all(c.dictionary.equals(values) for c in column.chunks)
        assert np.array_equal(encode_ids(column)[1], codes)
