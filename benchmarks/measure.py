"""Timing and peak memory of stages in this process, and of whole commands in a child process.

A command's peak memory is that of its whole process tree: orgnet's worker processes hold
memory too, so the largest process alone (``ru_maxrss``) understates it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

__all__ = ["RssSampler", "StageRecorder", "TreeRssSampler", "emit", "rss_bytes", "run_command"]

_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes(pid: int | str = "self") -> int:
    """Resident set size of a process now (this one by default; from /proc, no extra dependency)."""
    with open(f"/proc/{pid}/statm", "rb") as fh:
        return int(fh.read().split()[1]) * _PAGE


class TreeRssSampler:
    """Background thread sampling the summed RSS of a process and all its descendants.

    ``peak()`` is the highest sum seen. The RSS of the known processes is read every
    ``interval`` seconds (cheap: /proc/PID/statm); the list of descendants is refreshed every
    ``rescan`` seconds (psutil reads every process of the machine for that). Pages shared
    between processes (the Python and numpy libraries, memory maps) count once per process,
    so the sum is an upper bound, by a few tens of MB per worker.
    """

    def __init__(self, pid: int, interval: float = 0.05, rescan: float = 0.5) -> None:
        import psutil

        self._psutil = psutil
        self._root = psutil.Process(pid)
        self.interval, self.rescan = interval, rescan
        self._pids = [pid]
        self._peak = 0
        self.most_processes = 1
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _scan(self) -> None:
        try:
            self._pids = [self._root.pid] + [c.pid for c in self._root.children(recursive=True)]
        except self._psutil.Error:  # the command has ended
            pass
        self.most_processes = max(self.most_processes, len(self._pids))

    def _sample(self) -> None:
        total = 0
        for pid in self._pids:
            try:
                total += rss_bytes(pid)
            except (OSError, ValueError, IndexError):  # the process has ended meanwhile
                pass
        self._peak = max(self._peak, total)

    def _run(self) -> None:
        last_scan = 0.0
        while True:
            now = time.perf_counter()
            if now - last_scan >= self.rescan:
                self._scan()
                last_scan = now
            self._sample()
            if self._stop.wait(self.interval):
                return

    def peak(self) -> int:
        """Highest summed RSS of the tree seen so far."""
        return self._peak

    def stop(self) -> None:
        """End the sampling thread."""
        self._stop.set()
        self._thread.join()


class RssSampler:
    """Background thread sampling this process's RSS; ``peak()`` is the maximum since ``reset()``.

    Sampling every few milliseconds catches the peaks of C kernels (Arrow, scipy, igraph) that
    ``tracemalloc`` cannot see.
    """

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self._peak = rss_bytes()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            now = rss_bytes()
            if now > self._peak:
                self._peak = now

    def reset(self) -> int:
        """Start a new peak from the current RSS (returned)."""
        now = rss_bytes()
        self._peak = now
        return now

    def peak(self) -> int:
        """Highest RSS seen since the last reset (including now)."""
        self._peak = max(self._peak, rss_bytes())
        return self._peak

    def stop(self) -> None:
        """End the sampling thread."""
        self._stop.set()
        self._thread.join()


@dataclass
class StageRecorder:
    """Records ``name -> seconds, peak RSS, RSS at start`` for stages run one after another."""

    sampler: RssSampler = field(default_factory=RssSampler)
    stages: list[dict[str, Any]] = field(default_factory=list)
    stream: bool = True

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        """Time the ``with`` block as stage ``name`` (usable as orgnet's progress reporter)."""
        start_rss = self.sampler.reset()
        start, cpu = time.perf_counter(), time.process_time()
        yield
        # CPU seconds too: on a shared machine wall time carries the other users' load.
        record = {"stage": name, "seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu,
                  "peak_rss": self.sampler.peak(), "start_rss": start_rss}
        self.stages.append(record)
        if self.stream:
            emit({"event": "stage", **record})


def emit(record: dict[str, Any]) -> None:
    """Write one JSON line to stdout at once (the parent reads them as they come, even on a time cap)."""
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def run_command(argv: Sequence[str], *, timeout: float | None = None, env: dict[str, str] | None = None,
                cwd: str | None = None) -> dict[str, Any]:
    """Run a command; return wall seconds, CPU seconds, peak memory, exit code and JSON lines printed.

    ``peak_rss`` is the peak of the summed RSS of the command and every process it started
    (:class:`TreeRssSampler`); ``largest_process_rss`` the largest single process's
    (``ru_maxrss`` from ``wait4``); ``cpu_seconds`` covers the command and the children it waited for.
    On a time cap the child is killed and the lines it printed so far are kept (``timed_out``).
    ``load_before`` and ``load_after`` are the machine's 1-minute load averages when the command
    started and ended (other work on the machine inflates wall time: a figure is worth what its
    load was).
    """
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd,
                            text=True)
    lines: list[dict[str, Any]] = []
    out_chunks: list[str] = []
    err_chunks: list[str] = []

    def read_out() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            out_chunks.append(line)
            if line.startswith("{"):
                try:
                    lines.append(json.loads(line))
                except json.JSONDecodeError:
                    pass

    def read_err() -> None:
        assert proc.stderr is not None
        err_chunks.append(proc.stderr.read())

    tree = TreeRssSampler(proc.pid)
    readers = [threading.Thread(target=read_out, daemon=True), threading.Thread(target=read_err, daemon=True)]
    for t in readers:
        t.start()
    timed_out = False
    deadline = None if timeout is None else start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            proc.kill()
            timed_out = True
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    tree.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    for t in readers:
        t.join(timeout=5)
    return {
        "seconds": seconds,
        "peak_rss": max(tree.peak(), int(usage.ru_maxrss) * 1024),
        "largest_process_rss": int(usage.ru_maxrss) * 1024,
        "most_processes": tree.most_processes,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "returncode": proc.returncode,
        "timed_out": timed_out,
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        "lines": lines,
        "stderr": "".join(err_chunks)[-4000:],
    }
