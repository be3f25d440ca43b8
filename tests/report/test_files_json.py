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
