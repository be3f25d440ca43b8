"""The report's CSV tables: people, ties, groups (with their silo figures), ambassadors and connectors.

Codes become ids, names and labels here; every reason is written as the report's plain sentence
(``reason``), the statistics behind it in a column of their own (``statistics``), its numbers in
columns beside them. Aggregate-only reports name no individual: no people, ties,
ambassador or connector table at all.

Examples
--------
>>> from orgnet.findings import analyze
>>> from orgnet.synthetic import toy_org
>>> t = report_tables(analyze(toy_org().events, directory=toy_org().directory))
>>> sorted(t)
['ambassadors', 'connectors', 'groups', 'people', 'ties']
>>> list(t["ties"].columns)
['source', 'target', 'weight']
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from orgnet.findings import Findings
from orgnet.report.content import WordedReasons, display_names
from orgnet.report.csv_text import write_csv

__all__ = ["report_tables", "write_tables"]


def _labels(findings: Findings, kind: str, codes: np.ndarray) -> np.ndarray:
    g = findings.groups.by_kind.get(kind)
    if g is None:
        return np.full(len(codes), "", dtype=object)
    return np.array([g.label(int(c)) or "" for c in codes], dtype=object)


def report_tables(findings: Findings, worded: WordedReasons | None = None) -> dict[str, pd.DataFrame]:
    """The tables written as ``<name>.csv``, in order.

    ``worded``: the reasons' wording, when ``findings.json`` shares it
    (:func:`orgnet.report.document.findings_document`).
    """
    return dict(_tables(findings, worded))


def _tables(findings: Findings, worded: WordedReasons | None = None) -> Iterator[tuple[str, pd.DataFrame]]:
    """:func:`report_tables`' tables one at a time, each made when the one before has been taken
    (:func:`write_tables` writes and lets go of each: the ties' table is millions of rows)."""
    ids = findings.people["person"].astype(str).to_numpy(dtype=object) if findings.n else np.zeros(0, dtype=object)
    names = display_names(findings)
    worded = worded or WordedReasons(findings)
    primary = findings.groups.primary
    if not findings.aggregate_only:
        yield "people", findings.people
        coo = sp.coo_array(findings.ties)
        ties = pd.DataFrame({"source": ids[coo.row], "target": ids[coo.col], "weight": coo.data})
        del coo
        yield "ties", ties
        del ties

    g = findings.groups.table
    silos = findings.silos.table.drop(columns=["size", "internal", "external", "ei"])
    groups = g.merge(silos, on=["kind", "code"], how="left")
    groups.insert(0, "group", np.concatenate([_labels(findings, k, groups.loc[groups["kind"] == k, "code"].to_numpy())
                                              for k in groups["kind"].unique()]) if len(groups) else [])
    reasons, details, bridges = [], [], []
    silo_words = worded.silos()
    where = {(str(k), int(c)): i for i, (k, c) in enumerate(zip(silos["kind"], silos["code"], strict=True))}
    for kind, code in zip(groups["kind"].astype(str), groups["code"].astype(int), strict=True):
        row = where.get((kind, code))
        if row is None:
            reasons.append("")
            details.append("")
            bridges.append("")
            continue
        reasons.append(silo_words.sentences[row])
        details.append(silo_words.details[row])
        b = np.asarray(findings.silos.table["bridges"].iat[row], dtype=np.int64)
        bridges.append(";".join(str(ids[c]) for c in b) if len(ids) else "")
    groups["bridges"] = bridges
    groups["reason"] = reasons
    groups["statistics"] = details
    yield "groups", groups[groups["group"] != ""].reset_index(drop=True)

    if not findings.aggregate_only:
        a = findings.ambassadors
        amb = a.table.copy()
        codes = amb["code"].to_numpy(np.int64)
        amb.insert(1, "person", ids[codes])
        amb.insert(2, "name", names[codes])
        amb.insert(3, primary, _labels(findings, primary, findings.groups.primary_grouping.codes[codes]))
        amb["reason"], amb["statistics"] = worded.ambassadors().sentences, worded.ambassadors().details
        yield "ambassadors", amb.drop(columns=["code"])
        c = findings.connectors
        con = c.table.copy()
        codes = con["code"].to_numpy(np.int64)
        con.insert(0, "person", ids[codes])
        con.insert(1, "name", names[codes])
        if "group" in con.columns:
            con["group"] = _labels(findings, primary, con["group"].to_numpy(np.int64))
        con["reason"], con["statistics"] = worded.connectors().sentences, worded.connectors().details
        yield "connectors", con.drop(columns=["code"])


def write_tables(findings: Findings, stage: Path, worded: WordedReasons | None = None) -> list[str]:
    """Write every table as ``<name>.csv`` into ``stage``; returns the file names."""
    written = []
    for name, table in _tables(findings, worded):
        write_csv(table, stage / f"{name}.csv")
        written.append(f"{name}.csv")
        del table
    return written
