"""Leiden communities: reproducible with a seed, and they find planted groups."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from orgnet.metrics.communities import leiden


def planted(k: int, size: int, p_in: float, p_out: float, seed: int) -> tuple[sp.csr_array, np.ndarray]:
    rng = np.random.default_rng(seed)
    truth = np.repeat(np.arange(k), size)
    same = truth[:, None] == truth[None, :]
    dense = rng.random((k * size, k * size)) < np.where(same, p_in, p_out)
    np.fill_diagonal(dense, False)
    return sp.csr_array(dense.astype(float)), truth


def test_same_seed_same_communities() -> None:
    a, _ = planted(6, 30, 0.15, 0.02, 0)
    assert (leiden(a, seed=5) == leiden(a, seed=5)).all()


def test_planted_partition_is_recovered() -> None:
    a, truth = planted(5, 40, 0.3, 0.01, 1)
    found = leiden(a, seed=0)
    # Every planted group falls in one community and communities are not merged.
    for g in range(5):
        assert len(np.unique(found[truth == g])) == 1
    assert len(np.unique(found)) == 5


def test_labels_ordered_by_size() -> None:
    a, _ = planted(3, 20, 0.5, 0.0, 2)
    bigger = sp.block_diag([a, sp.csr_array(np.ones((40, 40)) - np.eye(40))]).tocsr()
    found = leiden(bigger, seed=0)
    assert (found[60:] == 0).all()


def _planted(blocks: int, size: int, p_in: float, p_out: float, seed: int = 0):  # type: ignore[no-untyped-def]
    import scipy.sparse as sp

    rng = np.random.default_rng(seed)
    n = blocks * size
    block = np.arange(n) // size
    same = block[:, None] == block[None, :]
    dense = np.triu(rng.random((n, n)) < np.where(same, p_in, p_out), k=1).astype(float)
    return sp.csr_array(dense), block


def test_chosen_resolution_beats_plain_modularity_on_many_small_groups():
    # 40 groups of 10 in 400 people: plain modularity merges groups (the resolution limit).
    from orgnet.metrics.communities import choose_resolution
    from orgnet.metrics.formal import normalized_mutual_info

    a, truth = _planted(40, 10, 0.5, 0.01)
    plain = normalized_mutual_info(truth, leiden(a, seed=0))
    choice = choose_resolution(a, seed=0)
    chosen = normalized_mutual_info(truth, choice.labels)
    assert choice.resolution > 1 and chosen > plain and chosen > 0.9
    assert choice.history[0] == 1.0 and len(choice.history) >= 2


def test_resolution_stops_relative_to_its_own_scale():
    # 200 groups of 5: the resolution settles far above 1, where a fixed step of 0.01 would be
    # a far stricter stop than near 1. The stop is a share of the resolution itself.
    from orgnet.metrics.communities import choose_resolution, newman_resolution

    a, _ = _planted(200, 5, 0.9, 0.002, seed=4)
    choice = choose_resolution(a, seed=0, tolerance=0.005)
    assert choice.converged and choice.resolution > 10
    again = newman_resolution(a, choice.labels)
    assert abs(again - choice.resolution) < 0.005 * choice.resolution
    # every step before the stop moved by at least the tolerance
    steps = np.abs(np.diff(choice.history)) / np.asarray(choice.history[:-1])
    assert (steps >= 0.005).all()
    strict = choose_resolution(a, seed=0, tolerance=1e-9, max_iterations=10)
    assert len(strict.history) >= len(choice.history)


def test_newman_resolution_is_undefined_without_ties_between_or_inside():
    from orgnet.metrics.communities import newman_resolution

    a, truth = _planted(2, 5, 1.0, 0.0)
    assert np.isnan(newman_resolution(a, truth))  # nothing between the communities
    assert np.isnan(newman_resolution(a, np.arange(10)))  # nothing inside


def test_seed_stability_is_one_for_clear_groups_and_lower_for_noise():
    from orgnet.metrics.communities import seed_stability

    clear, _ = _planted(4, 20, 0.6, 0.01)
    noise, _ = _planted(1, 80, 0.06, 0.06, seed=1)
    s_clear = seed_stability(clear, leiden(clear, seed=0), resolution=1.0, seeds=[1, 2, 3])
    s_noise = seed_stability(noise, leiden(noise, seed=0), resolution=1.0, seeds=[1, 2, 3])
    assert s_clear.min() == 1.0 and s_noise.mean() < 0.9


def test_networkit_leiden_is_seeded_and_finds_planted_groups() -> None:
    # Large organisations run on NetworKit's Leiden (leiden_view from NETWORKIT_FROM people);
    # here forced on a small graph: one seed, one partition; the planted groups found.
    import networkit as nk

    from orgnet.metrics.communities import leiden_view

    a, truth = planted(5, 40, 0.3, 0.01, 1)
    view = leiden_view(a, networkit_from=0)
    assert type(view).__module__.startswith("networkit")
    threads = nk.getMaxNumberOfThreads()
    found = leiden(a, seed=3, graph=view)
    assert nk.getMaxNumberOfThreads() == threads  # one thread for the run only
    assert (leiden(a, seed=3, graph=view) == found).all()
    for g in range(5):
        assert len(np.unique(found[truth == g])) == 1
    assert len(np.unique(found)) == 5 and (np.bincount(found) == 40).all()


def test_networkit_resolution_search_recovers_many_small_groups() -> None:
    from orgnet.metrics.communities import choose_resolution, leiden_view
    from orgnet.metrics.formal import normalized_mutual_info

    a, truth = _planted(40, 10, 0.5, 0.01)
    choice = choose_resolution(a, seed=0, graph=leiden_view(a, networkit_from=0))
    assert choice.converged and choice.resolution > 1
    assert normalized_mutual_info(truth, choice.labels) > 0.9
    # the same search on igraph's Leiden settles on the same resolution, within its tolerance
    other = choose_resolution(a, seed=0)
    assert abs(other.resolution - choice.resolution) < 0.05 * other.resolution


def test_networkit_leiden_refuses_what_it_cannot_do() -> None:
    import pytest

    from orgnet.metrics.communities import leiden_view

    a, truth = planted(2, 10, 0.5, 0.05, 0)
    view = leiden_view(a, networkit_from=0)
    with pytest.raises(ValueError, match="needs 1 or more"):
        leiden(a, graph=view, n_iterations=0)


def test_the_methods_name_the_leiden_that_runs() -> None:
    # The report's methods line names the implementation leiden_view picks, on either side of the size.
    from orgnet.metrics.communities import leiden_implementation, leiden_view

    a, _ = planted(2, 10, 0.5, 0.05, 0)
    for cut in (20, 21):
        view = leiden_view(a, networkit_from=cut)
        said = leiden_implementation(20, networkit_from=cut)
        assert ("NetworKit" in said) == type(view).__module__.startswith("networkit")


def test_without_networkit_large_organisations_run_on_igraph(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # NetworKit is a dependency, but where it cannot be imported the size rule falls back to igraph.
    import orgnet.metrics.kadabra as kadabra
    from orgnet.metrics.communities import leiden_implementation, leiden_view

    monkeypatch.setattr(kadabra, "kadabra_available", lambda: False)
    a, truth = planted(2, 10, 0.5, 0.05, 0)
    assert leiden_implementation(20, networkit_from=0) == "igraph"
    assert type(leiden_view(a, networkit_from=0)).__module__.startswith("igraph")
