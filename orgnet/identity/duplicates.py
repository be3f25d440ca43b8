"""Addresses and accounts that are likely one person: suggestions with their evidence, and the certain few.

Every person gets a *name form* (surname, first name or initial, middle initial): from the
display name when it has at least two words (accents, case, ``"Last, First"`` order, dots,
suffixes such as ``Jr.`` or ``III`` normalised away), else from the e-mail local part
(``phillip.allen``, ``k..allen``, ``allen-p``, ``pallen``). People are then grouped by
surname and the first letter of their first name, with one dictionary pass (a group-by), never
comparing every pair:

* people with the same full first name are one group; those known only by an initial join it
  when that initial points to a single full first name, and are left out when it could be
  several people (``m.allen`` among Margaret and Melissa Allen);
* two different middle initials split a group (Phillip K. and Phillip J. Allen are two people).

A group needs at least one two-word form (a display name, or a local part such as
``phillip.allen``): one-word local parts (``pallen``, ``info``) only join such a group. It
also needs a member of the organisation: outside contacts are suggested only as a member's
aliases. Two people both in the HR directory are never suggested as one (the directory lists
them apart); non-human senders are left out.

In each group one account is the ``person`` (a directory person always, then members, then
addresses in the organisation's domains, then the one with most messages, then one with an
e-mail address) and the others are its ``alias`` es: an alias file ready for ``--alias``.

A suggestion is **certain** (merged automatically unless ``--no-auto-merge``) only when both
display names normalise to the same full name of at least two words (first name and surname
spelt out), both addresses are in the organisation's domains and have local parts made of that
name (``phillip.allen``, ``k..allen``, ``pallen``; no digits), neither is in the directory, and
the first name and surname point to this group only (no one in the data carries them with
another middle initial).

Examples
--------
>>> import pandas as pd
>>> people = pd.DataFrame({
...     "person": ["phillip.allen@enron.com", "k..allen@enron.com", "pallen@enron.com", "margaret.allen@enron.com"],
...     "name": ["Phillip K Allen", "Allen, Phillip K.", None, None], "email": [None] * 4, "sources": ["email"] * 4})
>>> sent = pd.DataFrame({"person": ["phillip.allen@enron.com", "k..allen@enron.com"], "messages": [615, 296]})
>>> s = suggest_duplicates(people, org_domains=["enron.com"], activity=sent)
>>> s["person"].unique().tolist()
['phillip.allen@enron.com']
>>> s[["alias", "certain"]].to_dict("records")
[{'alias': 'k..allen@enron.com', 'certain': True}, {'alias': 'pallen@enron.com', 'certain': False}]
>>> s["evidence"].tolist()[0]
"same display name 'Phillip K Allen' / 'Allen, Phillip K.'"
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgnet.identity.membership import aligned, email_domains, in_domains, person_addresses
from orgnet.identity.resolve import _arrow

__all__ = ["ALIAS_FILE_COLUMNS", "DUPLICATE_BASES", "DUPLICATE_COLUMNS", "alias_file", "normalise_names", "suggest_duplicates"]

#: Columns of the suggestions (and of the alias file ``orgnet identities`` writes).
DUPLICATE_COLUMNS: tuple[str, ...] = ("person", "alias", "evidence", "basis", "certain")

#: What a suggestion rests on, without the names themselves (what a pseudonymised report may show).
DUPLICATE_BASES: tuple[str, ...] = (
    "same display name",
    "display names share surname and first name",
    "display name and address share surname and initial",
    "addresses share surname and initial",
)

#: Columns of the alias file ``orgnet identities`` writes (:func:`orgnet.identity.read_aliases`
#: reads ``alias`` and ``person`` and ignores the others).
ALIAS_FILE_COLUMNS: tuple[str, ...] = ("alias", "person", "evidence", "certain")

#: Name suffixes dropped before comparing names.
_SUFFIXES = ("jr", "sr", "ii", "iii", "iv", "phd", "md", "esq")


def normalise_names(names: pd.Series) -> pd.Series:
    """Display names in one comparable form: ``"Allen, Phillip K."`` -> ``"phillip k allen"``.

    Accents are removed, ``"Last, First"`` is turned round, dots, quotes, bracketed notes,
    digits and suffixes (``Jr.``, ``III``) go, hyphens split words. A name holding an ``@``
    (an address used as a name) gives null.

    Examples
    --------
    >>> normalise_names(pd.Series(["Allen, Phillip K.", "Élise  Dupont-Roy (HR)", "Derrick Jr., James",
    ...                            "Joor, William E., III", "a@b.org", None])).tolist()
    ['phillip k allen', 'elise dupont roy', 'james derrick', 'william e joor', <NA>, <NA>]
    """
    s = _arrow(names)
    s = pc.utf8_lower(pc.replace_substring_regex(pc.utf8_normalize(s, form="NFKD"), r"\p{Mn}", ""))
    s = pc.if_else(pc.fill_null(pc.match_substring(s, "@"), False), pa.scalar(None, pa.string()), s)
    s = pc.replace_substring_regex(s, r"\([^)]*\)|\[[^\]]*\]|[\"'`\x{2019}.]", "")
    # "Last, First[, Suffix]" -> "First Last" (what follows a second comma is a suffix)
    s = pc.replace_substring_regex(s, r"^\s*([^,]+),([^,]+)(?:,.*)?$", r"\2 \1")
    s = pc.replace_substring_regex(s, r"[^\p{L}]+", " ")
    s = pc.binary_join_element_wise(" ", s, " ", "")
    suffixes = r"\s(?:" + "|".join(_SUFFIXES) + r")\s"
    for _ in range(2):  # adjacent suffixes share a space
        s = pc.replace_substring_regex(s, suffixes, " ")
    s = pc.utf8_trim_whitespace(pc.replace_substring_regex(s, r"\s+", " "))
    s = pc.if_else(pc.equal(s, ""), pa.scalar(None, pa.string()), s)
    return pd.Series(pd.array(s, dtype="string"), index=names.index)


def _field(arr: pa.Array, pattern: str) -> pa.Array:
    return pc.struct_field(pc.extract_regex(arr, pattern), [0])


def _forms(people: pd.DataFrame, addresses: pa.Array) -> pd.DataFrame:
    """Surname, first name (or initial), middle initial per person; from the name, else the local part."""
    name = normalise_names(people["name"]) if "name" in people.columns else pd.Series(pd.NA, index=people.index,
                                                                                        dtype="string")
    full = _arrow(name)
    # At least two words, first name and surname spelt out ("e-mail" or "K Allen" say too little).
    usable = pc.fill_null(pc.match_substring_regex(full, r"^\S{2,}( \S+)* \S{2,}$"), False)
    full = pc.if_else(usable, full, pa.scalar(None, pa.string()))
    n_first = _field(full, r"^(?P<f>\S+)")
    n_last = _field(full, r"(?P<s>\S+)$")
    n_middle = _field(full, r"^\S+ (?P<m>\S)\S*(?: \S+)* \S+$")

    local = pc.struct_field(pc.extract_regex(addresses, r"^(?P<l>[^@]*)@"), [0])
    clean = pc.replace_substring_regex(pc.replace_substring_regex(local, r"[0-9]+", ""), r"[._+=-]+", ".")
    clean = pc.utf8_trim(clean, ".")
    # allen.p -> surname allen, initial p; otherwise first token first, last token the surname
    swapped = pc.fill_null(pc.match_substring_regex(clean, r"^[a-z]{2,}\.[a-z]$"), False)
    l_first = pc.if_else(swapped, _field(clean, r"\.(?P<f>[a-z])$"), _field(clean, r"^(?P<f>[^.]+)\."))
    l_last = pc.if_else(swapped, _field(clean, r"^(?P<s>[^.]+)\."), _field(clean, r"\.(?P<s>[^.]{2,})$"))
    l_middle = _field(clean, r"^[^.]+\.(?P<m>[^.])[^.]*\.[^.]+$")
    # one word of four letters or more: initial + surname (pallen)
    single = pc.fill_null(pc.match_substring_regex(clean, r"^[a-z]{4,}$"), False)
    l_first = pc.if_else(single, pc.utf8_slice_codeunits(clean, 0, 1), l_first)
    l_last = pc.if_else(single, pc.utf8_slice_codeunits(clean, 1), l_last)
    l_middle = pc.if_else(single, pa.scalar(None, pa.string()), l_middle)

    from_name = pc.is_valid(full)
    # A form of two words (a name, or a local part such as phillip.allen); one word (pallen,
    # info) only ever joins a group such a form anchors.
    anchored = pc.or_(from_name, pc.fill_null(pc.match_substring(clean, "."), False))
    forms = pd.DataFrame({
        "surname": pd.array(pc.if_else(from_name, n_last, l_last), dtype="string"),
        "first": pd.array(pc.if_else(from_name, n_first, l_first), dtype="string"),
        "middle": pd.array(pc.if_else(from_name, n_middle, l_middle), dtype="string"),
        "full_name": pd.array(full, dtype="string"),
        "local": pd.array(local, dtype="string"),
    }, index=people.index)
    forms["from_name"] = np.asarray(from_name.to_numpy(zero_copy_only=False), dtype=bool)
    forms["anchored"] = np.asarray(anchored.to_numpy(zero_copy_only=False), dtype=bool)
    return forms.dropna(subset=["surname", "first"])


def _group_keys(forms: pd.DataFrame) -> pd.Series:
    """The group of each form (null: left out as ambiguous); see the module notes."""
    bucket = forms["surname"] + "|" + forms["first"].str.slice(0, 1)
    spelt = forms["first"].str.len() >= 2
    full_names = forms.loc[spelt, "first"].groupby(bucket[spelt]).agg(["nunique", "first"])
    key = (bucket + "|" + forms["first"]).where(spelt)
    # An initial joins the one full first name of its bucket; with none, the initials group together.
    n_full = bucket.map(full_names["nunique"]).fillna(0)
    only = bucket.map(full_names["first"]).astype("string")
    key = key.fillna((bucket + "|" + only).where(n_full == 1))
    key = key.fillna((bucket + "|").where(n_full == 0))
    # Two different middle initials in one group: split by middle initial; those without are ambiguous.
    middles = forms["middle"].where(forms["middle"].notna() & key.notna())
    conflict = key.map(middles.groupby(key).nunique()).fillna(0) >= 2
    return key.where(~conflict, (key + "|" + middles).where(middles.notna()))


def _local_fits(local: str | None, full_name: str) -> bool:
    """Whether an address's local part is made of the name (``k..allen`` of ``phillip k allen``)."""
    if not local or re.search(r"[0-9]", local):
        return False
    words = full_name.split()
    surname, initials = words[-1], {w[0] for w in words}
    parts = [p for p in re.split(r"[._+=-]+", local.lower()) if p]
    if len(parts) == 1:
        p = parts[0]
        return p in (surname, words[0] + surname) or (p[0] in initials and p[1:] == surname)
    return surname in parts and all(p in words or (len(p) == 1 and p in initials) for p in parts)


def suggest_duplicates(
    people: pd.DataFrame,
    events: pa.Table | None = None,
    *,
    org_domains: Sequence[str] = (),
    activity: pd.DataFrame | None = None,
    addresses: pa.Array | None = None,
) -> pd.DataFrame:
    """Suggest which people are one person, with the evidence (see the module notes).

    Parameters
    ----------
    people : pandas.DataFrame
        The resolved people table: ``person``, ``name``, ``email``, ``sources``; ``non_human``
        (people with evidence are left out) when present.
    events : pyarrow.Table, optional
        The events, to pick the most active address of a group as the person.
    org_domains : sequence of str
        The organisation's e-mail domains; without them nothing is certain.
    activity : pandas.DataFrame, optional
        Per-sender ``person`` and ``messages`` (computed from ``events`` when not given).
    addresses : pyarrow.Array, optional
        :func:`orgnet.identity.membership.person_addresses` of ``people``, when already computed.

    Returns
    -------
    pandas.DataFrame
        :data:`DUPLICATE_COLUMNS`: ``person`` and ``alias`` (canonical ids; every alias once),
        ``evidence`` (short data), ``certain`` (bool). Sorted by person, then alias.
    """
    empty = pd.DataFrame({"person": pd.Series(dtype="string"), "alias": pd.Series(dtype="string"),
                          "evidence": pd.Series(dtype="string"), "basis": pd.Series(dtype="string"),
                          "certain": pd.Series(dtype=bool)})
    if not len(people):
        return empty
    people = people.reset_index(drop=True)
    if addresses is None:
        addresses = person_addresses(people)
    keep = np.ones(len(people), dtype=bool)
    if "non_human" in people.columns:
        keep = (people["non_human"].fillna("") == "").to_numpy(dtype=bool)
    forms = _forms(people[keep], addresses.filter(pa.array(keep)))
    loose = forms["surname"] + "|" + forms["first"]
    forms["loose_total"] = loose.map(loose.value_counts())
    forms["group"] = _group_keys(forms)
    forms = forms.dropna(subset=["group"])
    if activity is None and events is not None:
        from orgnet.identity.activity import sender_activity

        activity = sender_activity(events)
    ids = people["person"].astype("string")
    sent = pd.Series(aligned(people, activity, "messages", 0), index=people.index)
    sources = people["sources"].astype("string").fillna("") if "sources" in people.columns \
        else pd.Series("", index=people.index, dtype="string")
    listed = sources.str.contains(r"(?:^|,)directory(?:,|$)", regex=True).fillna(False)
    inside = pd.Series(in_domains(email_domains(people, addresses), org_domains) if org_domains else False,
                       index=people.index)
    member = ~people["external"].astype("boolean").fillna(False) if "external" in people.columns \
        else pd.Series(True, index=people.index)
    forms = forms.assign(directory=listed[forms.index], inside=inside[forms.index], sent=sent[forms.index],
                         person=ids[forms.index], row=forms.index, member=member[forms.index].astype(bool))
    # A group needs a two-word form and a member (outside contacts are suggested only as a
    # member's aliases); two directory people in one group are two people: it says nothing.
    size = forms.groupby("group").agg(size=("row", "size"), directory=("directory", "sum"),
                                      anchored=("anchored", "any"), member=("member", "any"))
    ok = (size["size"] >= 2) & (size["directory"] <= 1) & size["anchored"] & size["member"]
    forms = forms[forms["group"].map(ok).astype(bool)]
    if not len(forms):
        return empty
    forms["has_email"] = forms["local"].notna()
    forms = forms.sort_values(["group", "directory", "member", "inside", "sent", "has_email", "from_name", "person"],
                              ascending=[True, False, False, False, False, False, False, True], kind="stable")
    # Everyone with the group's first name and surname is in it (none was split off by another
    # middle initial or left out as ambiguous): the name points to this group only.
    in_group = forms.groupby(["group", forms["surname"] + "|" + forms["first"]])["row"].transform("size")
    forms["unique_name"] = in_group == forms["loose_total"]
    first = ~forms.duplicated("group")
    forms["name"] = (people["name"].astype("string") if "name" in people.columns
                     else pd.Series(pd.NA, index=people.index, dtype="string"))[forms.index]
    forms["sources"] = sources[forms.index]
    fields = ["group", "person", "name", "sources", "local", "full_name", "from_name", "inside", "directory"]
    # Each alias beside its group's person: one merge, then one short loop over the pairs.
    pairs = forms.loc[~first, [*fields, "unique_name"]].merge(
        forms.loc[first, fields].rename(columns=lambda c: c if c == "group" else "rep_" + c), on="group")
    out = [(str(r.rep_person), str(r.person), *_evidence(r)) for r in pairs.itertuples(index=False)]
    frame = pd.DataFrame(out, columns=list(DUPLICATE_COLUMNS))
    frame = frame.astype({"person": "string", "alias": "string", "evidence": "string", "basis": "string",
                          "certain": bool})
    return frame.sort_values(["person", "alias"], kind="stable").reset_index(drop=True)


def _evidence(pair: Any) -> tuple[str, str, bool]:
    """The evidence that an alias is its group's person (a row of the pairs), its basis
    (:data:`DUPLICATE_BASES`, names left out), and whether it is certain."""
    same = bool(pair.from_name and pair.rep_from_name and pair.full_name == pair.rep_full_name)
    if same:
        shown = f"'{pair.rep_name}'" if pair.rep_name == pair.name else f"'{pair.rep_name}' / '{pair.name}'"
        text, basis = f"same display name {shown}", DUPLICATE_BASES[0]
    elif pair.from_name and pair.rep_from_name:
        text = f"display names '{pair.rep_name}' / '{pair.name}' share surname and first name"
        basis = DUPLICATE_BASES[1]
    elif pair.rep_from_name:
        text = f"display name '{pair.rep_name}' and local part {pair.local} share surname and initial"
        basis = DUPLICATE_BASES[2]
    elif pair.from_name:
        text = f"local part {pair.rep_local} and display name '{pair.name}' share surname and initial"
        basis = DUPLICATE_BASES[2]
    else:
        text, basis = f"local parts {pair.rep_local} / {pair.local} share surname and initial", DUPLICATE_BASES[3]
    a_src, r_src = set(str(pair.sources).split(",")) - {""}, set(str(pair.rep_sources).split(",")) - {""}
    if a_src and r_src and not a_src & r_src:
        platforms = f" in {', '.join(sorted(r_src))} and {', '.join(sorted(a_src))}"
        text, basis = text + platforms, basis + platforms
    full = str(pair.full_name) if same else ""
    certain = (same and bool(pair.unique_name) and bool(pair.inside) and bool(pair.rep_inside)
               and not pair.directory and not pair.rep_directory
               and _local_fits(pair.local, full) and _local_fits(pair.rep_local, full))
    return text, basis, certain


def alias_file(duplicates: pd.DataFrame, merged: pd.DataFrame | None = None) -> pd.DataFrame:
    """Suggestions (and merges already made) as an alias file: :data:`ALIAS_FILE_COLUMNS`.

    Merged pairs come first, marked certain; every alias appears once, so the file reads back
    with :func:`orgnet.identity.read_aliases` as it is (delete the rows you disagree with).

    Examples
    --------
    >>> dup = pd.DataFrame({"person": ["a@x.org"], "alias": ["b@x.org"], "evidence": ["same display name 'A B'"],
    ...                     "certain": [False]})
    >>> alias_file(dup, pd.DataFrame({"person": ["a@x.org"], "alias": ["c@x.org"], "evidence": ["e"]})).to_dict("list")
    {'alias': ['c@x.org', 'b@x.org'], 'person': ['a@x.org', 'a@x.org'], 'evidence': ['e', "same display name 'A B'"], 'certain': [True, False]}
    """
    parts = [duplicates.assign(certain=duplicates["certain"].astype(bool))]
    if merged is not None and len(merged):
        parts.insert(0, merged.assign(certain=True))
    rows = pd.concat(parts, ignore_index=True)[list(ALIAS_FILE_COLUMNS)]
    return rows.drop_duplicates("alias").reset_index(drop=True)
