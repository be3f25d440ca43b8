"""The typed findings :func:`orgnet.findings.analyze` returns and the report renders.

Every section refers to people by **node code** (the row of :attr:`Findings.people`) and to groups
by **group code** (the position in a :class:`Grouping`'s labels). Ids, names and group labels live
in exactly two places — the people table and the groupings — so privacy maps them once
(pseudonyms, hidden groups) and nothing written later can leak what it hid. The report is the
only place where codes become names and evidence becomes sentences.

Each table's columns are documented in the class's ``COLUMNS`` mapping (name -> meaning); the
JSON schema of ``findings.json`` (``docs/findings.schema.json``) is checked against them by a test.

Examples
--------
>>> from orgnet.synthetic import toy_org
>>> from orgnet.findings import analyze
>>> f = analyze(toy_org().events, directory=toy_org().directory)
>>> f.groups.primary, f.groups.by_kind["department"].labels[:2].tolist()
('department', ['Applied Research', 'Compensation and Benefits'])
>>> f.ambassadors.status, f.ambassadors.scored  # 60 people: the best three are not outliers
('none_stand_out', 30)
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from orgnet.findings.reasons import Evidence, Reason

__all__ = [
    "Ambassadors",
    "Channels",
    "Connectors",
    "Findings",
    "Formal",
    "GroupMatrix",
    "Grouping",
    "Groups",
    "PEOPLE_COLUMNS",
    "Periods",
    "Population",
    "Pyramid",
    "Responses",
    "Silos",
    "Summary",
]


def _code_tuple(values: Any) -> tuple[int, ...]:
    if values is None:
        return ()
    return tuple(int(v) for v in np.asarray(values, dtype=np.int64).ravel() if v >= 0)


#: Columns of the people table, in order (measures may follow in the order analyze adds them).
PEOPLE_COLUMNS: dict[str, str] = {
    "person": "canonical person id (pseudonym when pseudonymised)",
    "name": "display name (the pseudonym when pseudonymised)",
    "department": "department from the directory (empty when unknown or hidden)",
    "community": "informal community (Leiden), empty for people with no tie",
    "roles": "connector roles held, '; '-separated",
    "pyramid_level": "engagement pyramid level (watcher, sharer, commenter, producer, curator); "
                     "empty for people who cannot hold one (outside the organisation, non-human)",
    "eligible": "can hold a person role: a member of the organisation and a person (not a list or a bot)",
    "in_strength": "summed weight of ties received",
    "out_strength": "summed weight of ties sent",
    "in_degree": "distinct people who have a tie to them",
    "out_degree": "distinct people they have a tie to",
    "partners": "distinct people tied in either direction",
    "pagerank": "PageRank (damping 0.85) on tie weights",
    "betweenness": "normalised betweenness (exact or sampled: see summary.methods)",
    "betweenness_certain": "certainly among the top brokers by betweenness despite sampling error",
    "constraint": "Burt constraint (low: contacts not tied to each other); empty without ties",
    "effective_size": "Burt effective size of the personal network",
    "participation": "participation coefficient over the primary groups (0: all ties in one group)",
    "groups_reached": "other primary groups they have ties with",
    "outside_share": "share of their tie weight that goes to other primary groups",
    "effective_other_groups": "inverse Simpson spread of their outside tie weight over other groups",
    "outside_concentration": "z of how far their contacts in other groups gather in a few groups, against "
                             "contacts drawn at random (see docs/metrics.md)",
    "brokerage": "Gould-Fernandez brokerage: open two-paths they broker (sum of the five roles)",
    "coordinator": "Gould-Fernandez coordinator two-paths (all three in one group)",
    "itinerant": "Gould-Fernandez itinerant two-paths (ends in one other group)",
    "representative": "Gould-Fernandez representative two-paths (from own group out)",
    "gatekeeper": "Gould-Fernandez gatekeeper two-paths (from outside into own group)",
    "liaison": "Gould-Fernandez liaison two-paths (three different groups)",
    "ambassador_score": "passionate-ambassador score (see docs/metrics.md)",
    "weeks_active": "weeks with any contribution",
    "conversations": "threads they started that drew a response",
    "responders": "distinct people who responded to them",
    "responder_groups": "distinct primary groups of those responders",
    "people_answered": "distinct people they replied or reacted to",
    "people_shared": "distinct people whose content they shared",
    "active": "contributed at least once (any event but joining or viewing)",
}


@dataclass
class Grouping:
    """One way of grouping people: departments (from the directory) or informal communities.

    Attributes
    ----------
    kind : {"department", "community"}
        What the groups are.
    codes : numpy.ndarray
        Group code per person (``-1``: in no group).
    labels : numpy.ndarray
        Group label per code (object array of str).
    hidden : numpy.ndarray
        Per code, whether privacy hides the group (too small to stay anonymous): a hidden
        group appears nowhere, by label or by figure.
    """

    kind: str
    codes: np.ndarray
    labels: np.ndarray
    hidden: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def __post_init__(self) -> None:
        """Start with no group hidden."""
        if len(self.hidden) != len(self.labels):
            self.hidden = np.zeros(len(self.labels), dtype=bool)

    def __len__(self) -> int:
        """Number of groups (codes)."""
        return len(self.labels)

    def label(self, code: int) -> str | None:
        """The label of a group code, or None when there is none or it is hidden."""
        if code < 0 or code >= len(self.labels) or self.hidden[code]:
            return None
        return str(self.labels[code])

    def sizes(self) -> np.ndarray:
        """Members per group code."""
        return np.bincount(self.codes[self.codes >= 0], minlength=len(self.labels))


@dataclass
class GroupMatrix:
    """Tie weight between the groups with most of it (the heatmap's data).

    Attributes
    ----------
    kind : str
        The grouping (``department`` or ``community``).
    codes : numpy.ndarray
        Group codes of the rows and columns (at most a few dozen: the busiest groups).
    weights : numpy.ndarray
        ``weights[i, j]``: tie weight from group ``codes[i]`` to group ``codes[j]``.
    groups : int
        Groups in the grouping (shown or not).
    """

    kind: str
    codes: np.ndarray
    weights: np.ndarray
    groups: int


@dataclass
class Groups:
    """The groupings and one row of tie figures per group.

    Attributes
    ----------
    primary : {"department", "community"}
        The grouping the other findings are counted over: departments when the directory gives
        them, else informal communities.
    by_kind : dict of str to Grouping
        ``community`` always, ``department`` when known.
    table : pandas.DataFrame
        :attr:`COLUMNS`.
    matrix : GroupMatrix
        Tie weight between the busiest groups of the primary grouping.
    ties : dict of str to scipy.sparse.csr_array
        Per grouping, tie weight from group to group (``ties[g, h]``; the diagonal holds the
        weight inside each group): what group maps and aggregate-only reports draw.
    """

    primary: str
    by_kind: dict[str, Grouping]
    table: pd.DataFrame
    matrix: GroupMatrix
    ties: dict[str, sp.csr_array] = field(default_factory=dict)

    COLUMNS = {
        "kind": "department or community",
        "code": "group code within its kind",
        "size": "members",
        "internal_weight": "tie weight between members",
        "external_weight": "tie weight between members and people of other groups",
        "ei_index": "Krackhardt-Stern E-I index (E - I) / (E + I) over tie weights",
    }

    @property
    def primary_grouping(self) -> Grouping:
        """The :class:`Grouping` of :attr:`primary`."""
        return self.by_kind[self.primary]


@dataclass
class Ambassadors:
    """Passionate ambassadors: the flagged people and the components behind each score.

    Attributes
    ----------
    table : pandas.DataFrame
        The flagged people only, best first, :attr:`COLUMNS` (everyone's score is in the people
        table: flagged and ranked are different things).
    weeks : int
        Weeks spanned by the data.
    grouping : str
        What ``responder_groups`` counts (``department`` or ``community``).
    note : str
        Why the list is empty or cannot be computed (empty when people are flagged).
    status : str
        ``flagged`` (people stand out), ``none_stand_out`` (scored, no outlier) or
        ``not_measurable`` (no one can be seen responding to anyone: nobody scored).
    scored : int
        People given a score (eligible contributors, when the score can be measured).
    unmeasured : list of str
        Components no one has in this data (left out of the score).
    """

    table: pd.DataFrame
    weeks: int
    grouping: str
    note: str = ""
    status: str = "flagged"
    scored: int = 0
    unmeasured: list[str] = field(default_factory=list)

    COLUMNS = {
        "rank": "1 = best",
        "code": "person (node code)",
        "score": "ambassador score (weighted mean log-ratio of the components to their medians)",
        "score_z": "modified z-score of the score among the people scored",
        "flagged": "an outstanding ambassador (see docs/metrics.md)",
        "weeks_active": "weeks with any contribution",
        "conversations": "threads they started that drew a response",
        "responders": "distinct people who responded to them",
        "responder_groups": "distinct groups of those responders",
        "people_answered": "distinct people they replied or reacted to",
        "people_shared": "distinct people whose content they shared",
        "responses_given": "replies and reactions to others (actions)",
        "shares_of_others": "shares of others' content (actions)",
    }

    @property
    def flagged(self) -> int:
        """How many people are flagged."""
        return int(self.table["flagged"].sum()) if len(self.table) else 0

    def reason(self, row: int) -> Reason:
        """The evidence behind row ``row`` of :attr:`table`."""
        return self._reason(self.table.iloc[row].to_dict())

    def reasons(self) -> list[Reason]:
        """The evidence behind every row of :attr:`table`, in order (one pass over the table)."""
        return [self._reason(r) for r in self.table.to_dict("records")]

    def _reason(self, r: Mapping[Hashable, Any]) -> Reason:
        return Reason("ambassador", (
            Evidence("responders", {"people": int(r["responders"]), "groups": int(r["responder_groups"])}),
            Evidence("weeks_active", {"active": int(r["weeks_active"]), "weeks": int(self.weeks)}),
            Evidence("conversations", {"conversations": int(r["conversations"])}),
            Evidence("gives_back", {"responses": int(r["responses_given"]), "people": int(r["people_answered"])}),
            Evidence("shares_others", {"people": int(r["people_shared"])}),
        ))


@dataclass
class Connectors:
    """People flagged in a connector role, with the evidence of each flag as columns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per (person, role): ``code``, ``role``, ``score`` and the evidence columns of
        :attr:`EVIDENCE` (empty where a column does not apply to the role).
    grouping : str
        What the group evidence counts (``department`` or ``community``).
    notes : dict of str to str
        Role -> why it was not computed (e.g. newcomers without timestamps).
    """

    table: pd.DataFrame
    grouping: str
    notes: dict[str, str] = field(default_factory=dict)

    #: Roles, in the order the report shows them.
    ROLES = ("central connector", "boundary spanner", "information broker", "peripheral", "newcomer")

    #: Evidence columns (besides ``code``, ``role``, ``score``).
    EVIDENCE = {
        "pagerank": "PageRank", "pagerank_top_share": "share of people with PageRank as high",
        "in_degree": "distinct people with a tie to them", "in_strength": "their tie weight received",
        "group": "group code of the within-group rule (-1: none)",
        "group_z": "robust z-score of log weighted in-degree within the group",
        "participation": "participation coefficient", "participation_top_share": "share as high",
        "groups_reached": "other groups reached",
        "betweenness": "normalised betweenness", "betweenness_top_share": "share as high",
        "constraint": "Burt constraint", "constraint_median": "median constraint of people with ties",
        "outside_share": "share of tie weight outside the own group",
        "outside_share_typical": "the organisation's share of tie weight crossing groups",
        "outside_share_z": "binomial z of the outside share against the organisation's",
        "outside_concentration": "z of their outside contacts gathering in some groups, against chance",
        "effective_other_groups": "inverse Simpson over other groups",
        "effective_size": "Burt effective size",
        "brokerage": "Gould-Fernandez two-paths brokered", "coordinator": "", "itinerant": "",
        "representative": "", "gatekeeper": "", "liaison": "",
        "partners": "distinct contacts", "partners_limit": "the peripheral limit",
        "partners_median": "median contacts of people with ties",
        "days_known": "days since hire or first activity", "recent_days": "the newcomer window",
        "hired": "1 when the start date is the directory's hire date",
    }

    def reason(self, row: int) -> Reason:
        """The evidence behind row ``row`` of :attr:`table`."""
        return self._reason(self.table.iloc[row].to_dict())

    def reasons(self) -> list[Reason]:
        """The evidence behind every row of :attr:`table`, in order (one pass over the table)."""
        return [self._reason(r) for r in self.table.to_dict("records")]

    @staticmethod
    def _reason(r: Mapping[Hashable, Any]) -> Reason:
        role = str(r["role"])

        def num(*cols: str) -> dict[str, float]:
            return {c: float(r[c]) for c in cols if c in r and pd.notna(r[c])}

        ev: list[Evidence] = []
        if role == "central connector":
            ev.append(Evidence("pagerank_top", {"top_share": float(r["pagerank_top_share"]),
                                                "pagerank": float(r["pagerank"])}))
            ev.append(Evidence("come_to_them", {"people": float(r["in_degree"]), "weight": float(r["in_strength"])}))
            if pd.notna(r.get("group_z")) and int(r.get("group", -1)) >= 0:
                ev.append(Evidence("within_group", {"z": float(r["group_z"])}, groups=(int(r["group"]),)))
        elif role == "boundary spanner":
            ev.append(Evidence("participation", {"participation": float(r["participation"]),
                                                 "top_share": float(r["participation_top_share"])}))
            ev.append(Evidence("other_groups", {"groups": float(r["groups_reached"])}))
        elif role == "information broker":
            ev.append(Evidence("betweenness_top", {"top_share": float(r["betweenness_top_share"]),
                                                   "betweenness": float(r["betweenness"])}))
            ev.append(Evidence("constraint", {"constraint": float(r["constraint"]),
                                              "median": float(r["constraint_median"])}))
            ev.append(Evidence("outside_weight", {"share": float(r["outside_share"]),
                                                  "effective_groups": float(r["effective_other_groups"]),
                                                  "groups": float(r["groups_reached"])}))
            ev.append(Evidence("effective_size", num("effective_size")))
            ev.append(Evidence("brokerage", {"total": float(r["brokerage"]), **num(
                "liaison", "gatekeeper", "representative", "itinerant", "coordinator")}))
        elif role == "peripheral":
            ev.append(Evidence("few_contacts", {"contacts": float(r["partners"]), "limit": float(r["partners_limit"]),
                                                "median": float(r["partners_median"])}))
        elif role == "newcomer":
            ev.append(Evidence("started_recently", {"days": float(r["days_known"]), "window": float(r["recent_days"]),
                                                    "hired": float(r["hired"])}))
            ev.append(Evidence("few_contacts", {"contacts": float(r["partners"]), "limit": float(r["partners_limit"]),
                                                "median": float(r["partners_median"])}))
        return Reason(role, tuple(ev))


@dataclass
class Silos:
    """Silo indicators per group of each grouping, the people carrying its outside ties, and the flag.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per (kind, code): :attr:`COLUMNS`.
    """

    table: pd.DataFrame

    COLUMNS = {
        "kind": "department or community",
        "code": "group code",
        "size": "members",
        "internal": "tie weight inside", "external": "tie weight crossing the boundary",
        "ei": "E-I index",
        "ei_expected": "E-I index expected when members are shuffled (sizes kept); computed where the island "
                       "rule applies, empty otherwise",
        "ei_sd": "its standard deviation over the shuffles", "ei_z": "(ei - ei_expected) / ei_sd",
        "external_share": "E / (E + I)",
        "external_share_z": "robust z-score of the logit of external_share among groups",
        "typical_external_share": "median external_share over groups",
        "share_test_z": "binomial z of the group's outside weight against the typical share",
        "share_test_p": "its one-sided p-value",
        "org_external_share": "the organisation's pooled external share",
        "members_outside": "members with any outside tie",
        "share_members_outside": "members_outside / size",
        "bridges": "node codes of the fewest members carrying most of the outside tie weight, largest first",
        "n_bridges": "how many", "carried_share": "share of the outside weight they carry",
        "fragile": "one person carries it",
        "is_silo": "flagged (see docs/metrics.md)",
        "rule": "which silo rule applied: share (against the typical group) or island",
        "silo_limit": "the external share at or below which the rule flags",
    }

    def reason(self, row: int) -> Reason:
        """The evidence behind row ``row`` of :attr:`table`."""
        return self._reason(self.table.iloc[row].to_dict())

    def reasons(self) -> list[Reason]:
        """The evidence behind every row of :attr:`table`, in order (one pass over the table)."""
        return [self._reason(r) for r in self.table.to_dict("records")]

    @staticmethod
    def _reason(r: Mapping[Hashable, Any]) -> Reason:
        ev = []
        if r.get("rule") == "island":
            ev.append(Evidence("island", {"share": float(r["external_share"]), "limit": float(r["silo_limit"]),
                                          "ei": float(r["ei"]), "ei_expected": float(r["ei_expected"]),
                                          "ei_z": float(r["ei_z"])}))
        else:
            ev.append(Evidence("outside_share", {
                "share": float(r["external_share"]), "external": float(r["external"]),
                "total": float(r["internal"] + r["external"]), "typical": float(r["typical_external_share"]),
                "limit": float(r["silo_limit"]), "test_z": float(r["share_test_z"]),
                "organisation": float(r["org_external_share"])}))
            ev.append(Evidence("ei_baseline", {"ei": float(r["ei"]), "ei_expected": float(r["ei_expected"]),
                                               "ei_z": float(r["ei_z"])}))
        ev.append(Evidence("members_outside", {"members": float(r["members_outside"]), "size": float(r["size"])}))
        ev.append(Evidence("bridges", {"count": float(r["n_bridges"]), "share": float(r["carried_share"]),
                                       "fragile": float(bool(r["fragile"]))}, people=_code_tuple(r["bridges"])))
        return Reason("silo", tuple(ev))


@dataclass
class Pyramid:
    """Engagement pyramid counts, overall and per group of the primary grouping.

    Attributes
    ----------
    levels : tuple of str
        From the base up.
    overall : dict of str to int
        People per level (people who can hold a level: members who are people).
    grouping : str
        The grouping of :attr:`by_group`.
    by_group : pandas.DataFrame
        One row per group: ``code`` and a count column per level.
    excluded : dict of str to int
        Nodes left out of the pyramid, by why (outside the organisation, not a person, a
        deleted account that never took part).
    note : str
        Why the levels cannot be measured ("" when they can): e.g. the events are plain ties
        with no kinds, so posting, replying, reacting and sharing cannot be told apart.
    """

    levels: tuple[str, ...]
    overall: dict[str, int]
    grouping: str
    by_group: pd.DataFrame
    excluded: dict[str, int] = field(default_factory=dict)
    note: str = ""


@dataclass
class Responses:
    """When posts get answered, and whether people get outside their group.

    Attributes
    ----------
    half_life : dict or None
        :func:`orgnet.metrics.time.response_half_life` (None when it cannot be computed).
    by_weekday_hour : pandas.DataFrame or None
        :func:`orgnet.metrics.time.response_rate_by_hour`.
    getting_outside : pandas.DataFrame or None
        :func:`orgnet.metrics.time.getting_outside`.
    note : str
        Why these could not be computed (no timestamps, no threads), empty otherwise.
    outside_people : pandas.DataFrame or None
        Over the whole window, everyone with at least ``outside_min_contacts`` distinct outside
        contacts (:attr:`OUTSIDE_COLUMNS`), the most first.
    outside_min_contacts : int
        Distinct outside contacts that count as getting outside (``--outside-contacts``).
    """

    half_life: dict[str, Any] | None = None
    by_weekday_hour: pd.DataFrame | None = None
    getting_outside: pd.DataFrame | None = None
    note: str = ""
    outside_people: pd.DataFrame | None = None
    outside_min_contacts: int = 10

    #: Columns of :attr:`outside_people`.
    OUTSIDE_COLUMNS = {
        "code": "person (node code)",
        "outside_contacts": "distinct people in other groups, and parties outside the organisation, they acted towards",
        "other_groups": "distinct other groups among those contacts",
        "outside_parties": "distinct parties outside the organisation among those contacts",
    }


@dataclass
class Channels:
    """The places people meet as the platform names them (Slack channels, Viva Engage groups, lists).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per place, the busiest first; columns in :attr:`COLUMNS`.
    note : str
        Why there is no table (the events name no channel), empty otherwise.
    """

    table: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"channel": pd.Series(dtype=object), "members": pd.Series(dtype=np.int64)}))
    note: str = ""

    #: Columns of :attr:`table`.
    COLUMNS = {
        "channel": "the place as the platform names it",
        "members": "distinct people with any event there (joining and viewing included)",
        "active_members": "distinct people who contributed there (anything but joining or viewing)",
        "posts": "posts (thread starts)",
        "replies": "replies",
        "answered": "posts that drew a timed answer (a reply or share by someone else; reactions not counted)",
        "share_answered": "answered / posts",
        "median_response_hours": "median time from a post to its first timed answer, hours",
    }


@dataclass
class Formal:
    """Informal communities against departments and the reporting line.

    Attributes
    ----------
    available : bool
        False without departments.
    note : str
        Why it is not available.
    nmi, ari : float or None
        Agreement of communities with departments.
    department_splits : pandas.DataFrame or None
        One row per department: ``code`` (department), ``size``, ``n_parts``, ``largest_share``,
        ``effective_parts``, ``parts`` (community codes), ``part_shares``, ``splits``.
    community_spans : pandas.DataFrame or None
        One row per community: ``code`` (community), ``size``, ``n_parts``, ``largest_share``,
        ``effective_parts``, ``parts`` (department codes), ``part_shares``, ``spans``.
    managers : pandas.DataFrame or None
        Managers and informal leaders: ``code`` (person), ``is_manager``, ``direct_reports``,
        ``centrality``, ``percentile``, ``is_informal_leader``.
    reporting_line : dict or None
        :func:`orgnet.metrics.formal.reporting_line_agreement`.
    """

    available: bool
    note: str = ""
    nmi: float | None = None
    ari: float | None = None
    department_splits: pd.DataFrame | None = None
    community_spans: pd.DataFrame | None = None
    managers: pd.DataFrame | None = None
    reporting_line: dict[str, Any] | None = None


@dataclass
class Periods:
    """The same findings per period, and what changed between the first and last complete ones.

    Attributes
    ----------
    by : str
        ``week``, ``month`` or ``quarter``.
    grouping : str
        The grouping of the silo and E-I figures.
    table : pandas.DataFrame
        One row per period: ``period``, ``start``, ``end``, ``partial`` (the data covers it only in
        part: not used for trends), ``events``, ``active_people``, ``ties``,
        ``ambassadors_flagged``, ``silos_flagged``.
    ambassadors : list of numpy.ndarray
        Per period, the node codes of the flagged ambassadors.
    silos : list of numpy.ndarray
        Per period, the group codes of the silos.
    ei_index : pandas.DataFrame
        Period (rows) by group code (columns): E-I index.
    ei_ties, ei_outside_ties : pandas.DataFrame
        Same shape: each group's ties in the period, and those that leave it (the uncertainty
        of its E-I: :func:`orgnet.findings.periods.clear_fall`).
    change_z : float
        A change counts when larger than this many standard errors of the difference.
    changes : dict of str to numpy.ndarray
        Between :attr:`compared` periods: ``new_ambassadors``, ``former_ambassadors`` (node
        codes), ``new_silos``, ``silos_no_longer``, ``more_inward`` (group codes).
    compared : tuple of str or None
        The first and last complete periods compared.
    note : str
        Why there are no periods or no trends.
    """

    by: str
    grouping: str
    table: pd.DataFrame
    ambassadors: list[np.ndarray] = field(default_factory=list)
    silos: list[np.ndarray] = field(default_factory=list)
    ei_index: pd.DataFrame = field(default_factory=pd.DataFrame)
    changes: dict[str, np.ndarray] = field(default_factory=dict)
    compared: tuple[str, str] | None = None
    note: str = ""
    ei_ties: pd.DataFrame = field(default_factory=pd.DataFrame)
    ei_outside_ties: pd.DataFrame = field(default_factory=pd.DataFrame)
    change_z: float = 1.96


@dataclass
class Population:
    """Who is counted as a person of the organisation, who was set apart, and who may be one person twice.

    Attributes
    ----------
    set_apart : pandas.DataFrame
        Accounts with evidence that they are not people (distribution lists, announcement and
        no-reply senders, newsletters, bots): ``person``, ``name``, ``evidence`` (short data,
        e.g. ``address pattern: distribution list``), ``external``. They make no node and hold
        no role unless kept (``--keep-sender``).
    duplicates : pandas.DataFrame
        Likely duplicate identities among the nodes: ``code`` (node), ``other`` (the other
        node, or -1 when it is not a node), ``other_person`` (its id when it is not a node),
        ``basis`` (what the suggestion rests on, names left out), ``certain`` and ``role``
        (``code`` holds a person role: ambassador or connector, so its role may be split).
    """

    set_apart: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"person": pd.Series(dtype="string"), "name": pd.Series(dtype="string"),
         "evidence": pd.Series(dtype="string"), "external": pd.Series(dtype=bool)}))
    duplicates: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"code": pd.Series(dtype=np.int64), "other": pd.Series(dtype=np.int64),
         "other_person": pd.Series(dtype="string"), "basis": pd.Series(dtype="string"),
         "certain": pd.Series(dtype=bool), "role": pd.Series(dtype=bool)}))

    @property
    def role_holders_with_duplicates(self) -> int:
        """People holding a role who likely have another identity in the data."""
        return int(self.duplicates.loc[self.duplicates["role"], "code"].nunique()) if len(self.duplicates) else 0


@dataclass
class Summary:
    """What was analysed, how, and how much was found.

    Attributes
    ----------
    people : int
        Nodes of the graph.
    members : int
        Of them, members of the organisation who are people (eligible for person roles).
    active_people : int
        Nodes who acted in at least one event.
    ties, tie_weight, events : int, float, int
        Distinct directed ties, their summed weight, and events analysed.
    period : dict
        ``first`` and ``last`` event time (ISO, or None), ``since`` and ``until`` asked for.
    coverage : dict
        The time the data covers (:func:`orgnet.metrics.time.covered_spans`): ``spans`` (each
        ``first`` and ``last`` day), ``covered_days``, ``span_days`` (first to last, gaps
        included), ``gaps`` and the gap ``rule``; time is counted in covered time everywhere.
    sources : list of dict
        Per input: ``path``, ``format``, ``records_read``, ``records_skipped``, ``events``.
    records_skipped : dict of str to int
        Records left out, by reason, over all inputs.
    records_noted : dict of str to int
        Records kept with a note (a date left out, a reply found by subject...), by reason.
    directory : bool
        A directory was given.
    departments, communities : int
        Groups of each kind.
    methods : dict
        How each measure was computed (text and parameters).
    skipped_findings : list of str
        Findings that could not be computed from the data, and why.
    flagged : dict of str to int
        How many ambassadors, people per connector role and silos were flagged.
    membership : dict
        Who counts as a member and why (rule, domains, counts).
    privacy : dict
        What privacy did (filled by :mod:`orgnet.privacy`).
    """

    people: int
    members: int
    active_people: int
    ties: int
    tie_weight: float
    events: int
    period: dict[str, Any]
    sources: list[dict[str, Any]]
    records_skipped: dict[str, int]
    directory: bool
    departments: int
    communities: int
    methods: dict[str, Any]
    skipped_findings: list[str] = field(default_factory=list)
    flagged: dict[str, int] = field(default_factory=dict)
    membership: dict[str, Any] = field(default_factory=dict)
    privacy: dict[str, Any] = field(default_factory=dict)
    records_noted: dict[str, int] = field(default_factory=dict)
    coverage: dict[str, Any] = field(default_factory=dict)


@dataclass
class Findings:
    """Everything the report renders; nothing in the report is computed.

    Attributes
    ----------
    people : pandas.DataFrame
        One row per node, in code order: :data:`PEOPLE_COLUMNS` and every per-person measure.
    ties : scipy.sparse.csr_array
        Directed weighted ties between nodes (``ties[i, j]``: i acted towards j).
    groups, ambassadors, connectors, silos, pyramid, responses, formal, channels : sections
        See each class.
    periods : Periods or None
        With ``by`` (``--by``) only.
    summary : Summary
        What was analysed and how.
    population : Population
        Non-human senders set apart and likely duplicate identities.
    """

    people: pd.DataFrame
    ties: sp.csr_array
    groups: Groups
    ambassadors: Ambassadors
    connectors: Connectors
    silos: Silos
    pyramid: Pyramid
    responses: Responses
    formal: Formal
    summary: Summary
    periods: Periods | None = None
    population: Population = field(default_factory=Population)
    channels: Channels = field(default_factory=Channels)

    @property
    def n(self) -> int:
        """Number of people (nodes)."""
        return len(self.people)

    @property
    def aggregate_only(self) -> bool:
        """True when privacy removed every individual (only group figures remain)."""
        return bool(self.summary.privacy.get("aggregate_only"))
