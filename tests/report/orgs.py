"""The report tests' organisation: hostile names in a small numpy organisation, analysed for real.

Every report test runs on what :func:`orgnet.findings.analyze` returns; nothing is invented here
but the events (posts answered in threads, reactions, shares, one planted silo) and the names.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from orgnet.events import events_from_frame
from orgnet.findings import AnalysisOptions, Findings, analyze

XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_DEPARTMENT = 'R&D <script>alert("dept")</script>'

_FIRST = np.array(["Ana", "Ben", "Carla", "Dev", "Elif", "Femi", "Greta", "Hiro", "Ines", "Jon", "Kofi", "Lena",
                   "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Viktor", "Wen",
                   "Yusuf", "Zoe"])
_LAST = np.array(["Adams", "Berg", "Costa", "Dubois", "Eze", "Fischer", "Garcia", "Haddad", "Ito", "Jensen",
                  "Kowalski", "Larsen", "Moreau", "Nakamura", "Okafor", "Patel", "Rossi", "Silva", "Tanaka",
                  "Urban", "Vogel", "Weber", "Xu", "Yilmaz", "Zhang"])


def org_events(n: int, seed: int = 0, *, ties_per_person: int = 6) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Events and an HR directory for ``n`` people in departments, one of them a planted silo."""
    rng = np.random.default_rng(seed)
    k = int(np.clip(n // 150, 4, 40))
    dept_names = np.array([f"Dept {chr(65 + i % 26)}{i // 26 or ''}" for i in range(k)], dtype=object)
    dept_names[1] = XSS_DEPARTMENT
    dept = rng.integers(0, k, n)
    ids = np.char.add("p", np.char.zfill(np.arange(n).astype(str), 6))
    names = np.char.add(np.char.add(rng.choice(_FIRST, n), " "), rng.choice(_LAST, n)).astype(object)
    names = names + np.where(np.arange(n) % 7 == 0, " " + np.arange(n).astype(str), "")
    names[np.flatnonzero(dept != 0)[0]] = XSS_NAME  # an ambassador (below)
    m = n * ties_per_person
    actor = rng.integers(0, n, m)
    order = np.argsort(dept, kind="stable")
    starts = np.searchsorted(dept[order], np.arange(k))
    counts = np.bincount(dept, minlength=k)
    same = rng.random(m) < np.where(dept[actor] == 0, 0.99, 0.6)
    inside = order[starts[dept[actor]] + (rng.random(m) * counts[dept[actor]]).astype(np.int64)]
    # Nobody outside the planted silo (department 0) reaches into it.
    open_people = np.flatnonzero(dept != 0)
    target = np.where(same, inside, open_people[rng.integers(0, len(open_people), m)])
    keep = target != actor
    actor, target = actor[keep], target[keep]
    ts = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 90 * 86400, len(actor)), unit="s")
    # Replies, reactions and shares in threads started by the target's posts (posted an hour before).
    # Two people in five start conversations; ties to anyone else are mentions.
    poster = rng.random(n) < 0.4
    kind = np.where(poster[target], rng.choice(np.array(["reply", "reply", "reaction", "share"]), len(actor)),
                    "mention")
    thread = np.where(poster[target], np.char.add("t", target.astype(str)), None)
    posts = np.unique(target[poster[target]])
    first = pd.Series(ts).groupby(target).min()  # the thread's post: an hour before its first answer
    replies = pd.DataFrame({"ts": ts, "kind": kind, "actor": ids[actor], "target": ids[target], "thread": thread})
    starts = pd.DataFrame({"ts": first.loc[posts].to_numpy() - pd.Timedelta(hours=1), "kind": "post",
                           "actor": ids[posts], "target": None, "thread": np.char.add("t", posts.astype(str))})
    # Two planted ambassadors (one with the hostile name): a post every week answered by people
    # from everywhere, and answers of their own.
    weekly = []
    # Each draws on its own half of the organisation, so the two sit apart on the map.
    halves = np.array_split(open_people[2:], 2)
    for who, crowd in zip(open_people[:2], halves, strict=True):
        for week in range(12):
            at = pd.Timestamp("2024-01-01", tz="UTC") + pd.Timedelta(weeks=week, hours=who)
            tid = f"a{who}-{week}"
            weekly.append({"ts": at, "kind": "post", "actor": ids[who], "target": None, "thread": tid})
            for r in rng.choice(crowd, 25, replace=False):
                weekly.append({"ts": at + pd.Timedelta(hours=2), "kind": "reply", "actor": ids[r],
                               "target": ids[who], "thread": tid})
            for r in rng.choice(crowd, 5, replace=False):
                weekly.append({"ts": at + pd.Timedelta(hours=3), "kind": "reply", "actor": ids[who],
                               "target": ids[r], "thread": None})
    events = pd.concat([starts, replies, pd.DataFrame(weekly)], ignore_index=True)
    events = events[events["actor"] != events["target"]]
    events["channel"] = "general"
    events["item"] = np.char.add("m", np.arange(len(events)).astype(str))
    directory = pd.DataFrame({"person": ids, "name": names, "department": dept_names[dept],
                              "title": np.where(rng.random(n) < 0.1, "Manager", "Engineer")})
    return events, directory


def make_findings(n: int = 300, seed: int = 0, *, timed: bool = True, directory: bool = True) -> Findings:
    """Real :func:`orgnet.findings.analyze` output on :func:`org_events` (no invented sections).

    With ``timed=False`` the events carry no timestamps and with ``directory=False`` no HR
    directory is given: the report must then say what could not be computed.
    """
    events, roster = org_events(n, seed)
    if not timed:
        events = events.drop(columns=["ts"])
    opts = AnalysisOptions(seed=seed, betweenness_exact_below=3000, betweenness_pivots=64,
                           by="month" if timed else None)
    people = None if directory else roster.drop(columns=["department", "title"])
    return analyze(events_from_frame(events, source="slack"), directory=roster if directory else None,
                   people=people, options=opts)
