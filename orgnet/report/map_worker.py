"""The maps drawn in a worker process while the rest of the report is written.

``python -m orgnet.report.map_worker FOLDER STAGE`` reads ``FOLDER/findings.pickle`` (the
findings without their events: the maps need people, groups and ties only), runs
:func:`orgnet.report.map.write_maps` into the report's staging folder ``STAGE`` and writes the
pages it drew to ``FOLDER/pages.json``. Large organisations have a map per group (each with its
own layout), the longest step of the report; on a machine with more than one core it then runs
beside the tables, pictures, exports and JSON (:func:`start_maps`).
"""

from __future__ import annotations

import dataclasses
import json
import pickle
import sys
import tempfile
from pathlib import Path

import numpy as np

from orgnet.analysis import Findings
from orgnet.events import empty_events
from orgnet.report.map import write_maps
from orgnet.workers import Workers

__all__ = ["PendingMaps", "start_maps"]


class PendingMaps:
    """Maps being drawn by a worker process; :meth:`result` waits and gives the pages written."""

    def __init__(self, workers: Workers, folder: tempfile.TemporaryDirectory[str]) -> None:
        self._workers = workers
        self._folder = folder

    def result(self) -> list[str]:
        """The pages written, relative to the report folder (``map.html`` first)."""
        try:
            self._workers.wait()
            return list(json.loads((Path(self._folder.name) / "pages.json").read_text()))
        finally:
            self.close()

    def close(self) -> None:
        """Stop the worker (if still running) and remove its files."""
        self._workers.close()
        self._folder.cleanup()


def start_maps(findings: Findings, stage: Path, *, max_people: int, seed: int) -> PendingMaps:
    """Start drawing the maps of ``findings`` into ``stage`` in a worker process."""
    light = dataclasses.replace(
        findings,
        graph=dataclasses.replace(findings.graph, events=empty_events(), actor=np.zeros(0, dtype=np.int64),
                                  target=np.zeros(0, dtype=np.int64), _cache={}),
        sections={},
    )
    folder = tempfile.TemporaryDirectory(prefix="orgnet-maps-")
    try:
        with open(Path(folder.name) / "findings.pickle", "wb") as f:
            pickle.dump({"findings": light, "max_people": max_people, "seed": seed}, f, protocol=5)
        workers = Workers("orgnet.report.map_worker", [[folder.name, str(stage)]])
    except BaseException:
        folder.cleanup()
        raise
    return PendingMaps(workers, folder)


def _run(folder: str, stage: str) -> None:
    with open(Path(folder) / "findings.pickle", "rb") as f:
        job = pickle.load(f)  # written by start_maps in this run's own temporary folder
    pages, _ = write_maps(job["findings"], Path(stage), max_people=job["max_people"], seed=job["seed"])
    (Path(folder) / "pages.json").write_text(json.dumps(pages))


if __name__ == "__main__":  # pragma: no cover - run by start_maps in a child process
    _run(sys.argv[1], sys.argv[2])
