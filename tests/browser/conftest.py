"""Fixtures of the browser tests: one headless Chromium per session, offline pages, report folders.

Without Chromium (or the playwright package) the tests skip with a clear message, except under
``CI=true`` where they fail: a CI run must not pass by skipping the browser.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from orgnet.report.browser import BrowserMissing, chromium, find_chromium


def _missing(message: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests need Chromium under CI: {message}")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium (Playwright ``Browser``), or a skip/fail when it is not installed."""
    if find_chromium() is None:
        _missing("Chromium not found (Debian: apt-get install chromium, or set ORGNET_CHROMIUM)")
    try:
        with chromium() as b:
            yield b
    except BrowserMissing as exc:
        _missing(str(exc))


@pytest.fixture(scope="session")
def report(orgs: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 300-person report with every finding (and the planted XSS names)."""
    from orgnet.report import write_report

    return write_report(orgs.make_findings(300, seed=2), tmp_path_factory.mktemp("browser") / "report")


@pytest.fixture(scope="session")
def grouped_report(orgs: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 600-person report whose main map shows departments (threshold lowered to 200)."""
    from orgnet.report import write_report

    return write_report(orgs.make_findings(600, seed=3), tmp_path_factory.mktemp("browser") / "grouped",
                        max_map_people=200)
