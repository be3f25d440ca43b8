"""Fixtures of the report tests: real findings of ``orgs.py``'s organisation and reports written from them."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture(scope="session")
def full_findings(orgs: ModuleType):  # type: ignore[no-untyped-def]
    """300 people, a directory, timestamps and monthly periods: every section computed."""
    return orgs.make_findings(300, seed=1)


@pytest.fixture(scope="session")
def bare_findings(orgs: ModuleType):  # type: ignore[no-untyped-def]
    """The same people with no timestamps and no directory: what cannot be computed must be said."""
    return orgs.make_findings(300, seed=1, timed=False, directory=False)


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
