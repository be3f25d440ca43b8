"""The silo table's notes on communities that are a department silo again."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from orgnet.report.content import SAME_AS_DEPARTMENT_LISTED, _same_as_department_silo, _same_notes


def _reference(dept: np.ndarray, comm: np.ndarray, dept_silos: set[int], comm_silos: list[int]) -> dict[int, int]:
    """The rule read literally, one community at a time."""
    out = {}
    for c in comm_silos:
        members = dept[comm == c]
        members = members[members >= 0]
        if not len(members):
            continue
        values, counts = np.unique(members, return_counts=True)
        top = int(values[np.argmax(counts)])  # the lowest code among the most common
        if top in dept_silos and counts.max() >= 0.8 * (comm == c).sum():
            out[c] = top
    return out


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 60).flatmap(lambda n: st.tuples(
    st.lists(st.integers(-1, 5), min_size=n, max_size=n),
    st.lists(st.integers(-1, 6), min_size=n, max_size=n),
    st.sets(st.integers(0, 5)), st.sets(st.integers(0, 6)))))
def test_communities_matched_to_department_silos_as_one_at_a_time(case: tuple) -> None:
    dept_list, comm_list, dept_silos, comm_silos = case
    dept, comm = np.array(dept_list, dtype=np.int32), np.array(comm_list, dtype=np.int32)
    present_c = sorted(set(comm_silos) & set(comm_list))  # a flagged group has members
    present_d = sorted(set(dept_silos) & set(dept_list))
    table = pd.DataFrame({"kind": ["department"] * len(present_d) + ["community"] * len(present_c),
                          "code": present_d + present_c})
    findings = SimpleNamespace(groups=SimpleNamespace(by_kind={"department": SimpleNamespace(codes=dept),
                                                               "community": SimpleNamespace(codes=comm)}))
    got = _same_as_department_silo(findings, table, np.arange(len(table)))  # type: ignore[arg-type]
    want = _reference(dept, comm, set(present_d), present_c) if present_d and present_c else {}
    assert got == want
    assert list(got) == [c for c in present_c if c in want]  # the table's order


def test_few_are_named_many_are_counted_and_hidden_groups_neither() -> None:
    few = _same_notes([("C1", "Sales"), ("", "Legal"), ("C3", "")])
    assert few == ["Community C1 is mostly the people of the Sales department, already listed as a silo."]
    many = [(f"C{i}", f"Dept {i}") for i in range(SAME_AS_DEPARTMENT_LISTED + 3)] + [("", "Hidden")]
    notes = _same_notes(many)
    assert len(notes) == 1
    assert notes[0].startswith(f"{SAME_AS_DEPARTMENT_LISTED + 3} communities are each mostly")
    assert "community C0 is the Dept 0 department" in notes[0] and "Hidden" not in notes[0]
