"""Pseudonymisation at the edge: the people table and group labels are mapped once, nothing else needs it.

Every section of :class:`~orgnet.findings.Findings` refers to people by node code and to groups
by group code; ids, names and e-mails live only in ``Findings.people`` and group labels only in
the groupings (:mod:`orgnet.findings.model`). So pseudonymising means mapping those two places:

* ``person`` and ``name`` become the person's keyed pseudonym, ``manager`` the manager's (the
  reporting line survives);
* every other column of the people table is dropped unless orgnet computed it (the measures,
  roles, community, pyramid level, the flags identity resolution set) or it is an attribute the
  user keeps (:data:`DEFAULT_KEEP_ATTRIBUTES`). A column is never kept because of its name
  looking harmless: a column orgnet does not know is an attribute, and attributes are opt-in;
* group labels (departments, sites, any grouping from the data) become keyed group pseudonyms
  ``g_…`` unless ``keep_labels`` (``--keep-labels``) keeps those of kept attributes; even then a
  label holding a word of a member's id, name, handle or e-mail local part ("lima-team",
  "Team Lima", "Lima's reports") is replaced (:func:`naming_labels`); communities are the
  analysis's own and stay;
* source paths are reduced to their file names.

Apart from the labels' words above, no text is searched for names: no finding holds text that
could contain one.

Examples
--------
>>> from orgnet.findings import analyze
>>> from orgnet.privacy.keys import Pseudonymizer
>>> from orgnet.synthetic import toy_org
>>> org = toy_org()
>>> f = analyze(org.events, directory=org.directory)
>>> p = pseudonymize_findings(f, Pseudonymizer(b"0123456789abcdef-example-key"))
>>> p.people["person"].str.startswith("p_").all(), "email" in p.people.columns
(np.True_, False)
>>> bool(p.people["department"].str.startswith("g_").all())
True
>>> k = pseudonymize_findings(f, Pseudonymizer(b"0123456789abcdef-example-key"), keep_labels=True)
>>> bool((k.people["department"] == f.people["department"]).all())
True
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from orgnet.findings.model import PEOPLE_COLUMNS, Channels, Findings, Grouping
from orgnet.privacy.keys import Pseudonymizer, map_strings

__all__ = [
    "ANALYSIS_COLUMNS",
    "DEFAULT_KEEP_ATTRIBUTES",
    "IDENTITY_COLUMNS",
    "kept_attributes",
    "pseudonymize_findings",
    "source_file_names",
]

#: Person attributes kept by default when pseudonymising (others are dropped).
DEFAULT_KEEP_ATTRIBUTES: tuple[str, ...] = ("department",)

#: Columns orgnet's readers, the directory and identity resolution fill with who a person is:
#: never kept as they are, whatever ``keep_attributes`` says (``person``, ``name`` and
#: ``manager`` become pseudonyms, the others are dropped).
IDENTITY_COLUMNS: frozenset[str] = frozenset({"person", "name", "email", "manager", "handle", "aliases"})

#: People columns orgnet itself computes or sets (measures, roles, flags): always kept.
ANALYSIS_COLUMNS: frozenset[str] = (frozenset(PEOPLE_COLUMNS) - {"person", "name", "department"}) | {
    "external", "in_directory", "non_human", "deleted"}

#: Groupings the analysis finds itself (their labels name no attribute of anyone).
_ANALYSIS_GROUPINGS = frozenset({"community"})


def kept_attributes(keep_attributes: Iterable[str], drop: Iterable[str] = ()) -> list[str]:
    """The attributes a pseudonymised people table keeps: asked for, not dropped, not an identity.

    Examples
    --------
    >>> kept_attributes(["department", "site", "email"], drop=["site"])
    ['department']
    """
    return sorted(set(keep_attributes) - set(drop) - IDENTITY_COLUMNS)


def source_file_names(sources: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copies of the summary's sources with each ``path`` reduced to its file name.

    Examples
    --------
    >>> source_file_names([{"path": "/home/ana/exports/slack.zip", "events": 3}, {"path": None}])
    [{'path': 'slack.zip', 'events': 3}, {'path': None}]
    """
    return [{**s, "path": Path(str(s["path"])).name} if s.get("path") else dict(s) for s in sources]


def _strings(values: pd.Series) -> pa.Array:
    return pa.Array.from_pandas(values.astype("string")).cast(pa.string())


def _non_blank(values: pd.Series) -> pd.Series:
    """As strings, with blank values missing."""
    text = values.astype("string")
    return text.mask(text.str.strip().fillna("") == "")


def _pseudonym_labels(g: Grouping, pseudonymizer: Pseudonymizer) -> Grouping:
    """The grouping with its labels replaced by keyed group pseudonyms (codes unchanged)."""
    labels = [str(v) for v in g.labels]
    mapping = pseudonymizer.mapping(labels, prefix="g_")
    new = np.array([mapping[v] for v in labels], dtype=object)
    return Grouping(g.kind, g.codes, new, np.asarray(g.hidden, dtype=bool).copy())


#: Shortest word of a name, handle or e-mail local part looked for in group labels.
MIN_NAME_TOKEN = 3


def identity_tokens(people: pd.DataFrame) -> frozenset[str]:
    """Lower-case words of the people's ids, names, handles and e-mail local parts (:data:`MIN_NAME_TOKEN` or longer).

    Examples
    --------
    >>> sorted(identity_tokens(pd.DataFrame({"person": ["ana.lima@x.org"], "name": ["Ana O'Lima"],
    ...                                       "email": ["a.lima@x.org"]})))
    ['ana', 'lima']
    """
    words: set[str] = set()
    for col in ("person", "name", "email", "handle", "username", "display_name", "real_name"):
        if col not in people.columns:
            continue
        # An address counts by its local part only: "x.org" must not make "Org Design" a name.
        values = people[col].dropna().astype(str).str.split("@").str[0]
        words.update(w for v in values.str.lower() for w in re.split(r"[^\w]+|_", v) if len(w) >= MIN_NAME_TOKEN)
    return frozenset(words)


def naming_labels(labels: Iterable[str], tokens: frozenset[str]) -> list[str]:
    """The labels holding a word of someone's id, name, handle or e-mail local part.

    Examples
    --------
    >>> naming_labels(["lima-team", "Team Lima", "Lima's reports", "Sales"], frozenset({"lima"}))
    ['lima-team', 'Team Lima', "Lima's reports"]
    """
    return [v for v in labels if any(w in tokens for w in re.split(r"[^\w]+|_", str(v).lower()) if w)]


def _scrub_labels(g: Grouping, pseudonymizer: Pseudonymizer, tokens: frozenset[str]) -> Grouping:
    """The grouping with the labels that name someone replaced by their group pseudonyms (others kept)."""
    labels = [str(v) for v in g.labels]
    naming = set(naming_labels(labels, tokens))
    if not naming:
        return g
    mapping = pseudonymizer.mapping(sorted(naming), prefix="g_")
    new = np.array([mapping.get(v, v) for v in labels], dtype=object)
    return replace(g, labels=new)


def _label_column(g: Grouping, index: pd.Index) -> pd.Series:
    """Each person's group label from the codes (missing for no group)."""
    codes: npt.NDArray[np.int64] = np.asarray(g.codes, dtype=np.int64)
    labels = np.asarray(g.labels, dtype=object)
    values = np.full(len(codes), None, dtype=object)
    inside = codes >= 0
    values[inside] = labels[codes[inside]]
    return pd.Series(pd.array(values, dtype="string"), index=index)


def pseudonymize_findings(
    findings: Findings,
    pseudonymizer: Pseudonymizer,
    *,
    keep_attributes: Sequence[str] = DEFAULT_KEEP_ATTRIBUTES,
    drop: Sequence[str] = (),
    keep_labels: bool = False,
) -> Findings:
    """New findings whose people table and group labels name no one.

    Parameters
    ----------
    findings : Findings
        From :func:`orgnet.findings.analyze`.
    pseudonymizer : Pseudonymizer
        Holds the key.
    keep_attributes : sequence of str
        People attributes kept as they are (default: ``department``); identity columns
        (:data:`IDENTITY_COLUMNS`) are never kept.
    drop : sequence of str
        Attributes dropped even if named in ``keep_attributes``.
    keep_labels : bool
        Keep the group labels of kept attributes (those naming a member are replaced all the
        same); by default every label from the data becomes a group pseudonym.

    Returns
    -------
    Findings
        A new object (the input is left as it was) with ``summary.privacy`` recording
        ``pseudonymised``, ``key_fingerprint``, ``pseudonym``, ``attributes_kept`` and
        ``labels`` (``"pseudonymised"``, or ``"kept"`` with ``labels_replaced``: how many kept
        labels named a member).
    """
    keep = frozenset(kept_attributes(keep_attributes, drop))
    people = findings.people
    ids = _non_blank(people["person"])
    managers = _non_blank(people["manager"]) if "manager" in people.columns else pd.Series([], dtype="string")
    # One mapping for people and managers: the same length, and a manager's pseudonym is theirs.
    persons = pseudonymizer.mapping(pd.concat([ids, managers]).dropna().unique())

    # Kept labels (departments, by default) still lose those that hold a member's name, handle or
    # e-mail local part ("lima-team", "Team Lima", "Lima's reports"): replaced by their pseudonyms.
    tokens = identity_tokens(people)
    by_kind = {kind: g if kind in _ANALYSIS_GROUPINGS else
               _scrub_labels(g, pseudonymizer, tokens) if keep_labels and kind in keep
               else _pseudonym_labels(g, pseudonymizer)
               for kind, g in findings.groups.by_kind.items()}
    replaced = sum(int(np.sum(np.asarray(by_kind[k].labels, dtype=object) != np.asarray(g.labels, dtype=object)))
                   for k, g in findings.groups.by_kind.items() if keep_labels and k in keep)
    pseudonym = pd.array(map_strings(_strings(ids), persons).to_numpy(zero_copy_only=False), dtype="string")
    columns: dict[str, Any] = {}
    for col in people.columns:
        if col in ("person", "name"):
            columns[col] = pseudonym
        elif col == "manager":
            mapped = map_strings(_strings(managers), persons)
            columns[col] = pd.array(mapped.to_numpy(zero_copy_only=False), dtype="string")
        elif col in by_kind:
            relabelled = by_kind[col] is not findings.groups.by_kind[col]
            columns[col] = _label_column(by_kind[col], people.index) if relabelled else people[col]
        elif col in ANALYSIS_COLUMNS or col in keep:
            columns[col] = people[col]
    new_people = pd.DataFrame(columns, index=people.index)

    summary = copy.deepcopy(findings.summary)
    summary.sources = source_file_names(summary.sources)
    summary.privacy.update({
        "pseudonymised": True,
        "key_fingerprint": pseudonymizer.fingerprint,
        "pseudonym": "p_ + the first hex digits of HMAC-SHA256(key, person id)",
        "attributes_kept": sorted(keep),
        "labels": "kept" if keep_labels else "pseudonymised",
        "labels_replaced": replaced if keep_labels else None,
    })
    pop = findings.population
    apart = pop.set_apart.copy()
    apart_ids = pseudonymizer.pseudonyms(apart["person"].astype(str).to_numpy()) if len(apart) else []
    apart["person"] = pd.array(apart_ids, dtype="string")
    apart["name"] = apart["person"]
    dup = pop.duplicates.copy()
    outside = dup["other_person"].notna().to_numpy()
    if outside.any():
        others = dup["other_person"].astype(object).to_numpy()
        others[outside] = pseudonymizer.pseudonyms(others[outside].astype(str))
        dup["other_person"] = pd.array(others, dtype="string")
    population = replace(pop, set_apart=apart, duplicates=dup)
    return replace(findings, people=new_people, groups=replace(findings.groups, by_kind=by_kind), summary=summary,
                   population=population, channels=_channels(findings.channels, pseudonymizer, tokens, keep_labels))


def _channels(channels: Channels, pseudonymizer: Pseudonymizer, tokens: frozenset[str], keep_labels: bool) -> Channels:
    """Channel names as keyed pseudonyms ``c_…`` (with ``keep_labels``: only those naming a member)."""
    table = channels.table
    if not len(table) or "channel" not in table.columns:
        return channels
    names = [str(v) for v in table["channel"]]
    replaced = set(naming_labels(names, tokens)) if keep_labels else set(names)
    mapping = pseudonymizer.mapping(sorted(replaced), prefix="c_") if replaced else {}
    return replace(channels, table=table.assign(channel=[mapping.get(v, v) for v in names]))
