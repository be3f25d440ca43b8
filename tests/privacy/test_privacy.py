"""Unit tests of orgnet.privacy on real analyze output: keys, pseudonyms, opt-out, suppression, aggregates.

The findings come from :func:`orgnet.findings.analyze` on a synthetic organisation whose directory
carries hostile columns (another person's id, name and e-mail under harmless-looking names) and a
small department named after a person; hidden groups and identities are then searched for in every
field of the result.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from orgnet.connectors.base import InputError
from orgnet.events import events_from_frame
from orgnet.findings import AnalysisOptions, Findings, analyze
from orgnet.findings.model import PEOPLE_COLUMNS
from orgnet.privacy import (
    Pseudonymizer,
    aggregate_only,
    apply_privacy,
    exclude_people,
    load_key,
    pseudonymize_findings,
    read_exclusion_list,
    reidentify,
    suppress_small_groups,
    suppressed_groups,
)
from orgnet.privacy.pseudonymize import ANALYSIS_COLUMNS
from orgnet.synthetic import generate

KEY = b"test-key-0123456789abcdef"
OTHER_KEY = KEY[::-1]
HOSTILE = ("asker", "Backup Contact", "slack_handle", "notes", "badge")
PRIVACY_KEYS = {"pseudonymised", "key_fingerprint", "pseudonym", "attributes_kept", "min_group_size",
                "groups_suppressed", "groups_below_size", "suppression_rule", "people_excluded", "aggregate_only",
                "aggregated", "content", "labels", "labels_replaced"}


# ----------------------------------------------------------------------------- fixtures
def hostile_directory() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A synthetic organisation's events and a directory planting identities where nobody looks."""
    org = generate(people=300, seed=3, weeks=10)
    d = org.directory.copy()
    other = np.roll(np.arange(len(d)), 1)  # each row names the next person: never themselves
    d["asker"] = d["person"].to_numpy()[other]
    d["Backup Contact"] = d["name"].to_numpy()[other]
    d["slack_handle"] = d["email"].str.split("@").str[0]
    d["notes"] = "escalate to " + d["email"].to_numpy()[other] + " (" + d["name"].to_numpy()[other] + ")"
    d["badge"] = np.arange(100_000, 100_000 + len(d))
    # The smallest department gets a person's name: hidden, it must vanish with its label.
    smallest = d["department"].value_counts().idxmin()
    d["department"] = d["department"].replace(smallest, f"{d['name'].iloc[0]}'s team")
    return org.events, d


def analyzed() -> tuple[Findings, pd.DataFrame]:
    events, d = hostile_directory()
    sources = [{"path": f"/exports/{d['person'].iloc[1]}/slack.zip", "format": "slack", "records_read": 1,
                "records_skipped": {}, "events": int(events.num_rows)}]
    return analyze(events, directory=d, options=AnalysisOptions(by="month"), sources=sources), d


@pytest.fixture(scope="module")
def run() -> tuple[Findings, pd.DataFrame]:
    return analyzed()


@pytest.fixture(scope="module")
def private(run) -> Findings:
    # Labels kept (--keep-labels): the tests below follow department labels through every section.
    return apply_privacy(run[0], pseudonymize=True, key=KEY, min_group_size=30, keep_labels=True)


def identities(d: pd.DataFrame) -> set[str]:
    """Every raw id, name and e-mail (and the planted values) of the directory."""
    out: set[str] = set()
    for col in ("person", "name", "email", "slack_handle", "notes"):
        out |= set(d[col].dropna().astype(str))
    return out


# ----------------------------------------------------------------------------- walking a Findings
def leaves(obj: Any, path: str = "findings") -> Iterator[tuple[str, Any]]:
    """Every leaf value of a findings object, with where it is: dataclass fields, DataFrame cells,
    column names and index, dict keys and values, list items, array elements, sparse matrices.

    An object of a type not handled here fails the test, so no field can be skipped silently.
    """
    if obj is None or isinstance(obj, (str, bool, int, float, np.bool_, np.number)):
        yield path, obj
    elif obj is pd.NA or obj is pd.NaT:
        yield path, None
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from leaves(getattr(obj, f.name), f"{path}.{f.name}")
    elif isinstance(obj, pd.DataFrame):
        yield from leaves(list(obj.columns), f"{path}.columns")
        yield from leaves(obj.index, f"{path}.index")
        for col in obj.columns:
            yield from leaves(obj[col], f"{path}[{col!r}]")
    elif isinstance(obj, (pd.Series, pd.Index)):
        if isinstance(obj, pd.Series):
            yield from leaves(obj.index, f"{path}.index")
        yield from leaves(obj.to_numpy(dtype=object), path)
    elif isinstance(obj, np.ndarray):
        if obj.dtype == object:
            for i, v in enumerate(obj.ravel()):
                yield from leaves(v, f"{path}[{i}]")
        else:
            yield path, (obj.dtype.str, obj.shape, obj.tobytes())
    elif sp.issparse(obj):
        csr = sp.csr_array(obj)
        yield path, ("sparse", csr.shape)
        for part in ("data", "indices", "indptr"):
            yield from leaves(getattr(csr, part), f"{path}.{part}")
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from leaves(k, f"{path}.key")
            yield from leaves(v, f"{path}[{k!r}]")
    elif isinstance(obj, (list, tuple, set, frozenset)):
        for i, v in enumerate(sorted(obj, key=repr) if isinstance(obj, (set, frozenset)) else obj):
            yield from leaves(v, f"{path}[{i}]")
    elif isinstance(obj, (pd.Timestamp, pd.Timedelta, dt.datetime, dt.timedelta, dt.date)):
        yield path, str(obj)
    else:
        raise TypeError(f"{path}: a {type(obj).__name__} the walk does not know")


def texts(f: Findings) -> list[tuple[str, str]]:
    return [(p, v) for p, v in leaves(f) if isinstance(v, str)]


def snapshot(f: Findings) -> list[tuple[str, str]]:
    """A comparable picture of every leaf (NaN compares equal to NaN through repr)."""
    return [(p, repr(v)) for p, v in leaves(f)]


def hidden_labels(before: Findings, after: Findings) -> dict[str, list[str]]:
    return {kind: [str(x) for x in before.groups.by_kind[kind].labels[g.hidden]]
            for kind, g in after.groups.by_kind.items()}


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
    p, q = Pseudonymizer(KEY), Pseudonymizer(OTHER_KEY)
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
    assert set(reidentify(ps, ["ana", "ben"], OTHER_KEY).values()) == {None}


# ----------------------------------------------------------------------------- privacy at the edges
def test_no_identity_and_no_hidden_label_anywhere(run, private):
    f, d = run
    hidden = hidden_labels(f, private)
    shown = {str(x) for g in private.groups.by_kind.values() for x in g.labels[~g.hidden]}
    # The setting tests something: groups of both kinds hidden and shown, none a part of a shown label.
    assert all(hidden.values()) and all((~g.hidden).any() for g in private.groups.by_kind.values())
    assert not [h for labels in hidden.values() for h in labels for s in shown if h in s]
    assert any(d["name"].iloc[0] in label for label in hidden["department"])  # the planted name
    found = texts(private)
    assert len(found) > 1000  # the walk reaches the people table, labels, sections and summary
    lowered = [(p, v.lower()) for p, v in found]
    for ident in identities(d):
        hits = [p for p, v in lowered if ident.lower() in v]
        assert not hits, (ident, hits[:3])
    for kind, labels in hidden.items():
        for label in labels:
            hits = [p for p, v in found if label in v]
            assert not hits, (kind, label, hits[:3])
    assert private.summary.sources[0]["path"] == "slack.zip"
    # The hostile columns are gone, whatever their names suggest.
    assert not set(HOSTILE) & set(private.people.columns)


def test_hidden_group_codes_appear_in_no_section(run, private):
    f, _ = run
    hidden = {kind: np.flatnonzero(g.hidden) for kind, g in private.groups.by_kind.items()}
    assert all(len(h) for h in hidden.values())

    def none_hidden(kind: str, codes: Any) -> bool:
        return not np.isin(np.asarray(codes, dtype=np.int64), hidden[kind]).any()

    g = private.groups
    for kind, grouping in g.by_kind.items():
        assert none_hidden(kind, grouping.codes) and (grouping.labels[grouping.hidden] == "").all()
        assert (grouping.sizes()[grouping.hidden] == 0).all()
        m = g.ties[kind]
        assert m[hidden[kind]].nnz == 0 and m[:, hidden[kind]].nnz == 0
        shown = ~grouping.hidden
        assert np.allclose(m.toarray()[np.ix_(shown, shown)], f.groups.ties[kind].toarray()[np.ix_(shown, shown)])
    for table in (g.table, private.silos.table):
        for kind, rows in table.groupby("kind"):
            assert none_hidden(str(kind), rows["code"])
    assert none_hidden(g.matrix.kind, g.matrix.codes)
    assert g.matrix.weights.shape == (len(g.matrix.codes),) * 2
    assert none_hidden(private.pyramid.grouping, private.pyramid.by_group["code"])
    splits, spans = private.formal.department_splits, private.formal.community_spans
    assert none_hidden("department", splits["code"]) and none_hidden("community", spans["code"])
    assert all(none_hidden("community", p) for p in splits["parts"])
    assert all(none_hidden("department", p) for p in spans["parts"])
    assert all(len(p) == len(s) for p, s in zip(splits["parts"], splits["part_shares"], strict=True))
    periods = private.periods
    assert periods is not None and periods.grouping == g.primary
    assert all(none_hidden(g.primary, c) for c in periods.silos)
    assert none_hidden(g.primary, periods.ei_index.columns)
    assert all(none_hidden(g.primary, periods.changes[k]) for k in ("new_silos", "silos_no_longer", "more_inward"))
    assert periods.table["silos_flagged"].tolist() == [len(c) for c in periods.silos]
    # Reasons (the report's only source of sentences) refer to no hidden group.
    conn = private.connectors
    for table, kind in ((conn, conn.grouping),):
        for row in range(len(table.table)):
            assert all(none_hidden(kind, e.groups) for e in table.reason(row).evidence)
    silos = private.silos.table
    for row in range(len(silos)):
        assert private.silos.reason(row).finding == "silo"
    primary_silos = silos[silos["kind"] == g.primary]
    assert private.summary.flagged["silos"] == int(primary_silos["is_silo"].sum())


def test_within_group_evidence_of_a_hidden_group_is_dropped_not_the_role(run, private):
    f, _ = run
    before, after = f.connectors.table, private.connectors.table
    assert before[["code", "role"]].equals(after[["code", "role"]])
    hidden = private.groups.by_kind[f.connectors.grouping].hidden
    named = (before["group"] >= 0).to_numpy() & hidden[before["group"].clip(lower=0).to_numpy()]
    assert named.any() and (~named & (before["group"] >= 0).to_numpy()).any()
    assert (after.loc[named, "group"] == -1).all() and after.loc[named, "group_z"].isna().all()
    assert after.loc[~named, "group"].equals(before.loc[~named, "group"])
    within = [e for i in np.flatnonzero(named) for e in private.connectors.reason(int(i)).evidence
              if e.kind == "within_group"]
    assert within == []


def test_people_table_is_mapped_once(run, private):
    f, d = run
    p = private.people
    assert len(p) == len(f.people) and p["person"].str.fullmatch(r"p_[0-9a-f]{12}").all()
    assert (p["name"] == p["person"]).all() and p["person"].is_unique
    # Same key, same pseudonym: a manager's pseudonym is the pseudonym of that person.
    expected = Pseudonymizer(KEY).pseudonyms(f.people["person"].to_numpy(dtype=object))
    assert p["person"].tolist() == expected.tolist()
    by_id = dict(zip(f.people["person"], p["person"], strict=True))
    managers = f.people["manager"].astype("string").replace("", pd.NA)
    assert p["manager"].dropna().tolist() == [by_id[m] for m in managers.dropna()]
    # Measures, roles, flags and kept attributes as they were; the rest dropped.
    kept = [c for c in f.people.columns if c in ANALYSIS_COLUMNS]
    assert set(kept) >= set(PEOPLE_COLUMNS) - {"person", "name", "department"}
    same = [c for c in kept if c not in private.groups.by_kind]  # group columns lose hidden groups
    pd.testing.assert_frame_equal(p[same], f.people[same])
    for kind, g in private.groups.by_kind.items():
        shown = g.codes >= 0
        assert p[kind][shown].tolist() == f.people[kind][shown].tolist() and p[kind][~shown].isna().all()
    assert set(p.columns) == set(kept) | {"person", "name", "manager", "department"}
    assert {"email", "title", "site", "hire_date", *HOSTILE} <= set(f.people.columns)


def test_dropped_attribute_labels_become_group_pseudonyms(run):
    f, d = run
    p = pseudonymize_findings(f, Pseudonymizer(KEY), keep_attributes=("department", "site"), drop=("department",))
    dept, before = p.groups.by_kind["department"], f.groups.by_kind["department"]
    assert all(re.fullmatch(r"g_[0-9a-f]{12}", x) for x in dept.labels)
    assert np.array_equal(dept.codes, before.codes) and len(set(dept.labels)) == len(before.labels)
    labels = np.asarray(dept.labels, dtype=object)
    assert p.people["department"].tolist() == [labels[c] if c >= 0 else pd.NA for c in dept.codes]
    assert p.people["site"].tolist() == f.people["site"].tolist()
    assert p.summary.privacy["attributes_kept"] == ["site"]
    assert list(p.groups.by_kind["community"].labels) == list(f.groups.by_kind["community"].labels)
    again = pseudonymize_findings(f, Pseudonymizer(KEY), keep_attributes=())
    assert list(again.groups.by_kind["department"].labels) == list(dept.labels)
    other = pseudonymize_findings(f, Pseudonymizer(OTHER_KEY), keep_attributes=())
    assert not set(other.groups.by_kind["department"].labels) & set(dept.labels)
    text = {v for _, v in texts(p)}
    assert not {str(x) for x in before.labels} & text
    # Identity columns are never kept, even when asked for.
    asked = pseudonymize_findings(f, Pseudonymizer(KEY), keep_attributes=("email", "handle", "manager"))
    assert "email" not in asked.people.columns and asked.summary.privacy["attributes_kept"] == []
    assert asked.people["manager"].dropna().str.startswith("p_").all()


def test_pseudonyms_are_stable_across_runs_and_change_with_the_key(run, private):
    f, d = run
    again, _ = analyzed()  # a second analysis of the same data: another run
    same = apply_privacy(again, pseudonymize=True, key=KEY, min_group_size=30)
    other = apply_privacy(again, pseudonymize=True, key=OTHER_KEY, min_group_size=30)
    assert same.people["person"].tolist() == private.people["person"].tolist()
    assert same.summary.privacy["key_fingerprint"] == private.summary.privacy["key_fingerprint"]
    assert not set(other.people["person"]) & set(private.people["person"])
    assert other.summary.privacy["key_fingerprint"] != private.summary.privacy["key_fingerprint"]
    back = reidentify(private.people["person"].head(5), d["person"], KEY)
    assert list(back.values()) == f.people["person"].head(5).tolist()


def test_transforms_do_not_mutate_their_input(run):
    f, _ = run
    before = snapshot(f)
    pseudonymize_findings(f, Pseudonymizer(KEY), keep_attributes=())
    suppress_small_groups(f, 30)
    aggregate_only(f)
    apply_privacy(f, pseudonymize=True, key=KEY, min_group_size=30, aggregate=True, people_excluded=2)
    assert snapshot(f) == before
    assert f.summary.privacy == {} and f.people["person"].iloc[0] == run[1]["person"].iloc[0]


# ----------------------------------------------------------------------------- suppression
def test_complementary_suppression_rule():
    assert suppressed_groups(pd.Series({"A": 3, "B": 40, "C": 6, "D": 12}), 5) == ["A", "C"]
    assert suppressed_groups(pd.Series({"A": 3, "B": 4, "C": 50}), 5) == ["A", "B"]
    assert suppressed_groups(pd.Series({"A": 30, "B": 40}), 5) == []
    assert suppressed_groups(pd.Series({"A": 3}), 5) == ["A"]
    assert suppressed_groups(pd.Series({"A": 3, "B": 4}), 0) == []
    # Ties in size are broken by the index: the same groups whatever their order.
    assert suppressed_groups(pd.Series([9, 3, 6, 6]), 5) == suppressed_groups(pd.Series([9, 3, 6, 6])[::-1], 5) \
        == [1, 2]


def test_suppression_counts_and_members(run):
    f, _ = run
    s = suppress_small_groups(f, 30)
    for kind, g in s.groups.by_kind.items():
        before = f.groups.by_kind[kind]
        expected = suppressed_groups(pd.Series(before.sizes()), 30)
        assert np.flatnonzero(g.hidden).tolist() == expected
        assert s.summary.privacy["groups_suppressed"][kind] == len(expected)
        members = np.isin(before.codes, expected)
        assert (g.codes[members] == -1).all() and np.array_equal(g.codes[~members], before.codes[~members])
        assert s.people.loc[members, kind].isna().all()
        assert s.people.loc[~members, kind].tolist() == f.people.loc[~members, kind].tolist()
    assert "30" in s.summary.privacy["suppression_rule"]
    off = suppress_small_groups(f, 0)
    assert off.summary.privacy["groups_suppressed"] == {} and "off" in off.summary.privacy["suppression_rule"]
    assert off.groups.table.equals(f.groups.table) and off.silos.table is f.silos.table


# ----------------------------------------------------------------------------- aggregates
def test_aggregate_only_leaves_no_individual(run):
    f, d = run
    s = suppress_small_groups(pseudonymize_findings(f, Pseudonymizer(KEY)), 30)
    a = apply_privacy(f, pseudonymize=True, key=KEY, min_group_size=30, aggregate=True)
    assert len(a.people) == 0 and list(a.people.columns) == list(s.people.columns)
    assert a.ties.shape == (0, 0)
    assert all(len(g.codes) == 0 for g in a.groups.by_kind.values())
    assert len(a.ambassadors.table) == len(a.connectors.table) == 0
    assert a.summary.privacy["aggregated"] == {"people": len(f.people), "ambassadors": len(f.ambassadors.table),
                                               "connectors": len(f.connectors.table),
                                               "managers": len(f.formal.managers),
                                               "set_apart": len(f.population.set_apart),
                                               "duplicates": len(f.population.duplicates)}
    assert len(a.population.set_apart) == len(a.population.duplicates) == 0
    assert all(len(b) == 0 for b in a.silos.table["bridges"])
    assert a.silos.table["n_bridges"].tolist() == s.silos.table["n_bridges"].tolist()
    assert a.formal.managers is None
    assert a.periods is not None and all(len(x) == 0 for x in a.periods.ambassadors)
    assert all(len(a.periods.changes[k]) == 0 for k in ("new_ambassadors", "former_ambassadors"))
    assert a.periods.table["ambassadors_flagged"].tolist() == f.periods.table["ambassadors_flagged"].tolist()
    # The group figures stay as suppression left them.
    assert a.groups.table.equals(s.groups.table) and a.pyramid.by_group.equals(s.pyramid.by_group)
    assert all((a.groups.ties[k] != s.groups.ties[k]).nnz == 0 for k in s.groups.ties)
    assert np.array_equal(a.groups.matrix.weights, s.groups.matrix.weights)
    found = texts(a)
    assert not [p for p, v in found if re.search(r"p_[0-9a-f]{12}", v)]
    lowered = [v.lower() for _, v in found]
    assert not [i for i in identities(d) if any(i.lower() in v for v in lowered)]


def test_aggregate_without_pseudonyms_names_no_one(run):
    f, d = run
    a = apply_privacy(f, min_group_size=30, aggregate=True)
    lowered = [v.lower() for _, v in texts(a)]
    assert not [i for i in identities(d) if any(i.lower() in v for v in lowered)]
    assert a.summary.privacy["pseudonymised"] is False and a.summary.privacy["aggregate_only"] is True


# ----------------------------------------------------------------------------- the pipeline step
def test_apply_privacy_records_what_was_done(run):
    f, _ = run
    plain = apply_privacy(f)
    assert set(plain.summary.privacy) == PRIVACY_KEYS
    assert plain.summary.privacy["pseudonymised"] is False and plain.summary.privacy["attributes_kept"] == "all"
    assert plain.summary.privacy["key_fingerprint"] is None and plain.summary.privacy["aggregated"] is None
    assert plain.people["person"].equals(f.people["person"])
    done = apply_privacy(f, pseudonymize=True, key=KEY, keep_attributes=("department", "site"),
                         drop_attributes=("site",), min_group_size=7, people_excluded=3)
    privacy = done.summary.privacy
    assert set(privacy) == PRIVACY_KEYS
    assert privacy["attributes_kept"] == ["department"] and privacy["people_excluded"] == 3
    assert privacy["min_group_size"] == 7 and privacy["key_fingerprint"] == Pseudonymizer(KEY).fingerprint
    with pytest.raises(ValueError, match="needs a key"):
        apply_privacy(f, pseudonymize=True)


def test_manager_pseudonyms_on_a_hand_made_organisation():
    """Exact case: a manager outside the data gets the pseudonym of their id, blanks stay blank."""
    events = events_from_frame(pd.DataFrame({
        "kind": ["reply"] * 4, "actor": ["ana", "ben", "cy", "ana"], "target": ["ben", "cy", "ana", "cy"]}),
        source="csv")
    directory = pd.DataFrame({"person": ["ana", "ben", "cy"], "name": ["Ana Silva", "Ben Ode", "Cy Lam"],
                              "email": ["ana@x.org", "ben@x.org", "cy@x.org"], "department": ["A", "A", "B"],
                              "manager": ["zed", "ana", ""]})
    f = analyze(events, directory=directory)
    p = pseudonymize_findings(f, Pseudonymizer(KEY), keep_labels=True)
    ps = Pseudonymizer(KEY)
    order = f.people["person"].tolist()
    assert p.people["person"].tolist() == [ps.pseudonym(x) for x in order]
    expected = {"ana": ps.pseudonym("zed"), "ben": ps.pseudonym("ana"), "cy": None}
    got = [None if pd.isna(v) else v for v in p.people["manager"]]
    assert got == [expected[x] for x in order]
    assert p.people["department"].tolist() == f.people["department"].tolist()


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


def test_deep_copy_of_findings_is_what_the_walk_compares(run):
    """The snapshot used for the no-mutation test sees a change anywhere (it would not pass vacuously)."""
    f, _ = run
    g = copy.deepcopy(f)
    assert snapshot(g) == snapshot(f)
    g.groups.table.loc[0, "size"] += 1
    assert snapshot(g) != snapshot(f)
    h = copy.deepcopy(f)
    h.periods.changes["more_inward"] = np.array([99])
    assert snapshot(h) != snapshot(f)
