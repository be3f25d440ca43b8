"""Findings -> the report folder: index.html, maps, pictures, CSV, JSON, GraphML and GEXF.

The reporter renders what :func:`orgnet.analysis.analyze` gives it and computes no metric.
Everything is written into a staging folder that replaces the destination in one move, so a
failure never leaves a half-written report. Sections whose findings are absent say so in the
report ("not available in this analysis").
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from orgnet.analysis import Findings
from orgnet.report.content import pyramid_view
from orgnet.report.exports import NodeText, write_gexf, write_graphml
from orgnet.report.files import staging_folder, write_csv, write_json
from orgnet.report.index import render_index
from orgnet.report.map import MAP_MAX_PEOPLE, group_map_data, map_group_column, write_maps
from orgnet.report.pictures import write_pictures

__all__ = ["MAP_MAX_PEOPLE", "write_report"]


def write_report(
    findings: Findings,
    out: str | Path,
    *,
    progress: Callable[[str], AbstractContextManager[Any]] = lambda _: nullcontext(),
    max_map_people: int = MAP_MAX_PEOPLE,
    seed: int = 0,
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
        Above this many people the main map shows groups, each with its own drill-down map.
    seed : int
        Seed of the map layouts.

    Returns
    -------
    Path
        The report folder; open ``index.html`` in it.
    """
    out = Path(out)
    with staging_folder(out) as stage:
        with progress("Writing tables"):
            # Aggregate-only findings hold groups in place of people: no people.csv at all.
            aggregate = bool((findings.summary.get("privacy") or {}).get("aggregate_only"))
            tables = ([] if aggregate else ["people.csv"]) + ["groups.csv"] + [f"{n}.csv" for n in findings.tables]
            if not aggregate:
                write_csv(findings.people, stage / "people.csv")
            write_csv(findings.groups, stage / "groups.csv")
            for name, table in findings.tables.items():
                write_csv(table, stage / f"{name}.csv")
        with progress("Drawing the maps"):
            maps, groups = write_maps(findings, stage, max_people=max_map_people, seed=seed)
        with progress("Drawing pictures for slides"):
            if groups is None and map_group_column(findings) is not None:
                groups = group_map_data(findings, seed=seed)
            if groups is not None and len(groups["ids"]) < 2:
                groups = None
            pictures = [p.relative_to(stage).as_posix() for p in write_pictures(stage, pyramid_view(findings), groups)]
        with progress("Exporting GraphML and GEXF"):
            nodes = NodeText(findings)  # people formatted once for both files
            write_graphml(findings, stage / "graph.graphml", nodes=nodes)
            write_gexf(findings, stage / "graph.gexf", nodes=nodes)
        with progress("Writing findings.json"):
            people = {} if aggregate else {"people": findings.people}
            write_json({"summary": findings.summary, **people, "groups": findings.groups,
                        **findings.sections}, stage / "findings.json")
        with progress("Writing index.html"):
            render_index(findings, stage / "index.html", maps=maps, pictures=pictures,
                         files={"tables": tables, "data": ["findings.json"],
                                "graph": ["graph.graphml", "graph.gexf"]})
    return out.resolve()
