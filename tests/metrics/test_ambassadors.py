"""Ambassador components against a brute-force count."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from orgnet.metrics.ambassadors import AMBASSADOR_COMPONENTS, ambassador_components

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
            "responder_groups": len({groups[j] for j in responders[i] if groups[j] >= 0}),
            "people_answered": len(answered),
            "people_shared": len(shared),
        }
    return out


@settings(max_examples=60, deadline=None)
@given(event_logs())
def test_components_match_brute_force(case):
    ev, groups = case
    out = ambassador_components(ev, groups)
    expected = _brute(ev, groups)
    for i, comps in expected.items():
        for name in AMBASSADOR_COMPONENTS:
            assert getattr(out, name)[i] == comps[name], (i, name)
    contributed = {r.actor for r in ev.itertuples() if r.kind not in ("view", "join")}
    assert set(np.flatnonzero(out.contributed).tolist()) == contributed
