"""Findings -> the report folder: index.html, maps, pictures, CSV, JSON, GraphML and GEXF.

The reporter renders what :func:`orgnet.analysis.analyze` gives it and computes no metric.
Everything is written into a staging folder that replaces the destination in one move, so a
failure never leaves a half-written report. Sections whose findings are absent say so in the
report ("not available in this analysis").
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack, nullcontext
from pathlib import Path
from typing import Any

from orgnet._parallel import worker_processes
from orgnet.findings import Findings
from orgnet.report.background import start, write_data, write_graph_files
from orgnet.report.content import pyramid_view
from orgnet.report.document import JSON_MAX_PEOPLE
from orgnet.report.files import staging_folder
from orgnet.report.index import render_index
from orgnet.report.map import (
    MAP_MAX_PEOPLE,
    draw_unclaimed_groups,
    group_map_data,
    map_group_column,
    write_maps,
)
from orgnet.report.pictures import write_pictures

#: What the background tasks write, for the progress lines.
_TASKS = {"maps": "the maps", "data": "the tables and findings.json", "graph_files": "GraphML and GEXF"}

__all__ = ["GRAPH_FILES_MAX_TIES", "JSON_MAX_PEOPLE", "MAP_MAX_PEOPLE", "write_report"]

#: Above this many ties graph.graphml and graph.gexf are not written by default: Gephi and
#: networkx load a few million ties at most, and at 10 million the files are gigabytes.
GRAPH_FILES_MAX_TIES = 2_000_000


def write_report(
    findings: Findings,
    out: str | Path,
    *,
    progress: Callable[[str], AbstractContextManager[Any]] = lambda _: nullcontext(),
    max_map_people: int = MAP_MAX_PEOPLE,
    seed: int = 0,
    max_graph_ties: int | None = GRAPH_FILES_MAX_TIES,
    workers: int | None = None,
    max_json_people: int = JSON_MAX_PEOPLE,
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
    max_graph_ties : int or None
        Write ``graph.graphml`` and ``graph.gexf`` only up to this many ties (None or 0: always);
        the report says when they were left out.
    max_json_people : int
        Above this many people ``findings.json`` leaves out the per-person table.
    workers : int or None
        Processes at once, this one included, as ``n_jobs`` in :mod:`orgnet._parallel` (None:
        the cores available; 1: no worker). With a map per group to draw (more than
        ``max_map_people`` people) a worker draws the maps while this process draws the
        pictures and writes the rest; with two workers or more, the tables with
        ``findings.json`` and the graph files go to workers too
        (:mod:`orgnet.report.background`). This process then draws the maps' pages the worker
        has not started (:func:`orgnet.report.map.draw_unclaimed_groups`). The files are the
        same either way.

    Returns
    -------
    Path
        The report folder; open ``index.html`` in it.
    """
    out = Path(out)
    ties = int(findings.ties.nnz)
    graph_note = ""
    if max_graph_ties and ties > max_graph_ties:
        graph_note = (f"graph.graphml and graph.gexf were not written: {ties:,} ties is more than Gephi "
                      f"opens comfortably (limit {max_graph_ties:,}; `orgnet analyze --graph-files-max-ties 0` "
                      "writes them anyway)")
    # A large organisation's maps (a layout per group) go to a worker process, while this process
    # writes the rest; with two workers or more, the tables and graph files go to them too.
    helpers = worker_processes(workers)
    background = [] if findings.n <= max_map_people or map_group_column(findings) is None or not helpers else (
        ["maps"] if helpers == 1 else ["maps", "data"] + ([] if graph_note else ["graph_files"]))
    with staging_folder(out) as stage, ExitStack() as cleanup:
        pending = None
        groups = None
        # The maps' pages are shared through a folder: this process draws those the worker has
        # not started once it has written its own parts (draw_unclaimed_groups).
        shared = stage / ".maps-shared"
        if background:
            with progress(f"Started in worker processes: {', '.join(_TASKS[t] for t in background)}"):
                shared.mkdir()
                pending = start(findings, stage, background, max_people=max_map_people, seed=seed, n_jobs=workers,
                                max_json_people=max_json_people, shared=shared)
                cleanup.callback(pending.close)  # the workers stop if anything below fails
        else:
            with progress("Drawing the maps"):
                maps, groups = write_maps(findings, stage, max_people=max_map_people, seed=seed)
        with progress("Drawing pictures for slides"):
            if groups is None and map_group_column(findings) is not None:
                groups = group_map_data(findings, seed=seed)
            if groups is not None and len(groups["ids"]) < 2:
                groups = None
            pictures = [p.relative_to(stage).as_posix() for p in write_pictures(stage, pyramid_view(findings), groups)]
        graph_files: list[str] = []
        tables: list[str] = []
        if not graph_note and "graph_files" not in background:
            with progress("Exporting GraphML and GEXF"):
                graph_files = write_graph_files(findings, stage)
        if "data" not in background:
            with progress("Writing tables and findings.json"):
                tables = write_data(findings, stage, max_json_people)
        if pending is not None:
            with progress("Drawing the maps' groups the worker has not started"):
                draw_unclaimed_groups(findings, stage, shared, max_people=max_map_people, seed=seed)
            with progress(f"Waiting for the workers: {', '.join(_TASKS[t] for t in background)}"):
                written = pending.result()
            shutil.rmtree(shared)
            maps = written["maps"]
            tables = written.get("data", tables)
            graph_files = written.get("graph_files", graph_files)
        with progress("Writing index.html"):
            render_index(findings, stage / "index.html", maps=maps, pictures=pictures,
                         files={"tables": tables, "data": ["findings.json"], "graph": graph_files,
                                "graph_note": graph_note})
    return out.resolve()
