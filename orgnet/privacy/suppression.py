"""Small-group suppression: groups below a minimum size leave every section, by label and by figure.

Sections refer to groups by code (:mod:`orgnet.findings.model`), so hiding a group is removing its
code wherever it appears: its rows (groups, silos, pyramid, formal structure), its row and column of
the group matrices, its code inside lists (communities a department splits into, silos per period,
trends), its E-I column per period and the within-group evidence of central connectors. Its label
is blanked and its members lose their group (code ``-1``, no label in the people table), so no map
or count made from people can show it either; any other text attribute that names it (a team
"<Department> Cobalt", a title "Head of <Department>") is blanked too. Only the number of hidden
groups of each kind is recorded, never which.

Examples
--------
>>> from orgnet.findings import analyze
>>> from orgnet.synthetic import toy_org
>>> f = analyze(toy_org().events, directory=toy_org().directory)
>>> f.groups.by_kind["department"].sizes().tolist()
[9, 6, 4, 3, 4, 5, 9, 20]
>>> s = suppress_small_groups(f, 5)
>>> s.groups.by_kind["department"].hidden.nonzero()[0].tolist(), s.groups.by_kind["department"].labels[2]
([2, 3, 4], '')
>>> sorted(s.groups.table.query("kind == 'department'")["code"])
[0, 1, 5, 6, 7]
"""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from orgnet.findings.model import Connectors, Findings, Formal, Grouping, GroupMatrix, Groups, Periods

__all__ = ["suppress_small_groups", "suppressed_groups"]

Mask = npt.NDArray[np.bool_]


def suppressed_groups(sizes: pd.Series, min_group_size: int) -> list[Any]:
    """Which groups of one partition to hide: those below the threshold, plus complementary suppression.

    When exactly one group of a partition would be hidden, the next smallest is hidden too, so
    the hidden group's figures cannot be recovered by subtracting the others from the totals.
    Ties in size are broken by the index (label or code), so the choice is deterministic.

    Parameters
    ----------
    sizes : pandas.Series
        Members per group, indexed by label or code.
    min_group_size : int
        Smallest group shown; 0 or 1 hides nothing.

    Returns
    -------
    list
        The index values of the groups to hide, sorted.

    Examples
    --------
    >>> suppressed_groups(pd.Series({"Legal": 3, "Sales": 40, "HR": 6, "IT": 12}), 5)
    ['HR', 'Legal']
    >>> suppressed_groups(pd.Series({"A": 1, "B": 2, "C": 50}), 5)
    ['A', 'B']
    >>> suppressed_groups(pd.Series([7, 3, 9]), 5)
    [0, 1]
    """
    if min_group_size <= 1 or not len(sizes):
        return []
    order = sizes.astype(np.int64).sort_index(kind="stable").sort_values(kind="stable")
    hidden = order.index[order.to_numpy() < min_group_size].tolist()
    if len(hidden) == 1 and len(order) > 1:
        hidden.append(order.index.tolist()[1])
    return sorted(hidden)


def _rule(min_group_size: int) -> str:
    if min_group_size <= 1:
        return "no group is hidden (suppression off)"
    return (f"groups with fewer than {min_group_size} people are not shown; when only one group of a kind "
            "would be hidden, the next smallest is hidden too (complementary suppression)")


def suppress_small_groups(findings: Findings, min_group_size: int = 5) -> Findings:
    """New findings where groups smaller than ``min_group_size`` appear nowhere.

    Complementary suppression is applied per grouping (see :func:`suppressed_groups`). A hidden
    group's code leaves every section; its label is blanked and :attr:`Grouping.hidden
    <orgnet.findings.model.Grouping.hidden>` marks it; its members keep their own rows but are in
    no group of that kind. Central connectors flagged by the within-group rule of a hidden group
    keep the role; their evidence no longer names the group (``group`` -1, ``group_z`` NaN).
    Silo counts (``summary.flagged``, silos per period) count shown groups only.

    Parameters
    ----------
    findings : Findings
        Findings (pseudonymised or not).
    min_group_size : int
        Smallest group shown; 0 or 1 turns suppression off.

    Returns
    -------
    Findings
        A new object (the input is left as it was) with ``summary.privacy`` recording
        ``min_group_size``, ``groups_suppressed`` (kind -> how many) and ``suppression_rule``.
    """
    hidden: dict[str, Mask] = {}
    for kind, g in findings.groups.by_kind.items():
        mask = np.asarray(g.hidden, dtype=bool).copy()
        mask[suppressed_groups(pd.Series(g.sizes()), min_group_size)] = True
        if mask.any():
            hidden[kind] = mask
    summary = copy.deepcopy(findings.summary)
    summary.privacy.update({
        "min_group_size": int(min_group_size),
        "groups_suppressed": {kind: int(mask.sum()) for kind, mask in sorted(hidden.items())},
        # Of those, how many were below the size (the rest were hidden with them: complementary).
        "groups_below_size": {kind: int((mask & (findings.groups.by_kind[kind].sizes() < min_group_size)).sum())
                              for kind, mask in sorted(hidden.items())},
        "suppression_rule": _rule(min_group_size),
    })
    if not hidden:
        return replace(findings, summary=summary)

    people = findings.people.assign(**{
        kind: findings.people[kind].mask(_members(findings.groups.by_kind[kind], mask))
        for kind, mask in hidden.items() if kind in findings.people.columns})
    labels = [str(label) for kind, mask in hidden.items()
              for label in np.asarray(findings.groups.by_kind[kind].labels, dtype=object)[mask] if label]
    people = _without_labels(people, labels, skip={"person", "name", "email", *hidden})
    people = _small_attribute_groups(people, min_group_size, skip=set(findings.groups.by_kind))
    silos = _without_rows(findings.silos.table, hidden)
    primary = findings.groups.primary
    if "silos" in summary.flagged:
        summary.flagged["silos"] = int(silos.loc[silos["kind"] == primary, "is_silo"].sum())
    pyramid = findings.pyramid
    if pyramid.grouping in hidden:
        pyramid = replace(pyramid, by_group=_without_codes(pyramid.by_group, hidden[pyramid.grouping]))
    periods = findings.periods
    if periods is not None and periods.grouping in hidden:
        periods = _periods(periods, hidden[periods.grouping])
    # A channel named after a hidden group ("dept-workplace-experience") would name it, and its
    # figures would give the group's size and activity: its row goes.
    channels = findings.channels
    if len(channels.table) and "channel" in channels.table.columns:
        naming = _names_any(channels.table["channel"], _Naming(labels))
        if naming.any():
            channels = replace(channels, table=channels.table.loc[~naming].reset_index(drop=True))
    return replace(
        findings, people=people, groups=_groups(findings.groups, hidden), silos=replace(findings.silos, table=silos),
        channels=channels,
        pyramid=pyramid, formal=_formal(findings.formal, hidden), connectors=_connectors(findings.connectors, hidden),
        periods=periods, summary=summary)


def _without_labels(people: pd.DataFrame, labels: list[str], skip: set[str]) -> pd.DataFrame:
    """Blank every text attribute that names a hidden group (a team "<Department> Cobalt", a title
    "Head of <Department>"): such a value would show the hidden group's name, and who is in it.

    Examples
    --------
    >>> p = pd.DataFrame({"team": ["Legal Cobalt", "Sales East"], "title": ["Head of legal", "Rep"]})
    >>> _without_labels(p, ["Legal"], skip=set()).isna().to_numpy().tolist()
    [[True, True], [False, False]]
    """
    if not labels:
        return people
    naming = _Naming(labels)
    out = people.copy()
    for col in out.columns:
        if col in skip or not (pd.api.types.is_string_dtype(out[col]) or out[col].dtype == object):
            continue
        names = _names_any(out[col], naming)
        if names.any():
            out[col] = out[col].mask(names)
    return out


#: People attributes that form groups (maps colour and drill down by them) besides the groupings.
GROUP_ATTRIBUTES = ("division", "department", "team", "site")


def _small_attribute_groups(people: pd.DataFrame, min_group_size: int, skip: set[str]) -> pd.DataFrame:
    """Blank the values of group attributes (a team, a site) held by fewer than ``min_group_size`` people.

    A team is a group too (the map colours by it and drills down to it): a four-person team
    would show what a hidden four-person department hides. The same rule and complementary
    suppression as for the groupings apply.

    Examples
    --------
    >>> p = pd.DataFrame({"team": ["A"] * 6 + ["B"] * 2 + ["C"] * 7})
    >>> _small_attribute_groups(p, 5, skip=set())["team"].isna().sum()
    np.int64(8)
    """
    out = people
    for col in GROUP_ATTRIBUTES:
        if col in skip or col not in people.columns:
            continue
        values = people[col]
        small = suppressed_groups(values.dropna().astype(str).value_counts(), min_group_size)
        if small:
            out = out.assign(**{col: values.mask(values.astype("string").isin(small).fillna(False))})
    return out


_SEPARATORS = r"[\W_]+"


class _Naming:
    r"""Finds any of some group labels in text, whatever the case and separators.

    A label is found where its words (split at runs of non-letters, digits excepted, and
    underscores) are whole consecutive words of the text, compared as a case-insensitive regular
    expression compares characters: "Workplace Experience" is found in "Workplace Experience
    Cobalt" and in the channel "dept-workplace_experience", not in "WorkplaceExperienced". That is
    what ``(?<![^\W_])workplace[\W_]+experience(?![^\W_])`` under ``re.IGNORECASE`` finds.

    The texts are split into words once and each word looked up among the labels' first words:
    one pass per text. An alternation of every label (thousands of small groups at a million
    people) cost the regular expression engine time per label at every position of every text.

    Characters are compared by class: each character of a label stands for the characters
    ``re.IGNORECASE`` equates with it (``re.fullmatch(re.escape(c), d, re.I)``: "K", "k" and the
    Kelvin sign, or "s" and the long "ſ", are one class), found by asking the regular expression
    engine itself about the characters that occur. A text holding a separator character that the
    engine equates with a letter of a label (a lone combining mark) is searched with the regular
    expression itself.

    Examples
    --------
    >>> n = _Naming(["Workplace Experience", "Legal"])
    >>> n.names_all(["dept-workplace_experience", "WorkplaceExperienced", "LEGAL team", "illegal"]).tolist()
    [True, False, True, False]
    """

    def __init__(self, labels: list[str]) -> None:
        import re

        self._re = re
        self._split = re.compile(_SEPARATORS).split
        self._labels = sorted({label for label in labels if any(w for w in re.split(_SEPARATORS, label))})
        words = [[w for w in re.split(_SEPARATORS, label) if w] for label in self._labels]
        # One representative per class of the labels' characters under re.IGNORECASE.
        self._reps: list[str] = []
        self._table: dict[int, str] = {}
        for c in sorted({c for w in words for word in w for c in word}):
            rep = next((r for r in self._reps if self._same(r, c)), c)
            if rep == c:
                self._reps.append(c)
            self._table[ord(c)] = rep
        self._any_rep = re.compile("[" + "".join(re.escape(r) for r in self._reps) + "]", re.IGNORECASE) \
            if self._reps else None
        self._odd: set[str] = set()  # separators the engine equates with a label's letter
        self._first: dict[str, list[tuple[str, ...]]] = {}
        for w in words:
            folded = tuple(word.translate(self._table) for word in w)
            self._first.setdefault(folded[0], []).append(folded)
        self._pattern: re.Pattern[str] | None = None

    def _same(self, r: str, c: str) -> bool:
        return self._re.fullmatch(self._re.escape(r), c, self._re.IGNORECASE) is not None

    def _learn(self, chars: set[str]) -> None:
        """Add characters not seen yet to the table (those of no label's class stand for themselves)."""
        for c in chars:
            if ord(c) in self._table:
                continue
            rep = c
            if self._any_rep is not None and self._any_rep.fullmatch(c):
                rep = next((r for r in self._reps if self._same(r, c)), c)
                if self._re.fullmatch(_SEPARATORS, c):
                    self._odd.add(c)
                    rep = c
            self._table[ord(c)] = rep

    def _by_pattern(self, text: str) -> bool:
        if self._pattern is None:
            re = self._re

            def one(label: str) -> str:
                words = [re.escape(w) for w in re.split(_SEPARATORS, label) if w]
                return r"(?<![^\W_])" + _SEPARATORS.join(words) + r"(?![^\W_])"

            self._pattern = re.compile("|".join(one(label) for label in self._labels), re.IGNORECASE)
        return self._pattern.search(text) is not None

    def _folded_names(self, text: str, folded: str) -> bool:
        if self._odd and not self._odd.isdisjoint(text):
            return self._by_pattern(text)
        tokens = self._split(folded)
        if self._first.keys().isdisjoint(tokens):
            return False
        for i, token in enumerate(tokens):
            for label in self._first.get(token, ()):
                if tuple(tokens[i:i + len(label)]) == label:
                    return True
        return False

    def names_all(self, texts: list[str]) -> np.ndarray:
        """Per text, whether it names one of the labels."""
        if not self._first or not texts:
            return np.zeros(len(texts), dtype=bool)
        chars = set().union(*texts)
        self._learn(chars)
        # Every text folded with one translate call: joined by a character none of them holds.
        sep = next(chr(c) for c in range(0xE000, 0x110000) if chr(c) not in chars)
        folded = sep.join(texts).translate(self._table).split(sep)
        return np.fromiter((self._folded_names(t, f) for t, f in zip(texts, folded, strict=True)),
                           dtype=bool, count=len(texts))

    def names(self, text: str) -> bool:
        """Whether ``text`` names one of the labels."""
        return bool(self.names_all([text])[0])


def _names_any(values: pd.Series, naming: _Naming) -> Mask:
    """Which values name one of the hidden groups (:class:`_Naming`); each distinct value is read once."""
    codes, distinct = pd.factorize(values.astype("string"))
    hit = naming.names_all([str(v) for v in distinct])
    found = np.zeros(len(values), dtype=bool)
    named = codes >= 0
    found[named] = hit[codes[named]]
    return found


def _members(g: Grouping, mask: Mask) -> Mask:
    """Who is in a hidden group."""
    codes = np.asarray(g.codes, dtype=np.int64)
    out = np.zeros(len(codes), dtype=bool)
    inside = codes >= 0
    out[inside] = mask[codes[inside]]
    return out


def _is_hidden(codes: Any, mask: Mask) -> Mask:
    """Per code (``-1`` and out-of-range codes are not hidden)."""
    c = np.asarray(codes, dtype=np.int64)
    ok = (c >= 0) & (c < len(mask))
    out = np.zeros(len(c), dtype=bool)
    out[ok] = mask[c[ok]]
    return out


def _without_codes(table: pd.DataFrame, mask: Mask, column: str = "code") -> pd.DataFrame:
    return table[~_is_hidden(table[column], mask)].reset_index(drop=True)


def _without_rows(table: pd.DataFrame, hidden: dict[str, Mask]) -> pd.DataFrame:
    """Drop the rows of a (kind, code) table whose group is hidden."""
    drop = np.zeros(len(table), dtype=bool)
    kinds = table["kind"].astype(str).to_numpy()
    for kind, mask in hidden.items():
        drop |= (kinds == kind) & _is_hidden(table["code"], mask)
    return table[~drop].reset_index(drop=True)


def _groups(groups: Groups, hidden: dict[str, Mask]) -> Groups:
    by_kind = {}
    for kind, g in groups.by_kind.items():
        if kind not in hidden:
            by_kind[kind] = g
            continue
        mask = hidden[kind]
        codes = np.where(_members(g, mask), -1, g.codes).astype(np.int64)
        labels = np.asarray(g.labels, dtype=object).copy()
        labels[mask] = ""
        by_kind[kind] = Grouping(kind, codes, labels, mask.copy())
    matrix = groups.matrix
    if matrix.kind in hidden:
        keep = ~_is_hidden(matrix.codes, hidden[matrix.kind])
        matrix = GroupMatrix(matrix.kind, np.asarray(matrix.codes)[keep],
                             np.asarray(matrix.weights)[np.ix_(keep, keep)], matrix.groups)
    ties = dict(groups.ties)
    for kind, m in groups.ties.items():
        if kind in hidden:
            shown = sp.diags_array((~hidden[kind]).astype(m.dtype))
            kept = sp.csr_array(shown @ m @ shown)
            kept.eliminate_zeros()
            ties[kind] = kept
    return replace(groups, by_kind=by_kind, table=_without_rows(groups.table, hidden), matrix=matrix, ties=ties)


def _parts(table: pd.DataFrame | None, outer: Mask | None, inner: Mask | None) -> pd.DataFrame | None:
    """Rows of hidden groups dropped; hidden groups (and their shares) dropped from ``parts``."""
    if table is None:
        return None
    out = table if outer is None else _without_codes(table, outer)
    if inner is not None and "parts" in out.columns:
        out = out.copy()
        keep = [~_is_hidden(p, inner) for p in out["parts"]]  # one short list per group
        out["parts"] = [np.asarray(p, dtype=np.int64)[k].tolist() for p, k in zip(out["parts"], keep, strict=True)]
        if "part_shares" in out.columns:
            out["part_shares"] = [np.asarray(s, dtype=float)[k].tolist()
                                  for s, k in zip(out["part_shares"], keep, strict=True)]
    return out


def _formal(formal: Formal, hidden: dict[str, Mask]) -> Formal:
    dept, comm = hidden.get("department"), hidden.get("community")
    return replace(formal, department_splits=_parts(formal.department_splits, dept, comm),
                   community_spans=_parts(formal.community_spans, comm, dept))


def _connectors(connectors: Connectors, hidden: dict[str, Mask]) -> Connectors:
    t = connectors.table
    if connectors.grouping not in hidden or "group" not in t.columns or not len(t):
        return connectors
    named = _is_hidden(t["group"], hidden[connectors.grouping])
    if not named.any():
        return connectors
    t = t.copy()
    t.loc[named, "group"] = -1
    if "group_z" in t.columns:
        t.loc[named, "group_z"] = np.nan
    return replace(connectors, table=t)


def _periods(periods: Periods, mask: Mask) -> Periods:
    def shown(codes: Any) -> npt.NDArray[np.int64]:
        c = np.asarray(codes, dtype=np.int64)
        return c[~_is_hidden(c, mask)]

    silos = [shown(c) for c in periods.silos]
    table = periods.table.copy()
    if "silos_flagged" in table.columns and len(silos) == len(table):
        table["silos_flagged"] = np.array([len(c) for c in silos], dtype=np.int64)
    ei = periods.ei_index
    ei = ei.loc[:, ~_is_hidden(np.asarray(ei.columns, dtype=np.int64), mask)]
    group_changes = ("new_silos", "silos_no_longer", "more_inward")
    changes = {k: shown(v) if k in group_changes else v for k, v in periods.changes.items()}
    return replace(periods, table=table, silos=silos, ei_index=ei, changes=changes)
