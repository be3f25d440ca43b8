"""Group ties and the E-I index against hand computations."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from orgnet.metrics.groups import ei_index, group_matrix, group_ties


def test_ei_index_by_hand() -> None:
    # Group 0 = {0, 1}, group 1 = {2, 3}.
    # Ties: 0->1 (2), 1->0 (1): internal 3 in group 0; 2->3 (4): internal 4 in group 1;
    # 1->2 (1) and 3->0 (0.5): external to both groups.
    a = sp.csr_array((np.array([2, 1, 4, 1, 0.5]), (np.array([0, 1, 2, 1, 3]), np.array([1, 0, 3, 2, 0]))),
                     shape=(4, 4))
    codes = np.array([0, 0, 1, 1])
    internal, external = group_ties(a, codes)
    assert internal.tolist() == [3.0, 4.0]
    assert external.tolist() == [1.5, 1.5]
    ei = ei_index(internal, external)
    assert np.allclose(ei, [(1.5 - 3) / 4.5, (1.5 - 4) / 5.5])
    m = group_matrix(a, codes)
    assert m.tolist() == [[3.0, 1.0], [0.5, 4.0]]


def test_ties_to_people_without_group_are_neither_internal_nor_external() -> None:
    a = sp.csr_array(np.array([[0, 1.0, 1.0, 1.0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]))
    internal, external = group_ties(a, np.array([0, 0, -1, 1]))
    assert internal.tolist() == [1.0, 0.0] and external.tolist() == [1.0, 1.0]


def test_a_partial_directory_does_not_make_a_group_look_outward() -> None:
    # Group 0 talks only inside; half its ties go to people the directory does not list.
    rng = np.random.default_rng(0)
    n = 40
    rows, cols = rng.integers(0, 10, 200), rng.integers(0, n, 200)
    a = sp.csr_array((np.ones(200), (rows, cols)), shape=(n, n))
    codes = np.r_[np.zeros(10, dtype=np.int64), -np.ones(n - 10, dtype=np.int64)]
    internal, external = group_ties(a, codes)
    assert external.tolist() == [0.0] and internal[0] > 0
    assert ei_index(internal, external).tolist() == [-1.0]
