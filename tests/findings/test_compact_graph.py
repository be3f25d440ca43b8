"""The analysis's compacted graph (``orgnet.findings.compute._compact``) measures what the full one does."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from orgnet.events import events_from_frame, with_coded_ids
from orgnet.findings.compute import MEASURED_COLUMNS, _compact, _outside_parties, coded_events
from orgnet.graph import OrgGraph
from orgnet.synthetic import toy_org


def _windows(events: pa.Table) -> list[tuple[str, str]]:
    ts = events.column("ts").to_pandas().dropna().sort_values()
    cut = ts.iloc[len(ts) // 2]
    return [(None, cut), (cut, None), (ts.iloc[len(ts) // 4], ts.iloc[3 * len(ts) // 4])]


@pytest.mark.parametrize("weighted", [False, True])
def test_a_compacted_graph_and_its_windows_measure_the_same(weighted: bool) -> None:
    events = with_coded_ids(toy_org().events)
    if weighted:  # weights other than 1 are kept; all 1 is left out and read as 1
        events = events.set_column(events.schema.get_field_index("weight"), "weight",
                                   pa.array(np.arange(events.num_rows) % 3 + 0.5))
    full = OrgGraph.from_events(events)
    small = _compact(full)
    assert set(small.events.column_names) <= set(MEASURED_COLUMNS)
    assert ("weight" in small.events.column_names) == weighted
    assert "thread" not in small.events.column_names and "actor" not in small.events.column_names
    pd.testing.assert_frame_equal(coded_events(small), coded_events(full))
    for since, until in _windows(events):
        a, b = full.window(since, until), small.window(since, until)
        assert (a.adjacency != b.adjacency).nnz == 0
        assert a.adjacency.nnz > 0
        x, y = coded_events(a), coded_events(b)
        pd.testing.assert_frame_equal(x.drop(columns="thread"), y.drop(columns="thread"))
        _same_grouping(x["thread"].to_numpy(), y["thread"].to_numpy())
        assert a.people["active"].equals(b.people["active"])


def _same_grouping(one: np.ndarray, two: np.ndarray) -> None:
    """The same events share a thread in both (the codes themselves may differ); -1 (none) in the same places."""
    assert ((one < 0) == (two < 0)).all()
    pairs = pd.DataFrame({"one": one, "two": two}).drop_duplicates()
    assert pairs["one"].is_unique and pairs["two"].is_unique
    assert (pairs["one"] >= 0).sum() > 1


def test_outside_parties_are_coded_in_the_narrowest_type() -> None:
    ev = events_from_frame(pd.DataFrame({
        "ts": ["2025-01-06"] * 4, "kind": ["reply"] * 4, "actor": ["a", "a", "b", "b"],
        "target": ["b", "x@out.org", "y@out.org", "x@out.org"], "external": [False, True, True, True]}))
    external, party = _outside_parties(OrgGraph.from_events(ev))
    assert external.tolist() == [False, True, True, True]
    assert party.dtype == np.int8
    assert party.tolist() == [-1, 0, 1, 0]
