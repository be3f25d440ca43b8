"""Who is counted, end to end on real exports with the command line's defaults (issue 12's must-shows).

Enron mail with ``--org-domain enron.com``: no outside address among the members, the pyramid or
any role; no list, announcement or no-reply sender among ambassadors, connectors or silo bridges.
Slack: response times from timed answers only (reactions carry their message's time), bots not
counted as watchers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from orgnet.cli import main
from orgnet.findings import analyze
from orgnet.load import load_events

pytestmark = pytest.mark.realdata


def _analyze(tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "report"
    result = CliRunner().invoke(main, ["analyze", *args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def enron(shared_dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _analyze(tmp_path_factory.mktemp("enron"), str(shared_dataset("enron_maildir_subset") / "maildir"),
                    "--org-domain", "enron.com")


def _inside(person: str) -> bool:
    """An address of enron.com or one of its subdomains (ect.enron.com is Enron's too)."""
    domain = person.rsplit("@", 1)[-1].lower()
    return domain == "enron.com" or domain.endswith(".enron.com")


def _ids(text: pd.Series) -> set[str]:
    return {p for cell in text.dropna().astype(str) for p in cell.split(";") if p}


def test_enron_members_pyramid_and_roles_are_inside_the_organisation(enron: Path) -> None:
    people = pd.read_csv(enron / "people.csv", dtype={"person": str})
    assert len(people) > 1000
    assert people["person"].map(_inside).all()
    leveled = people[people["pyramid_level"].notna()]
    assert len(leveled) and leveled["person"].map(_inside).all()
    holders = set(pd.read_csv(enron / "connectors.csv", dtype=str)["person"])
    holders |= set(pd.read_csv(enron / "ambassadors.csv", dtype=str)["person"])
    holders |= _ids(pd.read_csv(enron / "groups.csv", dtype=str)["bridges"])
    assert holders and all(_inside(p) for p in holders)


def test_enron_lists_and_announcements_hold_no_role(enron: Path) -> None:
    doc = json.loads((enron / "findings.json").read_text(encoding="utf-8"))
    apart = {r["person"] for r in doc["population"]["set_apart"]}
    # The shared subset's lists and announcement senders are found from the evidence in the data.
    assert {"enron.announcements@enron.com", "all.houston@enron.com"} & apart
    assert any("announcements" in r["evidence"] for r in doc["population"]["set_apart"])
    holders = {r["person"] for r in doc["connectors"]["rows"]} | {r["person"] for r in doc["ambassadors"]["rows"]}
    holders |= {p for r in doc["silos"]["rows"] for p in r["bridges"]}
    assert not holders & apart
    for person in holders:
        local = person.split("@")[0]
        assert not any(word in local for word in ("announce", "no.address", "noreply", "no-reply", "mailer")), person
    people = pd.read_csv(enron / "people.csv", dtype={"person": str})
    assert not set(people["person"]) & apart  # set apart: no node at all
    index = (enron / "index.html").read_text(encoding="utf-8")
    assert "set apart as not people" in index and "Members are the addresses of enron.com" in index


def test_enron_phillip_allen_duplicates_are_suggested(shared_dataset) -> None:
    loaded = load_events([shared_dataset("enron_maildir_subset") / "maildir"], org_domain=["enron.com"])
    pairs = loaded.duplicates
    allen = pairs[(pairs["person"] == "phillip.allen@enron.com") | (pairs["alias"] == "phillip.allen@enron.com")]
    others = set(allen["person"]) | set(allen["alias"])
    assert {"pallen@enron.com", "phillip.k.allen@enron.com"} <= others
    merged = set(loaded.merged["alias"]) if len(loaded.merged) else set()
    assert "k..allen@enron.com" in merged | others


def _replies_only_median_hours(path: Path) -> float:
    """The median delay to the first reply by someone else (reactions and shares left out)."""
    events = load_events([path]).events.to_pandas()
    events = events[events["thread"].notna() & events["ts"].notna()]
    posts = events[events["kind"] == "post"].sort_values("ts").drop_duplicates("thread")
    replies = events[events["kind"] == "reply"].merge(posts[["thread", "actor", "ts"]], on="thread",
                                                      suffixes=("", "_post"))
    replies = replies[(replies["actor"] != replies["actor_post"]) & (replies["ts"] >= replies["ts_post"])]
    first = replies.groupby("thread").agg(reply=("ts", "min"), post=("ts_post", "first"))
    return float(((first["reply"] - first["post"]) / pd.Timedelta(hours=1)).median())


@pytest.mark.parametrize("dataset", ["slack_houstondatavis", "slack_olake_community"])
def test_slack_response_times_come_from_timed_answers_and_bots_are_not_watchers(dataset: str, shared_dataset,
                                                                                tmp_path: Path) -> None:
    path = shared_dataset(dataset)
    loaded = load_events([path])
    f = analyze(loaded.events, people=loaded.people, sources=loaded.sources)
    half = f.responses.half_life
    bots = loaded.people[loaded.people["non_human"].str.contains("bot", case=False, na=False)]
    if dataset == "slack_olake_community":
        assert len(bots) >= 10
        # Within 10% of the median a person reads off the replies alone (threads have no shares here).
        expected = _replies_only_median_hours(path)
        assert half is not None and half["half_life_hours"] > 0
        assert abs(half["half_life_hours"] - expected) <= 0.1 * expected
    elif half is not None:  # the 2016 export has no threads: no answer can be timed
        assert half["answered"] == 0 or half["half_life_hours"] > 0
    # Bots make no node: they are not watchers, nor anywhere in the pyramid.
    assert not set(bots["person"]) & set(f.people["person"])
    assert sum(f.pyramid.overall.values()) == int(f.people["eligible"].sum()) - f.pyramid.excluded.get(
        "deleted accounts that never took part", 0)
