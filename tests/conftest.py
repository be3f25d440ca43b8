"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]


def _require(path: Path, what: str) -> Path:
    # Real data lives outside the repository; skip without it, except on CI where it must be there.
    if path.exists():
        return path
    message = (
        f"{what} not found at {path}; set ORGNET_SHARED_DATA to the folder holding the shared "
        "datasets (default ../shared/data next to the repository)"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real datasets: ``$ORGNET_SHARED_DATA`` or ``../shared/data``."""
    root = Path(os.environ.get("ORGNET_SHARED_DATA") or REPO.parent / "shared" / "data")
    return _require(root, "shared data folder")


@pytest.fixture(scope="session")
def shared_dataset(shared_data: Path) -> Callable[[str], Path]:
    """Return a function giving the path of one shared dataset (skipping when it is absent)."""

    def get(name: str) -> Path:
        return _require(shared_data / name, f"shared dataset {name!r}")

    return get


def load_orgs() -> ModuleType:
    """The report tests' ``orgs`` helper (hand-built Findings), loaded once by file path.

    Tests run in importlib mode, not as a package, so the helper is not importable by name.
    """
    name = "orgnet_test_report_orgs"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "tests" / "report" / "orgs.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="session")
def orgs() -> ModuleType:
    """The helper module: ``make_findings``, ``XSS_NAME``, ``XSS_DEPARTMENT``."""
    return load_orgs()


def _assert_same_findings(a, b) -> None:  # type: ignore[no-untyped-def]
    """Two Findings hold the same people, ties and sections (every table and figure)."""
    import dataclasses

    import numpy as np
    import pandas as pd

    pd.testing.assert_frame_equal(a.people, b.people)
    assert (a.ties != b.ties).nnz == 0
    pd.testing.assert_frame_equal(a.groups.table, b.groups.table)
    for kind in a.groups.by_kind:
        np.testing.assert_array_equal(a.groups.by_kind[kind].codes, b.groups.by_kind[kind].codes)
    for section in ("ambassadors", "connectors", "silos"):
        pd.testing.assert_frame_equal(getattr(a, section).table, getattr(b, section).table)
    assert a.pyramid.overall == b.pyramid.overall
    sa, sb = dataclasses.asdict(a.summary), dataclasses.asdict(b.summary)
    for key in ("sources", "methods"):
        sa.pop(key), sb.pop(key)
    assert sa == sb


@pytest.fixture(scope="session")
def assert_same_findings():  # type: ignore[no-untyped-def]
    """``assert_same_findings(a, b)``: two analyses gave the same findings."""
    return _assert_same_findings
