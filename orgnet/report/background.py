"""Report files written by worker processes while the rest of the report is written.

``python -m orgnet.report.background FOLDER STAGE TASK`` reads ``FOLDER/findings.pickle`` (the
findings without their events: these files need people, groups, tables and ties only), writes
its part of the report into the staging folder ``STAGE`` and lists the files it wrote in
``FOLDER/TASK.json``. Tasks:

``maps``
    :func:`orgnet.report.map.write_maps`: for a large organisation a map per group, each with
    its own layout, the longest step of the report.
``graph_files``
    ``graph.graphml`` and ``graph.gexf`` (:mod:`orgnet.report.exports`).
``tables``
    The CSV tables (:func:`write_tables`).

On a machine with more than one core :func:`start` runs them beside the tables, pictures and
JSON the caller writes; the files are the same as when written in-process.
"""

from __future__ import annotations

import json
import pickle
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from orgnet.findings import Findings
from orgnet.report.exports import NodeText, write_gexf, write_graphml
from orgnet.report.map import write_maps
from orgnet.report.tables import write_tables
from orgnet.workers import Workers

__all__ = ["Pending", "start", "write_graph_files", "write_tables"]


def write_graph_files(findings: Findings, stage: Path) -> list[str]:
    """Write ``graph.graphml`` and ``graph.gexf`` into ``stage``; returns their names."""
    nodes = NodeText(findings)  # people formatted once for both files
    write_graphml(findings, stage / "graph.graphml", nodes=nodes)
    write_gexf(findings, stage / "graph.gexf", nodes=nodes)
    return ["graph.graphml", "graph.gexf"]


class Pending:
    """Report files being written by worker processes; :meth:`result` waits for them."""

    def __init__(self, workers: Workers, folder: Path, tasks: Sequence[str]) -> None:
        self._workers = workers
        self._folder = folder
        self.tasks = tuple(tasks)

    def result(self) -> dict[str, list[str]]:
        """Files written per task, relative to the report folder."""
        try:
            self._workers.wait()
            return {t: list(json.loads((self._folder / f"{t}.json").read_text())) for t in self.tasks}
        finally:
            self.close()

    def close(self) -> None:
        """Stop the workers (if still running) and remove their files."""
        self._workers.close()


def start(findings: Findings, stage: Path, tasks: Sequence[str], *, max_people: int, seed: int) -> Pending:
    """Start one worker process per task (``maps``, ``graph_files``, ``tables``) writing into ``stage``."""
    light = findings  # the findings hold no event log: people, groups, sections and ties only
    folder = tempfile.TemporaryDirectory(prefix="orgnet-report-")
    try:
        with open(Path(folder.name) / "findings.pickle", "wb") as f:
            pickle.dump({"findings": light, "max_people": max_people, "seed": seed}, f, protocol=5)
        workers = Workers("orgnet.report.background", [[folder.name, str(stage), t] for t in tasks], folder)
    except BaseException:
        folder.cleanup()
        raise
    return Pending(workers, Path(folder.name), tasks)


def _run(folder: str, stage: str, task: str) -> None:
    with open(Path(folder) / "findings.pickle", "rb") as f:
        job = pickle.load(f)  # written by start() in this run's own temporary folder
    findings = job["findings"]
    if task == "maps":
        files, _ = write_maps(findings, Path(stage), max_people=job["max_people"], seed=job["seed"])
    elif task == "graph_files":
        files = write_graph_files(findings, Path(stage))
    elif task == "tables":
        files = write_tables(findings, Path(stage))
    else:
        raise SystemExit(f"unknown task {task!r}; expected maps, graph_files or tables")
    (Path(folder) / f"{task}.json").write_text(json.dumps(files))


if __name__ == "__main__":  # pragma: no cover - run by start() in a child process
    _run(sys.argv[1], sys.argv[2], sys.argv[3])
