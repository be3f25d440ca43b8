"""Passionate ambassadors: sustained, contagious engagement that reaches across the organisation.

An ambassador is active most weeks, starts conversations that draw responses from many
distinct people in several groups, and gives back (responds to others, shares their content).
Each of these is a *component* counted per person with group-bys over the events; the score
combines them so that no single one — least of all volume — can carry a person:

* ``weeks_active`` — weeks (7-day periods from the first event) with any contribution
  (any kind but ``view`` and ``join``);
* ``conversations`` — threads the person started (``post``) that drew a response (``reply``,
  ``reaction``, ``share`` in the thread) from someone else;
* ``responders`` — distinct people who responded to them: in their threads, or with a
  response kind (``reply``, ``reaction``, ``share``, ``mention``) targeted at them;
* ``departments`` — distinct groups those responders belong to;
* ``people_answered`` — distinct other people they replied or reacted to (giving back);
* ``people_shared`` — distinct other people whose content they shared.

Every component but ``conversations`` counts *distinct* people or weeks, not actions: a
hundred replies inside one small circle are volume, replies to forty people are reach. The raw
action counts are reported too (``responses_given``, ``shares_of_others``) but not scored.

**Score** — the geometric mean of the six percentile ranks, each rank taken among the people
who contributed at all (average ranks for ties, so a zero shared by many gives a small but
positive rank). A geometric mean rewards being high on *every* component: a high-volume poster
who draws few distinct responders or never responds to others is pulled down by those ranks,
where an arithmetic mean would let volume compensate. Percentile ranks make the components
comparable whatever their scale and make the score independent of the organisation's size.
People with no contribution score 0.

**How many to flag** — the full ranking is returned so a caller can take any top K; the
``flagged`` column marks people whose score is an upper outlier of the organisation's own
score distribution: a modified z-score (Iglewicz & Hoaglin 1993: ``0.6745 (x - median) /
MAD``) of ``logit(score)`` at or above ``3.5`` (their recommended outlier cut-off), among
contributors. The logit spreads the scores near 1 where ambassadors sit.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from orgnet.metrics._check import IntArray, check_codes, check_ids
from orgnet.metrics.columns import epoch_ticks, kind_is, thread_codes, utc_times
from orgnet.metrics.robust import modified_z, percentile_rank

__all__ = ["AMBASSADOR_COMPONENTS", "ambassador_scores"]

#: Score components, in the order they appear in the output.
AMBASSADOR_COMPONENTS: tuple[str, ...] = (
    "weeks_active",
    "conversations",
    "responders",
    "departments",
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
    a = np.asarray(person, dtype=np.int64)
    b = np.asarray(other, dtype=np.int64)
    if not len(a):
        return np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int64)
    lo = int(b.min())
    if lo:
        b = b - lo
    width = int(b.max()) + 1
    if n * width <= _DENSE_CELLS:
        seen = np.zeros(n * width, dtype=bool)
        key = a * width
        key += b  # in place: one temporary of the events' length, not two
        seen[key] = True
        del key
        cells = np.flatnonzero(seen)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(cells // width, minlength=n), out=indptr[1:])
        return indptr, cells % width + lo
    # 32-bit indices when they fit: half the memory of the sort at 50M events, same pairs.
    index = np.int32 if max(n, width) < 2**31 else np.int64
    pairs = sp.coo_array((np.ones(len(a), dtype=bool), (a.astype(index), b.astype(index))),
                         shape=(n, width)).tocsr()
    return pairs.indptr.astype(np.int64), pairs.indices.astype(np.int64) + lo


#: (person, value) cells up to which distinct pairs are flagged in a dense array.
_DENSE_CELLS = 50_000_000


def _plural(count: IntArray, word: str, many: str | None = None) -> npt.NDArray[np.object_]:
    """``"<count> <word>"`` per element, ``many`` (default word + "s") unless the count is 1 (object array)."""
    text = np.asarray([str(c) for c in count.tolist()], dtype=object)
    out: npt.NDArray[np.object_] = text + np.where(count == 1, " " + word, " " + (many or word + "s")).astype(object)
    return out


def ambassador_scores(
    events: pd.DataFrame,
    groups: npt.ArrayLike,
    *,
    ids: npt.ArrayLike | None = None,
    outlier_z: float = 3.5,
) -> pd.DataFrame:
    """Rank every person as a passionate ambassador, with the components behind the score.

    Parameters
    ----------
    events : pandas.DataFrame
        One row per event with ``kind`` (str), ``actor`` and ``target`` (node codes, -1 =
        none), ``thread`` (str or missing, or integer codes with -1 = none) and ``ts`` (timestamps). ``OrgGraph.events`` with
        ``OrgGraph.actor`` / ``OrgGraph.target`` as codes.
    groups : numpy.ndarray
        Integer group code per person (departments; -1 = none): its length is the number of
        people.
    ids : sequence of str, optional
        Person ids by node (default: the codes as text).
    outlier_z : float
        Modified z-score of ``logit(score)`` from which a person is ``flagged`` (3.5).

    Returns
    -------
    pandas.DataFrame
        One row per person, best first: ``rank`` (1 = best), ``code``, ``person``, ``score``,
        the :data:`AMBASSADOR_COMPONENTS` counts, ``responses_given`` and ``shares_of_others``
        (action counts), ``weeks`` (weeks in the data), ``flagged`` and ``reason``.

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
    >>> out = ambassador_scores(ev, np.array([0, 0, 0, 1, 1]), ids=list("abcde"))
    >>> out[["rank", "person", "responders", "departments", "weeks_active"]].head(2).to_dict("records")
    [{'rank': 1, 'person': 'a', 'responders': 3, 'departments': 2, 'weeks_active': 2}, \
{'rank': 2, 'person': 'c', 'responders': 1, 'departments': 1, 'weeks_active': 1}]
    >>> out.loc[0, "reason"]
    'responses from 3 people in 2 departments; active 2 of 2 weeks; 1 conversation drew responses; 1 response to 1 person; shared content of 0 people'
    """
    first = np.asarray(groups)
    groups, _ = check_codes(first, first.size, func="ambassador_scores")
    n = len(groups)
    ids_arr = check_ids(ids, n, func="ambassador_scores")
    # Every group-by below is an array operation over event codes: kinds compared by their
    # category codes, threads as dense integer codes, times as integers.
    kind = events["kind"]
    actor = np.asarray(events["actor"], dtype=np.int64)
    target = np.asarray(events["target"], dtype=np.int64)
    m = len(actor)
    thread, _ = thread_codes(events["thread"] if "thread" in events else np.full(m, -1, dtype=np.int64))
    times = utc_times(events["ts"] if "ts" in events else pd.Series(pd.NaT, index=range(m)))
    clock, clock_unit = epoch_ticks(times)
    ok = (actor >= 0) & (actor < n)
    has_time = clock != np.iinfo(np.int64).min

    contributing = ok & ~kind_is(kind, _PASSIVE)
    timed = ok & has_time
    if timed.any():
        unit = pd.Timedelta(1, unit=clock_unit)
        day, week_len = pd.Timedelta(days=1) // unit, pd.Timedelta(days=7) // unit
        t0 = (int(clock[timed].min()) // day) * day  # midnight UTC of the first event
        weeks_total = int((int(clock[timed].max()) - t0) // week_len) + 1
        with_week = contributing & has_time
        week = clock[with_week]  # one copy, then in place: at 50M events each copy is 400 MB
        week -= t0
        week //= week_len
        weeks_active = _distinct_per(actor[with_week], week, n)
        del week
    else:
        weeks_total = 0
        weeks_active = np.zeros(n, dtype=np.int64)
    contributed = _count_per(actor[contributing], n) > 0

    # Threads and who started them (the earliest post of each thread; among equally early
    # posts the first in event order; posts with no time after every timed one).
    n_threads = int(thread.max()) + 1 if m else 0
    posts = np.flatnonzero(ok & kind_is(kind, ("post",)) & (thread >= 0))
    never = np.iinfo(np.int64).max
    post_time = np.where(has_time[posts], clock[posts], never)
    earliest = np.full(n_threads, never)
    np.minimum.at(earliest, thread[posts], post_time)
    first_post = np.full(n_threads, m)
    at_earliest = posts[post_time == earliest[thread[posts]]]
    np.minimum.at(first_post, thread[at_earliest], at_earliest)
    starter = np.where(first_post < m, actor[np.minimum(first_post, max(m - 1, 0))], -1)

    in_thread = np.flatnonzero(ok & kind_is(kind, _THREAD_RESPONSES) & (thread >= 0))
    in_thread = in_thread[starter[thread[in_thread]] >= 0]
    thread_starter = starter[thread[in_thread]]
    keep = actor[in_thread] != thread_starter
    in_thread, thread_starter = in_thread[keep], thread_starter[keep]
    answered = np.zeros(n_threads, dtype=bool)
    answered[thread[in_thread]] = True
    conversations = _count_per(starter[answered], n)

    targeted = np.flatnonzero(ok & kind_is(kind, _TARGET_RESPONSES) & (target >= 0) & (target < n) & (target != actor))
    # Distinct (person, responder) pairs: responders per person, and the groups they come from.
    person = np.concatenate([thread_starter, target[targeted]])
    responder = np.concatenate([actor[in_thread], actor[targeted]])
    indptr, distinct_responder = _distinct_pairs(person, responder, n)
    responders = np.diff(indptr).astype(np.int64)
    # Groups reached: over the distinct responders (far fewer than the responses).
    pair_person = np.repeat(np.arange(n, dtype=np.int64), responders)
    pairs_group = groups[distinct_responder]
    departments = _distinct_per(pair_person[pairs_group >= 0], pairs_group[pairs_group >= 0], n)

    others = ok & (target >= 0) & (target != actor)
    giving = others & kind_is(kind, _GIVING)
    sharing = others & kind_is(kind, ("share",))
    responses_given = _count_per(actor[giving], n)
    shares_of_others = _count_per(actor[sharing], n)
    people_answered = _distinct_per(actor[giving], target[giving], n)
    people_shared = _distinct_per(actor[sharing], target[sharing], n)

    components = {
        "weeks_active": weeks_active,
        "conversations": conversations,
        "responders": responders,
        "departments": departments,
        "people_answered": people_answered,
        "people_shared": people_shared,
    }
    score = np.zeros(n)
    active = np.flatnonzero(contributed)
    if len(active):
        logs = np.zeros(len(active))
        for values in components.values():
            logs += np.log(percentile_rank(values[active], ties="average"))
        score[active] = np.exp(logs / len(components))

    flagged = np.zeros(n, dtype=bool)
    if len(active) >= 3:
        s = np.clip(score[active], 1e-9, 1 - 1e-9)
        z = modified_z(np.log(s / (1 - s)))
        flagged[active] = z >= outlier_z

    frame = pd.DataFrame({"code": np.arange(n), "person": ids_arr, "score": score, **components})
    frame["responses_given"] = responses_given
    frame["shares_of_others"] = shares_of_others
    frame["weeks"] = weeks_total
    frame["flagged"] = flagged
    frame = frame.sort_values(["score", "responders", "code"], ascending=[False, False, True], kind="stable")
    frame.insert(0, "rank", np.arange(1, n + 1))

    # Reasons as whole columns of text (no Python formatting row by row).
    col = {c: frame[c].to_numpy() for c in ("responders", "departments", "weeks_active", "weeks", "conversations",
                                              "responses_given", "people_answered", "people_shared")}
    reason = ("responses from " + _plural(col["responders"], "person", "people") + " in "
              + _plural(col["departments"], "department") + "; active "
              + np.asarray([str(c) for c in col["weeks_active"].tolist()], dtype=object) + f" of {weeks_total} weeks; "
              + _plural(col["conversations"], "conversation") + " drew responses; "
              + _plural(col["responses_given"], "response") + " to "
              + _plural(col["people_answered"], "person", "people") + "; shared content of "
              + _plural(col["people_shared"], "person", "people"))
    frame["reason"] = reason.tolist()
    return frame.reset_index(drop=True)
