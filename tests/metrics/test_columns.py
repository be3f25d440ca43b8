"""Helpers on event columns (orgnet.metrics.columns)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from orgnet.metrics.columns import distinct


@given(hnp.arrays(st.sampled_from([np.int64, np.int32, np.uint8, np.bool_]), st.integers(0, 300)))
def test_distinct_is_numpys_unique(values: np.ndarray) -> None:
    got = distinct(values)
    want = np.unique(values)
    assert got.dtype == want.dtype
    assert np.array_equal(got, want)


def test_distinct_refuses_floats() -> None:
    # np.unique's NaN rules are not the sort's: floats keep np.unique.
    with pytest.raises(TypeError, match="expected integers"):
        distinct(np.array([1.0, np.nan]))
