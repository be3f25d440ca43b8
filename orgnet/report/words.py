"""Evidence into sentences: the only place where a finding's numbers become words.

Each reason is worded twice: :meth:`Wording.sentence` in plain words a non-specialist reads
("talks mostly with people in 4 other departments; few of their contacts know each other"), and
:meth:`Wording.details` with the measures behind it (PageRank, betweenness, z-scores).

A :class:`~orgnet.findings.reasons.Reason` carries the kind of evidence, its numbers, and the
groups and people it refers to by code. :class:`Wording` knows what the groups are (departments,
or informal communities when there is no directory), the group labels and the people's names
after privacy, and words each piece with the right noun and grammar ("1 community",
"2 communities"). A group hidden by privacy is never named: the sentence says "a small group".

Examples
--------
>>> from orgnet.findings.reasons import Evidence, Reason
>>> w = Wording(noun="community", group_labels=["C1", "C2"], names=["Ana", "Ben"])
>>> w.count(1, "community"), w.count(2, "community"), w.count(2, "person")
('1 community', '2 communities', '2 people')
>>> w.evidence(Evidence("responders", {"people": 41, "groups": 6}))
'answered by 41 people from 6 communities'
>>> e = Evidence("within_group", {"z": 4.2}, groups=(1,))
>>> w.evidence(e), w.statistics(e)
('within C2, far more people turn to them than to their colleagues', 'robust z-score within the group 4.2')
>>> w.sentence(Reason("silo", (Evidence("bridges", {"count": 1, "share": 1.0, "fragile": 1}, people=(0,)),)))
'1 person carries 100% of its outside contacts (Ana): fragile'

Plain words come first; the statistics are kept apart (a details click on the page, a column of
their own in the CSV files).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from orgnet.findings.reasons import EVIDENCE_KINDS, Evidence, Reason

__all__ = ["PLURALS", "Wording", "coverage_sentence", "percent"]

#: Irregular plurals; every other noun takes an "s".
PLURALS = {"person": "people", "community": "communities", "reply": "replies"}


def _pct(x: float) -> str:
    if x is None or not math.isfinite(x):
        return "n/a"
    if 0 < x < 0.005:
        return "less than 1%"
    if 0.995 < x < 1:
        return "more than 99%"
    return f"{100 * x:.0f}%"


def percent(x: float | None) -> str:
    """A percentage (0-100) rounded for the page, never "0" or "100" when it is not.

    "5 (0%)" of 1,929 people read as a contradiction: a count that is not zero shows "<1".

    >>> percent(0.26), percent(0.0), percent(37.6), percent(99.7), percent(100.0), percent(None)
    ('<1', '0', '38', '>99', '100', '–')
    """
    if x is None or not math.isfinite(x):
        return "–"
    if 0 < x < 0.5:
        return "<1"
    if 99.5 <= x < 100:
        return ">99"
    return f"{x:.0f}"


def _top(share: float) -> str:
    return f"top {max(1, int(math.ceil(100 * share - 1e-9)))}%"


def _int(x: float) -> int:
    return int(round(x)) if math.isfinite(x) else 0


@dataclass
class Wording:
    """How to word evidence for one report.

    Attributes
    ----------
    noun : str
        What the primary groups are: ``department`` or ``community``.
    group_labels : sequence of str or None
        Label per group code; ``None`` for a group hidden by privacy.
    names : sequence of str
        Display name per node code (pseudonyms when pseudonymised).
    """

    noun: str = "group"
    group_labels: Sequence[str | None] = ()
    names: Sequence[str] = ()
    _words: dict[str, Callable[[Evidence], str]] = field(default_factory=dict, init=False, repr=False)
    _stats: dict[str, Callable[[Evidence], str]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._words = {kind: getattr(self, f"_{kind}") for kind in EVIDENCE_KINDS}
        self._stats = _STATS

    @staticmethod
    def plural(word: str, count: float = 2) -> str:
        """``word`` or its plural, by ``count``."""
        if _int(count) == 1:
            return word
        head, _, last = word.rpartition(" ")  # "other community" -> "other communities"
        return (head + " " if head else "") + PLURALS.get(last, last + "s")

    def count(self, n: float, word: str) -> str:
        """``"<n> <word>"`` with the right plural and thousands separators."""
        return f"{_int(n):,} {self.plural(word, n)}"

    def group(self, code: int) -> str:
        """A group's label, or "a small group" when privacy hides it."""
        if 0 <= code < len(self.group_labels) and self.group_labels[code] is not None:
            return str(self.group_labels[code])
        return f"a small {self.noun}"

    def person(self, code: int) -> str:
        """A person's display name."""
        return str(self.names[code]) if 0 <= code < len(self.names) else "someone"

    def evidence(self, e: Evidence) -> str:
        """One piece of evidence as a clause."""
        return self._words[e.kind](e)

    def sentence(self, reason: Reason) -> str:
        """The whole reason: its clauses joined by semicolons.

        A newcomer's contacts are compared with the established members' (a peripheral person's
        with everyone's who has a contact): said so, else "the typical person has 4 contacts"
        under newcomers and "3" under peripheral people on one page read as a contradiction.
        """
        def clause(e: Evidence) -> str:
            if e.kind == "few_contacts" and reason.finding == "newcomer":
                return self._few_contacts(e, typical="the typical established member")
            return self.evidence(e)

        return "; ".join(filter(None, (clause(e) for e in reason.evidence)))

    def statistics(self, e: Evidence) -> str:
        """The figures behind one piece of evidence (the measures' own names), or ""."""
        return self._stats[e.kind](e) if e.kind in self._stats else ""

    def details(self, reason: Reason) -> str:
        """The figures behind a whole reason, for a details click or a column of their own."""
        return "; ".join(filter(None, (self.statistics(e) for e in reason.evidence)))

    # One plain wording per evidence kind (orgnet.findings.reasons.EVIDENCE_KINDS): a sentence a
    # non-specialist reads. The measures' names and values go to statistics() (see _stats below).
    def _responders(self, e: Evidence) -> str:
        return (f"answered by {self.count(e.numbers['people'], 'person')} from "
                f"{self.count(e.numbers['groups'], self.noun)}")

    def _weeks_active(self, e: Evidence) -> str:
        return f"active {_int(e.numbers['active'])} of {self.count(e.numbers['weeks'], 'week')}"

    def _conversations(self, e: Evidence) -> str:
        return f"started {self.count(e.numbers['conversations'], 'conversation')} that drew answers"

    def _gives_back(self, e: Evidence) -> str:
        if _int(e.numbers["people"]) == 0:
            return ""
        return f"answered {self.count(e.numbers['people'], 'person')} ({self.count(e.numbers['responses'], 'response')})"

    def _shares_others(self, e: Evidence) -> str:
        if _int(e.numbers["people"]) == 0:
            return ""
        return f"shared what {self.count(e.numbers['people'], 'person')} posted"

    def _pagerank_top(self, e: Evidence) -> str:
        # Flagged within their group only: their rank in the whole organisation (say the top
        # 23%) is no evidence of being central, so the plain words leave it to the details.
        if not e.numbers.get("overall", 1.0):
            return ""
        return f"among the {_top(e.numbers['top_share'])} most sought-after people"

    def _come_to_them(self, e: Evidence) -> str:
        n = e.numbers["people"]
        verb = "turns" if _int(n) == 1 else "turn"
        return f"{self.count(n, 'person')} {verb} to them"

    def _within_group(self, e: Evidence) -> str:
        where = self.group(e.groups[0]) if e.groups else f"their {self.noun}"
        return f"within {where}, far more people turn to them than to their colleagues"

    def _participation(self, e: Evidence) -> str:
        return (f"their contacts are spread over several {self.plural(self.noun)}, more evenly than for "
                f"{100 - max(1, int(math.ceil(100 * e.numbers['top_share'] - 1e-9)))}% of people")

    def _other_groups(self, e: Evidence) -> str:
        return f"in touch with {self.count(e.numbers['groups'], 'other ' + self.noun)}"

    def _betweenness_top(self, e: Evidence) -> str:
        return f"among the {_top(e.numbers['top_share'])} most often in between people who are not in touch"

    def _constraint(self, e: Evidence) -> str:
        c, m = e.numbers["constraint"], e.numbers["median"]
        if math.isfinite(c) and math.isfinite(m) and c < m:
            return "few of their contacts know each other"
        return "many of their contacts know each other"

    def _outside_weight(self, e: Evidence) -> str:
        reached = _int(e.numbers["groups"])
        return (f"talks mostly with people in {self.count(reached, 'other ' + self.noun)}"
                if e.numbers["share"] >= 0.5 else
                f"talks with people in {self.count(reached, 'other ' + self.noun)}")

    def _effective_size(self, e: Evidence) -> str:
        return ""

    def _brokerage(self, e: Evidence) -> str:
        total = _int(e.numbers["total"])
        if total == 0:
            return ""
        return f"links {total:,} pairs of people in different {self.plural(self.noun)} who are not in touch"

    def _few_contacts(self, e: Evidence, typical: str = "the typical person") -> str:
        n = _int(e.numbers["contacts"])
        have = "no contact in the data" if n == 0 else f"only {self.count(n, 'contact')}"
        return f"{have}, where {typical} has {self.count(e.numbers['median'], 'contact')}"

    def _started_recently(self, e: Evidence) -> str:
        how = "hired" if e.numbers["hired"] else "first active"
        return f"{how} {self.count(e.numbers['days'], 'day')} before the end of the data"

    def _outside_share(self, e: Evidence) -> str:
        n = e.numbers
        return (f"{_pct(n['share'])} of its contacts reach outside it, against {_pct(n['typical'])} for the "
                f"typical {self.noun}: {_beyond_chance(n['test_z'])}")

    def _island(self, e: Evidence) -> str:
        n = e.numbers
        verdict = ("an island: almost everything stays inside" if n["share"] <= n["limit"] + 1e-12 else
                   "not an island")
        return (f"{_pct(n['share'])} of its contacts reach outside it ({self.plural(self.noun)} are too few or too "
                f"alike to compare, so it is measured against keeping {_pct(1 - n['limit'])} inside): {verdict}")

    def _ei_baseline(self, e: Evidence) -> str:
        return ""

    def _members_outside(self, e: Evidence) -> str:
        m, size = _int(e.numbers["members"]), e.numbers["size"]
        if m == 0:
            return f"none of its {self.count(size, 'member')} has a contact outside"
        return f"{m:,} of its {self.count(size, 'member')} {'has' if m == 1 else 'have'} a contact outside"

    def _bridges(self, e: Evidence) -> str:
        n = _int(e.numbers["count"])
        if n == 0:
            return "no one carries contacts outside"
        who = ", ".join(self.person(c) for c in e.people[:5]) + (", ..." if len(e.people) > 5 else "")
        verb = "carries" if n == 1 else "carry"
        tail = ": fragile" if e.numbers.get("fragile") else ""
        people = f" ({who})" if e.people else ""
        return f"{self.count(n, 'person')} {verb} {_pct(e.numbers['share'])} of its outside contacts{people}{tail}"


def _num(x: float, fmt: str) -> str:
    return "not defined" if x is None or not math.isfinite(x) else format(x, fmt)


def _weight(x: float) -> str:
    """A tie weight: whole above 10, else to one decimal (e-mail shares a message among its recipients).

    >>> _weight(256.37), _weight(1.2), _weight(0.04), _weight(3.0)
    ('256', '1.2', '0.04', '3')
    """
    if x is None or not math.isfinite(x):
        return "not defined"
    if abs(x) >= 10 or float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:.1f}" if abs(x) >= 0.1 else f"{x:.2g}"


def _z(x: float) -> str:
    """A z-score for the details: a huge or infinite one is said as what it means."""
    if not math.isfinite(x):
        return "beyond any doubt"
    return f"{x:.1f}" if abs(x) < 50 else ("far below −50" if x < 0 else "far above 50")


#: Per evidence kind, the figures behind the plain words: statistics() shows them apart.
_STATS: dict[str, Callable[[Evidence], str]] = {
    "pagerank_top": lambda e: (f"PageRank {_num(e.numbers['pagerank'], '.4f')} ({_top(e.numbers['top_share'])} of "
                               "the organisation)"),
    "come_to_them": lambda e: (f"tie weight received {_weight(e.numbers['weight'])} from "
                               f"{_int(e.numbers['people']):,} {Wording.plural('person', e.numbers['people'])} (a message to several people "
                               "counts a share to each, so the weight can be below the number of people)"),
    "within_group": lambda e: f"robust z-score within the group {_z(e.numbers['z'])}",
    "participation": lambda e: f"participation coefficient {_num(e.numbers['participation'], '.2f')}",
    "betweenness_top": lambda e: f"betweenness {_num(e.numbers['betweenness'], '.3f')}",
    "constraint": lambda e: (f"constraint {_num(e.numbers['constraint'], '.2f')} "
                             f"(median {_num(e.numbers['median'], '.2f')})"),
    "outside_weight": lambda e: (f"{_pct(e.numbers['share'])} of tie weight outside; "
                                 f"{_num(e.numbers['effective_groups'], '.1f')} effective other groups"),
    "effective_size": lambda e: f"effective size {_num(e.numbers.get('effective_size', float('nan')), '.1f')}",
    "brokerage": lambda e: ", ".join(f"{role} {_int(e.numbers.get(role, 0))}" for role in
                                     ("liaison", "gatekeeper", "representative", "itinerant")),
    "few_contacts": lambda e: (f"peripheral at {_int(e.numbers['limit']):,} "
                               f"{Wording.plural('contact', e.numbers['limit'])} or fewer"),
    "outside_share": lambda e: (f"outside tie weight {_num(e.numbers['external'], '.4g')} of "
                                f"{_num(e.numbers['total'], '.4g')}; silo limit {_pct(e.numbers['limit'])}; "
                                f"organisation {_pct(e.numbers['organisation'])}; binomial test z-score "
                                f"{_z(e.numbers['test_z'])}"),
    "island": lambda e: (f"E-I index {_num(e.numbers['ei'], '.2f')} against {_num(e.numbers['ei_expected'], '.2f')} "
                         "expected at random"),
    "ei_baseline": lambda e: (f"E-I index {_num(e.numbers['ei'], '.2f')}" +
                              (f" against {_num(e.numbers['ei_expected'], '.2f')} expected if members were "
                               "shuffled at random" if math.isfinite(e.numbers["ei_expected"]) else "")),
}


def _beyond_chance(z: float) -> str:
    """The binomial test in words, never as an infinite or huge z-score."""
    if math.isfinite(z) and z <= -3:
        return "far fewer than chance explains"
    if math.isfinite(z) and z < 0:
        return "fewer, but within chance"
    return "not fewer"


def coverage_sentence(coverage: dict[str, Any]) -> str:
    """One sentence on the time the data covers (``summary.coverage``), empty without timestamps.

    Examples
    --------
    >>> coverage_sentence({"spans": [{"first": "2017-09-03", "last": "2017-09-30"},
    ...                              {"first": "2020-07-01", "last": "2020-07-31"}],
    ...                    "covered_days": 59.0, "span_days": 1063.0, "gaps": 1})
    'The data covers 59 of the 1,063 days from its first to its last event, in 2 separate stretches (2017-09-03 to 2017-09-30; 2020-07-01 to 2020-07-31): the gap between them is no data, not a time of no activity, and time is counted in covered time only.'
    >>> coverage_sentence({"spans": [{"first": "2025-01-06", "last": "2025-07-06"}], "covered_days": 182.0,
    ...                    "span_days": 182.0, "gaps": 0})
    'The data covers 182 days without a gap.'
    """
    spans = coverage.get("spans") or []
    if not spans or coverage.get("covered_days") is None:
        return ""
    days = int(round(float(coverage["covered_days"])))
    if len(spans) == 1:
        return f"The data covers {days:,} days without a gap."
    listed = "; ".join(f"{s['first']} to {s['last']}" for s in spans[:6]) + ("; …" if len(spans) > 6 else "")
    gaps = "the gap between them is" if len(spans) == 2 else "the gaps between them are"
    return (f"The data covers {days:,} of the {int(round(float(coverage['span_days']))):,} days from its first to "
            f"its last event, in {len(spans)} separate stretches ({listed}): {gaps} no data, not a time of no "
            "activity, and time is counted in covered time only.")
