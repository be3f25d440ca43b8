"""The maps' memory-lean paths write what the plain ones did: the page data's JSON in pieces,
everyone's ties read from the symmetric matrix, the strongest ties, the level codes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from orgnet.report import map as m

_values = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
                       | st.text(max_size=6),
                       lambda inner: st.lists(inner, max_size=7) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
                       max_leaves=25)


@settings(max_examples=80, deadline=None)
@given(data=st.dictionaries(st.text(max_size=4), _values, max_size=5), piece=st.integers(1, 4))
def test_json_pieces_join_to_the_json_text(data: dict, piece: int) -> None:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    assert "".join(m._json_pieces(data, piece)) == text


def test_arrays_are_written_as_their_lists() -> None:
    data = {"ids": np.array(["a<", "é", "&"], dtype=object), "page": np.arange(5), "x": np.array([0.5, -1.0]),
            "none": np.zeros(0, dtype=object)}
    plain = {k: v.tolist() for k, v in data.items()}
    for piece in (1, 2, 10):
        assert "".join(m._json_pieces(data, piece)) == json.dumps(plain, ensure_ascii=False, separators=(",", ":"))


def test_a_page_is_the_template_with_the_data_in_it(tmp_path: Path) -> None:
    data = {"title": "a <b> & __TITLE__", "ids": [f"p{i}</script>" for i in range(40_000)], "x": [0.1] * 40_000,
            "nested": {"k": ["&", None]}}
    path = tmp_path / "map.html"
    m.render_map(data, path, vis_src="static/vis-network.min.js", trail=[("t", "t.html")], people_index="p.js")
    # as written before: one text, every placeholder replaced in turn, the escaped data last
    page = (m._template("map.html").replace("  /*__PEOPLE_SEARCH_JS__*/\n", m._template("people_search.js"))
            .replace("<!--__VIS_CSS__-->", '<link rel="stylesheet" href="static/vis-network.css">')
            .replace("<!--__VIS_JS__-->", '<script src="static/vis-network.min.js"></script>')
            .replace("__TITLE__", "a &lt;b&gt; &amp; __TITLE__")
            .replace("<!--__NAV__-->", '<a href="index.html">report</a> › <a href="t.html">t</a>')
            .replace("__GRAPH_DATA__", m._safe_json(dict(data, peopleIndex="p.js"))))
    assert path.read_text(encoding="utf-8") == page
    assert "</script>\"" not in path.read_text(encoding="utf-8")


def _random_ties(n: int, seed: int, zero: bool = False) -> sp.csr_array:
    rng = np.random.default_rng(seed)
    k = n * 4
    a = sp.coo_array((rng.integers(1, 9, k) * rng.choice([0.1, 1.0, 0.3], k), (rng.integers(0, n, k), rng.integers(0, n, k))),
                     shape=(n, n)).tocsr()
    a.sum_duplicates()
    if zero:
        a.data[0] = 0.0
    return a


def test_everyones_ties_from_the_symmetric_matrix_are_the_upper_ties() -> None:
    for seed in range(5):
        a = _random_ties(60, seed)
        got = m._upper_of_symmetric(a, (a + a.T).tocsr())
        want = m._upper(m._ties_of(a))
        assert got is not None
        for field in ("row", "col", "weight"):
            assert np.array_equal(getattr(got, field), getattr(want, field))
            assert getattr(got, field).dtype == getattr(want, field).dtype
    zero = _random_ties(60, 9, zero=True)  # scipy drops sums of zero: not the same, not used
    assert m._upper_of_symmetric(zero, (zero + zero.T).tocsr()) is None


def _strongest_before(row: np.ndarray, col: np.ndarray, weight: np.ndarray, n: int, budget: int) -> np.ndarray:
    ends = np.concatenate([row, col])
    tie = np.concatenate([np.arange(len(row)), np.arange(len(row))])
    order = np.lexsort((-np.concatenate([weight, weight]), ends))
    first = np.ones(len(order), dtype=bool)
    first[1:] = ends[order][1:] != ends[order][:-1]
    chosen = np.zeros(len(row), dtype=bool)
    chosen[tie[order][first]] = True
    by_weight = np.argsort(-weight, kind="stable")
    chosen_order = np.concatenate([np.flatnonzero(chosen)[np.argsort(-weight[chosen], kind="stable")],
                                   by_weight[~chosen[by_weight]]])
    return np.sort(chosen_order[:budget])


def test_strongest_ties_are_as_before() -> None:
    for seed in range(6):
        u = m._upper(m._ties_of(_random_ties(80, seed)))  # many equal weights: the order of ties decides
        for budget in (1, 50, len(u.row)):
            assert np.array_equal(m._strongest(u.row, u.col, u.weight, u.n, budget),
                                  _strongest_before(u.row, u.col, u.weight, u.n, budget))


def test_level_codes_are_as_numpy_sorts_the_texts() -> None:
    rng = np.random.default_rng(0)
    words = np.array(["b", "a", "B", "ä", "a b", "", "Zoë", "日本", "a\x00b", "ab"], dtype=object)
    values = pd.Series(words[rng.integers(0, len(words), 500)], dtype="string")
    values[rng.random(500) < 0.1] = pd.NA
    codes, labels = m._codes_from(values)
    valid = values.notna().to_numpy()
    fixed = np.unique(values[valid].to_numpy(dtype=str))
    assert labels.tolist() == fixed.tolist() and labels.dtype == object
    assert codes[~valid].tolist() == [-1] * int((~valid).sum())
    assert np.array_equal(codes[valid], np.searchsorted(fixed, values[valid].to_numpy(dtype=str)))
    nul = pd.Series(["a\x00", "b", "a"], dtype="string")  # numpy drops trailing NULs: kept as it was
    codes, labels = m._codes_from(nul)
    assert codes.tolist() == [0, 1, 0] and labels.tolist() == ["a", "b"]
