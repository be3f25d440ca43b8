"""The analysis entry points, re-exported: reading is :mod:`orgnet.load`, the findings :mod:`orgnet.findings`.

:func:`load_events` and :class:`LoadedEvents` live in :mod:`orgnet.load`;
:func:`orgnet.findings.analyze`, :class:`~orgnet.findings.AnalysisOptions` and
:class:`~orgnet.findings.Findings` in :mod:`orgnet.findings` (all re-exported here for code
written against earlier versions).

Examples
--------
>>> from orgnet.synthetic import toy_org
>>> org = toy_org()
>>> f = analyze(org.events, directory=org.directory)
>>> f.summary.people == len(org.directory)
True
"""

from __future__ import annotations

from orgnet.findings import AnalysisOptions, Findings, analyze
from orgnet.load import LoadedEvents, load_events

__all__ = ["AnalysisOptions", "Findings", "LoadedEvents", "analyze", "load_events"]
