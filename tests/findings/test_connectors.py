"""Connector roles on hand-built graphs: who is flagged, and every flag carries its evidence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from orgnet.findings.connectors import (
    boundary_spanners,
    central_connectors,
    connector_roles,
    information_brokers,
    newcomers,
    peripheral_people,
    person_measures,
)
from orgnet.findings.model import Connectors
from orgnet.findings.rules import ConnectorRules
from orgnet.metrics.centrality import betweenness
from orgnet.report.words import Wording


def _measures(a, groups, bt=None):  # type: ignore[no-untyped-def]
    return person_measures(a, groups, betweenness_values=betweenness(a).values if bt is None else bt)


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


def test_every_role_carries_evidence_worded_with_numbers():
    a, groups = _caveman()
    m = _measures(a, groups)
    table, notes = connector_roles(m, groups, 5, eligible=np.ones(len(m), bool), contributes=np.ones(len(m), bool))
    # Person 0 bridges every team but is also everyone's contact: a central connector, so not a broker.
    assert set(table["role"]) >= {"central connector", "boundary spanner"}
    assert notes == {"newcomer": "the events carry no timestamps"}
    section = Connectors(table, "department", notes)
    words = Wording(noun="department", group_labels=[f"T{i}" for i in range(5)], names=[f"p{i}" for i in range(40)])
    for i in range(len(table)):
        reason = section.reason(i)
        assert reason.finding == table["role"].iat[i] and reason.evidence
        text = words.sentence(reason)
        assert any(ch.isdigit() for ch in text), text
        if table["role"].iat[i] in ("boundary spanner", "information broker"):
            assert "other department" in text, text


def test_the_bridge_is_a_broker_and_spanner():
    a, groups = _caveman()
    m = _measures(a, groups)
    brokers = information_brokers(m)
    assert brokers.loc[0, "code"] == 0
    assert 0 in set(boundary_spanners(m)["code"])
    assert 0 not in set(information_brokers(m, exclude=np.arange(a.shape[0]) == 0)["code"])
    assert 0 not in set(information_brokers(m, eligible=np.arange(a.shape[0]) != 0)["code"])


def test_central_connector_within_department():
    # Department 1 (people 10-19) all go to person 10; overall someone else is bigger.
    n = 40
    rows = list(range(11, 20)) + list(range(21, 40))
    cols = [10] * 9 + [20] * 19
    a = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    groups = np.repeat([0, 1, 2, 3], 10)
    out = central_connectors(_measures(a, groups), groups, rules=ConnectorRules(top_share=0.02))
    assert set(out["code"]) == {10, 20}
    row = out.set_index("code").loc[10]
    assert row["group"] == 1 and row["group_z"] >= 3.5


def test_peripheral_and_newcomers():
    n = 12
    rows, cols = np.nonzero(np.triu(np.ones((8, 8)), 1))
    a = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    a = sp.csr_array(a + sp.csr_array(([1.0], ([8], [0])), shape=(n, n)))
    m = _measures(a, np.zeros(n, dtype=np.int64))
    out = peripheral_people(m)
    assert set(out["code"]) == {8, 9, 10, 11}
    end = pd.Timestamp("2025-06-30", tz="UTC")
    hired = pd.Series(pd.to_datetime(["2019-01-01"] * n, utc=True))
    hired[8] = pd.Timestamp("2025-06-01", tz="UTC")
    first = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns, UTC]")
    first[9] = pd.Timestamp("2025-06-20", tz="UTC")
    hired[9] = pd.NaT
    spans = pd.DataFrame({"start": pd.to_datetime(["2025-01-01"], utc=True), "end": [end]})
    new = newcomers(m, hire_date=hired, first_activity=first, end=end, spans=spans).set_index("code")
    assert set(new.index) == {8, 9}
    assert new.loc[8, "days_known"] == 29 and new.loc[8, "hired"] == 1 and new.loc[8, "partners"] == 1
    assert new.loc[9, "days_known"] == 10 and new.loc[9, "hired"] == 0
    # Person 9 only joined (never contributed): a watcher, not a newcomer; a hire stays one.
    contributed = np.ones(n, dtype=bool)
    contributed[[8, 9]] = False
    new = newcomers(m, hire_date=hired, first_activity=first, end=end, spans=spans, contributes=contributed)
    assert set(new["code"]) == {8}
    # First seen just after a gap in the data: they may have been there during it; the hire
    # date still decides for person 8.
    after_gap = pd.DataFrame({"start": pd.to_datetime(["2024-01-01", "2025-06-15"], utc=True),
                              "end": pd.to_datetime(["2024-12-01", "2025-06-30"], utc=True)})
    new = newcomers(m, hire_date=hired, first_activity=first, end=end, spans=after_gap)
    assert set(new["code"]) == {8}
    # A recent hire is new, not peripheral, whatever their few contacts.
    recent = np.zeros(n, dtype=bool)
    recent[8] = True
    assert 8 not in set(peripheral_people(m, recent=recent)["code"])


def test_newcomers_by_hire_date_however_short_the_data():
    # Nine days of data: too short for peripheral people and for first activity, but a hire
    # date within the newcomer window decides.
    n = 12
    rows, cols = np.nonzero(np.triu(np.ones((8, 8)), 1))
    a = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    a = sp.csr_array(a + sp.csr_array(([1.0], ([8], [0])), shape=(n, n)))
    m = _measures(a, np.zeros(n, dtype=np.int64))
    end = pd.Timestamp("2025-06-30", tz="UTC")
    hired = pd.Series(pd.to_datetime(["2019-01-01"] * n, utc=True))
    hired[8] = pd.Timestamp("2025-06-01", tz="UTC")
    first = pd.Series(pd.to_datetime(["2025-06-21"] * n, utc=True))
    found, notes = connector_roles(m, np.zeros(n, dtype=np.int64), 1, eligible=np.ones(n, bool),
                                   contributes=np.ones(n, bool), hire_date=hired, first_activity=first, end=end,
                                   span_days=9.0)
    assert set(found.loc[found["role"] == "newcomer", "code"]) == {8}
    assert "peripheral" in notes and "newcomer" not in notes
    found, notes = connector_roles(m, np.zeros(n, dtype=np.int64), 1, eligible=np.ones(n, bool),
                                   contributes=np.ones(n, bool), hire_date=None, first_activity=first, end=end,
                                   span_days=9.0)
    assert "newcomer" in notes and not (found["role"] == "newcomer").any()


def test_relabelling_people_permutes_flags():
    a, groups = _caveman(seed=2)
    n = a.shape[0]
    perm = np.random.default_rng(1).permutation(n)
    b = sp.csr_array(a.toarray()[np.ix_(perm, perm)])
    ma, mb = _measures(a, groups), _measures(b, groups[perm])
    assert set(perm[boundary_spanners(mb)["code"]]) == set(boundary_spanners(ma)["code"])
    assert set(perm[central_connectors(mb, groups[perm])["code"]]) == set(central_connectors(ma, groups)["code"])


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
    out = information_brokers(_measures(a, groups), rules=ConnectorRules(broker_share=0.1))
    assert out["code"].tolist() == [0]
    assert out.loc[0, "outside_share"] == pytest.approx(12 / 16)
    assert out.loc[0, "effective_other_groups"] == pytest.approx(3.0)
    a, groups = _hub(1, own_ties=1)
    out = information_brokers(_measures(a, groups), rules=ConnectorRules(broker_share=0.2))
    assert out.empty  # one other group: a boundary spanner, not a liaison
    # Most weight inside the own group (a manager with a thin outside): not a broker either.
    a, groups = _hub(3, own_ties=5)
    dense = a.toarray()
    dense[0, 1:6] = dense[1:6, 0] = 4
    a = sp.csr_array(dense)
    out = information_brokers(_measures(a, groups), rules=ConnectorRules(broker_share=0.1))
    assert out.empty


def _contacts(days: float, people: int = 75, seed: int = 0):  # type: ignore[no-untyped-def]
    """Face-to-face-like contacts between ``people`` over ``days`` (a hospital-contacts-like window)."""
    import pandas as pd

    from orgnet.events import events_from_frame

    rng = np.random.default_rng(seed)
    m = people * 40
    actor = rng.integers(0, people, m)
    target = (actor + rng.integers(1, people, m)) % people
    # Half the people are active from the start, the rest join over the window (as in a ward's rota).
    start = np.where(np.arange(people) % 2 == 0, 0.0, rng.uniform(0, days / 2, people))
    at = start[actor] + rng.uniform(0, 1, m) * (days - start[actor])
    ts = pd.Timestamp("2025-03-03", tz="UTC") + pd.to_timedelta(np.round(at * 86400), unit="s")
    return events_from_frame(pd.DataFrame({"kind": "post", "actor": [f"p{i}" for i in actor],
                                           "target": [f"p{i}" for i in target], "ts": ts}))


def test_a_few_days_report_no_newcomer_and_no_peripheral_person():
    from orgnet.findings import analyze

    f = analyze(_contacts(days=4))
    roles = set(f.connectors.table["role"].astype(str))
    assert "newcomer" not in roles and "peripheral" not in roles
    assert "4 days" in f.connectors.notes["newcomer"] and "4 days" in f.connectors.notes["peripheral"]


def test_a_long_window_does_report_newcomers_and_peripheral_people():
    # The same rota over a year: people who joined in the last quarter are new against the rest.
    from orgnet.findings import analyze

    f = analyze(_contacts(days=400))
    assert "newcomer" not in f.connectors.notes and "peripheral" not in f.connectors.notes


def test_central_connector_needs_people_in_numbers_that_matter():
    # Person 0 gets heavy traffic from one person only: top weighted in-degree, but one person is
    # not "people come to them". Person 1 is come to by 12 people.
    n = 60
    rows = [5] * 50 + list(range(10, 22)) + list(range(22, 60))
    cols = [0] * 50 + [1] * 12 + list(range(23, 60)) + [22]
    a = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    groups = np.zeros(n, dtype=np.int64)
    out = central_connectors(_measures(a, groups), groups)
    assert 1 in set(out["code"]) and 0 not in set(out["code"])


def _departments_with_a_liaison_and_a_responder(seed: int = 0):  # type: ignore[no-untyped-def]
    """30 departments of 12, tied inside; a few random ties between them; person 0 (department 0)
    a liaison with repeated ties to four people in each of departments 1 and 2; person 1 (department
    0) a responder, one tie each to a third of everyone, spread over every department."""
    rng = np.random.default_rng(seed)
    k, size = 30, 12
    n = k * size
    groups = np.repeat(np.arange(k), size)
    dense = (rng.random((n, n)) < 0.5) * (groups[:, None] == groups[None, :]).astype(float)
    for _ in range(3 * n // 4):  # a little traffic between departments
        i, j = rng.integers(0, n, 2)
        dense[i, j] = 1.0
    dense[0, [12, 13, 14, 15, 24, 25, 26, 27]] = 3.0
    dense[1, rng.choice(np.arange(size, n), n // 3, replace=False)] = 1.0
    np.fill_diagonal(dense, 0)
    return sp.csr_array(dense), groups


def test_a_liaison_between_two_groups_is_a_broker_and_someone_who_answers_everyone_is_not():
    a, groups = _departments_with_a_liaison_and_a_responder()
    m = _measures(a, groups)
    conc = m["outside_concentration"].to_numpy()
    assert conc[0] >= 3 and conc[1] < 3  # gathered in two departments / spread like random contact
    out = information_brokers(m, groups=groups)
    assert 0 in set(out["code"]) and 1 not in set(out["code"])
    row = out.set_index("code").loc[0]
    assert row["outside_concentration"] >= 3 and 0 < row["outside_share_typical"] < 1
    # The responder passes everything else: it is the concentration that tells them apart.
    loose = information_brokers(m, groups=groups, rules=ConnectorRules(broker_concentration_z=-np.inf))
    assert 1 in set(loose["code"])


def test_concentration_is_not_asked_where_it_cannot_tell():
    # The caveman bridge: one contact in each of four teams cannot be told from random contact.
    a, groups = _caveman()
    m = _measures(a, groups)
    assert np.isnan(m.loc[0, "outside_concentration"])
    assert 0 in set(information_brokers(m)["code"])
