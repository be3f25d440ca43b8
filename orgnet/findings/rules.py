"""Every threshold that turns a measure into a flag, with its default and why, in one place.

The rules are grouped by finding. Each default is either a published convention (cited) or a
position in the organisation's own distribution (a percentile, a share of the median, a robust
z-score), so a rule means the same in a 50-person team and a 100,000-person company and is never
fitted to one data set. Change any of them from Python (``Rules(silos=SiloRules(test_z=2.5))``)
or from the command line (``orgnet analyze --rule silos.test_z=2.5``); ``docs/metrics.md`` has
the same table in prose.

Examples
--------
>>> r = Rules().with_overrides({"silos.test_z": "2.5", "connectors.top_share": "0.05"})
>>> r.silos.test_z, r.connectors.top_share, Rules().silos.test_z
(2.5, 0.05, 3.0)
>>> sorted(Rules.names())[:3]
['ambassadors.outlier_z', 'ambassadors.reach_weight', 'ambassadors.top_share']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

__all__ = [
    "AmbassadorRules",
    "CommunityRules",
    "ConnectorRules",
    "FormalRules",
    "Rules",
    "SiloRules",
    "TrendRules",
]


def _attribute_docs(doc: str) -> dict[str, str]:
    """The numpydoc ``Attributes`` section of a docstring as name -> one-line text."""
    lines = doc.split("Attributes\n")[-1].splitlines()
    out: dict[str, str] = {}
    name = None
    for line in lines:
        text = line.strip()
        if not text or set(text) == {"-"}:
            continue
        if " : " in text and not line.startswith(" " * 8):
            name = text.split(" : ")[0]
            out[name] = ""
        elif name is not None:
            out[name] = (out[name] + " " + text).strip()
    return out


@dataclass(frozen=True)
class AmbassadorRules:
    """Passionate ambassadors.

    Attributes
    ----------
    outlier_z : float
        A person is flagged when the modified z-score (Iglewicz & Hoaglin 1993:
        ``0.6745 (x - median) / MAD``) of their score among contributors is at or above this
        (3.5, the authors' recommended outlier cut-off) and more distinct people respond to
        them than to three quarters of contributors (the upper quartile) ...
    top_share : float
        ... and their score ranks in the top 2% of the organisation's members (everyone who can
        hold a role, contributing or not; at least one person): a few per hundred, the size of
        a go-to list as for central connectors. Counted over members, not contributors, so that
        many light contributors, who narrow the contributors' median and MAD, do not let more
        people through.
    reach_weight : float
        Share of the score carried by reach (distinct responders and the groups they come
        from): one half, because drawing people in is what sets an ambassador apart; the other
        half is split over weeks active, conversations, people answered and people shared.
    """

    outlier_z: float = 3.5
    top_share: float = 0.02
    reach_weight: float = 0.5


@dataclass(frozen=True)
class ConnectorRules:
    """Central connectors, boundary spanners, information brokers, peripheral people, newcomers.

    Attributes
    ----------
    top_share : float
        Central connector: PageRank or weighted in-degree in the organisation's top 2% (a
        handful per hundred people, the usual size of an ONA "go-to" list) ...
    min_in_degree_percentile : float
        ... and, whichever rule flags them, at least as many distinct people coming to them as
        the 90th percentile of people with ties (and at least 2): "central" means many people,
        in the numbers this organisation has, not heavy traffic from one.
    group_z : float
        Central connector within a group: modified z-score of ``log(1 + distinct people coming
        to them)`` among the group's own people at least 3.5 (Iglewicz & Hoaglin's outlier
        cut-off). Distinct people, as the finding says ("far more people turn to them than to
        their colleagues"), not the weighted in-degree: e-mail weight is shared among a
        message's recipients, so in a group where most people received a share of a few group
        mails (a median of 0.1) ``log(1 + weight)`` hardly varies and anyone sent a few direct
        messages was an outlier. On the Enron maildir subset (communities whose median member
        has 1 or 2 people coming to them) the weight rule found 128 local go-to people, 37 of
        them people who never wrote, from 7 people coming to them up (median 13.5); on
        distinct people, 46 (7 who never wrote), from 8 up (median 30.5), and 60 central
        connectors in all instead of 132.
    min_group : int
        Groups smaller than 5 are not ranked internally (a z-score of four people says little).
    spanner_percentile : float
        Boundary spanner: participation coefficient at or above the 90th percentile of people
        with ties.
    spanner_min_groups : int
        ... and ties into at least 2 other groups.
    broker_share : float
        Information broker: betweenness in the top 10% ...
    broker_min_outside_share : float
        ... at least half of the tie weight outside the own group ...
    broker_test_z : float
        ... above the organisation's share of tie weight that crosses groups (each person's
        outside share weighted by their tie weight) beyond chance: one-sided binomial z over
        their distinct contacts at least 3 (``Phi(-3)``, as for silos), so where everyone's ties
        cross groups (noisy or project-based organisations) crossing them is no evidence ...
    broker_concentration_z : float
        ... their contacts in other groups gathered in some groups beyond chance, against
        contacts drawn at random from the people of the other groups: Pearson's chi-square
        with Haldane's exact moments as a z-score at least 3 (``Phi(-3)``;
        :func:`orgnet.metrics.brokerage.outside_concentration`). A broker links particular
        groups; someone tied to people all over the organisation (who answers everyone, random
        chatter) is on paths between groups without linking any. Not asked of people with too
        few contacts to tell (every contact in the smallest other group would still fall short
        of z = 3): no evidence either way ...
    broker_min_other_groups : float
        ... spread over at least 2 effective other groups (inverse Simpson; with the own group
        three groups meet in the person, the Gould-Fernandez liaison position), Burt constraint at or below the median, a group of their own
        (with none, every tie would count as outside), and not a central connector (Cross &
        Parker's distinction).
    peripheral_share_of_median : float
        Peripheral: distinct contacts at most a quarter of the median of people with ties (at
        least 1); only people who contribute (a watcher with no tie is expected) ...
    min_days : int
        ... and only when the timed data covers at least 90 days (a quarter, the usual window of
        an organisational network analysis; gaps in the data, see :class:`TrendRules`, do not
        count): over a few days or weeks, few contacts says more about the window than the
        person. Newcomers by first activity need twice this without a gap: a quarter to be new
        in and a quarter before it to be established against.
    newcomer_days : int
        Newcomer: hired within 90 days (a quarter, the usual onboarding horizon) of the end of
        the data, by the directory's hire date whenever there is one, however long the data
        runs; or else first active within them after at least ``min_days`` of data without a
        gap right before (someone first seen just after a gap in the data, or at its start, may
        have been there all along), among people who contribute (a join-only account is a
        watcher). A newcomer is never peripheral: few contacts is expected
        of them (peripheral needs tenure) ...
    newcomer_percentile : float
        ... with fewer distinct contacts than this quantile (the median) of the established
        people (the other members with at least one contact): not yet as connected as the
        typical person.
    """

    top_share: float = 0.02
    min_in_degree_percentile: float = 0.9
    group_z: float = 3.5
    min_group: int = 5
    spanner_percentile: float = 0.9
    spanner_min_groups: int = 2
    broker_share: float = 0.10
    broker_min_outside_share: float = 0.5
    broker_test_z: float = 3.0
    broker_concentration_z: float = 3.0
    broker_min_other_groups: float = 2.0
    peripheral_share_of_median: float = 0.25
    min_days: int = 90
    newcomer_days: int = 90
    newcomer_percentile: float = 0.5


@dataclass(frozen=True)
class SiloRules:
    """Silos (see :mod:`orgnet.findings.silos` for the rule in full).

    Attributes
    ----------
    share_of_median : float
        A silo's outside share is at most a quarter of the typical (median) group's.
    test_z : float
        ... and below it beyond chance: one-sided binomial p at most ``Phi(-3)`` = 0.00135.
    island_share : float
        Where groups cannot be told apart (fewer than 3 groups with ties, a median share of 0,
        or at most this share of the organisation's weight crossing any boundary), a group is
        an island when at most 5% of its tie weight crosses its boundary ...
    z_max : float
        ... and its E-I index is at least 3 standard deviations below its permutation baseline.
    outlier_z : float or None
        Optionally also a low outlier among groups (modified z of the logit share at or below
        minus this); off by default, the z is reported either way.
    min_size : int
        One person is not a group: groups of fewer than 2 are never flagged.
    bridge_share : float
        Bridges are the fewest members who together carry 80% of the group's outside weight.
    permutations : int
        Shuffles of the E-I permutation baseline (200), run only where the island rule needs it.
    """

    share_of_median: float = 0.25
    test_z: float = 3.0
    island_share: float = 0.05
    z_max: float = -3.0
    outlier_z: float | None = None
    min_size: int = 2
    bridge_share: float = 0.8
    permutations: int = 200


@dataclass(frozen=True)
class FormalRules:
    """Formal against informal structure.

    Attributes
    ----------
    split_share : float
        A department splits when at least two communities each hold 20% of its members (a fifth
        working as its own cluster is a visible fault line) ...
    split_members : int
        ... and at least 2 people each (one person is not a fault line).
    leader_percentile : float
        An informal leader: not a manager, with PageRank at or above the 90th percentile of
        managers'.
    """

    split_share: float = 0.2
    split_members: int = 2
    leader_percentile: float = 0.9


@dataclass(frozen=True)
class CommunityRules:
    """Informal communities (see :mod:`orgnet.metrics.communities`).

    Attributes
    ----------
    max_iterations : int
        The resolution is Newman's (2016) maximum-likelihood estimate, re-estimated from the
        partition at most 10 times (it usually settles in 3 to 7) unless ``--resolution`` is given.
    tolerance : float
        Re-estimating stops when the resolution moves by less than 0.5% of it: below that,
        successive partitions differ as little as two seeds' do
        (:func:`orgnet.metrics.communities.choose_resolution`).
    stability_seeds : int
        Leiden is run again with 3 other seeds at the chosen resolution; the mean normalised
        mutual information with the reported partition is its seed stability.
    min_stability : float
        Communities are stable when that mean is at least 0.8 (below it a fifth or more of the
        partition's information changes with the seed): on unstable communities the report
        says so and reports no trend.
    """

    max_iterations: int = 10
    tolerance: float = 0.005
    stability_seeds: int = 3
    min_stability: float = 0.8


@dataclass(frozen=True)
class TrendRules:
    """Trends between periods.

    Attributes
    ----------
    full_period : float
        A period counts for trends when the data covers at least 80% of it (a partial first or
        last period is small by construction). Covered time leaves out gaps in the data: runs of
        at least 28 days without any event that are also at least 4 times the data's median
        spacing between days with events (:func:`orgnet.metrics.time.covered_spans`); a period
        inside a gap is no data (left out of per-period tables), not a period of no activity,
        and "active N of M weeks" counts covered weeks only.
    ei_drop : float
        A group "turned inward" when its E-I index fell by at least 0.3 between the first and
        last complete periods (monthly windows are sparse and E-I moves by chance) ...
    change_z : float
        ... and the fall is larger than its uncertainty: the share of the group's ties that leave
        it fell by more than 1.96 standard errors (a two-proportion z test, pooled, with Yates's
        continuity correction; :func:`orgnet.findings.periods.clear_fall`). A change of a count
        (events, active people, ties) is called clear the same way, against its Poisson error.
    """

    full_period: float = 0.8
    ei_drop: float = 0.3
    change_z: float = 1.96


@dataclass(frozen=True)
class Rules:
    """All the rules; see each class for the defaults and why."""

    ambassadors: AmbassadorRules = field(default_factory=AmbassadorRules)
    connectors: ConnectorRules = field(default_factory=ConnectorRules)
    silos: SiloRules = field(default_factory=SiloRules)
    formal: FormalRules = field(default_factory=FormalRules)
    trends: TrendRules = field(default_factory=TrendRules)
    communities: CommunityRules = field(default_factory=CommunityRules)

    @classmethod
    def names(cls) -> list[str]:
        """Every rule as ``section.name``."""
        out: list[str] = []
        defaults = cls()
        for section in fields(cls):
            out.extend(f"{section.name}.{f.name}" for f in fields(getattr(defaults, section.name)))
        return out

    def describe(self) -> list[tuple[str, float | int | None, str]]:
        """Every rule as ``(section.name, current value, what it means)``, from the docstrings.

        Examples
        --------
        >>> name, value, text = Rules().describe()[0]
        >>> name, value, text.startswith("A person is flagged when the modified z-score")
        ('ambassadors.outlier_z', 3.5, True)
        """
        out: list[tuple[str, float | int | None, str]] = []
        for section in fields(self):
            rules = getattr(self, section.name)
            doc = _attribute_docs(type(rules).__doc__ or "")
            out.extend((f"{section.name}.{f.name}", getattr(rules, f.name), doc.get(f.name, ""))
                       for f in fields(rules))
        return out

    def with_overrides(self, overrides: Mapping[str, str | float | int | None]) -> Rules:
        """A copy with some rules changed, named ``section.name`` (values may be text).

        Raises
        ------
        ValueError
            An unknown rule, or a value that is not a number.
        """
        out = self
        for key, raw in overrides.items():
            section, _, name = key.partition(".")
            if key not in self.names():
                raise ValueError(f"unknown rule {key!r}; expected one of: {', '.join(sorted(self.names()))}")
            current = getattr(out, section)
            kind = type(getattr(Rules(), section)).__dataclass_fields__[name].type
            value: float | int | None
            if raw is None or (isinstance(raw, str) and raw.strip().lower() in ("", "none", "off")):
                if "None" not in str(kind):
                    raise ValueError(f"rule {key} needs a number")
                value = None
            else:
                try:
                    value = int(raw) if str(kind) == "int" else float(raw)
                except ValueError:
                    raise ValueError(f"rule {key}: expected a number, got {raw!r}") from None
            out = dataclasses.replace(out, **{section: dataclasses.replace(current, **{name: value})})
        return out
