"""The person maps' columns taken once as arrays, and each drill-down page's rows of them.

Every drill-down page takes its people's rows of :class:`orgnet.report.map.PersonColumns`; the
tests check that these rows give what the people table gives for the same people, and that the
per-page matrix steps (the page's ties, the stubs to outside groups) equal their plain scipy
forms while never touching more than the page's own ties.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from orgnet.report.map import _categories, _stubs, _submatrix, _upper, people_map_data, person_columns


def _random_ties(n: int, seed: int) -> sp.csr_array:
    rng = np.random.default_rng(seed)
    m = max(1, n * 3)
    a = sp.coo_array((rng.random(m) + 0.1, (rng.integers(0, n, m), rng.integers(0, n, m))), shape=(n, n)).tocsr()
    a.setdiag(0)
    a.eliminate_zeros()
    return a


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 60), seed=st.integers(0, 10_000), share=st.floats(0.0, 1.0))
def test_a_pages_ties_are_its_rows_and_columns_of_the_matrix(n: int, seed: int, share: float) -> None:
    a = _random_ties(n, seed)
    rng = np.random.default_rng(seed + 1)
    rows = np.sort(rng.choice(n, int(round(share * n)), replace=False))
    position = np.full(n, -1, dtype=np.int64)
    got = _submatrix(a, rows, position)
    want = a[rows][:, rows].tocoo()
    assert got.n == len(rows)
    assert np.array_equal(got.row, want.row) and np.array_equal(got.col, want.col)  # row-major, as scipy's
    assert np.array_equal(got.weight, want.data)
    assert (position == -1).all()  # the scratch is left as found, for the next page
    # Each pair once with both directions summed: what sp.triu(A + A.T, k=1) gives, to the last bit.
    upper, ref = _upper(got), sp.triu(a[rows][:, rows] + a[rows][:, rows].T, k=1).tocoo()
    assert np.array_equal(upper.row, ref.row) and np.array_equal(upper.col, ref.col)
    assert np.array_equal(upper.weight, ref.data)


def _dense_stubs(a: np.ndarray, rows: np.ndarray, codes: np.ndarray, k: int) -> dict[tuple[int, int], float]:
    """Person (position on the page) x outside group: tie weight, the plain dense way."""
    outside = np.ones(len(codes), dtype=bool)
    outside[rows] = False
    out: dict[tuple[int, int], float] = {}
    for i, r in enumerate(rows):
        for g in range(k):
            w = a[r, outside & (codes == g)].sum()
            if w > 0:
                out[(i, g)] = w
    return out


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 40), seed=st.integers(0, 10_000), k=st.integers(1, 5))
def test_stubs_weigh_ties_to_each_outside_group(n: int, seed: int, k: int) -> None:
    a = _random_ties(n, seed)
    sym = (a + a.T).tocsr()
    rng = np.random.default_rng(seed + 2)
    codes = rng.integers(-1, k, n)  # -1: no group
    rows = np.sort(rng.choice(n, max(1, n // 3), replace=False))
    xy = rng.random((len(rows), 2)) * 100
    position = np.full(n, -1, dtype=np.int64)

    class _F:  # _stubs reads only the ties
        ties = a

    labels = [f"g{i}" for i in range(k)]
    stubs = _stubs(_F(), rows, xy, (codes, labels, [f"{x}.html" for x in labels]),  # type: ignore[arg-type]
                   sym, position)
    assert (position == -1).all()
    want = _dense_stubs(sym.toarray(), rows, codes, k)
    if not want:
        assert stubs["from"] == []
        return
    totals = {g: sum(w for (_, gg), w in want.items() if gg == g) for g in range(k)}
    shown = [labels.index(lab) for lab in stubs["labels"]]
    assert sorted(shown) == sorted(g for g in range(k) if totals[g] > 0)  # k <= STUB_GROUPS: every group
    assert np.allclose(stubs["weight"], np.round([totals[g] for g in shown], 2))
    got = {(f, shown[t]) for f, t in zip(stubs["from"], stubs["to"], strict=True)}
    assert got == set(want)


def test_a_pages_columns_are_the_people_tables_rows(full_findings: Any) -> None:
    f = full_findings
    columns = person_columns(f)
    rng = np.random.default_rng(3)
    rows = np.sort(rng.choice(f.n, f.n // 4, replace=False))
    data = people_map_data(f, rows, columns=columns, xy=np.zeros((len(rows), 2)))
    p = f.people.iloc[rows]
    assert data["ids"] == p["person"].astype(str).tolist()
    assert data["labels"] == p["name"].astype("string").fillna("").tolist()
    for column in ("department", "community"):
        if column in p.columns and p[column].notna().any():
            assert data["colourBy"][column] == _categories(p[column])  # the pandas way, on the page's rows
    assert data["info"]["department"] == p["department"].astype("string").fillna("").tolist()
    for key, spec in data["sizeBy"].items():
        assert spec["value"] == p[key].astype(float).round(6).fillna(0).tolist()
    # The whole organisation's map and a page of everyone agree.
    whole = people_map_data(f, None, columns=columns, xy=np.zeros((f.n, 2)))
    page = people_map_data(f, np.arange(f.n), columns=columns, xy=np.zeros((f.n, 2)))
    assert whole == page
    assert (columns.position == -1).all()


def test_categories_from_codes_match_the_labels_of_the_rows() -> None:
    values = pd.Series(["b", None, "a", "b", "c", None, "b"], dtype="string")
    rows = np.array([0, 1, 3, 5])
    from orgnet.report.map import _categories_of, _category_codes

    codes, labels = _category_codes(values)
    assert _categories_of(codes[rows], labels) == _categories(values.iloc[rows].reset_index(drop=True))
    assert _categories_of(codes[rows], labels)["labels"] == ["(none)", "b"]  # two each: alphabetical
