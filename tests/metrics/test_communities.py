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
