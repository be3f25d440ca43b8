"""``python -m benchmarks.steps --size 1m``: where one ``orgnet analyze`` run's time and memory go.

Runs the command line's pipeline (:func:`orgnet.pipeline.run`, its defaults, the benchmark
organisation's events and directory) in this process with a progress reporter that times each
step, while a thread samples the resident memory of this process and of the whole process tree
(the worker processes included) every 0.25 s. Prints one line per step: its start and end (s
from the start), its wall time, and the highest memory of the main process and of the tree seen
during it; then the run's wall and CPU seconds and both peaks. Writes the report into a temporary
folder (``--out`` to keep it) and no file of the repository.

The figures are one run's: the step times move with the machine's load (compare within a
sitting), the memory much less.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from benchmarks.data import SIZES, dataset
from benchmarks.measure import rss_bytes


class _Tree:
    """Samples (seconds, main RSS, tree RSS) every ``interval`` seconds in a thread."""

    def __init__(self, start: float, interval: float = 0.25) -> None:
        import psutil

        self._me = psutil.Process()
        self.start, self.interval = start, interval
        self.samples: list[tuple[float, int, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                pids = [self._me.pid] + [c.pid for c in self._me.children(recursive=True)]
            except Exception:  # noqa: BLE001 - a child ended while listed
                continue
            main = total = 0
            for pid in pids:
                try:
                    rss = rss_bytes(pid)
                except (OSError, ValueError, IndexError):  # the process has ended meanwhile
                    continue
                total += rss
                main = rss if pid == self._me.pid else main
            self.samples.append((time.perf_counter() - self.start, main, total))

    def peaks(self, start: float, end: float) -> tuple[int, int]:
        """Highest main and tree RSS sampled between ``start`` and ``end`` (seconds from the start)."""
        inside = [(m, t) for s, m, t in self.samples if start <= s <= end]
        return max((m for m, _ in inside), default=0), max((t for _, t in inside), default=0)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def main(argv: list[str] | None = None) -> None:
    """Run the pipeline once with step timings (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.steps", description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="100k", choices=list(SIZES))
    parser.add_argument("--out", type=Path, help="keep the report in this folder (default: a temporary one)")
    args = parser.parse_args(argv)
    from orgnet.malloc import keep_freed_memory
    from orgnet.pipeline import RunOptions, run

    size = SIZES[args.size]
    dataset(size)
    keep_freed_memory()  # as `orgnet analyze` does
    t0 = time.perf_counter()
    cpu0 = os.times()
    tree = _Tree(t0)
    steps: list[tuple[str, float, float]] = []

    @contextlib.contextmanager
    def step(name: str) -> Iterator[None]:
        start = time.perf_counter() - t0
        yield
        steps.append((name, start, time.perf_counter() - t0))

    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp) / "report"
        run([size.folder / "events.parquet"], out, RunOptions(directory=size.folder / "directory.csv"), progress=step)
    wall = time.perf_counter() - t0
    cpu1 = os.times()
    tree.stop()
    cpu = sum(cpu1[:4]) - sum(cpu0[:4])
    gib = 2**30
    print(f"`orgnet analyze` pipeline, {size.name}, one run\n")
    print("| step | from s | to s | wall s | main peak GiB | tree peak GiB |")
    print("|---|---|---|---|---|---|")
    for name, start, end in steps:
        main_peak, tree_peak = tree.peaks(start, end)
        print(f"| {name} | {start:.1f} | {end:.1f} | {end - start:.1f} | {main_peak / gib:.2f} | {tree_peak / gib:.2f} |")
    main_peak, tree_peak = tree.peaks(0.0, wall)
    print(f"\nwall {wall:.1f} s, CPU {cpu:.1f} s (this process and the workers it waited for), "
          f"peak main {main_peak / gib:.2f} GiB, peak tree {tree_peak / gib:.2f} GiB")


if __name__ == "__main__":
    main()
