"""Generate a whole synthetic organisation: hierarchy, directory, events and planted truth, from one seed.

Examples
--------
>>> org = toy_org()
>>> org.events.num_rows > 0, len(org.directory), sorted(org.truth)[:3]
(True, 60, ['ambassadors', 'broker_departments', 'brokers'])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgnet.events import KINDS, coerce_events
from orgnet.synthetic.activity import EventArrays, simulate
from orgnet.synthetic.org import build_directory, build_hierarchy, person_ids
from orgnet.synthetic.truth import newcomer_window, plant, truth_dict

__all__ = ["GENERATOR_VERSION", "SyntheticOrg", "generate", "toy_org"]

#: Bumped whenever the same seed would give different data.
GENERATOR_VERSION = 1

_CHUNK = 4_000_000


@dataclass(frozen=True, eq=False)
class SyntheticOrg:
    """A generated organisation.

    Attributes
    ----------
    events : pyarrow.Table
        Events following :data:`orgnet.events.SCHEMA`, sorted by time.
    directory : pandas.DataFrame
        person, name, email, division, department, team, title, manager, site, hire_date.
    truth : dict
        The planted ground truth (JSON-serialisable), see :func:`generate`.
    """

    events: pa.Table
    directory: pd.DataFrame
    truth: dict[str, Any]
    channels: list[str] = field(default_factory=list, repr=False)

    def __repr__(self) -> str:
        p = self.truth.get("params", {})
        return f"SyntheticOrg(people={p.get('people')}, seed={p.get('seed')}, events={self.events.num_rows})"


def generate(
    people: int = 2000,
    seed: int = 7,
    weeks: int = 26,
    start: str = "2025-01-06",
    events_per_person: float | None = None,
    *,
    progress: Callable[[str], None] | None = None,
) -> SyntheticOrg:
    """Generate a realistic organisation with planted ground truth.

    The organisation has divisions, departments (15-150 people when large) and teams (4-12), a
    reporting line, sites, tenure, names and e-mails; its members act on an enterprise social
    network for ``weeks`` weeks. Planted in it: passionate ambassadors, information brokers, silo
    departments, newcomers and an engagement pyramid (watcher ... curator), listed in ``truth``.

    Parameters
    ----------
    people : int
        Number of people (30 to a few million).
    seed : int
        Seed; the same arguments give identical tables.
    weeks : int
        Length of the activity window in weeks.
    start : str
        First day of the window (ISO date, UTC midnight); best a Monday.
    events_per_person : float, optional
        Mean events per person over the window; default 20. Every contributor (sharer and up)
        has at least one event of their level's kind whatever this is.
    progress : callable, optional
        Called with a short message as each stage starts (for progress bars).

    Returns
    -------
    SyntheticOrg

    Raises
    ------
    ValueError
        ``people`` < 30, ``weeks`` < 1 or a negative ``events_per_person``.

    Examples
    --------
    >>> org = generate(people=200, seed=3, weeks=8)
    >>> org.directory.loc[0, "title"], org.truth["params"]["people"]
    ('Chief Executive Officer', 200)
    >>> sorted(set(org.truth["pyramid"].values()))
    ['commenter', 'curator', 'producer', 'sharer', 'watcher']
    """
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, got {weeks}")
    epp = 20.0 if events_per_person is None else float(events_per_person)
    if not np.isfinite(epp) or epp < 0:
        raise ValueError(f"events_per_person must be a non-negative number, got {events_per_person}")
    note = progress or (lambda _msg: None)
    t0 = np.datetime64(pd.Timestamp(start).date(), "D")
    end = t0 + np.timedelta64(7 * weeks, "D")
    rng = np.random.default_rng([int(seed), GENERATOR_VERSION])

    note("organisation")
    h = build_hierarchy(int(people), rng, weeks=weeks, newcomer_weeks=newcomer_window(weeks))
    plan = plant(h, rng, weeks=weeks)
    note("activity")
    arrays = simulate(h, plan, rng, weeks=weeks, events_per_person=epp)
    ids = person_ids(h.n)
    note("events table")
    events = _events_table(arrays, ids, t0)
    note("directory")
    directory = build_directory(h, plan.hire_days, end, rng)
    params = {
        "people": int(people), "seed": int(seed), "weeks": int(weeks), "start": str(t0), "end": str(end),
        "events_per_person": epp, "events": events.num_rows, "generator_version": GENERATOR_VERSION,
        "departments": h.n_departments, "divisions": h.n_divisions, "teams": h.n_teams,
        "communities": arrays.channels.n_communities, "company": h.company,
    }
    truth = truth_dict(h, plan, ids.to_pylist(), params)
    return SyntheticOrg(events, directory, truth, arrays.channels.names)


def _events_table(ev: EventArrays, ids: pa.Array, t0: np.datetime64) -> pa.Table:
    n = len(ev.actor)
    # Sort by time with one packed-key sort (much faster than argsort); ties keep generation order.
    idx_bits = max(1, int(n).bit_length())
    if int(ev.ts.max(initial=0)).bit_length() + idx_bits <= 62:
        packed = (ev.ts << idx_bits) | np.arange(n, dtype=np.int64)
        packed.sort()
        order = packed & ((1 << idx_bits) - 1)
        del packed
    else:  # pragma: no cover - windows of several years with billions of events
        order = np.argsort(ev.ts, kind="stable")
    rank = np.empty(n, np.int64)
    rank[order] = np.arange(n)
    start_us = int(t0.astype("datetime64[us]").astype(np.int64))
    kinds = pa.array(list(KINDS))
    channels = pa.array(ev.channels.names)
    chunks = []
    for lo in range(0, max(n, 1), _CHUNK):
        o = order[lo : lo + _CHUNK]
        target = ev.target[o]
        thread = ev.thread[o]
        has_thread = thread >= 0
        thread_rank = pa.array(np.where(has_thread, rank[np.maximum(thread, 0)], 0), mask=~has_thread)
        table = pa.table(
            {
                "ts": pa.array(start_us + ev.ts[o] * 1_000_000, pa.timestamp("us", tz="UTC")),
                "kind": pa.DictionaryArray.from_arrays(pa.array(ev.kind[o]), kinds),
                "actor": pa.DictionaryArray.from_arrays(pa.array(ev.actor[o]), ids),
                "target": pa.DictionaryArray.from_arrays(pa.array(target, mask=target < 0), ids),
                "channel": pa.DictionaryArray.from_arrays(pa.array(ev.channel[o]), channels),
                "thread": pc.binary_join_element_wise("m", pc.cast(thread_rank, pa.string()), ""),
                "item": pc.binary_join_element_wise(
                    "m", pc.cast(pa.array(np.arange(lo, lo + len(o))), pa.string()), ""
                ),
            }
        )
        chunks.append(coerce_events(table, source="synthetic", where="synthetic events"))
    return pa.concat_tables(chunks)


def toy_org() -> SyntheticOrg:
    """A tiny seeded organisation (60 people, 8 weeks) for examples and doctests.

    Returns
    -------
    SyntheticOrg

    Examples
    --------
    >>> org = toy_org()
    >>> len(org.directory), org.truth["params"]["seed"]
    (60, 0)
    >>> org.events.column("kind").type
    DictionaryType(dictionary<values=string, indices=int8, ordered=0>)
    >>> len(org.truth["ambassadors"]) >= 3 and len(org.truth["brokers"]) >= 3
    True
    """
    return generate(people=60, seed=0, weeks=8, events_per_person=12)
