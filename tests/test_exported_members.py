"""The public API: ``orgnet.__all__`` is sorted, every name in it resolves, and nothing else is public."""

from __future__ import annotations

import importlib

import orgnet


def test_all_is_sorted() -> None:
    names = [n for n in orgnet.__all__ if n != "__version__"]
    assert names == sorted(names, key=lambda n: (not n.isupper(), n))


def test_every_exported_name_resolves_to_its_module_member() -> None:
    for name, module in orgnet._EXPORTS.items():
        assert getattr(orgnet, name) is getattr(importlib.import_module(module), name)
    assert set(orgnet.__all__) == set(orgnet._EXPORTS) | {"__version__"}
