"""Components of passionate engagement, counted per person from the events.

An ambassador is active most weeks, starts conversations that draw responses from many
distinct people in several groups, and gives back (responds to others, shares their content).
Each of these is a *component* counted per person with group-bys over the events:

* ``weeks_active`` — weeks (7-day periods from the first event) with any contribution
  (any kind but ``view`` and ``join``), out of the weeks the data covers (weeks inside a gap
  in the data, :func:`orgnet.metrics.time.covered_spans`, are not counted);
* ``conversations`` — threads the person started (``post``) that drew a response (``reply``,
  ``reaction``, ``share`` in the thread) from someone else;
* ``responders`` — distinct people who responded to them: in their threads, or with a
  response kind (``reply``, ``reaction``, ``share``, ``mention``) targeted at them;
* ``responder_groups`` — distinct groups those responders belong to;
* ``people_answered`` — distinct other people they replied or reacted to (giving back);
* ``people_shared`` — distinct other people whose content they shared.

Every component but ``conversations`` counts *distinct* people or weeks, not actions: a
hundred replies inside one small circle are volume, replies to forty people are reach. The raw
action counts are counted too (``responses_given``, ``shares_of_others``). How the components
make a score and who is flagged is a rule: :mod:`orgnet.findings.ambassadors`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from orgnet.metrics._check import BoolArray, IntArray, check_codes
from orgnet.metrics.columns import (
    EVENT_BLOCK,
    TimeUnit,
    epoch_ticks,
    event_codes,
    kind_is,
    thread_codes,
    utc_times,
)
from orgnet.metrics.time import event_days, spans_of_days

__all__ = ["AMBASSADOR_COMPONENTS", "AmbassadorComponents", "ambassador_components"]

#: Score components, in the order they appear in the output.
AMBASSADOR_COMPONENTS: tuple[str, ...] = (
    "weeks_active",
    "conversations",
    "responders",
    "responder_groups",
    "people_answered",
    "people_shared",
)

_PASSIVE = ("view", "join")
_THREAD_RESPONSES = ("reply", "reaction", "share")
_TARGET_RESPONSES = ("reply", "reaction", "share", "mention")
_GIVING = ("reply", "reaction")


def _count_per(person: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(np.asarray(person, dtype=np.int64), minlength=n)[:n]


def _distinct_per(person: object, other: object, n: int) -> np.ndarray:
    """Per person, the number of distinct values of ``other`` paired with them (integer columns).

    The pairs become the entries of a sparse ``n x width`` matrix: scipy's COO -> CSR
    conversion (a counting sort by person, then each short row sorted) merges repeated pairs
    several times faster than hashing millions of packed keys. When the values span a narrow
    range (weeks), a flag per (person, value) cell is cheaper still.
    """
    return np.diff(_distinct_pairs(person, other, n)[0]).astype(np.int64)


def _distinct_pairs(person: object, other: object, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (person, value) pairs as CSR arrays: ``indptr`` per person and the values (see :func:`_distinct_per`)."""
    a = np.asarray(person)
    b = np.asarray(other)
    if not len(a):
        return np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int64)
    lo = int(b.min())
    if lo:
        b = b - lo
    width = int(b.max()) + 1
    if n * width <= _DENSE_CELLS:
        seen = np.zeros(n * width, dtype=bool)
        # The cells flagged a block of pairs at a time: the packed keys of every pair together
        # were 400 MB at 50M events.
        for start in range(0, len(a), EVENT_BLOCK):
            key = a[start:start + EVENT_BLOCK].astype(np.int64)
            key *= width
            key += b[start:start + EVENT_BLOCK]
            seen[key] = True
        cells = np.flatnonzero(seen)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(cells // width, minlength=n), out=indptr[1:])
        return indptr, cells % width + lo
    # 32-bit indices when they fit: half the memory of the sort at 50M events, same pairs.
    index = np.int32 if max(n, width) < 2**31 else np.int64
    pairs = sp.coo_array((np.ones(len(a), dtype=bool), (a.astype(index, copy=False), b.astype(index, copy=False))),
                         shape=(n, width)).tocsr()
    return pairs.indptr.astype(np.int64), pairs.indices.astype(np.int64) + lo


#: (person, value) cells up to which distinct pairs are flagged in a dense array.
_DENSE_CELLS = 50_000_000


@dataclass
class AmbassadorComponents:
    """The components behind the ambassador score, one array per component aligned with the people.

    Attributes
    ----------
    weeks_active, conversations, responders, responder_groups, people_answered, people_shared : numpy.ndarray
        The :data:`AMBASSADOR_COMPONENTS` (int64 per person).
    responses_given, shares_of_others : numpy.ndarray
        Action counts (replies and reactions to others; shares of others' content), not scored.
    contributed : numpy.ndarray
        Bool per person: acted in any event that is not ``view`` or ``join``.
    weeks : int
        Weeks the timed events cover, gaps in the data left out (0 without timestamps).
    """

    weeks_active: IntArray
    conversations: IntArray
    responders: IntArray
    responder_groups: IntArray
    people_answered: IntArray
    people_shared: IntArray
    responses_given: IntArray
    shares_of_others: IntArray
    contributed: BoolArray
    weeks: int

    def scored(self) -> dict[str, IntArray]:
        """The :data:`AMBASSADOR_COMPONENTS`, by name."""
        return {name: getattr(self, name) for name in AMBASSADOR_COMPONENTS}


def _covered_weeks(clock: np.ndarray, unit: TimeUnit, among: np.ndarray, t0: int, week_len: int) -> int:
    """Weeks (7-day periods from ``t0``) the times ``clock[among]`` cover: those overlapping a covered stretch.

    A week inside a gap in the data (:func:`orgnet.metrics.time.covered_spans`) is no week
    anyone could have been active in, so it does not count in "active N of M weeks". The
    stretches come from the events' distinct days, read off the integer times (one copy of the
    selected times, not a Series of them and then its integers).
    """
    spans = spans_of_days(event_days(clock, unit, among))
    step = pd.Timedelta(1, unit=unit).value  # nanoseconds per tick
    weeks = np.zeros(0, dtype=np.int64)
    for s, e in zip(spans["start"], spans["end"], strict=True):  # a handful of stretches
        lo = (pd.Timestamp(s).value // step - t0) // week_len
        hi = (pd.Timestamp(e).value // step - 1 - t0) // week_len
        weeks = np.union1d(weeks, np.arange(max(lo, 0), hi + 1, dtype=np.int64))
    return len(weeks)


def ambassador_components(events: pd.DataFrame, groups: npt.ArrayLike) -> AmbassadorComponents:
    """Count, per person, the components of passionate engagement (see the module docstring).

    Parameters
    ----------
    events : pandas.DataFrame
        One row per event with ``kind`` (str or categorical), ``actor`` and ``target`` (node
        codes, -1 = none), ``thread`` (str or missing, or integer codes with -1 = none) and
        ``ts`` (timestamps, may be missing).
    groups : numpy.ndarray
        Integer group code per person (-1 = none): its length is the number of people.

    Returns
    -------
    AmbassadorComponents

    Examples
    --------
    Person 0 posts every week and draws replies from three people in two groups; person 1
    posts as often but nobody answers and they answer nobody.

    >>> ts = pd.to_datetime(["2025-01-06", "2025-01-06", "2025-01-07", "2025-01-08",
    ...                      "2025-01-13", "2025-01-14", "2025-01-13", "2025-01-15"], utc=True)
    >>> ev = pd.DataFrame({
    ...     "kind": ["post", "reply", "reply", "reply", "post", "reply", "post", "post"],
    ...     "actor": [0, 2, 3, 4, 0, 0, 1, 1], "target": [-1, 0, 0, 0, -1, 2, -1, -1],
    ...     "thread": ["t1", "t1", "t1", "t1", "t2", "x", "t3", "t4"], "ts": ts})
    >>> c = ambassador_components(ev, np.array([0, 0, 0, 1, 1]))
    >>> c.responders.tolist(), c.responder_groups.tolist(), c.weeks_active.tolist(), c.weeks
    ([3, 0, 1, 0, 0], [2, 0, 1, 0, 0], [2, 1, 1, 1, 1], 2)
    """
    first = np.asarray(groups)
    groups, _ = check_codes(first, first.size, func="ambassador_components")
    n = len(groups)
    # Every group-by below is an array operation over event codes: kinds compared by their
    # category codes, threads as dense integer codes, times as integers. Each step is a function
    # of its own, so its per-event temporaries are freed before the next one starts (at 50M
    # events each is hundreds of MB; held together they were 48 bytes per event).
    kind = events["kind"]
    # Node codes as they come (32-bit from a graph): they index and are compared; every packed
    # key below widens them (a 64-bit copy of each was 400 MB at 50M events).
    actor = event_codes(events["actor"])
    target = event_codes(events["target"])
    m = len(actor)
    thread, _ = thread_codes(events["thread"] if "thread" in events else np.full(m, -1, dtype=np.int64))
    times = utc_times(events["ts"] if "ts" in events else pd.Series(pd.NaT, index=range(m)))
    ok = (actor >= 0) & (actor < n)
    contributing = ok & ~kind_is(kind, _PASSIVE)
    weeks_active, weeks_total = _weeks_active(actor, times, ok, contributing, n)
    contributed = _count_per(actor[contributing], n) > 0
    del contributing

    starter = _thread_starters(kind, actor, thread, times, ok)
    answered, person, responder = _responses_received(kind, actor, target, thread, starter, ok, n)
    conversations = _count_per(starter[answered], n)
    del answered, starter
    indptr, distinct_responder = _distinct_pairs(person, responder, n)
    del person, responder
    responders = np.diff(indptr).astype(np.int64)
    departments = _groups_reached(responders, distinct_responder, groups, n)
    del indptr, distinct_responder

    others = ok & (target >= 0) & (target != actor)
    giving = others & kind_is(kind, _GIVING)
    others &= kind_is(kind, ("share",))  # sharing: in place, one mask less
    responses_given = _count_per(actor[giving], n)
    shares_of_others = _count_per(actor[others], n)
    people_answered = _distinct_per(actor[giving], target[giving], n)
    del giving
    people_shared = _distinct_per(actor[others], target[others], n)

    return AmbassadorComponents(
        weeks_active=weeks_active, conversations=conversations, responders=responders,
        responder_groups=departments, people_answered=people_answered, people_shared=people_shared,
        responses_given=responses_given, shares_of_others=shares_of_others, contributed=contributed,
        weeks=weeks_total,
    )


def _weeks_active(actor: np.ndarray, times: pd.Series, ok: np.ndarray, contributing: np.ndarray,
                  n: int) -> tuple[np.ndarray, int]:
    """Per person, the distinct weeks with a contribution; and the weeks the data covers."""
    clock, clock_unit = epoch_ticks(times)
    has_time = clock != np.iinfo(np.int64).min
    timed = ok & has_time
    if not timed.any():
        return np.zeros(n, dtype=np.int64), 0
    unit = pd.Timedelta(1, unit=clock_unit)
    day, week_len = pd.Timedelta(days=1) // unit, pd.Timedelta(days=7) // unit
    # Midnight UTC of the first event (the minimum read in place: no copy of the times).
    t0 = (int(np.min(clock, where=timed, initial=np.iinfo(np.int64).max)) // day) * day
    weeks_total = _covered_weeks(clock, clock_unit, timed, t0, week_len)
    del timed
    has_time &= contributing  # in place: the contributions with a time
    week = clock[has_time]  # one copy, then in place: at 50M events each copy is 400 MB
    week -= t0
    week //= week_len
    return _distinct_per(actor[has_time], week, n), weeks_total


def _thread_starters(kind: object, actor: np.ndarray, thread: np.ndarray, times: pd.Series,
                     ok: np.ndarray) -> np.ndarray:
    """Per thread code, who started it (-1: no post).

    The starter wrote the earliest post of the thread; among equally early posts the first in
    event order; posts with no time come after every timed one.
    """
    clock, _ = epoch_ticks(times)
    m = len(actor)
    n_threads = int(thread.max()) + 1 if m else 0
    posts = np.flatnonzero(ok & kind_is(kind, ("post",)) & (thread >= 0))
    never = np.iinfo(np.int64).max
    post_time = clock[posts]
    post_time[post_time == np.iinfo(np.int64).min] = never  # no time: after every timed post
    post_thread = thread[posts]
    earliest = np.full(n_threads, never)
    np.minimum.at(earliest, post_thread, post_time)
    first_post = np.full(n_threads, m)
    at_earliest = post_time == earliest[post_thread]
    np.minimum.at(first_post, post_thread[at_earliest], posts[at_earliest])
    return np.where(first_post < m, actor[np.minimum(first_post, max(m - 1, 0))], -1)


def _responses_received(kind: object, actor: np.ndarray, target: np.ndarray, thread: np.ndarray,
                        starter: np.ndarray, ok: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The threads that drew a response, and who responded to whom as (person, responder) pairs.

    A response counts for the person who started the thread (``reply``, ``reaction`` or
    ``share`` in it by someone else) or for the person it targets (a response kind aimed at
    them). The pairs are 32-bit when the people fit: they only feed :func:`_distinct_pairs`.
    """
    # Boolean masks narrowed in place, not positions: at 50M events an int64 position array
    # of the responses (and its filtered copy) was 8 bytes per event each.
    in_thread = ok & kind_is(kind, _THREAD_RESPONSES)
    in_thread &= thread >= 0
    thread_starter = starter[thread[in_thread]]
    keep = thread_starter >= 0
    keep &= actor[in_thread] != thread_starter
    in_thread[in_thread] = keep
    thread_starter = thread_starter[keep]
    del keep
    answered = np.zeros(len(starter), dtype=bool)
    answered[thread[in_thread]] = True
    targeted = ok & kind_is(kind, _TARGET_RESPONSES)
    targeted &= target >= 0
    targeted &= target < n
    targeted &= target != actor
    index = np.int32 if n < 2**31 else np.int64
    person = np.concatenate([thread_starter.astype(index), target[targeted].astype(index)])
    del thread_starter
    responder = np.concatenate([actor[in_thread].astype(index), actor[targeted].astype(index)])
    return answered, person, responder


def _groups_reached(responders: np.ndarray, distinct_responder: np.ndarray, groups: np.ndarray,
                    n: int) -> np.ndarray:
    """Per person, the distinct groups of their distinct responders (far fewer than the responses)."""
    pair_person = np.repeat(np.arange(n, dtype=np.int64), responders)
    pairs_group = groups[distinct_responder]
    grouped = pairs_group >= 0
    return _distinct_per(pair_person[grouped], pairs_group[grouped], n)
