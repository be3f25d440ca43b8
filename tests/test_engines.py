"""Events-to-ties on each engine: Dask on a local cluster with several partitions equals the local engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from orgnet.cli import main
from orgnet.engines import EDGE_SCHEMA, aggregate_edges
from orgnet.events import events_from_frame
from orgnet.findings import AnalysisOptions, analyze
from orgnet.graph import OrgGraph

PEOPLE = [f"p{i:03d}" for i in range(60)]


def _events(seed: int = 0, n: int = 6000, weights: tuple[float, ...] = (1.0, 0.5, 0.25)) -> pa.Table:
    rng = np.random.default_rng(seed)
    kinds = rng.choice(["post", "reply", "reaction", "mention", "share"], n)
    target = rng.choice(PEOPLE, n).astype(object)
    target[kinds == "post"] = None
    return events_from_frame(pd.DataFrame({
        "ts": pd.Timestamp("2025-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 90 * 24, n), unit="h"),
        "kind": kinds,
        "actor": rng.choice(PEOPLE, n),
        "target": target,
        "weight": rng.choice(weights, n),
        "external": rng.random(n) < 0.05,
        "item": [f"m{i}" for i in range(n)],
    }), source="t")


@pytest.fixture(scope="module")
def events() -> pa.Table:
    return _events()


@pytest.fixture(scope="module")
def parts(events: pa.Table, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The events as a folder of 3 Parquet files with several row groups each (9 partitions)."""
    folder = tmp_path_factory.mktemp("events")
    for i, chunk in enumerate(np.array_split(np.arange(events.num_rows), 3)):
        pq.write_table(events.take(chunk), folder / f"part-{i}.parquet", row_group_size=700)
    return folder


def test_local_engine_matches_a_pandas_groupby(events: pa.Table) -> None:
    edges = aggregate_edges(events)
    assert edges.schema == EDGE_SCHEMA
    f = events.to_pandas()
    f = f[f["target"].notna() & (f["actor"] != f["target"]) & ~f["external"]]
    expected = f.groupby(["actor", "target"])["weight"].agg(["sum", "count"]).reset_index()
    assert edges.column("actor").to_pylist() == expected["actor"].tolist()
    assert edges.column("weight").to_pylist() == expected["sum"].tolist()
    assert edges.column("count").to_pylist() == expected["count"].tolist()


def test_local_engine_on_parquet_equals_on_table(events: pa.Table, parts: Path) -> None:
    assert aggregate_edges(parts).equals(aggregate_edges(events))
    kw = {"since": "2025-02-01", "until": "2025-03-01", "include_external": True}
    assert aggregate_edges(parts, **kw).equals(aggregate_edges(events, **kw))


def test_dask_on_a_local_cluster_equals_local(events: pa.Table, parts: Path) -> None:
    local = aggregate_edges(events, since="2025-01-15")
    assert aggregate_edges(parts, engine="dask", since="2025-01-15").equals(local)
    assert aggregate_edges(events, engine="dask", npartitions=7, since="2025-01-15").equals(local)


def test_from_edges_gives_the_graph_from_events(events: pa.Table) -> None:
    direct = OrgGraph.from_events(events)
    via = OrgGraph.from_edges(aggregate_edges(events, engine="dask", npartitions=5), events=events)
    for name in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(direct.adjacency, name), getattr(via.adjacency, name)), name
    pd.testing.assert_frame_equal(direct.people, via.people)
    assert np.array_equal(direct.actor, via.actor) and np.array_equal(direct.target, via.target)


def test_non_binary_weights_equal_up_to_rounding() -> None:
    ev = _events(seed=3, n=3000, weights=(1.0, 1 / 3, 0.1))
    local = aggregate_edges(ev)
    dask = aggregate_edges(ev, engine="dask", npartitions=6)
    assert local.select(["actor", "target", "count"]).equals(dask.select(["actor", "target", "count"]))
    np.testing.assert_allclose(dask.column("weight").to_numpy(), local.column("weight").to_numpy(), rtol=1e-14)


def test_from_edges_without_events() -> None:
    edges = pd.DataFrame({"actor": ["b", "c", "b"], "target": ["a", "a", "c"], "weight": [2.0, 1.0, 0.5]})
    g = OrgGraph.from_edges(edges, people=pd.DataFrame({"person": ["quiet"], "name": ["Q"]}))
    assert g.people["person"].tolist() == ["a", "b", "c", "quiet"]
    assert g.people["active"].tolist() == [False, True, True, False]


def test_analyze_with_dask_engine_equals_local(events: pa.Table, assert_same_findings) -> None:
    local = analyze(events)
    dask = analyze(events, options=AnalysisOptions(engine="dask"))
    assert_same_findings(local, dask)


def test_cli_engine_dask(parts: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    outs = {}
    for engine in ("local", "dask"):
        outs[engine] = tmp_path / engine
        res = runner.invoke(main, ["analyze", str(parts / "part-0.parquet"), "--engine", engine,
                                   "--out", str(outs[engine])])
        assert res.exit_code == 0, res.output
    assert (outs["local"] / "people.csv").read_text() == (outs["dask"] / "people.csv").read_text()


def test_unknown_engine(events: pa.Table) -> None:
    with pytest.raises(ValueError, match="unknown engine 'spark'"):
        aggregate_edges(events, engine="spark")
