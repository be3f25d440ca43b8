"""The Event contract: construction, coercion and the errors bad tables get."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgnet.events import (
    KINDS,
    SCHEMA,
    EventSchemaError,
    coerce_events,
    concat_events,
    encode_ids,
    events_from_frame,
    has_timestamps,
    remember_ids,
    validate,
)


def _frame(**over: object) -> pd.DataFrame:
    base = {
        "ts": ["2025-01-06T09:00:00Z", "2025-01-06T10:30:00+01:00"],
        "kind": ["post", "reply"],
        "actor": ["ana", "ben"],
        "target": [None, "ana"],
    }
    base.update(over)  # type: ignore[arg-type]
    return pd.DataFrame(base)


def test_constructor_fills_defaults_and_follows_schema() -> None:
    ev = events_from_frame(_frame(), source="csv")
    assert ev.schema.equals(SCHEMA, check_metadata=False)
    assert ev.column("weight").to_pylist() == [1.0, 1.0]
    assert ev.column("external").to_pylist() == [False, False]
    assert ev.column("source").to_pylist() == ["csv", "csv"]
    assert ev.column("item").to_pylist() == ["csv:0", "csv:1"]
    # Offsets are converted to UTC.
    assert ev.column("ts")[1].as_py().hour == 9
    assert has_timestamps(ev)


def test_numeric_ids_become_the_same_strings_as_text_ids() -> None:
    a = coerce_events(pa.table({"kind": ["mention"], "actor": [17], "target": [18.0]}), source="x")
    b = coerce_events(pa.table({"kind": ["mention"], "actor": ["17"], "target": [" 18 "]}), source="x")
    assert a.column("actor").to_pylist() == b.column("actor").to_pylist() == ["17"]
    assert a.column("target").to_pylist() == b.column("target").to_pylist() == ["18"]


def test_missing_column_is_named() -> None:
    with pytest.raises(EventSchemaError, match=r"mail\.csv: missing column\(s\) actor"):
        events_from_frame(pd.DataFrame({"kind": ["post"]}), where="mail.csv")


def test_unknown_kind_names_row_and_expected_values() -> None:
    with pytest.raises(EventSchemaError, match=r"row 2: unknown kind 'like'; expected one of view"):
        events_from_frame(_frame(kind=["post", "like"]))


def test_null_actor_names_row() -> None:
    with pytest.raises(EventSchemaError, match=r"row 2: column 'actor' is empty; expected a person id"):
        events_from_frame(_frame(actor=["ana", None]))


def test_unparseable_timestamp_names_row() -> None:
    with pytest.raises(EventSchemaError, match=r"row 1: cannot parse timestamp 'yesterday'"):
        events_from_frame(_frame(ts=["yesterday", "2025-01-01"]))


def test_bad_weight_is_named() -> None:
    with pytest.raises(EventSchemaError, match=r"row 2: weight 'heavy' is not a number"):
        events_from_frame(_frame(weight=["1", "heavy"]))


def test_validate_rejects_wrong_type() -> None:
    ev = events_from_frame(_frame())
    bad = ev.set_column(ev.schema.get_field_index("weight"), "weight", pa.array(["1", "2"]))
    with pytest.raises(EventSchemaError, match=r"column 'weight' has type string; expected double"):
        validate(bad)


def test_validate_rejects_naive_timestamps() -> None:
    ev = events_from_frame(_frame())
    naive = ev.set_column(0, "ts", ev.column("ts").cast(pa.timestamp("us")))
    with pytest.raises(EventSchemaError, match="time zone"):
        validate(naive)


def test_edge_list_without_timestamps_is_accepted() -> None:
    ev = events_from_frame(pd.DataFrame({"kind": ["post"], "actor": ["a"], "target": ["b"]}))
    assert not has_timestamps(ev)


def test_concat_unifies_kind_dictionaries() -> None:
    a = events_from_frame(_frame(kind=["curate", "join"]), source="a")
    b = events_from_frame(_frame(), source="b")
    both = concat_events([a, b])
    assert both.num_rows == 4
    assert both.column("kind").to_pylist() == ["curate", "join", "post", "reply"]
    assert pa.types.is_dictionary(both.column("kind").type)
    assert both.column("kind").chunk(0).dictionary.to_pylist() == list(KINDS)


# --------------------------------------------------------------- fast paths (same results)
_TEXT = st.one_of(
    st.none(),
    st.text(alphabet=st.sampled_from(list("ab7 \t\n\u00a0\u2003é\x1f")), max_size=5),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_TEXT, max_size=30), st.integers(0, 5))
def test_id_clean_up_fast_path_matches_trim_and_empty_to_null(values, cut) -> None:  # type: ignore[no-untyped-def]
    from orgnet.events import _string_column

    arr = pa.array(values, pa.string())
    col = pa.chunked_array([arr.slice(0, cut), arr.slice(cut)], pa.string())  # sliced chunks: offsets
    trimmed = pc.utf8_trim_whitespace(arr).to_pylist()
    expected = [None if v is None or v == "" else v for v in trimmed]
    assert _string_column(col).to_pylist() == expected


def test_encode_ids_is_remembered_once_and_only_for_the_same_column() -> None:
    col = pa.chunked_array([["b", "a", None], ["b"]])
    values, index = encode_ids(col)
    assert values.to_pylist() == ["b", "a"] and index.tolist() == [0, 1, -1, 0]
    remember_ids(col, pa.array(["x", "y"]), np.array([0, 1, -1, 0], np.int32))  # a marker, not the truth
    copy = pa.chunked_array([pa.array(["b", "a", None, "b"])])  # same values, other buffers
    assert encode_ids(copy)[0].to_pylist() == ["b", "a"]
    assert encode_ids(col)[0].to_pylist() == ["x", "y"]  # the stored encoding is used ...
    assert encode_ids(col)[0].to_pylist() == ["b", "a"]  # ... and then forgotten


_IDS = st.one_of(
    st.none(),
    st.text(alphabet=st.sampled_from(list("ab7é\x00")), max_size=9),  # around the 8-byte limit, NULs
    st.sampled_from(["p0001", "p0002", "p0003"]),  # fixed width, as directory ids are
)


@settings(max_examples=100, deadline=None)
@given(st.lists(_IDS, max_size=30), st.integers(0, 5), st.integers(0, 3))
def test_encode_ids_packed_short_ids_match_string_hashing(values, cut, skip) -> None:  # type: ignore[no-untyped-def]
    arr = pa.array(values, pa.string()).slice(min(skip, len(values)))
    col = pa.chunked_array([arr.slice(0, cut), arr.slice(cut)], pa.string())  # sliced chunks: offsets
    expected = pc.dictionary_encode(arr)
    got_values, got_index = encode_ids(col)
    assert got_values.to_pylist() == expected.dictionary.to_pylist()
    assert got_index.tolist() == pc.fill_null(expected.indices, -1).to_pylist()
    assert got_values.type == pa.string() and got_index.dtype == np.int32
