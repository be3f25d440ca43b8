"""Unit tests of orgnet.privacy: keys, pseudonyms, re-identification, opt-out, suppression, aggregates."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from orgnet.analysis import Findings, analyze
from orgnet.connectors.base import InputError
from orgnet.events import events_from_frame
from orgnet.privacy import (
    Pseudonymizer,
    aggregate_only,
    exclude_people,
    load_key,
    pseudonymize_findings,
    read_exclusion_list,
    reidentify,
    suppress_small_groups,
    suppressed_groups,
)
from orgnet.report.files import to_jsonable
from orgnet.synthetic import toy_org

KEY = b"test-key-0123456789abcdef"


# ----------------------------------------------------------------------------- fixtures
def planted_findings() -> Findings:
    """toy_org findings plus analytics-shaped tables and sections that name people in many ways."""
    org = toy_org()
    f = analyze(org.events, directory=org.directory)
    d = org.directory.set_index("person")
    ids = f.people["person"].astype(str).tolist()
    a, b, c = ids[:3]
    f.tables["ambassadors"] = pd.DataFrame({
        "rank": [1, 2], "person": [a, b], "name": [d.loc[a, "name"], d.loc[b, "name"]],
        "department": [d.loc[a, "department"], d.loc[b, "department"]], "score": [0.9, 0.8],
        "reason": [f"replies from 4 people; thanked {d.loc[c, 'name']} and {d.loc[c, 'email']}", "active 7 of 8 weeks"],
    })
    f.tables["connectors"] = pd.DataFrame({"person": [c], "role": ["information broker"], "score": [1.0],
                                           "reason": [f"links {d.loc[a, 'name']}'s team"]})
    f.groups["bridges"] = [[a, b] if i % 2 == 0 else f"{d.loc[c, 'name']}; {c}" for i in range(len(f.groups))]
    f.sections["pyramid"] = {"levels": ["watcher", "producer"], "overall": {"watcher": 30, "producer": 30},
                             "by_group": {g: {"watcher": 1, "producer": 2} for g in f.groups["group"]}}
    labels = f.groups.loc[f.groups["kind"] == "department", "group"].tolist()
    f.sections["group_matrix"] = {"kind": "department", "labels": labels,
                                  "matrix": np.arange(len(labels) ** 2).reshape(len(labels), -1).tolist()}
    f.sections["top"] = [{"person": a, "name": d.loc[a, "name"], "note": f"mailed {d.loc[b, 'email'].upper()}"}]
    return f


def identities(org_directory: pd.DataFrame) -> set[str]:
    d = org_directory
    return set(d["person"].astype(str)) | set(d["name"].astype(str)) | set(d["email"].astype(str))


def dump(f: Findings) -> str:
    """Everything a reporter could write, as one string."""
    return json.dumps(to_jsonable({
        "summary": f.summary, "people": f.people, "groups": f.groups, "tables": f.tables,
        "sections": f.sections, "graph_people": f.graph.people,
        "events": f.graph.events.drop_columns(["ts"]).to_pandas(),
    }), ensure_ascii=False, default=str)


# ----------------------------------------------------------------------------- keys
def test_no_key_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("ORGNET_KEY", raising=False)
    with pytest.raises(InputError, match="no key given"):
        load_key()


def test_short_keys_are_rejected(tmp_path, monkeypatch):
    (tmp_path / "k").write_bytes(b"short\n")
    with pytest.raises(InputError, match="at least 16"):
        load_key(tmp_path / "k")
    monkeypatch.setenv("ORGNET_KEY", "x" * 15)
    with pytest.raises(InputError, match="at least 16"):
        load_key()
    with pytest.raises(ValueError):
        Pseudonymizer(b"x" * 15)


def test_key_from_file_and_env(tmp_path, monkeypatch):
    (tmp_path / "k").write_bytes(KEY + b"\n")
    assert load_key(tmp_path / "k") == KEY
    monkeypatch.setenv("ORGNET_KEY", KEY.decode())
    assert load_key() == KEY
    with pytest.raises(InputError, match="cannot read"):
        load_key(tmp_path / "missing")


# ----------------------------------------------------------------------------- pseudonyms
def test_pseudonyms_are_stable_keyed_and_vectorised():
    p, q = Pseudonymizer(KEY), Pseudonymizer(KEY[::-1])
    values = np.array(["ana", None, "ben", "ana"], dtype=object)
    out = p.pseudonyms(values)
    assert out[0] == out[3] == p.pseudonym("ana") and out[1] is None and out[2] != out[0]
    assert out[0].startswith("p_") and len(out[0]) == 14
    assert p.pseudonym("ana") == Pseudonymizer(KEY).pseudonym("ana")
    assert q.pseudonym("ana") != p.pseudonym("ana")


def test_collisions_lengthen_every_pseudonym():
    p = Pseudonymizer(KEY, hex_digits=1)
    m = p.mapping(str(i) for i in range(200))
    assert len(set(m.values())) == 200
    assert len({len(v) for v in m.values()}) == 1 and p.hex_digits > 1


def test_reidentify_needs_key_and_candidates():
    p = Pseudonymizer(KEY)
    ps = [p.pseudonym("ana"), p.pseudonym("cy@example.org"), "p_ffffffffffff"]
    assert reidentify(ps, ["ana", "ben", "cy@example.org"], KEY) == {ps[0]: "ana", ps[1]: "cy@example.org",
                                                                   ps[2]: None}
    assert set(reidentify(ps, ["ana", "ben"], KEY[::-1]).values()) == {None}


def test_pseudonymize_findings_leaves_no_identity_anywhere():
    org = toy_org()
    f = planted_findings()
    g = pseudonymize_findings(f, Pseudonymizer(KEY))
    text = dump(g)
    for ident in identities(org.directory):
        assert ident not in text, ident
        assert ident.upper() not in text, ident
    # the same people, metrics and departments; names are the pseudonyms
    assert len(g.people) == len(f.people) and (g.people["name"] == g.people["person"]).all()
    np.testing.assert_allclose(g.people["pagerank"], f.people["pagerank"])
    assert g.people["department"].tolist() == f.people["department"].tolist()
    assert g.people["person"].str.fullmatch(r"p_[0-9a-f]{12}").all()
    assert (g.graph.people["person"] == g.people["person"]).all()
    assert g.tables["ambassadors"]["person"].tolist() == g.people["person"].head(2).tolist()
    assert "replies from 4 people" in g.tables["ambassadors"]["reason"][0]
    # manager ids map to the same pseudonyms as the people they name
    assert set(g.people["manager"].dropna()) <= set(g.people["person"])
    # input untouched
    assert f.people["person"].iloc[0] == org.directory["person"].iloc[0] or f.people["person"].iloc[0] in set(
        org.directory["person"])


def test_same_key_same_findings_other_key_other_pseudonyms():
    f = planted_findings()
    a = pseudonymize_findings(f, Pseudonymizer(KEY))
    b = pseudonymize_findings(f, Pseudonymizer(KEY))
    c = pseudonymize_findings(f, Pseudonymizer(KEY[::-1]))
    assert dump(a) == dump(b)
    assert not set(a.people["person"]) & set(c.people["person"])


def test_attributes_kept_or_dropped():
    f = planted_findings()
    dropped = pseudonymize_findings(f, Pseudonymizer(KEY), keep_attributes=())
    assert dropped.people["department"].isna().all()
    assert "department" not in set(dropped.groups["kind"])
    assert "department" not in dropped.tables["ambassadors"].columns
    for dept in f.people["department"].dropna().unique():
        assert f'"{dept}"' not in dump(dropped)
    kept = pseudonymize_findings(f, Pseudonymizer(KEY), keep_attributes=("department", "site"))
    assert kept.people["site"].tolist() == f.people["site"].tolist()
    assert pseudonymize_findings(f, Pseudonymizer(KEY), keep_attributes=("site",), drop=("site",)) \
        .people["site"].isna().all()


def test_numeric_ids_are_not_replaced_inside_prose():
    ev = events_from_frame(pd.DataFrame({"kind": ["reply"] * 3, "actor": ["1", "2", "3"],
                                         "target": ["2", "3", "1"]}), source="csv")
    f = analyze(ev)
    f.tables["connectors"] = pd.DataFrame({"person": ["2"], "reason": ["replies from 3 people"]})
    g = pseudonymize_findings(f, Pseudonymizer(KEY))
    assert g.tables["connectors"]["reason"][0] == "replies from 3 people"
    assert g.tables["connectors"]["person"][0] == Pseudonymizer(KEY).pseudonym("2")


# ----------------------------------------------------------------------------- opt-out
def test_exclude_people_as_actors_and_targets():
    ev = events_from_frame(pd.DataFrame({
        "kind": ["reply", "reply", "reply", "post", "mention"],
        "actor": ["ana", "ben", "cy", "cy", "dee"], "target": ["ben", "cy", "ana", None, "Ana@X.org"]}),
        source="csv")
    people = pd.DataFrame({"person": ["ana", "ben", "cy", "dee"], "name": list("ABCD"),
                           "email": ["ana@x.org", "b@x.org", "c@x.org", "d@x.org"]})
    res = exclude_people(ev, people, None, ["C@X.ORG", "nobody"])
    assert res.excluded == 1
    assert res.events.column("actor").to_pylist() == ["ana", "dee"]
    assert "cy" not in set(res.people["person"])
    res2 = exclude_people(ev, people, people, ["ana@x.org"])
    assert res2.excluded == 1 and "ana" not in res2.events.column("actor").to_pylist()
    assert "ana" not in res2.events.column("target").to_pylist() and len(res2.directory) == 3


def test_read_exclusion_list(tmp_path):
    (tmp_path / "a.txt").write_text("# opted out\nana@x.org\n\n  ben \n")
    assert read_exclusion_list(tmp_path / "a.txt") == ["ana@x.org", "ben"]
    (tmp_path / "b.csv").write_text("Name,Person\nAna,ana\nBen,ben\n")
    assert read_exclusion_list(tmp_path / "b.csv") == ["ana", "ben"]
    (tmp_path / "c.csv").write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="person, id or email"):
        read_exclusion_list(tmp_path / "c.csv")


# ----------------------------------------------------------------------------- suppression
def test_complementary_suppression_rule():
    assert suppressed_groups(pd.Series({"A": 3, "B": 40, "C": 6, "D": 12}), 5) == ["A", "C"]
    assert suppressed_groups(pd.Series({"A": 3, "B": 4, "C": 50}), 5) == ["A", "B"]
    assert suppressed_groups(pd.Series({"A": 30, "B": 40}), 5) == []
    assert suppressed_groups(pd.Series({"A": 3}), 5) == ["A"]
    assert suppressed_groups(pd.Series({"A": 3, "B": 4}), 0) == []


def test_suppress_small_groups_everywhere():
    f = planted_findings()
    dept = f.groups[f.groups["kind"] == "department"].set_index("group")["size"]
    threshold = int(dept.sort_values().iloc[1]) + 1  # at least two departments fall below
    hidden = set(suppressed_groups(dept, threshold))
    assert len(hidden) >= 2
    s = suppress_small_groups(f, threshold)
    shown = set(s.groups.loc[s.groups["kind"] == "department", "group"])
    assert not shown & hidden and shown
    assert (s.groups["size"] >= threshold).all()
    assert not set(s.people["department"].dropna()) & hidden
    assert not set(s.graph.people["department"].dropna()) & hidden
    assert not set(s.sections["pyramid"]["by_group"]) & hidden
    gm = s.sections["group_matrix"]
    assert not set(gm["labels"]) & hidden and np.asarray(gm["matrix"]).shape == (len(gm["labels"]),) * 2
    assert not set(s.tables["ambassadors"]["department"].dropna()) & hidden
    assert s.summary["privacy"]["min_group_size"] == threshold
    assert s.summary["privacy"]["groups_suppressed"]["department"] == len(hidden)
    # the graph's group codes (the group map, the reporter's own heatmap) no longer know them
    _, labels = s.graph.group_codes("department")
    assert not set(labels) & hidden


def test_aggregate_only_has_no_individuals():
    org = toy_org()
    f = planted_findings()
    a = aggregate_only(suppress_small_groups(f, 5))
    text = dump(a)
    shown = set(f.groups.loc[(f.groups["kind"] == "department") & (f.groups["size"] >= 5), "group"])
    # the graph and its "people" are the groups: the maps and graph exports show groups only
    assert set(a.people["person"]) == set(a.graph.people["person"]) <= shown and a.graph.n == len(a.people)
    assert a.people["size"].min() >= 5 and a.graph.events.num_rows == 0
    assert "ambassadors" not in a.tables and "top" not in a.sections
    assert a.summary["privacy"]["aggregated"]["ambassadors"] == 2
    assert str(a.groups["bridges"].dtype) == "Int64"
    for ident in identities(org.directory):
        assert ident not in text
    assert not re.search(r"p_[0-9a-f]{12}", text)
