"""Findings: the rules that turn measures into flags, and the typed results the report renders.

``orgnet.metrics`` measures; this package decides (who is an ambassador, a broker, which group
is a silo, what changed) with every threshold a documented option, and returns typed sections
that refer to people and groups by code. Only the report turns codes into names and evidence
into sentences.
"""

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
