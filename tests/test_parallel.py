"""orgnet._parallel: results in task order whatever n_jobs, errors surface, stopped work is gone."""

from __future__ import annotations

import operator
import threading
import time
from collections.abc import Iterator

import numpy as np
import psutil
import pytest

from orgnet import _parallel
from orgnet._parallel import (
    effective_n_jobs,
    ordered_threads,
    parallel_map,
    start,
    start_call,
    worker_processes,
)

# Workers stopped right after the work was handed over: loky's manager thread may then fail on
# a task id it has just dropped (KeyError in ExecutorManagerThread, loky 3.6). The workers are
# killed before that and the next work gets new ones, as the test checks.
_LOKY_STOP_RACE = pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")


def _workers() -> set[int]:
    return {p.pid for p in psutil.Process().children(recursive=True) if "popen_loky" in " ".join(p.cmdline())}


def test_results_come_in_task_order_whatever_n_jobs() -> None:
    tasks = [(i, 7) for i in range(23)]
    expected = [divmod(i, 7) for i in range(23)]
    assert parallel_map(divmod, tasks, n_jobs=1) == expected
    assert parallel_map(divmod, tasks, n_jobs=2) == expected
    assert parallel_map(divmod, tasks, n_jobs=3) == expected


def test_n_jobs_none_is_the_cores_available_and_below_one_is_refused() -> None:
    assert effective_n_jobs(None) == effective_n_jobs() >= 1
    assert effective_n_jobs(2) == 2
    with pytest.raises(ValueError, match="at least 1"):
        effective_n_jobs(0)


def test_background_work_goes_to_one_worker_fewer_than_n_jobs() -> None:
    # The caller computes beside its workers: n_jobs processes at once, this one included.
    assert [worker_processes(k) for k in (1, 2, 3)] == [0, 1, 2]
    assert worker_processes(None) == effective_n_jobs() - 1
    for n_jobs, workers in ((2, 1), (3, 2)):
        pending = start(_pid_after, [(0.5,)] * 4, n_jobs=n_jobs)
        assert len(set(pending.result())) == workers


def _pid_after(seconds: float) -> int:
    time.sleep(seconds)  # long enough for every worker to take a task
    import os

    return os.getpid()


def test_in_process_work_is_done_when_start_returns() -> None:
    pending = start(operator.add, [(1, 2)], n_jobs=1)
    assert not pending.background and pending.result() == [3]


def test_background_work_overlaps_the_caller_and_is_collected_once() -> None:
    pending = start_call(operator.mul, 6, 7, n_jobs=2)
    assert pending.background
    assert pending.result() == 42 and pending.result() == 42
    assert not pending.background


def test_an_exception_in_a_worker_is_raised_by_result_and_the_workers_recover() -> None:
    pending = start(divmod, [(1, 1), (1, 0)], n_jobs=2)
    with pytest.raises(ZeroDivisionError):
        pending.result()
    assert not pending.background
    assert parallel_map(divmod, [(9, 2)], n_jobs=2) == [(4, 1)]
    # A failed collection counts once: large arrays still reach the workers mapped afterwards.
    big = np.arange(1_000_000, dtype=np.float64)
    assert parallel_map(type, [(big,)], n_jobs=2) == [np.memmap]
    assert _parallel._outstanding == [0]


@_LOKY_STOP_RACE
def test_closed_work_stops_its_workers() -> None:
    pending = start(time.sleep, [(60,), (60,)], n_jobs=2)
    busy = _workers()
    assert busy, "the work runs in worker processes"
    t = time.perf_counter()
    pending.close()
    assert time.perf_counter() - t < 30 and not pending.background
    assert not any(psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE for pid in busy)
    with pytest.raises(RuntimeError, match="stopped"):
        pending.result()
    assert start_call(abs, -3, n_jobs=2).result() == 3  # new workers for the next work


def test_workers_are_reused_and_large_arrays_arrive_as_memory_maps() -> None:
    big = np.arange(1_000_000, dtype=np.float64)  # 8 MB: written once, mapped by the workers
    assert parallel_map(type, [(big,), (big[:10],)], n_jobs=2) == [np.memmap, np.ndarray]
    before = _workers()
    assert parallel_map(float.__add__, [(1.0, 2.0)] * 4, n_jobs=2) == [3.0] * 4
    assert _workers() == before


_HELD: list[bytes] = []


def _hold(megabytes: int) -> int:
    time.sleep(1.1)  # loky looks at a worker's memory at most once a second
    _HELD.append(b"x" * (megabytes << 20))  # written, so resident: the worker's own working set
    return len(_HELD)


def test_a_worker_replaced_for_its_memory_does_not_stop_the_work() -> None:
    # loky retires a worker that grew by 300 MB since its first task and warns from its
    # manager thread; under pytest's -W error that warning used to end the thread and hang.
    done: list[list[int]] = []
    thread = threading.Thread(target=lambda: done.append(parallel_map(_hold, [(320,)] * 6, n_jobs=2)),
                              daemon=True)
    thread.start()
    thread.join(timeout=60)
    assert done, "parallel_map did not return within 60 s after a worker was replaced"
    assert len(done[0]) == 6 and min(done[0]) >= 1


def test_ordered_threads_keep_the_items_order_and_run_them_side_by_side() -> None:
    running, most = 0, 0
    lock = threading.Lock()

    def slow_square(x: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.01 * (x % 3))  # later items may finish first
        with lock:
            running -= 1
        return x * x

    assert list(ordered_threads(slow_square, iter(range(12)), threads=3)) == [x * x for x in range(12)]
    assert 1 < most <= 3
    assert list(ordered_threads(slow_square, iter(range(5)), threads=1)) == [x * x for x in range(5)]


def test_ordered_threads_take_items_only_as_results_are_collected() -> None:
    taken: list[int] = []

    def items() -> Iterator[int]:
        for i in range(100):
            taken.append(i)
            yield i

    results = ordered_threads(operator.neg, items(), threads=2)
    assert next(results) == 0
    assert len(taken) <= 3  # not the whole input decoded ahead
    results.close()


def test_ordered_threads_raise_the_first_error_in_item_order() -> None:
    def check(x: int) -> int:
        if x in (3, 5):
            time.sleep(0.02 if x == 3 else 0.0)  # 5 fails first in time, 3 first in order
            raise ValueError(f"item {x}")
        return x

    got: list[int] = []
    with pytest.raises(ValueError, match="item 3"):
        for x in ordered_threads(check, iter(range(10)), threads=3):
            got.append(x)
    assert got == [0, 1, 2]
