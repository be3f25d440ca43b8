"""Roles on hand-built graphs: who is flagged, and every flag carries numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from orgnet.metrics.centrality import betweenness
from orgnet.metrics.roles import (
    ROLE_COLUMNS,
    boundary_spanners,
    central_connectors,
    information_brokers,
    newcomers,
    peripheral_people,
)


def _caveman(k: int = 5, size: int = 8, seed: int = 0):
    """k dense teams; person 0 has strong ties into every team; a few random cross ties."""
    rng = np.random.default_rng(seed)
    n = k * size
    groups = np.repeat(np.arange(k), size)
    dense = (rng.random((n, n)) < 0.6) * (groups[:, None] == groups[None, :]).astype(float)
    for g in range(1, k):
        dense[0, g * size + 1] = dense[g * size + 1, 0] = 3.0
    np.fill_diagonal(dense, 0)
    return sp.csr_array(dense), groups


def test_every_role_table_has_the_columns_and_numeric_reasons():
    a, groups = _caveman()
    ids = [f"p{i}" for i in range(a.shape[0])]
    bt = betweenness(a).values
    tables = [
        central_connectors(a, groups, ids=ids),
        boundary_spanners(a, groups, ids=ids),
        information_brokers(a, groups, bt, ids=ids),
        peripheral_people(a, ids=ids),
    ]
    for table in tables:
        assert list(table.columns[: len(ROLE_COLUMNS)]) == list(ROLE_COLUMNS)
        assert table["reason"].str.len().gt(0).all()
        assert table["reason"].str.contains(r"\d").all()


def test_the_bridge_is_a_broker_and_spanner():
    a, groups = _caveman()
    ids = np.array([f"p{i}" for i in range(a.shape[0])])
    bt = betweenness(a).values
    brokers = information_brokers(a, groups, bt, ids=ids)
    assert brokers.loc[0, "person"] == "p0"
    assert "p0" in set(boundary_spanners(a, groups, ids=ids)["person"])
    excluded = information_brokers(a, groups, bt, ids=ids, exclude=np.arange(a.shape[0]) == 0)
    assert "p0" not in set(excluded["person"])


def test_central_connector_within_department():
    # Department 1 (people 10-19) all go to person 10; overall someone else is bigger.
    n = 40
    rows = list(range(11, 20)) + list(range(21, 40))
    cols = [10] * 9 + [20] * 19
    a = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    groups = np.repeat([0, 1, 2, 3], 10)
    out = central_connectors(a, groups, top_share=0.02)
    assert set(out["code"]) == {10, 20}
    assert "robust z-scores" in out.set_index("code").loc[10, "reason"]


def test_peripheral_and_newcomers():
    n = 12
    rows, cols = np.nonzero(np.triu(np.ones((8, 8)), 1))
    a = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    a = sp.csr_array(a + sp.csr_array(([1.0], ([8], [0])), shape=(n, n)))
    out = peripheral_people(a)
    assert set(out["code"]) == {8, 9, 10, 11}
    end = pd.Timestamp("2025-06-30", tz="UTC")
    hired = pd.Series(pd.to_datetime(["2019-01-01"] * n, utc=True))
    hired[8] = pd.Timestamp("2025-06-01", tz="UTC")
    first = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns, UTC]")
    first[9] = pd.Timestamp("2025-06-20", tz="UTC")
    hired[9] = pd.NaT
    new = newcomers(a, hire_date=hired, first_activity=first, end=end)
    assert set(new["code"]) == {8, 9}
    assert new.set_index("code").loc[8, "reason"].startswith("hired 29 days before the end of the data; 1 contact")
    assert new.set_index("code").loc[9, "reason"].startswith("first active 10 days")


def test_relabelling_people_permutes_flags():
    a, groups = _caveman(seed=2)
    n = a.shape[0]
    ids = np.array([f"p{i}" for i in range(n)])
    perm = np.random.default_rng(1).permutation(n)
    b = sp.csr_array(a.toarray()[np.ix_(perm, perm)])
    for fn in (boundary_spanners,):
        one = set(fn(a, groups, ids=ids)["person"])
        two = set(fn(b, groups[perm], ids=ids[perm])["person"])
        assert one == two
    one = set(central_connectors(a, groups, ids=ids)["person"])
    two = set(central_connectors(b, groups[perm], ids=ids[perm])["person"])
    assert one == two


def test_group_spread_matches_a_loop():
    from orgnet.metrics.brokerage import group_spread

    rng = np.random.default_rng(5)
    n = 25
    dense = (rng.random((n, n)) < 0.2) * rng.integers(1, 5, size=(n, n)).astype(float)
    np.fill_diagonal(dense, 0)
    groups = rng.integers(-1, 4, size=n)
    share, others = group_spread(sp.csr_array(dense), groups)
    sym = dense + dense.T
    for i in range(n):
        weight = {}
        for j in range(n):
            if sym[i, j] and groups[j] >= 0:
                weight[groups[j]] = weight.get(groups[j], 0.0) + sym[i, j]
        total = sum(weight.values())
        out = {g: w for g, w in weight.items() if g != groups[i]}
        e = sum(out.values())
        assert share[i] == pytest.approx(e / total if total else 0.0)
        assert others[i] == pytest.approx(e**2 / sum(w * w for w in out.values()) if out else 0.0)


def _hub(n_other_groups: int, own_ties: int):
    """Person 0 in group 0 with ``own_ties`` colleagues, tied to one person in each of
    ``n_other_groups`` dense groups of 6 (weight 2 each way); teams otherwise closed."""
    size = 6
    k = n_other_groups + 1
    groups = np.repeat(np.arange(k), size)
    dense = (groups[:, None] == groups[None, :]).astype(float)
    dense[0, 1:] = dense[1:, 0] = 0
    dense[0, 1 : 1 + own_ties] = dense[1 : 1 + own_ties, 0] = 1
    for g in range(1, k):
        dense[0, g * size] = dense[g * size, 0] = 2
    np.fill_diagonal(dense, 0)
    return sp.csr_array(dense), groups


def test_broker_needs_several_other_groups_and_most_weight_outside():
    # A liaison between three other groups is a broker; a spanner into one other group is not.
    a, groups = _hub(3, own_ties=2)
    bt = betweenness(a).values
    out = information_brokers(a, groups, bt, betweenness_share=0.1)
    assert out["code"].tolist() == [0]
    assert out.loc[0, "outside_share"] == pytest.approx(12 / 16)
    assert out.loc[0, "other_groups"] == pytest.approx(3.0)
    assert "over 3.0 effective other groups" in out.loc[0, "reason"]
    a, groups = _hub(1, own_ties=1)
    out = information_brokers(a, groups, betweenness(a).values, betweenness_share=0.2)
    assert out.empty  # one other group: a boundary spanner, not a liaison
    # Most weight inside the own group (a manager with a thin outside): not a broker either.
    a, groups = _hub(3, own_ties=5)
    dense = a.toarray()
    dense[0, 1:6] = dense[1:6, 0] = 4
    a = sp.csr_array(dense)
    out = information_brokers(a, groups, betweenness(a).values, betweenness_share=0.1)
    assert out.empty
