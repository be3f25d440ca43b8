"""The compact form of the Event contract: coded text columns, and events without ``item``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgnet.events import (
    CODED_TEXT,
    COMPACT_COLUMNS,
    SCHEMA,
    EventSchemaError,
    coerce_events,
    concat_events,
    encode_ids,
    event_times,
    events_from_frame,
    validate,
    with_whole_times,
    without_item,
)


def _events(**over: object) -> pa.Table:
    base = {"kind": ["post", "reply", "reply"], "actor": ["ana", "ben", "cy"], "target": [None, "ana", "ana"],
            "channel": ["#gen", " #gen", ""], "thread": ["t1", "t1", None], "source": ["slack", None, "slack"]}
    base.update(over)  # type: ignore[arg-type]
    return coerce_events(pa.table(base), source="csv")


def test_text_columns_are_coded_with_one_clean_dictionary() -> None:
    ev = _events()
    for name in COMPACT_COLUMNS:
        col = ev.column(name)
        assert col.type == CODED_TEXT
        assert col.chunk(0).dictionary.null_count == 0  # a missing value is a null code
    assert ev.column("channel").to_pylist() == ["#gen", "#gen", None]
    assert ev.column("channel").chunk(0).dictionary.to_pylist() == ["#gen"]
    assert ev.column("channel").null_count == 1
    assert ev.column("source").to_pylist() == ["slack", "csv", "slack"]  # a missing source is the reader's


def test_parquet_dictionaries_are_cleaned_per_value(tmp_path: object) -> None:
    raw = pa.table({"kind": ["post"] * 4, "actor": ["a", "b", "c", "d"],
                    "channel": pa.array(["x", " x", "", None]).dictionary_encode(),
                    "source": pa.array([None, "s", "s", "t"]).dictionary_encode()})
    ev = coerce_events(raw, source="parquet")
    assert ev.column("channel").to_pylist() == ["x", "x", None, None]
    assert ev.column("channel").chunk(0).dictionary.to_pylist() == ["x"]
    assert ev.column("source").to_pylist() == ["parquet", "s", "s", "t"]
    assert ev.column("source").null_count == 0


def test_chunks_share_one_dictionary() -> None:
    chunked = pa.table({"kind": pa.chunked_array([["post"], ["post", "post"]]),
                        "actor": pa.chunked_array([["a"], ["b", "c"]]),
                        "channel": pa.chunked_array([pa.array(["x"]).dictionary_encode(),
                                                     pa.array(["y", "x"]).dictionary_encode()])})
    col = coerce_events(chunked).column("channel")
    assert col.to_pylist() == ["x", "y", "x"]
    assert all(c.dictionary.equals(col.chunk(0).dictionary) for c in col.chunks)


def _plain(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return column.cast(pa.string())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "c", "dd", "e"])), max_size=30),
       st.integers(min_value=1, max_value=4))
def test_encoding_a_coded_column_equals_encoding_its_text(values: list[str | None], chunks: int) -> None:
    # Chunks with their own dictionaries (and unused values), as Parquet row groups give.
    cut = np.array_split(np.arange(len(values)), chunks)
    parts = [pa.array([values[i] for i in part] + ["unused"], pa.string()).dictionary_encode().slice(0, len(part))
             for part in cut]
    coded = pa.chunked_array(parts)
    got_values, got_index = encode_ids(coded)
    want_values, want_index = encode_ids(_plain(coded))
    assert got_values.to_pylist() == want_values.to_pylist()
    assert got_index.tolist() == want_index.tolist()
    assert got_index.dtype == np.int32


def test_encoding_a_dictionary_that_repeats_a_value() -> None:
    odd = pa.DictionaryArray.from_arrays(pa.array([2, 0, 1, None, 3], pa.int32()), pa.array(["x", "y", "x", None]))
    values, index = encode_ids(odd)
    assert values.to_pylist() == ["x", "y"]
    assert index.tolist() == [0, 0, 1, -1, -1]


def test_events_without_item_still_follow_the_contract() -> None:
    ev = without_item(_events())
    assert "item" not in ev.column_names
    assert validate(ev) is ev
    both = concat_events([ev, without_item(_events(actor=["x", "y", "z"]))])
    assert both.num_rows == 6 and "item" not in both.column_names
    assert both.column("channel").type == CODED_TEXT
    # Mixed: the one without items wins (items of some inputs only would mean nothing).
    mixed = concat_events([_events(), ev])
    assert "item" not in mixed.column_names and mixed.num_rows == 6
    with pytest.raises(EventSchemaError, match="missing column"):
        validate(ev.drop_columns(["channel"]))


def test_plain_text_columns_are_still_accepted() -> None:
    ev = _events()
    plain = ev.set_column(ev.schema.get_field_index("channel"), "channel", _plain(ev.column("channel")))
    assert validate(plain) is plain
    back = concat_events([plain, ev])  # brought to the compact form
    assert back.schema.equals(SCHEMA)
    assert back.column("channel").to_pylist() == ev.column("channel").to_pylist() * 2


def test_compact_events_from_a_frame_keep_their_values() -> None:
    frame = pd.DataFrame({"kind": ["post", "reply"], "actor": ["a", "b"], "target": [None, "a"],
                          "channel": ["c1", None], "thread": ["t", "t"]})
    ev = events_from_frame(frame, source="csv")
    assert ev.column("thread").to_pylist() == ["t", "t"]
    assert ev.column("channel").to_pylist() == ["c1", None]
    assert len(pc.unique(ev.column("thread"))) == 1


def test_coded_ids_keep_every_value_and_the_graph() -> None:
    from orgnet.engines import aggregate_edges
    from orgnet.events import contributions, with_coded_ids, with_plain_text
    from orgnet.graph import OrgGraph
    from orgnet.synthetic import toy_org

    org = toy_org()
    ev = without_item(org.events)
    coded = with_coded_ids(ev)
    assert coded.column("actor").type == CODED_TEXT and validate(coded) is coded
    assert coded.column("actor").to_pylist() == ev.column("actor").to_pylist()
    assert coded.column("target").to_pylist() == ev.column("target").to_pylist()
    assert coded.column("target").null_count == ev.column("target").null_count
    assert with_plain_text(coded).column("actor").type == pa.string()
    assert contributions(coded).tolist() == contributions(ev).tolist()
    a = OrgGraph.from_events(ev, directory=org.directory)
    b = OrgGraph.from_events(coded, directory=org.directory)
    assert a.people["person"].tolist() == b.people["person"].tolist()
    assert (a.adjacency != b.adjacency).nnz == 0
    assert a.actor.tolist() == b.actor.tolist() and a.target.tolist() == b.target.tolist()
    assert aggregate_edges(coded).equals(aggregate_edges(ev))
    # A table from elsewhere joins a coded one: its ids are coded too (the readers of tables code
    # their ids, the others give text), with every value kept.
    for both in (concat_events([coded, ev]), concat_events([ev, coded]), concat_events([ev, coded], combine=False)):
        assert both.column("actor").type == CODED_TEXT and validate(both) is both
        assert both.column("actor").to_pylist() == ev.column("actor").to_pylist() * 2
        assert both.column("target").to_pylist() == ev.column("target").to_pylist() * 2


def test_analyze_gives_the_same_findings_from_compact_events() -> None:
    from orgnet.events import with_coded_ids
    from orgnet.findings import AnalysisOptions, analyze
    from orgnet.synthetic import toy_org

    org = toy_org()
    opts = AnalysisOptions(workers=1)
    full = analyze(org.events, directory=org.directory, options=opts)
    compact = analyze(with_coded_ids(without_item(org.events)), directory=org.directory, options=opts)
    pd.testing.assert_frame_equal(full.people, compact.people)
    assert full.summary == compact.summary
    if full.channels is not None and compact.channels is not None:
        pd.testing.assert_frame_equal(full.channels.table, compact.channels.table)


@settings(max_examples=60, deadline=None)
@given(ticks=st.lists(st.one_of(st.none(), st.integers(-2**52, 2**52)), max_size=40),
       cuts=st.lists(st.integers(0, 40), max_size=4), start=st.integers(0, 5))
def test_event_times_equal_arrows_conversion_whatever_the_chunks(ticks: list[int | None], cuts: list[int],
                                                                 start: int) -> None:
    kind = pa.timestamp("us", tz="UTC")
    whole = pa.array(ticks, kind)
    bounds = sorted({0, len(ticks), *(c for c in cuts if c <= len(ticks))})
    pieces = pa.chunked_array([whole.slice(a, b - a) for a, b in zip(bounds, bounds[1:], strict=False)], type=kind)
    for column in (pieces, pa.chunked_array([whole.slice(min(start, len(ticks)))], type=kind)):
        expected = column.to_pandas()
        got = event_times(column)
        assert str(got.dtype) == "datetime64[us, UTC]"
        pd.testing.assert_series_equal(got, expected, check_names=False)


def test_whole_times_are_read_without_a_copy() -> None:
    ts = pd.date_range("2025-01-06", periods=6, freq="h", tz="UTC")
    parts = [events_from_frame(pd.DataFrame({"ts": ts[i:i + 2], "kind": "post", "actor": ["a", "b"]}))
             for i in range(0, 6, 2)]
    ev = concat_events(parts, combine=False)
    assert ev.column("ts").num_chunks == 3
    whole = with_whole_times(ev)
    assert whole.column("ts").num_chunks == 1
    assert whole.column("ts").to_pylist() == ev.column("ts").to_pylist()
    buffer = np.frombuffer(whole.column("ts").chunk(0).buffers()[1], dtype=np.int64)
    times = event_times(whole.column("ts"))
    assert np.shares_memory(np.asarray(times.array.asi8), buffer)
    assert times.tolist() == list(ts)
    # A time missing somewhere: converted as Arrow converts it, NaT in its place.
    holes = pa.chunked_array([pa.array([0, None], pa.timestamp("us", tz="UTC"))])
    assert event_times(holes).isna().tolist() == [False, True]


def test_the_graphs_measures_share_the_events_times() -> None:
    from orgnet.findings.compute import coded_events
    from orgnet.graph import OrgGraph
    from orgnet.synthetic import toy_org

    graph = OrgGraph.from_events(with_whole_times(toy_org().events))
    buffer = np.frombuffer(graph.events.column("ts").chunk(0).buffers()[1], dtype=np.int64)
    assert np.shares_memory(np.asarray(coded_events(graph)["ts"].array.asi8), buffer)
    assert graph.times.equals(graph.events.column("ts").to_pandas())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "c", "dd", "e" * 9])), max_size=40),
       st.lists(st.integers(0, 40), max_size=4), st.booleans())
def test_coded_ids_encode_as_their_text(ids: list[str | None], cuts: list[int], first_order: bool) -> None:
    # encode_ids on a coded column (ids read as codes, in order of first appearance or not, in
    # chunks sharing one dictionary) gives what it gives on the text: the fast path for codes
    # already in order of first appearance changes nothing.
    text = pa.chunked_array([pa.array(ids, pa.string())])
    values, index = encode_ids(text)
    seen = [v for v in dict.fromkeys(ids) if v is not None]
    dictionary = pa.array(seen if first_order else sorted(seen, reverse=True) + ["unused"], pa.string())
    lookup = {v: i for i, v in enumerate(dictionary.to_pylist())}
    codes = pa.array([None if v is None else lookup[v] for v in ids], pa.int32())
    bounds = sorted({0, len(ids), *(min(c, len(ids)) for c in cuts)})
    coded = pa.chunked_array([pa.DictionaryArray.from_arrays(codes.slice(a, b - a), dictionary)
                              for a, b in zip(bounds[:-1], bounds[1:], strict=True)] or
                             [pa.DictionaryArray.from_arrays(codes, dictionary)], CODED_TEXT)
    got_values, got_index = encode_ids(coded)
    assert got_values.equals(values) and got_index.dtype == np.int32 and np.array_equal(got_index, index)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(-1, 6), max_size=30), st.integers(0, 8))
def test_first_appearance_order_is_told_exactly(codes: list[int], n: int) -> None:
    import orgnet.events as events

    firsts = list(dict.fromkeys(c for c in codes if c >= 0))
    expected = firsts == list(range(n))
    assert events._first_appearance_order(np.array(codes, np.int32), n) == expected
    block = events._BLOCK
    try:
        events._BLOCK = 3  # the same answer across blocks
        assert events._first_appearance_order(np.array(codes, np.int32), n) == expected
    finally:
        events._BLOCK = block
