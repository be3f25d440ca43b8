"""Background worker processes: failures surface with their error output, stopped workers are gone."""

from __future__ import annotations

import time

import pytest

from orgnet.workers import Workers, available_cores


def test_a_failed_worker_raises_with_its_error_output() -> None:
    w = Workers("orgnet.no_such_module", [[]])
    with pytest.raises(RuntimeError, match="No module named orgnet.no_such_module"):
        w.wait()
    assert not w.running


def test_close_stops_running_workers() -> None:
    w = Workers("http.server", [["0", "--bind", "127.0.0.1"]])  # runs until stopped
    procs = list(w._procs)
    time.sleep(0.2)
    w.close()
    assert not w.running and all(p.poll() is not None for p in procs)


def test_available_cores() -> None:
    assert available_cores() >= 1
