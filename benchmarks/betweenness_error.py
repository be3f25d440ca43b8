"""Sampled betweenness against exact betweenness on a benchmark organisation (default 10k people).

``python -m benchmarks.betweenness_error [--size 10k] [--methods kadabra,pivots] [--seeds 0,1,2]``
writes ``results/betweenness-error-<size>.json`` and prints a Markdown table for docs/scale.md:
for each sampling method at its default error (KADABRA 0.01, source pivots 0.1; ``--epsilons``
overrides both), the error against exact betweenness, and the information brokers that
``analyze`` flags with the sampled values against those it flags with exact ones.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from benchmarks.data import SIZES, dataset

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> None:
    """Measure the error of the sampled path against exact betweenness."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.betweenness_error")
    parser.add_argument("--size", default="10k")
    parser.add_argument("--methods", default="kadabra,pivots")
    parser.add_argument("--epsilons", default=None, help="errors to try (default: each method's own)")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args(argv)
    from orgnet.directory import read_directory
    from orgnet.findings import AnalysisOptions, analyze
    from orgnet.graph import OrgGraph
    from orgnet.load import load_events
    from orgnet.metrics.centrality import KADABRA_EPSILON, PIVOT_EPSILON, betweenness

    size = SIZES[args.size]
    dataset(size)
    events = load_events([size.folder / "events.parquet"]).events
    graph = OrgGraph.from_events(events)
    # As analyze computes it: ties in either direction, path length = number of ties.
    a, gi, ties = graph.adjacency, graph.igraph(directed=False), graph.ties(directed=False)
    start = time.perf_counter()
    exact = betweenness(a, graph=gi, directed=False, exact_below=a.shape[0] + 1)
    exact_seconds = time.perf_counter() - start
    top_true = set(np.argsort(-exact.values)[: args.top].tolist())
    default_eps = {"kadabra": KADABRA_EPSILON, "pivots": PIVOT_EPSILON}
    rows = []
    for method in args.methods.split(","):
        epsilons = [float(e) for e in args.epsilons.split(",")] if args.epsilons else [default_eps[method]]
        for eps, seed in ((e, int(s)) for e in epsilons for s in args.seeds.split(",")):
            start = time.perf_counter()
            r = betweenness(a, graph=gi, ties=ties, directed=False, exact_below=0, epsilon=eps, delta=0.1,
                            seed=seed, method=method)
            seconds = time.perf_counter() - start
            err = np.abs(r.values - exact.values)
            assert r.lower is not None and r.upper is not None
            inside = (exact.values >= r.lower - 1e-15) & (exact.values <= r.upper + 1e-15)
            certain = r.certain_top(args.top)
            top_est = set(np.argsort(-r.values)[: args.top].tolist())
            rows.append({
                "method": method, "target_epsilon": eps, "seed": seed, "pivots": r.pivots, "vertex_diameter": r.vertex_diameter,
                "seconds": seconds, "max_abs_error": float(err.max()), "mean_abs_error": float(err.mean()),
                "bound_epsilon": r.epsilon, "all_within_bounds": bool(inside.all()),
                "top_overlap": len(top_true & top_est), "certain_in_top": int(certain.sum()),
                "certain_correct": int(sum(i in top_true for i in np.flatnonzero(certain))),
                "max_exact": float(exact.values.max()),
            })
            print(json.dumps(rows[-1]), flush=True)
    # The broker list analyze gives (its defaults) against the one exact betweenness gives.
    directory = read_directory(size.folder / "directory.csv")
    brokers = {}
    for label, opts in (("exact", AnalysisOptions(betweenness_exact_below=a.shape[0] + 1)),
                        *((m, AnalysisOptions(betweenness_method=m)) for m in args.methods.split(","))):
        table = analyze(events, directory=directory, options=opts).connectors.table
        brokers[label] = set(table.loc[table["role"] == "information broker", "code"].tolist())
    changed = {m: {"flagged": len(b), "same": len(b & brokers["exact"]), "missing": len(brokers["exact"] - b),
                   "extra": len(b - brokers["exact"])} for m, b in brokers.items() if m != "exact"}
    print(json.dumps({"brokers_exact": len(brokers["exact"]), "brokers": changed}), flush=True)
    out = {"size": args.size, "people": int(a.shape[0]), "ties": int(a.nnz), "exact_seconds": exact_seconds,
           "top": args.top, "rows": rows, "brokers_exact": len(brokers["exact"]), "brokers": changed,
           "date": time.strftime("%Y-%m-%d")}
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / f"betweenness-error-{args.size}.json").write_text(json.dumps(out, indent=1))
    print(f"\n{a.shape[0]:,} people, {a.nnz:,} ties; exact {exact_seconds:.0f} s; "
          f"largest exact value {exact.values.max():.4f}\n")
    print("| method | target ε (δ = 0.1) | samples | time (s) | max abs error | mean abs error | stated bound ±ε | "
          f"exact within bounds | top-{args.top} overlap | certain top-{args.top} (all correct) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['method']} | {r['target_epsilon']} (seed {r['seed']}) | {r['pivots']} | {r['seconds']:.1f} | "
              f"{r['max_abs_error']:.2e} | {r['mean_abs_error']:.1e} | {r['bound_epsilon']:.3f} | "
              f"{'yes' if r['all_within_bounds'] else 'no'} | {r['top_overlap']}/{args.top} | "
              f"{r['certain_in_top']} ({'yes' if r['certain_in_top'] == r['certain_correct'] else 'no'}) |")


if __name__ == "__main__":
    main()
