"""The whole job behind ``orgnet analyze``, as one library call: read, prepare, analyse, write.

Each step is a function of its own elsewhere; this module only puts them in order so the
command line, a notebook and the benchmarks run exactly the same pipeline.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orgnet.analysis import AnalysisOptions, Findings, LoadedEvents, analyze, load_events
from orgnet.directory import read_directory
from orgnet.report import write_report
from orgnet.report.files import check_output_folder

__all__ = ["RunOptions", "RunResult", "run"]

StepReporter = Callable[[str], AbstractContextManager[Any]]


def _quiet(_: str) -> AbstractContextManager[Any]:
    return nullcontext()


@dataclass(frozen=True)
class RunOptions:
    """Everything ``orgnet analyze`` can be told, beyond what to read and where to write.

    Attributes
    ----------
    format : str or None
        Reader for every path (sniffed per path when None).
    reader_options : dict
        Passed to the readers (e.g. ``column_map``).
    directory : Path or None
        HR directory CSV.
    analysis : AnalysisOptions
        What to compute.
    store : Path or None
        Read events from this DuckDB store (``orgnet import``) instead of ``paths``.
    """

    format: str | None = None
    reader_options: dict[str, Any] = field(default_factory=dict)
    directory: Path | None = None
    analysis: AnalysisOptions = field(default_factory=AnalysisOptions)
    store: Path | None = None


@dataclass
class RunResult:
    """What a run produced: the findings and where the report is."""

    findings: Findings
    report: Path
    loaded: LoadedEvents


def run(
    paths: Sequence[str | Path],
    out: str | Path,
    options: RunOptions | None = None,
    *,
    progress: StepReporter = _quiet,
) -> RunResult:
    """Read exports, analyse them and write the report folder (atomically).

    Parameters
    ----------
    paths : sequence of paths
        Exports to read (files, folders, archives).
    out : str or Path
        Report folder; checked before any work is done.
    options : RunOptions, optional
        Defaults when not given.
    progress : callable
        ``progress(step)`` returns a context manager wrapped around each long step.

    Returns
    -------
    RunResult
    """
    opts = options or RunOptions()
    check_output_folder(out)
    if opts.store is not None:
        from orgnet.store import load as load_store

        with progress(f"Reading the store {opts.store}"):
            loaded = load_store(opts.store, opts.analysis.since, opts.analysis.until)
    else:
        with progress(f"Reading {len(paths)} source(s)"):
            loaded = load_events(list(paths), format=opts.format, **opts.reader_options)
    directory = read_directory(opts.directory) if opts.directory else None
    findings = analyze(loaded.events, directory=directory, people=loaded.people, options=opts.analysis,
                       sources=loaded.sources, progress=progress)
    report = write_report(findings, out, progress=progress)
    return RunResult(findings, report, loaded)
