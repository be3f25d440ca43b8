"""What the report shows: typed findings turned into display-ready rows, each marked available or not.

Every view reads one section of :class:`~orgnet.findings.Findings`, turns node and group codes into
names and labels (after privacy) and evidence into sentences (:mod:`orgnet.report.words`), and
selects and sorts rows for display. A view whose finding could not be computed comes back with
``available=False`` and the reason, so the report says why instead of showing an empty list.

Examples
--------
>>> from orgnet.findings import analyze
>>> from orgnet.synthetic import toy_org
>>> f = analyze(toy_org().events, directory=toy_org().directory)
>>> view = ambassadors_view(f, top=3)
>>> view.available, view.note[:18]
(False, 'No one stands out:')
>>> wording(f).noun
'department'
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from orgnet.findings import Findings
from orgnet.findings.reasons import Reason
from orgnet.metrics.engagement import PYRAMID_LEVELS
from orgnet.metrics.formal import contingency_table
from orgnet.report.words import Wording, percent

__all__ = [
    "GLOSSARY",
    "LEVEL_COLOURS",
    "PYRAMID_LEVELS",
    "View",
    "Worded",
    "WordedReasons",
    "ambassadors_view",
    "channels_view",
    "connectors_view",
    "display_names",
    "formal_view",
    "group_label",
    "group_matrix_view",
    "highlights",
    "methods_view",
    "outside_view",
    "people_flags",
    "periods_view",
    "community_caveat",
    "mailbox_caveat",
    "population_view",
    "privacy_lines",
    "pyramid_view",
    "responses_view",
    "silos_view",
    "suppression_lines",
    "wording",
]

#: Colour of each pyramid level, from the base (light) to the top (dark): the page and the pictures.
LEVEL_COLOURS: dict[str, str] = dict(zip(PYRAMID_LEVELS, ("#bcccdc", "#9fb3c8", "#627d98", "#334e68", "#102a43"),
                                         strict=True))

#: Roles that mark a person as a broker on the map.
BROKER_ROLES = ("information broker",)

NOT_AVAILABLE = "not available in this analysis"


@dataclass
class View:
    """One section of the report: whether it can be shown, what to show, and where it came from.

    Attributes
    ----------
    available : bool
        False when the analysis could not produce the section.
    data : dict
        The rows, labels and numbers the template renders.
    note : str
        Why the section is missing, or a remark on its figures.
    """

    available: bool
    data: dict[str, Any] = field(default_factory=dict)
    note: str = ""


def _number(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def display_names(findings: Findings) -> np.ndarray:
    """Display name per node code: the name, else the person id (pseudonyms when pseudonymised)."""
    p = findings.people
    if not len(p):
        return np.zeros(0, dtype=object)
    return p["name"].astype("string").fillna(p["person"].astype("string")).to_numpy(dtype=object)


def _count(n: int, word: str) -> str:
    """``"1 person"``, ``"2 people"``: the report's one way to count."""
    return Wording().count(n, word)


def _named(name: object, person: object) -> str:
    """A display name with its address or account, so that two people of one name can be told apart."""
    name, person = str(name), str(person)
    return name if name == person else f"{name} ({person})"


def group_label(findings: Findings, kind: str, code: int) -> str:
    """A group's label, "" when there is none or privacy hides it."""
    g = findings.groups.by_kind.get(kind)
    return (g.label(int(code)) or "") if g is not None else ""


def _labels(findings: Findings, kind: str) -> list[str | None]:
    g = findings.groups.by_kind.get(kind)
    return [] if g is None else [g.label(i) for i in range(len(g))]


def wording(findings: Findings, kind: str | None = None) -> Wording:
    """The :class:`~orgnet.report.words.Wording` of this report (for the primary grouping by default)."""
    kind = kind or findings.groups.primary
    return Wording(noun=kind, group_labels=_labels(findings, kind), names=display_names(findings))


class Worded(NamedTuple):
    """A table's reasons (one per row) and their wording."""

    reasons: list[Reason]
    sentences: list[str]
    details: list[str]


class WordedReasons:
    """The reasons behind the ambassadors, connectors and silos tables, worded once for a report.

    ``findings.json`` and the CSV tables give the same sentences: written by one process, they
    share one wording (at a million people 185,000 reasons took about 6 s each time).

    Examples
    --------
    >>> from orgnet.findings import analyze
    >>> from orgnet.synthetic import toy_org
    >>> worded = WordedReasons(analyze(toy_org().events, directory=toy_org().directory))
    >>> worded.silos() is worded.silos(), len(worded.silos().sentences) == len(worded.findings.silos.table)
    (True, True)
    """

    def __init__(self, findings: Findings) -> None:
        self.findings = findings
        self._done: dict[str, Worded] = {}

    def ambassadors(self) -> Worded:
        """Per row of ``findings.ambassadors.table``, in the primary grouping's words."""
        if "ambassadors" not in self._done:
            self._done["ambassadors"] = _worded(self.findings.ambassadors.reasons(), wording(self.findings))
        return self._done["ambassadors"]

    def connectors(self) -> Worded:
        """Per row of ``findings.connectors.table``, in the primary grouping's words."""
        if "connectors" not in self._done:
            self._done["connectors"] = _worded(self.findings.connectors.reasons(), wording(self.findings))
        return self._done["connectors"]

    def silos(self) -> Worded:
        """Per row of ``findings.silos.table``, each in its own grouping's words."""
        if "silos" not in self._done:
            f = self.findings
            words_by = {kind: wording(f, kind) for kind in f.groups.by_kind}
            self._done["silos"] = _worded(f.silos.reasons(), [words_by[k] for k in f.silos.table["kind"].astype(str)])
        return self._done["silos"]


def _worded(reasons: list[Reason], words: Wording | list[Wording]) -> Worded:
    """Each reason worded by ``words`` (one wording for all, or one per reason)."""
    each = [words] * len(reasons) if isinstance(words, Wording) else words
    return Worded(reasons, [w.sentence(r) for w, r in zip(each, reasons, strict=True)],
                  [w.details(r) for w, r in zip(each, reasons, strict=True)])


def _departments(findings: Findings) -> np.ndarray:
    """Each person's group label in the primary grouping (department, else community), "" when none or hidden."""
    p, kind = findings.people, findings.groups.primary
    if kind not in p.columns or not len(p):
        return np.full(len(p), "", dtype=object)
    return p[kind].astype("string").fillna("").to_numpy(dtype=object)


def privacy_lines(findings: Findings) -> list[str]:
    """What the report hides and how, from ``summary.privacy``, as sentences for the first page."""
    p = findings.summary.privacy or {}
    lines = []
    if p.get("pseudonymised"):
        fp = p.get("key_fingerprint")
        lines.append("Pseudonymised: every person id, name and e-mail is a keyed pseudonym"
                     + (f" (key fingerprint {fp})." if fp else "."))
    elif not p.get("aggregate_only"):
        lines.append("Not pseudonymised: people are shown by name (run with --pseudonymize to hide them).")
    size = p.get("min_group_size")
    if size and int(size) > 1:
        lines.extend(suppression_lines(findings, int(size)))
    elif p:
        lines.append("Small groups are shown (no minimum group size).")
    if p.get("aggregate_only"):
        lines.append("Aggregate only: no individual is named anywhere in this report; the map shows groups.")
    if p.get("people_excluded"):
        lines.append(f"{int(p['people_excluded'])} people on the opt-out list were removed before the analysis.")
    if p.get("content"):
        lines.append(str(p["content"]).capitalize().rstrip(".") + ".")
    return lines


def suppression_lines(findings: Findings, size: int) -> list[str]:
    """Which groups small-group hiding hid, why, and what it hid to protect them (never their names)."""
    p = findings.summary.privacy or {}
    below = p.get("groups_below_size") or {}
    hidden_any = False
    lines = []
    for kind, n in (p.get("groups_suppressed") or {}).items():
        if not n:
            continue
        hidden_any = True
        small = int(below.get(kind, n))
        extra = int(n) - small
        what = f"{small} {Wording.plural(kind, small)} with fewer than {size} people"
        if extra:
            what += (f", and {extra} larger {Wording.plural(kind, extra)} hidden with "
                     f"{'it' if small == 1 else 'them'} so that the small one's figures cannot be worked out by "
                     "subtracting the others from the totals (complementary suppression)")
        lines.append(f"Hidden {Wording.plural(kind)}: {what}. Their names, their rows in every table, chart and "
                     "file, and any reason that would name them are left out (a reason says \"a small "
                     f"{kind}\" instead); their members still count in the organisation's totals and appear as "
                     f"people with no {kind} shown.")
    if not hidden_any:
        lines.append(f"Groups with fewer than {size} people are not shown (none needed hiding).")
    return lines


def _aggregated_note(findings: Findings, what: str, key: str) -> str | None:
    p = findings.summary.privacy or {}
    if not p.get("aggregate_only"):
        return None
    found = (p.get("aggregated") or {}).get(key)
    count = f" ({int(found)} found)" if found is not None else ""
    return f"{what} are not shown: this report is aggregate-only, no individual is named{count}."


def population_view(findings: Findings, *, top: int = 20) -> View:
    """Who is counted: the membership statement, senders set apart as not people, likely duplicates."""
    m = findings.summary.membership or {}
    lines = []
    rule = m.get("rule")
    domains = ", ".join(m.get("domains") or [])
    if rule == "directory":
        lines.append("Members are the people in the HR directory; everyone else is an outside contact.")
    elif rule in ("org domain", "inferred domain") and domains:
        how = ("inferred from the data: the domain most senders write from; change it with --org-domain"
               if m.get("inferred") else "as given with --org-domain")
        lines.append(f"Members are the addresses of {domains} and its subdomains ({how}); other addresses are "
                     "outside contacts.")
    elif rule == "platform":
        lines.append("Members are the platform's accounts; guests are outside contacts.")
    elif m:
        lines.append("Everyone in the data is counted as a member" + (f": {m['note']}." if m.get("note") else "."))
    if m.get("external"):
        lines.append(f"{int(m['external']):,} outside contacts are counted in ties to the outside but hold no role.")
    apart = findings.population.set_apart
    if len(apart):
        lines.append(f"{len(apart):,} senders are set apart as not people (lists, announcements, no-reply senders, "
                     "newsletters, bots): they hold no role and are not in the pyramid (keep one with "
                     "--keep-sender).")
    rows = [{"name": str(r.name) if isinstance(r.name, str) and r.name else str(r.person), "person": str(r.person),
             "evidence": str(r.evidence)} for r in apart.head(top).itertuples()]
    names = display_names(findings)
    ids = findings.people["person"].astype(str).to_numpy(dtype=object) if len(findings.people) else names
    dup = findings.population.duplicates
    held = dup[dup["role"]] if len(dup) else dup
    warnings = []
    for code, rows_of in held.groupby("code", sort=True) if len(held) else []:
        others = [_named(names[o], ids[o]) if o >= 0 else str(p) for o, p in zip(rows_of["other"],
                                                                                  rows_of["other_person"], strict=True)]
        warnings.append({"name": _named(names[int(code)], ids[int(code)]), "others": others,
                         "basis": "; ".join(sorted(set(rows_of["basis"].astype(str))))})
    if len(held):
        lines.append(f"{_count(len(warnings), 'person')} with a role may have another address or account in the data "
                     "(suggested from names): their activity may be split (merge them with an alias file: "
                     "`orgnet identities`).")
    return View(bool(lines), {"lines": lines, "set_apart": rows, "more_set_apart": max(0, len(apart) - top),
                              "duplicates": warnings[:top], "more_duplicates": max(0, len(warnings) - top)})


def ambassadors_view(findings: Findings, *, top: int = 25) -> View:
    """The ranked ambassadors with their score, components and reason."""
    section = findings.ambassadors
    hidden = _aggregated_note(findings, "Ambassadors", "ambassadors")
    if hidden:
        return View(False, note=hidden)
    t = section.table
    if not len(t):  # flagged and ranked are different things: no flagged person, no list
        note = section.note or "no one stands out"
        return View(False, note=note[:1].upper() + note[1:] + ".")
    names, depts, words = display_names(findings), _departments(findings), wording(findings)
    components = ["weeks_active", "conversations", "responders", "responder_groups", "people_answered",
                  "people_shared"]
    rows = []
    for i in range(min(top, len(t))):
        r = t.iloc[i]
        code = int(r["code"])
        rows.append({
            "rank": int(r["rank"]), "name": str(names[code]), "department": str(depts[code]),
            "score": _number(r["score"]), "flagged": bool(r["flagged"]),
            "components": [(c.replace("_", " ").replace("responder groups", f"responder {words.plural(words.noun)}"),
                            _number(r[c])) for c in components],
            "reason": words.sentence(section.reason(i)), "details": words.details(section.reason(i)),
        })
    return View(True, {"rows": rows, "total": len(t), "flagged": section.flagged, "scored": section.scored,
                       "components": [c.replace("_", " ") for c in components]})


#: What the Score column of each connector role is (the number differs by role and was unexplained).
SCORE_NOTES = {
    "central connector": "Score: the share of people who are no more sought-after (PageRank) than them; "
                         "1 is the most sought-after.",
    "boundary spanner": "Score: how evenly their contacts are spread over groups (participation coefficient), "
                        "from 0 (all in one group) towards 1 (evenly over many).",
    "information broker": "Score: the share of people who are no more often in between others (betweenness) "
                          "than them; 1 is the most.",
    "peripheral": "Score: how far below the typical person's number of contacts they are, from 0 (as many) "
                  "to 1 (none); the furthest below first.",
    "newcomer": "Score: how far below the typical established member's number of contacts they are, from 0 "
                "(as many) to 1 (none); the furthest below first.",
}


def connectors_view(findings: Findings, *, per_role: int = 10) -> View:
    """People by connector role, the best-scored first in each role."""
    section = findings.connectors
    hidden = _aggregated_note(findings, "Connectors", "connectors")
    if hidden:
        return View(False, note=hidden)
    t = section.table
    names, depts, words = display_names(findings), _departments(findings), wording(findings)
    roles = []
    for role in section.ROLES:
        rows_of = np.flatnonzero(t["role"].astype(str).to_numpy() == role) if len(t) else np.zeros(0, np.int64)
        if not len(rows_of):
            continue
        ascending = role in ("peripheral", "newcomer")
        order = rows_of[np.argsort(t["score"].to_numpy(float)[rows_of] * (1 if ascending else -1), kind="stable")]
        rows = [{"name": str(names[int(t["code"].iat[i])]), "department": str(depts[int(t["code"].iat[i])]),
                 "score": _number(t["score"].iat[i]), "reason": words.sentence(section.reason(int(i))),
                 "details": words.details(section.reason(int(i)))}
                for i in order[:per_role]]
        roles.append({"role": role, "count": len(rows_of), "rows": rows, "score_note": SCORE_NOTES.get(role, "")})
    notes = [f"{role.capitalize()}s: not computed ({why})." for role, why in section.notes.items()]
    if not roles:
        return View(False, note=" ".join(notes) or "No one holds a connector role.")
    return View(True, {"roles": roles, "notes": notes})


def silos_view(findings: Findings, *, top: int = 25) -> View:
    """Groups flagged as silos (the ``top`` most inward-looking) with their E-I index and their bridges."""
    t = findings.silos.table
    names = display_names(findings)
    flagged = np.flatnonzero(t["is_silo"].to_numpy(bool)) if len(t) else np.zeros(0, np.int64)
    order = flagged[np.argsort(t["ei"].to_numpy(float)[flagged], kind="stable")]
    rows = []
    words_by = {kind: wording(findings, kind) for kind in findings.groups.by_kind}
    same = _same_as_department_silo(findings, t, flagged)
    notes = _same_notes([(group_label(findings, "community", c), group_label(findings, "department", d))
                         for c, d in same.items()])
    order = np.array([i for i in order if not (str(t["kind"].iat[int(i)]) == "community"
                                                and int(t["code"].iat[int(i)]) in same)], dtype=np.int64)
    for i in order[:top]:
        r = t.iloc[int(i)]
        kind = str(r["kind"])
        words = words_by[kind]
        rows.append({
            "group": group_label(findings, kind, int(r["code"])), "kind": kind, "size": int(r["size"]),
            "ei_index": _number(r["ei"]),
            "bridges": [str(names[c]) for c in np.asarray(r["bridges"], dtype=np.int64)] if len(names) else [],
            "bridge_count": int(r["n_bridges"]),
            "reason": words.sentence(findings.silos.reason(int(i))),
            "details": words.details(findings.silos.reason(int(i))),
        })
    return View(True, {"rows": rows, "flagged": True, "total": len(order), "more": max(0, len(order) - len(rows)),
                       "has_bridges": True, "same": notes})


#: A community silo whose members are this share or more of one department silo's people is that
#: silo again: the report names it once, not twice.
SAME_AS_DEPARTMENT_SHARE = 0.8

#: Up to this many such communities are named one by one under the silo table; above it, one
#: sentence counts them (at 100,000 people there were 221, a page of identical lines).
SAME_AS_DEPARTMENT_LISTED = 5


def _same_notes(pairs: list[tuple[str, str]]) -> list[str]:
    """The sentences under the silo table for the (community, department) silos that are one group.

    Each named when there are few; counted in one sentence, with examples, when there are many.

    Examples
    --------
    >>> _same_notes([("C1", "Sales")])
    ['Community C1 is mostly the people of the Sales department, already listed as a silo.']
    >>> _same_notes([(f"C{i}", f"D{i}") for i in range(8)])[0][:60]
    '8 communities are each mostly the people of a department alr'
    """
    pairs = [(c, d) for c, d in pairs if c and d]  # a hidden group is not named, nor counted
    if len(pairs) <= SAME_AS_DEPARTMENT_LISTED:
        return [f"Community {c} is mostly the people of the {d} department, already listed as a silo."
                for c, d in pairs]
    examples = "; ".join(f"community {c} is the {d} department" for c, d in pairs[:3])
    return [f"{len(pairs):,} communities are each mostly the people of a department already listed as a silo, "
            f"so they are not listed again (for example: {examples}). groups.csv has every group."]


def _same_as_department_silo(findings: Findings, t: pd.DataFrame, flagged: np.ndarray) -> dict[int, int]:
    """Community silos that are mostly (80% or more) the members of a department silo: community -> department."""
    by = findings.groups.by_kind
    if "department" not in by or "community" not in by or not len(flagged):
        return {}
    kinds, codes = t["kind"].astype(str).to_numpy(), t["code"].to_numpy(np.int64)
    dept_silos = {int(c) for c in codes[flagged][kinds[flagged] == "department"]}
    comm_silos = [int(c) for c in codes[flagged][kinds[flagged] == "community"]]
    if not dept_silos or not comm_silos:
        return {}
    dept, comm = by["department"].codes, by["community"].codes
    # Every community silo's most common department at once (one crosstab of their members; a
    # loop over the communities scanned everyone once per community: seconds at a million people).
    members = np.isin(comm, comm_silos)
    size = np.bincount(comm[members], minlength=max(comm_silos) + 1)
    c_in, d_in = comm[members], dept[members]
    table = contingency_table(c_in, d_in)  # rows and columns: the sorted codes with a known department
    rows, cols = np.unique(c_in[d_in >= 0]), np.unique(d_in[d_in >= 0])
    top: dict[int, tuple[int, int]] = {}
    if len(rows):
        most = np.asarray(table.argmax(axis=1)).ravel()  # the first, lowest code, among equals
        count = np.asarray(table.max(axis=1).toarray()).ravel()
        top = {int(c): (int(cols[j]), int(k)) for c, j, k in zip(rows, most, count, strict=True)}
    out = {}
    for c in comm_silos:  # the table's order
        d, n = top.get(c, (-1, 0))
        if d in dept_silos and n >= SAME_AS_DEPARTMENT_SHARE * size[c]:
            out[c] = d
    return out


#: Source formats that are e-mail (a combined read is named like "mbox+maildir").
_EMAIL_FORMATS = frozenset({"mbox", "maildir", "eml", "email"})


def _from_email(findings: Findings) -> bool:
    """Whether any input is e-mail: recipients are known, reading is not."""
    return any(set(str(src.get("format", "")).split("+")) & _EMAIL_FORMATS for src in findings.summary.sources)


def community_caveat(findings: Findings) -> str:
    """The warning each section built on communities carries when they are unstable ("" when stable).

    Communities found by Leiden are compared across seeds (normalised mutual information, NMI);
    below the rules' minimum another seed splits people differently, so every figure per community
    (and every department said to split into communities) may change with it.
    """
    st = (findings.summary.methods or {}).get("community_stability") or {}
    nmi, limit = st.get("mean_nmi"), st.get("min_stability")
    if st.get("stable", True) or nmi is None:
        return ""
    return (f"Caution: the informal communities are unstable (agreement between runs {float(nmi):.2f}, below "
            f"{float(limit):.2f}): another run could group people differently, so what is said here per "
            "community is not reliable.")


def mailbox_caveat(findings: Findings) -> str:
    """The sampling warning for personal mailboxes (maildir), "" for other sources.

    A maildir holds the mail of its owners: each owner is sender or recipient of every message
    in their own mailbox, so owners come out central whatever their real place in the organisation.
    """
    if not any("maildir" in str(src.get("format", "")).split("+") for src in findings.summary.sources):
        return ""
    return ("Caution: the data are personal mailboxes. Each mailbox owner is in every message of their own "
            "mailbox, so the owners are central by construction, and everyone else is seen only through "
            "them: a mailbox owner ranked high here says more about whose mail was collected than about the "
            "organisation.")


def pyramid_view(findings: Findings, *, max_groups: int = 30) -> View:
    """Counts per engagement level, overall and per group."""
    p = findings.pyramid
    levels = list(p.levels)
    counts = [int(p.overall.get(lev, 0)) for lev in levels]
    total = sum(counts)
    if total == 0:
        return View(False, note="No one in the data can hold a pyramid level.")
    if p.note:
        return View(False, note=f"The engagement pyramid is {NOT_AVAILABLE}: {p.note}.")
    by = p.by_group
    group_rows = []
    if len(by):
        sums = by[levels].sum(axis=1).to_numpy()
        order = np.lexsort((by["code"].to_numpy(), -sums))
        for i in order:
            if sums[i] == 0:
                continue
            label = group_label(findings, p.grouping, int(by["code"].iat[i]))
            if not label:
                continue
            group_rows.append({"group": label, "total": int(sums[i]), "counts": [int(by[lev].iat[i]) for lev in levels]})
    # People in no row: no group (no tie, so no community; or not in the directory) or a group
    # hidden for privacy. Said, else a table of 40 people under a pyramid of 648 is unexplained.
    left_out = total - sum(r["total"] for r in group_rows) if group_rows else 0
    no_group = ("no tie to anyone (communities are found from ties)" if p.grouping == "community"
                else f"no {p.grouping} in the directory")
    rest_note = (f"{left_out:,} of the {total:,} people are in no row: {no_group}, or in a {p.grouping} hidden "
                 "for privacy." if left_out > 0 else "")
    excluded = "; ".join(f"{n:,} {why}" for why, n in p.excluded.items())
    note = f"Not in the pyramid: {excluded}." if excluded else ""
    if _from_email(findings) and p.overall.get("watcher"):
        note = (f"E-mail shows who received a message, not who read it: the {p.overall['watcher']:,} watchers are "
                "recipients who never wrote, readers at most, and whether they watch cannot be measured. "
                + note).strip()
    return View(True, {"levels": levels, "counts": counts, "total": total, "groups": group_rows[:max_groups],
                       "more_groups": max(0, len(group_rows) - max_groups), "grouping": p.grouping,
                       "left_out": left_out, "left_out_note": rest_note}, note)


def natural_key(label: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key putting numbers in labels in numeric order.

    >>> sorted(["C10", "C2", "C1", "Legal", "C11"], key=natural_key)
    ['C1', 'C2', 'C10', 'C11', 'Legal']
    """
    return tuple((0, int(part)) if part.isdigit() else (1, part.casefold())
                 for part in re.split(r"(\d+)", str(label)) if part)


def group_matrix_view(findings: Findings, *, max_groups: int = 30) -> View:
    """The group-to-group matrix for the heatmap, each row as shares of the row group's tie weight."""
    m = findings.groups.matrix
    labels = [group_label(findings, m.kind, int(c)) for c in m.codes]
    keep_codes = [i for i, lab in enumerate(labels) if lab]
    if len(keep_codes) < 2:
        return View(False, note="There are fewer than two groups, so there is no group-to-group matrix.")
    w = np.asarray(m.weights, dtype=float)[np.ix_(keep_codes, keep_codes)]
    labels = [labels[i] for i in keep_codes]
    weight = w.sum(axis=0) + w.sum(axis=1)
    # In the labels' natural order: C1, C2, ..., C10 (not C1, C10, C11, ..., C2).
    keep = np.array(sorted(np.argsort(-weight, kind="stable")[:max_groups], key=lambda i: natural_key(labels[i])),
                    dtype=np.int64)
    sub = w[np.ix_(keep, keep)]
    row_total = w[keep].sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(row_total > 0, sub / np.where(row_total > 0, row_total, 1), 0.0)
    return View(True, {"kind": m.kind, "labels": [labels[i] for i in keep], "share": share, "weight": sub,
                       "hidden": m.groups - len(keep)}, "")


def trend_lines(findings: Findings) -> list[str]:
    """What changed between the first and last complete periods, in words (names, not ids)."""
    per = findings.periods
    if per is None or per.compared is None:
        return []
    names = display_names(findings)
    words = wording(findings, per.grouping)
    span = f"between {per.compared[0]} and {per.compared[1]}"
    texts = {"new_ambassadors": "became ambassadors", "former_ambassadors": "were ambassadors and no longer are",
             "new_silos": "became silos", "silos_no_longer": "are no longer silos",
             "more_inward": "turned inward (the share of their ties that leave the group fell clearly, by more "
                            "than chance explains)"}
    out = []
    for key, text in texts.items():
        codes = per.changes.get(key, np.zeros(0, np.int64))
        people = "ambassador" in key
        items = [str(names[c]) for c in codes] if people else [lab for c in codes if (lab := words.group_labels[c]
                                                                                     if c < len(words.group_labels)
                                                                                     else None)]
        if not items:
            continue
        shown = ", ".join(items[:10]) + (f" and {len(items) - 10} more" if len(items) > 10 else "")
        noun = words.count(len(items), "person" if people else per.grouping)
        out.append(f"{noun} {text} {span}: {shown}")
    return out


def periods_view(findings: Findings) -> View:
    """Per-period figures and what changed, between the first and last complete periods only.

    A partial period (the data covers only part of it) is drawn and marked but never compared:
    its figures are small by construction. A change of a count is called a change only when it
    is larger than its uncertainty (:attr:`~orgnet.findings.rules.TrendRules.change_z` Poisson
    standard errors of the difference); otherwise the page says it is within chance.
    """
    per = findings.periods
    if per is None:
        note = "; ".join(findings.summary.skipped_findings) or "run with --by week, month or quarter"
        return View(False, note=f"Trends over time are {NOT_AVAILABLE} ({note}).")
    t = per.table
    if len(t) < 2:
        return View(False, note=f"Trends need at least two periods; this analysis has {len(t)}.")
    partial = [bool(x) for x in t["partial"]]
    labels = [str(x) + (" (partial)" if part else "") for x, part in zip(t["period"], partial, strict=True)]
    complete = [i for i, part in enumerate(partial) if not part]
    z = per.change_z
    keys = ["events", "active_people", "ties", "ambassadors_flagged", "silos_flagged"]
    series = []
    for k in keys:
        if k not in t.columns:
            continue
        values = [_number(v) for v in t[k]]
        item: dict[str, Any] = {"name": k.replace("_", " "), "values": values, "partial": partial, "headline": None}
        if len(complete) >= 2:
            a, b = values[complete[0]], values[complete[-1]]
            if a is not None and b is not None:
                clear = abs(b - a) > z * math.sqrt(max(a + b, 1.0))
                item["headline"] = {"first": a, "last": b, "from": str(t["period"].iat[complete[0]]),
                                    "to": str(t["period"].iat[complete[-1]]), "clear": clear}
        series.append(item)
    marked = [str(p) for p, part in zip(t["period"], partial, strict=True) if part]
    notes = []
    if marked:
        notes.append(f"{', '.join(marked)}: partial (the data covers only part of "
                     f"{'it' if len(marked) == 1 else 'them'}): drawn hollow, left out of the changes.")
    trends = trend_lines(findings)
    if per.note:
        trends.append(per.note[0].upper() + per.note[1:] + ".")
    return View(True, {"by": per.by, "labels": labels, "series": series, "trends": trends, "notes": notes,
                       "compared": list(per.compared) if per.compared else None})


def people_flags(findings: Findings, *, ambassadors_marked: int = 50) -> pd.DataFrame:
    """Per person (aligned with ``findings.people``): roles, reasons, ambassador and broker marks.

    People with no role share one empty tuple (a million people, a few per cent flagged: a list
    each cost a second); the flagged have a list each.
    """
    n = findings.n
    roles: dict[int, list[str]] = {}
    reasons: dict[int, list[str]] = {}
    ambassador = np.zeros(n, dtype=bool)
    words = wording(findings)
    amb = findings.ambassadors
    for i in range(min(ambassadors_marked, len(amb.table))):
        code = int(amb.table["code"].iat[i])
        ambassador[code] = True
        roles.setdefault(code, []).append(f"ambassador #{int(amb.table['rank'].iat[i])}")
        reasons.setdefault(code, []).append("ambassador: " + words.sentence(amb.reason(i)))
    con = findings.connectors
    codes = con.table["code"].to_numpy(np.int64)
    role_names = con.table["role"].astype(str).tolist()
    for code, role, reason in zip(codes.tolist(), role_names, con.reasons(), strict=True):
        mine = roles.setdefault(code, [])
        if role not in mine:
            mine.append(role)
        reasons.setdefault(code, []).append(f"{role}: " + words.sentence(reason))
    broker = np.zeros(n, dtype=bool)
    broker[codes[np.isin(np.asarray(role_names, dtype=object), list(BROKER_ROLES))]] = True
    return pd.DataFrame({"roles": _per_person(roles, n), "reasons": _per_person(reasons, n),
                         "ambassador": ambassador, "broker": broker})


def _per_person(values: dict[int, list[str]], n: int) -> np.ndarray:
    out = np.empty(n, dtype=object)
    out.fill(())
    if values:
        at = np.fromiter(values, dtype=np.int64, count=len(values))
        out[at] = np.fromiter(values.values(), dtype=object, count=len(values))  # never read as 2-D
    return out


def highlights(findings: Findings, *, top: int = 5) -> list[tuple[str, list[str], list[list[str]]]]:
    """Short tables for the terminal summary: top ambassadors, information brokers and silos.

    Returns
    -------
    list of (title, columns, rows)
        Only the tables whose findings exist; every cell is text.
    """
    out: list[tuple[str, list[str], list[list[str]]]] = []
    noun = findings.groups.primary
    amb = ambassadors_view(findings, top=top)
    if amb.available and amb.data["rows"]:
        out.append((f"Passionate ambassadors ({amb.data['flagged']:,} of {amb.data['scored']:,} scored stand out)",
                    ["#", "name", noun, "why"],
                    [[str(r["rank"]), r["name"], r["department"], r["reason"]] for r in amb.data["rows"]]))
    elif amb.note:  # flagged and ranked are different things: say why there is no list
        out.append(("Passionate ambassadors", ["finding"], [[amb.note]]))
    con = connectors_view(findings, per_role=top)
    for role in con.data.get("roles", []):
        if role["role"] in BROKER_ROLES and role["rows"]:
            out.append((f"{role['role'].capitalize()}s ({role['count']:,})", ["name", noun, "why"],
                        [[r["name"], r["department"], r["reason"]] for r in role["rows"]]))
    silos = silos_view(findings, top=top)
    if silos.data.get("rows"):
        rows = [[r["group"], r["kind"], "–" if r["ei_index"] is None else f"{r['ei_index']:+.2f}",
                 ", ".join(r["bridges"]) if r["bridges"] else "no one"]
                for r in silos.data["rows"]]
        out.append((f"Silos ({silos.data['total']:,} flagged)", ["group", "kind", "E-I", "bridged by"], rows))
    return out


def _hours(value: float | None) -> str:
    """A duration in hours, in the unit a reader would use ("40 minutes", "3.5 hours", "2 days")."""
    if value is None:
        return "–"
    if value < 1:
        return f"{max(round(value * 60), 1)} minutes"
    if value < 48:
        return f"{value:.1f} hours"
    return f"{value / 24:.1f} days"


#: Group direct messages (Slack names them after their members): never listed as a place.
_PRIVATE_PLACE = re.compile(r"mpdm-.*-\d+")


def channels_view(findings: Findings, *, top: int | None = 30) -> View:
    """Channels, groups and lists as the platform names them: members, activity, response time.

    Places with fewer members than the report's minimum group size, and group direct messages
    (named after their members), are left out and counted.
    """
    ch = findings.channels
    t = ch.table
    if not len(t):
        return View(False, note=f"Channels are {NOT_AVAILABLE} ({ch.note or 'no channel in the data'}).")
    size = int((findings.summary.privacy or {}).get("min_group_size") or 0)
    private = t["channel"].astype(str).map(lambda c: _PRIVATE_PLACE.fullmatch(c) is not None).to_numpy(bool)
    shown = t[(t["members"].to_numpy() >= max(size, 1)) & ~private]
    hidden = len(t) - len(shown)
    timed = "median_response_hours" in shown.columns
    # Answers per channel mean something only where the Response section can measure them at all.
    hl = findings.responses.half_life
    measured = bool(hl and hl.get("answered"))
    records = []
    for r in shown.itertuples(index=False):
        rec = {"channel": str(r.channel), "members": int(r.members), "active_members": int(r.active_members),
               "posts": int(r.posts), "replies": int(r.replies)}
        if timed:
            rec.update(answered=int(r.answered), share_answered=_number(r.share_answered),
                       median_response_hours=_number(r.median_response_hours))
        records.append(rec)
    unmeasured = "cannot be measured"
    rows = [dict(rec, response=_hours(rec.get("median_response_hours")) if timed and measured else "–",
                 answered_text=unmeasured if not measured else
                 "–" if rec.get("share_answered") is None else f"{percent(100 * rec['share_answered'])}%")
            for rec in (records if top is None else records[:top])]
    note = ""
    if hidden:
        note = (f"{hidden:,} {'place is' if hidden == 1 else 'places are'} not listed: those with fewer than "
                f"{size} members (too small to show without pointing at people) and group direct messages."
                if size > 1 else
                f"{hidden:,} group direct {'message is' if hidden == 1 else 'messages are'} not listed.")
    if not records:
        note = note or "No channel has enough members to be shown."
    return View(bool(records), {"rows": rows, "records": records, "total": len(records), "hidden": hidden,
                                "more": max(0, len(records) - len(rows)), "timed": timed, "measured": measured,
                                "why_not": findings.responses.note or "no post drew a timed answer"}, note)


def responses_view(findings: Findings) -> View:
    """When posts get answered: half-life, share answered (within a day), a weekday × hour grid."""
    r = findings.responses
    hl = r.half_life
    if not hl or not hl.get("answered"):
        return View(False, note=f"Response times are {NOT_AVAILABLE}: {r.note or 'no post drew a timed answer'}.")
    posts, answered = int(hl["posts"]), int(hl["answered"])
    within = hl.get("answered_within_day")
    lines = [f"Half of the answered posts got their first answer within {_hours(_number(hl['half_life_hours']))}.",
             f"{answered:,} of {posts:,} posts that start a conversation ({percent(100 * answered / max(posts, 1))}%) "
             "drew an answer: a reply or share by someone else."]
    if within is not None:
        lines.append(f"{int(within):,} ({percent(100 * int(within) / max(posts, 1))}%) were answered within a day.")
    cells: list[dict[str, Any]] = []
    grid = r.by_weekday_hour
    if grid is not None and len(grid):
        for g in grid.itertuples(index=False):
            share = _number(g.share_answered)
            cells.append({"day": str(g.day), "weekday": int(g.weekday), "hour": int(g.hour), "posts": int(g.posts),
                          "answered": int(g.answered), "share": share,
                          "delay": _hours(_number(g.median_delay_hours))})
    return View(True, {"lines": lines, "cells": cells, "half_life_hours": _number(hl["half_life_hours"]),
                       "posts": posts, "answered": answered,
                       "days": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]},
                "Reactions are not counted as answers: most exports give a reaction no time of its own.")


def outside_view(findings: Findings, *, top: int = 25) -> View:
    """Getting outside: who has at least N distinct outside contacts, per period and by name."""
    r = findings.responses
    n_min = int(r.outside_min_contacts)
    per_period = []
    if r.getting_outside is not None:
        for g in r.getting_outside.itertuples(index=False):
            per_period.append({"period": str(g.period), "active": int(g.active), "outside": int(g.outside),
                               "share": _number(g.share_outside), "median": _number(g.median_contacts),
                               "partial": bool(getattr(g, "partial", False))})
    people = []
    total = 0
    hidden = _aggregated_note(findings, "The people themselves", "outside_people")
    if r.outside_people is not None:
        total = len(r.outside_people)
        if not hidden:
            names, depts = display_names(findings), _departments(findings)
            for o in r.outside_people.head(top).itertuples(index=False):
                people.append({"name": str(names[int(o.code)]), "department": str(depts[int(o.code)]),
                               "contacts": int(o.outside_contacts), "groups": int(o.other_groups),
                               "parties": int(o.outside_parties)})
    if not per_period and r.outside_people is None:
        return View(False, note=f"Getting outside is {NOT_AVAILABLE}.")
    noun = findings.groups.primary
    lede = (f"An outside contact is a distinct person in another {noun}, or someone outside the organisation, "
            f"that a person wrote to, answered or reacted to. Getting outside means at least {n_min} of them "
            "(change it with --outside-contacts).")
    return View(True, {"min": n_min, "periods": per_period, "people": people, "total": total,
                       "more": max(0, total - len(people)), "lede": lede}, hidden or "")


def formal_view(findings: Findings, *, top: int = 15) -> View:
    """Formal against informal structure: departments split, communities spanning, managers and informal leaders."""
    fo = findings.formal
    if not fo.available:
        if not findings.summary.directory:
            return View(False, note="Formal against informal structure needs an HR directory (give --directory): "
                                    "without one there is no formal structure to set the informal communities against.")
        return View(False, note=f"Formal against informal structure is {NOT_AVAILABLE}: {fo.note}.")
    lines = []
    if fo.nmi is not None:
        agree = "closely" if fo.nmi >= 0.7 else "partly" if fo.nmi >= 0.4 else "hardly"
        lines.append(f"The informal communities {agree} follow the departments (agreement {fo.nmi:.2f} on a 0–1 "
                     "scale, normalised mutual information).")

    def parts(frame: pd.DataFrame | None, kind: str, parts_kind: str, flag: str) -> list[dict[str, Any]]:
        if frame is None:
            return []
        out = []
        for r in frame[frame[flag].to_numpy(bool)].sort_values("size", ascending=False).itertuples(index=False):
            label = group_label(findings, kind, int(r.code))
            if not label:
                continue
            named = [(group_label(findings, parts_kind, int(c)), float(sh))
                     for c, sh in zip(r.parts, r.part_shares, strict=True)]
            out.append({"group": label, "size": int(r.size),
                        "parts": [f"{lab} ({percent(100 * sh)}%)" for lab, sh in named if lab]})
        return out

    splits = parts(fo.department_splits, "department", "community", "splits")
    spans = parts(fo.community_spans, "community", "department", "spans")
    if fo.department_splits is not None:
        lines.append(f"{_count_words(len(splits), 'department')} {'works' if len(splits) < 2 else 'work'} as two "
                     "or more separate clusters.")
    if fo.community_spans is not None:
        lines.append(f"{_count_words(len(spans), 'informal community', 'informal communities')} "
                     f"{'spans' if len(spans) < 2 else 'span'} several departments.")
    leaders, managers_central = [], 0
    hidden_people = findings.aggregate_only
    if fo.managers is not None and len(fo.managers):
        m = fo.managers
        names, depts = display_names(findings), _departments(findings)
        is_mgr, is_lead = m["is_manager"].to_numpy(bool), m["is_informal_leader"].to_numpy(bool)
        managers_central = int((is_mgr & is_lead).sum())
        lines.append(f"{int(is_mgr.sum()):,} managers; {_count_words(managers_central, 'manager')} also among the "
                     "most central people. "
                     f"{_count_words(int((~is_mgr & is_lead).sum()), 'person', 'people')} without reports are "
                     "as central as the most central managers (informal leaders).")
        if not hidden_people:
            for r in m[~is_mgr & is_lead].sort_values("centrality", ascending=False).head(top).itertuples(index=False):
                leaders.append({"name": str(names[int(r.code)]), "department": str(depts[int(r.code)]),
                                "percentile": _number(r.percentile)})
    rl = fo.reporting_line
    if rl:
        share = _number(rl.get("share_tie_to_manager"))
        if share is not None:
            lines.append(f"{percent(100 * share)}% of people with a manager have a tie to them; for "
                         f"{percent(100 * (_number(rl.get('share_manager_top_contact')) or 0))}% the manager is their "
                         "closest contact.")
    return View(True, {"lines": lines, "splits": splits[:top], "spans": spans[:top], "leaders": leaders,
                       "nmi": fo.nmi, "ari": fo.ari})


def _count_words(n: int, singular: str, plural: str | None = None) -> str:
    """"No one"/"No department" instead of 0; "1 department"; "4 departments"."""
    plural = plural or singular + "s"
    if n == 0:
        return "No one" if singular in ("person", "manager") else f"No {singular}"
    return f"{n:,} {singular if n == 1 else plural}"


#: Readable titles of the summary's method notes (summary.methods), in the order shown.
_METHOD_TITLES = {
    "pagerank": "Who is sought after (PageRank)",
    "betweenness": "Who is in between (betweenness)",
    "communities": "Informal communities",
    "ei_index": "Inward or outward looking (E-I index)",
    "responses": "Response times",
}


def methods_view(findings: Findings) -> list[tuple[str, str]]:
    """The methods as readable (title, sentence) pairs: never a raw mapping."""
    m = findings.summary.methods or {}
    out = []
    for key, title in _METHOD_TITLES.items():
        text = m.get(key)
        if isinstance(text, str) and text:
            out.append((title, text[0].upper() + text[1:].rstrip(".") + "."))
    err = m.get("betweenness_error")
    if isinstance(err, dict) and m.get("betweenness_method") not in (None, "exact"):
        out.append(("Betweenness sampling",
                    f"Estimated from {int(err.get('pivots') or 0):,} sampled starting points; "
                    f"{int(err.get('certain_top') or 0)} of the top {int(err.get('top') or 0)} are certain to be "
                    "there whatever the sample."))
    out.append(("Active", "A person is active when they contributed at least once: anything but joining or "
                          "viewing. Someone who only joined or viewed is a watcher. The same count is used by "
                          "orgnet inspect, the report and the map."))
    per = findings.periods
    if per is not None:
        out.append(("Trends", f"Per {per.by}. A partial {per.by} (the data covers less than 80% of it) is shown but "
                              "never compared. A change is reported only when it is larger than its uncertainty "
                              f"({per.change_z:g} standard errors)."))
    return out


#: Terms the page uses, in plain words.
GLOSSARY: tuple[tuple[str, str], ...] = (
    ("Tie", "Someone acted towards someone else at least once: wrote to, answered, reacted to, shared or mentioned "
            "them. Its weight counts how often."),
    ("Active / watcher", "Active people contributed at least once; watchers only joined or viewed."),
    ("Outside contact", "A distinct person in another group, or someone outside the organisation, that a person "
                        "acted towards."),
    ("PageRank", "How sought-after someone is: many people turn to them, and those people are sought after too."),
    ("Betweenness", "How often someone lies on the shortest path between two other people: the go-between."),
    ("Constraint", "How much someone's contacts know each other (high: a closed circle; low: separate circles "
                   "only they connect)."),
    ("Effective size", "Roughly, how many of someone's contacts are not in touch with each other."),
    ("Participation coefficient", "How evenly someone's ties spread over groups (0: all in one group)."),
    ("E-I index", "Outside minus inside ties, over all ties, of a group: −1 all inside, +1 all outside."),
    ("z-score", "How many standard deviations a figure lies from what is typical; a robust z-score uses the "
                "median and its typical spread, so a few extreme people do not move it."),
    ("Half-life", "The time within which half of the answered posts got their first answer."),
    ("Partial period", "A week, month or quarter the data covers only in part: its figures are small by "
                       "construction, so it is never compared."),
)
