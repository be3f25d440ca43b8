"""Findings -> files: the report folder. Renders what analysis gives it; computes nothing."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import numpy as np

from orgnet.analysis import Findings
from orgnet.metrics.groups import group_matrix
from orgnet.report.files import staging_folder, write_csv, write_json
from orgnet.report.map import group_map, people_map, render_map

__all__ = ["write_report"]

#: Above this many people the main map shows groups as nodes.
MAP_MAX_PEOPLE = 2000


def _cards(findings: Findings) -> list[list[str]]:
    p = findings.people
    dept = p["department"].astype("string").fillna("(no department)")
    return [
        [str(name), f"department: {d}", f"community: {c}", f"PageRank {pr:.4f}", f"{int(k)} partners"]
        for name, d, c, pr, k in zip(p["name"], dept, p["community"], p["pagerank"], p["partners"], strict=True)
    ]


def build_map_data(findings: Findings, *, max_people: int = MAP_MAX_PEOPLE, seed: int = 0) -> dict[str, Any]:
    """The data of the main map: people when few enough, else groups (departments or communities)."""
    g = findings.graph
    p = findings.people
    colour = p["department"] if p["department"].notna().any() else p["community"]
    if g.n <= max_people:
        return people_map(g.adjacency, p["person"].to_numpy(dtype=str), p["name"].to_numpy(dtype=str),
                          colour.astype("string").fillna("(none)").to_numpy(dtype=str),
                          p["pagerank"].to_numpy(), _cards(findings), seed=seed)
    column = "department" if p["department"].notna().any() else "community"
    codes, labels = g.group_codes(column)
    m = group_matrix(g.adjacency, codes, len(labels))
    sizes = np.bincount(codes[codes >= 0], minlength=len(labels))
    return group_map(m, labels, sizes, seed=seed)


def write_report(
    findings: Findings,
    out: str | Path,
    *,
    progress: Callable[[str], AbstractContextManager[Any]] = lambda _: nullcontext(),
    max_map_people: int = MAP_MAX_PEOPLE,
) -> Path:
    """Write the report folder atomically: nothing is half-written if anything fails.

    Parameters
    ----------
    findings : Findings
        From :func:`orgnet.analysis.analyze`.
    out : str or Path
        The report folder (created, or replaced when it holds an earlier report).
    progress : callable
        Step reporter, as in :func:`orgnet.analysis.analyze`.
    max_map_people : int
        Above this many people the main map shows groups.

    Returns
    -------
    Path
        The report folder.
    """
    out = Path(out)
    with staging_folder(out) as stage:
        with progress("Writing tables"):
            write_csv(findings.people, stage / "people.csv")
            write_csv(findings.groups, stage / "groups.csv")
            for name, table in findings.tables.items():
                write_csv(table, stage / f"{name}.csv")
        with progress("Drawing the map"):
            render_map(build_map_data(findings, max_people=max_map_people), stage / "map.html")
        with progress("Writing findings.json"):
            write_json({"summary": findings.summary, "people": findings.people, "groups": findings.groups,
                        **findings.sections}, stage / "findings.json")
    return out.resolve()
