"""Background worker processes: ``python -m MODULE ARGS`` children the caller waits for or stops.

Heavy steps that hold Python's interpreter lock (igraph's shortest paths, map layouts) run in
child interpreters started with ``python -m``: never a fork of a process running Arrow's or
OpenMP's threads, and never a re-import of the caller's script (which ``multiprocessing``'s
"spawn" does, running a user's unguarded analysis script again in every worker). Inputs and
outputs go through files in a folder the caller owns.

:class:`BackgroundCall` runs one function call that way (``python -m orgnet.workers FOLDER``):
arguments and result go through a pickle in a temporary folder of the caller's.

Examples
--------
>>> w = Workers("json.tool", [["--help"]])
>>> w.wait()
>>> w.running
False
>>> BackgroundCall(divmod, 17, 5).result()
(3, 2)
"""

from __future__ import annotations

import importlib
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["BackgroundCall", "Workers", "available_cores", "parent_gone"]


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
    folder : tempfile.TemporaryDirectory, optional
        The workers' input/output folder: removed by :meth:`close` (also when starting fails).
    """

    def __init__(self, module: str, arguments: Sequence[Sequence[str]],
                 folder: tempfile.TemporaryDirectory[str] | None = None) -> None:
        self.folder = folder
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
        """Wait for every worker (their folder stays for the results); raise ``RuntimeError`` with
        its error output if one failed."""
        try:
            for proc in self._procs:
                err = proc.stderr.read() if proc.stderr else b""
                if proc.wait() != 0:
                    raise RuntimeError(f"a worker process failed (exit {proc.returncode}): "
                                       f"{err.decode(errors='replace').strip()[-2000:]}")
        finally:
            self._stop()

    def close(self) -> None:
        """Stop the workers still running (killed), release them and remove their folder."""
        self._stop()
        if self.folder is not None:
            self.folder.cleanup()

    def _stop(self) -> None:
        for proc in self._procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            if proc.stderr:
                proc.stderr.close()
        self._procs = []


class BackgroundCall:
    """``func(*args, **kwargs)`` computed by a worker process; :meth:`result` waits for it.

    ``func`` must be importable by name (a module-level function); the arguments and the
    result must pickle. :meth:`close` stops the worker and removes its files.
    """

    def __init__(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        folder = tempfile.TemporaryDirectory(prefix="orgnet-call-")
        try:
            with open(Path(folder.name) / "call.pickle", "wb") as f:
                pickle.dump((func.__module__, func.__qualname__, args, kwargs), f, protocol=5)
            self._workers = Workers("orgnet.workers", [[folder.name]], folder)
        except BaseException:
            folder.cleanup()
            raise

    def result(self) -> Any:
        """The call's return value (an exception in the worker is raised here as RuntimeError)."""
        try:
            self._workers.wait()
            with open(Path(self._workers.folder.name) / "result.pickle", "rb") as f:  # type: ignore[union-attr]
                return pickle.load(f)  # written by our own worker into our own folder
        finally:
            self.close()

    def close(self) -> None:
        """Stop the worker (if still running) and remove its files."""
        self._workers.close()


def _run_call(folder: str) -> None:
    with open(Path(folder) / "call.pickle", "rb") as f:
        module, name, args, kwargs = pickle.load(f)  # written by BackgroundCall in its own folder
    func: Any = importlib.import_module(module)
    for part in name.split("."):
        func = getattr(func, part)
    with open(Path(folder) / "result.pickle", "wb") as f:
        pickle.dump(func(*args, **kwargs), f, protocol=5)


if __name__ == "__main__":  # pragma: no cover - run by BackgroundCall in a child process
    _run_call(sys.argv[1])
