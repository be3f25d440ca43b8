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
