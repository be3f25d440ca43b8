"""Findings: the rules that turn measures into flags, and the typed results the report renders.

``orgnet.metrics`` measures; this package decides (who is an ambassador, a broker, which group
is a silo, what changed) with every threshold a documented option, and returns typed sections
that refer to people and groups by code. Only the report turns codes into names and evidence
into sentences.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from orgnet.findings.compute import AnalysisOptions, analyze, eligible_people
    from orgnet.findings.model import (
        Ambassadors,
        Connectors,
        Findings,
        Formal,
        Grouping,
        GroupMatrix,
        Groups,
        Periods,
        Population,
        Pyramid,
        Responses,
        Silos,
        Summary,
    )
    from orgnet.findings.reasons import Evidence, Reason
    from orgnet.findings.rules import Rules

#: Where each public name lives: imported on first use, so that `orgnet rules` (which reads only
#: orgnet.findings.rules) does not load the analysis stack behind orgnet.findings.compute.
_HOMES = {
    "AnalysisOptions": "compute", "analyze": "compute", "eligible_people": "compute",
    "Ambassadors": "model", "Connectors": "model", "Findings": "model", "Formal": "model", "Grouping": "model",
    "GroupMatrix": "model", "Groups": "model", "Periods": "model", "Population": "model", "Pyramid": "model",
    "Responses": "model", "Silos": "model", "Summary": "model",
    "Evidence": "reasons", "Reason": "reasons", "Rules": "rules",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'orgnet.findings' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"orgnet.findings.{home}"), name)
    globals()[name] = value
    return value


__all__ = [
    "Ambassadors",
    "AnalysisOptions",
    "Connectors",
    "Evidence",
    "Findings",
    "Formal",
    "GroupMatrix",
    "Grouping",
    "Groups",
    "Periods",
    "Population",
    "Pyramid",
    "Reason",
    "Responses",
    "Rules",
    "Silos",
    "Summary",
    "analyze",
    "eligible_people",
]
