"""The formal-structure rules: which departments split, which communities span, who leads informally."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from orgnet.findings.formal import counted_parts, formal_structure, managers_and_leaders
from orgnet.findings.rules import FormalRules


def test_splits_and_spans():
    dept = np.array([0] * 10 + [1] * 10)
    comm = np.array([0] * 5 + [1] * 5 + [1] * 9 + [2])
    f = formal_structure(sp.csr_array((20, 20)), dept, comm, np.ones(20) / 20, None)
    assert f.available
    assert f.department_splits["splits"].tolist() == [True, False]
    spans = f.community_spans.set_index("code")
    assert bool(spans.loc[1, "spans"]) and spans.loc[1, "parts"] == [1, 0]
    # A community holding one person of a department is not a part of it.
    assert counted_parts(dept, comm, FormalRules()).set_index("code").loc[1, "parts"] == [1]
    assert counted_parts(dept, comm, FormalRules(split_members=1, split_share=0.05)).set_index("code").loc[
        1, "parts"] == [1, 2]


def test_without_departments_there_is_nothing_to_compare():
    f = formal_structure(sp.csr_array((3, 3)), None, np.zeros(3, dtype=np.int64), np.ones(3), None)
    assert not f.available and "directory" in f.note


def test_managers_and_informal_leaders():
    pr = np.array([0.1, 0.4, 0.05, 0.3, 0.15])
    boss = np.array([-1, 0, 0, 0, 0])
    out = managers_and_leaders(pr, boss, FormalRules())
    assert out[["code", "is_manager", "is_informal_leader"]].to_dict("records") == [
        {"code": 0, "is_manager": True, "is_informal_leader": False},
        {"code": 1, "is_manager": False, "is_informal_leader": True}]
