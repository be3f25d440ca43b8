"""Time helpers by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from orgnet.metrics.time import (
    covered_before,
    covered_share,
    covered_spans,
    first_responses,
    getting_outside,
    party_codes,
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
    fr = first_responses(t, ["post", "reply", "share", "reply"], np.array([0, 0, 1, 2]), ["a"] * 4)
    assert fr.loc[0, "delay"] == pd.Timedelta(hours=1)
    hl = response_half_life(t, ["post", "reply", "share", "reply"], np.array([0, 0, 1, 2]), ["a"] * 4)
    assert hl["half_life_hours"] == 1.0 and hl["share_answered"] == 1.0


def test_reactions_are_not_timed_answers():
    # A Slack reaction carries the time of the message it reacts to: it must not answer the post.
    t = pd.to_datetime(["2025-01-06 09:00", "2025-01-06 09:00", "2025-01-06 11:00"], utc=True)
    fr = first_responses(t, ["post", "reaction", "reply"], np.array([0, 1, 2]), ["a"] * 3)
    assert fr.loc[0, "delay"] == pd.Timedelta(hours=2)
    only_reaction = first_responses(t[:2], ["post", "reaction"], np.array([0, 1]), ["a"] * 2)
    assert not only_reaction.loc[0, "answered"]


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


def _outside_by_loop(ts, actor, target, groups, by, min_contacts):
    """getting_outside written as plain group-bys over labelled events (the definition)."""
    labels, periods = period_labels(ts, by)
    rows = []
    for period in periods["period"]:
        at = np.array([lab == period for lab in labels])
        active = sorted({int(a) for a in actor[at] if a >= 0})
        contacts = []
        for person in active:
            seen = {int(t) for a, t in zip(actor[at], target[at], strict=True)
                    if a == person and t >= 0 and t != a and groups[a] >= 0 and groups[t] >= 0 and groups[t] != groups[a]}
            contacts.append(len(seen))
        outside = sum(c >= min_contacts for c in contacts)
        rows.append((period, len(active), outside, float(np.median(contacts)) if contacts else float("nan")))
    return rows


def _random_events(seed: int, m: int, n: int, days: int):
    """Random timed events among ``n`` people in 3 groups (some times, ends and groups missing)."""
    rng = np.random.default_rng(seed)
    ts = pd.Series(pd.to_datetime("2025-01-01", utc=True) + pd.to_timedelta(rng.integers(0, days, m), unit="D"))
    ts[rng.random(m) < 0.05] = pd.NaT
    return rng, ts, rng.integers(-1, n, m), rng.integers(-1, n, m), rng.integers(-1, 3, n)


@pytest.mark.parametrize("by", ["week", "month", "quarter"])
def test_getting_outside_matches_a_loop(by):
    _, ts, actor, target, groups = _random_events(4, 400, 12, 200)
    out = getting_outside(ts, actor, target, groups, by=by, min_contacts=2)
    expected = _outside_by_loop(ts, actor, target, groups, by, 2)
    assert out["period"].tolist() == [r[0] for r in expected]
    assert out["active"].tolist() == [r[1] for r in expected]
    assert out["outside"].tolist() == [r[2] for r in expected]
    np.testing.assert_array_equal(out["median_contacts"].to_numpy(), [r[3] for r in expected])


def test_response_figures_from_precomputed_first_responses():
    t = pd.to_datetime(["2025-01-06 09:10", "2025-01-06 09:20", "2025-01-06 09:40", "2025-01-07 10:00"], utc=True)
    args = (t, ["post", "reply", "post", "reaction"], np.array([0, 1, 1, 0]), ["a", "a", "b", "b"])
    fr = first_responses(*args)
    assert response_half_life(*args, responses=fr) == response_half_life(*args)
    pd.testing.assert_frame_equal(response_rate_by_hour(*args, responses=fr), response_rate_by_hour(*args))


def test_covered_spans_split_at_gaps_only():
    # Daily events with a two-week holiday, then nothing for a year, then two days.
    days = pd.date_range("2024-01-01", "2024-03-31", freq="D", tz="UTC")
    days = days[(days < "2024-02-01") | (days >= "2024-02-15")]
    ts = list(days) + list(pd.to_datetime(["2025-03-03", "2025-03-04"], utc=True))
    spans = covered_spans(ts)
    assert spans["start"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-01", "2025-03-03"]
    assert spans["end"].dt.strftime("%Y-%m-%d").tolist() == ["2024-04-01", "2025-03-05"]
    # Weekly events: a week is the data's spacing, not a gap.
    weekly = pd.date_range("2024-01-01", periods=20, freq="7D", tz="UTC")
    assert len(covered_spans(weekly)) == 1
    assert covered_spans([None, None]).empty


def test_covered_share_and_history():
    spans = covered_spans(list(pd.date_range("2024-01-01", "2024-01-31", freq="D", tz="UTC"))
                          + list(pd.date_range("2024-06-16", "2024-06-30", freq="D", tz="UTC")))
    share = covered_share(["2024-01-01", "2024-03-01", "2024-06-01"], ["2024-02-01", "2024-04-01", "2024-07-01"], spans)
    assert share.tolist() == [1.0, 0.0, 0.5]
    # Just after the gap: no covered history, whatever the span since the first event.
    assert covered_before(pd.to_datetime(["2024-06-16", "2024-01-21"], utc=True), spans).tolist() == [0.0, 20.0]


def test_apache_lists_cover_their_months_not_the_years_between(shared_dataset):
    from orgnet.connectors import read

    events = read(shared_dataset("mbox_apache_lists")).events
    spans = covered_spans(events.column("ts").to_pandas())
    covered = ((spans["end"] - spans["start"]) / pd.Timedelta(days=1)).sum()
    whole = (spans["end"].iloc[-1] - spans["start"].iloc[0]) / pd.Timedelta(days=1)
    assert len(spans) >= 3  # 2017-09, 2017-11..12, 2020-07: separate stretches
    assert covered < 0.2 * whole
    # Every event falls in a covered stretch.
    ts = events.column("ts").to_pandas().dropna()
    assert np.isfinite(covered_before(ts, spans)).all()


def test_getting_outside_among_equals_the_selected_events_and_party_codes_equal_text():
    m = 600
    rng, ts, actor, target, groups = _random_events(9, m, 15, 120)
    external = rng.random(m) < 0.3
    text = pd.Series(np.where(external, rng.choice(["a@x.org", "b@y.org", "c@z.org", None], m), None), dtype="string")
    among = rng.random(m) < 0.7
    copied = getting_outside(ts[among].reset_index(drop=True), actor[among], target[among], groups,
                             external=external[among], external_party=text[among], min_contacts=2)
    masked = getting_outside(ts, actor, target, groups, external=external, external_party=text, min_contacts=2,
                             among=among)
    pd.testing.assert_frame_equal(masked, copied)
    codes = party_codes(text)
    assert (codes[text.isna().to_numpy()] < 0).all() and len(set(codes[codes >= 0])) == text.nunique()
    by_code = getting_outside(ts, actor, target, groups, external=external, external_party=codes, min_contacts=2,
                              among=among)
    pd.testing.assert_frame_equal(by_code, copied)
    assert copied["outside"].sum() > 0  # the external parties and the groups make a difference here
