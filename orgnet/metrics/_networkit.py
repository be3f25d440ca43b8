"""NetworKit, imported without the plotting and conversion modules orgnet never uses.

``import networkit`` imports ``matplotlib.pyplot`` and ``networkx`` when they are installed (for
its plots and graph conversions): 1.2 s and about 77 MB in each process that runs KADABRA or
NetworKit's Leiden, the analysis's worker processes included. Both are optional to NetworKit (it
imports them in ``try`` blocks), so they are hidden while it is imported: 0.24 s and 24 MB
(NetworKit 11.3), the same algorithms. Modules already imported are left as they are, and both
can be imported normally afterwards.

Examples
--------
>>> nk = networkit()
>>> nk.Graph(3).numberOfNodes()
3
"""

from __future__ import annotations

from types import ModuleType

from orgnet._imports import import_hiding

__all__ = ["networkit"]

#: Imported by NetworKit only for its plots and its networkx conversions, neither used here.
OPTIONAL_IMPORTS: tuple[str, ...] = ("matplotlib.pyplot", "networkx")


def networkit() -> ModuleType:
    """The ``networkit`` module (ImportError when it is not installed)."""
    return import_hiding("networkit", OPTIONAL_IMPORTS)
