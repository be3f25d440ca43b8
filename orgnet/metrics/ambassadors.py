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
import pandas as pd
from scipy.stats import rankdata

from orgnet.metrics.time import thread_values

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


def _count_per(codes: pd.Series, n: int) -> np.ndarray:
    return np.bincount(codes.to_numpy(np.int64), minlength=n)[:n]


def _kind_categorical(kind: object) -> pd.Series:
    """Kinds as a categorical of text; one that already is keeps its codes (no per-event strings)."""
    values = pd.Series(kind).reset_index(drop=True)
    if isinstance(values.dtype, pd.CategoricalDtype) and all(isinstance(c, str) for c in values.cat.categories):
        return values
    return values.astype(str).astype("category")


def _distinct_per(person: object, other: object, n: int) -> np.ndarray:
    """Per person, the number of distinct values of ``other`` paired with them (integer columns).

    The pairs are packed into one int64 key and hashed once (``pd.unique``), which is several
    times faster than ``DataFrame.drop_duplicates`` over two columns of millions of rows.
    """
    a = np.asarray(person, dtype=np.int64)
    b = np.asarray(other, dtype=np.int64)
    if not len(a):
        return np.zeros(n, dtype=np.int64)
    lo, hi = int(b.min()), int(b.max())
    width = hi - lo + 1
    if int(a.max()) >= 0 and (int(a.max()) + 1) * width < 2**62 and int(a.min()) >= 0:
        keys = pd.unique(a * width + (b - lo))
        return np.bincount(keys // width, minlength=n)[:n]
    pairs = pd.DataFrame({"a": a, "b": b}).drop_duplicates()
    return _count_per(pairs["a"], n)


def _event_frame(events: pd.DataFrame) -> pd.DataFrame:
    """The columns this module uses, without per-row Python conversion (timestamps stay datetime64)."""
    m = len(events)
    frame = pd.DataFrame(
        {
            "kind": _kind_categorical(events["kind"]),
            "actor": np.asarray(events["actor"], dtype=np.int64),
            "target": np.asarray(events["target"], dtype=np.int64),
        }
    )
    thread = events["thread"] if "thread" in events else pd.Series([None] * m, dtype=object)
    frame["thread"] = thread_values(thread)
    ts = events["ts"] if "ts" in events else pd.Series(pd.NaT, index=range(m))
    frame["ts"] = pd.to_datetime(pd.Series(ts).reset_index(drop=True), utc=True)
    return frame


def _modified_z(values: np.ndarray) -> np.ndarray:
    med = np.median(values)
    mad = np.median(np.abs(values - med))
    if mad == 0:
        mad = np.mean(np.abs(values - med)) * 1.2533  # mean absolute deviation fallback
    if mad == 0:
        return np.zeros_like(values)
    return 0.6745 * (values - med) / mad


def ambassador_scores(
    events: pd.DataFrame,
    groups: np.ndarray,
    *,
    ids: np.ndarray | list[str] | None = None,
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
    groups = np.asarray(groups, dtype=np.int64)
    n = len(groups)
    ids_arr = np.arange(n).astype(str) if ids is None else np.asarray(ids, dtype=object).astype(str)
    ev = _event_frame(events)
    ev = ev[(ev["actor"] >= 0) & (ev["actor"] < n)]

    contributing = ev[~ev["kind"].isin(_PASSIVE)]
    timed = ev["ts"].notna()
    if timed.any():
        t0 = ev.loc[timed, "ts"].min().normalize()
        weeks_total = int((ev.loc[timed, "ts"].max() - t0) // pd.Timedelta(days=7)) + 1
        week = (contributing["ts"] - t0) // pd.Timedelta(days=7)
        has_week = week.notna().to_numpy()
        weeks_active = _distinct_per(contributing["actor"].to_numpy()[has_week],
                                     week.to_numpy()[has_week].astype(np.int64), n)
    else:
        weeks_total = 0
        weeks_active = np.zeros(n, dtype=np.int64)
    contributed = _count_per(contributing["actor"], n) > 0

    # Threads and who started them (the earliest post of each thread).
    posts = ev[(ev["kind"] == "post") & ev["thread"].notna()].sort_values("ts", kind="stable")
    starters = posts.drop_duplicates("thread")[["thread", "actor"]].rename(columns={"actor": "starter"})
    in_thread = ev[ev["kind"].isin(_THREAD_RESPONSES) & ev["thread"].notna()].merge(starters, on="thread")
    in_thread = in_thread[in_thread["actor"] != in_thread["starter"]]
    conversations = _distinct_per(in_thread["starter"].to_numpy(), in_thread["thread"].to_numpy(np.int64), n) \
        if pd.api.types.is_integer_dtype(in_thread["thread"].dtype) \
        else _count_per(in_thread.drop_duplicates(["starter", "thread"])["starter"], n)

    targeted = ev[ev["kind"].isin(_TARGET_RESPONSES) & (ev["target"] >= 0) & (ev["target"] < n) & (ev["target"] != ev["actor"])]
    # Distinct (person, responder) pairs, packed into one int64 key (both are node codes < n).
    person = np.concatenate([in_thread["starter"].to_numpy(np.int64), targeted["target"].to_numpy(np.int64)])
    responder = np.concatenate([in_thread["actor"].to_numpy(np.int64), targeted["actor"].to_numpy(np.int64)])
    keys = pd.unique(person * np.int64(n) + responder)
    person, responder = keys // n, keys % n
    responders = _count_per(pd.Series(person), n)
    pairs_group = groups[responder]
    departments = _distinct_per(person[pairs_group >= 0], pairs_group[pairs_group >= 0], n)

    others = ev[(ev["target"] >= 0) & (ev["target"] != ev["actor"])]
    giving = others[others["kind"].isin(_GIVING)]
    sharing = others[others["kind"] == "share"]
    responses_given = _count_per(giving["actor"], n)
    shares_of_others = _count_per(sharing["actor"], n)
    people_answered = _distinct_per(giving["actor"], giving["target"], n)
    people_shared = _distinct_per(sharing["actor"], sharing["target"], n)

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
            logs += np.log(rankdata(values[active], method="average") / len(active))
        score[active] = np.exp(logs / len(components))

    flagged = np.zeros(n, dtype=bool)
    if len(active) >= 3:
        s = np.clip(score[active], 1e-9, 1 - 1e-9)
        z = _modified_z(np.log(s / (1 - s)))
        flagged[active] = z >= outlier_z

    frame = pd.DataFrame({"code": np.arange(n), "person": ids_arr, "score": score, **components})
    frame["responses_given"] = responses_given
    frame["shares_of_others"] = shares_of_others
    frame["weeks"] = weeks_total
    frame["flagged"] = flagged
    frame = frame.sort_values(["score", "responders", "code"], ascending=[False, False, True], kind="stable")
    frame.insert(0, "rank", np.arange(1, n + 1))

    def plural(count: int, word: str, many: str | None = None) -> str:
        return f"{count} {word if count == 1 else (many or word + 's')}"

    frame["reason"] = [
        f"responses from {plural(r.responders, 'person', 'people')} in {plural(r.departments, 'department')}; "
        f"active {r.weeks_active} of {r.weeks} weeks; "
        f"{plural(r.conversations, 'conversation')} drew responses; "
        f"{plural(r.responses_given, 'response')} to {plural(r.people_answered, 'person', 'people')}; "
        f"shared content of {plural(r.people_shared, 'person', 'people')}"
        for r in frame.itertuples()
    ]
    return frame.reset_index(drop=True)
