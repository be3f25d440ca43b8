"""``python -m benchmarks.compare --size 100k --base-python PY --base-dir DIR``: two checkouts, one run.

Runs ``orgnet analyze`` end to end on the benchmark organisation with this checkout and with
another one (typically the previous commit, installed in its own virtual environment),
alternating them (A B B A A B ...) so that the machine's load falls on both alike. Prints one
JSON line per run and a Markdown table of medians: wall seconds, CPU seconds (the command and
its workers), peak memory summed over the process tree and the largest single process.
Writes no file of the repository unless ``--save``: then ``results/compare-<size>.json`` (both
commits, every run, the medians and the load average), which ``python -m benchmarks`` shows in
``RESULTS.md`` as the before/after table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.data import SIZES, dataset
from benchmarks.measure import run_command

REPO = Path(__file__).resolve().parent.parent


def _order(repeat: int) -> list[str]:
    pairs = [("base", "this"), ("this", "base")]
    return [label for i in range(repeat) for label in pairs[i % 2]]


def main(argv: list[str] | None = None) -> None:
    """Run the comparison (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compare", description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="100k", choices=list(SIZES))
    parser.add_argument("--repeat", type=int, default=3, help="runs of each checkout; medians are reported")
    parser.add_argument("--base-python", required=True, help="the Python of the other checkout's environment")
    parser.add_argument("--base-dir", required=True, type=Path, help="the other checkout (its working directory)")
    parser.add_argument("--save", action="store_true",
                        help="write results/compare-<size>.json for RESULTS.md's before/after table")
    args = parser.parse_args(argv)
    size = SIZES[args.size]
    dataset(size)
    runs: dict[str, list[dict[str, Any]]] = {"base": [], "this": []}
    where = {"base": (args.base_python, str(args.base_dir.resolve())), "this": (sys.executable, str(REPO))}
    for label in _order(args.repeat):
        python, cwd = where[label]
        argv_ = [python, "-m", "orgnet.cli", "analyze", str(size.folder / "events.parquet"),
                 "--directory", str(size.folder / "directory.csv"), "--out", str(size.folder / f"report-{label}")]
        res = run_command(argv_, cwd=cwd, env={**os.environ, "COLUMNS": "120"})
        if res["returncode"] != 0:
            raise SystemExit(f"{label} failed (exit {res['returncode']}):\n{res['stderr']}")
        row = {k: res[k] for k in ("seconds", "cpu_seconds", "peak_rss", "largest_process_rss", "most_processes",
                                   "load_before", "load_after")}
        runs[label].append(row)
        print(json.dumps({"checkout": label, **row}), flush=True)
    print(f"\n`orgnet analyze` end to end, {size.name}, median of {args.repeat} (alternating runs)\n")
    print("| checkout | wall s | CPU s | peak, process tree (GiB) | peak, largest process (GiB) | processes |")
    print("|---|---|---|---|---|---|")
    medians = {label: summarise(runs[label]) for label in ("base", "this")}
    for label, m in medians.items():
        print(f"| {label} | {m['seconds']:.1f} | {m['cpu_seconds']:.1f} | {m['peak_rss'] / 2**30:.2f} | "
              f"{m['largest_process_rss'] / 2**30:.2f} | {m['most_processes']} |")
    if args.save:
        record = {"size": size.name, "people": size.people, "date": dt.datetime.now(dt.timezone.utc).isoformat(
            timespec="minutes"), "repeat": args.repeat, "dataset": str(size.folder),
            "commits": {"base": _commit(where["base"][1]), "this": _commit(where["this"][1])},
            "medians": medians, "runs": runs}
        out = REPO / "benchmarks" / "results" / f"compare-{size.name}.json"
        out.write_text(json.dumps(record, indent=1))
        print(f"\nwrote {out}")


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians of one checkout's runs (processes: the most seen; load: the highest)."""
    def med(key: str) -> float:
        return float(statistics.median(r[key] for r in rows))

    return {"seconds": med("seconds"), "cpu_seconds": med("cpu_seconds"), "peak_rss": med("peak_rss"),
            "largest_process_rss": med("largest_process_rss"),
            "most_processes": max(r["most_processes"] for r in rows),
            "load": max(max(r["load_before"], r["load_after"]) for r in rows)}


def _commit(folder: str) -> str:
    res = subprocess.run(["git", "-C", folder, "log", "-1", "--format=%h %cs %s"], capture_output=True, text=True)
    return res.stdout.strip()[:100] if res.returncode == 0 else "unknown"


if __name__ == "__main__":
    main()
