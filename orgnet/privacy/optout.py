"""Opt-out: people on a list are removed right after reading, before anything is counted.

An entry may be anything a user knows the person by: a platform id (``U061A5N1G``), a username
or handle (``ana``, ``@ana``), an e-mail address or a directory id. :func:`resolve_opt_out`
finds the canonical person each entry stands for (with the same rules as identity resolution:
alias file, directory, normalised e-mail) and every account of that person in every input;
:func:`drop_opted_out` then removes their events and profiles from the readers' results, so
identity resolution, membership, duplicates and every count after see an export without them.
:func:`exclude_people` does the same on events whose ids are already canonical (a store).

Examples
--------
>>> import pandas as pd
>>> from orgnet.events import events_from_frame
>>> ev = events_from_frame(pd.DataFrame({"kind": ["reply", "reply", "reply"],
...     "actor": ["ana", "ben", "cy"], "target": ["ben", "cy", "ana"]}), source="csv")
>>> res = exclude_people(ev, None, None, ["cy", "nobody"])
>>> res.events.column("actor").to_pylist(), res.excluded
(['ana'], 1)
"""

from __future__ import annotations

import dataclasses
import io
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgnet.connectors.base import InputError, ReadResult

__all__ = ["HANDLE_COLUMNS", "Exclusion", "OptOut", "drop_opted_out", "exclude_people", "read_exclusion_list",
           "resolve_opt_out", "without_people"]

#: People-table columns holding a username or handle a person may be opted out by.
HANDLE_COLUMNS: tuple[str, ...] = ("handle", "username", "user_name", "login")


class OptOut(NamedTuple):
    """Who an opt-out list stands for (:func:`resolve_opt_out`).

    Attributes
    ----------
    persons : frozenset of str
        Canonical ids of the people found.
    accounts : tuple of frozenset of str
        Per input, the input's own ids of those people (platform ids, addresses).
    unmatched : tuple of str
        Entries that matched no one, as written.
    """

    persons: frozenset[str]
    accounts: tuple[frozenset[str], ...]
    unmatched: tuple[str, ...]

    @property
    def excluded(self) -> int:
        """How many distinct people were found and removed."""
        return len(self.persons)


def entry_key(value: object) -> str:
    """An opt-out entry or id as compared: trimmed, lower-case, ``mailto:``, brackets and a leading ``@`` removed.

    Examples
    --------
    >>> [entry_key(v) for v in (" U061A5N1G ", "@Ana", "<Ana@X.org>", "mailto:ana@x.org")]
    ['u061a5n1g', 'ana', 'ana@x.org', 'ana@x.org']
    """
    s = str(value).strip().lower()
    s = s.removeprefix("mailto:").strip("<>\"' ")
    return s[1:] if s.startswith("@") and "@" not in s[1:] else s


def _keys(values: pd.Series) -> pd.Series:
    s = values.astype("string").str.strip().str.lower()
    s = s.str.replace(r"^mailto:", "", regex=True).str.strip("<>\"' ")
    return s.where(~(s.str.startswith("@") & (s.str.count("@") == 1)), s.str[1:])


def resolve_opt_out(
    results: Sequence[ReadResult],
    entries: Iterable[str],
    *,
    directory: pd.DataFrame | None = None,
    aliases: pd.DataFrame | None = None,
) -> OptOut:
    """Find the person each opt-out entry stands for, and that person's accounts in every input.

    An entry matches (case-insensitively) an account's own id, its username or handle
    (:data:`HANDLE_COLUMNS`), its e-mail, its canonical id, or a directory id or e-mail. A person
    matched through any one account loses all of them: every account identity resolution would
    give the same canonical id.

    Parameters
    ----------
    results : sequence of ReadResult
        What the readers returned.
    entries : iterable of str
        The opt-out list.
    directory, aliases : pandas.DataFrame, optional
        As for :func:`orgnet.identity.resolve_identities`.

    Returns
    -------
    OptOut

    Examples
    --------
    >>> from orgnet.events import events_from_frame
    >>> r = ReadResult(events_from_frame(pd.DataFrame({"kind": ["reply"], "actor": ["U1"], "target": ["U2"]})),
    ...                pd.DataFrame({"person": ["U1", "U2"], "name": ["Ana", "Ben"], "email": ["ana@x.org", None],
    ...                              "handle": ["ana", "ben"]}))
    >>> o = resolve_opt_out([r], ["@Ana", "nobody"])
    >>> sorted(o.persons), o.accounts, o.unmatched
    (['ana@x.org'], (frozenset({'U1'}),), ('nobody',))
    """
    from orgnet.identity.resolve import canonical_accounts

    wanted: dict[str, str] = {}
    for entry in entries:
        key = entry_key(entry)
        if key:
            wanted.setdefault(key, str(entry).strip())
    found: set[str] = set()
    persons: set[str] = set()
    tables = canonical_accounts(list(results), directory, aliases) if wanted else [
        pd.DataFrame({"person": [], "canonical": []}) for _ in results]
    sides = [(t, t["canonical"]) for t in tables]
    if directory is not None and len(directory):
        sides.append((directory, directory["person"]))
    for table, canonical in sides:
        cols = ["person", "canonical", "email", *HANDLE_COLUMNS]
        for col in (c for c in cols if c in table.columns):
            keys = _keys(table[col])
            hit = keys.isin(list(wanted)).fillna(False).to_numpy(dtype=bool)
            if hit.any():
                found.update(keys[hit].astype(str))
                persons.update(canonical[hit].astype(str))
    accounts = tuple(frozenset(t.loc[t["canonical"].astype("string").isin(list(persons)).fillna(False).to_numpy(bool),
                                     "person"].astype(str)) for t in tables)
    unmatched = tuple(v for k, v in wanted.items() if k not in found)
    return OptOut(frozenset(persons), accounts, unmatched)


def drop_opted_out(results: Sequence[ReadResult], opt_out: OptOut) -> list[ReadResult]:
    """The readers' results without the opted-out people: every event they took part in, and their profiles.

    An event goes when its actor or its target is one of them (a reply to them, a mention of
    them, a reaction to their message), so nothing counted later holds their share.
    """
    out = []
    for result, ids in zip(results, opt_out.accounts, strict=True):
        if not ids:
            out.append(result)
            continue
        id_set = pa.array(sorted(ids), pa.string())
        ev = result.events
        drop = pc.or_(pc.fill_null(pc.is_in(ev.column("actor").cast(pa.string()), value_set=id_set), False),
                      pc.fill_null(pc.is_in(ev.column("target").cast(pa.string()), value_set=id_set), False))
        people = result.people
        if people is not None and len(people) and "person" in people.columns:
            people = people[~people["person"].astype(str).str.strip().isin(ids)].reset_index(drop=True)
        out.append(dataclasses.replace(result, events=ev.filter(pc.invert(drop)), people=people))
    return out


def without_people(table: pd.DataFrame | None, persons: Iterable[str]) -> pd.DataFrame | None:
    """A people table or directory without the rows of ``persons`` (canonical ids)."""
    persons = set(persons)
    if table is None or not len(table) or not persons:
        return table
    return table[~table["person"].astype(str).isin(persons)].reset_index(drop=True)


class Exclusion(NamedTuple):
    """What :func:`exclude_people` returns."""

    events: pa.Table
    people: pd.DataFrame | None
    directory: pd.DataFrame | None
    excluded: int


def read_exclusion_list(path: str | os.PathLike[str]) -> list[str]:
    """Read an opt-out list: one id or e-mail per line, or a CSV with a person (or email) column.

    Blank lines and lines starting with ``#`` are ignored.

    Raises
    ------
    InputError
        The file cannot be read, or a CSV has no person, id or e-mail column.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read the exclusion list ({exc})") from None
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    if lines and "," in lines[0]:
        frame = pd.read_csv(io.StringIO("\n".join(lines)), dtype=str, keep_default_na=False)
        cols = {c.strip().lower(): c for c in frame.columns}
        for name in ("person", "person_id", "id", "employee_id", "user_id", "email", "e-mail", "mail"):
            if name in cols:
                return [v.strip() for v in frame[cols[name]] if v.strip()]
        raise InputError(path, "a CSV exclusion list needs a person, id or email column; found: "
                               + ", ".join(map(str, frame.columns)))
    return lines


def exclude_people(
    events: pa.Table,
    people: pd.DataFrame | None,
    directory: pd.DataFrame | None,
    excluded_ids: Iterable[str],
) -> Exclusion:
    """Remove opted-out people before analysis: their events as actors and as targets, and their rows.

    An entry matches a person id exactly, or an e-mail (case-insensitive) in the people table or
    the directory. Every event with an excluded actor or target is dropped (so a reply to an
    excluded person goes too, not only their own messages).

    Parameters
    ----------
    events : pyarrow.Table
        Events (Event schema).
    people, directory : pandas.DataFrame or None
        Connector people and HR directory (rows of excluded people removed).
    excluded_ids : iterable of str
        Ids or e-mails.

    Returns
    -------
    Exclusion
        ``events``, ``people``, ``directory`` and ``excluded``: how many distinct people were
        found and removed.
    """
    wanted = {entry_key(x): str(x).strip() for x in excluded_ids if entry_key(x)}
    ids: set[str] = set()
    found: set[str] = set()
    for table in (people, directory):
        if table is None or not len(table):
            continue
        for col in (c for c in ("person", "email", *HANDLE_COLUMNS) if c in table.columns):
            keys = _keys(table[col])
            hit = keys.isin(list(wanted)).fillna(False).to_numpy(dtype=bool)
            found.update(keys[hit].astype(str))
            ids.update(table.loc[hit, "person"].astype(str))
    # An entry naming an id only seen in the events (no profile) is taken as that id.
    ids.update(v for k, v in wanted.items() if k not in found)
    id_set = pa.array(sorted(ids), pa.string())
    actor = events.column("actor").cast(pa.string())
    target = events.column("target").cast(pa.string())
    actor_hit = pc.fill_null(pc.is_in(actor, value_set=id_set), False)
    target_hit = pc.fill_null(pc.is_in(target, value_set=id_set), False)
    drop_row = pc.or_(actor_hit, target_hit)
    present = set(pc.unique(actor.filter(actor_hit)).to_pylist()) | set(pc.unique(target.filter(target_hit)).to_pylist())
    kept = events.filter(pc.invert(drop_row))

    def strip(table: pd.DataFrame | None) -> pd.DataFrame | None:
        if table is None or not len(table):
            return table
        hit = table["person"].astype(str).isin(ids)
        present.update(table.loc[hit, "person"].astype(str))
        return table[~hit].reset_index(drop=True)

    people, directory = strip(people), strip(directory)
    return Exclusion(kept, people, directory, len(present))
