"""GraphML and GEXF exports re-read with networkx: same people, same ties, same attributes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from orgnet.report.exports import export_columns, write_gexf, write_graphml


def _check_attributes(g: nx.DiGraph, findings, *, by: str) -> None:
    people = findings.people.set_index("person")
    for name, kind, values in export_columns(findings):
        values = pd.Series(values.to_numpy(), index=people.index)
        got = pd.Series({node: data.get(name) for node, data in g.nodes(data=True)})
        got = got.reindex(values.index)
        present = values.notna()
        if kind == "double":
            present &= np.isfinite(values.astype(float))
            np.testing.assert_allclose(got[present].astype(float), values[present].astype(float), rtol=1e-9,
                                       err_msg=f"{by}: {name}")
        elif kind == "boolean":
            assert (got[present].astype(bool) == values[present].astype(bool)).all(), f"{by}: {name}"
        elif kind == "long":
            assert (got[present].astype(np.int64) == values[present].astype(np.int64)).all(), f"{by}: {name}"
        else:
            assert (got[present].astype(str) == values[present].astype(str)).all(), f"{by}: {name}"
        assert got[~present].isna().all(), f"{by}: {name} missing values stay missing"


def test_graphml_rereads_with_the_same_people_ties_and_attributes(full_findings, tmp_path: Path, orgs) -> None:
    path = tmp_path / "graph.graphml"
    write_graphml(full_findings, path)
    g = nx.read_graphml(path)
    assert isinstance(g, nx.DiGraph)
    assert g.number_of_nodes() == full_findings.n
    assert g.number_of_edges() == full_findings.ties.nnz
    assert set(g.nodes) == set(full_findings.people["person"])
    a = full_findings.ties.tocoo()
    ids = full_findings.people["person"].to_numpy()
    for i, j, w in list(zip(a.row, a.col, a.data, strict=True))[:200]:
        assert g.edges[ids[i], ids[j]]["weight"] == pytest.approx(w)
    names = {c for c, _, _ in export_columns(full_findings)}
    # Every per-person measure is a node attribute, not only inside a reason.
    assert {"name", "department", "community", "pagerank", "betweenness", "roles", "pyramid_level", "constraint",
            "effective_size", "participation", "groups_reached", "brokerage", "liaison", "ambassador_score",
            "responders", "responder_groups", "weeks_active"} <= names
    _check_attributes(g, full_findings, by="graphml")
    assert orgs.XSS_NAME in {d["name"] for _, d in g.nodes(data=True)}


def test_gexf_rereads_with_the_same_people_ties_and_attributes(full_findings, tmp_path: Path, orgs) -> None:
    path = tmp_path / "graph.gexf"
    write_gexf(full_findings, path)
    g = nx.read_gexf(path)
    assert g.number_of_nodes() == full_findings.n
    assert g.number_of_edges() == full_findings.ties.nnz
    assert set(g.nodes) == set(full_findings.people["person"])
    assert orgs.XSS_NAME in {d["label"] for _, d in g.nodes(data=True)}
    _check_attributes(g, full_findings, by="gexf")


def test_exports_of_odd_values(full_findings, tmp_path: Path) -> None:
    f = full_findings
    people = f.people.copy()
    people.loc[1, "name"] = 'quote " amp & lt < ctrl \x01 end'
    people.loc[2, "department"] = pd.NA
    odd = dataclasses.replace(f, people=people)
    write_graphml(odd, tmp_path / "g.graphml")
    g = nx.read_graphml(tmp_path / "g.graphml")
    assert g.nodes[people.loc[1, "person"]]["name"] == 'quote " amp & lt < ctrl  end'
    assert "department" not in g.nodes[people.loc[2, "person"]]
    write_gexf(odd, tmp_path / "g.gexf")
    assert nx.read_gexf(tmp_path / "g.gexf").number_of_nodes() == f.n
