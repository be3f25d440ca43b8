"""Identity resolution: e-mail case, Slack profile e-mails, the directory, alias files and Enron."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from orgnet.connectors import mbox as mbox_reader
from orgnet.connectors import slack as slack_reader
from orgnet.connectors.base import InputError, ReadResult
from orgnet.events import SCHEMA, events_from_frame
from orgnet.identity import read_aliases, resolve_identities

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SLACK = FIXTURES / "slack" / "modern"


@pytest.fixture()
def mail(tmp_path) -> ReadResult:
    box = tmp_path / "team.mbox"
    box.write_bytes(
        b"From x Mon Jan  1 00:00:00 2024\n"
        b"Message-ID: <1@example.com>\nFrom: Ana Alves <ANA.ALVES@example.com>\n"
        b"To: Ben <Ben@Example.com>, dora@example.com\nDate: Tue, 2 Jan 2024 09:00:00 +0000\n\nbody\n\n"
        b"From x Mon Jan  1 00:00:00 2024\n"
        b"Message-ID: <2@example.com>\nFrom: ben@example.com\nTo: ana.alves@example.com\n"
        b"In-Reply-To: <1@example.com>\nDate: Tue, 2 Jan 2024 10:00:00 +0000\n\nbody\n"
    )
    return mbox_reader.read(box)


def test_slack_user_with_email_and_mail_sender_are_one_person(mail):
    slack = slack_reader.read(SLACK)
    events, people = resolve_identities([slack, mail])
    assert events.schema == SCHEMA
    assert events.num_rows == slack.events.num_rows + mail.events.num_rows
    actors = set(events.column("actor").to_pylist())
    # Slack's U01ANA has the profile e-mail Ana.Alves@Example.COM; mail has ANA.ALVES@example.com
    assert "U01ANA" not in actors and "U02BEN" not in actors
    assert {"ana.alves@example.com", "ben@example.com"} <= actors
    p = people.set_index("person")
    assert p.loc["ana.alves@example.com", "sources"] == "email,slack"
    assert p.loc["ana.alves@example.com", "name"] in {"Ana Alves"}
    assert p.loc["ana.alves@example.com", "title"] == "Community lead"  # a Slack attribute kept
    assert p.loc["dora@example.com", "sources"] == "email"
    assert p.loc["U06BOT", "sources"] == "slack"  # no e-mail: keeps its Slack id
    assert people["person"].is_unique
    assert list(people.columns[:4]) == ["person", "name", "email", "sources"]


def test_directory_ids_win(mail):
    directory = pd.DataFrame({
        "employee_id": ["E1", "E2", "E9"],
        "name": ["Ana Alves (HR)", "Ben Brown", "Nadia Never-posts"],
        "email": ["Ana.Alves@example.com", "ben@example.com", "nadia@example.com"],
        "department": ["Comms", "IT", "Legal"],
    })
    events, people = resolve_identities([slack_reader.read(SLACK), mail], directory=directory)
    df = events.to_pandas()
    assert {"E1", "E2"} <= set(df["actor"])
    assert "ana.alves@example.com" not in set(df["actor"]) | set(df["target"].dropna())
    p = people.set_index("person")
    assert p.loc["E1", "name"] == "Ana Alves (HR)" and p.loc["E1", "department"] == "Comms"
    assert p.loc["E1", "sources"] == "email,slack,directory"
    assert p.loc["E9", "sources"] == "directory"  # in the roster, never active: still a person
    assert p.loc["E1", "email"] == "ana.alves@example.com"


def test_alias_file_merges_accounts(tmp_path, mail):
    path = tmp_path / "aliases.csv"
    path.write_text("\ufeffALIAS,Person\nDora@Example.com,ben@example.com\nU04GUEST,ana.alves@example.com\n",
                    encoding="utf-8")
    aliases = read_aliases(path)
    events, people = resolve_identities([slack_reader.read(SLACK), mail], aliases=aliases)
    df = events.to_pandas()
    assert "dora@example.com" not in set(df["target"].dropna())
    assert "U04GUEST" not in set(df["actor"]) | set(df["target"].dropna())
    assert "dora@example.com" not in set(people["person"])


def test_alias_chains_and_cycles():
    ev = events_from_frame(pd.DataFrame({"kind": ["post"], "actor": ["a"], "target": ["x"]}), source="csv")
    res = ReadResult(ev, pd.DataFrame({"person": ["a", "x"], "name": [None, None], "email": [None, None]}))
    chain = pd.DataFrame({"alias": ["a", "b"], "person": ["b", "c"]})
    events, _ = resolve_identities([res], aliases=chain)
    assert events.column("actor").to_pylist() == ["c"]
    with pytest.raises(InputError, match="cycle"):
        resolve_identities([res], aliases=pd.DataFrame({"alias": ["a", "b"], "person": ["b", "a"]}))


def test_read_aliases_errors(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("from,to\na,b\n")
    with pytest.raises(InputError, match=r"bad\.csv, record 1: missing column\(s\) alias, person"):
        read_aliases(bad)
    empty = tmp_path / "empty_value.csv"
    empty.write_text("alias,person\na,b\nc,\n")
    with pytest.raises(InputError, match=r"empty_value\.csv, record 3: person is empty"):
        read_aliases(empty)
    clash = tmp_path / "clash.csv"
    clash.write_text("alias,person\na,b\na,c\n")
    with pytest.raises(InputError, match=r"clash\.csv, record 3: alias 'a' is given to several persons"):
        read_aliases(clash)
    with pytest.raises(InputError, match="no such alias file"):
        read_aliases(tmp_path / "missing.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"alias,person\nJos\xe9,jose@x.org\n")
    with pytest.raises(InputError, match="not UTF-8"):
        read_aliases(latin)


@pytest.mark.realdata
def test_enron_alias_merges_two_addresses(shared_dataset, tmp_path):
    from orgnet.connectors import maildir as maildir_reader

    res = maildir_reader.read(shared_dataset("enron_maildir_subset") / "maildir" / "allen-p")
    before = res.events.to_pandas()
    assert {"phillip.allen@enron.com", "k..allen@enron.com"} <= set(before["actor"])
    path = tmp_path / "aliases.csv"
    path.write_text("alias,person\nk..allen@enron.com,phillip.allen@enron.com\n")
    events, people = resolve_identities([res], aliases=read_aliases(path))
    after = events.to_pandas()
    assert "k..allen@enron.com" not in set(after["actor"]) | set(after["target"].dropna())
    sent = before["actor"].isin(["phillip.allen@enron.com", "k..allen@enron.com"]).sum()
    assert (after["actor"] == "phillip.allen@enron.com").sum() == sent
    assert len(people) == len(res.people) - 1
    # the display name seen most often over both addresses (To: lines say "Allen, Phillip K.")
    assert people.set_index("person").loc["phillip.allen@enron.com", "name"] in {"Phillip K Allen",
                                                                                 "Allen, Phillip K."}


def test_viva_engage_sender_and_mail_address_in_another_case(tmp_path):
    from orgnet.connectors import viva_engage as viva_reader

    viva = viva_reader.read(FIXTURES / "viva_engage" / "network")  # user 1007: Eve.Park@CONTOSO.COM
    box = tmp_path / "eve.mbox"
    box.write_bytes(b"From x Mon Jan  1 00:00:00 2024\nMessage-ID: <e@contoso.com>\n"
                    b"From: Eve <EVE.PARK@contoso.com>\nTo: Ana Lima <Ana.Lima@Contoso.com>\n"
                    b"Date: Tue, 2 Jan 2024 09:00:00 +0000\n\nhi\n")
    events, people = resolve_identities([viva, mbox_reader.read(box)])
    df = events.to_pandas()
    assert "1007" not in set(df["actor"]) and "1001" not in set(df["actor"])
    email = df[df["source"] == "email"]
    assert email[["actor", "target"]].values.tolist() == [["eve.park@contoso.com", "ana.lima@contoso.com"]]
    p = people.set_index("person")
    assert p.loc["eve.park@contoso.com", "sources"] == "email,viva_engage"
    assert p.loc["eve.park@contoso.com", "department"] == "Design"  # Viva Engage attribute kept
    assert p.loc["dan.wu@contoso.com", "sources"] == "viva_engage"  # the watcher, by his e-mail
    assert p.loc["9999", "sources"] == "viva_engage"  # no e-mail known: the Viva Engage id stays


def _fresh(events):  # the same values in new buffers: no encoding remembered for them
    import pyarrow as pa

    return pa.Table.from_pylist(events.to_pylist(), schema=events.schema)


@pytest.mark.parametrize("n_sources", [1, 2])
def test_graph_from_resolved_events_matches_a_fresh_build(n_sources: int) -> None:
    import numpy as np

    from orgnet.graph import OrgGraph

    rng = np.random.default_rng(n_sources)
    ids = ["U1", "U2", "ana@x.org", "Ben@X.org", "cy", "dee", "ext@y.com"]
    results = []
    for s in range(n_sources):
        n = 60
        target = rng.choice(ids, n).astype(object)
        target[rng.random(n) < 0.3] = None
        frame = pd.DataFrame({"kind": rng.choice(["reply", "post", "mention"], n), "actor": rng.choice(ids, n),
                              "target": target, "external": rng.random(n) < 0.1})
        people = pd.DataFrame({"person": ["U1", "U2"], "name": ["Ana", "Ben"], "email": ["ANA@x.org", "ben@x.org"]})
        results.append(ReadResult(events_from_frame(frame, source=f"s{s}"), people, format=f"s{s}"))
    directory = pd.DataFrame({"person": ["e1", "e2"], "email": ["ana@x.org", "ben@x.org"]})
    aliases = pd.DataFrame({"alias": ["cy"], "person": ["dee"]})
    events, people = resolve_identities(results, directory=directory, aliases=aliases)
    assert "U1" not in set(events.column("actor").to_pylist())  # the ids were rewritten
    for include_external in (False, True):
        fresh = OrgGraph.from_events(_fresh(events), directory=directory, people=people,
                                     include_external=include_external)
        # resolve_identities remembers its encodings once: resolve again for the second build
        events, people = resolve_identities(results, directory=directory, aliases=aliases)
        from orgnet.events import _ENCODED, _buffers_key

        assert _buffers_key(events.column("actor")) in _ENCODED  # the graph build will not hash again
        handed_on = OrgGraph.from_events(events, directory=directory, people=people,
                                         include_external=include_external)
        assert handed_on.people["person"].tolist() == fresh.people["person"].tolist()
        assert (handed_on.adjacency != fresh.adjacency).nnz == 0
        assert handed_on.actor.tolist() == fresh.actor.tolist()
        assert handed_on.target.tolist() == fresh.target.tolist()


def test_source_bits_match_the_sorted_group_by() -> None:
    import numpy as np
    import pyarrow as pa

    from orgnet.identity.resolve import _joined_sources, _source_labels

    rng = np.random.default_rng(3)
    canonical = [f"p{i}" for i in rng.integers(0, 40, 300)]
    source = [["slack", "email", "directory", "b,c", "teams"][i] for i in rng.integers(0, 5, 300)]
    seen = pd.DataFrame({"canonical": pd.array(canonical, dtype="string"), "source": pd.array(source, dtype="string")})
    people = sorted(set(canonical))
    codes = np.array([people.index(c) for c in canonical])
    labels = _source_labels(codes, pa.array(source), len(people))
    assert labels is not None
    assert labels.to_pylist() == _joined_sources(seen).reindex(people).tolist()
