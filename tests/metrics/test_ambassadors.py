"""Ambassador components against a brute-force count; volume does not beat reach."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from orgnet.metrics.ambassadors import AMBASSADOR_COMPONENTS, ambassador_scores

KINDS = ["post", "reply", "reaction", "share", "mention", "view"]


@st.composite
def event_logs(draw):
    n = draw(st.integers(3, 8))
    m = draw(st.integers(1, 40))
    rng = np.random.default_rng(draw(st.integers(0, 2**31 - 1)))
    kind = rng.choice(KINDS, m)
    actor = rng.integers(0, n, m)
    target = np.where(np.isin(kind, ["post", "view"]), -1, rng.integers(-1, n, m))
    thread = np.where(rng.random(m) < 0.8, rng.choice(["t1", "t2", "t3"], m), None)
    ts = pd.Timestamp("2025-01-06", tz="UTC") + pd.to_timedelta(rng.integers(0, 60 * 24 * 30, m), unit="min")
    groups = rng.integers(-1, 3, n)
    return pd.DataFrame({"kind": kind, "actor": actor, "target": target, "thread": thread, "ts": ts}), groups


def _brute(ev: pd.DataFrame, groups: np.ndarray):
    n = len(groups)
    rows = list(ev.itertuples())
    starters = {}
    for r in sorted((r for r in rows if r.kind == "post" and pd.notna(r.thread)), key=lambda r: r.ts):
        starters.setdefault(r.thread, r.actor)
    responders = {i: set() for i in range(n)}
    convs = {i: set() for i in range(n)}
    for r in rows:
        if r.kind in ("reply", "reaction", "share") and pd.notna(r.thread) and r.thread in starters and r.actor != starters[r.thread]:
            responders[starters[r.thread]].add(r.actor)
            convs[starters[r.thread]].add(r.thread)
        if r.kind in ("reply", "reaction", "share", "mention") and r.target >= 0 and r.target != r.actor:
            responders[r.target].add(r.actor)
    t0 = ev["ts"].min().normalize()
    out = {}
    for i in range(n):
        weeks = {(r.ts - t0).days // 7 for r in rows if r.actor == i and r.kind != "view"}
        answered = {r.target for r in rows if r.actor == i and r.kind in ("reply", "reaction") and r.target >= 0 and r.target != i}
        shared = {r.target for r in rows if r.actor == i and r.kind == "share" and r.target >= 0 and r.target != i}
        out[i] = {
            "weeks_active": len(weeks),
            "conversations": len(convs[i]),
            "responders": len(responders[i]),
            "departments": len({groups[j] for j in responders[i] if groups[j] >= 0}),
            "people_answered": len(answered),
            "people_shared": len(shared),
        }
    return out


@settings(max_examples=60, deadline=None)
@given(event_logs())
def test_components_match_brute_force(case):
    ev, groups = case
    out = ambassador_scores(ev, groups).set_index("code")
    expected = _brute(ev, groups)
    for i, comps in expected.items():
        for name in AMBASSADOR_COMPONENTS:
            assert out.loc[i, name] == comps[name], (i, name)
    assert out["rank"].sort_values().tolist() == list(range(1, len(groups) + 1))
    assert (out.loc[out["weeks_active"] == 0, "score"] == 0).all()
    assert out["reason"].str.contains(r"\d").all()


def test_reach_and_giving_beat_volume():
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
    groups = np.array([0, 0, 0, 1, 1, 2, 2, 3, 3, 0, 1])
    out = ambassador_scores(ev, groups)
    assert out.loc[0, "code"] == 0
    assert out.set_index("code").loc[1, "conversations"] == 40


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
    a = ambassador_scores(ev, groups).set_index("code").sort_index()
    b = ambassador_scores(moved, new_groups).set_index("code").sort_index()
    np.testing.assert_allclose(b["score"].to_numpy()[perm], a["score"].to_numpy())
