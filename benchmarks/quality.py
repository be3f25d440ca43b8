"""``python -m benchmarks.quality``: how good the detectors are, on labelled real data and planted organisations.

Every figure is at the defaults a user gets (:class:`orgnet.findings.AnalysisOptions()`, the
command line's), beside standard baselines, and is written to ``benchmarks/QUALITY.md``:

* real data with labels (``../shared/data`` or ``$ORGNET_SHARED_DATA``): ``email-Eu-core``
  communities against the 42 departments (NMI; networkx Louvain, label propagation and Leiden at
  resolution 1 in the same run), seed stability; coleman's four towns as silos; Enron
  (Perry-Wolfe) Legal the most inward department;
* synthetic organisations (:func:`orgnet.synthetic.generate` plus
  :func:`orgnet.synthetic.add_profiles`) across sizes, seeds and every profile mix: ambassadors
  (precision at k of the ranking, flagged precision and recall; baselines: top-k by in-degree and
  by PageRank), information brokers (precision and recall; baseline: top-k by betweenness) and
  communities against departments (NMI; Louvain and label propagation where affordable).

Options: ``--sizes 1000,5000,20000`` ``--seeds 1,2,3`` ``--mixes all`` (names of
:data:`orgnet.synthetic.MIXES` or ``all``), ``--big-mixes none,all`` (mixes run at 20,000 people
and more), ``--out benchmarks/QUALITY.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from orgnet.events import events_from_frame
from orgnet.findings import analyze
from orgnet.findings.silos import silo_table
from orgnet.graph import OrgGraph
from orgnet.metrics.communities import choose_resolution, leiden, seed_stability
from orgnet.metrics.formal import normalized_mutual_info
from orgnet.synthetic import MIXES, ProfileMix, add_profiles, generate

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("ORGNET_SHARED_DATA") or HERE.parent.parent / "shared" / "data")
if not SHARED.exists():
    SHARED = HERE.parent / ".." / "shared" / "data"


def _nx_labels(n: int, communities: Any) -> np.ndarray:
    out = np.full(n, -1, dtype=np.int64)
    for i, members in enumerate(communities):
        out[list(members)] = i
    return out


def _label_propagation(u: Any, seed: int) -> np.ndarray:
    """Raghavan et al. label propagation (igraph), weighted, seeded."""
    import random

    import igraph as ig
    import scipy.sparse as sp

    upper = sp.triu(u, k=1).tocoo()
    graph = ig.Graph(n=u.shape[0], edges=np.column_stack([upper.row, upper.col]), directed=False)
    graph.es["weight"] = upper.data
    ig.set_random_number_generator(random.Random(seed))
    try:
        return np.asarray(graph.community_label_propagation(weights="weight").membership, dtype=np.int64)
    finally:
        ig.set_random_number_generator(random)


def _baselines(adjacency: Any, truth: np.ndarray, seed: int, *, louvain: bool = True) -> dict[str, float]:
    """NMI of Louvain (networkx), label propagation (igraph) and Leiden at resolution 1."""
    u = (adjacency + adjacency.T).tocsr()
    tied = np.diff(u.indptr) > 0
    keep = tied & (truth >= 0)
    out = {"leiden_resolution_1": normalized_mutual_info(truth[keep], leiden(adjacency, seed=seed)[keep])}
    g = nx.from_scipy_sparse_array(u)
    if louvain:
        lv = _nx_labels(u.shape[0], nx.community.louvain_communities(g, weight="weight", seed=seed))
        out["louvain"] = normalized_mutual_info(truth[keep], lv[keep])
    out["label_propagation"] = normalized_mutual_info(truth[keep], _label_propagation(u, seed)[keep])
    return out


def email_eu_core(seeds: list[int]) -> dict[str, Any]:
    """Communities at the defaults against the 42 departments, beside the baselines, per seed."""
    root = SHARED / "email-Eu-core"
    edges = pd.read_csv(root / "email-Eu-core.txt", sep=" ", names=["source", "target"])
    labels = pd.read_csv(root / "email-Eu-core-department-labels.txt", sep=" ", names=["person", "department"])
    ev = events_from_frame(pd.DataFrame({"kind": "post", "actor": edges["source"].astype(str),
                                         "target": edges["target"].astype(str)}))
    g = OrgGraph.from_events(ev)
    truth = labels.set_index(labels["person"].astype(str))["department"].reindex(
        g.people["person"].astype(str)).fillna(-1).to_numpy(np.int64)
    a = g.adjacency
    tied = (np.diff((a + a.T).tocsr().indptr) > 0) & (truth >= 0)
    rows = []
    for seed in seeds:
        choice = choose_resolution(a, seed=seed)
        stab = seed_stability(a, choice.labels, resolution=choice.resolution, seeds=[seed + 1, seed + 2, seed + 3],
                              among=tied)
        rows.append({"seed": seed, "orgnet": normalized_mutual_info(truth[tied], choice.labels[tied]),
                     "resolution": choice.resolution, "communities": int(len(np.unique(choice.labels[tied]))),
                     "stability": float(stab.mean()), **_baselines(a, truth, seed)})
    return {"rows": rows}


def coleman() -> dict[str, Any]:
    root = SHARED / "coleman_physicians"
    nodes, edges = pd.read_csv(root / "nodes.csv"), pd.read_csv(root / "edges.csv")
    directory = pd.DataFrame({"person": nodes["id"].astype(str), "department": "town " + nodes["city"].astype(str)})
    ev = events_from_frame(pd.DataFrame({"kind": "post", "actor": edges["source"].astype(str),
                                         "target": edges["target"].astype(str)}))
    f = analyze(ev, directory=directory)
    t = f.silos.table.query("kind == 'department'")
    return {"towns": len(t), "silos": int(t["is_silo"].sum()), "external": float(t["external"].sum())}


def enron_legal() -> dict[str, Any]:
    root = SHARED / "enron_perry_wolfe"
    actors, rec = pd.read_csv(root / "actors.csv"), pd.read_csv(root / "message_recipients.csv")
    n_rec = rec.groupby("message_id")["recipient_id"].transform("size")
    ev = events_from_frame(pd.DataFrame({"kind": "post", "actor": rec["sender_id"].astype(str),
                                         "target": rec["recipient_id"].astype(str), "weight": 1.0 / n_rec}))
    directory = pd.DataFrame({"person": actors["id"].astype(str), "department": actors["department"]})
    g = OrgGraph.from_events(ev, directory=directory)
    codes, labels = g.group_codes("department")
    t = silo_table(g.adjacency, codes, kind="department", n_groups=len(labels))
    ei = dict(zip(np.asarray(labels, dtype=str)[t["code"]], t["ei"].round(3), strict=True))
    return {"ei": ei, "most_inward": min(ei, key=lambda k: ei[k])}


def _precision_recall(found: set[str], truth: set[str]) -> tuple[float, float]:
    hits = len(found & truth)
    return (hits / len(found) if found else float("nan")), (hits / len(truth) if truth else float("nan"))


def _top(ids: np.ndarray, values: np.ndarray, k: int) -> set[str]:
    return set(ids[np.argsort(-np.nan_to_num(values, nan=-np.inf), kind="stable")[:k]].tolist())


def findings_as_the_command_line(org: Any) -> Any:
    """The findings ``orgnet analyze events.parquet --directory directory.csv`` computes, without the report.

    The organisation is written as a user would have it (Parquet events, a directory CSV) and
    goes through the same steps as the command line: reading, identity resolution (duplicates
    merged where certain, non-human senders and outsiders set apart) and the analysis at its
    defaults. Calling :func:`analyze` on the generator's table directly would skip the identity
    steps, so bots and outside contacts would be scored as people, which no user sees.
    """
    import tempfile

    from orgnet.directory import read_directory
    from orgnet.load import load_events
    from orgnet.pipeline import _membership
    from orgnet.synthetic import write

    with tempfile.TemporaryDirectory(prefix="orgnet-quality-") as tmp:
        folder = Path(write(org, tmp))
        directory = read_directory(folder / "directory.csv")
        loaded = load_events([folder / "events.parquet"], directory=directory)
        return analyze(loaded.events, directory=directory, people=loaded.people, sources=loaded.sources,
                       membership=_membership(loaded), duplicates=loaded.duplicates)


def synthetic(people: int, seed: int, mix: str, *, louvain: bool) -> dict[str, Any]:
    """One planted organisation through the command line's steps at the defaults, against its truth and the baselines."""
    org = add_profiles(generate(people=people, seed=seed), ProfileMix.named(mix), seed=seed)
    start = time.perf_counter()
    f = findings_as_the_command_line(org)
    took = time.perf_counter() - start
    p = f.people
    ids = p["person"].astype(str).to_numpy()
    prof = org.truth["profiles"]
    ambassadors = set(org.truth["ambassadors"]) | set(prof["catalysts"])
    k = len(ambassadors)
    flagged = set(ids[f.ambassadors.table["code"]].tolist())
    a_prec, a_rec = _precision_recall(flagged, ambassadors)
    decoys = set(prof["responders"]) | set(prof["broadcasters"]) | set(prof["bots"])
    con = f.connectors.table
    brokers = set(org.truth["brokers"])
    found = set(ids[con.loc[con["role"] == "information broker", "code"]].tolist())
    b_prec, b_rec = _precision_recall(found, brokers)
    depts = p["department"].astype("string").fillna("").to_numpy()
    _, truth = np.unique(depts, return_inverse=True)
    truth = np.where(depts == "", -1, truth)
    comm = p["community"].astype("string").fillna("").to_numpy()
    _, found_comm = np.unique(comm, return_inverse=True)
    keep = (comm != "") & (truth >= 0)
    row = {
        "people": people, "seed": seed, "mix": mix, "seconds": took,
        "amb_k": k, "amb_p_at_k": len(_top(ids, p["ambassador_score"].to_numpy(float), k) & ambassadors) / k,
        "amb_flagged": len(flagged), "amb_precision": a_prec, "amb_recall": a_rec,
        "amb_decoys_flagged": len(flagged & decoys),
        "base_in_degree_p_at_k": len(_top(ids, p["in_degree"].to_numpy(float), k) & ambassadors) / k,
        "base_pagerank_p_at_k": len(_top(ids, p["pagerank"].to_numpy(float), k) & ambassadors) / k,
        "brokers_planted": len(brokers), "brokers_flagged": len(found), "broker_precision": b_prec,
        "broker_recall": b_rec,
        "base_betweenness_precision": len(_top(ids, p["betweenness"].to_numpy(float), len(brokers)) & brokers)
        / max(len(brokers), 1),
        "community_nmi": normalized_mutual_info(truth[keep], found_comm[keep]),
        "stability": f.summary.methods["community_stability"]["mean_nmi"],
    }
    base = _baselines(f.ties, truth, seed, louvain=louvain)
    row.update({f"base_{k_}_nmi": v for k_, v in base.items()})
    return row


def _fmt(x: Any) -> str:
    if isinstance(x, float):
        return "–" if np.isnan(x) else f"{x:.2f}"
    return str(x)


def _table(frame: pd.DataFrame, cols: list[str]) -> list[str]:
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(_fmt(r[c]) for c in cols) + " |" for r in frame.to_dict("records")]
    return lines


def write(real: dict[str, Any], synth: pd.DataFrame, out: Path, command: str, skipped: list[str]) -> None:
    """Write QUALITY.md from the figures."""
    lines = [
        "# Detector quality (written by `python -m benchmarks.quality`)", "",
        f"Run {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC: `{command}`. Every orgnet figure is at the "
        "defaults a user gets (the command line's); baselines run in the same process on the same graph.", "",
        "## Real data with labels", "",
    ]
    if "eu" in real:
        eu = pd.DataFrame(real["eu"]["rows"])
        lines += ["### email-Eu-core: communities against the 42 departments (NMI, people with a tie)", ""]
        lines += _table(eu, ["seed", "orgnet", "resolution", "communities", "stability", "louvain",
                             "label_propagation", "leiden_resolution_1"])
        ok = bool(((eu["orgnet"] >= 0.60) & (eu["orgnet"] >= eu["louvain"])).all())
        lines += ["", f"orgnet at the defaults ≥ 0.60 and ≥ networkx Louvain in every run: **{'yes' if ok else 'NO'}**.",
                  "The resolution is chosen from the data (Newman 2016, docs/metrics.md); stability is the mean "
                  "NMI with three other seeds.", ""]
    if "coleman" in real:
        c = real["coleman"]
        lines += [f"### coleman_physicians: {c['silos']} of {c['towns']} towns flagged as silos "
                  f"(outside tie weight {c['external']:.0f}).", ""]
    if "enron" in real:
        e = real["enron"]
        lines += [f"### enron_perry_wolfe: most inward department **{e['most_inward']}** (E-I: "
                  + ", ".join(f"{k} {v:+.3f}" for k, v in sorted(e["ei"].items())) + ").", ""]
    lines += ["## Synthetic organisations with planted roles and profiles", "",
              "Mixes (`orgnet synth --profiles`, `orgnet.synthetic.profiles`): " + ", ".join(MIXES) + ". "
              "Ambassadors = the generator's planted ambassadors plus the catalysts; `amb_p_at_k`: share of them in "
              "the top k of the ranking (k = their number); precision/recall: of the flagged list; decoys: "
              "responders, broadcasters and bots flagged. Baselines: top k by in-degree / PageRank "
              "(ambassadors), top k by betweenness (brokers, k = planted), Louvain / label propagation / "
              "Leiden at resolution 1 (communities against departments).", ""]
    cols = ["people", "seed", "mix", "amb_p_at_k", "base_in_degree_p_at_k", "base_pagerank_p_at_k", "amb_flagged",
            "amb_precision", "amb_recall", "amb_decoys_flagged", "brokers_flagged", "broker_precision",
            "broker_recall", "base_betweenness_precision", "community_nmi", "base_louvain_nmi",
            "base_label_propagation_nmi", "base_leiden_resolution_1_nmi", "stability", "seconds"]
    for c in cols:
        if c not in synth.columns:
            synth[c] = np.nan
    lines += _table(synth, cols)
    summary = synth.groupby("mix")[["amb_p_at_k", "amb_precision", "amb_recall", "broker_precision",
                                    "broker_recall"]].agg(["min", "mean"])
    lines += ["", "### By mix (min / mean over sizes and seeds)", ""]
    summary.columns = [f"{a} {b}" for a, b in summary.columns]
    lines += _table(summary.reset_index(), ["mix", *summary.columns])
    if skipped:
        lines += ["", "Not run: " + "; ".join(skipped) + "."]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.quality", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,20000")
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--mixes", default="all", help="comma-separated mix names, or 'all' for every mix")
    parser.add_argument("--big-mixes", default="none,all", help="mixes run at 20,000 people and more")
    parser.add_argument("--big-seeds", default="1", help="seeds run at 20,000 people and more")
    parser.add_argument("--out", default=str(HERE / "QUALITY.md"))
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",") if x]
    seeds = [int(x) for x in args.seeds.split(",") if x]
    mixes = list(MIXES) if args.mixes == "all" else args.mixes.split(",")
    big_mixes = list(MIXES) if args.big_mixes == "all" else args.big_mixes.split(",")
    big_seeds = [int(x) for x in args.big_seeds.split(",") if x]
    real: dict[str, Any] = {}
    skipped: list[str] = []
    if SHARED.exists():
        real["eu"] = email_eu_core([0, 1, 2])
        real["coleman"] = coleman()
        real["enron"] = enron_legal()
        print("real data done", flush=True)
    else:
        skipped.append(f"real data (no folder at {SHARED})")
    rows = []
    for people in sizes:
        big = people >= 20_000
        for seed in (big_seeds if big else seeds):
            for mix in (big_mixes if big else mixes):
                row = synthetic(people, seed, mix, louvain=people <= 20_000)
                rows.append(row)
                print({k: (round(v, 3) if isinstance(v, float) else v) for k, v in row.items()}, flush=True)
    if any(s >= 20_000 for s in sizes):
        limits = ([f"mixes {', '.join(big_mixes)}"] if set(big_mixes) != set(mixes) else []) + (
            [f"seeds {', '.join(map(str, big_seeds))}"] if set(big_seeds) != set(seeds) else [])
        skipped.append((f"at 20,000 people and more only {' and '.join(limits)}; " if limits else "")
                       + "Louvain only up to 20,000 people")
    if 100_000 not in sizes:
        skipped.append("100,000 people (run with --sizes ...,100000)")
    write(real, pd.DataFrame(rows), Path(args.out), "python -m benchmarks.quality " + " ".join(argv or sys.argv[1:]),
          skipped)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
