"""The ambassador rule: reach and giving beat volume, only eligible contributors rank, relabelling permutes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from orgnet.findings.ambassadors import ambassador_ranking, ambassadors
from orgnet.findings.rules import AmbassadorRules
from orgnet.metrics.ambassadors import ambassador_components

KINDS = ["post", "reply", "reaction", "share", "mention", "view"]


def _volume_and_reach() -> tuple[pd.DataFrame, np.ndarray]:
    rows = []
    t0 = pd.Timestamp("2025-01-06", tz="UTC")
    # Person 0: one post a week for 8 weeks, answered by 8 different people in 4 groups, and
    # answers others. Person 1: 40 posts in one week, all answered by the same person, answers nobody.
    for w in range(8):
        rows.append(("post", 0, -1, f"a{w}", t0 + pd.Timedelta(weeks=w)))
        rows.append(("reply", 2 + w, 0, f"a{w}", t0 + pd.Timedelta(weeks=w, hours=1)))
        rows.append(("reply", 0, 2 + (w + 1) % 8, f"x{w}", t0 + pd.Timedelta(weeks=w, hours=2)))
    for k in range(40):
        rows.append(("post", 1, -1, f"b{k}", t0 + pd.Timedelta(hours=k)))
        rows.append(("reply", 10, 1, f"b{k}", t0 + pd.Timedelta(hours=k, minutes=5)))
    ev = pd.DataFrame(rows, columns=["kind", "actor", "target", "thread", "ts"])
    return ev, np.array([0, 0, 0, 1, 1, 2, 2, 3, 3, 0, 1])


def test_reach_and_giving_beat_volume():
    ev, groups = _volume_and_reach()
    out = ambassadors(ev, groups).table
    assert out.loc[0, "code"] == 0
    assert out.set_index("code").loc[1, "conversations"] == 40
    assert out["rank"].tolist() == list(range(1, len(out) + 1))


def test_people_who_cannot_hold_a_role_score_zero_and_are_never_flagged():
    ev, groups = _volume_and_reach()
    eligible = np.ones(len(groups), dtype=bool)
    eligible[0] = False  # e.g. a distribution list or an outside address
    ranked = ambassador_ranking(ambassador_components(ev, groups), eligible)
    row = ranked.set_index("code").loc[0]
    assert row["score"] == 0 and not row["flagged"]
    assert ranked.iloc[0]["code"] != 0


def test_non_contributors_score_zero_and_ranks_cover_everyone():
    ev, groups = _volume_and_reach()
    comp = ambassador_components(ev, groups)
    ranked = ambassador_ranking(comp)
    assert sorted(ranked["rank"]) == list(range(1, len(groups) + 1))
    silent = ~comp.contributed
    assert (ranked.set_index("code").loc[np.flatnonzero(silent), "score"] == 0).all()


def test_short_list_beside_flagged_ones():
    ev, groups = _volume_and_reach()
    section = ambassadors(ev, groups, rules=AmbassadorRules(min_listed=3))
    assert len(section.table) == max(section.flagged, 3)
    assert section.weeks == 8
    reason = section.reason(0)
    assert reason.finding == "ambassador" and reason.evidence[0].numbers["people"] == 8


def test_relabelling_people_permutes_scores():
    rng = np.random.default_rng(3)
    n, m = 12, 200
    ev = pd.DataFrame(
        {
            "kind": rng.choice(KINDS, m),
            "actor": rng.integers(0, n, m),
            "target": rng.integers(-1, n, m),
            "thread": rng.choice(["t1", "t2", "t3", "t4"], m),
            "ts": pd.Timestamp("2025-01-06", tz="UTC") + pd.to_timedelta(rng.integers(0, 10**5, m), unit="min"),
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
