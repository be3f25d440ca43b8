"""Measures and rules on real organisations (read in place from the shared data folder)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from orgnet.events import events_from_frame
from orgnet.findings.formal import counted_parts, managers_and_leaders
from orgnet.findings.rules import FormalRules
from orgnet.findings.silos import silo_table
from orgnet.graph import OrgGraph
from orgnet.metrics.centrality import pagerank
from orgnet.metrics.communities import choose_resolution, leiden
from orgnet.metrics.formal import adjusted_rand_index, normalized_mutual_info, reporting_line_agreement

pytestmark = pytest.mark.realdata


def _graph(edges: pd.DataFrame, directory: pd.DataFrame, kind: str = "mention") -> OrgGraph:
    frame = pd.DataFrame({"kind": kind, "actor": edges["source"].astype(str), "target": edges["target"].astype(str)})
    if "weight" in edges:
        frame["weight"] = edges["weight"].to_numpy()
    return OrgGraph.from_events(events_from_frame(frame, source="csv"), directory=directory)


def test_coleman_towns_are_each_a_silo(shared_dataset):
    root: Path = shared_dataset("coleman_physicians")
    nodes = pd.read_csv(root / "nodes.csv")
    edges = pd.read_csv(root / "edges.csv")
    directory = pd.DataFrame({"person": nodes["id"].astype(str), "department": "town " + nodes["city"].astype(str)})
    g = _graph(edges, directory)
    codes, labels = g.group_codes("department")
    report = silo_table(g.adjacency, codes, kind="department", n_groups=len(labels))
    assert len(report) == 4
    assert report["is_silo"].all(), report.to_string()
    assert (report["external"] == 0).all() and (report["external_share"] == 0).all()
    assert (report["rule"] == "island").all()


def test_enron_legal_more_inward_than_trading(shared_dataset):
    root: Path = shared_dataset("enron_perry_wolfe")
    actors = pd.read_csv(root / "actors.csv")
    rec = pd.read_csv(root / "message_recipients.csv")
    # An e-mail to n people gives each recipient 1/n (the Event contract's default).
    n_rec = rec.groupby("message_id")["recipient_id"].transform("size")
    edges = pd.DataFrame({"source": rec["sender_id"], "target": rec["recipient_id"], "weight": 1.0 / n_rec})
    directory = pd.DataFrame({"person": actors["id"].astype(str), "department": actors["department"]})
    g = _graph(edges, directory, kind="post")
    codes, labels = g.group_codes("department")
    report = silo_table(g.adjacency, codes, kind="department", n_groups=len(labels))
    report.index = np.asarray(labels, dtype=str)[report["code"]]
    assert report.loc["Legal", "ei"] < report.loc["Trading", "ei"]
    # Below the organisation's typical outside share beyond chance (the share rule's test).
    assert report.loc["Legal", "share_test_z"] < 0


def test_email_eu_core_communities_match_departments(shared_dataset):
    root: Path = shared_dataset("email-Eu-core")
    edges = pd.read_csv(root / "email-Eu-core.txt", sep=" ", names=["source", "target"])
    edges = edges[edges["source"] != edges["target"]]
    labels = pd.read_csv(root / "email-Eu-core-department-labels.txt", sep=" ", names=["person", "department"])
    directory = pd.DataFrame({"person": labels["person"].astype(str), "department": labels["department"].astype(str)})
    g = _graph(edges, directory)
    codes, _ = g.group_codes("department")
    # At the defaults (the command line's): the resolution is chosen from the data (Newman 2016),
    # the same run compared with networkx Louvain; the partition holds across seeds.
    import networkx as nx

    connected = np.diff((g.adjacency + g.adjacency.T).tocsr().indptr) > 0
    und = nx.from_scipy_sparse_array((g.adjacency + g.adjacency.T).tocsr())
    for seed in (0, 1, 2):
        comm = np.where(connected, choose_resolution(g.adjacency, seed=seed).labels, -1)
        nmi = normalized_mutual_info(codes, comm)
        louvain = np.full(g.n, -1)
        for i, members in enumerate(nx.community.louvain_communities(und, weight="weight", seed=seed)):
            louvain[list(members)] = i
        baseline = normalized_mutual_info(codes, np.where(connected, louvain, -1))
        assert nmi >= 0.60 and nmi >= baseline, f"NMI {nmi:.3f} (Louvain {baseline:.3f}) with seed {seed}"
    assert adjusted_rand_index(codes, comm) > 0.2
    splits = counted_parts(codes, comm, FormalRules())
    # Most departments are held mostly by one community; a few split.
    assert len(splits) == 42 and splits["largest_share"].median() > 0.5
    assert 0 < (splits["n_parts"] >= 2).sum() < 21


def test_krackhardt_reporting_line_differs_from_advice(shared_dataset):
    root: Path = shared_dataset("krackhardt_hightech")
    nodes = pd.read_csv(root / "nodes.csv")
    advice = pd.read_csv(root / "advice_edges.csv")
    reports = pd.read_csv(root / "reports_to_edges.csv")
    boss = dict(zip(reports["source"].astype(str), reports["target"].astype(str), strict=True))
    directory = pd.DataFrame(
        {
            "person": nodes["id"].astype(str),
            "department": "dept " + nodes["dept"].astype(str),
            "manager": nodes["id"].astype(str).map(boss),
        }
    )
    g = _graph(advice, directory)
    manager = g.index_of(g.people["manager"].fillna("").to_numpy())
    agreement = reporting_line_agreement(g.adjacency, manager)
    assert agreement["reporting_ties"] == 20
    # Most go to their manager for advice, but the advice network is not the org chart.
    assert 0.5 < agreement["share_go_to_manager"] < 1.0
    assert agreement["share_manager_top_contact"] < 1.0
    # Nearly everyone seeks advice from their manager, but the reporting line is a small part
    # of the advice network: most advice ties run outside it.
    a = g.adjacency.toarray() > 0
    has_boss = manager >= 0
    on_line = a[np.flatnonzero(has_boss), manager[has_boss]].sum() + a[manager[has_boss], np.flatnonzero(has_boss)].sum()
    assert on_line / a.sum() < 0.25
    pr = pagerank(g.adjacency)
    table = managers_and_leaders(pr, manager, FormalRules())
    table["person"] = g.people["person"].to_numpy(dtype=str)[table["code"]]
    managers = table[table["is_manager"]]
    # Span of control does not make informal standing: the manager with the most reports
    # (VP 14, 7 reports) is outside the top fifth for advice.
    widest = managers.sort_values("direct_reports", ascending=False).iloc[0]
    assert widest["person"] == "14" and widest["percentile"] < 0.8
    # A manager of nobody is sought for advice as much as some VP.
    non_managers = ~np.isin(np.arange(g.n), managers["code"])
    assert pr[non_managers].max() >= managers["centrality"].min()
    # Informal communities do not reproduce the departments.
    communities = leiden(g.adjacency, seed=0)
    codes, _ = g.group_codes("department")
    assert normalized_mutual_info(codes, communities) < 0.9
