"""The planted truth of synthetic organisations, recovered through `analyze()` itself.

`tests/findings/test_planted.py` checks the rules one by one; this checks the combination the
report shows (the same options a user gets by default).
"""

from __future__ import annotations

import numpy as np
import pytest

from orgnet.findings import analyze
from orgnet.report.content import wording
from orgnet.synthetic import generate


@pytest.mark.parametrize(("people", "seed"), [(1000, 1), (1000, 3), (5000, 2)])
def test_analyze_recovers_planted_roles(people: int, seed: int) -> None:
    org = generate(people=people, seed=seed)
    f = analyze(org.events, directory=org.directory)
    ids = f.people["person"].to_numpy(dtype=str)

    planted = set(org.truth["ambassadors"])
    # Ranked (everyone's score, in the people table) and flagged (the section) are different things.
    ranked = ids[np.argsort(-f.people["ambassador_score"].fillna(-np.inf).to_numpy(), kind="stable")].tolist()
    top = set(ranked[: len(planted)])
    assert len(top & planted) / len(planted) >= 0.9  # precision = recall at the planted count
    flagged = set(ids[f.ambassadors.table["code"]])
    assert flagged and len(flagged & planted) >= 0.8 * len(flagged)

    silos = set(org.truth["silo_departments"])
    s = f.silos.table.query("kind == 'department' and is_silo")
    flagged = {f.groups.by_kind["department"].label(c) for c in s["code"]}
    assert silos <= flagged and len(flagged - silos) <= 1

    brokers = set(org.truth["brokers"])
    con = f.connectors.table
    found = set(ids[con.loc[con["role"] == "information broker", "code"]])
    assert len(found) >= 3
    assert len(found & brokers) / len(found) >= 0.8

    # Every flag carries its evidence, in numbers, worded with the right noun.
    words = wording(f)
    for i in range(len(con)):
        reason = f.connectors.reason(i)
        assert reason.evidence and all(np.isfinite(list(e.numbers.values())).any() for e in reason.evidence
                                           if e.numbers)
        assert any(ch.isdigit() for ch in words.sentence(reason))
    for i in np.flatnonzero(f.silos.table["is_silo"].to_numpy()):
        assert any(ch.isdigit() for ch in words.sentence(f.silos.reason(int(i))))
