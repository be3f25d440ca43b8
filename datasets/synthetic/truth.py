"""Planted ground truth: who is an ambassador, broker or newcomer, which departments are silos, everyone's level.

The plan only chooses *who*; how they behave is left to the activity model's rates and partner
choice (:mod:`orgnet.synthetic.activity`), so no detector threshold is written in here.

Examples
--------
>>> import numpy as np
>>> from orgnet.synthetic.org import build_hierarchy
>>> rng = np.random.default_rng(0)
>>> plan = plant(build_hierarchy(500, rng), rng, weeks=26)
>>> int(plan.ambassador.sum()) >= 3, int(plan.broker.sum()) >= 3
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from orgnet.synthetic.org import Hierarchy

__all__ = ["LEVELS", "Plan", "newcomer_window", "plant", "truth_dict"]

#: Engagement pyramid levels, lowest first (Charlene Li).
LEVELS: tuple[str, ...] = ("watcher", "sharer", "commenter", "producer", "curator")

# Level probabilities by role (member, team lead, department head, division head, CEO): most
# members watch; managers contribute more.
_LEVEL_P = np.array(
    [
        [0.670, 0.135, 0.100, 0.070, 0.025],
        [0.300, 0.100, 0.150, 0.380, 0.070],
        [0.000, 0.000, 0.000, 0.850, 0.150],
        [0.000, 0.000, 0.000, 0.850, 0.150],
        [0.000, 0.000, 0.000, 0.800, 0.200],
    ]
)


@dataclass(frozen=True, eq=False)
class Plan:
    """Who is who in the planted truth; arrays are aligned with people."""

    level: np.ndarray  # int8, index into LEVELS
    ambassador: np.ndarray  # bool
    broker: np.ndarray  # bool
    newcomer: np.ndarray  # bool
    silo_department: np.ndarray  # bool per department
    broker_departments: np.ndarray  # int32 (n_brokers, 5), -1 padded; rows follow np.flatnonzero(broker)
    hire_days: np.ndarray  # float64, whole days before the end of the window each person was hired
    newcomer_weeks: int


def _choose(rng: np.random.Generator, pool: np.ndarray, k: int) -> np.ndarray:
    k = min(k, len(pool))
    return np.sort(rng.choice(pool, k, replace=False)) if k else np.empty(0, np.int64)


def newcomer_window(weeks: int) -> int:
    """Weeks at the end of the window in which newcomers are hired.

    Examples
    --------
    >>> newcomer_window(26), newcomer_window(2)
    (6, 1)
    """
    return max(1, min(6, weeks // 4))


def plant(h: Hierarchy, rng: np.random.Generator, *, weeks: int) -> Plan:
    """Choose the planted roles, silo departments and engagement levels.

    Parameters
    ----------
    h : Hierarchy
        The formal organisation.
    rng : numpy.random.Generator
    weeks : int
        Length of the activity window.

    Returns
    -------
    Plan
    """
    n = h.n
    n_dept = h.n_departments
    regular = np.arange(1, n_dept)

    # Silo departments: ~10% of the regular departments (at least 1; at least 2 from 10 departments).
    n_silo = max(1 if len(regular) < 10 else 2, round(0.1 * len(regular)))
    n_silo = min(n_silo, max(1, len(regular) - 4))
    silo = np.zeros(n_dept, bool)
    silo[_choose(rng, regular, n_silo)] = True
    in_silo = silo[h.department]
    # Planted roles need the whole window to show: only people hired before it starts.
    members = (h.role <= 1) & ~in_silo & (h.tenure_days > weeks * 7 + 14)

    n_amb = max(3, round(0.01 * n))
    ambassador = np.zeros(n, bool)
    ambassador[_choose(rng, np.flatnonzero(members), n_amb)] = True

    n_brk = max(3, round(0.005 * n))
    broker = np.zeros(n, bool)
    broker[_choose(rng, np.flatnonzero(members & ~ambassador & (h.role == 0)), n_brk)] = True
    broker_departments = _broker_departments(h, np.flatnonzero(broker), silo, rng)

    nw = newcomer_window(weeks)
    n_new = max(1, round(0.02 * n))
    newcomer = np.zeros(n, bool)
    newcomer[_choose(rng, np.flatnonzero((h.role == 0) & ~ambassador & ~broker), n_new)] = True
    hire_days = h.tenure_days.copy()
    hire_days[newcomer] = rng.uniform(2, nw * 7, int(newcomer.sum()))
    hire_days = np.floor(hire_days)  # whole days: people start on their hire date (UTC midnight)

    level = _draw_levels(h, rng, ambassador, broker, newcomer)
    return Plan(level, ambassador, broker, newcomer, silo, broker_departments, hire_days, nw)


def _draw_levels(
    h: Hierarchy, rng: np.random.Generator, ambassador: np.ndarray, broker: np.ndarray, newcomer: np.ndarray
) -> np.ndarray:
    n = h.n
    cum = np.cumsum(_LEVEL_P, axis=1)
    u = rng.random(n)
    level = (u[:, None] > cum[h.role]).sum(axis=1).astype(np.int8)
    level = np.minimum(level, 4)
    level[ambassador] = np.where(rng.random(int(ambassador.sum())) < 0.55, 3, 4)
    level[broker] = np.where(rng.random(int(broker.sum())) < 0.5, 2, 3)
    level[newcomer] = rng.choice(3, int(newcomer.sum()), p=[0.6, 0.25, 0.15])
    # Every department's own channel needs a second voice besides its head: if nobody else in a
    # department produces, the lead of its first team does.
    producing = np.bincount(h.department, weights=((level >= 3) & (h.role < 2)).astype(float), minlength=h.n_departments)
    quiet = np.flatnonzero(producing[1:] == 0) + 1
    first_lead = h.dept_start[quiet] + 1
    level[first_lead[~newcomer[first_lead]]] = 3
    return level


def _broker_departments(h: Hierarchy, brokers: np.ndarray, silo: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    # Each broker gets 3-5 other departments, preferably in other divisions, never a silo.
    out = np.full((len(brokers), 5), -1, np.int32)
    pool = np.flatnonzero(~silo)
    pool = pool[pool > 0]
    if len(brokers) == 0 or len(pool) == 0:
        return out
    k = rng.integers(3, 6, len(brokers))
    cand = pool[rng.integers(0, len(pool), (len(brokers), 24))]
    own = h.department[brokers][:, None]
    prio = np.where(h.dept_division[cand] != h.division[brokers][:, None], 0, 1)
    prio = np.where(cand == own, 2, prio)
    srt = np.sort(cand * 4 + prio, axis=1)  # sorting puts duplicates side by side
    cand, prio = srt // 4, srt % 4
    dup = np.zeros_like(prio, bool)
    dup[:, 1:] = cand[:, 1:] == cand[:, :-1]
    prio = np.where(dup, 2, prio)
    order = np.argsort(prio + rng.random(prio.shape) * 0.5, axis=1, kind="stable")
    cand = np.take_along_axis(cand, order, 1)[:, :5]
    prio = np.take_along_axis(prio, order, 1)[:, :5]
    ok = (prio < 2) & (np.arange(5)[None, :] < k[:, None])
    out[:] = np.where(ok, cand, -1)
    return out


def truth_dict(h: Hierarchy, plan: Plan, ids: list[str], params: dict[str, Any]) -> dict[str, Any]:
    """Assemble the JSON-serialisable ground truth.

    Parameters
    ----------
    h : Hierarchy
    plan : Plan
    ids : list of str
        Person ids aligned with people.
    params : dict
        Generation parameters, stored under ``params``.

    Returns
    -------
    dict
        ``ambassadors``, ``brokers``, ``newcomers``, ``silo_departments``, ``pyramid``,
        ``broker_departments``, ``level_counts`` and ``params``.
    """
    ids_arr = np.asarray(ids, dtype=object)
    brokers = np.flatnonzero(plan.broker)
    broker_departments = {
        ids[b]: [h.department_names[d] for d in row if d >= 0] for b, row in zip(brokers, plan.broker_departments, strict=True)
    }
    counts = np.bincount(plan.level, minlength=len(LEVELS))
    level_names = np.asarray(LEVELS, dtype=object)[plan.level]
    return {
        "ambassadors": ids_arr[plan.ambassador].tolist(),
        "brokers": ids_arr[plan.broker].tolist(),
        "newcomers": ids_arr[plan.newcomer].tolist(),
        "silo_departments": [h.department_names[d] for d in np.flatnonzero(plan.silo_department)],
        "broker_departments": broker_departments,
        "level_counts": {name: int(c) for name, c in zip(LEVELS, counts, strict=True)},
        "newcomer_weeks": plan.newcomer_weeks,
        "pyramid": dict(zip(ids, level_names.tolist(), strict=True)),
        "params": params,
    }

