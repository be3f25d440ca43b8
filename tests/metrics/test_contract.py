"""The contract every metric keeps, checked over all of them at once (as scikit-network's ``test_API.py``).

On toy graphs (empty, one person, isolated people, a star, a clique, a small directed weighted
graph, a disconnected graph) every array metric gives one value per person (or per group) of
the documented dtype, finite wherever the measure is defined; relabelling the people permutes
the outputs the same way; the measures networkx also has agree with it; and every function
that takes ties or group codes refuses bad input the same way: a ``ValueError`` whose message
starts with the function's name and names the argument.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import connected_components

from orgnet.metrics import brokerage, centrality, communities, engagement, formal, groups, silos
from orgnet.metrics.ambassadors import AMBASSADOR_COMPONENTS, ambassador_components

# ---------------------------------------------------------------- toy graphs


def _ties(n: int, edges: list[tuple[int, int, float]]) -> sp.csr_array:
    rows, cols, weights = zip(*edges, strict=True) if edges else ((), (), ())
    return sp.csr_array((np.asarray(weights, dtype=float), (np.asarray(rows, dtype=np.int64),
                                                              np.asarray(cols, dtype=np.int64))), shape=(n, n))


def _clique(n: int) -> list[tuple[int, int, float]]:
    return [(i, j, 1.0) for i in range(n) for j in range(n) if i != j]


#: name -> (ties, group code per person). Group codes include -1 (no group) where there are people.
TOYS: dict[str, tuple[sp.csr_array, np.ndarray]] = {
    "empty": (_ties(0, []), np.zeros(0, dtype=np.int64)),
    "single": (_ties(1, []), np.array([0])),
    "isolated": (_ties(4, []), np.array([0, 0, 1, -1])),
    "star": (_ties(5, [(0, j, 1.0) for j in range(1, 5)] + [(j, 0, 2.0) for j in (1, 3)]), np.array([0, 0, 1, 1, 2])),
    "clique": (_ties(5, _clique(5)), np.array([0, 0, 0, 1, 1])),
    "directed_weighted": (
        _ties(6, [(0, 1, 3.0), (1, 2, 0.5), (2, 0, 1.5), (2, 3, 2.0), (3, 4, 1.0), (4, 3, 4.0), (4, 5, 0.25),
                  (5, 1, 1.0), (1, 3, 2.5)]),
        np.array([0, 0, 1, 1, 2, -1]),
    ),
    "disconnected": (
        _ties(7, [(i, j, 1.0) for i, j in [(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3), (1, 0), (4, 3)]]),
        np.array([0, 0, 0, 1, 1, 1, -1]),
    ),
}


# ---------------------------------------------------------------- the metrics


def _events(a: sp.csr_array) -> pd.DataFrame:
    """Events behind the ties, for the event-based metrics: each person with ties posts once and
    everyone they are tied to replies (reply time = tie weight in hours, so times follow the ties,
    not the numbering)."""
    coo = a.tocoo()
    starters = np.unique(coo.row)
    start = pd.Timestamp("2025-01-06", tz="UTC")
    return pd.DataFrame({
        "kind": pd.Categorical(["post"] * len(starters) + ["reply"] * coo.nnz,
                               categories=list(engagement.LEVEL_OF_KIND)),
        "actor": np.concatenate([starters, coo.col]).astype(np.int64),
        "target": np.concatenate([np.full(len(starters), -1), coo.row]).astype(np.int64),
        "thread": np.concatenate([starters, coo.row]).astype(np.int64),
        "ts": pd.DatetimeIndex([start] * len(starters)).append(start + pd.to_timedelta(coo.data, unit="h")),
    })


def _levels(a: sp.csr_array) -> np.ndarray:
    events = _events(a)
    return np.asarray(engagement.engagement_levels(events["kind"], events["actor"].to_numpy(), a.shape[0]).codes)


def _ambassadors(a: sp.csr_array, g: np.ndarray) -> pd.DataFrame:
    c = ambassador_components(_events(a), g)
    names = (*AMBASSADOR_COMPONENTS, "responses_given", "shares_of_others")
    return pd.DataFrame({name: getattr(c, name) for name in names})


def _carriers(a: sp.csr_array, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # Per group: how many carry its outside ties, and the share they carry.
    indptr, _, carried = silos.outside_carriers(a, g)
    return np.diff(indptr), carried


@dataclass(frozen=True)
class Metric:
    """One array metric as the contract sees it."""

    run: Callable[[sp.csr_array, np.ndarray], Any]
    #: "person": outputs have one row per person; "group": one per group code.
    per: str = "person"
    #: dtype kinds the outputs may have ("f": float64, "i": integers).
    kind: str = "f"
    #: Where NaN is allowed: "no tie" (people without a tie), "no group tie" (groups without), "no outside
    #: tie" (groups with no tie outside), or nowhere.
    undefined: str | None = None
    #: Outputs (columns) that must follow a relabelling; None: all of them.
    relabelled: tuple[str, ...] | None = None
    #: Outputs left out of the finiteness and dtype checks (e.g. z-scores that may be infinite).
    unchecked: tuple[str, ...] = field(default=())


METRICS: dict[str, Metric] = {
    "pagerank": Metric(lambda a, g: centrality.pagerank(a)),
    "pagerank_unweighted": Metric(lambda a, g: centrality.pagerank(a, weighted=False)),
    "strengths": Metric(lambda a, g: centrality.strengths(a)),
    "degrees": Metric(lambda a, g: centrality.degrees(a), kind="i"),
    "distinct_partners": Metric(lambda a, g: centrality.distinct_partners(a), kind="i"),
    "betweenness": Metric(lambda a, g: centrality.betweenness(a).values),
    "betweenness_undirected_weighted": Metric(lambda a, g: centrality.betweenness(a, directed=False,
                                                                                   weighted=True).values),
    "burt_constraint": Metric(lambda a, g: brokerage.burt_constraint(a), undefined="no tie"),
    "effective_size": Metric(lambda a, g: brokerage.effective_size(a), undefined="no tie"),
    "structural_holes": Metric(lambda a, g: tuple(brokerage.structural_holes(a)), undefined="no tie"),
    "participation_coefficient": Metric(lambda a, g: brokerage.participation_coefficient(a, g)),
    "groups_reached": Metric(lambda a, g: brokerage.groups_reached(a, g), kind="i"),
    "group_spread": Metric(lambda a, g: brokerage.group_spread(a, g)),
    "gould_fernandez": Metric(lambda a, g: brokerage.gould_fernandez(a, g), kind="i"),
    "external_ties": Metric(lambda a, g: silos.external_ties(a, g)),
    "engagement_levels": Metric(lambda a, g: _levels(a), kind="i"),
    "ambassador_components": Metric(_ambassadors, kind="i"),
    "leiden": Metric(lambda a, g: communities.leiden(a, seed=1), kind="i", relabelled=()),
    "group_ties": Metric(lambda a, g: groups.group_ties(a, g), per="group"),
    "group_matrix": Metric(lambda a, g: groups.group_matrix(a, g), per="group"),
    "ei_index": Metric(lambda a, g: groups.ei_index(*groups.group_ties(a, g)), per="group", undefined="no group tie"),
    # Shuffles are drawn over the people in node order: only the observed E-I follows a relabelling.
    "ei_permutation_baseline": Metric(lambda a, g: silos.ei_permutation_baseline(a, g, n_permutations=20, seed=1),
                                      per="group", undefined="no group tie", relabelled=("ei",),
                                      unchecked=("ei_z", "ei_expected", "ei_sd", "ei_percentile")),
    "outside_carriers": Metric(_carriers, per="group", kind="fi", undefined="no outside tie", relabelled=("0",)),
}


def _outputs(result: Any) -> dict[str, np.ndarray]:
    """Every output of a metric as named arrays (a tuple's parts, a frame's columns, an array)."""
    if isinstance(result, pd.DataFrame):
        return {str(c): result[c].to_numpy() for c in result.columns}
    if isinstance(result, tuple):
        return {str(i): np.asarray(part) for i, part in enumerate(result)}
    return {"": np.asarray(result)}


def _rows(metric: Metric, a: sp.csr_array, g: np.ndarray) -> int:
    if metric.per == "person":
        return a.shape[0]
    return int(g.max()) + 1 if len(g) and g.max() >= 0 else 0


def _allowed_nan(metric: Metric, a: sp.csr_array, g: np.ndarray) -> np.ndarray:
    rows = _rows(metric, a, g)
    if metric.undefined == "no tie":
        return centrality.distinct_partners(a) == 0
    if metric.undefined == "no group tie":
        internal, external = groups.group_ties(a, g)
        return (internal + external) == 0
    if metric.undefined == "no outside tie":
        _, external = groups.group_ties(a, g)
        return external == 0
    return np.zeros(rows, dtype=bool)


# ---------------------------------------------------------------- shape, dtype, finiteness


@pytest.mark.parametrize("toy", TOYS)
@pytest.mark.parametrize("name", METRICS)
def test_outputs_are_aligned_typed_and_finite(name: str, toy: str) -> None:
    metric = METRICS[name]
    a, g = TOYS[toy]
    rows = _rows(metric, a, g)
    nan_ok = _allowed_nan(metric, a, g)
    outputs = _outputs(metric.run(a, g))
    assert outputs
    for key, values in outputs.items():
        assert values.shape[0] == rows, f"{name}[{key}] on {toy}: {values.shape} for {rows} rows"
        if metric.per == "group" and values.ndim == 2:
            assert values.shape == (rows, rows)
        if key in metric.unchecked:
            continue
        assert values.dtype.kind in metric.kind, f"{name}[{key}] on {toy}: dtype {values.dtype}"
        if values.dtype.kind == "f":
            assert values.dtype == np.float64
            finite = np.isfinite(values) if values.ndim == 1 else np.isfinite(values).all(axis=1)
            assert (finite | nan_ok).all(), f"{name}[{key}] on {toy}: not finite where defined: {values}"
            # Where the measure is defined it is a number; where it is not, NaN (never a made-up 0).
            if metric.undefined:
                assert np.isnan(values[nan_ok]).all()


def test_leiden_gives_dense_labels_largest_first_and_never_joins_two_components() -> None:
    for toy, (a, _) in TOYS.items():
        labels = communities.leiden(a, seed=1)
        if not len(labels):
            continue
        sizes = np.bincount(labels)
        assert (sizes > 0).all() and (np.diff(sizes) <= 0).all(), toy
        _, component = connected_components(a, directed=True, connection="weak")
        # Leiden's communities are connected: each lies within one component.
        assert len(np.unique(labels * (component.max() + 1) + component)) == len(sizes), toy
        assert np.array_equal(labels, communities.leiden(a, seed=1)), toy


# ---------------------------------------------------------------- relabelling


@st.composite
def people_relabelled(draw: st.DrawFn) -> tuple[sp.csr_array, np.ndarray, np.ndarray]:
    """A toy graph or a random weighted digraph (with group codes), and a permutation of its people."""
    if draw(st.booleans()):
        a, g = TOYS[draw(st.sampled_from(sorted(TOYS)))]
    else:
        n = draw(st.integers(2, 9))
        rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
        dense = (rng.random((n, n)) < draw(st.floats(0.1, 0.7))) * rng.integers(1, 5, (n, n)).astype(float)
        np.fill_diagonal(dense, 0)
        a, g = sp.csr_array(dense), rng.integers(-1, 3, n)
    perm = np.asarray(draw(st.permutations(range(a.shape[0]))), dtype=np.int64)
    return a, g, perm


@pytest.mark.parametrize("name", [m for m in METRICS if METRICS[m].relabelled != ()])
@settings(max_examples=25, deadline=None)
@given(case=people_relabelled())
def test_relabelling_people_permutes_the_outputs(name: str, case: tuple[sp.csr_array, np.ndarray, np.ndarray]) -> None:
    # New person i is old person perm[i]: person outputs move with them, group outputs stay.
    metric = METRICS[name]
    a, g, perm = case
    moved = sp.csr_array(a.toarray()[np.ix_(perm, perm)])
    before, after = _outputs(metric.run(a, g)), _outputs(metric.run(moved, g[perm]))
    keys = metric.relabelled if metric.relabelled is not None else tuple(before)
    for key in keys:
        expected = before[key][perm] if metric.per == "person" else before[key]
        if expected.dtype.kind == "f":
            np.testing.assert_allclose(after[key], expected, rtol=1e-10, atol=1e-12, equal_nan=True, err_msg=key)
        else:
            np.testing.assert_array_equal(after[key], expected, err_msg=key)


# ---------------------------------------------------------------- agreement with networkx


def _values(d: dict, n: int) -> np.ndarray:
    return np.array([d[v] for v in range(n)], dtype=float)


def _nx_betweenness_undirected_weighted(a: sp.csr_array) -> dict:
    sym = sp.csr_array(a + a.T)
    g = nx.Graph()
    g.add_nodes_from(range(a.shape[0]))
    coo = sp.triu(sym, k=1).tocoo()
    g.add_weighted_edges_from((i, j, 1.0 / w) for i, j, w in zip(coo.row.tolist(), coo.col.tolist(),
                                                                   coo.data.tolist(), strict=True))
    return nx.betweenness_centrality(g, weight="weight", normalized=True)


#: name -> (ours, networkx's), each from the ties to one array per person.
NETWORKX: dict[str, tuple[Callable[[sp.csr_array], np.ndarray], Callable[[sp.csr_array, Any], np.ndarray]]] = {
    "pagerank": (centrality.pagerank,
                 lambda a, ref: _values(nx.pagerank(ref.digraph(a), weight="weight", tol=1e-14, max_iter=10_000),
                                        a.shape[0])),
    "pagerank_unweighted": (lambda a: centrality.pagerank(a, weighted=False),
                            lambda a, ref: _values(nx.pagerank(ref.digraph(a), weight=None, tol=1e-14,
                                                               max_iter=10_000), a.shape[0])),
    "in_strength": (lambda a: centrality.strengths(a)[0],
                    lambda a, ref: _values(dict(ref.digraph(a).in_degree(weight="weight")), a.shape[0])),
    "out_strength": (lambda a: centrality.strengths(a)[1],
                     lambda a, ref: _values(dict(ref.digraph(a).out_degree(weight="weight")), a.shape[0])),
    "in_degree": (lambda a: centrality.degrees(a)[0],
                  lambda a, ref: _values(dict(ref.digraph(a).in_degree()), a.shape[0])),
    "out_degree": (lambda a: centrality.degrees(a)[1],
                   lambda a, ref: _values(dict(ref.digraph(a).out_degree()), a.shape[0])),
    "distinct_partners": (centrality.distinct_partners,
                          lambda a, ref: _values(dict(ref.digraph(a).to_undirected().degree()), a.shape[0])),
    "betweenness": (lambda a: centrality.betweenness(a).values,
                    lambda a, ref: _values(nx.betweenness_centrality(ref.digraph(a), normalized=True), a.shape[0])),
    "betweenness_weighted": (lambda a: centrality.betweenness(a, weighted=True).values,
                             lambda a, ref: _values(nx.betweenness_centrality(ref.digraph(a), weight="distance",
                                                                              normalized=True), a.shape[0])),
    "betweenness_undirected_weighted": (lambda a: centrality.betweenness(a, directed=False, weighted=True).values,
                                        lambda a, ref: _values(_nx_betweenness_undirected_weighted(a), a.shape[0])),
    "burt_constraint": (brokerage.burt_constraint, lambda a, ref: ref.per_person(a, nx.constraint)),
    "effective_size": (brokerage.effective_size, lambda a, ref: ref.per_person(a, nx.effective_size)),
}


@dataclass(frozen=True)
class _Reference:
    digraph: Callable[[sp.sparray], nx.DiGraph]
    per_person: Callable[..., np.ndarray]


@pytest.mark.parametrize("toy", TOYS)
@pytest.mark.parametrize("name", NETWORKX)
def test_agrees_with_networkx(name: str, toy: str, nx_digraph, nx_per_person) -> None:
    a, _ = TOYS[toy]
    ours, theirs = NETWORKX[name]
    expected = theirs(a, _Reference(nx_digraph, nx_per_person))
    np.testing.assert_allclose(np.asarray(ours(a), dtype=float), expected, rtol=1e-7, atol=1e-10, equal_nan=True)


# ---------------------------------------------------------------- bad input


def _bt(a: Any) -> np.ndarray:
    return np.zeros(np.shape(a)[0])


#: Every function that takes ties, called as ``f(adjacency, groups)``; the name its errors start with.
TAKES_TIES: dict[str, Callable[[Any, Any], Any]] = {
    "pagerank": lambda a, g: centrality.pagerank(a),
    "strengths": lambda a, g: centrality.strengths(a),
    "degrees": lambda a, g: centrality.degrees(a),
    "distinct_partners": lambda a, g: centrality.distinct_partners(a),
    "undirected_ties": lambda a, g: centrality.undirected_ties(a),
    "betweenness": lambda a, g: centrality.betweenness(a),
    "betweenness_work": lambda a, g: centrality.betweenness_work(a),
    "burt_constraint": lambda a, g: brokerage.burt_constraint(a),
    "effective_size": lambda a, g: brokerage.effective_size(a),
    "structural_holes": lambda a, g: brokerage.structural_holes(a),
    "group_strength": lambda a, g: brokerage.group_strength(a, g),
    "participation_coefficient": lambda a, g: brokerage.participation_coefficient(a, g),
    "groups_reached": lambda a, g: brokerage.groups_reached(a, g),
    "group_spread": lambda a, g: brokerage.group_spread(a, g),
    "gould_fernandez": lambda a, g: brokerage.gould_fernandez(a, g),
    "group_ties": lambda a, g: groups.group_ties(a, g),
    "group_matrix": lambda a, g: groups.group_matrix(a, g),
    "leiden": lambda a, g: communities.leiden(a),
    "external_ties": lambda a, g: silos.external_ties(a, g),
    "ei_permutation_baseline": lambda a, g: silos.ei_permutation_baseline(a, g, n_permutations=3),
    "outside_carriers": lambda a, g: silos.outside_carriers(a, g),
    "reporting_line_agreement": lambda a, g: formal.reporting_line_agreement(a, np.full(np.shape(a)[0], -1)),
}

#: Those that also take group codes per person.
TAKES_GROUPS = [
    "group_strength", "participation_coefficient", "groups_reached", "group_spread", "gould_fernandez",
    "group_ties", "group_matrix", "external_ties", "ei_permutation_baseline", "outside_carriers",
]


def _with(value: float) -> sp.csr_array:
    dense = np.array([[0, 1.0, 2.0], [1.0, 0, 0], [0, 3.0, 0]])
    dense[2, 0] = value
    return sp.csr_array(dense)


BAD_TIES: dict[str, tuple[Any, str]] = {
    "negative weight": (_with(-1.0), "has 1 negative tie weight"),
    "NaN weight": (_with(np.nan), "has 1 NaN or infinite tie weight"),
    "infinite weight": (_with(np.inf), "has 1 NaN or infinite tie weight"),
    "dense negative weight": (_with(-2.0).toarray(), "has 1 negative tie weight"),
    "not square": (sp.csr_array(np.ones((3, 4))), r"must be a square 2-D matrix; got shape \(3, 4\)"),
    "complex weights": (sp.csr_array(np.ones((3, 3), dtype=complex)), "must hold real tie weights"),
}


@pytest.mark.parametrize("bad", BAD_TIES)
@pytest.mark.parametrize("name", TAKES_TIES)
def test_bad_ties_are_refused_the_same_way(name: str, bad: str) -> None:
    adjacency, message = BAD_TIES[bad]
    with pytest.raises(ValueError, match=rf"^{name}: adjacency {message}"):
        TAKES_TIES[name](adjacency, np.array([0, 0, 1]))


@pytest.mark.parametrize("name", TAKES_TIES)
def test_what_is_not_a_matrix_is_a_type_error(name: str) -> None:
    with pytest.raises(TypeError, match=rf"^{name}: adjacency must be a scipy.sparse matrix or a numpy array"):
        TAKES_TIES[name]([[0, 1], [1, 0]], np.array([0, 1]))


BAD_GROUPS: dict[str, tuple[np.ndarray, str]] = {
    "too short": (np.array([0, 1]), r"must have one code per person \(3\); got shape \(2,\)"),
    "too long": (np.array([0, 1, 1, 0]), r"must have one code per person \(3\); got shape \(4,\)"),
    "not integers": (np.array([0.0, 1.0, 1.0]), "must be integer codes"),
    "below -1": (np.array([0, -2, 1]), "has 1 code below -1"),
}


@pytest.mark.parametrize("bad", BAD_GROUPS)
@pytest.mark.parametrize("name", TAKES_GROUPS)
def test_bad_group_codes_are_refused_the_same_way(name: str, bad: str) -> None:
    codes, message = BAD_GROUPS[bad]
    with pytest.raises(ValueError, match=rf"^{name}: (groups|codes) {message}"):
        TAKES_TIES[name](_with(1.0), codes)


#: Functions of group codes or values alone: (call with one bad argument, the name in the message).
BAD_LABELS: dict[str, tuple[Callable[[], Any], str]] = {
    "contingency_table": (lambda: formal.contingency_table(np.array([0, 1, 1]), np.array([0, 1])), "labels_b"),
    "normalized_mutual_info": (lambda: formal.normalized_mutual_info(np.array([0, -3]), np.array([0, 1])), "labels_a"),
    "adjusted_rand_index": (lambda: formal.adjusted_rand_index(np.array([0.5, 1]), np.array([0, 1])), "labels_a"),
    "membership_spread": (lambda: formal.membership_spread(np.array([0, 1]), np.array([0, 1, 2])), "inner"),
    "direct_reports": (lambda: formal.direct_reports(np.array([-1, 5])), "manager"),
    "engagement_levels": (lambda: engagement.engagement_levels(["post", "reply"], np.array([0]), 2), "actor"),
    "pyramid_counts": (lambda: engagement.pyramid_counts(engagement.engagement_levels(["post"], np.array([0]), 2),
                                                         np.array([0, 0, 1])), "groups"),
    "ambassador_components": (lambda: ambassador_components(_events(_with(1.0)), np.array([0.5, 1.0, 0.0])),
                              "groups"),
    "ei_index": (lambda: groups.ei_index(np.array([1.0, 2.0]), np.array([1.0])), "external"),
    "below_share_test": (lambda: silos.below_share_test(np.array([1.0]), np.array([np.inf]), 0.3), "total"),
}


@pytest.mark.parametrize("name", BAD_LABELS)
def test_bad_codes_and_values_are_refused_the_same_way(name: str) -> None:
    call, argument = BAD_LABELS[name]
    with pytest.raises(ValueError, match=rf"^{name}: {argument} "):
        call()


def test_the_caller_matrix_is_never_modified() -> None:
    # Duplicates, a stored zero and a self-tie: the checks canonicalise a copy, not the caller's matrix.
    a = sp.csr_array((np.array([1.0, 2.0, 0.0, 5.0, 1.0]), np.array([1, 1, 2, 0, 2]), np.array([0, 3, 4, 5])),
                     shape=(3, 3))
    data, indices = a.data.copy(), a.indices.copy()
    for name, call in TAKES_TIES.items():
        call(a, np.array([0, 0, 1]))
        assert np.array_equal(a.data, data) and np.array_equal(a.indices, indices), name


