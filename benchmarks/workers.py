"""One benchmark job per process (so memory never mixes): orgnet's pipeline, the networkx reference, library calls.

``python -m benchmarks.workers JOB SIZE [options]`` prints one JSON line per stage as it ends, so
a run cut by a time cap still tells how far it got.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.data import SIZES, Size, dataset
from benchmarks.measure import RssSampler, StageRecorder, emit

__all__ = ["main"]


def _paths(size: Size) -> tuple[Path, Path]:
    return size.folder / "events.parquet", size.folder / "directory.csv"


def _pivots(n: int, vertex_diameter: int) -> int:
    """Source pivots orgnet's analyze uses at ``n`` people (``n``: exact below its threshold)."""
    from orgnet.findings import AnalysisOptions
    from orgnet.metrics.centrality import PIVOT_EPSILON, rk_sample_size

    opts = AnalysisOptions()
    if n < opts.betweenness_exact_below:
        return n
    k = opts.betweenness_pivots or rk_sample_size(opts.betweenness_epsilon or PIVOT_EPSILON, opts.betweenness_delta,
                                                 vertex_diameter)
    return min(n, k)


def _nx_vertex_diameter(g: Any, probes: int = 4, seed: int = 0) -> int:
    """orgnet's estimate (twice the largest hop eccentricity from a few people, plus one) on networkx."""
    import networkx as nx

    nodes = sorted(g)
    rng = np.random.default_rng(seed)
    view = g.to_undirected(as_view=True)
    ecc = [max(nx.single_source_shortest_path_length(view, nodes[i]).values())
           for i in rng.choice(len(nodes), size=min(probes, len(nodes)), replace=False)]
    return int(min(len(nodes), 2 * max(ecc) + 1))


# ---------------------------------------------------------------------------------------- jobs
def job_generate(size: Size, args: argparse.Namespace) -> None:
    """Make the dataset (once)."""
    emit({"event": "dataset", **dataset(size)})


def job_orgnet(size: Size, args: argparse.Namespace) -> None:
    """orgnet's own pipeline (``orgnet.pipeline.run``, what ``orgnet analyze`` runs), stage by stage.

    Everything runs in this process (``workers=1``: betweenness, the silo test and the report's
    maps), not in background workers as in ``orgnet analyze``: each stage's time is then its own
    cost, not overlapped with others.
    """
    from orgnet.findings import AnalysisOptions
    from orgnet.malloc import keep_freed_memory
    from orgnet.pipeline import RunOptions, run

    keep_freed_memory()  # as `orgnet analyze` does

    events, directory = _paths(size)
    rec = StageRecorder()
    out = size.folder / "report-stages"
    start = time.perf_counter()
    result = run([events], out, RunOptions(directory=directory, analysis=AnalysisOptions(workers=1)), progress=rec)
    s = result.findings.summary
    emit({"event": "done", "seconds": time.perf_counter() - start, "peak_rss": rec.sampler.peak(),
          "people": s["people"], "ties": s["ties"], "events": s["events"],
          "betweenness": s["methods"]["betweenness"], "findings_json_bytes": (out / "findings.json").stat().st_size})


def job_reference(size: Size, args: argparse.Namespace) -> None:
    """The analysis written the straightforward way on pandas + networkx."""
    import networkx as nx
    import pandas as pd

    events, directory = _paths(size)
    rec = StageRecorder()
    with rec("read"):
        df = pd.read_parquet(events)
        people = pd.read_csv(directory, dtype=str)
    with rec("graph"):
        ties = df[df["target"].notna() & (df["actor"] != df["target"]) & ~df["external"]]
        ties = ties.groupby(["actor", "target"], as_index=False)["weight"].sum()
        g = nx.from_pandas_edgelist(ties, "actor", "target", edge_attr="weight", create_using=nx.DiGraph)
        g.add_nodes_from(people["person"])
        del ties
    n = g.number_of_nodes()
    with rec("degrees"):
        in_s, out_s = dict(g.in_degree(weight="weight")), dict(g.out_degree(weight="weight"))
        in_d, out_d = dict(g.in_degree()), dict(g.out_degree())
        partners = {v: len(set(g.predecessors(v)) | set(g.successors(v))) for v in g}
    with rec("pagerank"):
        pr = nx.pagerank(g, weight="weight")
    target_k = _pivots(n, _nx_vertex_diameter(g))
    k = min(target_k, args.reference_pivots)
    start = time.perf_counter()
    with rec(f"betweenness-{k}-pivots"):
        # Path length = number of ties, as orgnet's default.
        bc = nx.betweenness_centrality(g, k=k if k < n else None, seed=0)
    measured = time.perf_counter() - start
    # Brandes' algorithm costs the same per source: the time for orgnet's pivots is linear in them,
    # and so is the time of networkx's default call (exact: every person a source).
    emit({"event": "stage", "stage": "betweenness", "seconds": measured * target_k / k, "peak_rss": None,
          "extrapolated_from_pivots": k, "pivots": target_k, "measured_seconds": measured,
          "exact_seconds": measured * n / k})
    with rec("communities"):
        comms = nx.community.louvain_communities(g.to_undirected(), weight="weight", seed=0)
    with rec("report"):
        community = {v: i for i, c in enumerate(comms) for v in c}
        table = pd.DataFrame({"person": list(g), "in_strength": [in_s[v] for v in g],
                              "out_strength": [out_s[v] for v in g], "in_degree": [in_d[v] for v in g],
                              "out_degree": [out_d[v] for v in g], "partners": [partners[v] for v in g],
                              "pagerank": [pr[v] for v in g], "betweenness": [bc[v] for v in g],
                              "community": [community[v] for v in g]})
        table.merge(people, on="person", how="left").to_csv(size.folder / "reference-people.csv", index=False)
    emit({"event": "done", "people": n, "ties": g.number_of_edges(), "communities": len(comms)})


def _time(fn: Callable[[], Any], repeat: int, sampler: RssSampler) -> dict[str, Any]:
    times, peaks = [], []
    for _ in range(repeat):
        base = sampler.reset()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
        peaks.append(sampler.peak() - base)
    return {"seconds": float(np.median(times)), "runs": times, "extra_rss": int(max(peaks))}


def job_libraries(size: Size, args: argparse.Namespace) -> None:
    """Each operation by orgnet's function and by the fastest single-library calls, on the same inputs."""
    import igraph as ig
    import pyarrow.parquet as pq
    import scipy.sparse as sp

    from orgnet.engines import aggregate_edges
    from orgnet.graph import OrgGraph
    from orgnet.load import load_events
    from orgnet.metrics.centrality import betweenness, degrees, pagerank, strengths
    from orgnet.metrics.communities import leiden

    try:
        import networkit as nk
        nk.engineering.setNumberOfThreads(os.cpu_count() or 1)
    except ImportError:  # pragma: no cover - optional
        nk = None
    events_path, _ = _paths(size)
    sampler = RssSampler()
    repeat = args.repeat

    def report(op: str, impl: str, fn: Callable[[], Any], note: str = "", same: bool = True) -> Any:
        """Time one call; ``same``: the same operation with the same guarantee as orgnet's (the
        1.2x target compares with these only)."""
        out: dict[str, Any] = {}

        def call() -> None:
            out["value"] = fn()

        emit({"event": "call", "operation": op, "implementation": impl, "note": note, "same_guarantee": same,
              **_time(call, repeat, sampler)})
        return out.get("value")

    # Ingestion: orgnet's reader (contract checks included) against a bare Arrow read.
    report("read", "pyarrow.parquet.read_table", lambda: pq.read_table(events_path))
    events = report("read", "orgnet", lambda: load_events([events_path]).events)
    # Graph: orgnet from events against DuckDB's group-by over the Parquet file + scipy CSR.
    graph = report("graph", "orgnet", lambda: OrgGraph.from_events(events))
    report("graph", "duckdb+scipy", lambda: OrgGraph.from_edges(aggregate_edges(events_path)),
           "DuckDB GROUP BY over Parquet, CSR from the edge list")
    a = graph.adjacency
    n = a.shape[0]
    emit({"event": "graph", "people": n, "ties": int(a.nnz), "events": events.num_rows})
    events = None  # free the events before the metrics
    coo = a.tocoo()
    gi = ig.Graph(n=n, edges=np.column_stack([coo.row, coo.col]), directed=True)
    gi.es["weight"] = coo.data
    upper = sp.triu(a + a.T, k=1).tocoo()
    gu = ig.Graph(n=n, edges=np.column_stack([upper.row, upper.col]), directed=False)
    gu.es["weight"] = upper.data

    report("degrees", "orgnet", lambda: (strengths(a), degrees(a)))
    report("pagerank", "orgnet", lambda: pagerank(a))
    report("pagerank", "igraph PRPACK", lambda: gi.pagerank(weights="weight", damping=0.85))
    from orgnet.metrics.centrality import vertex_diameter_estimate

    k = _pivots(n, vertex_diameter_estimate(gu, n, seed=0))
    # analyze's betweenness: ties in either direction, path length = number of ties.
    from orgnet.findings.betweenness import start_betweenness
    from orgnet.metrics.centrality import KADABRA_EPSILON, uses_kadabra
    from orgnet.metrics.communities import LEIDEN_ITERATIONS, NETWORKIT_FROM, leiden_view

    kadabra = uses_kadabra(n, directed=False)
    how = (f"KADABRA, every person within {KADABRA_EPSILON} with probability 0.9, one thread" if kadabra
           else f"{k} pivots, Hoeffding bounds" if n >= 5000 else "exact (Brandes)")
    report("betweenness", "orgnet", lambda: start_betweenness(a, graph=gu, directed=False, seed=0).result(),
           how + (", in a worker process (as analyze runs it, beside Leiden)" if kadabra
                  else ", worker processes on all cores"))
    report("betweenness", "orgnet, one process", lambda: betweenness(a, graph=gu, directed=False, seed=0),
           how + (", its NetworKit graph built from the ties inside the call" if kadabra else ""))
    rng = np.random.default_rng(0)
    sources = np.sort(rng.choice(n, size=k, replace=False)).tolist()
    report("betweenness", "igraph", lambda: gu.betweenness(directed=False, sources=sources),
           f"{k} sources (a weaker guarantee: ±0.1 at most, not per person)", same=not kadabra)
    view = leiden_view(a)
    report("communities", "orgnet", lambda: leiden(a, seed=0, graph=view),
           f"Leiden, {LEIDEN_ITERATIONS} iterations, seeded ({'NetworKit' if n >= NETWORKIT_FROM else 'igraph'})")
    report("communities", "igraph Leiden",
           lambda: gu.community_leiden(objective_function="modularity", weights="weight", n_iterations=LEIDEN_ITERATIONS),
           f"{LEIDEN_ITERATIONS} iterations")
    report("communities", "igraph Louvain", lambda: gu.community_multilevel(weights="weight"),
           "Louvain: communities may be badly connected (no Leiden refinement)", same=False)
    if nk is not None:
        gn = nk.GraphFromCoo((coo.data, (coo.row, coo.col)), n, directed=True, weighted=True)
        report("pagerank", "networkit", lambda: nk.centrality.PageRank(gn, damp=0.85, tol=1e-9).run())
        gnb = nk.GraphFromCoo((upper.row, upper.col), n, directed=False, weighted=False)
        report("betweenness", "networkit EstimateBetweenness",
               lambda: nk.centrality.EstimateBetweenness(gnb, k, False, True).run(), f"{k} samples, parallel",
               same=not kadabra)
        if kadabra:
            def kadabra_call() -> None:
                nk.engineering.setNumberOfThreads(1)
                try:
                    nk.engineering.setSeed(0, True)
                    # the same guarantee as orgnet's, on NetworKit's scale (orgnet.metrics.kadabra)
                    nk.centrality.KadabraBetweenness(gnb, KADABRA_EPSILON * (n - 2) / n, 0.1, True).run()
                finally:
                    nk.engineering.setNumberOfThreads(os.cpu_count() or 1)

            report("betweenness", "networkit KadabraBetweenness", kadabra_call,
                   f"epsilon {KADABRA_EPSILON}, delta 0.1, one thread")
        gnu = nk.GraphFromCoo((upper.data, (upper.row, upper.col)), n, directed=False, weighted=True)

        def parallel_leiden() -> None:
            nk.engineering.setNumberOfThreads(1)
            try:
                nk.engineering.setSeed(0, False)
                nk.community.ParallelLeiden(gnu, iterations=LEIDEN_ITERATIONS, randomize=True, gamma=1.0).run()
            finally:
                nk.engineering.setNumberOfThreads(os.cpu_count() or 1)

        report("communities", "networkit ParallelLeiden", parallel_leiden,
               f"{LEIDEN_ITERATIONS} iterations, one thread (reproducible with a seed)")
        report("communities", "networkit PLM", lambda: nk.community.PLM(gnu, refine=False).run(),
               "parallel Louvain: communities may be badly connected, not reproducible", same=False)
    emit({"event": "done"})


JOBS: dict[str, Callable[[Size, argparse.Namespace], None]] = {
    "generate": job_generate,
    "orgnet": job_orgnet,
    "reference": job_reference,
    "libraries": job_libraries,
}


def main(argv: list[str] | None = None) -> None:
    """Run one job (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.workers")
    parser.add_argument("job", choices=sorted(JOBS))
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reference-pivots", type=int, default=20)
    args = parser.parse_args(argv)
    JOBS[args.job](SIZES[args.size], args)


if __name__ == "__main__":
    main()
