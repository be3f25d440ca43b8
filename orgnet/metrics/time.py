"""Findings over time: period labels, per-period metrics, response times and "getting outside".

Periods come from the data's own timestamps (never from today). Weeks are ISO weeks (Monday
to Sunday, labelled ``2025-W03``), months ``2025-01``, quarters ``2025Q1``; all in UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from orgnet.metrics.columns import (
    EVENT_BLOCK,
    TimeUnit,
    distinct,
    epoch_ticks,
    event_codes,
    kind_is,
    thread_codes,
    utc_times,
)
from orgnet.metrics.groups import across_groups
from orgnet.metrics.robust import grouped_medians

__all__ = [
    "PERIODS",
    "covered_before",
    "covered_share",
    "covered_spans",
    "event_days",
    "first_responses",
    "getting_outside",
    "party_codes",
    "per_period",
    "period_labels",
    "response_half_life",
    "response_rate_by_hour",
    "spans_of_days",
]


#: Period names accepted by ``by``.
PERIODS: tuple[str, ...] = ("week", "month", "quarter")
_FREQ = {"week": "W-SUN", "month": "M", "quarter": "Q"}
#: Event kinds that answer a post for response times. Reactions are left out: most exports give
#: a reaction no time of its own (Slack's carries the time of the message reacted to), so a
#: reaction would count as an answer after 0 seconds.
_RESPONSES = ("reply", "share")


#: A run of days with no event is a gap in the data (not a quiet spell) when it lasts at least
#: 28 days (a month: holidays and quiet weeks stay covered) ...
GAP_DAYS = 28
#: ... and at least 4 times the data's typical (median) spacing between days with events.
GAP_SPACING = 4.0


def covered_spans(ts: Any, *, gap_days: float = GAP_DAYS, gap_spacing: float = GAP_SPACING) -> pd.DataFrame:
    """The stretches of time the data covers: runs of days with events, split at gaps.

    A gap is a run of days with no event at all that is much longer than the data's own typical
    spacing (at least ``gap_days`` and ``gap_spacing`` times the median spacing between days
    with events): an export of four separate months covers four months, not the years between.

    Parameters
    ----------
    ts : array of timestamps
        Event times (missing times are ignored).
    gap_days, gap_spacing : float
        The gap rule (:data:`GAP_DAYS`, :data:`GAP_SPACING`).

    Returns
    -------
    pandas.DataFrame
        One row per covered stretch: ``start`` (midnight UTC of its first day with events) and
        ``end`` (midnight after its last day, exclusive), in order; empty without times.

    Examples
    --------
    >>> s = covered_spans(["2017-01-03", "2017-01-05", "2017-01-20", "2020-06-01", "2020-06-02"])
    >>> [(str(a.date()), str(b.date())) for a, b in zip(s["start"], s["end"])]
    [('2017-01-03', '2017-01-21'), ('2020-06-01', '2020-06-03')]
    """
    clock, unit = epoch_ticks(utc_times(ts))
    return spans_of_days(event_days(clock, unit, clock != np.iinfo(np.int64).min),
                         gap_days=gap_days, gap_spacing=gap_spacing)


def event_days(clock: np.ndarray, unit: TimeUnit, among: np.ndarray) -> np.ndarray:
    """The distinct days (since the epoch, UTC) of the times ``clock[among]`` (:func:`epoch_ticks` integers).

    Examples
    --------
    >>> clock, unit = epoch_ticks(utc_times(["1970-01-03T05:00Z", "1970-01-02T23:00Z", "1970-01-03T01:00Z"]))
    >>> event_days(clock, unit, np.ones(3, dtype=bool)).tolist()
    [1, 2]
    """
    per_day = np.int64(pd.Timedelta(days=1) // pd.Timedelta(1, unit=unit))
    days = clock[among]
    days //= per_day  # in place, then sorted in place: one copy of the events' times, not three
    return distinct(days, overwrite=True)


def spans_of_days(days: np.ndarray, *, gap_days: float = GAP_DAYS, gap_spacing: float = GAP_SPACING) -> pd.DataFrame:
    """:func:`covered_spans` of the distinct, sorted days with events (:func:`event_days`).

    Examples
    --------
    >>> [str(d.date()) for d in spans_of_days(np.array([0, 1, 2]))["end"]]
    ['1970-01-04']
    """
    if not len(days):
        return pd.DataFrame({"start": pd.to_datetime([], utc=True), "end": pd.to_datetime([], utc=True)})
    spacing = np.diff(days)
    typical = float(np.median(spacing)) if len(spacing) else 1.0
    limit = max(float(gap_days), gap_spacing * typical)
    cut = np.flatnonzero(spacing > limit)
    first = days[np.concatenate([[0], cut + 1])]
    last = days[np.concatenate([cut, [len(days) - 1]])]
    return pd.DataFrame({"start": pd.to_datetime(first, unit="D", utc=True),
                         "end": pd.to_datetime(last + 1, unit="D", utc=True)})


def covered_share(start: Any, end: Any, spans: pd.DataFrame) -> np.ndarray:
    """Share of each period ``[start, end)`` the data covers (``spans`` from :func:`covered_spans`).

    Examples
    --------
    >>> spans = covered_spans(["2017-01-03", "2017-01-04", "2017-01-05", "2017-01-20", "2020-06-01"])
    >>> covered_share(["2017-01-01", "2018-01-01"], ["2017-02-01", "2018-02-01"], spans).round(2).tolist()
    [0.58, 0.0]
    """
    lo = pd.to_datetime(pd.Series(start).reset_index(drop=True), utc=True)
    hi = pd.to_datetime(pd.Series(end).reset_index(drop=True), utc=True)
    covered = pd.Series(pd.Timedelta(0), index=lo.index)
    for s, e in zip(spans["start"], spans["end"], strict=True):  # a loop over stretches (a handful), not events
        overlap = hi.where(hi < e, e) - lo.where(lo > s, s)
        covered += overlap.where(overlap > pd.Timedelta(0), pd.Timedelta(0))
    return np.asarray((covered / (hi - lo)).to_numpy(dtype=float), dtype=float)


def covered_before(when: Any, spans: pd.DataFrame) -> np.ndarray:
    """Days of covered time in the stretch holding each time, before it (NaN: no time).

    Someone first seen just after a gap may have been there during it: only the covered time
    right before them, without a gap, tells that they are new.

    Examples
    --------
    >>> spans = covered_spans(["2017-01-01", "2017-01-20", "2020-06-01", "2020-06-10"])
    >>> covered_before(["2017-01-11", "2020-06-01", None], spans).tolist()
    [10.0, 0.0, nan]
    """
    t = pd.to_datetime(pd.Series(when).reset_index(drop=True), utc=True)
    out = np.full(len(t), np.nan)
    for s, e in zip(spans["start"], spans["end"], strict=True):
        inside = ((t >= s) & (t < e)).to_numpy(dtype=bool)
        out[inside] = ((t[inside] - s) / pd.Timedelta(days=1)).to_numpy(dtype=float)
    return out


def _utc_naive(ts: Any) -> pd.Series:
    s = pd.to_datetime(pd.Series(ts).reset_index(drop=True), utc=True)
    return s.dt.tz_localize(None)


def period_labels(ts: Any, by: str = "week") -> tuple[np.ndarray, pd.DataFrame]:
    """Period of each timestamp, and the ordered table of periods spanned by the data.

    Parameters
    ----------
    ts : array of timestamps
        Event times (UTC, or naive meaning UTC). Missing times get label ``None``.
    by : {"week", "month", "quarter"}

    Returns
    -------
    labels : numpy.ndarray of str (object)
        Period label per timestamp.
    periods : pandas.DataFrame
        One row per period from the first to the last (empty periods included, so trends
        show gaps): ``period``, ``start``, ``end`` (UTC, ``end`` exclusive).

    Examples
    --------
    >>> labels, periods = period_labels(["2025-01-06T10:00Z", "2025-01-20T09:00Z"], by="week")
    >>> labels.tolist(), periods["period"].tolist()
    (['2025-W02', '2025-W04'], ['2025-W02', '2025-W03', '2025-W04'])
    >>> period_labels(["2024-12-31", "2025-02-01"], by="quarter")[1]["period"].tolist()
    ['2024Q4', '2025Q1']
    """
    if by not in _FREQ:
        raise ValueError(f"by must be one of {', '.join(PERIODS)}; got {by!r}")
    naive = _utc_naive(ts)
    per = naive.dt.to_period(_FREQ[by])
    labels = _format(per, by)
    valid = per.dropna()
    if valid.empty:
        return labels, pd.DataFrame({"period": [], "start": pd.to_datetime([], utc=True), "end": pd.to_datetime([], utc=True)})
    span = pd.period_range(valid.min(), valid.max(), freq=_FREQ[by])
    starts = span.start_time.tz_localize("UTC")
    ends = (span + 1).start_time.tz_localize("UTC")
    periods = pd.DataFrame({"period": _format(pd.Series(span), by), "start": starts, "end": ends})
    return labels, periods


def _format(per: pd.Series, by: str) -> np.ndarray:
    out = np.full(len(per), None, dtype=object)
    ok = per.notna().to_numpy()
    if not ok.any():
        return out
    valid = per[ok]
    if by == "week":
        iso = valid.dt.start_time.dt.isocalendar()
        out[ok] = (iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)).to_numpy()
    else:
        out[ok] = valid.astype(str).to_numpy()
    return out


def per_period(graph: Any, metric: Callable[[Any], dict[str, Any]], *, by: str = "month") -> pd.DataFrame:
    """Apply ``metric`` to the graph of each period and stack the results.

    Parameters
    ----------
    graph : orgnet.graph.OrgGraph
        The whole-period graph; each period is ``graph.window(start, end)`` (same people, so
        results compare person by person).
    metric : callable
        ``OrgGraph -> dict`` of scalar findings (e.g. ties, active people, median E-I).
    by : {"week", "month", "quarter"}

    Returns
    -------
    pandas.DataFrame
        One row per period: ``period``, ``start``, ``end`` and the metric's keys.

    Examples
    --------
    >>> import pandas as pd
    >>> from orgnet.events import events_from_frame
    >>> from orgnet.graph import OrgGraph
    >>> ev = events_from_frame(pd.DataFrame({
    ...     "ts": pd.to_datetime(["2025-01-06", "2025-02-03", "2025-02-04"], utc=True),
    ...     "kind": ["reply"] * 3, "actor": ["a", "b", "c"], "target": ["b", "a", "a"]}))
    >>> per_period(OrgGraph.from_events(ev), lambda g: {"ties": g.n_ties}, by="month")[["period", "ties"]]
        period  ties
    0  2025-01     1
    1  2025-02     2
    """
    _, periods = period_labels(graph.times, by)
    rows = []
    for p in periods.itertuples():
        found = metric(graph.window(p.start, p.end))
        rows.append({"period": p.period, "start": p.start, "end": p.end, **found})
    return pd.DataFrame(rows)


def first_responses(
    ts: Any,
    kind: Any,
    actor: npt.ArrayLike,
    thread: Any,
) -> pd.DataFrame:
    """Each thread-starting post and the first response to it by someone else.

    Parameters
    ----------
    ts, kind, actor, thread : arrays, one value per event
        Times, kinds, actor codes (or ids) and thread ids. A thread starts with its earliest
        ``post``; responses are ``reply`` and ``share`` events in the thread by another actor,
        after the post (reactions have no time of their own in most exports).

    Returns
    -------
    pandas.DataFrame
        One row per thread: ``thread``, ``actor``, ``posted``, ``first_response`` (NaT when
        unanswered), ``delay`` (Timedelta) and ``answered``.

    Examples
    --------
    >>> t = pd.to_datetime(["2025-01-06 09:00", "2025-01-06 09:30", "2025-01-06 10:00", "2025-01-07 08:00"], utc=True)
    >>> fr = first_responses(t, ["post", "reply", "post", "reply"], np.array([0, 1, 2, 2]), ["a", "a", "b", "b"])
    >>> fr[["thread", "delay", "answered"]].to_dict("records")
    [{'thread': 'a', 'delay': Timedelta('0 days 00:30:00'), 'answered': True}, \
{'thread': 'b', 'delay': NaT, 'answered': False}]
    """
    times = utc_times(ts)
    actor_values = np.asarray(actor)  # as it is: a Series of it would be a copy (pandas copies arrays)
    columns = ["thread", "actor", "posted", "first_response", "delay", "answered"]
    # Threads as dense integer codes (-1 = none), times as integers: group-bys become array
    # operations over the events (no merge, no sort of millions of rows).
    code, thread_out = thread_codes(thread)
    clock, _ = epoch_ticks(times)
    usable = (code >= 0) & (clock != np.iinfo(np.int64).min)
    n_threads = int(code.max()) + 1 if len(code) else 0
    is_post = usable & kind_is(kind, ("post",))
    is_response = usable & kind_is(kind, _RESPONSES)
    del usable  # per-event temporaries go as soon as they are used: at 50M events each is 50-400 MB

    # The thread's post: its earliest, the first in event order among equally early ones.
    # Event positions are 32-bit where they fit (they only index and are compared).
    post = _positions(is_post)
    del is_post
    never = np.iinfo(np.int64).max
    posted = np.full(n_threads, never)
    np.minimum.at(posted, code[post], clock[post])
    earliest = post[clock[post] == posted[code[post]]]
    post_of = np.full(n_threads, len(code), dtype=post.dtype)
    np.minimum.at(post_of, code[earliest], earliest)
    del post, earliest
    started = np.flatnonzero(post_of < len(code))
    starts = post_of[started]
    # Rows in the order of a stable sort of the posts by time.
    starts = starts[np.lexsort((starts, clock[starts]))]

    # First response by someone else, at or after the post.
    resp = _positions(is_response)
    del is_response
    thread_of = code[resp]
    # A response counts in a thread with a post, by someone else, at or after it: judged a block
    # of responses at a time (the thread's post, the actors and the times of both gathered for
    # every response at once were 32 bytes per response), then the responses kept in one step.
    valid = np.empty(len(resp), dtype=bool)
    last = max(len(code) - 1, 0)
    for start in range(0, len(resp), EVENT_BLOCK):
        r = resp[start:start + EVENT_BLOCK]
        post_event = post_of[thread_of[start:start + EVENT_BLOCK]]
        has_post = post_event < len(code)
        np.minimum(post_event, last, out=post_event)  # no post: any event, the answer is False
        valid[start:start + EVENT_BLOCK] = has_post & (actor_values[r] != actor_values[post_event]) & (
            clock[r] >= clock[post_event])
    resp, thread_of = resp[valid], thread_of[valid]
    first = np.full(n_threads, never)
    np.minimum.at(first, thread_of, clock[resp])
    at_first = np.full(n_threads, -1)
    hit = clock[resp] == first[thread_of]
    at_first[thread_of[hit]] = resp[hit]
    del resp, thread_of, hit, first  # per response: gone before the table is built

    answer = at_first[code[starts]]
    answered = answer >= 0
    out = pd.DataFrame({
        "thread": thread_out(starts),
        "actor": pd.Series(actor_values[starts]),
        "posted": times.iloc[starts].reset_index(drop=True),
        "first_response": times.iloc[np.where(answered, answer, starts)].reset_index(drop=True).where(answered),
    })
    out["delay"] = out["first_response"] - out["posted"]
    out["answered"] = out["first_response"].notna()
    return out[columns]


def _positions(mask: np.ndarray) -> np.ndarray:
    """``np.flatnonzero(mask)``, 32-bit when the positions fit.

    Found a block at a time: no 64-bit array of them all.

    Examples
    --------
    >>> _positions(np.array([False, True, True, False, True])).tolist()
    [1, 2, 4]
    """
    if len(mask) >= 2**31:
        return np.flatnonzero(mask)
    out = np.empty(int(np.count_nonzero(mask)), dtype=np.int32)
    at = 0
    for start in range(0, len(mask), EVENT_BLOCK):
        found = np.flatnonzero(mask[start:start + EVENT_BLOCK])
        found += start
        out[at:at + len(found)] = found
        at += len(found)
    return out


def response_half_life(ts: Any, kind: Any, actor: npt.ArrayLike, thread: Any, *,
                        responses: pd.DataFrame | None = None) -> dict[str, Any]:
    """Median time from a post to its first response (among answered posts), and the answer rate.

    Parameters
    ----------
    ts, kind, actor, thread : arrays
        As in :func:`first_responses`.
    responses : pandas.DataFrame, optional
        :func:`first_responses` of the same events, when the caller already has it (it is
        then used instead of the events).

    Returns
    -------
    dict
        ``half_life`` (Timedelta, NaT when nothing was answered), ``half_life_hours``,
        ``posts``, ``answered``, ``share_answered``.

    Examples
    --------
    >>> t = pd.to_datetime(["2025-01-06 09:00", "2025-01-06 11:00", "2025-01-06 12:00", "2025-01-06 13:00"], utc=True)
    >>> out = response_half_life(t, ["post", "reply", "post", "share"], np.array([0, 1, 1, 0]), ["a", "a", "b", "b"])
    >>> out["half_life_hours"], out["answered"]
    (1.5, 2)

    A reaction is not a timed answer (it carries the time of the message reacted to):

    >>> response_half_life(t, ["post", "reply", "post", "reaction"], np.array([0, 1, 1, 0]), ["a", "a", "b", "b"])["answered"]
    1
    """
    fr = first_responses(ts, kind, actor, thread) if responses is None else responses
    answered = fr[fr["answered"]]
    half: Any = answered["delay"].median() if len(answered) else pd.NaT  # a Timedelta (or NaT)
    return {
        "half_life": half,
        "half_life_hours": float(half / pd.Timedelta(hours=1)) if len(answered) else float("nan"),
        "posts": int(len(fr)),
        "answered": int(len(answered)),
        "share_answered": float(len(answered) / len(fr)) if len(fr) else float("nan"),
    }


def response_rate_by_hour(
    ts: Any,
    kind: Any,
    actor: npt.ArrayLike,
    thread: Any,
    *,
    within: pd.Timedelta | None = None,
    responses: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Share of posts answered, by the weekday and hour (UTC) they were posted.

    Parameters
    ----------
    ts, kind, actor, thread : arrays
        As in :func:`first_responses`.
    within : pandas.Timedelta, optional
        Count a post as answered only when the first response came within this time.
    responses : pandas.DataFrame, optional
        :func:`first_responses` of the same events, when the caller already has it.

    Returns
    -------
    pandas.DataFrame
        One row per (weekday, hour) with posts: ``weekday`` (0 = Monday), ``day`` (Mon..Sun),
        ``hour``, ``posts``, ``answered``, ``share_answered``, ``median_delay_hours``.

    Examples
    --------
    >>> t = pd.to_datetime(["2025-01-06 09:10", "2025-01-06 09:20", "2025-01-06 09:40"], utc=True)
    >>> response_rate_by_hour(t, ["post", "reply", "post"], np.array([0, 1, 1]), ["a", "a", "b"]).to_dict("records")
    [{'weekday': 0, 'day': 'Mon', 'hour': 9, 'posts': 2, 'answered': 1, 'share_answered': 0.5, 'median_delay_hours': 0.16666666666666666}]
    """
    fr = first_responses(ts, kind, actor, thread) if responses is None else responses
    ok = fr["answered"] if within is None else fr["answered"] & (fr["delay"] <= within)
    delay: Any = fr["delay"]  # Timedeltas (pandas-stubs cannot divide a Series by a Timedelta)
    fr = fr.assign(
        weekday=fr["posted"].dt.day_of_week,
        hour=fr["posted"].dt.hour,
        ok=ok,
        hours=delay / pd.Timedelta(hours=1),
    )
    table = fr.groupby(["weekday", "hour"]).agg(
        posts=("thread", "size"), answered=("ok", "sum"), median_delay_hours=("hours", "median")
    )
    table = table.reset_index()
    table["answered"] = table["answered"].astype(int)
    table["share_answered"] = table["answered"] / table["posts"]
    table.insert(1, "day", np.array(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])[table["weekday"]])
    return table[["weekday", "day", "hour", "posts", "answered", "share_answered", "median_delay_hours"]]


def getting_outside(
    ts: Any,
    actor: npt.ArrayLike,
    target: npt.ArrayLike,
    groups: npt.ArrayLike,
    *,
    external: npt.ArrayLike | None = None,
    external_party: Any = None,
    by: str = "month",
    min_contacts: int = 3,
    among: npt.ArrayLike | None = None,
) -> pd.DataFrame:
    """Per period, the share of active people with at least ``min_contacts`` outside contacts.

    An outside contact is a distinct person in another group (``target`` code with a different
    group code) or a distinct party outside the organisation (``external`` events, identified by
    ``external_party``, e.g. the raw target id or e-mail).

    Parameters
    ----------
    ts : array of timestamps
    actor, target : numpy.ndarray
        Node codes (-1 = none / not a member).
    groups : numpy.ndarray
        Group code per person (-1 = none: their contacts are not counted as other-group).
    external : numpy.ndarray of bool, optional
        Event with a party outside the organisation.
    external_party : array of str, or of integer codes, optional
        Who that party is (required to count distinct external contacts): text (missing: no
        party), or integer codes of the parties (negative: no party; :func:`party_codes`).
    by : {"week", "month", "quarter"}
    min_contacts : int
        Outside contacts needed to count as "getting outside" (3).
    among : numpy.ndarray of bool, optional
        Only these events count (e.g. contributions, not views); default all. A mask instead of
        the caller's copies of every column: at 50M events each copy is hundreds of MB.

    Returns
    -------
    pandas.DataFrame
        One row per period: ``period``, ``active`` (people who acted), ``outside`` (with at
        least ``min_contacts`` outside contacts), ``share_outside``, ``median_contacts``.

    Examples
    --------
    >>> t = pd.to_datetime(["2025-01-06", "2025-01-07", "2025-01-08", "2025-02-03"], utc=True)
    >>> out = getting_outside(t, np.array([0, 0, 1, 0]), np.array([2, 3, 0, 1]), np.array([0, 0, 1, 1]),
    ...                       by="month", min_contacts=2)
    >>> out.to_dict("records")
    [{'period': '2025-01', 'active': 2, 'outside': 1, 'share_outside': 0.5, 'median_contacts': 1.0}, \
{'period': '2025-02', 'active': 1, 'outside': 0, 'share_outside': 0.0, 'median_contacts': 0.0}]
    """
    if by not in _FREQ:
        raise ValueError(f"by must be one of {', '.join(PERIODS)}; got {by!r}")
    # Periods as integer ordinals per event, looked up by day (only the days spanned are
    # converted by pandas); only the distinct periods are formatted as text. Every per-event
    # array below is a mask or is computed in place: at 50M events each is hundreds of MB.
    ordinal, keep = _period_ordinals(ts, by)
    # Node codes as they come (32-bit from a graph): the packed keys below are 32-bit where they fit.
    actor, target = event_codes(actor), event_codes(target)
    groups = np.asarray(groups, dtype=np.int64)
    m = len(actor)
    n = len(groups)
    if among is not None:
        keep &= np.asarray(among, dtype=bool)  # keep: events counted that have a period
    has_period = keep.copy()
    keep &= actor >= 0  # ... and an actor
    if not keep.any():
        stats = pd.DataFrame({"active": np.zeros(0, np.int64), "outside": np.zeros(0, np.int64),
                              "median_contacts": np.zeros(0)})
        periods = period_labels(pd.Series(pd.to_datetime([], utc=True)), by)[1]
        return _outside_table(periods, stats)
    first, last = int(ordinal[has_period].min()), int(ordinal[has_period].max())
    # Contacts as integers: members by node code, outside parties numbered after the members.
    # A member contact: both ends grouped (hence members), in different groups.
    # The contact events as masks (one byte per event), not as their positions (eight per
    # contact, and the positions' concatenation as many again).
    use = across_groups(actor, target, groups)
    use &= has_period
    who = [target[use]]
    contact_events = [use]
    if external is not None and external_party is not None:
        use = np.asarray(external, dtype=bool) & keep
        party = party_codes(external_party, rows=use)
        use[use] = party >= 0
        party = party[party >= 0]
        offset = max(n, int(target.max()) + 1 if m else 0)
        who.append(offset + party.astype(np.int64))
        contact_events.append(use)
    del use, has_period
    ends = pd.arrays.PeriodArray(np.array([first, last], dtype=np.int64), dtype=pd.PeriodDtype(_FREQ[by]))
    _, periods = period_labels(pd.Series(ends.start_time), by)
    # (period, actor) and (period, actor, contact) as packed integer keys, the ordinals turned
    # into the (period, actor) keys in place (32-bit where every key fits).
    width = max(n, int(actor.max()) + 1)
    span = last - first + 1
    person_key = ordinal if span * width < _KEYS_32 else ordinal.astype(np.int64)
    del ordinal
    person_key -= first
    person_key *= width
    person_key += actor
    if span * width <= _DENSE_KEYS:
        # Flagged a block of events at a time: the keys of every kept event together were
        # 400 MB at 50M events, on top of the contacts below.
        seen = np.zeros(span * width, dtype=bool)
        for start in range(0, m, EVENT_BLOCK):
            block = slice(start, start + EVENT_BLOCK)
            seen[person_key[block][keep[block]]] = True
        active = np.flatnonzero(seen)
        del seen
    else:
        active = np.sort(pd.unique(person_key[keep])).astype(np.int64, copy=False)
    del keep
    contact_who = np.concatenate(who)
    del who
    contact_person = np.concatenate([person_key[events] for events in contact_events], dtype=np.int64)
    del person_key, contact_events
    contacts = np.zeros(len(active), dtype=np.int64)
    if len(contact_who):
        w = int(contact_who.max()) + 1
        if (span * width) < np.iinfo(np.int64).max // max(w, 1):
            contact_person *= w
            contact_person += contact_who
            pairs = pd.unique(contact_person) // w
        else:
            pairs = pd.DataFrame({"p": contact_person, "w": contact_who}).drop_duplicates()["p"].to_numpy()
        keys, counts = np.unique(pairs, return_counts=True)
        contacts[np.searchsorted(active, keys)] = counts
    period = active // width
    n_active = np.bincount(period, minlength=span)
    outside = np.bincount(period, weights=contacts >= min_contacts, minlength=span).astype(np.int64)
    present = np.flatnonzero(n_active)
    median = grouped_medians(contacts, period, span)[present]
    stats = pd.DataFrame({"active": n_active[present].astype(np.int64), "outside": outside[present],
                          "median_contacts": median}, index=present + first)
    stats = stats.reindex(np.arange(first, last + 1))
    stats.index = periods["period"].to_numpy()
    return _outside_table(periods, stats)


#: Up to this many (period, person) cells the packed keys are 32-bit.
_KEYS_32 = 2**31

#: Above this many (period, person) cells, active people are found by hashing instead of a flag array.
_DENSE_KEYS = 200_000_000


def party_codes(party: Any, rows: npt.ArrayLike | None = None) -> np.ndarray:
    """Integer codes of the outside parties of some events (negative: no party).

    ``party`` is text per event (missing: no party), numbered here, or integer codes already
    (returned as they are). ``rows`` (a mask) selects the events; default all.

    Examples
    --------
    >>> party_codes(pd.Series(["a@x.org", None, "b@x.org", "a@x.org"])).tolist()
    [0, -1, 1, 0]
    >>> party_codes(np.array([3, -1, 3]), rows=np.array([True, False, True])).tolist()
    [3, 3]
    """
    if isinstance(party, np.ndarray) and party.dtype.kind in "iu":
        return party if rows is None else party[np.asarray(rows, dtype=bool)]
    text = pd.Series(party).reset_index(drop=True)
    if rows is not None:
        text = text[np.asarray(rows, dtype=bool)]
    codes, _ = pd.factorize(text.astype("string"), use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64)


def _period_ordinals(ts: Any, by: str) -> tuple[np.ndarray, np.ndarray]:
    """Period ordinal (pandas ``Period`` ordinal of ``_FREQ[by]``) per timestamp, and which have one.

    The ordinals (weeks, months or quarters since 1970) are 32-bit and found a block of events
    at a time: at 50M events a 64-bit array of days took 400 MB, and its ordinals as much again.

    Examples
    --------
    >>> ordinal, valid = _period_ordinals(pd.to_datetime(["1970-02-03", None], utc=True), "month")
    >>> ordinal.dtype.name, ordinal[valid].tolist(), valid.tolist()
    ('int32', [1], [True, False])
    """
    clock, unit = epoch_ticks(utc_times(ts))
    valid = clock != np.iinfo(np.int64).min
    m = len(clock)
    if not valid.any():
        return np.zeros(m, dtype=np.int32), valid
    per_day = np.int64(pd.Timedelta(days=1) // pd.Timedelta(1, unit=unit))
    lo = int(np.min(clock, where=valid, initial=np.iinfo(np.int64).max)) // per_day
    hi = int(np.max(clock, where=valid, initial=np.iinfo(np.int64).min)) // per_day
    days = pd.Series(pd.to_datetime(np.arange(lo, hi + 1), unit="D"))
    ordinals: Any = days.dt.to_period(_FREQ[by]).array  # a PeriodArray: its integers are the ordinals
    table = np.asarray(ordinals.asi8, dtype=np.int32)
    ordinal = np.empty(m, dtype=np.int32)
    for start in range(0, m, EVENT_BLOCK):
        block = slice(start, start + EVENT_BLOCK)
        day = clock[block] // per_day
        day -= lo
        np.clip(day, 0, len(table) - 1, out=day)  # missing times: any period (``valid`` says so)
        np.take(table, day, out=ordinal[block])
    return ordinal, valid


def _outside_table(periods: pd.DataFrame, stats: pd.DataFrame) -> pd.DataFrame:
    out = periods[["period"]].merge(stats, left_on="period", right_index=True, how="left")
    out = out.fillna({"active": 0, "outside": 0})
    out["active"] = out["active"].astype(int)
    out["outside"] = out["outside"].astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share_outside"] = np.where(out["active"] > 0, out["outside"] / out["active"].clip(lower=1), np.nan)
    return out[["period", "active", "outside", "share_outside", "median_contacts"]].reset_index(drop=True)
