"""Hand-built Findings for the report tests: a small numpy organisation plus made-up analytics.

The analytics tables (ambassadors, connectors, silos, pyramid, periods) follow the shapes the
analytics issue promises; their values are invented here from the graph's own metrics, so the
reporter can be tested before (and independently of) the real detectors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from orgnet.analysis import AnalysisOptions, Findings, analyze
from orgnet.events import events_from_frame

XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_DEPARTMENT = 'R&D <script>alert("dept")</script>'
LEVELS = ("watcher", "sharer", "commenter", "producer", "curator")

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
    names[0] = XSS_NAME
    m = n * ties_per_person
    actor = rng.integers(0, n, m)
    order = np.argsort(dept, kind="stable")
    starts = np.searchsorted(dept[order], np.arange(k))
    counts = np.bincount(dept, minlength=k)
    same = rng.random(m) < np.where(dept[actor] == 0, 0.99, 0.85)
    inside = order[starts[dept[actor]] + (rng.random(m) * counts[dept[actor]]).astype(np.int64)]
    target = np.where(same, inside, rng.integers(0, n, m))
    keep = target != actor
    actor, target = actor[keep], target[keep]
    ts = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 90 * 86400, len(actor)), unit="s")
    events = pd.DataFrame({"ts": ts, "kind": "reply", "actor": ids[actor], "target": ids[target],
                           "channel": "general", "item": np.char.add("m", np.arange(len(actor)).astype(str))})
    directory = pd.DataFrame({"person": ids, "name": names, "department": dept_names[dept],
                              "title": np.where(rng.random(n) < 0.1, "Manager", "Engineer")})
    return events, directory


def make_findings(n: int = 300, seed: int = 0, *, analytics: bool = True, matrix_section: bool = True) -> Findings:
    """Findings from :func:`orgnet.analysis.analyze` plus invented analytics tables and sections."""
    events, directory = org_events(n, seed)
    opts = AnalysisOptions(seed=seed, betweenness_exact_below=3000, betweenness_pivots=64)
    f = analyze(events_from_frame(events, source="slack"), directory=directory, options=opts)
    # Start from the base findings only (centralities, communities, E-I): the analytics below are
    # invented, or left out to test a report without them.
    f.tables.clear()
    f.sections.clear()
    f.people = f.people.drop(columns=[c for c in ("roles", "pyramid_level") if c in f.people.columns])
    f.groups = f.groups.drop(columns=[c for c in ("is_silo", "bridges", "reason") if c in f.groups.columns])
    if analytics:
        add_analytics(f, seed=seed, matrix_section=matrix_section)
    return f


def add_analytics(f: Findings, *, seed: int = 0, matrix_section: bool = True) -> None:
    """Fill the tables and sections the analytics issue will provide, from the graph's metrics."""
    rng = np.random.default_rng(seed)
    p = f.people
    n = len(p)
    top = max(5, n // 50)
    score = (p["out_strength"] / max(p["out_strength"].max(), 1)).to_numpy()
    order = np.argsort(-score, kind="stable")[:top]
    order = np.concatenate([[0], order[order != 0]])[:top]  # the XSS name is an ambassador
    amb = pd.DataFrame({
        "rank": np.arange(1, len(order) + 1),
        "person": p["person"].to_numpy()[order],
        "name": p["name"].to_numpy()[order],
        "department": p["department"].to_numpy()[order],
        "score": np.round(score[order], 3),
        "weeks_active": rng.integers(6, 13, len(order)),
        "distinct_responders": rng.integers(5, 60, len(order)),
        "departments_reached": rng.integers(2, 8, len(order)),
    })
    amb["reason"] = [f"replies from {r} people in {d} departments; active {w} of 12 weeks"
                     for r, d, w in zip(amb["distinct_responders"], amb["departments_reached"], amb["weeks_active"],
                                        strict=True)]
    f.tables["ambassadors"] = amb

    rows = []
    for role, col in (("central connector", "pagerank"), ("information broker", "betweenness"),
                      ("boundary spanner", "partners")):
        best = p.nlargest(max(3, n // 100), col)
        for r in best.itertuples():
            rows.append({"person": r.person, "role": role, "score": float(getattr(r, col)),
                         "reason": f"{col} {getattr(r, col):.4g}, {r.partners} partners"})
    rows.append({"person": p["person"].iloc[0], "role": "information broker", "score": 1.0,
                 "reason": "planted <b>bold</b> reason & more"})
    low = p.nsmallest(max(3, n // 100), "partners")
    rows += [{"person": r.person, "role": "peripheral", "score": float(r.partners),
              "reason": f"{r.partners} partners"} for r in low.itertuples()]
    f.tables["connectors"] = pd.DataFrame(rows)

    position = pd.Series(np.arange(n), index=p["person"].to_numpy())
    con = f.tables["connectors"]
    found = pd.concat([pd.DataFrame({"i": position[con["person"]].to_numpy(), "role": con["role"].to_numpy()}),
                       pd.DataFrame({"i": position[amb["person"]].to_numpy(), "role": "ambassador"})])
    joined = found.groupby("i")["role"].agg("; ".join)
    roles = np.full(n, "", dtype=object)
    roles[joined.index.to_numpy()] = joined.to_numpy()
    p["roles"] = roles
    p["pyramid_level"] = rng.choice(np.array(LEVELS), n, p=[0.45, 0.2, 0.2, 0.1, 0.05])

    g = f.groups
    silo = (g["ei_index"] < -0.6).fillna(False).to_numpy()
    g["is_silo"] = silo
    bridges = []
    for kind in ("department", "community"):
        best = p.sort_values("partners", ascending=False, kind="stable").groupby(kind).head(2)
        per = best.groupby(kind)["person"].agg(list)
        bridges += [per.get(grp, []) for grp in g.loc[g["kind"] == kind, "group"]]
    g["bridges"] = [";".join(b) for b in bridges]
    g["reason"] = [f"E-I {ei:+.2f}; {len(b)} people carry its outside ties" if s else ""
                   for ei, b, s in zip(g["ei_index"], bridges, silo, strict=True)]

    overall = {lev: int((p["pyramid_level"] == lev).sum()) for lev in LEVELS}
    table = pd.crosstab(p["department"].astype(str), p["pyramid_level"]).reindex(columns=list(LEVELS), fill_value=0)
    by_group = {str(d): {lev: int(v) for lev, v in row.items()} for d, row in table.iterrows()}
    f.sections["pyramid"] = {"levels": list(LEVELS), "overall": overall, "by_group": by_group}
    f.sections["periods"] = {
        "by": "month",
        "periods": [
            {"period": m, "active_people": int(n * a), "ties": int(f.summary["ties"] * a / 3),
             "ambassadors": int(len(amb) * a), "silos": int(silo.sum())}
            for m, a in (("2024-01", 0.7), ("2024-02", 0.8), ("2024-03", 0.9))
        ],
        "trends": [f"{p['name'].iloc[0]} became an ambassador in 2024-02", "Dept A grew more inward-looking"],
    }
    if matrix_section:
        from orgnet.metrics.groups import group_matrix

        codes, labels = f.graph.group_codes("department")
        f.sections["group_matrix"] = {"kind": "department", "labels": [str(x) for x in labels],
                                      "matrix": group_matrix(f.graph.adjacency, codes, len(labels)).tolist()}
