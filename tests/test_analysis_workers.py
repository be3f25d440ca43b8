"""analyze() with worker processes (betweenness pivots, silo test, community stability, constraint and
brokerage) equals the in-process run."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

from orgnet.findings import AnalysisOptions, analyze
from orgnet.synthetic import generate


class Steps(list):
    """A progress reporter that records the steps."""

    def __call__(self, step: str) -> AbstractContextManager[Any]:
        self.append(step)
        return nullcontext()


def test_workers_change_nothing(assert_same_findings) -> None:
    org = generate(people=600, seed=5)
    # Sampled pivots (the path for directed or weighted betweenness) as on a large organisation;
    # parallel_from=0 sends work to the workers at this size.
    opts = dict(betweenness_exact_below=100, parallel_from=0, betweenness_method="pivots")
    steps = Steps()
    alone = analyze(org.events, directory=org.directory, options=AnalysisOptions(workers=1, **opts), progress=steps)
    assert not any("worker" in s for s in steps)
    steps = Steps()
    both = analyze(org.events, directory=org.directory, options=AnalysisOptions(workers=2, **opts), progress=steps)
    assert "Silos (started in a worker process)" in steps and "Betweenness: waiting for the workers" in steps
    assert "Community stability: waiting for the worker" in steps
    # Constraint and brokerage by department were computed in a worker while Leiden ran.
    assert "Constraint, effective size, brokerage roles: waiting for the worker" in steps
    assert both.summary.methods["betweenness_method"] == "sampled"
    assert_same_findings(alone, both)  # people, groups, silos, ambassadors, connectors, pyramid
    # Leiden with the other seeds ran in a worker: the same agreement, to the last bit.
    assert both.summary.methods["community_stability"] == alone.summary.methods["community_stability"]
    assert len(alone.summary.methods["community_stability"]["nmi"]) == 3


def test_without_departments_the_measures_by_community_run_in_a_worker(assert_same_findings) -> None:
    # No directory: the primary groups are the communities, known only after Leiden.
    org = generate(people=500, seed=4)
    opts = dict(betweenness_exact_below=100, parallel_from=0)
    alone = analyze(org.events, options=AnalysisOptions(workers=1, **opts))
    steps = Steps()
    both = analyze(org.events, options=AnalysisOptions(workers=2, **opts), progress=steps)
    assert "Constraint, effective size, brokerage roles: waiting for the worker" in steps
    assert steps.index("Constraint, effective size, brokerage roles: waiting for the worker") > \
        steps.index("Communities (Leiden)")
    assert alone.connectors.grouping == both.connectors.grouping == "community"
    assert_same_findings(alone, both)


def test_small_organisations_stay_in_process_by_default() -> None:
    org = generate(people=300, seed=2)
    steps = Steps()
    analyze(org.events, directory=org.directory, options=AnalysisOptions(workers=2, betweenness_exact_below=100),
            progress=steps)
    assert not any("worker" in s for s in steps)  # below parallel_from (20,000 people)


def test_default_sampling_is_kadabra_and_the_same_with_workers(assert_same_findings) -> None:
    org = generate(people=400, seed=3)
    opts = dict(betweenness_exact_below=100, parallel_from=0)
    alone = analyze(org.events, directory=org.directory, options=AnalysisOptions(workers=1, **opts))
    steps = Steps()
    both = analyze(org.events, directory=org.directory, options=AnalysisOptions(workers=2, **opts), progress=steps)
    assert "Betweenness: waiting for the workers" in steps  # KADABRA ran in a worker
    assert alone.summary.methods["betweenness_method"] == "kadabra"
    assert "KADABRA" in alone.summary.methods["betweenness"]
    assert_same_findings(alone, both)
