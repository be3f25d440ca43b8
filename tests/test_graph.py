"""OrgGraph: ties aggregated from events, attributes joined by id, windows, order invariance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgnet.directory import normalise_directory
from orgnet.events import events_from_frame
from orgnet.findings import analyze
from orgnet.graph import OrgGraph

PEOPLE = [f"u{i}" for i in range(12)]


def random_events(seed: int, n: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    kinds = rng.choice(["post", "reply", "reaction", "mention", "share"], n)
    target = rng.choice(PEOPLE, n).astype(object)
    target[kinds == "post"] = None
    return pd.DataFrame({
        "ts": pd.Timestamp("2025-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 90 * 24, n), unit="h"),
        "kind": kinds,
        "actor": rng.choice(PEOPLE, n),
        "target": target,
        "weight": rng.choice([1.0, 0.5, 0.25], n),
        "item": [f"m{i}" for i in range(n)],
    })


def test_adjacency_sums_weights_of_each_pair_and_drops_self_ties() -> None:
    frame = random_events(0)
    g = OrgGraph.from_events(events_from_frame(frame, source="t"))
    ties = frame.dropna(subset=["target"])
    ties = ties[ties["actor"] != ties["target"]]
    expected = ties.groupby(["actor", "target"])["weight"].sum()
    dense = g.adjacency.toarray()
    ids = g.people["person"].tolist()
    assert g.n_ties == len(expected)
    for (a, t), w in expected.items():
        assert dense[ids.index(a), ids.index(t)] == pytest.approx(w, abs=1e-12)
    assert np.diag(dense).sum() == 0


def test_directory_attributes_are_joined_by_id_not_position() -> None:
    frame = random_events(1)
    roster = pd.DataFrame({"person": PEOPLE[::-1], "department": [f"D{p}" for p in PEOPLE[::-1]]})
    g = OrgGraph.from_events(events_from_frame(frame, source="t"), directory=normalise_directory(roster))
    assert (g.people["department"] == "D" + g.people["person"]).all()
    assert g.people["in_directory"].all()


def test_directory_members_without_events_are_members() -> None:
    ev = events_from_frame(pd.DataFrame({"kind": ["reply"], "actor": ["a"], "target": ["b"]}))
    g = OrgGraph.from_events(ev, directory=normalise_directory(pd.DataFrame({"person": ["a", "b", "quiet"]})))
    assert g.people["person"].tolist() == ["a", "b", "quiet"]
    assert g.people["active"].tolist() == [True, False, False]


def test_external_ties_left_out_unless_asked() -> None:
    ev = events_from_frame(pd.DataFrame({"kind": ["post", "post"], "actor": ["a", "a"], "target": ["b", "x@out.com"],
                                         "external": [False, True]}))
    assert OrgGraph.from_events(ev).people["person"].tolist() == ["a", "b"]
    assert OrgGraph.from_events(ev, include_external=True).n_ties == 2


def test_time_window_selects_events() -> None:
    frame = random_events(2)
    ev = events_from_frame(frame, source="t")
    g = OrgGraph.from_events(ev, since="2025-02-01", until="2025-03-01")
    ts = frame["ts"]
    assert g.events.num_rows == int(((ts >= "2025-02-01") & (ts < "2025-03-01")).sum())
    w = OrgGraph.from_events(ev).window("2025-02-01", "2025-03-01")
    assert w.adjacency.sum() == pytest.approx(g.adjacency.sum())


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_row_order(seed: int, rnd) -> None:  # type: ignore[no-untyped-def]
    frame = random_events(seed, 120)
    shuffled = frame.sample(frac=1.0, random_state=rnd.randint(0, 2**31)).reset_index(drop=True)
    a = analyze(events_from_frame(frame, source="t"))
    b = analyze(events_from_frame(shuffled, source="t"))
    assert (a.ties != b.ties).nnz == 0
    for col in ("person", "community"):
        assert a.people[col].tolist() == b.people[col].tolist()
    for col in ("pagerank", "betweenness", "in_strength"):
        assert np.allclose(a.people[col], b.people[col], atol=1e-12)
    pd.testing.assert_frame_equal(a.groups.table, b.groups.table)
    pd.testing.assert_frame_equal(a.connectors.table, b.connectors.table)


def test_forgotten_igraph_views_are_rebuilt_the_same() -> None:
    from orgnet.synthetic import toy_org

    org = toy_org()
    g = OrgGraph.from_events(org.events, directory=org.directory)
    before = g.igraph(directed=False)
    edges, weights = before.get_edgelist(), before.es["weight"]
    g.forget_igraph()
    after = g.igraph(directed=False)
    assert after is not before and after.get_edgelist() == edges and after.es["weight"] == weights


def test_external_and_non_human_people_make_no_node() -> None:
    ev = events_from_frame(pd.DataFrame({
        "kind": ["post", "post", "post", "reply"], "actor": ["a", "a", "list@x.org", "b"],
        "target": ["b", "out@y.com", "a", "list@x.org"], "external": [False, True, False, False]}))
    people = pd.DataFrame({"person": ["a", "b", "list@x.org", "out@y.com", "quiet"],
                           "external": [False, False, False, True, False],
                           "non_human": ["", "", "address pattern: mailing list", "", ""]})
    g = OrgGraph.from_events(ev, people=people)
    assert g.people["person"].tolist() == ["a", "b", "quiet"]
    # Their events stay (with node code -1 for them); they make no tie.
    assert g.events.num_rows == 4 and g.actor.tolist()[2] == -1 and g.target.tolist()[3] == -1
    assert g.n_ties == 1
    wide = OrgGraph.from_events(ev, people=people, include_external=True, include_non_human=True)
    assert wide.people["person"].tolist() == ["a", "b", "list@x.org", "out@y.com", "quiet"]
    assert wide.people.set_index("person").loc["out@y.com", "external"]  # still marked outside
    edges = pd.DataFrame({"actor": ["a", "a", "list@x.org"], "target": ["b", "out@y.com", "a"], "weight": 1.0})
    assert OrgGraph.from_edges(edges, events=ev, people=people).people["person"].tolist() == ["a", "b", "quiet"]


def test_a_directory_member_flagged_non_human_is_no_node() -> None:
    ev = events_from_frame(pd.DataFrame({"kind": ["post"], "actor": ["e1"], "target": ["e2"]}))
    roster = normalise_directory(pd.DataFrame({"person": ["e1", "e2", "all-staff"]}))
    people = pd.DataFrame({"person": ["e1", "e2", "all-staff"], "external": False,
                           "non_human": ["", "", "address pattern: distribution list"]})
    assert OrgGraph.from_events(ev, directory=roster, people=people).people["person"].tolist() == ["e1", "e2"]
