"""The planted truth of synthetic organisations, recovered through `analyze()` itself.

`tests/metrics/test_planted.py` checks the detectors one by one; this checks the combination
the report shows (the same options a user gets by default).
"""

from __future__ import annotations

import pytest

from orgnet.analysis import analyze
from orgnet.synthetic import generate


@pytest.mark.parametrize(("people", "seed"), [(1000, 1), (1000, 3), (5000, 2)])
def test_analyze_recovers_planted_roles(people: int, seed: int) -> None:
    org = generate(people=people, seed=seed)
    f = analyze(org.events, directory=org.directory)

    planted = set(org.truth["ambassadors"])
    ranked = f.tables["ambassadors"]["person"].tolist()
    top = set(ranked[: len(planted)])
    assert len(top & planted) / len(planted) >= 0.9  # precision = recall at the planted count

    silos = set(org.truth["silo_departments"])
    flagged = set(f.groups.query("kind == 'department' and is_silo == True")["group"])
    assert silos <= flagged and len(flagged - silos) <= 1

    brokers = set(org.truth["brokers"])
    found = set(f.tables["connectors"].query("role == 'information broker'")["person"])
    assert len(found) >= 3
    assert len(found & brokers) / len(found) >= 0.8

    # Every flag carries its reason with numbers.
    for reason in [*f.tables["connectors"]["reason"], *f.groups.loc[f.groups["is_silo"] == True, "reason"]]:  # noqa: E712
        assert any(ch.isdigit() for ch in str(reason))
