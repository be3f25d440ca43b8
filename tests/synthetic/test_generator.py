"""Tests for the synthetic organisation generator: structure, planted truth and determinism."""

from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import orgnet.synthetic as synthetic
from orgnet.cli import main
from orgnet.events import KINDS, SCHEMA, validate, with_plain_text
from orgnet.synthetic import LEVELS, generate, toy_org, write

_LEVEL_OF_KIND = {"view": 0, "join": 0, "reaction": 1, "share": 1, "mention": 2, "reply": 2, "post": 3, "curate": 4}


class Frame:
    """An organisation with its events as pandas and the ties annotated with departments."""

    def __init__(self, org: synthetic.SyntheticOrg) -> None:
        self.org = org
        self.truth = org.truth
        self.d = org.directory.set_index("person")
        ev = org.events.to_pandas()
        ev["kind"] = ev["kind"].astype(str)
        self.ev = ev
        ties = ev[ev["target"].notna()].copy()
        for side, col in (("a", "actor"), ("t", "target")):
            ties[f"{side}_dept"] = ties[col].map(self.d["department"]).to_numpy()
            ties[f"{side}_team"] = ties[col].map(self.d["team"]).to_numpy()
        self.ties = ties

    def outside_share(self) -> pd.Series:
        """Share of each department's tie events (either direction) that cross its boundary."""
        t = self.ties
        cross = t["a_dept"] != t["t_dept"]
        both = pd.concat(
            [pd.DataFrame({"dept": t["a_dept"], "cross": cross}), pd.DataFrame({"dept": t["t_dept"], "cross": cross})]
        )
        return both.groupby("dept")["cross"].mean()

    def departments_reached(self, people: list[str], min_events: int = 1) -> pd.Series:
        """Other departments each person has at least ``min_events`` tie events with (either direction)."""
        t = self.ties
        und = pd.concat(
            [
                pd.DataFrame({"p": t["actor"], "other": t["t_dept"]}),
                pd.DataFrame({"p": t["target"], "other": t["a_dept"]}),
            ]
        )
        und = und[und["p"].isin(people)]
        und = und[und["other"] != und["p"].map(self.d["department"])]
        counts = und.groupby(["p", "other"]).size()
        return counts[counts >= min_events].groupby(level=0).size().reindex(people, fill_value=0)


@pytest.fixture(scope="module")
def mid() -> Frame:
    return Frame(generate(people=3000, seed=11))


@pytest.fixture(scope="module")
def big() -> Frame:
    return Frame(generate(people=20_000, seed=5, events_per_person=15))


def test_same_seed_same_tables() -> None:
    a, b = generate(people=400, seed=9, weeks=10), generate(people=400, seed=9, weeks=10)
    assert a.events.equals(b.events)
    pd.testing.assert_frame_equal(a.directory, b.directory)
    assert json.dumps(a.truth, sort_keys=True) == json.dumps(b.truth, sort_keys=True)
    c = generate(people=400, seed=10, weeks=10)
    assert not a.events.equals(c.events)


@pytest.mark.parametrize("people", [30, 100, 1000])
def test_events_follow_the_contract(people: int) -> None:
    org = generate(people=people, seed=2, weeks=12)
    ev = validate(org.events)
    assert ev.schema.names == SCHEMA.names
    df = ev.to_pandas()
    assert df["item"].is_unique
    assert set(df["kind"].astype(str)) <= set(KINDS)
    assert (df["source"] == "synthetic").all()
    start = pd.Timestamp(org.truth["params"]["start"], tz="UTC")
    end = pd.Timestamp(org.truth["params"]["end"], tz="UTC")
    assert df["ts"].between(start, end, inclusive="left").all()
    assert df["ts"].is_monotonic_increasing
    people_ids = set(org.directory["person"])
    assert set(df["actor"]) <= people_ids
    assert set(df["target"].dropna()) <= people_ids
    assert (df["actor"] != df["target"]).all()
    # Responses point at their thread's post and its author.
    posts = df[df["kind"] == "post"].set_index("item")
    assert (df.loc[df["kind"] == "post", "thread"] == df.loc[df["kind"] == "post", "item"]).all()
    rep = df[df["kind"].isin(["reply", "reaction", "share", "curate"])]
    assert rep["thread"].isin(posts.index).all()
    assert (rep["target"].to_numpy() == posts.loc[rep["thread"], "actor"].to_numpy()).all()
    assert (rep["ts"].to_numpy() > posts.loc[rep["thread"], "ts"].to_numpy()).all()
    watched = df[df["kind"].isin(["view", "join"])]
    assert watched["target"].isna().all()


def test_ids_are_zero_padded_strings() -> None:
    org = generate(people=1500, seed=1, weeks=4)
    assert org.directory["person"].iloc[0] == "p0000"
    assert org.directory["person"].str.len().nunique() == 1


def test_hierarchy_is_a_tree_with_one_ceo(mid: Frame) -> None:
    d = mid.org.directory
    assert d["person"].is_unique and d["email"].is_unique
    assert (d["manager"] == "").sum() == 1
    assert d.loc[d["manager"] == "", "title"].item() == "Chief Executive Officer"
    managers = d.loc[d["manager"] != "", "manager"]
    assert managers.isin(d["person"]).all()
    # Walking up the reporting line reaches the CEO within a few steps from everyone: no cycles.
    up = dict(zip(d["person"], d["manager"], strict=True))
    node = d["person"].to_numpy(dtype=object)
    for _ in range(6):
        node = np.array([up.get(p, "") if p else "" for p in node], dtype=object)
    assert (node == "").all()
    # Team members report to someone in their team; departments sit in one division.
    team_of = dict(zip(d["person"], d["team"], strict=True))
    members = d[(d["manager"] != "") & ~d["title"].str.startswith(("Head of", "SVP", "Chief"))]
    leads = set(d["manager"])
    plain = members[~members["person"].isin(leads)]
    assert (plain["manager"].map(team_of) == plain["team"]).mean() > 0.99
    assert (d.groupby("department")["division"].nunique() == 1).all()
    assert (d.groupby("team")["department"].nunique() == 1).all()


def test_realistic_shape(big: Frame) -> None:
    d = big.org.directory
    regular = d[d["department"] != "Executive Office"]
    sizes = regular.groupby("department").size()
    assert sizes.min() >= 15 and sizes.max() <= 150 and sizes.std() > 10
    team_sizes = regular.groupby("team").size()
    assert team_sizes.quantile(0.05) >= 4 and team_sizes.quantile(0.95) <= 12
    assert 2 <= d["site"].nunique() <= 10
    main_site = regular.groupby("department")["site"].agg(lambda s: s.value_counts(normalize=True).iloc[0])
    assert main_site.median() > 0.8
    hire = pd.to_datetime(d["hire_date"])
    assert (hire.max() - hire.min()).days > 5 * 365
    assert d["name"].str.match(r"^[A-Z][a-z]+( [A-Z]\.)? [A-Z]").all()
    # Heavy-tailed activity, working hours on weekdays, mostly local.
    per_person = big.ev.groupby("actor").size()
    assert per_person.max() > 10 * per_person.median()
    assert (big.ev["ts"].dt.day_of_week < 5).mean() > 0.9
    same_team = (big.ties["a_team"] == big.ties["t_team"]).mean()
    same_dept = (big.ties["a_dept"] == big.ties["t_dept"]).mean()
    assert 0.35 < same_team < 0.7 and 0.7 < same_dept < 0.92


@pytest.mark.parametrize("which", ["mid", "big"])
def test_pyramid_levels_match_behaviour(which: str, request: pytest.FixtureRequest) -> None:
    f: Frame = request.getfixturevalue(which)
    pyramid = pd.Series(f.truth["pyramid"])
    share = pyramid.value_counts(normalize=True)
    assert 0.52 <= share["watcher"] <= 0.66
    assert 0.02 <= share["curator"] <= 0.05
    assert share["watcher"] > share["sharer"] > share["curator"]
    assert share["commenter"] > share["curator"] and share["producer"] > share["curator"]
    highest = f.ev["kind"].map(_LEVEL_OF_KIND).groupby(f.ev["actor"]).max()
    planted = pyramid.map({name: i for i, name in enumerate(LEVELS)})
    assert (highest.reindex(planted.index, fill_value=0) == planted).all()


@pytest.mark.parametrize("which", ["mid", "big"])
def test_silo_departments_keep_to_themselves(which: str, request: pytest.FixtureRequest) -> None:
    f: Frame = request.getfixturevalue(which)
    silos = f.truth["silo_departments"]
    n_dept = f.truth["params"]["departments"] - 1
    assert len(silos) >= (2 if n_dept >= 10 else 1)
    share = f.outside_share().drop("Executive Office")
    assert share[silos].max() < 0.03
    assert share.drop(silos).median() > 5 * share[silos].mean()


@pytest.mark.parametrize("which", ["mid", "big"])
def test_ambassadors_are_sustained_and_reach_far(which: str, request: pytest.FixtureRequest) -> None:
    f: Frame = request.getfixturevalue(which)
    amb = f.truth["ambassadors"]
    assert len(amb) >= max(3, 0.008 * len(f.d))
    weeks = f.truth["params"]["weeks"]
    week = (f.ev["ts"] - pd.Timestamp(f.truth["params"]["start"], tz="UTC")).dt.days // 7
    active = week.groupby(f.ev["actor"]).nunique()
    assert active.reindex(amb).min() >= 0.75 * weeks
    responses = f.ties[f.ties["kind"].isin(["reply", "reaction", "share", "mention"])]
    received = responses.groupby("target").agg(people=("actor", "nunique"), depts=("a_dept", "nunique"))
    producers = [p for p, lv in f.truth["pyramid"].items() if lv in ("producer", "curator") and p not in amb]
    assert received["depts"].reindex(amb).min() > received["depts"].reindex(producers).median()
    assert received["people"].reindex(amb).median() > 3 * received["people"].reindex(producers).median()
    # They also answer and pass on others' content.
    given = f.ev[f.ev["actor"].isin(amb)].groupby("actor")["kind"].agg(lambda k: {"reply", "share"} <= set(k))
    assert given.mean() > 0.9


@pytest.mark.parametrize("which", ["mid", "big"])
def test_brokers_tie_into_other_departments(which: str, request: pytest.FixtureRequest) -> None:
    f: Frame = request.getfixturevalue(which)
    brokers = f.truth["brokers"]
    assert len(brokers) >= 3 and not set(brokers) & set(f.truth["ambassadors"])
    assert (f.departments_reached(brokers) >= 3).all()
    assert (f.departments_reached(brokers, min_events=2) >= 3).mean() > 0.9
    assert set(f.d.loc[brokers, "department"]).isdisjoint(f.truth["silo_departments"])
    for b, depts in f.truth["broker_departments"].items():
        assert 3 <= len(depts) <= 5 and f.d.loc[b, "department"] not in depts
    # Moderately active: not simply the most active people.
    activity = f.ev.groupby("actor").size().rank(pct=True)
    assert activity.reindex(brokers).median() < activity.reindex(f.truth["ambassadors"]).median()


@pytest.mark.parametrize("which", ["mid", "big"])
def test_newcomers_are_recent_and_barely_tied(which: str, request: pytest.FixtureRequest) -> None:
    f: Frame = request.getfixturevalue(which)
    new = f.truth["newcomers"]
    assert len(new) >= 0.015 * len(f.d)
    end = pd.Timestamp(f.truth["params"]["end"])
    hired = pd.to_datetime(f.d["hire_date"])
    assert ((end - hired[new]).dt.days <= 7 * f.truth["newcomer_weeks"]).all()
    others = hired.drop(new)
    assert ((end - others).dt.days > 7 * f.truth["newcomer_weeks"]).all()
    ties = pd.concat([f.ties["actor"], f.ties["target"]]).value_counts()
    producers = [p for p, lv in f.truth["pyramid"].items() if lv != "watcher" and p not in new]
    assert ties.reindex(new, fill_value=0).median() < ties.reindex(producers, fill_value=0).median() / 3
    first = f.ev.groupby("actor")["ts"].min().reindex(new).dropna()
    assert (first.dt.tz_localize(None) >= hired[first.index]).all()


def test_size_100_and_events_per_person() -> None:
    org = generate(people=100, seed=4, events_per_person=40)
    assert len(org.directory) == 100
    assert 0.8 * 4000 < org.events.num_rows < 1.2 * 4000
    assert len(org.truth["ambassadors"]) >= 3 and len(org.truth["brokers"]) >= 3
    assert len(org.truth["silo_departments"]) >= 1 and len(org.truth["newcomers"]) >= 1
    assert generate(people=50, seed=1, events_per_person=0).events.num_rows <= 50


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="people"):
        generate(people=5)
    with pytest.raises(ValueError, match="weeks"):
        generate(people=100, weeks=0)
    with pytest.raises(ValueError, match="events_per_person"):
        generate(people=100, events_per_person=-1)


def test_toy_org_is_fast() -> None:
    toy_org()
    t = time.perf_counter()
    org = toy_org()
    assert time.perf_counter() - t < 0.5
    assert len(org.directory) == 60


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_write_round_trip(tmp_path, fmt: str) -> None:
    org = generate(people=120, seed=3, weeks=6)
    out = write(org, tmp_path / "deep" / "org", format=fmt)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"events.{fmt}", "directory.csv", "truth.json"])
    truth = json.loads((out / "truth.json").read_text())
    assert truth["params"]["people"] == 120 and set(truth["pyramid"]) == set(org.directory["person"])
    directory = pd.read_csv(out / "directory.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(directory, org.directory.astype(str))
    if fmt == "parquet":
        assert pq.read_table(out / "events.parquet").equals(org.events)
    else:
        back = pd.read_csv(out / "events.csv", dtype=str)
        assert len(back) == org.events.num_rows
        assert back["ts"].str.endswith("Z").all()
        assert back["item"].tolist() == org.events.column("item").to_pylist()
    with pytest.raises(ValueError, match="unknown format"):
        write(org, tmp_path / "x", format="xlsx")


def test_cli_synth(tmp_path) -> None:
    result = CliRunner().invoke(main, ["synth", "--people", "150", "--seed", "2", "--weeks", "4",
                                       "--out", str(tmp_path / "o"), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "150 people" in result.output
    assert (tmp_path / "o" / "events.csv").exists()
    bad = CliRunner().invoke(main, ["synth", "--people", "10", "--out", str(tmp_path / "p")])
    assert bad.exit_code == 2


def test_committed_example_matches_generator() -> None:
    from pathlib import Path

    folder = Path(synthetic.__file__).parent / "example"
    if not (folder / "events.parquet").exists():
        pytest.skip("example not generated")
    truth = json.loads((folder / "truth.json").read_text())
    p = truth["params"]
    if p["generator_version"] != synthetic.GENERATOR_VERSION:
        pytest.skip("example made by an older generator version")
    org = generate(people=p["people"], seed=p["seed"], weeks=p["weeks"], start=p["start"])
    stored = pq.read_table(folder / "events.parquet")
    # The same values; the text columns coded or not (the file predates the compact contract).
    assert with_plain_text(stored).equals(with_plain_text(org.events))
    assert sum(f.stat().st_size for f in folder.iterdir()) < 1_000_000


def test_exports_are_sorted() -> None:
    assert list(synthetic.__all__) == sorted(synthetic.__all__)
    for name in synthetic.__all__:
        assert hasattr(synthetic, name)
    assert isinstance(toy_org().events, pa.Table)
