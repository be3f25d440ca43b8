"""Reasons as data: what kind of evidence, its numbers, and the groups and people it refers to by code.

A finding (an ambassador, a broker, a silo) carries the numbers that made it, never a sentence.
The report words each :class:`Evidence` for its reader (``orgnet.report.words``), choosing the
noun ("department" or "community"), the plural and the names — so privacy can hide a group or a
person by code, and a pseudonymised report cannot leak a name through a sentence written earlier.

Every evidence kind is listed in :data:`EVIDENCE_KINDS` with the numbers it carries: the report has
one wording per kind, and a test checks that each kind has one.

Examples
--------
>>> e = Evidence("come_to_them", {"people": 12, "weight": 30.0})
>>> e.kind, e.numbers["people"], e.groups, e.people
('come_to_them', 12, (), ())
>>> Reason("central connector", (e,)).evidence[0] is e
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["EVIDENCE_KINDS", "Evidence", "Reason"]

#: Evidence kind -> the numbers it carries (and, in brackets, whether it refers to groups or people).
EVIDENCE_KINDS: dict[str, tuple[str, ...]] = {
    # ambassadors
    "responders": ("people", "groups"),
    "weeks_active": ("active", "weeks"),
    "conversations": ("conversations",),
    "gives_back": ("responses", "people"),
    "shares_others": ("people",),
    # central connectors
    "pagerank_top": ("top_share", "pagerank", "overall"),  # overall 0: flagged within the group only
    "come_to_them": ("people", "weight"),
    "within_group": ("z",),  # [group]
    # boundary spanners
    "participation": ("participation", "top_share"),
    "other_groups": ("groups",),
    # information brokers
    "betweenness_top": ("top_share", "betweenness"),
    "constraint": ("constraint", "median"),
    "outside_weight": ("share", "effective_groups", "groups"),
    "effective_size": ("effective_size",),
    "brokerage": ("total", "liaison", "gatekeeper", "representative", "itinerant", "coordinator"),
    # peripheral people and newcomers
    "few_contacts": ("contacts", "limit", "median"),
    "started_recently": ("days", "window", "hired"),
    # silos
    "outside_share": ("share", "external", "total", "typical", "limit", "test_z", "organisation"),
    "island": ("share", "limit", "ei", "ei_expected", "ei_z"),
    "ei_baseline": ("ei", "ei_expected", "ei_z"),
    "members_outside": ("members", "size"),
    "bridges": ("count", "share", "fragile"),  # [people]
}


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence behind a finding.

    Attributes
    ----------
    kind : str
        A key of :data:`EVIDENCE_KINDS`.
    numbers : mapping of str to float
        The figures, named as :data:`EVIDENCE_KINDS` lists them.
    groups : tuple of int
        Group codes the evidence refers to, in the finding's grouping.
    people : tuple of int
        Node codes of the people it refers to.
    """

    kind: str
    numbers: Mapping[str, float] = field(default_factory=dict)
    groups: tuple[int, ...] = ()
    people: tuple[int, ...] = ()


@dataclass(frozen=True)
class Reason:
    """Why someone or some group was flagged: the finding and its evidence, in order.

    Attributes
    ----------
    finding : str
        What was found ("ambassador", a role such as "information broker", "silo").
    evidence : tuple of Evidence
        The evidence, most important first.
    """

    finding: str
    evidence: tuple[Evidence, ...]
