"""Evidence into sentences: the only place where a finding's numbers become words.

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
'responses from 41 people in 6 communities'
>>> w.evidence(Evidence("within_group", {"z": 4.2}, groups=(1,)))
'within C2: far more people come to them than to colleagues (robust z 4.2)'
>>> w.sentence(Reason("silo", (Evidence("bridges", {"count": 1, "share": 1.0, "fragile": 1}, people=(0,)),)))
'1 person carries 100% of its outside ties (Ana): fragile'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from orgnet.findings.reasons import EVIDENCE_KINDS, Evidence, Reason

__all__ = ["PLURALS", "Wording"]

#: Irregular plurals; every other noun takes an "s".
PLURALS = {"person": "people", "community": "communities", "reply": "replies"}


def _pct(x: float) -> str:
    return "n/a" if x is None or not math.isfinite(x) else f"{100 * x:.0f}%"


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

    def __post_init__(self) -> None:
        self._words = {kind: getattr(self, f"_{kind}") for kind in EVIDENCE_KINDS}

    @staticmethod
    def plural(word: str, count: float = 2) -> str:
        """``word`` or its plural, by ``count``."""
        if _int(count) == 1:
            return word
        return PLURALS.get(word, word + "s")

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
        """The whole reason: its clauses joined by semicolons."""
        return "; ".join(filter(None, (self.evidence(e) for e in reason.evidence)))

    # One wording per evidence kind (orgnet.findings.reasons.EVIDENCE_KINDS).
    def _responders(self, e: Evidence) -> str:
        return f"responses from {self.count(e.numbers['people'], 'person')} in {self.count(e.numbers['groups'], self.noun)}"

    def _weeks_active(self, e: Evidence) -> str:
        return f"active {_int(e.numbers['active'])} of {self.count(e.numbers['weeks'], 'week')}"

    def _conversations(self, e: Evidence) -> str:
        return f"{self.count(e.numbers['conversations'], 'conversation')} drew responses"

    def _gives_back(self, e: Evidence) -> str:
        return f"{self.count(e.numbers['responses'], 'response')} to {self.count(e.numbers['people'], 'person')}"

    def _shares_others(self, e: Evidence) -> str:
        return f"shared content of {self.count(e.numbers['people'], 'person')}"

    def _pagerank_top(self, e: Evidence) -> str:
        return f"PageRank in the {_top(e.numbers['top_share'])} ({e.numbers['pagerank']:.4f})"

    def _come_to_them(self, e: Evidence) -> str:
        n = e.numbers["people"]
        verb = "comes" if _int(n) == 1 else "come"
        return f"{self.count(n, 'person')} {verb} to them (tie weight {e.numbers['weight']:,.0f})"

    def _within_group(self, e: Evidence) -> str:
        where = self.group(e.groups[0]) if e.groups else f"their {self.noun}"
        return f"within {where}: far more people come to them than to colleagues (robust z {e.numbers['z']:.1f})"

    def _participation(self, e: Evidence) -> str:
        return (f"participation {e.numbers['participation']:.2f} ({_top(e.numbers['top_share'])} of people with "
                "ties)")

    def _other_groups(self, e: Evidence) -> str:
        return f"ties into {self.count(e.numbers['groups'], 'other ' + self.noun)}"

    def _betweenness_top(self, e: Evidence) -> str:
        return f"betweenness in the {_top(e.numbers['top_share'])} ({e.numbers['betweenness']:.3f})"

    def _constraint(self, e: Evidence) -> str:
        return f"constraint {e.numbers['constraint']:.2f} (median {e.numbers['median']:.2f})"

    def _outside_weight(self, e: Evidence) -> str:
        return (f"{_pct(e.numbers['share'])} of tie weight outside their own {self.noun}, spread over "
                f"{e.numbers['effective_groups']:.1f} effective other {self.plural(self.noun)} "
                f"({_int(e.numbers['groups'])} reached)")

    def _effective_size(self, e: Evidence) -> str:
        size = e.numbers.get("effective_size", float("nan"))
        return f"effective size {size:.1f}" if math.isfinite(size) else ""

    def _brokerage(self, e: Evidence) -> str:
        parts = [f"{role} {_int(e.numbers.get(role, 0))}" for role in
                 ("liaison", "gatekeeper", "representative", "itinerant")]
        return f"brokers {self.count(e.numbers['total'], 'two-path')} between {self.plural(self.noun)} ({', '.join(parts)})"

    def _few_contacts(self, e: Evidence) -> str:
        n = e.numbers["contacts"]
        have = "no ties" if _int(n) == 0 else self.count(n, "contact")
        return f"{have} (at most {self.count(e.numbers['limit'], 'contact')}; median person: {_int(e.numbers['median'])})"

    def _started_recently(self, e: Evidence) -> str:
        how = "hired" if e.numbers["hired"] else "first active"
        return f"{how} {self.count(e.numbers['days'], 'day')} before the end of the data"

    def _outside_share(self, e: Evidence) -> str:
        n = e.numbers
        return (f"{_pct(n['share'])} of its tie weight crosses its boundary ({n['external']:.4g} of {n['total']:.4g}) "
                f"against {_pct(n['typical'])} for the typical {self.noun} (a silo: at most {_pct(n['limit'])}, "
                f"{_beyond_chance(n['test_z'])}) and {_pct(n['organisation'])} for the organisation")

    def _island(self, e: Evidence) -> str:
        n = e.numbers
        return (f"{_pct(n['share'])} of its tie weight crosses its boundary ({self.plural(self.noun)} cannot be "
                f"ranked against each other: an island keeps at least {_pct(1 - n['limit'])} inside); E-I "
                f"{n['ei']:.2f} against {n['ei_expected']:.2f} expected at random")

    def _ei_baseline(self, e: Evidence) -> str:
        n = e.numbers
        if not math.isfinite(n["ei_expected"]):
            return f"E-I {n['ei']:.2f}"
        return f"E-I {n['ei']:.2f} against {n['ei_expected']:.2f} expected if members were shuffled at random"

    def _members_outside(self, e: Evidence) -> str:
        return f"{_int(e.numbers['members'])} of {self.count(e.numbers['size'], 'member')} have an outside tie"

    def _bridges(self, e: Evidence) -> str:
        n = _int(e.numbers["count"])
        if n == 0:
            return "no one carries ties outside"
        who = ", ".join(self.person(c) for c in e.people[:5]) + (", ..." if len(e.people) > 5 else "")
        verb = "carries" if n == 1 else "carry"
        tail = ": fragile" if e.numbers.get("fragile") else ""
        people = f" ({who})" if e.people else ""
        return f"{self.count(n, 'person')} {verb} {_pct(e.numbers['share'])} of its outside ties{people}{tail}"


def _beyond_chance(z: float) -> str:
    """The binomial test in words, never as an infinite or huge z-score."""
    if not math.isfinite(z):
        return "not below it"
    if z <= -3:
        return "well beyond chance"
    if z < 0:
        return "below it, but within chance"
    return "not below it"
