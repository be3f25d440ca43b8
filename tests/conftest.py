"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

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
