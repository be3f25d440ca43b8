"""``write_json``: findings.json's layout (one top-level key per line, sorted, compact values),
written value by value."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from orgnet.report.files import write_json

_values = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=8),
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                       max_leaves=10)


@settings(max_examples=60, deadline=None)
@given(data=st.dictionaries(st.text(min_size=1, max_size=6), _values, min_size=1, max_size=6))
def test_the_file_reads_back_as_the_data_one_sorted_key_per_line(data: dict, tmp_path_factory) -> None:
    path = tmp_path_factory.mktemp("json") / "findings.json"
    write_json(data, path)
    text = path.read_text(encoding="utf-8")
    assert json.loads(text) == data
    lines = text.split("\n")
    assert lines[0] == "{" and lines[-2:] == ["}", ""]
    body = lines[1:-2]
    assert len(body) == len(data)  # every value compact, on its key's line
    assert [json.loads("{" + line.rstrip(",") + "}").popitem()[0] for line in body] == sorted(data, key=str)


def test_tables_are_written_as_records(tmp_path: Path) -> None:
    path = tmp_path / "findings.json"
    write_json({"people": pd.DataFrame({"b": ["x/y", "é"], "a": [1.5, np.nan]}), "n": 2}, path)
    assert path.read_text(encoding="utf-8") == '{\n"n": 2,\n"people": [{"a":1.5,"b":"x/y"},{"a":null,"b":"é"}]\n}\n'


def test_a_long_table_is_written_in_pieces_as_one_text(tmp_path: Path) -> None:
    from orgnet.report.files import JSON_ROWS, _dumps

    n = 2 * JSON_ROWS + 7  # three pieces, the last short
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"person": [f"p/{i}" for i in range(n)], "score": rng.normal(size=n),
                          "name": pd.array([None if i % 5 == 0 else f"é{i}" for i in range(n)], dtype="string"),
                          "since": pd.to_datetime(rng.integers(0, 10**9, n), unit="s", utc=True)})
    frame.loc[3, "score"] = np.nan
    path = tmp_path / "findings.json"
    write_json({"people": frame}, path)
    assert path.read_text(encoding="utf-8") == '{\n"people": ' + _dumps(frame) + "\n}\n"
    # cells to_json cannot write (sets) go the general way, the pieces already written taken back
    odd = frame.assign(tags=[{"a"} if i == n - 1 else set() for i in range(n)])
    write_json({"people": odd}, path)
    assert path.read_text(encoding="utf-8") == '{\n"people": ' + _dumps(odd) + "\n}\n"
    assert json.loads(path.read_text(encoding="utf-8"))["people"][-1]["tags"] == ["a"]


def test_parts_are_written_as_the_whole_document(tmp_path: Path) -> None:
    from orgnet.report.files import write_json_parts

    made: list[str] = []

    def make(key: str, value: object):  # type: ignore[no-untyped-def]
        def part() -> object:
            made.append(key)
            return value
        return part

    data = {"b": [1, 2.5], "a": pd.DataFrame({"x": [1, 2]}), "$schema": "s", "c": None}
    write_json(data, tmp_path / "whole.json")
    write_json_parts({k: make(k, v) for k, v in data.items()}, tmp_path / "parts.json")
    assert (tmp_path / "parts.json").read_bytes() == (tmp_path / "whole.json").read_bytes()
    assert made == sorted(data)  # each made when its turn comes, in the file's order
