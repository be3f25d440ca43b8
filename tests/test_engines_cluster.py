"""`orgnet analyze --engine dask --scheduler ...` against a real Dask cluster on localhost.

A `dask scheduler` and two `dask worker` processes, started as a user would start them
(docs/scale.md), aggregate the ties of partitioned Parquet; the report equals the local
engine's, file by file.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from orgnet.events import events_from_frame

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent


def _start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a scheduler with two single-threaded worker processes on localhost."""
    dask = shutil.which("dask", path=str(BIN)) or shutil.which("dask")
    if dask is None:
        pytest.fail("the dask command line (dask[distributed], a test dependency) is not installed")
    folder = tmp_path_factory.mktemp("cluster")
    info = folder / "scheduler.json"
    procs = [_start([dask, "scheduler", "--scheduler-file", str(info), "--host", "127.0.0.1", "--port", "0",
                     "--no-dashboard"], folder / "scheduler.log")]
    try:
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert info.exists(), (folder / "scheduler.log").read_text()
        address = json.loads(info.read_text())["address"]
        for i in range(2):
            procs.append(_start([dask, "worker", "--scheduler-file", str(info), "--nworkers", "1", "--nthreads", "1",
                                 "--no-dashboard", "--name", f"w{i}"], folder / f"worker-{i}.log"))
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
            assert len(client.scheduler_info()["workers"]) == 2
        yield address
    finally:
        for proc in reversed(procs):
            _stop(proc)


@pytest.fixture(scope="module")
def partitioned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An events log as a folder of four Parquet files (several row groups each)."""
    rng = np.random.default_rng(7)
    n = 8000
    people = [f"p{i:03d}@example.org" for i in range(120)]
    kinds = rng.choice(["post", "reply", "reaction", "mention", "share"], n)
    target = rng.choice(people, n).astype(object)
    target[kinds == "post"] = None
    events = events_from_frame(pd.DataFrame({
        "ts": pd.Timestamp("2025-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 120 * 24, n), unit="h"),
        "kind": kinds, "actor": rng.choice(people, n), "target": target, "weight": rng.choice([1.0, 0.5], n),
        "channel": rng.choice(["general", "data", "random"], n), "item": [f"m{i}" for i in range(n)],
    }), source="csv")
    folder = tmp_path_factory.mktemp("events")
    for i, rows in enumerate(np.array_split(np.arange(n), 4)):
        pq.write_table(events.take(rows), folder / f"part-{i}.parquet", row_group_size=500)
    return folder


def _analyze(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "orgnet.cli", "analyze", *args], capture_output=True, text=True,
                          timeout=600, cwd=cwd)


def test_analyze_on_a_dask_cluster_equals_the_local_run(cluster: str, partitioned: Path, tmp_path: Path) -> None:
    parts = sorted(str(p) for p in partitioned.glob("*.parquet"))
    local = _analyze([*parts, "--out", str(tmp_path / "local")], tmp_path)
    assert local.returncode == 0, local.stderr
    remote = _analyze([*parts, "--engine", "dask", "--scheduler", cluster, "--out", str(tmp_path / "dask")], tmp_path)
    assert remote.returncode == 0, remote.stderr
    for name in ("people.csv", "ties.csv", "groups.csv", "connectors.csv", "ambassadors.csv"):
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name
    summary = json.loads((tmp_path / "dask" / "findings.json").read_text())["summary"]
    assert summary["ties"] > 0 and summary["events"] == 8000
