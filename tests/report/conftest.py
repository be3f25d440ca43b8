"""Fixtures of the report tests: hand-built Findings (see ``orgs.py``) and reports written from them."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture(scope="session")
def full_findings(orgs: ModuleType):  # type: ignore[no-untyped-def]
    """300 people with every analytics table and section present."""
    return orgs.make_findings(300, seed=1)


@pytest.fixture(scope="session")
def bare_findings(orgs: ModuleType):  # type: ignore[no-untyped-def]
    """300 people with only what analyze() gives today (no ambassadors, roles, pyramid, periods)."""
    return orgs.make_findings(300, seed=1, analytics=False)


@pytest.fixture(scope="session")
def full_report(full_findings, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    """A report folder written from ``full_findings``."""
    from orgnet.report import write_report

    return write_report(full_findings, tmp_path_factory.mktemp("full") / "report")


@pytest.fixture(scope="session")
def grouped_report(full_findings, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    """The same findings with the people threshold lowered, so the main map shows groups."""
    from orgnet.report import write_report

    return write_report(full_findings, tmp_path_factory.mktemp("grouped") / "report", max_map_people=100)
