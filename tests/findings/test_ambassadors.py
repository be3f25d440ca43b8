"""The ambassador rule: no component vetoes, reach counts beyond any percentile, flagged is not ranked.

The profiles are built here, not by the synthetic generator: an ordinary population (posts
answered by a few colleagues, answers a few) and, beside it, a catalyst (answered by many in
every group, answers almost no one), a helper (answers everyone, few answer them) and a
broadcaster (posts a lot, nobody answers).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from orgnet.findings.ambassadors import ambassador_ranking, ambassadors, component_weights
from orgnet.findings.rules import AmbassadorRules
from orgnet.metrics.ambassadors import ambassador_components

KINDS = ["post", "reply", "reaction", "share", "mention", "view"]
T0 = pd.Timestamp("2025-01-06", tz="UTC")
ORDINARY, GROUPS = 400, 40
CATALYST, HELPER, BROADCASTER = ORDINARY, ORDINARY + 1, ORDINARY + 2


def _profiles(seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """About the organisation of the issue: the median person is answered by ~10 people in ~3 groups."""
    rng = np.random.default_rng(seed)
    groups = np.r_[np.arange(ORDINARY) % GROUPS, 0, 1, 2]
    members = [np.flatnonzero(groups[:ORDINARY] == g) for g in range(GROUPS)]
    rows: list[tuple[str, int, int, str, pd.Timestamp]] = []
    for p in range(ORDINARY):
        for w in range(int(rng.integers(2, 9))):  # a post most weeks, answered by 1-3 people, mostly colleagues
            thread = f"p{p}w{w}"
            at = T0 + pd.Timedelta(weeks=w, hours=int(rng.integers(0, 100)))
            rows.append(("post", p, -1, thread, at))
            for _ in range(int(rng.integers(1, 4))):
                pool = members[groups[p]] if rng.random() < 0.8 else np.arange(ORDINARY)
                q = int(rng.choice(pool))
                if q != p:
                    rows.append(("reply", q, p, thread, at + pd.Timedelta(hours=1)))
    for w in range(8):  # the catalyst: 8 threads, each answered by 40 people from anywhere
        thread = f"cat{w}"
        rows.append(("post", CATALYST, -1, thread, T0 + pd.Timedelta(weeks=w)))
        for q in rng.choice(ORDINARY, 40, replace=False):
            rows.append(("reply", int(q), CATALYST, thread, T0 + pd.Timedelta(weeks=w, hours=2)))
    rows.append(("reply", CATALYST, 0, "p0w0", T0 + pd.Timedelta(hours=3)))  # answers one person
    for q in range(ORDINARY):  # the helper answers everyone's first post; one person answers back
        rows.append(("reply", HELPER, q, f"p{q}w0", T0 + pd.Timedelta(days=3)))
    rows.append(("post", HELPER, -1, "helper", T0))
    rows.append(("reply", 1, HELPER, "helper", T0 + pd.Timedelta(hours=1)))
    for k in range(60):  # the broadcaster: 60 announcements, nobody answers
        rows.append(("post", BROADCASTER, -1, f"b{k}", T0 + pd.Timedelta(hours=12 * k)))
    return pd.DataFrame(rows, columns=["kind", "actor", "target", "thread", "ts"]), groups


@pytest.fixture(scope="module")
def ranked() -> pd.DataFrame:
    ev, groups = _profiles()
    return ambassador_ranking(ambassador_components(ev, groups)).set_index("code")


def test_catalyst_who_answers_few_is_flagged_first(ranked):
    row = ranked.loc[CATALYST]
    assert row["flagged"] and row["rank"] == 1
    assert row["people_answered"] == 1  # a low component does not veto


def test_helper_who_answers_everyone_is_not_flagged(ranked):
    assert ranked.loc[HELPER, "people_answered"] == ORDINARY
    assert not ranked.loc[HELPER, "flagged"]


def test_broadcaster_nobody_answers_is_not_flagged(ranked):
    assert ranked.loc[BROADCASTER, "responders"] == 0
    assert not ranked.loc[BROADCASTER, "flagged"]
    assert ranked.loc[BROADCASTER, "score"] < ranked["score"].median()


def test_reach_counts_beyond_the_top_percentile():
    # Doubling the catalyst's responders raises the score though they are already first.
    ev, groups = _profiles()
    more = ev[ev["actor"] != CATALYST].copy()
    base = ambassador_ranking(ambassador_components(ev, groups)).set_index("code").loc[CATALYST, "score"]
    extra = [("post", CATALYST, -1, f"cat{w}", T0 + pd.Timedelta(weeks=w)) for w in range(8)]
    extra += [("reply", q, CATALYST, f"cat{w}", T0 + pd.Timedelta(weeks=w, hours=2))
              for w in range(8) for q in range(w * 50, w * 50 + 50)]
    extra.append(("reply", CATALYST, 0, "p0w0", T0 + pd.Timedelta(hours=3)))
    more = pd.concat([more, pd.DataFrame(extra, columns=ev.columns)], ignore_index=True)
    moved = ambassador_ranking(ambassador_components(more, groups)).set_index("code").loc[CATALYST]
    assert moved["responders"] == ORDINARY and moved["score"] > base


def test_section_holds_only_the_flagged(ranked):
    ev, groups = _profiles()
    section = ambassadors(ev, groups)
    assert section.status == "flagged"
    assert section.table["flagged"].all() and len(section.table) == ranked["flagged"].sum()
    assert section.scored == ORDINARY + 3
    assert section.reason(0).evidence[0].numbers["people"] == ranked.loc[CATALYST, "responders"]


def test_no_responses_cannot_be_measured_and_nobody_is_ranked():
    ev = pd.DataFrame({"kind": ["post"] * 6, "actor": [0, 1, 2, 0, 1, 0], "target": [1, 2, 0, 2, 0, 1],
                       "thread": [None] * 6, "ts": pd.NaT})
    section = ambassadors(ev, np.array([0, 0, 1]))
    assert section.status == "not_measurable" and not len(section.table) and section.scored == 0
    assert "cannot be measured" in section.note
    assert "weeks_active" in section.unmeasured
    ranked = ambassador_ranking(ambassador_components(ev, np.array([0, 0, 1])))
    assert ranked["score"].isna().all() and not ranked["flagged"].any()


def test_no_one_stands_out_in_an_even_population():
    # Everyone posts once and is answered by the next two people: all alike.
    n = 30
    rows = [("post", p, -1, f"t{p}") for p in range(n)]
    rows += [("reply", (p + d) % n, p, f"t{p}") for p in range(n) for d in (1, 2)]
    ev = pd.DataFrame(rows, columns=["kind", "actor", "target", "thread"]).assign(ts=pd.NaT)
    section = ambassadors(ev, np.arange(n) % 3)
    assert section.status == "none_stand_out" and section.flagged == 0 and not len(section.table)
    assert section.scored == n and "no one stands out" in section.note


def test_people_who_cannot_hold_a_role_are_not_scored():
    ev, groups = _profiles()
    eligible = np.ones(len(groups), dtype=bool)
    eligible[CATALYST] = False  # e.g. a distribution list or an outside address
    ranked = ambassador_ranking(ambassador_components(ev, groups), eligible).set_index("code")
    assert np.isnan(ranked.loc[CATALYST, "score"]) and not ranked.loc[CATALYST, "flagged"]
    assert ranked.loc[CATALYST, "rank"] == len(groups) - (~ambassador_components(ev, groups).contributed).sum()


def test_weights_sum_to_one_and_reach_carries_its_share():
    w = component_weights(AmbassadorRules(reach_weight=0.6))
    assert abs(sum(w.values()) - 1) < 1e-12
    assert abs(w["responders"] + w["responder_groups"] - 0.6) < 1e-12


def test_relabelling_people_permutes_scores():
    rng = np.random.default_rng(3)
    n, m = 12, 200
    ev = pd.DataFrame(
        {
            "kind": rng.choice(KINDS, m),
            "actor": rng.integers(0, n, m),
            "target": rng.integers(-1, n, m),
            "thread": rng.choice(["t1", "t2", "t3", "t4"], m),
            "ts": T0 + pd.to_timedelta(rng.integers(0, 10**5, m), unit="min"),
        }
    )
    groups = rng.integers(0, 3, n)
    perm = rng.permutation(n)  # old code i becomes perm[i]
    moved = ev.assign(actor=perm[ev["actor"]], target=np.where(ev["target"] >= 0, perm[ev["target"].clip(lower=0)], -1))
    new_groups = np.empty(n, dtype=int)
    new_groups[perm] = groups
    a = ambassador_ranking(ambassador_components(ev, groups)).set_index("code").sort_index()
    b = ambassador_ranking(ambassador_components(moved, new_groups)).set_index("code").sort_index()
    np.testing.assert_allclose(b["score"].to_numpy()[perm], a["score"].to_numpy())


def test_light_contributors_widen_the_flagged_list_at_most_to_the_top_share_of_members():
    # 2,000 members who only watch, then the same people replying once each to someone: as
    # contributors they narrow the contributors' median and MAD, and the outlier rule alone lets
    # ordinary people through; the members, and so the top 2% of them, stay the same.
    ev, groups = _profiles()
    rng = np.random.default_rng(1)
    crowd = np.arange(len(groups), len(groups) + 2000)
    groups = np.r_[groups, rng.integers(0, GROUPS, len(crowd))]
    at = T0 + pd.Timedelta(days=10)
    watch = pd.DataFrame({"kind": "view", "actor": crowd, "target": -1, "thread": None, "ts": at})
    reply = watch.assign(kind="reply", target=rng.integers(0, ORDINARY, len(crowd)))
    limit = np.ceil(0.02 * len(groups))
    quiet = ambassador_ranking(ambassador_components(pd.concat([ev, watch], ignore_index=True), groups))
    comp = ambassador_components(pd.concat([ev, reply], ignore_index=True), groups)
    busy = ambassador_ranking(comp)
    alone = ambassador_ranking(comp, rules=AmbassadorRules(top_share=1.0))
    assert quiet["flagged"].sum() <= busy["flagged"].sum() <= limit < alone["flagged"].sum()
    for frame in (quiet, busy):
        top = frame.set_index("code")
        assert top.loc[CATALYST, "flagged"] and top.loc[CATALYST, "rank"] == 1
        assert not top.loc[[HELPER, BROADCASTER], "flagged"].any()
