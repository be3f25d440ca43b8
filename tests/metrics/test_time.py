"""Time helpers by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from orgnet.metrics.time import (
    first_responses,
    getting_outside,
    period_labels,
    response_half_life,
    response_rate_by_hour,
)


def test_period_labels_span_and_iso_weeks():
    labels, periods = period_labels(["2024-12-30T00:00Z", "2025-01-12T23:59Z", None], by="week")
    assert labels.tolist() == ["2025-W01", "2025-W02", None]
    assert periods["start"].iloc[0] == pd.Timestamp("2024-12-30", tz="UTC")
    assert (periods["end"] - periods["start"]).eq(pd.Timedelta(days=7)).all()
    _, months = period_labels(["2025-01-31", "2025-03-01"], by="month")
    assert months["period"].tolist() == ["2025-01", "2025-02", "2025-03"]
    with pytest.raises(ValueError, match="by must be one of"):
        period_labels(["2025-01-01"], by="year")


def test_first_response_ignores_self_and_earlier_events():
    t = pd.to_datetime(["2025-01-06 09:00", "2025-01-06 09:05", "2025-01-06 10:00", "2025-01-06 08:00"], utc=True)
    fr = first_responses(t, ["post", "reply", "reaction", "reply"], np.array([0, 0, 1, 2]), ["a"] * 4)
    assert fr.loc[0, "delay"] == pd.Timedelta(hours=1)
    hl = response_half_life(t, ["post", "reply", "reaction", "reply"], np.array([0, 0, 1, 2]), ["a"] * 4)
    assert hl["half_life_hours"] == 1.0 and hl["share_answered"] == 1.0


def test_response_rate_within():
    t = pd.to_datetime(["2025-01-07 14:00", "2025-01-08 14:00", "2025-01-07 14:30", "2025-01-07 14:10"], utc=True)
    table = response_rate_by_hour(t, ["post", "reply", "post", "reply"], np.array([0, 1, 2, 1]), ["a", "a", "b", "b"],
                                  within=pd.Timedelta(hours=2))
    assert table.to_dict("records")[0]["day"] == "Tue"
    assert table["posts"].sum() == 2


def test_getting_outside_counts_distinct_outside_contacts_and_external_parties():
    t = pd.to_datetime(["2025-01-06"] * 5, utc=True)
    actor = np.array([0, 0, 0, 0, 1])
    target = np.array([1, 1, 2, -1, 0])
    groups = np.array([0, 1, 2])
    external = np.array([False, False, False, True, False])
    out = getting_outside(t, actor, target, groups, external=external,
                          external_party=[None, None, None, "x@other.com", None], min_contacts=3)
    assert out.to_dict("records")[0] == {
        "period": "2025-01", "active": 2, "outside": 1, "share_outside": 0.5, "median_contacts": 2.0,
    }
