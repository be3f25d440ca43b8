"""Report files written by worker processes while the rest of the report is written.

:func:`start` hands the parts below to :mod:`orgnet._parallel` workers, each writing into the
report's staging folder. Parts:

``maps``
    :func:`orgnet.report.map.write_maps`: for a large organisation a map per group, each with
    its own layout, the longest step of the report.
``graph_files``
    ``graph.graphml`` and ``graph.gexf`` (:mod:`orgnet.report.exports`).
``data``
    The CSV tables and ``findings.json`` (:func:`write_data`): one process words the reasons
    both give.

On a machine with more than one core :func:`orgnet.report.write_report` has the maps drawn by a
worker beside the pictures and the rest it writes itself (with two workers or more, the other
parts by workers too); once done with its own parts, it draws the maps' pages the worker has not
started yet (:func:`orgnet.report.map.draw_unclaimed_groups`). The files are the same as when
written in-process.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from orgnet import _parallel
from orgnet._parallel import Pending
from orgnet.findings import Findings
from orgnet.report import exports
from orgnet.report.content import WordedReasons
from orgnet.report.document import JSON_MAX_PEOPLE, document_parts
from orgnet.report.files import write_json_parts
from orgnet.report.map import map_columns, write_maps
from orgnet.report.tables import write_tables

__all__ = ["for_maps", "start", "write_data", "write_graph_files", "write_part", "write_tables"]


def write_graph_files(findings: Findings, stage: Path) -> list[str]:
    """Write ``graph.graphml`` and ``graph.gexf`` into ``stage``; returns their names."""
    exports.write_graph_files(findings, stage / "graph.graphml", stage / "graph.gexf")
    return ["graph.graphml", "graph.gexf"]


def write_data(findings: Findings, stage: Path, max_json_people: int = JSON_MAX_PEOPLE) -> list[str]:
    """Write the CSV tables and ``findings.json`` into ``stage``, the reasons worded once.

    Returns the tables' file names (``findings.json`` is always written).
    """
    worded = WordedReasons(findings)
    tables = write_tables(findings, stage, worded)
    # Each section of findings.json is made, written and let go in turn (never the whole document).
    write_json_parts(document_parts(findings, max_people=max_json_people, worded=worded), stage / "findings.json")
    return tables


def start(findings: Findings, stage: Path, tasks: Sequence[str], *, max_people: int, seed: int,
          n_jobs: int | None = None, max_json_people: int = JSON_MAX_PEOPLE,
          shared: Path | None = None) -> Pending[dict[str, list[str]]]:
    """Write ``tasks`` (``maps``, ``graph_files``, ``data``) into ``stage`` in worker processes.

    Returns at once; the result maps each task to the files it wrote, relative to ``stage``.
    ``shared``: the folder through which this process may draw some of the maps' pages
    (:func:`orgnet.report.map.write_maps`).
    """
    # The findings hold no event log (people, groups, sections and ties only): sent once, in one
    # file for all tasks rather than a pickle each; the maps get a file of their own with only
    # the people's columns they read (the worker drawing them holds only those).
    order = tuple(tasks)
    maps = _parallel.Once(for_maps(findings)) if "maps" in order else None
    rest = _parallel.Once(findings) if set(order) - {"maps"} else None
    return _parallel.start(write_part, [(t, maps if t == "maps" else rest, str(stage), max_people, seed,
                                         max_json_people, None if shared is None or t != "maps" else str(shared))
                                        for t in order],
                           n_jobs=n_jobs).then(lambda files: dict(zip(order, files, strict=True)))


def for_maps(findings: Findings) -> Findings:
    """``findings`` with only the people's columns the maps read (:func:`orgnet.report.map.map_columns`).

    Examples
    --------
    >>> from orgnet.findings import analyze
    >>> from orgnet.synthetic import toy_org
    >>> f = analyze(toy_org().events, directory=toy_org().directory)
    >>> for_maps(f).people.shape[1] < f.people.shape[1], for_maps(f).ties is f.ties
    (True, True)
    """
    columns = map_columns(findings)
    if len(columns) == findings.people.shape[1]:
        return findings
    return dataclasses.replace(findings, people=findings.people[columns])


def write_part(task: str, findings: Findings, stage: str, max_people: int, seed: int,
               max_json_people: int = JSON_MAX_PEOPLE, shared: str | None = None) -> list[str]:
    """Write one part of the report into ``stage`` (run by a worker); returns the files written
    (``data``: the tables). ``shared``: as for :func:`orgnet.report.map.write_maps`."""
    if task == "maps":
        return write_maps(findings, Path(stage), max_people=max_people, seed=seed,
                          shared=None if shared is None else Path(shared))[0]
    if task == "graph_files":
        return write_graph_files(findings, Path(stage))
    if task == "data":
        return write_data(findings, Path(stage), max_json_people)
    raise ValueError(f"unknown report part {task!r}; expected maps, graph_files or data")
