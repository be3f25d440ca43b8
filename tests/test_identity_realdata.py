"""Members, non-human senders and duplicate identities on the real datasets (read in place, today's defaults)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from orgnet.graph import OrgGraph
from orgnet.load import LoadedEvents, load_events

pytestmark = pytest.mark.realdata

#: What a list, announcement or no-reply address looks like to a reader of the Enron files.
NOT_A_PERSON = re.compile(r"announce|no\.?address|no-?reply|^dl-|^all[._]|postmaster|mailer-daemon"
                          r"|@(?:mailman|lists?|listserv)\.")


@pytest.fixture(scope="module")
def enron(shared_dataset) -> LoadedEvents:  # type: ignore[no-untyped-def]
    return load_events([shared_dataset("enron_maildir_subset") / "maildir"], org_domain="enron.com")


@pytest.fixture(scope="module")
def enron_inferred(shared_dataset) -> LoadedEvents:  # type: ignore[no-untyped-def]
    return load_events([shared_dataset("enron_maildir_subset") / "maildir"])


def _nodes(loaded: LoadedEvents) -> pd.Series:
    return OrgGraph.from_events(loaded.events, people=loaded.people).people["person"]


def test_enron_no_outside_address_among_the_nodes(enron: LoadedEvents) -> None:
    nodes = _nodes(enron)
    assert nodes.str.fullmatch(r"[^@]+@(?:[^@]+\.)?enron\.com").all(), nodes[~nodes.str.endswith("enron.com")].tolist()
    people = enron.people.set_index("person")
    outside = people.index[~people.index.str.fullmatch(r"[^@]+@(?:[^@]+\.)?enron\.com")]
    assert len(outside) > 0 and people.loc[outside, "external"].all()
    assert enron.membership.external == len(outside)
    # Outsiders keep their events (getting outside is counted on them).
    assert enron.events.to_pandas()["external"].sum() > 0


def test_enron_no_list_announcement_or_no_reply_sender_among_the_nodes(enron: LoadedEvents) -> None:
    nodes = _nodes(enron)
    assert not nodes.str.contains(NOT_A_PERSON).any(), nodes[nodes.str.contains(NOT_A_PERSON)].tolist()
    people = enron.people.set_index("person")
    for sender in ("enron.announcements@enron.com", "announcements.enron@enron.com", "no.address@enron.com",
                   "arsystem@mailman.enron.com", "dl-ga-all_domestic@enron.com"):
        assert people.loc[sender, "non_human"].startswith("address pattern: "), sender
        assert not people.loc[sender, "external"]  # inside the organisation, yet not a person
    assert enron.membership.non_human_evidence["address pattern"] > 0


def test_enron_phillip_allen_addresses_are_suggested(enron: LoadedEvents) -> None:
    both = pd.concat([enron.merged[["person", "alias", "evidence"]], enron.duplicates[["person", "alias", "evidence"]]])
    allen = both[both["person"] == "phillip.allen@enron.com"].set_index("alias")["evidence"]
    assert {"k..allen@enron.com", "pallen@enron.com", "pallen@ect.enron.com", "phillip.k.allen@enron.com",
            "pallen70@hotmail.com"} <= set(allen.index)
    # The two addresses carrying the same full display name are merged; the rest are left to the user.
    assert enron.merged.set_index("alias").loc["k..allen@enron.com", "person"] == "phillip.allen@enron.com"
    people = enron.people.set_index("person")
    assert "k..allen@enron.com" in people.loc["phillip.allen@enron.com", "also_known_as"].split(";")
    assert not enron.duplicates["certain"].any()  # every certain pair is merged


def test_enron_inferred_domain_is_enron(enron: LoadedEvents, enron_inferred: LoadedEvents) -> None:
    m = enron_inferred.membership
    assert (m.rule, m.domains, m.inferred) == ("inferred domain", ("enron.com",), True)
    assert 2 * m.evidence["domain_senders"] > m.evidence["senders"]
    assert m.note.startswith("inferred from the senders: enron.com")
    # The same people are members as when the domain is given.
    given = enron.people.set_index("person")["external"]
    inferred = enron_inferred.people.set_index("person")["external"]
    pd.testing.assert_series_equal(given.sort_index(), inferred.sort_index())


@pytest.mark.parametrize("name", ["slack_houstondatavis", "slack_olake_community"])
def test_slack_bots_are_non_human_and_no_node(shared_dataset, name: str) -> None:  # type: ignore[no-untyped-def]
    from orgnet.connectors import read
    from orgnet.findings import analyze

    raw = read(shared_dataset(name)).people
    bots = set(raw.loc[raw["is_bot"].fillna(False).astype(bool), "person"])
    loaded = load_events([shared_dataset(name)])
    people = loaded.people.set_index("person")
    flagged = set(people.index[people["non_human"] != ""])
    assert bots <= flagged
    assert all(people.loc[b, "non_human"].startswith("platform flag") for b in bots)
    findings = analyze(loaded.events, people=loaded.people)
    assert not flagged & set(findings.people["person"])
    # The pyramid is computed over the nodes: its levels (and those it sets apart) add up to them.
    pyramid = findings.pyramid
    assert sum(pyramid.overall.values()) + sum(pyramid.excluded.values()) == len(findings.people)
    assert not any(n for why, n in pyramid.excluded.items() if why.startswith("not a person"))  # no bot is a node
    assert loaded.membership.rule == "platform"


def _directory_run(tmp: Path, edges: pd.DataFrame, roster: pd.DataFrame) -> tuple[set[str], set[str]]:
    """Graph nodes now, and what they were before membership (directory + every id in the events)."""
    from orgnet.directory import read_directory

    (tmp / "events.csv").write_text(edges.to_csv(index=False))
    (tmp / "directory.csv").write_text(roster.to_csv(index=False))
    directory = read_directory(tmp / "directory.csv")
    loaded = load_events([tmp / "events.csv"], directory=directory)
    nodes = set(OrgGraph.from_events(loaded.events, directory=directory, people=loaded.people).people["person"])
    before = set(directory["person"]) | set(edges["actor"].astype(str)) | set(edges["target"].astype(str))
    assert (loaded.people["non_human"] == "").all()
    assert loaded.membership.rule == "directory"
    return nodes, before


def test_directory_still_decides_on_eu_core_and_perry_wolfe(shared_dataset, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = shared_dataset("email-Eu-core")
    edges = pd.read_csv(root / "email-Eu-core.txt", sep=" ", names=["actor", "target"]).assign(kind="mention")
    labels = pd.read_csv(root / "email-Eu-core-department-labels.txt", sep=" ", names=["person", "department"])
    (tmp_path / "eu").mkdir()
    nodes, before = _directory_run(tmp_path / "eu", edges, labels)
    assert nodes == before and len(nodes) == len(labels)

    root = shared_dataset("enron_perry_wolfe")
    actors = pd.read_csv(root / "actors.csv").rename(columns={"id": "person"})
    rec = pd.read_csv(root / "message_recipients.csv")
    msgs = pd.read_csv(root / "messages.csv")[["message_id", "time_utc"]]
    edges = rec.merge(msgs, on="message_id").rename(columns={"sender_id": "actor", "recipient_id": "target",
                                                             "time_utc": "ts", "message_id": "thread"})
    edges = edges.assign(kind="post", item=edges["thread"].astype(str) + " " + edges["target"].astype(str))
    (tmp_path / "pw").mkdir()
    nodes, before = _directory_run(tmp_path / "pw", edges[["ts", "kind", "actor", "target", "thread", "item"]],
                                   actors[["person", "name", "department"]])
    assert nodes == before and len(nodes) == len(actors)


def _sorted_events(loaded: LoadedEvents) -> pd.DataFrame:
    frame = loaded.events.to_pandas()
    frame["kind"] = frame["kind"].astype(str)
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def test_enron_same_events_as_one_folder_sub_folders_or_files(shared_dataset) -> None:  # type: ignore[no-untyped-def]
    root = shared_dataset("enron_maildir_subset") / "maildir"
    folder = _sorted_events(load_events([root]))
    subs = sorted(d for user in root.iterdir() for d in user.iterdir() if d.is_dir())
    pd.testing.assert_frame_equal(folder, _sorted_events(load_events(subs)))
    allen = root / "allen-p"
    files = sorted(p for p in allen.rglob("*") if p.is_file())
    assert len(files) > 1000
    pd.testing.assert_frame_equal(_sorted_events(load_events([allen])), _sorted_events(load_events(files)))


def test_apache_lists_and_tools_are_set_apart_and_a_list_subscriber_stays(shared_dataset) -> None:  # type: ignore[no-untyped-def]
    loaded = load_events([shared_dataset("mbox_apache_lists")])
    people = loaded.people.set_index("person")
    flagged = people["non_human"].fillna("") != ""
    for sender in ("private@maven.apache.org", "users@maven.apache.org", "dev@commons.apache.org", "jira@apache.org",
                   "jenkins@asterix-jenkins.ics.uci.edu"):
        assert flagged[sender], sender
    assert not flagged["lists@schramm.by"]  # Holger Schramm, subscribed with his own lists@ alias
    nodes = _nodes(loaded)
    assert not nodes.isin(people.index[flagged]).any()
    # Most senders are people: the rules do not sweep a list archive's posters away.
    assert flagged.mean() < 0.2, people.index[flagged].tolist()


def test_enron_departments_and_distribution_lists_are_set_apart(enron: LoadedEvents) -> None:
    people = enron.people.set_index("person")
    flagged = people["non_human"].fillna("") != ""
    named = people["name"].fillna("").str.contains(r"Administration|Human Resources|Office of the Chairman", case=False)
    assert named.sum() >= 3 and flagged[named].all(), people.index[named & ~flagged].tolist()
    dl = people.index.str.contains(r"(?:^|[._-])dl[-_.]")
    assert dl.sum() >= 5 and flagged[dl].all(), people.index[dl & ~flagged].tolist()
    assert not _nodes(enron).isin(people.index[flagged]).any()


def test_enron_truncated_addresses_name_no_one(enron: LoadedEvents) -> None:
    # "pr <.palmer@enron.com>": the export lost the first name; ".williams" was two people.
    people = enron.people
    assert not people["person"].str.contains(r"^\.|@\.", regex=True).any()
    noted = {k: v for s in enron.sources for k, v in (s.get("records_noted") or {}).items()}
    assert any("first part" in k and v > 0 for k, v in noted.items()), noted
