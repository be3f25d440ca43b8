"""Membership, non-human senders and duplicate identities: each rule on small tables of its own."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from orgnet.events import events_from_frame
from orgnet.identity import (
    decide_membership,
    infer_org_domains,
    non_human_evidence,
    normalise_names,
    suggest_duplicates,
)
from orgnet.identity.activity import sender_activity
from orgnet.identity.non_human import FANOUT_Z, address_evidence, evidence_kinds

# ------------------------------------------------------------------------------------- membership


def _people(ids: list[str], sources: str | list[str] = "email", **cols: object) -> pd.DataFrame:
    return pd.DataFrame({"person": ids, "email": [i if "@" in i else None for i in ids], "sources": sources, **cols})


def _sent(ids: list[str], counts: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"person": ids, "messages": counts})


def test_directory_decides_whatever_the_addresses() -> None:
    people = _people(["e1", "e2", "x@gmail.com"], sources=["email,directory", "directory", "email"])
    external, m = decide_membership(people, _sent(["e1"], [3]), directory=pd.DataFrame({"person": ["e1", "e2"]}),
                                    org_domains=["corp.com"])
    assert external.tolist() == [False, False, True]
    assert (m.rule, m.domains, m.inferred) == ("directory", (), False)


def test_org_domain_with_subdomains_and_platform_accounts() -> None:
    ids = ["a@corp.com", "b@eu.corp.com", "c@other.com", "d@other.com", "U1", "U2"]
    people = _people(ids, sources=["email", "email", "email", "slack", "slack", "slack"],
                     external=[None, None, None, None, None, True])
    external, m = decide_membership(people, _sent(ids, [1] * 6), org_domains=["corp.com"])
    # d@other.com is a Slack account (its profile e-mail is outside): a workspace member; U2 a guest.
    assert external.tolist() == [False, False, True, False, False, True]
    assert (m.rule, m.domains, m.inferred) == ("org domain", ("corp.com",), False)


def test_inferred_domain_needs_a_clear_majority_and_the_plurality_of_messages() -> None:
    inside = [f"p{i}@corp.com" for i in range(12)]
    outside = [f"q{i}@firm{i}.com" for i in range(4)]
    ids = inside + outside
    people = _people(ids)
    domains, evidence, note = infer_org_domains(people, _sent(ids, [2] * 16))
    assert domains == ("corp.com",) and evidence == {"senders": 16, "messages": 32, "domain_senders": 12,
                                                     "domain_messages": 24}
    assert "12 of 16 senders" in note
    # Half and one more of few senders is no clear majority: nothing is inferred, and the note says why.
    few = inside[:5] + outside
    domains, _, note = infer_org_domains(_people(few), _sent(few, [2] * 9))
    assert domains == () and note.startswith("no domain holds a clear majority")
    # The busiest domain by messages must also hold the senders.
    domains, _, _ = infer_org_domains(people, _sent(ids, [1] * 12 + [100] * 4))
    assert domains == ()


def test_webmail_is_never_inferred_and_non_human_addresses_do_not_vote() -> None:
    ids = [f"p{i}@gmail.com" for i in range(20)]
    domains, _, note = infer_org_domains(_people(ids), _sent(ids, [1] * 20))
    assert domains == () and "webmail" in note
    lists = [f"news{i}@lists.corp.com" for i in range(20)]
    people = _people(lists + ["ana@home.org"])
    domains, _, _ = infer_org_domains(people, _sent(lists + ["ana@home.org"], [1] * 21),
                                      not_people=np.array([True] * 20 + [False]))
    assert domains == ()  # one sender left: no majority to speak of


def test_without_domains_platform_flags_decide() -> None:
    people = _people(["U1", "U2"], sources="slack", external=[False, True])
    external, m = decide_membership(people, _sent(["U1"], [1]))
    assert external.tolist() == [False, True] and m.rule == "platform"
    external, m = decide_membership(_people(["1", "2"], sources="csv"), _sent(["1"], [1]))
    assert external.tolist() == [False, False] and m.rule == "none"


# ------------------------------------------------------------------------------------- non-human


@pytest.mark.parametrize("address, kind", [
    ("noreply@x.org", "no-reply"), ("no-reply@x.org", "no-reply"), ("do_not_reply@x.org", "no-reply"),
    ("DoNotReply@x.org", "no-reply"), ("mailer-daemon@x.org", "mailer-daemon"), ("postmaster@x.org", "postmaster"),
    ("no.address@enron.com", "no address"), ("enron.announcements@enron.com", "announcements"),
    ("newsletter@x.org", "newsletter"), ("dev-request@x.org", "mailing list"), ("users-list@x.org", "mailing list"),
    ("arsystem@mailman.enron.com", "list server"), ("dl-ga-all_domestic@enron.com", "distribution list"),
    ("all.employees@x.org", "distribution list"), ("notifications@github.com", "notifications"),
    ("noreply2@x.org", "no-reply"), ("postmaster1@x.org", "postmaster"),
    ("credit.dl-rac@enron.com", "distribution list"), ("users.dl-01v@x.org", "distribution list"),
    ("private@maven.example.org", "role address"), ("users@x.org", "role address"), ("dev@x.org", "role address"),
    ("jira@x.org", "role address"), ("jenkins@ci.x.org", "role address"), ("info2@x.org", "role address"),
])
def test_address_patterns(address: str, kind: str) -> None:
    assert address_evidence(pd.DataFrame({"person": [address]})).tolist() == [f"address pattern: {kind}"]


@pytest.mark.parametrize("address", ["newsome@x.org", "dan.list@x.org", "alice.allen@x.org", "nora.eply@x.org",
                                     "announ@x.org", "alerta.ruiz@x.org", "U024BE7LH", "developer.jones@x.org",
                                     "idle.smith@x.org", "dlamb@x.org", "users.smith@x.org", "info.wang@x.org"])
def test_people_are_not_caught_by_the_patterns(address: str) -> None:
    assert address_evidence(pd.DataFrame({"person": [address]})).tolist() == [""]


def test_display_name_patterns_and_platform_flags() -> None:
    people = pd.DataFrame({"person": ["winnerannouncements@info.example", "U1", "USLACKBOT", "U2"],
                           "name": ["Winner Announcements", "Deploy bot", "Slackbot", "Ana"],
                           "is_bot": [None, True, None, False]})
    assert non_human_evidence(people).tolist() == [
        "name pattern: announcements", "platform flag: is_bot", "platform flag: Slackbot", ""]


def test_list_headers_count_only_above_the_data_s_own_share() -> None:
    ids = [f"p{i}@corp.com" for i in range(30)] + ["digest@corp.com", "weekly@vendor.com"]
    sent = [20] * 30 + [25, 40]
    bulk = [0] * 30 + [1, 38]  # a person's few list posts; a newsletter's every issue
    people = pd.DataFrame({"person": ids, "sent": sent, "bulk_sent": bulk})
    out = non_human_evidence(people).tolist()
    assert out[-1] == "list headers on 95% of 40 messages"
    assert out[:30] == [""] * 30 and out[30] == "address pattern: digest"
    # A mailing-list archive: every message carries list headers, so they tell nobody apart.
    archive = pd.DataFrame({"person": ids, "sent": sent, "bulk_sent": sent})
    assert (non_human_evidence(archive).iloc[:30] == "").all()
    # Without the e-mail readers' columns the rule is silent (other sources, older readers).
    assert (non_human_evidence(pd.DataFrame({"person": ids})).iloc[:30] == "").all()


def _traffic(bot_replies: int = 0, bot_fanout: int = 30, seed: int = 0) -> pd.DataFrame:
    """Thirty people writing to one or two others, replying often; one broadcaster."""
    rng = np.random.default_rng(seed)
    people = [f"p{i}@corp.com" for i in range(30)]
    rows = []
    t = pd.Timestamp("2024-01-01", tz="UTC")
    for i, p in enumerate(people):
        for m in range(10):
            t += pd.Timedelta(minutes=1)
            kind = "reply" if rng.random() < 0.4 else "post"
            for r in rng.choice([q for q in people if q != p], rng.integers(1, 3), replace=False):
                rows.append((t, kind, p, r, f"{i}-{m}"))
    for m in range(40):
        t += pd.Timedelta(minutes=1)
        kind = "reply" if m < bot_replies else "post"
        for r in people[:bot_fanout]:
            rows.append((t, kind, "broadcaster@corp.com", r, f"b-{m}"))
    return pd.DataFrame(rows, columns=["ts", "kind", "actor", "target", "item"])


def test_fan_out_counts_only_together_with_never_replying() -> None:
    frame = _traffic()
    events = events_from_frame(frame, source="email")
    activity = sender_activity(events)
    ids = sorted(set(frame["actor"]))
    people = pd.DataFrame({"person": ids})
    out = pd.Series(non_human_evidence(people, activity).to_numpy(), index=ids)
    bot = out["broadcaster@corp.com"]
    assert bot.startswith("fan-out: median 30 recipients (org median ") and "; never replies: 0 of 40 messages" in bot
    assert (out.drop("broadcaster@corp.com") == "").all()
    # The same broadcaster who replies now and then is a busy person, not a list.
    replying = sender_activity(events_from_frame(_traffic(bot_replies=5), source="email"))
    assert non_human_evidence(people, replying).tolist() == [""] * len(ids)
    # A high z-score is what makes the fan-out an outlier, not a constant.
    act = activity.set_index("person")
    from orgnet.metrics.robust import modified_z as _modified_z

    z = pd.Series(_modified_z(np.log1p(act["fanout"].to_numpy())), index=act.index)
    assert z["broadcaster@corp.com"] >= FANOUT_Z > z.drop("broadcaster@corp.com").max()


def test_keep_and_add_senders() -> None:
    people = pd.DataFrame({"person": ["noreply@x.org", "ana@x.org", "U9"], "email": [None, "Ana@X.org", None]})
    out = non_human_evidence(people, keep=["NoReply@x.org"], add=["U9"])
    assert out.tolist() == ["", "", "listed by the user"]
    assert evidence_kinds(out) == {"listed by the user": 1}


# ------------------------------------------------------------------------------------- duplicates


def test_names_normalised() -> None:
    out = normalise_names(pd.Series(["Allen, Phillip K.", "PHILLIP K ALLEN", "José Núñez", "Núñez, José",
                                     "O'Brien-Smith, Ann (Legal)", "e-mail"]))
    assert out[0] == out[1] == "phillip k allen"
    assert out[2] == out[3] == "jose nunez"
    assert out[4] == "ann o brien smith".replace("o brien", "obrien")
    assert out[5] == "e mail"


def test_local_part_patterns_and_ambiguity() -> None:
    people = pd.DataFrame({"person": ["phillip.allen@x.com", "pallen@x.com", "allen-p@x.com", "k..allen@x.com",
                                      "margaret.allen@x.com", "melissa.allen@x.com", "m.allen@x.com"],
                           "name": ["Phillip K Allen", None, None, "Allen, Phillip K.", None, None, None]})
    out = suggest_duplicates(people, activity=pd.DataFrame({"person": ["phillip.allen@x.com"], "messages": [9]}))
    phillip = out[out["person"] == "phillip.allen@x.com"].set_index("alias")["evidence"]
    assert set(phillip.index) == {"pallen@x.com", "allen-p@x.com", "k..allen@x.com"}
    assert phillip["pallen@x.com"] == "display name 'Phillip K Allen' and local part pallen share surname and initial"
    # m.allen could be Margaret or Melissa: no suggestion; Margaret and Melissa are two people.
    assert not {"m.allen@x.com", "melissa.allen@x.com", "margaret.allen@x.com"} & set(out["alias"])
    assert out["alias"].is_unique


def test_two_middle_initials_are_two_people() -> None:
    people = pd.DataFrame({"person": ["pk@x.com", "pj@x.com", "pa@x.com"],
                           "name": ["Phillip K Allen", "Phillip J Allen", "Phillip Allen"]})
    assert suggest_duplicates(people).empty


def test_certain_only_with_the_documented_evidence() -> None:
    base = pd.DataFrame({"person": ["phillip.allen@x.com", "k..allen@x.com"],
                         "name": ["Phillip K Allen", "Allen, Phillip K."], "sources": "email"})
    assert suggest_duplicates(base, org_domains=["x.com"])["certain"].tolist() == [True]
    assert suggest_duplicates(base)["certain"].tolist() == [False]  # no organisation domain known
    other = base.assign(person=["phillip.allen@x.com", "k..allen@gmail.com"])
    assert suggest_duplicates(other, org_domains=["x.com"])["certain"].tolist() == [False]
    digits = base.assign(person=["phillip.allen@x.com", "phillip.allen2@x.com"])
    assert suggest_duplicates(digits, org_domains=["x.com"])["certain"].tolist() == [False]
    third = pd.concat([base, pd.DataFrame({"person": ["phillip.j.allen@x.com"], "name": ["Phillip J Allen"],
                                           "sources": "email"})], ignore_index=True)
    # Another Phillip Allen (another middle initial) in the data: the name is not theirs alone.
    assert suggest_duplicates(third, org_domains=["x.com"])["certain"].tolist() == [False]
    listed = base.assign(sources="email,directory")
    assert suggest_duplicates(listed, org_domains=["x.com"]).empty  # the directory lists them apart


def test_same_name_on_two_platforms_and_outsiders_only_as_aliases() -> None:
    people = pd.DataFrame({"person": ["U1", "ana.lima@x.org", "ana.lima@gmail.com", "bo@a.com", "bo@b.com"],
                           "name": ["Ana Lima", "Ana Lima", "Ana Lima", "Bo Berg", "Bo Berg"],
                           "sources": ["slack", "email", "email", "email", "email"],
                           "external": [False, False, True, True, True], "non_human": ""})
    out = suggest_duplicates(people).set_index("alias")
    assert out.loc["U1", "evidence"] == "same display name 'Ana Lima' in email and slack"
    assert out.loc["U1", "person"] == "ana.lima@x.org"  # the account with an e-mail address
    assert out.loc["ana.lima@gmail.com", "person"] == "ana.lima@x.org"
    assert "bo@a.com" not in out.index and "bo@b.com" not in out.index  # two outsiders: no member in the group


def test_non_human_accounts_are_not_suggested() -> None:
    people = pd.DataFrame({"person": ["a@x.com", "b@x.com"], "name": ["Enron Announcements"] * 2,
                           "non_human": ["address pattern: announcements", "address pattern: announcements"]})
    assert suggest_duplicates(people).empty


@pytest.mark.parametrize("address, name, kind", [
    ("lists@schramm.example", "Holger Schramm", ""),  # a person's own list alias: a personal name keeps it
    ("info@smith.example", "Ana Smith", ""),
    ("lists@schramm.example", None, "address pattern: role address"),
    ("dev@commons.example.org", "Commons Developers List", "address pattern: role address"),
    ("resources.human@x.com", "Human Resources", "name pattern: office or service"),
    ("administration.x@x.com", "X Messaging Administration", "name pattern: office or service"),
    ("chairman.x@x.com", "Office of the Chairman", "name pattern: office or service"),
    ("services.x@x.com", "X Media Services", "name pattern: office or service"),
    ("builder@ci.example.edu", "Asterix build server", "name pattern: build server"),
    ("tracker@x.org", "Tibor Digana (JIRA)", "name pattern: build server"),
    ("helper@x.org", "dependabot[bot]", "name pattern: build server"),
    ("p.jones@x.org", "Project Users List", "name pattern: list"),
    ("dan.list@x.org", "Dan List", ""),
    ("m.shop@x.org", "Maria Shopova", ""),
])
def test_role_addresses_and_role_names(address: str, name: str | None, kind: str) -> None:
    assert address_evidence(pd.DataFrame({"person": [address], "name": [name]})).tolist() == [kind]


# ---------------------------------------------------------------------------- per-sender activity


@pytest.mark.parametrize("coded", [False, True])
def test_sender_activity_counts_messages_as_a_recount_does(coded: bool) -> None:
    # Mails to several people (one row per recipient, some without one), replies, rows without a
    # time (one message per item), reactions (no message): against a recount with pandas.
    from orgnet.connectors.tabular import _coded_ids

    rng = np.random.default_rng(3)
    rows = []
    for m in range(600):
        actor, kind = f"p{rng.integers(0, 25)}", str(rng.choice(["post", "reply", "reaction"]))
        ts = None if rng.random() < 0.15 else pd.Timestamp("2024-01-01", tz="UTC") + pd.Timedelta(minutes=int(rng.integers(0, 400)))
        for _ in range(int(rng.integers(1, 5))):
            target = None if rng.random() < 0.2 else f"p{rng.integers(0, 25)}"
            rows.append({"ts": ts, "kind": kind, "actor": actor, "target": target, "item": f"m{m}"})
    frame = pd.DataFrame(rows).sample(frac=1, random_state=1).reset_index(drop=True)
    events = events_from_frame(frame, source="email")
    got = sender_activity(_coded_ids(events) if coded else events)

    sent = frame[frame["kind"].isin(["post", "reply"])].assign(reply=lambda f: f["kind"] == "reply")
    timed, untimed = sent[sent["ts"].notna()], sent[sent["ts"].isna()]
    msgs = timed.groupby(["actor", "ts", "reply"]).agg(recipients=("target", "count")).reset_index()
    other = untimed.drop_duplicates(["actor", "item", "reply"])
    everyone = pd.concat([msgs[["actor", "reply"]], other[["actor", "reply"]]])
    expected = everyone.groupby("actor").agg(messages=("reply", "size"), replies=("reply", "sum"))
    expected["fanout"] = msgs.groupby("actor")["recipients"].median()
    got = got.set_index("person")
    assert sorted(got.index) == sorted(expected.index)
    pd.testing.assert_frame_equal(got[["messages", "replies", "fanout"]].sort_index(),
                                  expected.sort_index().astype({"messages": np.int64, "replies": np.int64}),
                                  check_names=False, check_index_type=False)
