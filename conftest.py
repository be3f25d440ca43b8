"""Fixtures for every test path, the package's doctests included."""

from __future__ import annotations

import tempfile

import pytest


@pytest.fixture(autouse=True)
def _doctest_temporary_files(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A doctest's ``tempfile.mkdtemp()`` lands in pytest's temporary folder (cleaned up as
    ``tmp_path`` is), not in the system's for good."""
    if type(request.node).__name__ == "DoctestItem":
        folder = request.getfixturevalue("tmp_path_factory").mktemp("doctest")
        monkeypatch.setattr(tempfile, "tempdir", str(folder))
