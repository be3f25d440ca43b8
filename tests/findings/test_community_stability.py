"""Community seed stability is measured and reported; no trend is reported on unstable communities."""

from __future__ import annotations

import numpy as np
import pandas as pd

from orgnet.events import events_from_frame
from orgnet.findings import AnalysisOptions, analyze


def _events(blocks: int, size: int, p_in: float, p_out: float, seed: int = 0) -> pd.DataFrame:
    """A planted-partition network spread over four months (no directory: communities are the groups)."""
    rng = np.random.default_rng(seed)
    n = blocks * size
    block = np.arange(n) // size
    same = block[:, None] == block[None, :]
    ties = np.argwhere(np.triu(rng.random((n, n)) < np.where(same, p_in, p_out), k=1))
    ts = pd.Timestamp("2025-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 120 * 86400, len(ties)), unit="s")
    return pd.DataFrame({"kind": "post", "actor": [f"p{i}" for i in ties[:, 0]],
                         "target": [f"p{j}" for j in ties[:, 1]], "ts": ts})


def test_clear_communities_are_stable_and_reported():
    f = analyze(events_from_frame(_events(6, 25, 0.4, 0.01)), options=AnalysisOptions(by="month"))
    s = f.summary.methods["community_stability"]
    assert s["stable"] and s["mean_nmi"] > 0.9 and len(s["nmi"]) == len(s["seeds"]) == 3
    assert f.summary.communities == 6
    assert "seed stability: mean NMI" in f.summary.methods["communities"]


def test_no_trend_on_communities_that_change_with_the_seed():
    # No planted structure: a sparse random network, whose communities are an accident of the seed.
    f = analyze(events_from_frame(_events(1, 150, 0.03, 0.03)), options=AnalysisOptions(by="month"))
    s = f.summary.methods["community_stability"]
    assert not s["stable"] and s["mean_nmi"] < 0.8
    assert "unstable" in f.summary.methods["communities"]
    per = f.periods
    assert per is not None and per.grouping == "community"
    assert all(len(per.changes.get(k, [])) == 0 for k in ("new_silos", "silos_no_longer", "more_inward"))
    assert "no trend is reported" in per.note
