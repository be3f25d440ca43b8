"""Background worker processes: ``python -m MODULE ARGS`` children the caller waits for or stops.

Heavy steps that hold Python's interpreter lock (igraph's shortest paths, map layouts) run in
child interpreters started with ``python -m``: never a fork of a process running Arrow's or
OpenMP's threads, and never a re-import of the caller's script (which ``multiprocessing``'s
"spawn" does, running a user's unguarded analysis script again in every worker). Inputs and
outputs go through files in a folder the caller owns.

Examples
--------
>>> w = Workers("json.tool", [["--help"]])
>>> w.wait()
>>> w.running
False
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence

__all__ = ["Workers", "available_cores", "parent_gone"]


def available_cores() -> int:
    """CPU cores this process may run on (its affinity mask where the OS has one)."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # macOS, Windows
        return max(os.cpu_count() or 1, 1)


def parent_gone(parent: int) -> bool:
    """Whether the process that started this worker (pid ``parent``) has gone: stop working then."""
    return os.getppid() != parent


class Workers:
    """Child processes ``python -m module *args``, one per argument list, started at once.

    Parameters
    ----------
    module : str
        Module run with ``python -m``.
    arguments : sequence of sequences of str
        One argument list per worker.
    """

    def __init__(self, module: str, arguments: Sequence[Sequence[str]]) -> None:
        self._procs: list[subprocess.Popen[bytes]] = []
        try:
            for args in arguments:
                self._procs.append(subprocess.Popen(
                    [sys.executable, "-m", module, *args],
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        except BaseException:
            self.close()
            raise

    @property
    def running(self) -> bool:
        """Whether any worker has not been waited for or stopped."""
        return bool(self._procs)

    def wait(self) -> None:
        """Wait for every worker; raise ``RuntimeError`` with its error output if one failed."""
        try:
            for proc in self._procs:
                err = proc.stderr.read() if proc.stderr else b""
                if proc.wait() != 0:
                    raise RuntimeError(f"a worker process failed (exit {proc.returncode}): "
                                       f"{err.decode(errors='replace').strip()[-2000:]}")
        finally:
            self.close()

    def close(self) -> None:
        """Stop the workers still running (killed) and release them."""
        for proc in self._procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            if proc.stderr:
                proc.stderr.close()
        self._procs = []
