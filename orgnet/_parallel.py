"""One way to run work in other processes: a function mapped over tasks, at once or in the background.

Every parallel step of orgnet (sampled betweenness pivots, the silo test's permutation
baseline, the report's maps, tables and graph files) goes through this module, built on joblib's
loky backend as scikit-learn's ``sklearn/utils/parallel.py`` is:

- workers are fresh interpreters started by fork + exec: never a bare fork of a process running
  Arrow's or OpenMP's threads, and never a re-import of the caller's script (which
  ``multiprocessing``'s "spawn" does, running a user's unguarded script again in every worker);
- they are started once per process and reused by later calls (a worker imports the modules of
  the functions it runs once, not once per task), and stop after five idle minutes or when the
  caller exits;
- numeric arrays above 1 MB reach them as read-only memory maps written once (a sparse matrix
  travels as its three arrays), not as a pickle per task; a large object that several tasks
  share (the report's findings) goes wrapped in :class:`Once`: written to a file once,
  streamed, and read by each task, instead of a pickle of it held in memory per task.

``n_jobs`` means the same everywhere (``AnalysisOptions.workers`` and ``write_report(workers=)``
included): the processes computing at once, this one included, as it works beside its workers.
``None`` is the cores this process may use (its affinity mask and any cgroup quota): on two
cores, this process and one worker. ``1`` is no worker at all (the work runs in this process),
``k`` this process and ``k - 1`` workers (:func:`worker_processes`). Results come back in task
order, so they never depend on ``n_jobs``.

:func:`start` returns at once with a :class:`Pending` while the workers compute, so the caller
can do other work meanwhile (on two cores that overlap is where the gain comes from);
:meth:`Pending.result` collects, :meth:`Pending.close` stops the workers of work nobody will
collect (on an error, for instance). A function run in a worker must be importable by name (a
module-level function) and should live in a module that imports little.

Examples
--------
>>> parallel_map(divmod, [(17, 5), (9, 2)], n_jobs=2)
[(3, 2), (4, 1)]
>>> pending = start(pow, [(2, 10), (3, 2)], n_jobs=2)
>>> pending.background, pending.result(), pending.background
(True, [1024, 9], False)
>>> start(pow, [(2, 3)], n_jobs=1).then(sum).result()  # in this process, at once
8
"""

from __future__ import annotations

import atexit
import os
import pickle
import shutil
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

__all__ = ["Once", "Pending", "effective_n_jobs", "in_worker", "ordered_threads", "parallel_map", "start",
           "start_call", "worker_processes"]

# loky retires a worker whose memory grew by more than 300 MB since its first task (its guard
# against leaking tasks) and starts a new one for the tasks still queued. For orgnet's coarse
# tasks (a map of 100,000 people, a table of everyone) that growth is the task's working set, not
# a leak; the replacement is what we want, but loky also warns about it from its manager thread,
# where the warning means nothing to a user and, under ``-W error`` (pytest's setting here),
# becomes an exception that ends that thread and leaves the caller waiting forever.
WORKER_REPLACED = "A worker stopped while some jobs were given to the executor"
warnings.filterwarnings("ignore", message=WORKER_REPLACED, category=UserWarning)

T = TypeVar("T")
U = TypeVar("U")


def effective_n_jobs(n_jobs: int | None = None) -> int:
    """Processes ``n_jobs`` stands for (this one included): None -> the cores this process may use, else ``n_jobs``.

    Raises ``ValueError`` below 1.

    Examples
    --------
    >>> effective_n_jobs(1), effective_n_jobs(3), effective_n_jobs() >= 1
    (1, 3, True)
    """
    if n_jobs is None:
        from joblib import cpu_count

        return max(int(cpu_count()), 1)
    if int(n_jobs) < 1:
        raise ValueError(f"n_jobs (workers) must be None (all cores) or at least 1; got {n_jobs}")
    return int(n_jobs)


#: Temporary folders of :class:`Once` are named ``orgnet-shared-<pid>-*``: a later run removes
#: those whose process is gone (killed before it could remove them).
SHARED_PREFIX = "orgnet-shared-"

_live_folders: set[str] = set()


def _remove_live_folders() -> None:
    for folder in list(_live_folders):
        shutil.rmtree(folder, ignore_errors=True)
        _live_folders.discard(folder)


atexit.register(_remove_live_folders)  # on any exit of the process, SIGTERM included (see report.files)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_folders(parent: str | None = None) -> list[str]:
    """Remove the temporary folders of :class:`Once` left by processes that no longer run (killed); return them."""
    gone = []
    for folder in Path(parent or tempfile.gettempdir()).glob(f"{SHARED_PREFIX}*-*"):
        pid = folder.name[len(SHARED_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)) and folder.is_dir() \
                and folder.stat().st_uid == os.getuid():
            shutil.rmtree(folder, ignore_errors=True)
            gone.append(str(folder))
    return gone


class Once(Generic[T]):
    """An argument several tasks share, sent to the workers through one temporary file.

    Pickling a large object (a findings table of strings, which cannot be memory-mapped) once per
    task holds each pickle in memory until a worker has read it; wrapped in ``Once`` it is
    written once, streamed to a file, when the first task is sent, and each task reads it there.
    In this process (``n_jobs=1``) the tasks get :attr:`value` itself. :func:`start` removes the
    file when the work is collected or stopped; the folder (private: mode 0700) is also removed
    when the process exits, and by the next run if the process was killed
    (:func:`remove_stale_folders`).

    Examples
    --------
    >>> parallel_map(len, [(Once("abc"),), ("de",)], n_jobs=2)
    [3, 2]
    """

    def __init__(self, value: T) -> None:
        self.value = value
        self._lock = threading.Lock()
        self._folder: str | None = None

    def __reduce__(self) -> tuple[Callable[[str], T], tuple[str]]:
        with self._lock:  # pickled by joblib's sending thread, task after task
            if self._folder is None:
                remove_stale_folders()
                folder = tempfile.mkdtemp(prefix=f"{SHARED_PREFIX}{os.getpid()}-")
                _live_folders.add(folder)
                with open(os.path.join(folder, "value.pickle"), "wb") as f:
                    pickle.dump(self.value, f, protocol=pickle.HIGHEST_PROTOCOL)
                self._folder = folder
        return _read_once, (os.path.join(self._folder, "value.pickle"),)

    def remove(self) -> None:
        """Remove the file (if it was written)."""
        with self._lock:
            folder, self._folder = self._folder, None
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
            _live_folders.discard(folder)


def _read_once(path: str) -> Any:
    with open(path, "rb") as f:
        return pickle.load(f)  # written by Once.__reduce__ of this run, in its own temporary folder


class Pending(Generic[T]):
    """Work started by :func:`start`: :meth:`result` waits for it, :meth:`close` stops it.

    In-process work (``n_jobs=1``) is done when :func:`start` returns; ``result`` then only
    hands it over.
    """

    def __init__(self, collect: Callable[[], T], stop: Callable[[], None] | None = None) -> None:
        self._collect: Callable[[], T] | None = collect
        self._stop = stop
        self._value: T | None = None

    @classmethod
    def done(cls, value: T) -> Pending[T]:
        """Work already done in this process."""
        return cls(lambda: value)

    @property
    def background(self) -> bool:
        """Whether worker processes are (still) computing it: True until :meth:`result` or :meth:`close`."""
        return self._stop is not None

    def result(self) -> T:
        """The result (waits for the workers; an exception raised in a worker is raised here)."""
        if self._collect is not None:
            collect = self._collect
            try:
                self._value = collect()
            except BaseException:
                self.close()
                raise
            self._collect = self._stop = None  # collected: nothing left to stop
        return self._value  # type: ignore[return-value]

    def close(self) -> None:
        """Stop the workers if the result has not been collected (their other work is lost too)."""
        stop, self._stop = self._stop, None
        if self._collect is not None:
            self._collect = _stopped
        if stop is not None:
            stop()

    def then(self, finish: Callable[[T], U]) -> Pending[U]:
        """The same work, with ``finish`` applied to its result in this process when collected."""
        return _Then(self, finish)


class _Then(Pending[U]):
    def __init__(self, inner: Pending[Any], finish: Callable[[Any], U]) -> None:
        super().__init__(lambda: finish(inner.result()), inner.close)
        self._inner = inner

    @property
    def background(self) -> bool:
        return self._inner.background


def worker_processes(n_jobs: int | None = None) -> int:
    """Worker processes :func:`start` hands work to for ``n_jobs``: one fewer, the caller being the other.

    The caller computes beside its workers (that is what :func:`start` is for), so ``n_jobs``
    processes work at once with ``n_jobs - 1`` workers: on two cores, this process and one
    worker. A third process on two cores only shares them, and holds its own interpreter, imports
    and working set (about 0.2 GB at 100,000 people).

    Examples
    --------
    >>> worker_processes(1), worker_processes(2), worker_processes(8)
    (0, 1, 7)
    """
    return effective_n_jobs(n_jobs) - 1


def start(func: Callable[..., T], tasks: Iterable[Sequence[Any]], *, n_jobs: int | None = None) -> Pending[list[T]]:
    """``[func(*task) for task in tasks]`` in worker processes, returning at once.

    Parameters
    ----------
    func : callable
        A module-level function (workers import it by name).
    tasks : iterable of argument tuples
        One call per task.
    n_jobs : int or None
        Processes computing at once, this one included (None: the cores available): the tasks
        go to ``n_jobs - 1`` workers (:func:`worker_processes`), in order. With 1 the calls run
        in this process before ``start`` returns.

    Returns
    -------
    Pending
        Its result is the list of return values in task order.
    """
    tasks = [tuple(task) for task in tasks]
    workers = worker_processes(n_jobs)
    if workers == 0 or not tasks:
        return Pending.done([func(*(a.value if isinstance(a, Once) else a for a in task)) for task in tasks])
    executor = _executor(workers)
    shared = list({id(a): a for task in tasks for a in task if isinstance(a, Once)}.values())
    with _LOCK:
        if not _outstanding[0]:  # a new folder for the arrays mapped while work is outstanding
            _new_mapped_arrays_folder(executor)
        _outstanding[0] += 1
    # Every task is submitted now (they are few and coarse); the futures keep their order and let
    # the caller collect later.
    futures = [executor.submit(_task, func, *task) for task in tasks]

    released = threading.Event()

    def release() -> None:  # once, whether collected, stopped, or both (a failed collect stops)
        if released.is_set():
            return
        released.set()
        for once in shared:
            once.remove()
        with _LOCK:
            _outstanding[0] -= 1
            if not _outstanding[0]:  # the arrays mapped for the workers: no work reads them now
                _release_mapped_arrays(executor)

    def collect() -> list[T]:
        try:
            return [future.result() for future in futures]
        finally:
            release()

    def stop() -> None:
        for future in futures:
            future.cancel()
        if not all(future.done() for future in futures):  # still computing: the workers go
            executor.terminate(kill_workers=True)
        release()

    return Pending(collect, stop)


_LOCK = threading.Lock()
_outstanding = [0]  # work started and neither collected nor stopped


def _new_mapped_arrays_folder(executor: Any) -> None:
    manager = getattr(executor, "_temp_folder_manager", None)
    if manager is not None:
        import uuid

        manager.set_current_context(f"orgnet-{uuid.uuid4().hex}")


def _release_mapped_arrays(executor: Any) -> None:
    """Let go of the temporary files of the arrays memory-mapped for the workers (as ``Parallel``
    does after each call): each is deleted once no worker maps it any more."""
    manager = getattr(executor, "_temp_folder_manager", None)
    if manager is not None:
        manager._clean_temporary_resources(force=False)


def _executor(workers: int) -> Any:
    """joblib's reusable loky executor with ``workers`` processes and memory-mapped large arrays.

    The executor :class:`joblib.Parallel` itself runs on (``joblib.executor``), used directly:
    ``Parallel`` runs one job in the calling process, and one worker beside the caller is what
    a machine of two cores wants. Worker threads of OpenMP and BLAS are limited to the cores
    left per process, as ``Parallel`` limits them.
    """
    from joblib import cpu_count
    from joblib._parallel_backends import ParallelBackendBase
    from joblib.executor import get_memmapping_executor

    threads = str(max(int(cpu_count()) // (workers + 1), 1))
    env = {var: os.environ.get(var, threads) for var in ParallelBackendBase.MAX_NUM_THREADS_VARS}
    return get_memmapping_executor(workers, timeout=300, env=env, max_nbytes=1 << 20, mmap_mode="r")


_IN_WORKER = False


def in_worker() -> bool:
    """Whether this process is one of these workers (it runs orgnet's tasks and no user code).

    Examples
    --------
    >>> in_worker(), parallel_map(_in_worker_task, [()], n_jobs=2)
    (False, [True])
    """
    return _IN_WORKER


def _in_worker_task() -> bool:
    return in_worker()


def _task(func: Callable[..., T], *args: Any) -> T:
    """One task in a worker: ``func(*args)``, then the heap's free pages returned to the system.

    A worker outlives its task (it is reused, and idles for minutes), and glibc keeps the pages
    of freed temporaries: without the trim a worker held its largest task's memory while the
    main process reached its own peak (at a million people the analysis's workers, beside a
    main process of 8.8 GB).
    """
    from orgnet.malloc import trim_heap

    global _IN_WORKER
    _IN_WORKER = True
    out = func(*args)
    trim_heap()
    return out


def _stopped() -> Any:
    raise RuntimeError("the work was stopped before its result was collected")


def start_call(func: Callable[..., T], /, *args: Any, n_jobs: int | None = None) -> Pending[T]:
    """``func(*args)`` in a worker process (in this process with ``n_jobs=1``), returning at once.

    Examples
    --------
    >>> start_call(divmod, 17, 5, n_jobs=2).result()
    (3, 2)
    """
    return start(func, [args], n_jobs=n_jobs).then(_first)


def _first(values: list[T]) -> T:
    return values[0]


def parallel_map(func: Callable[..., T], tasks: Iterable[Sequence[Any]], *, n_jobs: int | None = None) -> list[T]:
    """``[func(*task) for task in tasks]`` on :func:`worker_processes` workers, in task order.

    Examples
    --------
    >>> parallel_map(max, [(1, 5), (7, 2)], n_jobs=1)
    [5, 7]
    """
    return start(func, tasks, n_jobs=n_jobs).result()


def ordered_threads(func: Callable[[T], U], items: Iterable[T], *, threads: int) -> Iterator[U]:
    """``func(item)`` for each item, ``threads`` at a time in threads of this process, in order.

    For work that spends its time in C code releasing the GIL (Arrow's compute kernels): the
    items are taken from ``items`` only as results are collected, so at most ``threads`` are
    in flight and the memory stays bounded whatever their number. The first error, in item
    order, is raised; items not started by then are not run. ``threads`` of 1 runs everything
    in this thread.

    Examples
    --------
    >>> list(ordered_threads(abs, iter([-3, 1, -2]), threads=2))
    [3, 1, 2]
    """
    if threads <= 1:
        yield from map(func, items)
        return
    from collections import deque
    from concurrent.futures import Future, ThreadPoolExecutor

    pending: deque[Future[U]] = deque()
    with ThreadPoolExecutor(threads, thread_name_prefix="orgnet") as pool:
        try:
            for item in items:
                pending.append(pool.submit(func, item))
                del item  # held by its task only: freed when the task is done
                if len(pending) >= threads:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()
