"""What the report shows: Findings turned into plain, display-ready rows, each marked available or not.

Every view here reads what :func:`orgnet.analysis.analyze` put in :class:`~orgnet.analysis.Findings`
and only selects, sorts, joins names and counts rows for display. A view whose input is absent
comes back with ``available=False`` and a note, so the report says "not available in this
analysis" instead of failing. The two display-only aggregates the reporter may make itself when
a section is missing are named as such (:func:`display_group_matrix`, and counting
``people.pyramid_level`` in :func:`pyramid_view`) and the report says where each figure came from.

Examples
--------
>>> import pandas as pd
>>> split_list("central connector; information broker")
['central connector', 'information broker']
>>> split_list(["a", None, "b"]), split_list(float("nan")), split_list(3)
(['a', 'b'], [], ['3'])
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from orgnet.analysis import Findings

__all__ = [
    "PYRAMID_LEVELS",
    "View",
    "ambassadors_view",
    "connectors_view",
    "display_group_matrix",
    "group_column",
    "group_matrix_view",
    "highlights",
    "people_flags",
    "periods_view",
    "pyramid_view",
    "silos_view",
    "split_list",
]

#: Engagement levels from the least to the most engaged (Charlene Li's pyramid).
PYRAMID_LEVELS = ("watcher", "sharer", "commenter", "producer", "curator")

#: Roles that mark a person as a broker on the map.
BROKER_ROLES = ("information broker",)

#: The order roles are shown in; roles not listed follow in alphabetical order.
ROLE_ORDER = ("central connector", "boundary spanner", "information broker", "peripheral", "newcomer")

NOT_AVAILABLE = "not available in this analysis"


@dataclass
class View:
    """One section of the report: whether it can be shown, what to show, and where it came from.

    Attributes
    ----------
    available : bool
        False when the analysis did not produce the section's input.
    data : dict
        The rows, labels and numbers the template renders.
    note : str
        Why the section is missing, or where its figures came from.
    """

    available: bool
    data: dict[str, Any] = field(default_factory=dict)
    note: str = ""


def split_list(value: Any) -> list[str]:
    """A cell holding several values (list, or text separated by ``;``) as a list of strings."""
    if value is None or value is pd.NA:
        return []
    if isinstance(value, float) and math.isnan(value):
        return []
    if isinstance(value, (list, tuple, np.ndarray)):
        return [str(v) for v in value if v is not None and v is not pd.NA and str(v) != ""]
    return [part.strip() for part in str(value).split(";") if part.strip()]


def _text(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _number(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _names(findings: Findings) -> pd.Series:
    p = findings.people
    return pd.Series(p["name"].astype("string").fillna(p["person"].astype("string")).to_numpy(dtype=object),
                     index=p["person"].astype(str).to_numpy())


def _departments(findings: Findings) -> pd.Series:
    p = findings.people
    return pd.Series(p["department"].astype("string").to_numpy(dtype=object), index=p["person"].astype(str).to_numpy())


def group_column(findings: Findings) -> str:
    """The people column maps and heatmaps group by: ``department`` when known, else ``community``."""
    p = findings.people
    if "department" in p.columns and p["department"].notna().any():
        return "department"
    return "community"


def privacy_lines(findings: Findings) -> list[str]:
    """What the report hides and how, from ``summary["privacy"]``, as sentences for the first page.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> f = SimpleNamespace(summary={"privacy": {"pseudonymised": True, "key_fingerprint": "ab12",
    ...                                          "min_group_size": 5, "groups_suppressed": {"department": 2}}})
    >>> privacy_lines(f)[:2]
    ['Pseudonymised: every person id, name and e-mail is a keyed pseudonym (key fingerprint ab12).', 'Groups with fewer than 5 people are not shown (2 departments hidden).']
    """
    p = findings.summary.get("privacy") or {}
    lines = []
    if p.get("pseudonymised"):
        fp = p.get("key_fingerprint")
        lines.append("Pseudonymised: every person id, name and e-mail is a keyed pseudonym"
                     + (f" (key fingerprint {fp})." if fp else "."))
    elif not p.get("aggregate_only"):
        lines.append("Not pseudonymised: people are shown by name (run with --pseudonymize to hide them).")
    size = p.get("min_group_size")
    if size and int(size) > 1:
        hidden = p.get("groups_suppressed") or {}
        counted = ", ".join(f"{int(n)} {k}{'s' if int(n) != 1 else ''}" for k, n in hidden.items() if n)
        lines.append(f"Groups with fewer than {int(size)} people are not shown"
                     + (f" ({counted} hidden)." if counted else " (none needed hiding)."))
    elif p:
        lines.append("Small groups are shown (no minimum group size).")
    if p.get("aggregate_only"):
        lines.append("Aggregate only: no individual is named anywhere in this report; the map shows groups.")
    if p.get("people_excluded"):
        lines.append(f"{int(p['people_excluded'])} people on the opt-out list were removed before the analysis.")
    if p.get("content"):
        lines.append(str(p["content"]).capitalize().rstrip(".") + ".")
    return lines


def _hidden_note(findings: Findings, what: str, key: str) -> str | None:
    p = findings.summary.get("privacy") or {}
    if not p.get("aggregate_only"):
        return None
    found = (p.get("aggregated") or {}).get(key)
    count = f" ({int(found)} found)" if found is not None else ""
    return f"{what} are not shown: this report is aggregate-only, no individual is named{count}."


def ambassadors_view(findings: Findings, *, top: int = 25) -> View:
    """The ranked ambassadors with their score, components and reason (``tables["ambassadors"]``)."""
    table = findings.tables.get("ambassadors")
    if table is None:
        return View(False, note=_hidden_note(findings, "Ambassadors", "ambassadors")
                    or f"Ambassadors are {NOT_AVAILABLE}.")
    t = table.sort_values("rank", kind="stable") if "rank" in table.columns else table
    names, depts = _names(findings), _departments(findings)
    fixed = {"rank", "person", "name", "department", "score", "reason"}
    components = [c for c in t.columns if c not in fixed and pd.api.types.is_numeric_dtype(t[c])
                  and not pd.api.types.is_bool_dtype(t[c])]
    rows = []
    for i, rec in enumerate(t.head(top).to_dict("records")):
        person = _text(rec.get("person"))
        rows.append({
            "rank": _text(rec.get("rank", i + 1)),
            "person": person,
            "name": _text(rec.get("name")) or _text(names.get(person, person)),
            "department": _text(rec.get("department")) or _text(depts.get(person)),
            "score": _number(rec.get("score")),
            "components": [(c.replace("_", " "), _number(rec.get(c))) for c in components],
            "reason": _text(rec.get("reason")),
        })
    return View(True, {"rows": rows, "total": len(t), "components": [c.replace("_", " ") for c in components]})


def connectors_view(findings: Findings, *, per_role: int = 10) -> View:
    """People by connector role (``tables["connectors"]``), the best-scored first in each role."""
    table = findings.tables.get("connectors")
    if table is None or "role" not in table.columns:
        hidden = _hidden_note(findings, "Connectors", "connectors")
        if hidden:
            return View(False, note=hidden)
        return View(False, note=f"Connector roles (central connectors, boundary spanners, brokers, "
                                f"peripheral people, newcomers) are {NOT_AVAILABLE}.")
    names, depts = _names(findings), _departments(findings)
    present = [str(r) for r in table["role"].dropna().unique()]
    ordered = [r for r in ROLE_ORDER if r in present] + sorted(r for r in present if r not in ROLE_ORDER)
    roles = []
    for role in ordered:
        t = table[table["role"].astype(str) == role]
        if "score" in t.columns:
            ascending = role in ("peripheral", "newcomer")
            t = t.sort_values("score", ascending=ascending, kind="stable")
        rows = [{
            "person": _text(rec.get("person")),
            "name": _text(rec.get("name")) or _text(names.get(_text(rec.get("person")), rec.get("person"))),
            "department": _text(rec.get("department")) or _text(depts.get(_text(rec.get("person")))),
            "score": _number(rec.get("score")),
            "reason": _text(rec.get("reason")),
        } for rec in t.head(per_role).to_dict("records")]
        roles.append({"role": role, "count": len(t), "rows": rows})
    return View(True, {"roles": roles})


def silos_view(findings: Findings, *, top: int = 25) -> View:
    """Groups flagged as silos (the ``top`` most inward-looking) with their E-I index and their bridges.

    Without ``is_silo`` (the analysis did not flag silos) the view lists the most
    inward-looking groups by E-I index, and says that no group was flagged.
    """
    g = findings.groups
    names = _names(findings)
    flagged = "is_silo" in g.columns
    if flagged:
        t = g[g["is_silo"].fillna(False).astype(bool)]
        note = ""
    else:
        t = g.dropna(subset=["ei_index"]).nsmallest(top, "ei_index") if "ei_index" in g.columns else g.head(0)
        note = (f"Silo flags are {NOT_AVAILABLE}; the groups below are only the most inward-looking by "
                "E-I index (-1: every tie inside the group).")
    t = t.sort_values("ei_index", kind="stable") if "ei_index" in t.columns else t
    rows = []
    for rec in t.head(top).to_dict("records"):
        raw = rec.get("bridges")
        if isinstance(raw, (int, np.integer, float, np.floating)) and not isinstance(raw, bool):
            count = _number(raw)
            bridge_names: list[str] = []
        else:
            ids = split_list(raw)
            bridge_names = [_text(names.get(i, i)) for i in ids]
            count = float(len(ids)) if "bridges" in rec else None
        rows.append({
            "group": _text(rec.get("group")), "kind": _text(rec.get("kind")), "size": _text(rec.get("size")),
            "ei_index": _number(rec.get("ei_index")),
            "bridges": bridge_names, "bridge_count": None if count is None else int(count),
            "reason": _text(rec.get("reason")),
        })
    data = {"rows": rows, "flagged": flagged, "has_bridges": "bridges" in g.columns, "total": len(t),
            "more": max(0, len(t) - len(rows))}
    return View(flagged or bool(rows), data, note)


def pyramid_view(findings: Findings, *, max_groups: int = 30) -> View:
    """Counts per engagement level, overall and per group.

    Read from ``sections["pyramid"]`` (``{"levels", "overall", "by_group"}``; ``overall`` and each
    group map level -> count). When only ``people.pyramid_level`` exists, the reporter counts it
    (a display-only aggregate, said so in the note).
    """
    section = findings.sections.get("pyramid")
    levels = list(PYRAMID_LEVELS)
    if isinstance(section, dict) and section.get("overall") is not None:
        levels = [str(x) for x in section.get("levels", levels)]
        overall = {str(k): int(v) for k, v in dict(section["overall"]).items()}
        by_group = {str(g): {str(k): int(v) for k, v in dict(c).items()}
                    for g, c in dict(section.get("by_group") or {}).items()}
        note = "From the analysis (findings.json, section pyramid)."
    elif "pyramid_level" in findings.people.columns:
        lv = findings.people["pyramid_level"].astype("string")
        overall = {lev: int((lv == lev).sum()) for lev in levels}
        col = group_column(findings)
        grp = findings.people[col].astype("string").fillna("(none)")
        counts = pd.crosstab(grp, lv)
        by_group = {str(g): {lev: int(counts.loc[g, lev]) if lev in counts.columns else 0 for lev in levels}
                    for g in counts.index}
        note = "Counted by the reporter from people.csv (pyramid_level); display only."
    else:
        return View(False, note=f"The engagement pyramid is {NOT_AVAILABLE}.")
    extra = [k for k in overall if k not in levels]
    levels += extra
    total = sum(overall.get(lev, 0) for lev in levels)
    groups = sorted(by_group.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    group_rows = [{"group": g, "total": sum(c.values()), "counts": [c.get(lev, 0) for lev in levels]}
                  for g, c in groups[:max_groups]]
    return View(True, {"levels": levels, "counts": [overall.get(lev, 0) for lev in levels], "total": total,
                       "groups": group_rows, "more_groups": max(0, len(groups) - max_groups)}, note)


def display_group_matrix(findings: Findings) -> tuple[str, list[str], np.ndarray]:
    """Display-only group-to-group tie weights, made by the reporter when the analysis gave none.

    Sums tie weight between the groups of :func:`group_column` with
    :func:`orgnet.metrics.groups.group_matrix` (no new metric: the same function analysis uses).
    """
    from orgnet.metrics.groups import group_matrix

    column = group_column(findings)
    codes, labels = findings.graph.group_codes(column)
    return column, [str(x) for x in labels], group_matrix(findings.graph.adjacency, codes, len(labels))


def group_matrix_view(findings: Findings, *, max_groups: int = 30) -> View:
    """The group-to-group matrix for the heatmap, each row as shares of the row group's tie weight.

    From ``sections["group_matrix"]`` (``{"kind", "labels", "matrix"}`` or a square DataFrame),
    else from :func:`display_group_matrix`. Only the ``max_groups`` groups with most tie weight
    are drawn.
    """
    section = findings.sections.get("group_matrix")
    if isinstance(section, pd.DataFrame):
        kind, labels, m = "group", [str(x) for x in section.index], section.to_numpy(dtype=float)
        note = "From the analysis (findings.json, section group_matrix)."
    elif isinstance(section, dict) and section.get("matrix") is not None:
        kind = str(section.get("kind", "group"))
        labels = [str(x) for x in section["labels"]]
        m = np.asarray(section["matrix"], dtype=float)
        note = "From the analysis (findings.json, section group_matrix)."
    elif findings.graph.n:
        kind, labels, m = display_group_matrix(findings)
        note = ("Computed by the reporter for display from the graph's ties (the analysis gave no group "
                "matrix): tie weight summed between groups.")
    else:
        return View(False, note=f"The group-to-group matrix is {NOT_AVAILABLE}.")
    if m.size == 0 or len(labels) < 2:
        return View(False, note="There are fewer than two groups, so there is no group-to-group matrix.")
    weight = m.sum(axis=0) + m.sum(axis=1)
    keep = np.sort(np.argsort(-weight, kind="stable")[:max_groups])
    sub = m[np.ix_(keep, keep)]
    row_total = m[keep].sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(row_total > 0, sub / row_total, 0.0)
    return View(True, {"kind": kind, "labels": [labels[i] for i in keep], "share": share, "weight": sub,
                       "hidden": len(labels) - len(keep)}, note)


def periods_view(findings: Findings) -> View:
    """Per-period figures and trend notes from ``sections["periods"]`` (shown when there are several).

    Accepts ``{"by", "periods": [records], "trends": [text or {"text"|"reason"}]}``, or a list of
    per-period records; each record has ``period`` (or ``label``/``start``) and numeric figures.
    """
    section = findings.sections.get("periods")
    if section is None:
        return View(False, note=f"Trends over time are {NOT_AVAILABLE} (run with several periods, e.g. --by month).")
    if isinstance(section, pd.DataFrame):
        section = {"periods": section.to_dict("records")}
    if isinstance(section, list):
        section = {"periods": section}
    records = [r for r in section.get("periods", []) if isinstance(r, dict)]
    if len(records) < 2:
        return View(False, note="Trends need at least two periods; this analysis has "
                                f"{len(records)}.")
    labels = [_text(r.get("period", r.get("label", r.get("start", i + 1)))) for i, r in enumerate(records)]
    keys: list[str] = []
    for r in records:
        for k, v in r.items():
            if k not in ("period", "label", "start", "end") and _number(v) is not None and not isinstance(v, bool) \
                    and k not in keys:
                keys.append(k)
    series = [{"name": k.replace("_", " "), "values": [_number(r.get(k)) for r in records]} for k in keys]
    trends = []
    for t in section.get("trends", []) or []:
        if isinstance(t, dict):
            trends.append(_text(t.get("text") or t.get("reason") or "; ".join(f"{k}: {v}" for k, v in t.items())))
        else:
            trends.append(_text(t))
    return View(True, {"by": _text(section.get("by")), "labels": labels, "series": series, "trends": trends})


def people_flags(findings: Findings, *, ambassadors_marked: int = 50) -> pd.DataFrame:
    """Per person (aligned with ``findings.people``): roles, reasons, ambassador and broker marks.

    Roles come from ``people.roles`` and ``tables["connectors"]``; the ``ambassadors_marked``
    best-ranked ambassadors are marked; reasons are the ambassador and connector reasons.
    """
    p = findings.people
    ids = p["person"].astype(str).to_numpy()
    roles: list[list[str]] = [split_list(v) for v in p["roles"]] if "roles" in p.columns else [[] for _ in ids]
    reasons: list[list[str]] = [[] for _ in ids]
    position = pd.Series(np.arange(len(ids)), index=ids)
    ambassador = np.zeros(len(ids), dtype=bool)
    amb = findings.tables.get("ambassadors")
    if amb is not None and "person" in amb.columns:
        t = amb.sort_values("rank", kind="stable") if "rank" in amb.columns else amb
        t = t.head(ambassadors_marked)
        where = position.reindex(t["person"].astype(str)).to_numpy()
        ok = ~np.isnan(where)
        ambassador[where[ok].astype(np.int64)] = True
        rank = t["rank"].to_numpy() if "rank" in t.columns else np.arange(1, len(t) + 1)
        reason = t["reason"].to_numpy() if "reason" in t.columns else np.full(len(t), "")
        for i, r, why in zip(where[ok].astype(np.int64), rank[ok], reason[ok], strict=True):
            label = f"ambassador #{r}"
            roles[i] = [label] + [x for x in roles[i] if x != "ambassador"]
            if _text(why):
                reasons[i].append(f"ambassador: {_text(why)}")
    con = findings.tables.get("connectors")
    if con is not None and {"person", "role"} <= set(con.columns):
        where = position.reindex(con["person"].astype(str)).to_numpy()
        reason = con["reason"].to_numpy() if "reason" in con.columns else np.full(len(con), "")
        for i, role, why in zip(where, con["role"].astype(str), reason, strict=True):
            if np.isnan(i):
                continue
            k = int(i)
            if role not in roles[k]:
                roles[k].append(role)
            if _text(why):
                reasons[k].append(f"{role}: {_text(why)}")
    broker = np.array([any(r in BROKER_ROLES for r in rs) for rs in roles], dtype=bool)
    return pd.DataFrame({"roles": roles, "reasons": reasons, "ambassador": ambassador, "broker": broker})


def highlights(findings: Findings, *, top: int = 5) -> list[tuple[str, list[str], list[list[str]]]]:
    """Short tables for the terminal summary: top ambassadors, information brokers and silos.

    Returns
    -------
    list of (title, columns, rows)
        Only the tables whose findings exist; every cell is text.
    """
    out: list[tuple[str, list[str], list[list[str]]]] = []
    amb = ambassadors_view(findings, top=top)
    if amb.available and amb.data["rows"]:
        out.append(("Passionate ambassadors", ["#", "name", "department", "why"],
                    [[r["rank"], r["name"], r["department"], r["reason"]] for r in amb.data["rows"]]))
    con = connectors_view(findings, per_role=top)
    for role in con.data.get("roles", []):
        if role["role"] in BROKER_ROLES and role["rows"]:
            out.append((f"{role['role'].capitalize()}s ({role['count']:,})", ["name", "department", "why"],
                        [[r["name"], r["department"], r["reason"]] for r in role["rows"]]))
    silos = silos_view(findings, top=top)
    if silos.data.get("flagged"):
        rows = [[r["group"], r["kind"], "–" if r["ei_index"] is None else f"{r['ei_index']:+.2f}",
                 ", ".join(r["bridges"]) if r["bridges"] else ("" if r["bridge_count"] is None
                                                               else str(r["bridge_count"]))]
                for r in silos.data["rows"]]
        out.append((f"Silos ({silos.data['total']:,} flagged)", ["group", "kind", "E-I", "bridged by"], rows))
    return out
