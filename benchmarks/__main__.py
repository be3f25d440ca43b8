"""``python -m benchmarks --sizes 10k,100k,1m [--repeat N]``: run the suite, write results/*.json and RESULTS.md.

For each size: the dataset is generated once (``benchmarks/work/``), then in separate processes
orgnet's pipeline stage by stage (``--repeat`` runs, medians), ``orgnet analyze`` end to end
(wall time and the child's peak RSS), each operation against the fastest library calls, and
the networkx reference pipeline under a time cap. ``RESULTS.md`` is rebuilt from every
``results/<size>.json`` present, so a 1M run recorded earlier stays in it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
from pathlib import Path
from typing import Any

from benchmarks.data import SIZES, Size, parse_sizes
from benchmarks.measure import run_command

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
REPO = HERE.parent

#: Canonical stages (rows of the side-by-side table) and orgnet's progress steps that make them.
STAGES: dict[str, tuple[str, ...]] = {
    "read": ("Reading",),
    "graph": ("Building the graph",),
    "degrees": ("Degrees and strengths",),
    "pagerank": ("PageRank",),
    "betweenness": ("Betweenness",),
    "communities": ("Communities",),
    "report": ("Writing", "Drawing", "Exporting", "Started in worker processes", "Waiting for the workers"),
}


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _worker(job: str, size: Size, *extra: str, timeout: float | None = None) -> dict[str, Any]:
    argv = [sys.executable, "-m", "benchmarks.workers", job, size.name, *extra]
    res = run_command(argv, timeout=timeout, cwd=str(REPO))
    if res["returncode"] != 0 and not res["timed_out"]:
        _say(f"  {job} failed (exit {res['returncode']}):\n{res['stderr']}")
    return res


def _canonical(step: str) -> str:
    for stage, prefixes in STAGES.items():
        if any(step.startswith(p) for p in prefixes):
            return stage
    return "other analysis"


def _orgnet_stages(runs: list[list[dict[str, Any]]]) -> dict[str, Any]:
    """Median seconds and max peak RSS per progress step and per canonical stage over runs."""
    steps: dict[str, list[float]] = {}
    cpus: dict[str, list[float]] = {}
    peaks: dict[str, int] = {}
    for lines in runs:
        for line in lines:
            if line.get("event") != "stage":
                continue
            steps.setdefault(line["stage"], []).append(line["seconds"])
            cpus.setdefault(line["stage"], []).append(line.get("cpu_seconds", float("nan")))
            peaks[line["stage"]] = max(peaks.get(line["stage"], 0), line["peak_rss"])
    per_step = {s: {"seconds": statistics.median(v), "cpu_seconds": statistics.median(cpus[s]), "runs": v,
                    "peak_rss": peaks[s]} for s, v in steps.items()}
    canonical: dict[str, dict[str, Any]] = {}
    for s, v in per_step.items():
        c = canonical.setdefault(_canonical(s), {"seconds": 0.0, "cpu_seconds": 0.0, "peak_rss": 0, "steps": []})
        c["seconds"] += v["seconds"]
        c["cpu_seconds"] += v["cpu_seconds"]
        c["peak_rss"] = max(c["peak_rss"], v["peak_rss"])
        c["steps"].append(s)
    return {"steps": per_step, "stages": canonical}


def run_size(size: Size, repeat: int, reference_cap: float, reference_pivots: int, skip: set[str],
             orgnet_cap: float | None = None) -> dict[str, Any]:
    """Run every job for one size and return its results."""
    # Jobs skipped this time keep their earlier figures (e.g. a re-run of the reference only).
    previous = RESULTS / f"{size.name}.json"
    result: dict[str, Any] = json.loads(previous.read_text()) if previous.exists() and skip else {}
    result.update({"size": size.name, "people": size.people})
    if not {"orgnet", "e2e"} <= skip:  # the section's date is that of its stage-by-stage runs
        result.update({"date": dt.date.today().isoformat(), "repeat": repeat})
    _say(f"[{size.name}] dataset")
    gen = _worker("generate", size)
    result["dataset"] = next((x for x in gen["lines"] if x.get("event") == "dataset"), {})
    events_path, directory = size.folder / "events.parquet", size.folder / "directory.csv"

    if "orgnet" not in skip:
        runs, dones = [], []
        for i in range(repeat):
            _say(f"[{size.name}] orgnet stages, run {i + 1}/{repeat}")
            res = _worker("orgnet", size, timeout=orgnet_cap)
            if res["timed_out"]:
                _say(f"  cut at the {orgnet_cap:.0f} s cap")
            runs.append(res["lines"])
            dones += [x for x in res["lines"] if x.get("event") == "done"]
        result["orgnet"] = _orgnet_stages(runs)
        result["orgnet"]["summary"] = dones[-1] if dones else {}
        result["orgnet"]["complete"] = bool(dones)

    if "e2e" not in skip:
        e2e = []
        for i in range(repeat):
            _say(f"[{size.name}] orgnet analyze end to end, run {i + 1}/{repeat}")
            argv = [sys.executable, "-m", "orgnet.cli", "analyze", str(events_path), "--directory", str(directory),
                    "--out", str(size.folder / "report-e2e")]
            res = run_command(argv, cwd=str(REPO), env={**os.environ, "COLUMNS": "120"})
            if res["returncode"] != 0:
                _say(f"  analyze failed:\n{res['stderr']}")
            e2e.append({"seconds": res["seconds"], "cpu_seconds": res["cpu_seconds"], "peak_rss": res["peak_rss"],
                        "largest_process_rss": res["largest_process_rss"], "returncode": res["returncode"],
                        "load_before": res["load_before"], "load_after": res["load_after"]})
        ok = [r for r in e2e if r["returncode"] == 0]
        result["end_to_end"] = {
            "command": "orgnet analyze events.parquet --directory directory.csv --out report",
            "seconds": statistics.median(r["seconds"] for r in ok) if ok else None,
            "cpu_seconds": statistics.median(r["cpu_seconds"] for r in ok) if ok else None,
            "peak_rss": max((r["peak_rss"] for r in ok), default=None),
            "load": max((max(r["load_before"], r["load_after"]) for r in ok), default=None),
            "runs": e2e,
        }

    if "libraries" not in skip:
        _say(f"[{size.name}] library calls")
        res = _worker("libraries", size, "--repeat", str(repeat))
        result["libraries"] = [x for x in res["lines"] if x.get("event") == "call"]
        result["libraries_date"] = dt.date.today().isoformat()
        result["graph"] = next((x for x in res["lines"] if x.get("event") == "graph"), {})

    if "reference" not in skip:
        _say(f"[{size.name}] networkx reference (cap {reference_cap:.0f} s)")
        res = _worker("reference", size, "--reference-pivots", str(reference_pivots), timeout=reference_cap)
        stages = {x["stage"]: x for x in res["lines"] if x.get("event") == "stage"}
        result["reference"] = {"stages": stages, "timed_out": res["timed_out"], "cap": reference_cap,
                               "wall_seconds": res["seconds"], "peak_rss": res["peak_rss"],
                               "done": next((x for x in res["lines"] if x.get("event") == "done"), None)}
    return result


# ------------------------------------------------------------------------------------ RESULTS.md
def machine() -> dict[str, Any]:
    """CPU model, cores, RAM, Python and library versions."""
    import importlib

    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    versions = {}
    for name in ("numpy", "scipy", "pandas", "pyarrow", "igraph", "duckdb", "networkx", "networkit", "dask"):
        try:
            versions[name] = importlib.import_module(name).__version__
        except ImportError:
            versions[name] = "not installed"
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gib": round(ram / 2**30, 1),
            "python": platform.python_version(), "platform": platform.platform(), "versions": versions}


def _s(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:.2f}" if x < 10 else f"{x:.1f}" if x < 100 else f"{x:.0f}"


def _speed(x: float) -> str:
    if x >= 1:
        return f"{x:.0f}× faster" if x >= 10 else f"{x:.1f}× faster"
    return f"{1 / x:.1f}× slower"


def _gib(x: float | None) -> str:
    return "–" if not x else f"{x / 2**30:.2f}"


def _ref_stage(ref: dict[str, Any], stage: str) -> tuple[float | None, str]:
    row = ref.get("stages", {}).get(stage)
    if row is None:
        return None, "not reached" if ref.get("timed_out") else "–"
    if row.get("extrapolated_from_pivots"):
        return row["seconds"], f"extrapolated from {row['extrapolated_from_pivots']} pivots"
    return row["seconds"], ""


def render(results: list[dict[str, Any]], info: dict[str, Any]) -> str:
    """RESULTS.md from the results of every size."""
    v = info["versions"]
    out = [
        "# orgnet benchmark results",
        "",
        "Produced by `python -m benchmarks --sizes ...` (see `benchmarks/__main__.py`); rebuilt from",
        "`benchmarks/results/<size>.json`. Times are medians over the runs; peak memory is the",
        "process's highest resident set size during the stage (sampled every 5 ms) or, end to end, the",
        "highest summed RSS of `orgnet analyze` and its worker processes (sampled every 50 ms; tables",
        "before 2026-12 gave the largest process's `ru_maxrss`). The machine is shared with other engineers running",
        "tests, so figures carry noise of a few tens of per cent.",
        "",
        f"**Machine**: {info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM; Python {info['python']}; "
        + ", ".join(f"{k} {val}" for k, val in v.items()) + f". Table written {dt.date.today().isoformat()}.",
        "",
    ]
    out += _targets(results)
    out += _before_after()
    notes = RESULTS / "notes.md"
    if notes.exists():
        out += [notes.read_text().strip(), ""]
    for r in results:
        out += _size_section(r)
    return "\n".join(out) + "\n"


def _before_after() -> list[str]:
    """The before/after table from ``results/compare-<size>.json`` (``python -m benchmarks.compare --save``)."""
    found = [json.loads((RESULTS / f"compare-{name}.json").read_text()) for name in SIZES
             if (RESULTS / f"compare-{name}.json").exists()]
    if not found:
        return []
    rows = ["## Before and after: one run, one machine", "",
            "`python -m benchmarks.compare --size SIZE --repeat N --base-python ... --base-dir ... --save`: the",
            "earlier commit and this one run `orgnet analyze` end to end on the same dataset, alternating (A B B A),",
            "medians of the runs; memory is the highest summed RSS of the command and its worker processes.", "",
            "| size | when | checkout | commit | wall s | CPU s | peak, process tree (GiB) | largest process (GiB) "
            "| runs | load avg up to |", "|---|---|---|---|---|---|---|---|---|---|"]
    for c in found:
        for label in ("base", "this"):
            m = c["medians"][label]
            rows.append(f"| {c['size']} | {c['date'][:16].replace('T', ' ')} | {'before' if label == 'base' else 'after'} "
                        f"| {c['commits'][label].split(' ')[0]} | {_s(m['seconds'])} | {_s(m['cpu_seconds'])} | "
                        f"{_gib(m['peak_rss'])} | {_gib(m['largest_process_rss'])} | {c['repeat']} | "
                        f"{m['load']:.1f} |")
    return rows + [""]


def _targets(results: list[dict[str, Any]]) -> list[str]:
    by = {r["size"]: r for r in results}
    rows = ["## Targets (2 cores, 24 GiB)", "", "| target | measured | met |", "|---|---|---|"]

    def e2e(size: str) -> tuple[float | None, float | None]:
        e = by.get(size, {}).get("end_to_end") or {}
        return e.get("seconds"), e.get("peak_rss")

    def after(size: str) -> tuple[float, float, str] | None:
        # The newest end-to-end figures: the 'after' run of compare.py (process tree, same machine
        # and day as its 'before'), when there is one.
        path = RESULTS / f"compare-{size}.json"
        if not path.exists():
            return None
        c = json.loads(path.read_text())
        m = c["medians"]["this"]
        return m["seconds"], m["peak_rss"], f"{c['date'][:10]}, {c['commits']['this'].split(' ')[0]}, median of {c['repeat']}"

    for size, label, secs, gib in (("1m", "1M people / 50M events", 180, 6), ("100k", "100k people / 10M events", 20, 1.5)):
        got = after(size)
        if got is not None:
            rows.append(f"| {label} end to end ≤ {secs} s, peak ≤ {gib} GiB (process tree) | {_s(got[0])} s, "
                        f"{_gib(got[1])} GiB ({got[2]}) | time {'yes' if got[0] <= secs else 'no'}, "
                        f"memory {'yes' if got[1] <= gib * 2**30 else 'no'} |")
    s, m = e2e("1m")
    org1m = by.get("1m", {}).get("orgnet") or {}
    if after("1m") is not None:
        s, org1m = None, {}  # the newer figure is above
    if s is None and org1m.get("stages"):
        total = sum(v["seconds"] for v in org1m["stages"].values())
        peak = max(v["peak_rss"] for v in org1m["stages"].values())
        done = "all stages" if org1m.get("complete") else f"cut at the cap after {', '.join(org1m['steps'])}"
        rows.append(f"| 1M people / 50M events end to end ≤ 180 s, peak ≤ 6 GiB (process tree) | stage by stage: "
                    f"{_s(total)} s ({done}), peak {_gib(peak)} GiB ({by['1m']['date']}) | "
                    f"{'yes' if org1m.get('complete') and total <= 180 and peak <= 6 * 2**30 else 'no'} |")
    if s is not None:
        rows.append(f"| 1M people / 50M events end to end ≤ 180 s, peak ≤ 6 GiB (process tree) | {_s(s)} s, "
                    f"{_gib(m)} GiB ({by['1m']['date']}) | time {'yes' if s <= 180 else 'no'}, "
                    f"memory {'yes' if m <= 6 * 2**30 else 'no'} |")
    s, m = e2e("100k")
    if s is not None:
        if after("100k") is None:
            rows.append(f"| 100k people / 10M events end to end ≤ 20 s, peak ≤ 1.5 GiB (process tree) | {_s(s)} s, "
                        f"{_gib(m)} GiB | time {'yes' if s <= 20 else 'no'}, "
                        f"memory {'yes' if m is not None and m <= 1.5 * 2**30 else 'no'} |")
        ref = by["100k"].get("reference")
        if ref:
            total, complete = _ref_total(ref)
            speed = total / s if total else None
            cut = "" if complete else " (reference cut by its cap: a lower bound)"
            rows.append(f"| ≥ 50× faster than networkx at 100k | end to end: {speed:.1f}×{cut} (orgnet's run "
                        "also computes ambassadors, roles, silos, periods and the full report) | "
                        f"{'yes' if speed and speed >= 50 else 'no'} |" if speed else "| ≥ 50× vs networkx | – | – |")
            exact = (ref.get("stages", {}).get("betweenness") or {}).get("exact_seconds")
            if speed and exact and complete:
                with_exact = (total - ref["stages"]["betweenness"]["seconds"] + exact) / s
                rows.append(f"| ≥ 50× faster than networkx at 100k, networkx as a user calls it (its default exact "
                            f"betweenness: every person a source, time extrapolated per source) | end to end: "
                            f"{with_exact:.0f}× | {'yes' if with_exact >= 50 else 'no'} |")
            core = _core_ratio(by["100k"])
            if core:
                rows.append(f"| ≥ 50× faster than networkx at 100k, the same analysis (read, graph, degrees, "
                            f"PageRank, betweenness, communities) | {core:.1f}× | {'yes' if core >= 50 else 'no'} |")
    for r in results:
        calls = r.get("libraries") or []
        worst = _worst_metric_ratio(calls)
        if worst:
            op, ratio, fastest = worst
            rows.append(f"| {r['size']}: every metric within 1.2× of the fastest library call | worst: {op} "
                        f"{ratio:.2f}× of {fastest} | {'yes' if ratio <= 1.2 else 'no'} |")
        read = (r.get("orgnet") or {}).get("stages", {}).get("read")
        events = (r.get("dataset") or {}).get("events")
        reader = [c for c in calls if c["operation"] == "read" and c["implementation"] == "orgnet"]
        if events and (read or reader):
            parts, ok = [], False
            if reader:
                rate = events / reader[0]["seconds"]
                ok = rate >= 2e6
                parts.append(f"reader (Parquet to Event table): {rate / 1e6:.1f}M events/s")
            if read:
                parts.append(f"whole read stage with identity resolution against the directory: "
                             f"{events / read['seconds'] / 1e6:.1f}M events/s")
            rows.append(f"| {r['size']}: ingestion ≥ 2M events/s from Parquet | {'; '.join(parts)} | "
                        f"{'reader yes, stage no' if ok and read and events / read['seconds'] < 2e6 else 'yes' if ok else 'no'} |")
    return rows + [""]


_CORE = ("read", "graph", "degrees", "pagerank", "betweenness", "communities")


def _core_ratio(r: dict[str, Any]) -> float | None:
    """networkx time / orgnet time over the stages both pipelines run."""
    org = (r.get("orgnet") or {}).get("stages", {})
    ref = (r.get("reference") or {}).get("stages", {})
    if not all(s in org and s in ref for s in _CORE):
        return None
    return sum(ref[s]["seconds"] for s in _CORE) / sum(org[s]["seconds"] for s in _CORE)


def _ref_total(ref: dict[str, Any]) -> tuple[float, bool]:
    stages = ref.get("stages", {})
    total = sum(x["seconds"] for k, x in stages.items() if not k.startswith("betweenness-"))
    complete = not ref.get("timed_out") and ref.get("done") is not None
    if ref.get("timed_out"):
        total = max(total, ref.get("cap", 0.0))
    return total, complete


def _worst_metric_ratio(calls: list[dict[str, Any]]) -> tuple[str, float, str] | None:
    worst = None
    for op in ("degrees", "pagerank", "betweenness", "communities", "graph"):
        # orgnet's fastest call of the operation (e.g. betweenness in this process, not in a worker)
        mine = sorted((c for c in calls if c["operation"] == op and c["implementation"].startswith("orgnet")),
                      key=lambda c: c["seconds"])
        # Only the calls with the same guarantee (a Louvain's communities may be badly connected,
        # fewer betweenness sources bound the error less): records from before the flag count all.
        others = [c for c in calls if c["operation"] == op and not c["implementation"].startswith("orgnet")
                  and c.get("same_guarantee", True)]
        if not mine or not others:
            continue
        fastest = min(others, key=lambda c: c["seconds"])
        ratio = mine[0]["seconds"] / fastest["seconds"]
        if worst is None or ratio > worst[1]:
            worst = (op, ratio, fastest["implementation"])
    return worst


def _size_section(r: dict[str, Any]) -> list[str]:
    d = r.get("dataset", {})
    g = r.get("graph") or {}
    ties = g.get("ties") or (r.get("orgnet") or {}).get("summary", {}).get("ties", 0)
    out = [f"## {r['size']}: {r['people']:,} people, {d.get('events', 0):,} events "
           f"({ties:,} ties) — measured {r['date']}, {r['repeat']} run(s)", ""]
    org = r.get("orgnet", {}).get("stages", {})
    ref = r.get("reference", {})
    e2e = r.get("end_to_end") or {}
    if org:
        out += ["### orgnet beside the networkx reference pipeline", "",
                "| stage | orgnet (s) | orgnet CPU (s) | orgnet peak RSS (GiB) | networkx (s) | orgnet / networkx | note |",
                "|---|---|---|---|---|---|---|"]
        order = list(STAGES) + ["other analysis"]
        total_org = 0.0
        for stage in order:
            if stage not in org:
                continue
            mine = org[stage]["seconds"]
            total_org += mine
            theirs, note = _ref_stage(ref, stage) if stage in STAGES else (None, "orgnet only")
            ratio = f"{mine / theirs:.3f} ({_speed(theirs / mine)})" if theirs else "–"
            if stage == "other analysis":
                note = ", ".join(org[stage]["steps"])
            out.append(f"| {stage} | {_s(mine)} | {_s(org[stage].get('cpu_seconds'))} | {_gib(org[stage]['peak_rss'])} "
                       f"| {_s(theirs)} | {ratio} | {note} |")
        ref_total, complete = _ref_total(ref) if ref else (None, True)
        if ref:
            cmp = f"{total_org / ref_total:.3f} ({_speed(ref_total / total_org)})" if ref_total else "–"
            note = "" if complete else f"reference cut at its {ref['cap']:.0f} s cap: lower bound"
            out.append(f"| **sum of stages** | **{_s(total_org)}** | | | **{_s(ref_total)}** | {cmp} | {note} |")
        if e2e.get("seconds") is not None:
            out.append(f"| **`orgnet analyze` end to end** | **{_s(e2e['seconds'])}** | {_s(e2e.get('cpu_seconds'))} | "
                       f"{_gib(e2e['peak_rss'])} | | | subprocess wall time incl. start-up; peak RSS summed over the command "
                       f"and its worker processes; machine load up to {e2e.get('load') or float('nan'):.1f} |")
        if ref.get("peak_rss"):
            out.append(f"\nnetworkx reference peak RSS: {_gib(ref['peak_rss'])} GiB.")
        summ = r.get("orgnet", {}).get("summary", {})
        if summ.get("betweenness"):
            out.append(f"orgnet betweenness: {summ['betweenness']}. findings.json: "
                       f"{summ.get('findings_json_bytes', 0) / 2**20:.1f} MiB.")
        steps = r.get("orgnet", {}).get("steps", {})
        out += ["", "<details><summary>orgnet steps</summary>", "", "| step | s | CPU s | peak RSS (GiB) |",
                "|---|---|---|---|"]
        out += [f"| {s} | {_s(v['seconds'])} | {_s(v.get('cpu_seconds'))} | {_gib(v['peak_rss'])} |"
                for s, v in steps.items()]
        out += ["", "</details>", ""]
    calls = r.get("libraries") or []
    if calls:
        when = f", measured {r['libraries_date']}" if r.get("libraries_date") else ""
        out += [f"### Each operation: orgnet's function against single-library calls (same inputs, same process{when})",
                "", "`/ fastest`: against the fastest call with the same guarantee (`same` yes).", "",
                "| operation | implementation | s | extra RSS (GiB) | / fastest | same | note |",
                "|---|---|---|---|---|---|---|"]
        for op in dict.fromkeys(c["operation"] for c in calls):
            rows = [c for c in calls if c["operation"] == op]
            fastest = min(c["seconds"] for c in rows if c.get("same_guarantee", True))
            for c in rows:
                name = f"**{c['implementation']}**" if c["implementation"] == "orgnet" else c["implementation"]
                same = "yes" if c.get("same_guarantee", True) else "no"
                out.append(f"| {op} | {name} | {_s(c['seconds'])} | {_gib(c['extra_rss'])} | "
                           f"{c['seconds'] / fastest:.2f} | {same} | {c.get('note', '')} |")
        out.append("")
    return out


def write_results() -> Path:
    """Rebuild RESULTS.md from results/*.json."""
    results = []
    for name in SIZES:
        path = RESULTS / f"{name}.json"
        if path.exists():
            results.append(json.loads(path.read_text()))
    info = json.loads((RESULTS / "machine.json").read_text()) if (RESULTS / "machine.json").exists() else machine()
    md = HERE / "RESULTS.md"
    md.write_text(render(results, info))
    return md


def main(argv: list[str] | None = None) -> None:
    """Run the suite (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated: 1k, 10k, 100k, 1m (default 10k,100k)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; medians are reported")
    parser.add_argument("--reference-cap", type=float, default=900, help="seconds the networkx reference may run")
    parser.add_argument("--reference-pivots", type=int, default=20,
                        help="betweenness sources networkx runs (time extrapolated to orgnet's pivots)")
    parser.add_argument("--orgnet-cap", type=float, default=None,
                        help="seconds one orgnet stage-by-stage run may take (stages done so far are kept)")
    parser.add_argument("--skip", default="", help="comma-separated jobs to skip: orgnet, e2e, libraries, reference")
    parser.add_argument("--render-only", action="store_true", help="only rebuild RESULTS.md from results/*.json")
    args = parser.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    if not args.render_only:
        info = machine()
        (RESULTS / "machine.json").write_text(json.dumps(info, indent=1))
        skip = {s.strip() for s in args.skip.split(",") if s.strip()}
        for size in parse_sizes(args.sizes):
            result = run_size(size, args.repeat, args.reference_cap, args.reference_pivots, skip, args.orgnet_cap)
            result["machine"] = info
            (RESULTS / f"{size.name}.json").write_text(json.dumps(result, indent=1))
            _print_ratios(result)
    _say(f"wrote {write_results()}")


def _print_ratios(r: dict[str, Any]) -> None:
    org = r.get("orgnet", {}).get("stages", {})
    ref = r.get("reference", {})
    _say(f"[{r['size']}] stage: orgnet s / networkx s = ratio")
    for stage in STAGES:
        if stage in org:
            theirs, note = _ref_stage(ref, stage)
            ratio = f"{org[stage]['seconds'] / theirs:.4f}" if theirs else "–"
            _say(f"  {stage:12s} {org[stage]['seconds']:9.2f} / {_s(theirs):>8s} = {ratio} {note}")
    e = r.get("end_to_end") or {}
    if e.get("seconds") is not None:
        _say(f"  end to end: {e['seconds']:.1f} s, peak {_gib(e['peak_rss'])} GiB")


if __name__ == "__main__":
    main()
