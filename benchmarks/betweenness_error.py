"""Sampled betweenness against exact betweenness on a benchmark organisation (default 10k people).

``python -m benchmarks.betweenness_error [--size 10k] [--epsilons 0.1,0.05] [--seeds 0,1,2]``
writes ``results/betweenness-error-<size>.json`` and prints a Markdown table for docs/scale.md.
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
    parser.add_argument("--epsilons", default="0.1,0.05")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args(argv)
    from orgnet.graph import OrgGraph
    from orgnet.load import load_events
    from orgnet.metrics.centrality import betweenness

    size = SIZES[args.size]
    dataset(size)
    graph = OrgGraph.from_events(load_events([size.folder / "events.parquet"]).events)
    # As analyze computes it: ties in either direction, path length = number of ties.
    a, gi, ties = graph.adjacency, graph.igraph(directed=False), graph.ties(directed=False)
    start = time.perf_counter()
    exact = betweenness(a, graph=gi, directed=False, exact_below=a.shape[0] + 1)
    exact_seconds = time.perf_counter() - start
    top_true = set(np.argsort(-exact.values)[: args.top].tolist())
    rows = []
    for eps in (float(e) for e in args.epsilons.split(",")):
        for seed in (int(s) for s in args.seeds.split(",")):
            start = time.perf_counter()
            r = betweenness(a, graph=gi, ties=ties, directed=False, exact_below=0, epsilon=eps, delta=0.1,
                            seed=seed)
            seconds = time.perf_counter() - start
            err = np.abs(r.values - exact.values)
            assert r.lower is not None and r.upper is not None
            inside = (exact.values >= r.lower - 1e-15) & (exact.values <= r.upper + 1e-15)
            certain = r.certain_top(args.top)
            top_est = set(np.argsort(-r.values)[: args.top].tolist())
            rows.append({
                "target_epsilon": eps, "seed": seed, "pivots": r.pivots, "vertex_diameter": r.vertex_diameter,
                "seconds": seconds, "max_abs_error": float(err.max()), "mean_abs_error": float(err.mean()),
                "bound_epsilon": r.epsilon, "all_within_bounds": bool(inside.all()),
                "top_overlap": len(top_true & top_est), "certain_in_top": int(certain.sum()),
                "certain_correct": int(sum(i in top_true for i in np.flatnonzero(certain))),
                "max_exact": float(exact.values.max()),
            })
            print(json.dumps(rows[-1]), flush=True)
    out = {"size": args.size, "people": int(a.shape[0]), "ties": int(a.nnz), "exact_seconds": exact_seconds,
           "top": args.top, "rows": rows, "date": time.strftime("%Y-%m-%d")}
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / f"betweenness-error-{args.size}.json").write_text(json.dumps(out, indent=1))
    print(f"\n{a.shape[0]:,} people, {a.nnz:,} ties; exact {exact_seconds:.0f} s; "
          f"largest exact value {exact.values.max():.4f}\n")
    print("| target ε (δ = 0.1) | pivots | time (s) | max abs error | mean abs error | stated bound ±ε | "
          f"exact within bounds | top-{args.top} overlap | certain top-{args.top} (all correct) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['target_epsilon']} (seed {r['seed']}) | {r['pivots']} | {r['seconds']:.1f} | "
              f"{r['max_abs_error']:.2e} | {r['mean_abs_error']:.1e} | {r['bound_epsilon']:.3f} | "
              f"{'yes' if r['all_within_bounds'] else 'no'} | {r['top_overlap']}/{args.top} | "
              f"{r['certain_in_top']} ({'yes' if r['certain_in_top'] == r['certain_correct'] else 'no'}) |")


if __name__ == "__main__":
    main()
