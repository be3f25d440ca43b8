"""analyze() with its worker processes (betweenness pivots, silo test) equals the in-process run."""

from __future__ import annotations

import orgnet.findings.compute as analysis
import orgnet.metrics.centrality as centrality
from orgnet.analysis import AnalysisOptions, analyze
from orgnet.synthetic import generate


def test_workers_change_nothing(monkeypatch, assert_same_findings) -> None:
    org = generate(people=600, seed=5)
    opts = dict(betweenness_exact_below=100)  # sampled pivots, as on a large organisation
    alone = analyze(org.events, directory=org.directory, options=AnalysisOptions(workers=1, **opts))
    monkeypatch.setattr(analysis, "_BACKGROUND_SILOS_FROM", 0)
    monkeypatch.setattr(centrality, "PARALLEL_WORK", 0)
    steps: list[str] = []

    def progress(step: str):
        steps.append(step)
        from contextlib import nullcontext
        return nullcontext()

    both = analyze(org.events, directory=org.directory, options=AnalysisOptions(workers=2, **opts),
                   progress=progress)
    assert "Silos (started in a worker process)" in steps and "Betweenness: waiting for the workers" in steps
    assert_same_findings(alone, both)
