"""Engagement pyramid: levels by hand, counts adding up, members with no events."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgnet.events import KINDS
from orgnet.metrics.engagement import LEVEL_OF_KIND, PYRAMID_LEVELS, engagement_levels, pyramid_counts


def test_every_kind_has_a_level():
    assert set(LEVEL_OF_KIND) == set(KINDS)


def test_highest_level_wins_and_silent_members_are_watchers():
    kinds = ["reaction", "post", "share", "reply", "mention", "curate", "view", "join"]
    actor = np.array([0, 0, 1, 2, 2, 3, 4, 4])
    levels = engagement_levels(kinds, actor, 6)
    assert levels.tolist() == ["producer", "sharer", "commenter", "curator", "watcher", "watcher"]
    assert list(levels.categories) == list(PYRAMID_LEVELS) and levels.ordered


def test_events_of_non_members_are_ignored():
    levels = engagement_levels(["post", "post"], np.array([-1, 1]), 2)
    assert levels.tolist() == ["watcher", "producer"]


def test_unknown_kind_raises():
    with pytest.raises(ValueError, match="unknown event kind"):
        engagement_levels(["like"], np.array([0]), 1)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(KINDS), st.integers(-1, 7)), max_size=40),
    st.lists(st.integers(-1, 2), min_size=8, max_size=8),
)
def test_counts_add_up_and_match_brute_force(events, groups):
    kinds = [k for k, _ in events]
    actor = np.array([a for _, a in events], dtype=np.int64)
    levels = engagement_levels(kinds, actor, 8)
    expected = ["watcher"] * 8
    for k, a in events:
        if a >= 0 and LEVEL_OF_KIND[k] > PYRAMID_LEVELS.index(expected[a]):
            expected[a] = PYRAMID_LEVELS[LEVEL_OF_KIND[k]]
    assert levels.tolist() == expected
    groups = np.array(groups)
    table = pyramid_counts(levels, groups, ["a", "b", "c"])
    assert table.loc[0, "members"] == 8
    assert table.loc[0, list(PYRAMID_LEVELS)].sum() == 8
    assert table["members"].iloc[1:].sum() == (groups >= 0).sum()
    for g, name in enumerate(["a", "b", "c"]):
        row = table[table["group"] == name].iloc[0]
        for level in PYRAMID_LEVELS:
            assert row[level] == sum(1 for i in range(8) if groups[i] == g and expected[i] == level)
    shares = table[[f"share_{x}" for x in PYRAMID_LEVELS]].to_numpy()
    ok = table["members"].to_numpy() > 0
    np.testing.assert_allclose(shares[ok].sum(axis=1), 1.0)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 5)), max_size=30), st.permutations(range(6)))
def test_relabelling_people_permutes_levels(events, perm):
    perm = np.array(perm)  # new code of old person i is perm[i]
    kinds = [k for k, _ in events]
    actor = np.array([a for _, a in events], dtype=np.int64)
    before = np.asarray(engagement_levels(kinds, actor, 6).codes)
    after = np.asarray(engagement_levels(kinds, perm[actor] if len(actor) else actor, 6).codes)
    assert (after[perm] == before).all()
