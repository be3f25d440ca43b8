"""Reading exports into one events table, and the analysis entry points re-exported.

:func:`load_events` reads and resolves identities; :func:`orgnet.findings.analyze` computes the
findings (re-exported here, with :class:`~orgnet.findings.AnalysisOptions` and
:class:`~orgnet.findings.Findings`, for code written against earlier versions).

Examples
--------
>>> from orgnet.synthetic import toy_org
>>> org = toy_org()
>>> f = analyze(org.events, directory=org.directory)
>>> f.summary.people == len(org.directory)
True
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from orgnet import connectors
from orgnet.findings import AnalysisOptions, Findings, analyze
from orgnet.identity import resolve_identities

__all__ = ["AnalysisOptions", "Findings", "LoadedEvents", "analyze", "load_events"]


@dataclass
class LoadedEvents:
    """Events read from one or several exports, with what each reader saw.

    Attributes
    ----------
    events : pyarrow.Table
        All events, canonical ids.
    people : pandas.DataFrame
        Everyone the exports know (members with no activity included).
    sources : list of dict
        Per path: ``path``, ``format``, ``records_read``, ``records_skipped`` (reason -> count),
        ``events``.
    """

    events: pa.Table
    people: pd.DataFrame
    sources: list[dict[str, Any]] = field(default_factory=list)

    @property
    def records_skipped(self) -> dict[str, int]:
        """Skipped records by reason, summed over sources."""
        total: Counter[str] = Counter()
        for s in self.sources:
            total.update(s["records_skipped"])
        return dict(sorted(total.items()))


def load_events(
    paths: Sequence[str | Path] | str | Path,
    *,
    format: str | None = None,
    directory: pd.DataFrame | None = None,
    aliases: pd.DataFrame | None = None,
    **options: Any,
) -> LoadedEvents:
    """Read one or several exports (format sniffed per path unless given) into one events table.

    People are resolved across sources to one canonical id (:func:`orgnet.identity.resolve_identities`):
    alias file first, then the directory, then the normalised e-mail.

    Parameters
    ----------
    paths : path or sequence of paths
        Files, folders or archives.
    format : str, optional
        Reader name for every path (see :data:`orgnet.connectors.READERS`).
    directory : pandas.DataFrame, optional
        HR directory; its ids are canonical and its e-mails link accounts to them.
    aliases : pandas.DataFrame, optional
        ``alias,person`` pairs (:func:`orgnet.identity.read_aliases`).
    **options
        Passed to the readers (e.g. ``column_map``).

    Returns
    -------
    LoadedEvents
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    results = [connectors.read(p, format=format, **options) for p in paths]
    events, people = resolve_identities(results, directory=directory, aliases=aliases)
    pa.default_memory_pool().release_unused()  # the readers' temporary Arrow buffers
    sources = [
        {
            "path": r.path,
            "format": r.format,
            "records_read": int(r.records_read),
            "records_skipped": dict(sorted(r.records_skipped.items())),
            "events": int(r.events.num_rows),
        }
        for r in results
    ]
    return LoadedEvents(events, people, sources)
