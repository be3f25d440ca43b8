"""Tabular reader: Parquet columns stored as dictionaries or as plain strings read the same."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from orgnet.connectors.tabular import read_parquet


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
