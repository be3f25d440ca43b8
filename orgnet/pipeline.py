"""The whole job behind ``orgnet analyze``, as one library call: read, prepare, analyse, write.

Each step is a function of its own elsewhere; this module only puts them in order so the
command line, a notebook and the benchmarks run exactly the same pipeline.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from orgnet.connectors.base import InputError
from orgnet.directory import read_directory
from orgnet.events import with_coded_ids, with_whole_times, without_item
from orgnet.findings import AnalysisOptions, Findings, analyze
from orgnet.findings.compute import check_directory_matches, check_window
from orgnet.identity import read_aliases
from orgnet.load import LoadedEvents, load_events, mark_loaded
from orgnet.malloc import release_freed_memory
from orgnet.privacy import (
    DEFAULT_KEEP_ATTRIBUTES,
    apply_privacy,
    exclude_people,
    load_key,
    read_exclusion_list,
)
from orgnet.privacy.optout import without_people
from orgnet.privacy.terminal import plain
from orgnet.report import GRAPH_FILES_MAX_TIES, write_report
from orgnet.report.files import check_output_folder, report_lock, terminate_as_exit

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
    group_column : str or None
        The directory's column of formal groups (``--group-column``), used as its department.
    analysis : AnalysisOptions
        What to compute.
    store : Path or None
        Read events from this DuckDB store (``orgnet import``) instead of ``paths``.
    pseudonymize : bool
        Replace every person id, name and e-mail in every output by a keyed pseudonym.
    key : bytes or None
        The pseudonymisation key (read from ``$ORGNET_KEY`` when None and needed); never shown.
    keep_attributes, drop_attributes : tuple of str
        People attributes kept or dropped when pseudonymising (default: keep ``department``).
    keep_labels : bool
        When pseudonymising, keep the group labels of kept attributes (``--keep-labels``);
        labels naming a member are replaced all the same. Default: every label a pseudonym.
    min_group_size : int
        Groups smaller than this are suppressed in group-level results (0 or 1: off).
    aggregate_only : bool
        No individual in the report at all: group-level results and counts only.
    exclude : Path or None
        Opt-out list (platform ids, usernames, e-mails or directory ids): these people are
        removed before anything is counted.
    strict_exclude : bool
        An opt-out entry that matches no one is an error (``--strict``), not a warning.
    aliases : Path or None
        CSV of ``alias,person`` pairs merging known aliases into one person.
    keep_senders : tuple of str
        Ids or e-mails kept as people although evidence says they are not (``--keep-sender``).
    non_human : Path or None
        Ids or e-mails that are not people, one per line (``--non-human``).
    auto_merge : bool
        Merge the duplicate identities the evidence makes certain (``--no-auto-merge``: off).
    graph_files_max_ties : int or None
        Write GraphML and GEXF only up to this many ties (None or 0: always); see
        :func:`orgnet.report.write_report`.
    keep_events : bool
        Keep the events in :attr:`RunResult.loaded` (default: they are let go once analysed, before
        the report is written: ~0.4 GB at 10M events, ~2 GB at 50M).

    See ``docs/privacy.md`` and ``docs/identities.md``.
    """

    format: str | None = None
    reader_options: dict[str, Any] = field(default_factory=dict)
    directory: Path | None = None
    group_column: str | None = None
    analysis: AnalysisOptions = field(default_factory=AnalysisOptions)
    store: Path | None = None
    pseudonymize: bool = False
    key: bytes | None = field(default=None, repr=False)
    keep_attributes: tuple[str, ...] = DEFAULT_KEEP_ATTRIBUTES
    drop_attributes: tuple[str, ...] = ()
    keep_labels: bool = False
    min_group_size: int = 5
    aggregate_only: bool = False
    exclude: Path | None = None
    strict_exclude: bool = False
    aliases: Path | None = None
    keep_senders: tuple[str, ...] = ()
    non_human: Path | None = None
    auto_merge: bool = True
    graph_files_max_ties: int | None = GRAPH_FILES_MAX_TIES
    keep_events: bool = False


def _domains(reader_options: dict[str, Any]) -> list[str]:
    value = reader_options.get("org_domain")
    return [value] if isinstance(value, str) else list(value or [])


def _membership(loaded: LoadedEvents) -> dict[str, Any] | None:
    """Who counts as a member and why, as identity resolution stated it (None when it did not)."""
    info = getattr(loaded, "membership", None)
    if info is None:
        return None
    return dataclasses.asdict(info) if dataclasses.is_dataclass(info) else dict(info)


@dataclass
class RunResult:
    """What a run produced: the findings and where the report is.

    ``loaded`` is what was read (people, sources, membership, duplicates); its ``events`` are an
    empty table unless :attr:`RunOptions.keep_events` (they are let go before the report).
    """

    findings: Findings
    report: Path
    loaded: LoadedEvents
    unmatched_exclusions: tuple[str, ...] = ()


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

    Raises
    ------
    orgnet.report.files.ReportBusyError
        Another run is writing to ``out`` (checked first, and held to the end).
    """
    # One run per report folder; SIGTERM ends the run as an error does (temporary files removed).
    with report_lock(out), terminate_as_exit():
        return _run(paths, out, options or RunOptions(), progress)


def _run(paths: Sequence[str | Path], out: str | Path, opts: RunOptions, progress: StepReporter) -> RunResult:
    check_output_folder(out)
    # Key and opt-out list are checked before any work: a missing one fails fast.
    key = opts.key if opts.key is not None or not opts.pseudonymize else load_key()
    opted_out = read_exclusion_list(opts.exclude) if opts.exclude is not None else None
    # The directory and alias files are read first: identity resolution needs them.
    directory = read_directory(opts.directory, group_column=opts.group_column) if opts.directory else None
    aliases = read_aliases(opts.aliases) if opts.aliases else None
    non_human = read_exclusion_list(opts.non_human) if opts.non_human is not None else []
    identity = {"keep_senders": opts.keep_senders, "non_human": non_human}
    if opts.store is not None:
        from orgnet.store import load as load_store

        with progress(f"Reading the store {opts.store}"):
            loaded = mark_loaded(load_store(opts.store, opts.analysis.since, opts.analysis.until),
                                 directory=directory, org_domains=_domains(opts.reader_options), **identity)
    else:
        with progress(f"Reading {len(paths)} source(s)"):
            loaded = load_events(list(paths), format=opts.format, directory=directory, aliases=aliases,
                                 auto_merge=opts.auto_merge, exclude=opted_out, keep_item=False, **identity,
                                 **opts.reader_options)
    excluded, unmatched = None, ()
    if opted_out is not None and loaded.opt_out is not None:  # removed while reading
        directory = without_people(directory, loaded.opt_out.persons)
        excluded, unmatched = loaded.opt_out.excluded, loaded.opt_out.unmatched
    elif opted_out is not None:  # a store: its ids are canonical already
        ex = exclude_people(loaded.events, loaded.people, directory, opted_out)
        loaded = replace(loaded, events=ex.events, people=ex.people if ex.people is not None else loaded.people)
        directory, excluded, unmatched = ex.directory, ex.excluded, ex.unmatched
    if unmatched and opts.strict_exclude and opts.exclude is not None:
        raise InputError(opts.exclude, f"{len(unmatched)} entr{'y' if len(unmatched) == 1 else 'ies'} matched no "
                                       f"one: {', '.join(plain(u) for u in unmatched[:10])}; expected a platform id, "
                                       "username, e-mail or directory id of someone in the exports")
    # Repeated events are dropped and per-message counts made: nothing after reads the item ids;
    # ids are final: each is stored once, the events hold codes (the compact contract, orgnet.events);
    # the times in one piece, which the measures then read without a copy (orgnet.events.event_times).
    loaded = replace(loaded, events=with_whole_times(with_coded_ids(without_item(loaded.events))))
    # The readers' temporaries (Parquet pages, text columns before coding) sit freed in Arrow's
    # pool, where numpy's arrays cannot reuse them: back to the system before the analysis.
    release_freed_memory()
    # A window or a directory that selects no one is a slip to report before the analysis runs.
    check_window(loaded.events, opts.analysis.since, opts.analysis.until, loaded.sources)
    if directory is not None and opts.directory is not None:
        check_directory_matches(loaded.events, directory, str(opts.directory))
    # Unless kept, the events are handed over: the analysis then holds the only reference and lets
    # go of the columns no measure reads once the graph is built (at 50M events about 1.2 GB),
    # and of the rest before the report, whose workers get the memory.
    handed = [loaded.events]
    if not opts.keep_events:
        loaded = replace(loaded, events=loaded.events.schema.empty_table())
    findings = analyze(handed.pop(), directory=directory, people=loaded.people, options=opts.analysis,
                       sources=loaded.sources, membership=_membership(loaded), duplicates=loaded.duplicates,
                       progress=progress)
    with progress("Privacy: pseudonyms, small groups"):
        findings = apply_privacy(
            findings, pseudonymize=opts.pseudonymize, key=key, keep_attributes=opts.keep_attributes,
            drop_attributes=opts.drop_attributes, min_group_size=opts.min_group_size,
            aggregate=opts.aggregate_only, people_excluded=excluded, keep_labels=opts.keep_labels)
    release_freed_memory()  # the analysis's temporaries, before the report's workers start
    report = write_report(findings, out, progress=progress, max_graph_ties=opts.graph_files_max_ties,
                          workers=opts.analysis.workers)
    return RunResult(findings, report, loaded, tuple(unmatched))
