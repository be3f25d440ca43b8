"""NetworKit is imported without matplotlib.pyplot and networkx, which stay importable."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest.importorskip("networkit")


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_networkit_comes_without_its_plotting_and_conversions() -> None:
    out = _run(
        "import sys\n"
        "from orgnet.metrics._networkit import networkit\n"
        "nk = networkit()\n"
        "g = nk.Graph(3); g.addEdge(0, 1)\n"
        "print(g.numberOfEdges(), 'matplotlib.pyplot' in sys.modules, 'networkx' in sys.modules, "
        "networkit() is nk)\n"
        "import matplotlib.pyplot, networkx\n"  # both still import afterwards
        "print(matplotlib.pyplot.__name__, networkx.__name__)\n")
    assert out.splitlines() == ["1 False False True", "matplotlib.pyplot networkx"]


def test_modules_imported_before_are_left_alone() -> None:
    out = _run(
        "import sys, networkx\n"
        "from orgnet.metrics._networkit import networkit\n"
        "networkit()\n"
        "print(sys.modules['networkx'] is networkx)\n")
    assert out == "True"
