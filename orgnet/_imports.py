"""Import a library with some of its optional imports hidden, for the processes that never use them.

NetworKit imports ``matplotlib.pyplot`` and ``networkx`` for its plots and conversions, igraph
imports ``matplotlib.pyplot`` for drawing on matplotlib axes; both do it in ``try`` blocks, so a
module that cannot be imported is simply left out. :func:`import_hiding` makes the named modules
unimportable while the library is imported, then importable again: modules already imported are
left as they are, and the library is imported once per process, by the first caller.

Examples
--------
>>> import sys
>>> json = import_hiding("json", ("no.such.module",))
>>> json is sys.modules["json"]
True
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Sequence
from types import ModuleType

__all__ = ["import_hiding"]

_LOCK = threading.Lock()


def import_hiding(name: str, hidden: Sequence[str]) -> ModuleType:
    """Module ``name``, imported (if it is not yet) while the modules ``hidden`` cannot be imported.

    Raises ImportError when ``name`` is not installed.
    """
    found = sys.modules.get(name)
    if found is not None:
        return found
    with _LOCK:
        hide = [h for h in hidden if h not in sys.modules]
        for h in hide:
            sys.modules[h] = None  # type: ignore[assignment]  # makes "import h" raise ImportError
        try:
            return importlib.import_module(name)
        finally:
            for h in hide:
                if sys.modules.get(h, 0) is None:
                    del sys.modules[h]
