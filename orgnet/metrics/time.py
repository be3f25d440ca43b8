"""Findings over time: period labels, per-period metrics, response times and "getting outside".

Periods come from the data's own timestamps (never from today). Weeks are ISO weeks (Monday
to Sunday, labelled ``2025-W03``), months ``2025-01``, quarters ``2025Q1``; all in UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "PERIODS",
    "first_responses",
    "getting_outside",
    "per_period",
    "period_labels",
    "response_half_life",
    "response_rate_by_hour",
]


def thread_values(thread: Any) -> pd.Series:
    """Thread ids as a Series: integer codes stay integers (``-1`` = none), anything else text.

    Integer codes (e.g. from ``pyarrow.compute.dictionary_encode``) keep millions of events
    from being turned into Python strings.

    Examples
    --------
    >>> thread_values(np.array([3, -1])).tolist(), thread_values(["t1", None]).tolist()
    ([3, <NA>], ['t1', <NA>])
    """
    values = pd.Series(thread).reset_index(drop=True)
    if pd.api.types.is_integer_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("Int64").mask(values < 0)
    return values.astype("string")

#: Period names accepted by ``by``.
PERIODS: tuple[str, ...] = ("week", "month", "quarter")
_FREQ = {"week": "W-SUN", "month": "M", "quarter": "Q"}
_RESPONSES = ("reply", "reaction", "share")


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
    _, periods = period_labels(graph.events.column("ts").to_pandas(), by)
    rows = []
    for p in periods.itertuples():
        found = metric(graph.window(p.start, p.end))
        rows.append({"period": p.period, "start": p.start, "end": p.end, **found})
    return pd.DataFrame(rows)


def _kinds(kind: Any) -> pd.Series:
    """Event kinds for comparisons: a categorical of text stays categorical (no per-event strings)."""
    values = pd.Series(kind).reset_index(drop=True)
    if isinstance(values.dtype, pd.CategoricalDtype) and all(isinstance(c, str) for c in values.cat.categories):
        return values
    return values.astype(str)


def first_responses(
    ts: Any,
    kind: Any,
    actor: np.ndarray,
    thread: Any,
) -> pd.DataFrame:
    """Each thread-starting post and the first response to it by someone else.

    Parameters
    ----------
    ts, kind, actor, thread : arrays, one value per event
        Times, kinds, actor codes (or ids) and thread ids. A thread starts with its earliest
        ``post``; responses are ``reply``, ``reaction`` and ``share`` events in the thread by
        another actor, after the post.

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
    ev = pd.DataFrame(
        {
            "ts": pd.to_datetime(pd.Series(ts).reset_index(drop=True), utc=True),
            "kind": _kinds(kind),
            "actor": np.asarray(actor),
            "thread": thread_values(thread),
        }
    )
    ev = ev[ev["thread"].notna() & ev["ts"].notna()]
    posts = ev[ev["kind"] == "post"].sort_values("ts", kind="stable").drop_duplicates("thread")
    posts = posts.rename(columns={"ts": "posted"})[["thread", "actor", "posted"]]
    resp = ev[ev["kind"].isin(_RESPONSES)].merge(posts, on="thread", suffixes=("", "_post"))
    resp = resp[(resp["actor"] != resp["actor_post"]) & (resp["ts"] >= resp["posted"])]
    first = resp.groupby("thread")["ts"].min().rename("first_response")
    out = posts.merge(first, left_on="thread", right_index=True, how="left")
    out["delay"] = out["first_response"] - out["posted"]
    out["answered"] = out["first_response"].notna()
    return out.reset_index(drop=True)


def response_half_life(ts: Any, kind: Any, actor: np.ndarray, thread: Any) -> dict[str, Any]:
    """Median time from a post to its first response (among answered posts), and the answer rate.

    Returns
    -------
    dict
        ``half_life`` (Timedelta, NaT when nothing was answered), ``half_life_hours``,
        ``posts``, ``answered``, ``share_answered``.

    Examples
    --------
    >>> t = pd.to_datetime(["2025-01-06 09:00", "2025-01-06 11:00", "2025-01-06 12:00", "2025-01-06 13:00"], utc=True)
    >>> response_half_life(t, ["post", "reply", "post", "reaction"], np.array([0, 1, 1, 0]), ["a", "a", "b", "b"])["half_life_hours"]
    1.5
    """
    fr = first_responses(ts, kind, actor, thread)
    answered = fr[fr["answered"]]
    half = answered["delay"].median() if len(answered) else pd.NaT
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
    actor: np.ndarray,
    thread: Any,
    *,
    within: pd.Timedelta | None = None,
) -> pd.DataFrame:
    """Share of posts answered, by the weekday and hour (UTC) they were posted.

    Parameters
    ----------
    ts, kind, actor, thread : arrays
        As in :func:`first_responses`.
    within : pandas.Timedelta, optional
        Count a post as answered only when the first response came within this time.

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
    fr = first_responses(ts, kind, actor, thread)
    ok = fr["answered"] if within is None else fr["answered"] & (fr["delay"] <= within)
    fr = fr.assign(
        weekday=fr["posted"].dt.day_of_week,
        hour=fr["posted"].dt.hour,
        ok=ok,
        hours=fr["delay"] / pd.Timedelta(hours=1),
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
    actor: np.ndarray,
    target: np.ndarray,
    groups: np.ndarray,
    *,
    external: np.ndarray | None = None,
    external_party: Any = None,
    by: str = "month",
    min_contacts: int = 3,
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
    external_party : array of str, optional
        Who that party is (required to count distinct external contacts).
    by : {"week", "month", "quarter"}
    min_contacts : int
        Outside contacts needed to count as "getting outside" (3).

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
    # Periods as integer ordinals per event; only the distinct periods are formatted as text.
    per = _utc_naive(ts).dt.to_period(_FREQ[by])
    ordinal = np.asarray(per.array.asi8, dtype=np.int64)
    has_period = per.notna().to_numpy()
    _, periods = period_labels(pd.Series(per[has_period].drop_duplicates().dt.start_time), by)
    actor = np.asarray(actor, dtype=np.int64)
    target = np.asarray(target, dtype=np.int64)
    groups = np.asarray(groups, dtype=np.int64)
    m = len(actor)
    n = len(groups)
    ext = np.zeros(m, dtype=bool) if external is None else np.asarray(external, dtype=bool)
    ok_actor = actor >= 0
    g_actor = np.where(ok_actor, groups[np.clip(actor, 0, None)], -1) if len(groups) else np.full(m, -1)
    g_target = np.where(target >= 0, groups[np.clip(target, 0, None)], -1) if len(groups) else np.full(m, -1)
    other_group = ok_actor & (target >= 0) & (target != actor) & (g_actor >= 0) & (g_target >= 0) & (g_actor != g_target)
    # Contacts as integers: members by node code, outside parties numbered after the members.
    use = other_group & has_period
    frames = [pd.DataFrame({"period": ordinal[use], "actor": actor[use], "who": target[use]})]
    if external is not None and external_party is not None:
        party = pd.Series(external_party).reset_index(drop=True).astype("string")
        use = ext & ok_actor & party.notna().to_numpy() & has_period
        party_code, _ = pd.factorize(party[use].to_numpy())
        offset = max(n, int(target.max()) + 1 if m else 0)
        frames.append(pd.DataFrame({"period": ordinal[use], "actor": actor[use],
                                    "who": offset + np.asarray(party_code, dtype=np.int64)}))
    contacts = pd.concat(frames).drop_duplicates()
    per_person = contacts.groupby(["period", "actor"]).size().rename("contacts")
    keep = ok_actor & has_period
    active = pd.DataFrame({"period": ordinal[keep], "actor": actor[keep]}).drop_duplicates()
    active = active.merge(per_person.reset_index(), on=["period", "actor"], how="left").fillna({"contacts": 0})
    active["outside"] = (active["contacts"] >= min_contacts).astype(np.int64)
    stats = active.groupby("period").agg(
        active=("actor", "size"),
        outside=("outside", "sum"),
        median_contacts=("contacts", "median"),
    )
    span = per.array[has_period]
    if len(span):
        ordinals = pd.period_range(span.min(), span.max(), freq=_FREQ[by]).asi8
        stats = stats.reindex(ordinals)
        stats.index = periods["period"].to_numpy()
    out = periods[["period"]].merge(stats, left_on="period", right_index=True, how="left")
    out = out.fillna({"active": 0, "outside": 0})
    out["active"] = out["active"].astype(int)
    out["outside"] = out["outside"].astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share_outside"] = np.where(out["active"] > 0, out["outside"] / out["active"].clip(lower=1), np.nan)
    return out[["period", "active", "outside", "share_outside", "median_contacts"]].reset_index(drop=True)
