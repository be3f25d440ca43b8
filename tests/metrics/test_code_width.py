"""32-bit node and thread codes give the measures exactly what 64-bit codes give.

The graph hands the measures 32-bit per-event codes (``OrgGraph.actor``/``target``, the thread
keys): at 50M events each 64-bit column is 400 MB. The measures widen only where they pack
keys, so the two widths must agree to the last value, whatever the events.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgnet.events import events_from_frame
from orgnet.findings.compute import thread_keys
from orgnet.graph import OrgGraph
from orgnet.metrics.ambassadors import ambassador_components
from orgnet.metrics.columns import thread_codes
from orgnet.metrics.engagement import engagement_levels
from orgnet.metrics.time import first_responses, getting_outside

KINDS = ["post", "reply", "reaction", "share", "mention", "view"]


def _events(seed: int, m: int, n: int, low: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    codes = np.append(np.arange(low, n), -1)  # -1: no one
    return pd.DataFrame({
        "kind": pd.Categorical(rng.choice(KINDS, m)),
        "actor": rng.choice(codes, m),
        "target": rng.choice(codes, m),
        "thread": np.where(rng.random(m) < 0.1, -1, low + rng.integers(0, max(m // 3, 1), m)),
        "ts": pd.Timestamp("2025-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 200 * 24, m), unit="h"),
    })


def _narrow(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for c in ("actor", "target", "thread"):
        out[c] = out[c].to_numpy().astype(np.int32)
    return out


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), m=st.integers(0, 400), n=st.integers(1, 40))
def test_measures_agree_on_32_and_64_bit_codes(seed: int, m: int, n: int) -> None:
    _agree(seed, m, n)


def test_measures_agree_where_products_of_codes_pass_32_bits() -> None:
    # Codes near two million people and threads: any key packed from two codes without widening
    # first (person x thread, person x contact) would wrap around in 32 bits.
    _agree(7, 600, 2**21, low=2**21 - 60)


def _agree(seed: int, m: int, n: int, low: int = 0) -> None:
    wide = _events(seed, m, n, low)
    narrow = _narrow(wide)
    groups = np.random.default_rng(seed).integers(-1, 4, n)
    a, b = ambassador_components(wide, groups), ambassador_components(narrow, groups)
    for name in ("weeks_active", "conversations", "responders", "responder_groups", "people_answered",
                 "people_shared", "responses_given", "shares_of_others", "contributed"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.weeks == b.weeks
    assert list(engagement_levels(wide["kind"], wide["actor"].to_numpy(), n)) == \
        list(engagement_levels(narrow["kind"], narrow["actor"].to_numpy(), n))
    if m:
        outside = [getting_outside(f["ts"], f["actor"].to_numpy(), f["target"].to_numpy(), groups, min_contacts=2)
                   for f in (wide, narrow)]
        pd.testing.assert_frame_equal(outside[0], outside[1])
    answered = [first_responses(f["ts"], f["kind"], f["actor"].to_numpy(), f["thread"].to_numpy())
                for f in (wide, narrow)]
    pd.testing.assert_frame_equal(answered[0], answered[1], check_dtype=False)


def test_thread_codes_keep_32_bit_codes_without_a_copy() -> None:
    codes = np.array([3, -1, 0, 3], dtype=np.int32)
    out, values_of = thread_codes(codes)
    assert out is codes
    assert values_of(np.array([0, 2])).tolist() == [3, 0]


def test_a_graph_codes_its_events_in_32_bits() -> None:
    ev = events_from_frame(pd.DataFrame({"kind": ["post", "reply", "reply"], "actor": ["a", "b", "c"],
                                         "target": [None, "a", "zz@outside.org"], "thread": ["t", "t", "u"]}),
                           source="csv")
    g = OrgGraph.from_events(ev)
    assert g.actor.dtype == np.int32 and g.target.dtype == np.int32
    people = g.people["person"].tolist()
    assert [people[i] for i in g.actor] == ["a", "b", "c"]
    assert g.target[0] == -1 and people[g.target[1]] == "a"
    assert thread_keys(ev.column("thread")).dtype == np.int32


@pytest.mark.parametrize("n", [0, 5])
def test_engagement_levels_read_32_bit_codes(n: int) -> None:
    actor = np.array([0, 1, -1], dtype=np.int32)[: 3 if n else 0]
    kinds = pd.Categorical(["post", "view", "reply"][: len(actor)])
    assert len(engagement_levels(kinds, actor, n)) == n


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), m=st.integers(1, 400), n=st.integers(1, 40),
       by=st.sampled_from(["week", "month", "quarter"]))
def test_getting_outside_packs_its_keys_in_32_or_64_bits_alike(seed: int, m: int, n: int, by: str) -> None:
    # 32-bit (period, person) keys where every key fits, 64-bit otherwise: the same table, with
    # missing times, outside parties, and the flag array or hashing for the active people.
    from unittest import mock

    import orgnet.metrics.time as time_module

    f = _narrow(_events(seed, m, n))
    rng = np.random.default_rng(seed)
    ts = f["ts"].mask(rng.random(m) < 0.1)
    external = rng.random(m) < 0.2
    party = np.where(external, rng.integers(0, 5, m), -1)
    groups = rng.integers(-1, 4, n)

    def table() -> pd.DataFrame:
        return getting_outside(ts, f["actor"].to_numpy(), f["target"].to_numpy(), groups, by=by, min_contacts=2,
                               external=external, external_party=party)

    narrow = table()
    for keys_32, dense in ((0, time_module._DENSE_KEYS), (0, 0), (time_module._KEYS_32, 0)):
        with mock.patch.object(time_module, "_KEYS_32", keys_32), mock.patch.object(time_module, "_DENSE_KEYS", dense):
            pd.testing.assert_frame_equal(table(), narrow)
