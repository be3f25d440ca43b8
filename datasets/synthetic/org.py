"""The formal organisation: divisions, departments, teams, reporting line, sites, people and the directory.

People are laid out contiguously by division, department and team (person ``i`` of a team sits
between ``team_start[t]`` and ``team_start[t] + team_size[t]``), so any "pick someone in my
team/department/division" is one vectorised ``start + rng.integers(size)``.

Examples
--------
>>> import numpy as np
>>> h = build_hierarchy(200, np.random.default_rng(0))
>>> h.n, int((h.manager < 0).sum())
(200, 1)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgnet.synthetic.names import (
    COMPANY_NAMES,
    FAMILIES,
    FIRST_NAMES,
    LAST_NAMES,
    REGION_SUFFIXES,
    SITES,
    TEAM_WORDS,
    slug,
)

__all__ = ["ROLE_NAMES", "Hierarchy", "build_directory", "build_hierarchy", "person_ids"]

#: Role codes stored in :attr:`Hierarchy.role`.
ROLE_NAMES: tuple[str, ...] = ("member", "team lead", "department head", "division head", "ceo")

_DAY = 86_400
_WEEK = 7 * _DAY


@dataclass(frozen=True, eq=False)
class Hierarchy:
    """Arrays describing the formal organisation; index ``i`` is person ``i``.

    Division 0 and department 0 are the executive office (the CEO and the division heads).
    """

    n: int
    division: np.ndarray  # int32 per person
    department: np.ndarray  # int32 per person
    team: np.ndarray  # int32 per person
    role: np.ndarray  # int8 per person, see ROLE_NAMES
    manager: np.ndarray  # int32 per person, -1 for the CEO
    site: np.ndarray  # int16 per person
    tenure_days: np.ndarray  # float64 per person, at the end of the window (before planting)
    dept_start: np.ndarray
    dept_size: np.ndarray
    dept_division: np.ndarray
    team_start: np.ndarray
    team_size: np.ndarray
    team_department: np.ndarray
    div_start: np.ndarray
    div_size: np.ndarray
    division_names: list[str]
    department_names: list[str]
    team_names: list[str]
    dept_family: np.ndarray  # index into FAMILIES, -1 for the executive office
    site_names: list[str]
    site_offset_hours: np.ndarray
    company: str

    @property
    def n_departments(self) -> int:
        """Number of departments, the executive office included."""
        return len(self.dept_start)

    @property
    def n_teams(self) -> int:
        """Number of teams."""
        return len(self.team_start)

    @property
    def n_divisions(self) -> int:
        """Number of divisions, the executive division included."""
        return len(self.div_start)

    @property
    def led_division(self) -> np.ndarray:
        """The division whose channel a person treats as theirs (division heads: the one they lead)."""
        out = self.division.copy()
        heads = np.flatnonzero(self.role == 3)
        out[heads] = heads  # division head v sits at position v
        out[self.role == 4] = -1
        return out


def _department_sizes(n: int, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    # Lognormal sizes (heavy-ish tail) clipped to a plausible band; small organisations scale down
    # so that even 60 people have a handful of departments.
    median = float(np.clip(n / 10, 8, 38))
    lo = int(np.clip(round(median * 0.4), 4, 15))
    hi = int(max(lo * 3, min(150, n // 3)))
    k_est = max(2.0, n / (median * 1.15))
    n_div = int(np.clip(round(0.9 * math.sqrt(k_est)), 1, max(1, int(k_est) // 2)))
    m = n - 1 - n_div
    draws = np.clip(np.round(rng.lognormal(math.log(median), 0.65, m // lo + 2)), lo, hi).astype(np.int64)
    cum = np.cumsum(draws)
    k = int(np.searchsorted(cum, m)) + 1
    sizes = draws[:k].copy()
    sizes[-1] = m - (cum[k - 2] if k > 1 else 0)
    if k > 1 and sizes[-1] < lo:
        sizes[-2] += sizes[-1]
        sizes = sizes[:-1]
    if len(sizes) < n_div:  # give back the surplus division heads to the last department
        sizes[-1] += n_div - len(sizes)
        n_div = len(sizes)
    return sizes, n_div


def build_hierarchy(n: int, rng: np.random.Generator, *, weeks: int = 26, newcomer_weeks: int = 6) -> Hierarchy:
    """Draw the formal organisation for ``n`` people.

    Parameters
    ----------
    n : int
        Number of people (at least 30).
    rng : numpy.random.Generator
        Source of randomness.
    weeks : int
        Length of the activity window; tenure is measured at its end.
    newcomer_weeks : int
        Nobody here is hired within this many weeks of the end (newcomers are planted later).

    Returns
    -------
    Hierarchy

    Examples
    --------
    >>> import numpy as np
    >>> h = build_hierarchy(1000, np.random.default_rng(1))
    >>> int(h.team_size.min()) >= 2, h.department_names[0]
    (True, 'Executive Office')
    """
    if n < 30:
        raise ValueError(f"people must be at least 30, got {n}")
    sizes, n_div = _department_sizes(n, rng)
    k = len(sizes)
    n_exec = 1 + n_div
    dept_size = np.concatenate([[n_exec], sizes]).astype(np.int64)
    dept_start = np.concatenate([[0], np.cumsum(dept_size)[:-1]])
    n_dept = k + 1

    # Contiguous blocks of departments form divisions of varied size.
    cuts = np.sort(rng.choice(np.arange(1, k), n_div - 1, replace=False)) if n_div > 1 else np.empty(0, np.int64)
    dept_division = np.concatenate([[0], 1 + np.searchsorted(cuts, np.arange(k), side="right")]).astype(np.int32)
    div_first_dept = np.concatenate([[0], 1 + np.concatenate([[0], cuts])])
    div_start = dept_start[div_first_dept]
    div_size = np.diff(np.concatenate([div_start, [n]]))

    # Teams of about 4-12: a department of s people gets round(s / U(6, 9)) teams with jittered cuts.
    n_teams = np.maximum(1, np.round(dept_size / rng.uniform(6, 9, n_dept))).astype(np.int64)
    n_teams[0] = 1
    team_department = np.repeat(np.arange(n_dept), n_teams).astype(np.int32)
    first_team = np.cumsum(n_teams) - n_teams
    j = np.arange(len(team_department)) - np.repeat(first_team, n_teams)
    jitter = np.where(j == 0, 0.0, rng.uniform(-0.22, 0.22, len(j)))
    offset = np.round(dept_size[team_department] * (j + jitter) / n_teams[team_department]).astype(np.int64)
    team_start = dept_start[team_department] + offset
    team_size = np.diff(np.concatenate([team_start, [n]]))

    department = np.repeat(np.arange(n_dept, dtype=np.int32), dept_size)
    team = np.repeat(np.arange(len(team_start), dtype=np.int32), team_size)
    division = dept_division[department]

    role = np.zeros(n, np.int8)
    lead = team_start + (j == 0)  # the department head sits first in the first team
    role[lead[1:]] = 1
    role[dept_start[1:]] = 2
    role[1:n_exec] = 3
    role[0] = 4

    manager = lead[team].astype(np.int32)
    manager[lead[1:]] = dept_start[department[lead[1:]]]
    heads = dept_start[1:]
    manager[heads] = dept_division[1:]  # division head of division v sits at position v
    manager[1:n_exec] = 0
    manager[0] = -1

    # Sites: a handful, headquarters largest; departments mostly sit at their division's site.
    n_sites = int(np.clip(round(1.6 * math.log10(n)), 2, len(SITES)))
    site_w = 1.0 / np.arange(1, n_sites + 1) ** 1.1
    site_w /= site_w.sum()
    div_site = rng.choice(n_sites, len(div_start), p=site_w)
    div_site[0] = 0
    dept_site = np.where(rng.random(n_dept) < 0.6, div_site[dept_division], rng.choice(n_sites, n_dept, p=site_w))
    dept_site[0] = 0
    site = np.where(rng.random(n) < 0.9, dept_site[department], rng.choice(n_sites, n, p=site_w)).astype(np.int16)

    # Tenure: log-normal (median ~3 years), longer for managers, never inside the newcomer window.
    tenure = rng.lognormal(math.log(3.0 * 365), 0.85, n)
    tenure += np.array([0, 1.5, 3.0, 5.0, 7.0])[role] * 365
    tenure = np.clip(tenure, (newcomer_weeks + 2) * 7 + rng.uniform(0, 60, n), 30 * 365)

    fam = _division_families(len(div_start), rng)
    dept_family = fam[dept_division]
    division_names = ["Executive", *_numbered([FAMILIES[f].name for f in fam[1:]])]
    department_names = ["Executive Office", *_department_names(dept_division[1:], dept_family[1:], rng)]
    team_names = _team_names(team_department, j, department_names, rng)
    return Hierarchy(
        n=n, division=division.astype(np.int32), department=department, team=team, role=role, manager=manager,
        site=site, tenure_days=tenure, dept_start=dept_start, dept_size=dept_size, dept_division=dept_division,
        team_start=team_start, team_size=team_size, team_department=team_department, div_start=div_start,
        div_size=div_size, division_names=division_names, department_names=department_names,
        team_names=team_names, dept_family=dept_family, site_names=[s for s, _ in SITES[:n_sites]],
        site_offset_hours=np.array([o for _, o in SITES[:n_sites]]), company=str(rng.choice(COMPANY_NAMES)),
    )


def _division_families(n_div: int, rng: np.random.Generator) -> np.ndarray:
    # Every function appears once before any repeats; Engineering and Sales repeat most.
    weights = np.array([5, 4, 2, 2, 2, 2, 1.5, 1, 1, 1, 0.7])
    first = rng.permutation(len(FAMILIES))
    extra = rng.choice(len(FAMILIES), max(0, n_div - 1 - len(FAMILIES)), p=weights / weights.sum())
    fam = np.concatenate([first, extra])[: n_div - 1]
    return np.concatenate([[-1], fam]).astype(np.int32)


def _numbered(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        k = seen.get(name, 0)
        seen[name] = k + 1
        if k == 0:
            out.append(name)
        elif k <= len(REGION_SUFFIXES):
            out.append(f"{name} {REGION_SUFFIXES[k - 1]}")
        else:
            out.append(f"{name} {k + 1}")
    return out


def _department_names(dept_division: np.ndarray, dept_family: np.ndarray, rng: np.random.Generator) -> list[str]:
    # Loops over departments (not people): a department takes its family's next functional area.
    names = []
    start = rng.integers(0, 100, int(dept_division.max()) + 1)
    pos = np.arange(len(dept_division)) - np.searchsorted(dept_division, dept_division)
    for d in range(len(dept_division)):
        areas = FAMILIES[dept_family[d]].areas
        names.append(areas[(start[dept_division[d]] + pos[d]) % len(areas)])
    return _numbered(names)


def _team_names(team_department: np.ndarray, j: np.ndarray, dept_names: list[str], rng: np.random.Generator) -> list[str]:
    shift = rng.integers(0, len(TEAM_WORDS), len(dept_names))
    out = ["Executive Leadership Team"]
    for t in range(1, len(team_department)):
        d = team_department[t]
        word = TEAM_WORDS[(shift[d] + j[t]) % len(TEAM_WORDS)]
        suffix = f" {j[t] // len(TEAM_WORDS) + 1}" if j[t] >= len(TEAM_WORDS) else ""
        out.append(f"{dept_names[d]} {word}{suffix}")
    return out


def person_ids(n: int) -> pa.Array:
    """Person ids ``p0000``..., zero-padded to the organisation's size.

    Examples
    --------
    >>> person_ids(1200).to_pylist()[:2]
    ['p0000', 'p0001']
    """
    width = max(3, len(str(n - 1)))
    digits = pc.utf8_lpad(pc.cast(pa.array(np.arange(n)), pa.string()), width=width, padding="0")
    return pc.binary_join_element_wise("p", digits, "")


def _titles(h: Hierarchy, rng: np.random.Generator) -> np.ndarray:
    grades = ("Associate ", "", "Senior ", "Principal ")
    n_fam = len(FAMILIES)
    table = [f"{g}{f.title}" for f in FAMILIES for g in grades] + [f.lead_title for f in FAMILIES]
    table_arr = np.array(table, dtype=object)
    years = h.tenure_days / 365 + rng.normal(0, 1.5, h.n)
    grade = np.digitize(years, [1.5, 5.0, 11.0])
    fam = np.maximum(h.dept_family[h.department], 0)
    code = fam * len(grades) + grade
    code = np.where(h.role == 1, n_fam * len(grades) + fam, code)
    titles = table_arr[code]
    heads = np.flatnonzero(h.role == 2)
    titles[heads] = np.array([f"Head of {h.department_names[d]}" for d in h.department[heads]], dtype=object)
    div_heads = np.flatnonzero(h.role == 3)
    titles[div_heads] = np.array([f"SVP, {h.division_names[v]}" for v in div_heads], dtype=object)
    titles[0] = "Chief Executive Officer"
    return titles


def build_directory(h: Hierarchy, hire_days: np.ndarray, end: np.datetime64, rng: np.random.Generator) -> pd.DataFrame:
    """Build the HR directory table for a hierarchy.

    Parameters
    ----------
    h : Hierarchy
    hire_days : numpy.ndarray
        Days before ``end`` on which each person was hired.
    end : numpy.datetime64
        End of the activity window (a date).
    rng : numpy.random.Generator

    Returns
    -------
    pandas.DataFrame
        Columns person, name, email, division, department, team, title, manager, site, hire_date.
    """
    n = h.n
    first = rng.integers(0, len(FIRST_NAMES), n)
    last = rng.integers(0, len(LAST_NAMES), n)
    # Same first and last name: a middle initial in the name and a number in the e-mail keep both unique.
    combo = first * len(LAST_NAMES) + last
    order = np.argsort(combo, kind="stable")
    sorted_combo = combo[order]
    group_start = np.flatnonzero(np.concatenate([[True], sorted_combo[1:] != sorted_combo[:-1]]))
    sizes = np.diff(np.concatenate([group_start, [n]]))
    occ = np.empty(n, np.int64)
    occ[order] = np.arange(n) - np.repeat(group_start, sizes)
    first_a = pa.array(FIRST_NAMES).take(pa.array(first))
    last_a = pa.array(LAST_NAMES).take(pa.array(last))
    initials = np.array([""] + [f" {c}." for c in "ABCDEFGHJKLMNOPRSTVW"], dtype=object)
    middle = pa.array(initials[np.where(occ > 0, 1 + (occ - 1) % (len(initials) - 1), 0)], pa.string())
    name = pc.binary_join_element_wise(first_a, middle, " ", last_a, "")
    number = pc.if_else(pa.array(occ > 0), pc.cast(pa.array(occ + 1), pa.string()), "")
    domain = f"@{slug(h.company)}.example"
    local = pc.binary_join_element_wise(
        pc.utf8_lower(first_a), ".", pc.replace_substring(pc.utf8_lower(last_a), " ", ""), number, ""
    )
    email = pc.binary_join_element_wise(local, domain, "")

    ids = person_ids(n)
    manager = pc.if_else(pa.array(h.manager >= 0), ids.take(pa.array(np.maximum(h.manager, 0))), "")
    hire = (end - hire_days.round().astype("timedelta64[D]")).astype("datetime64[D]")
    return pd.DataFrame(
        {
            "person": ids.to_numpy(zero_copy_only=False),
            "name": name.to_numpy(zero_copy_only=False),
            "email": email.to_numpy(zero_copy_only=False),
            "division": pd.Categorical.from_codes(h.division, h.division_names).astype(object),
            "department": pd.Categorical.from_codes(h.department, h.department_names).astype(object),
            "team": pd.Categorical.from_codes(h.team, h.team_names).astype(object),
            "title": _titles(h, rng),
            "manager": manager.to_numpy(zero_copy_only=False),
            "site": pd.Categorical.from_codes(h.site, h.site_names).astype(object),
            "hire_date": np.datetime_as_string(hire, unit="D"),
        }
    )
