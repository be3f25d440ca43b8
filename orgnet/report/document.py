"""findings.json: every section of the findings as one documented JSON document.

Codes become person ids and group labels here (after privacy), and every reason is written twice:
as data (``evidence``: kind, numbers, the groups and people it refers to) and as the sentence the
report shows (``text``). The document is described field by field in ``docs/findings.schema.json``
(JSON Schema 2020-12); a test validates real reports against it.

Examples
--------
>>> from orgnet.findings import analyze
>>> from orgnet.synthetic import toy_org
>>> doc = findings_document(analyze(toy_org().events, directory=toy_org().directory))
>>> sorted(doc)[:6]
['$schema', 'ambassadors', 'channels', 'connectors', 'formal', 'groups']
>>> doc["ambassadors"]["status"], doc["ambassadors"]["rows"]
('none_stand_out', [])
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from orgnet.findings import Findings, Grouping
from orgnet.findings.reasons import Evidence, Reason
from orgnet.report.content import Worded, WordedReasons, display_names

__all__ = ["JSON_MAX_PEOPLE", "SCHEMA_ID", "document_parts", "findings_document"]

#: Above this many people findings.json leaves out the per-person table (it is people.csv).
JSON_MAX_PEOPLE = 200_000

#: The document's schema identifier (``docs/findings.schema.json``).
SCHEMA_ID = "https://orgnet.dev/schemas/findings-1.json"


class _Names:
    """Codes to ids, names and labels for one document."""

    def __init__(self, findings: Findings) -> None:
        p = findings.people
        self.ids = p["person"].astype(str).to_numpy(dtype=object) if len(p) else np.zeros(0, dtype=object)
        self.names = display_names(findings)
        self.groups: dict[str, Grouping] = findings.groups.by_kind
        # Each grouping's labels by code (None: hidden), looked up once per reason rather than
        # through the grouping per mention (at a million people half a million evidences).
        self._labels = {kind: [g.label(c) for c in range(len(g))] for kind, g in self.groups.items()}

    def person(self, code: int) -> str:
        return str(self.ids[code])

    def label(self, kind: str, code: int) -> str | None:
        labels = self._labels.get(kind)
        return None if labels is None or not 0 <= code < len(labels) else labels[code]

    def labels(self, kind: str, codes: tuple[int, ...]) -> list[str]:
        """The shown labels of ``codes`` (hidden groups and codes of no group left out)."""
        labels = self._labels.get(kind)
        if labels is None or not codes:
            return []
        n = len(labels)
        return [label for label in (labels[c] if 0 <= c < n else None for c in codes) if label is not None]


def _plain(value: float) -> float | None:
    """A JSON number, or None where the figure is undefined or infinite."""
    x = float(value)
    return x if math.isfinite(x) else None


def _evidence(e: Evidence, names: _Names, kind: str) -> dict[str, Any]:
    ids = names.ids
    return {"kind": e.kind, "numbers": {k: _plain(v) for k, v in e.numbers.items()},
            "groups": names.labels(kind, e.groups), "people": [str(ids[c]) for c in e.people]}


def _reason(reason: Reason, names: _Names, kind: str, text: str, details: str) -> dict[str, Any]:
    return {"finding": reason.finding, "text": text, "details": details,
            "evidence": [_evidence(e, names, kind) for e in reason.evidence]}


def _records(frame: pd.DataFrame, drop: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    from orgnet.report.files import to_jsonable

    cols = [c for c in frame.columns if c not in drop]
    return to_jsonable(frame[cols])  # type: ignore[no-any-return]


def _ambassadors(f: Findings, names: _Names, worded: Worded) -> dict[str, Any]:
    a = f.ambassadors
    rows = _records(a.table, drop=("code",))
    codes = a.table["code"].to_numpy(np.int64)
    for row, code, reason, text, details in zip(rows, codes, *worded, strict=True):
        row["person"] = names.person(int(code))
        row["name"] = str(names.names[code])
        row["reason"] = _reason(reason, names, a.grouping, text, details)
    return {"grouping": a.grouping, "weeks": a.weeks, "flagged": a.flagged, "status": a.status, "scored": a.scored,
            "unmeasured": list(a.unmeasured), "note": a.note or None, "rows": rows}


def _connectors(f: Findings, names: _Names, worded: Worded) -> dict[str, Any]:
    c = f.connectors
    t = c.table
    rows = [{"person": names.person(int(code)), "name": str(names.names[code]), "role": str(role),
             "score": float(score), "reason": _reason(reason, names, c.grouping, text, details)}
            for code, role, score, reason, text, details in zip(t["code"].to_numpy(np.int64), t["role"].astype(str),
                                                                t["score"].to_numpy(float), *worded, strict=True)]
    return {"grouping": c.grouping, "roles": list(c.ROLES), "notes": dict(c.notes), "rows": rows}


def _silos(f: Findings, names: _Names, worded: Worded) -> dict[str, Any]:
    t = f.silos.table
    rows = _records(t, drop=("bridges",))
    for row, kind, code, bridges, reason, text, details in zip(rows, t["kind"].astype(str), t["code"].to_numpy(np.int64),
                                                               t["bridges"], *worded, strict=True):
        row["group"] = names.label(kind, int(code))
        row["bridges"] = [names.person(c) for c in np.asarray(bridges, dtype=np.int64)]
        row["reason"] = _reason(reason, names, kind, text, details)
    return {"rows": [r for r in rows if r["group"] is not None]}


def _groups(f: Findings, names: _Names) -> dict[str, Any]:
    g = f.groups
    rows = _records(g.table)
    for row in rows:
        row["group"] = names.label(str(row["kind"]), int(row["code"]))
    m = g.matrix
    shown = [i for i, c in enumerate(m.codes) if names.label(m.kind, int(c)) is not None]
    return {
        "primary": g.primary,
        "kinds": {kind: {"groups": len(grouping), "hidden": int(grouping.hidden.sum())}
                  for kind, grouping in g.by_kind.items()},
        "rows": [r for r in rows if r["group"] is not None],
        "matrix": {"kind": m.kind, "labels": [names.label(m.kind, int(m.codes[i])) for i in shown],
                   "weights": np.asarray(m.weights, dtype=float)[np.ix_(shown, shown)].tolist(), "groups": m.groups},
    }


def _pyramid(f: Findings, names: _Names) -> dict[str, Any]:
    p = f.pyramid
    by_group = {}
    for row in p.by_group.to_dict("records"):
        label = names.label(p.grouping, int(row["code"]))
        if label is not None:
            by_group[label] = {lev: int(row[lev]) for lev in p.levels}
    return {"levels": list(p.levels), "grouping": p.grouping, "overall": dict(p.overall), "by_group": by_group,
            "excluded": dict(p.excluded), "note": p.note}


def _responses(f: Findings) -> dict[str, Any]:
    from orgnet.report.files import to_jsonable

    r = f.responses
    people = None
    if r.outside_people is not None and not f.aggregate_only:
        people = _records(r.outside_people, drop=("code",))
        ids = f.people["person"].to_numpy(dtype=object)[r.outside_people["code"].to_numpy(np.int64)]
        for row, person in zip(people, ids, strict=True):
            row["person"] = str(person)
    return {"note": r.note or None, "half_life": to_jsonable(r.half_life),
            "by_weekday_hour": None if r.by_weekday_hour is None else to_jsonable(r.by_weekday_hour),
            "getting_outside": None if r.getting_outside is None else to_jsonable(r.getting_outside),
            "outside_min_contacts": int(r.outside_min_contacts), "outside_people": people}


def _channels(f: Findings) -> dict[str, Any]:
    from orgnet.report.content import channels_view

    view = channels_view(f, top=None)
    return {"note": view.note or None, "rows": view.data.get("records", []), "hidden": view.data.get("hidden", 0)}


def _parts_table(frame: pd.DataFrame | None, names: _Names, kind: str, parts_kind: str) -> list[dict[str, Any]] | None:
    if frame is None:
        return None
    rows = _records(frame)
    for row in rows:
        row["group"] = names.label(kind, int(row["code"]))
        row["parts"] = [names.label(parts_kind, int(c)) for c in row["parts"]]
    return [r for r in rows if r["group"] is not None]


def _formal(f: Findings, names: _Names) -> dict[str, Any]:
    from orgnet.report.files import to_jsonable

    fo = f.formal
    out: dict[str, Any] = {"available": fo.available, "note": fo.note or None, "nmi": fo.nmi, "ari": fo.ari,
                           "department_splits": _parts_table(fo.department_splits, names, "department", "community"),
                           "community_spans": _parts_table(fo.community_spans, names, "community", "department"),
                           "reporting_line": to_jsonable(fo.reporting_line), "managers": None}
    if fo.managers is not None:
        rows = _records(fo.managers, drop=("code",))
        for row, code in zip(rows, fo.managers["code"].to_numpy(np.int64), strict=True):
            row["person"] = names.person(int(code))
        out["managers"] = rows
    return out


def _periods(f: Findings, names: _Names) -> dict[str, Any] | None:
    per = f.periods
    if per is None:
        return None
    rows = _records(per.table)
    for i, row in enumerate(rows):
        row["ambassadors"] = [names.person(c) for c in per.ambassadors[i]] if i < len(per.ambassadors) else []
        row["silos"] = [lab for c in (per.silos[i] if i < len(per.silos) else [])
                        if (lab := names.label(per.grouping, int(c))) is not None]
        ei = per.ei_index.iloc[i] if i < len(per.ei_index) else pd.Series(dtype=float)
        row["ei_index"] = {lab: (None if not np.isfinite(v) else round(float(v), 4))
                           for c, v in ei.items() if (lab := names.label(per.grouping, int(c))) is not None}
        for key, frame in (("ei_ties", per.ei_ties), ("ei_outside_ties", per.ei_outside_ties)):
            counts = frame.iloc[i] if i < len(frame) else pd.Series(dtype=float)
            row[key] = {lab: int(v) for c, v in counts.items() if (lab := names.label(per.grouping, int(c))) is not None}
    changes = {}
    for key, codes in per.changes.items():
        if "ambassador" in key:
            changes[key] = [names.person(c) for c in codes]
        else:
            changes[key] = [lab for c in codes if (lab := names.label(per.grouping, int(c))) is not None]
    return {"by": per.by, "grouping": per.grouping, "periods": rows, "compared": list(per.compared or []) or None,
            "changes": changes, "note": per.note or None}


def _population(f: Findings, names: _Names) -> dict[str, Any]:
    from orgnet.report.files import to_jsonable

    apart = to_jsonable(f.population.set_apart)
    dup = f.population.duplicates
    rows = []
    for r in dup.itertuples(index=False):
        rows.append({"person": names.person(int(r.code)),
                     "other": names.person(int(r.other)) if r.other >= 0 else str(r.other_person),
                     "other_is_member": bool(r.other >= 0), "basis": str(r.basis), "certain": bool(r.certain),
                     "role": bool(r.role)})
    return {"set_apart": apart, "duplicates": rows,
            "role_holders_with_duplicates": f.population.role_holders_with_duplicates}


def _summary(f: Findings) -> dict[str, Any]:
    from dataclasses import asdict

    from orgnet.report.files import to_jsonable

    return to_jsonable(asdict(f.summary))  # type: ignore[no-any-return]


def findings_document(findings: Findings, *, max_people: int = JSON_MAX_PEOPLE,
                      worded: WordedReasons | None = None) -> dict[str, Any]:
    """The findings as a JSON-ready dict (every section; codes as ids and labels).

    Parameters
    ----------
    findings : Findings
        After privacy.
    max_people : int
        Above this many people the per-person table is left out (``people_omitted`` says so;
        ``people.csv`` has it).
    worded : WordedReasons, optional
        The reasons' wording, when the CSV tables share it (:func:`orgnet.report.tables.report_tables`).

    Returns
    -------
    dict
        See ``docs/findings.schema.json``.
    """
    return {key: make() for key, make in document_parts(findings, max_people=max_people, worded=worded).items()}


def document_parts(findings: Findings, *, max_people: int = JSON_MAX_PEOPLE,
                   worded: WordedReasons | None = None) -> dict[str, Callable[[], Any]]:
    """:func:`findings_document`'s sections, each made when called: ``{key: make}``.

    :func:`orgnet.report.files.write_json_parts` writes each section as soon as it is made and
    lets it go, so the whole document is never held at once (at a million people its rows of
    reasons and evidence take hundreds of megabytes).

    Examples
    --------
    >>> from orgnet.findings import analyze
    >>> from orgnet.synthetic import toy_org
    >>> parts = document_parts(analyze(toy_org().events, directory=toy_org().directory))
    >>> parts["$schema"]() == SCHEMA_ID, parts["ambassadors"]()["status"]
    (True, 'none_stand_out')
    """
    names = _Names(findings)
    words = worded or WordedReasons(findings)
    parts: dict[str, Callable[[], Any]] = {
        "$schema": lambda: SCHEMA_ID,
        "summary": lambda: _summary(findings),
        "groups": lambda: _groups(findings, names),
        "ambassadors": lambda: _ambassadors(findings, names, words.ambassadors()),
        "connectors": lambda: _connectors(findings, names, words.connectors()),
        "silos": lambda: _silos(findings, names, words.silos()),
        "pyramid": lambda: _pyramid(findings, names),
        "responses": lambda: _responses(findings),
        "channels": lambda: _channels(findings),
        "formal": lambda: _formal(findings, names),
        "periods": lambda: _periods(findings, names),
        "population": lambda: _population(findings, names),
    }
    n = len(findings.people)
    if findings.aggregate_only:
        parts["people"] = lambda: None
    elif n <= max_people:
        parts["people"] = lambda: findings.people
    else:
        omitted = {"people": n, "file": "people.csv",
                   "reason": f"more than {max_people:,} people: the per-person table is in people.csv only"}
        parts["people"] = lambda: None
        parts["people_omitted"] = lambda: omitted
    return parts
