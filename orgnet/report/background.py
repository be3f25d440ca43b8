"""Report files written by worker processes while the rest of the report is written.

:func:`start` hands the parts below to :mod:`orgnet._parallel` workers, each writing into the
report's staging folder. Parts:

``maps``
    :func:`orgnet.report.map.write_maps`: for a large organisation a map per group, each with
    its own layout, the longest step of the report.
``graph_files``
    ``graph.graphml`` and ``graph.gexf`` (:mod:`orgnet.report.exports`).
``tables``
    The CSV tables (:func:`write_tables`).

On a machine with more than one core :func:`orgnet.report.write_report` has them written
beside the pictures and JSON it writes itself; the files are the same as when written in-process.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from orgnet import _parallel
from orgnet._parallel import Pending
from orgnet.findings import Findings
from orgnet.report import exports
from orgnet.report.map import write_maps
from orgnet.report.tables import write_tables

__all__ = ["start", "write_graph_files", "write_part", "write_tables"]


def write_graph_files(findings: Findings, stage: Path) -> list[str]:
    """Write ``graph.graphml`` and ``graph.gexf`` into ``stage``; returns their names."""
    exports.write_graph_files(findings, stage / "graph.graphml", stage / "graph.gexf")
    return ["graph.graphml", "graph.gexf"]


def start(findings: Findings, stage: Path, tasks: Sequence[str], *, max_people: int, seed: int,
          n_jobs: int | None = None) -> Pending[dict[str, list[str]]]:
    """Write ``tasks`` (``maps``, ``graph_files``, ``tables``) into ``stage`` in worker processes.

    Returns at once; the result maps each task to the files it wrote, relative to ``stage``.
    """
    # The findings hold no event log (people, groups, sections and ties only): sent once.
    order, shared = tuple(tasks), _parallel.Once(findings)  # one file for all tasks, not a pickle each
    return _parallel.start(write_part, [(t, shared, str(stage), max_people, seed) for t in order],
                           n_jobs=n_jobs).then(lambda files: dict(zip(order, files, strict=True)))


def write_part(task: str, findings: Findings, stage: str, max_people: int, seed: int) -> list[str]:
    """Write one part of the report into ``stage`` (run by a worker); returns the files written."""
    if task == "maps":
        return write_maps(findings, Path(stage), max_people=max_people, seed=seed)[0]
    if task == "graph_files":
        return write_graph_files(findings, Path(stage))
    if task == "tables":
        return write_tables(findings, Path(stage))
    raise ValueError(f"unknown report part {task!r}; expected maps, graph_files or tables")
