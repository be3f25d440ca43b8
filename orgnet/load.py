"""Read exports into one events table with one id per person: the first stage of every run.

:func:`load_events` reads each path with its reader (all e-mail paths together, in one call),
then, over all inputs together:

1. resolves identities (:func:`orgnet.identity.resolve_identities`: alias file, directory,
   normalised e-mail);
2. drops the events another input already gave (:func:`drop_repeated_events`), so a
   result never depends on how the files were passed;
3. decides who is a member and who is external (:mod:`orgnet.identity.membership`) and which
   accounts are not people (:mod:`orgnet.identity.non_human`);
4. merges the duplicate identities the evidence makes certain and suggests the others
   (:mod:`orgnet.identity.duplicates`); with merges, steps 1-3 run again with them as aliases.

With an opt-out list (``exclude``), the people on it are found in every input first
(:func:`orgnet.privacy.optout.resolve_opt_out`: by platform id, username, e-mail or directory id)
and their events and profiles removed from the readers' results before step 1, so every count
after is that of the exports without them.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.csv").write_text("ts,kind,actor,target,item\\n2024-01-02,reply,ana,ben,m1\\n")
>>> loaded = load_events([d / "a.csv", d / "a.csv"])
>>> loaded.events.num_rows, loaded.duplicate_events, loaded.membership.rule
(1, 1, 'none')
>>> loaded.people[["person", "external", "non_human"]].to_dict("records")
[{'person': 'ana', 'external': False, 'non_human': ''}, {'person': 'ben', 'external': False, 'non_human': ''}]
"""

from __future__ import annotations

import inspect
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgnet import connectors
from orgnet.connectors.base import ReadResult, split_kept
from orgnet.events import ITEM, encode_ids, remember_ids, without_item
from orgnet.identity import (
    DUPLICATE_COLUMNS,
    Membership,
    decide_membership,
    non_human_evidence,
    resolve_identities,
    suggest_duplicates,
)
from orgnet.identity.activity import MESSAGE_KINDS, kind_mask, sender_activity
from orgnet.identity.membership import person_addresses
from orgnet.identity.non_human import evidence_kinds, match_ids
from orgnet.privacy.optout import OptOut, drop_opted_out, resolve_opt_out, without_people

__all__ = ["LoadedEvents", "drop_repeated_events", "identify", "items_needed", "load_events", "mark_external_events",
           "mark_loaded", "mark_people", "read_input"]

#: Columns of :attr:`LoadedEvents.merged`.
MERGED_COLUMNS: tuple[str, ...] = ("person", "alias", "evidence")

#: The key of an event across inputs: the same key from another input is the same event again
#: (``kind`` is left out: an e-mail read apart from the mail it answers looks like a ``post``).
EVENT_KEY: tuple[str, ...] = ("source", "item", "actor", "target")


def _empty(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=bool if c == "certain" else "string") for c in columns})


@dataclass
class LoadedEvents:
    """Events read from one or several exports, with what each reader saw and who is who.

    Attributes
    ----------
    events : pyarrow.Table
        All events, canonical ids, each event once across inputs. ``external`` is true when
        either party is external.
    people : pandas.DataFrame
        Everyone the exports know (members with no activity included), one row per canonical
        person: ``person``, ``name``, ``email``, ``sources``, directory and platform attributes,
        ``external`` (bool: outside the organisation), ``non_human`` (the evidence that the
        account is a list, an announcement or no-reply address, a newsletter or a bot; ``""``
        for people) and ``also_known_as`` (ids merged into this person automatically,
        semicolon-joined; ``""`` when none).
    sources : list of dict
        Per read: ``path``, ``format``, ``records_read``, ``records_skipped`` (reason -> count of
        records left out), ``records_noted`` (reason -> count of records kept with a note),
        ``events`` (as read) and ``duplicate_events`` (of those, already given by another input
        and dropped). The e-mail paths of a run are read together: one entry for all of them.
    membership : Membership or None
        How membership was decided (the report's statement); None for tables built elsewhere.
    duplicates : pandas.DataFrame
        Likely duplicate identities left to the user (``person``, ``alias``, ``evidence``,
        ``certain``): :func:`orgnet.identity.suggest_duplicates`.
    merged : pandas.DataFrame
        Identities merged automatically (``person``, ``alias``, ``evidence``).
    opt_out : OptOut or None
        Who the opt-out list stood for and which entries matched no one (None: no list).
    """

    events: pa.Table
    people: pd.DataFrame
    sources: list[dict[str, Any]] = field(default_factory=list)
    membership: Membership | None = None
    duplicates: pd.DataFrame = field(default_factory=lambda: _empty(DUPLICATE_COLUMNS))
    merged: pd.DataFrame = field(default_factory=lambda: _empty(MERGED_COLUMNS))
    opt_out: OptOut | None = None

    @property
    def records_skipped(self) -> dict[str, int]:
        """Skipped records by reason, summed over sources."""
        total: Counter[str] = Counter()
        for s in self.sources:
            total.update(s["records_skipped"])
        return dict(sorted(total.items()))

    @property
    def duplicate_events(self) -> int:
        """Events dropped because another input already gave them."""
        return int(sum(s.get("duplicate_events", 0) for s in self.sources))


def load_events(
    paths: Sequence[str | Path] | str | Path,
    *,
    format: str | None = None,
    directory: pd.DataFrame | None = None,
    aliases: pd.DataFrame | None = None,
    keep_senders: Iterable[str] = (),
    non_human: Iterable[str] = (),
    auto_merge: bool = True,
    exclude: Iterable[str] | None = None,
    keep_item: bool = True,
    **options: Any,
) -> LoadedEvents:
    """Read one or several exports (format sniffed per path unless given) into one events table.

    Parameters
    ----------
    paths : path or sequence of paths
        Files, folders or archives.
    format : str, optional
        Reader name for every path (see :data:`orgnet.connectors.READERS`).
    directory : pandas.DataFrame, optional
        HR directory; its ids are canonical, its e-mails link accounts to them and its people
        are the members.
    aliases : pandas.DataFrame, optional
        ``alias,person`` pairs (:func:`orgnet.identity.read_aliases`).
    keep_senders : iterable of str
        Ids or e-mails kept as people whatever the non-human evidence (``--keep-sender``).
    non_human : iterable of str
        Ids or e-mails that are not people (``--non-human FILE``).
    auto_merge : bool
        Merge the duplicate identities the evidence makes certain (``--no-auto-merge``: off).
    exclude : iterable of str, optional
        Opt-out list (``--exclude``): platform ids, usernames, e-mails or directory ids of people
        removed before anything is counted.
    keep_item : bool
        Keep the ``item`` column in the result (default). ``False`` (``orgnet analyze``, which
        reads nothing after de-duplication that needs it): the result has none, and the readers'
        items are let go as soon as the reading is done when no step of identity resolution reads
        them (one input, every message with a time: at 50M events 0.6 GB of text).
    **options
        Passed to the readers that take them (e.g. ``column_map``). ``org_domain`` (str or
        list) is the organisation's e-mail domains: it decides membership and is passed to the
        readers that take it.

    Returns
    -------
    LoadedEvents
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    org_domain = options.pop("org_domain", None)
    org_domains = [org_domain] if isinstance(org_domain, str) else list(org_domain or [])
    results = _read_all(list(paths), format, org_domains, options)
    if not keep_item and not items_needed(results):
        results = [_without_items(r) for r in results]  # the readers' own tables let go: no copy left
    # What the readers freed (batches, text before coding, items) back to the system: Arrow's pool
    # keeps it otherwise, where identity resolution's numpy arrays cannot reuse it.
    pa.default_memory_pool().release_unused()
    loaded = identify(results, directory=directory, aliases=aliases, org_domains=org_domains,
                      keep_senders=keep_senders, non_human=non_human, auto_merge=auto_merge, exclude=exclude,
                      keep_item=keep_item)
    pa.default_memory_pool().release_unused()  # the readers' temporary Arrow buffers
    return loaded


#: E-mail readers: several paths of these are read in one call (see :func:`_read_all`).
MAIL_FORMATS: tuple[str, ...] = ("mbox", "maildir", "eml")


def _read_all(paths: list[str | Path], format: str | None, org_domains: Sequence[str],
              options: dict[str, Any]) -> list[ReadResult]:
    """Every path read; all e-mail paths together, in one reader call, where the first of them stands.

    Read together, copies of a mail are counted once, replies are threaded and subjects linked
    across all of them and dates judged against all of them
    (:func:`orgnet.connectors.email.read_mail`): a mailbox gives the same events as one folder,
    as its sub-folders or one path per file.
    """
    names = [format or connectors.sniff(p) for p in paths]
    at = [i for i, name in enumerate(names) if name in MAIL_FORMATS]
    mail = [paths[i] for i in at]
    results: list[ReadResult] = []
    for i, (p, name) in enumerate(zip(paths, names, strict=True)):
        if len(mail) > 1 and name in MAIL_FORMATS:
            if i == at[0]:
                from orgnet.connectors.email import read_mail

                given = {**options, "org_domain": list(org_domains) or None}
                # The e-mail options this run gives, checked as for any one of the readers.
                opts = connectors._options_for(connectors.READERS[name], given, p)
                results.append(read_mail([Path(m) for m in mail], format=format, **opts))
            continue
        results.append(read_input(p, name, org_domains, options))
    return results


def read_input(path: str | Path, format: str | None, org_domains: Sequence[str],
               options: dict[str, Any]) -> ReadResult:
    """Read one path; the organisation's domains go only to the readers that take them.

    E-mail readers mark their events external with them; other readers ignore them, and the
    membership step uses them for everyone (:func:`identify`).
    """
    name = format or connectors.sniff(path)
    reader = connectors.READERS.get(name)
    if org_domains and reader is not None:
        params = inspect.signature(reader.read).parameters
        if "org_domain" in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
            options = {**options, "org_domain": list(org_domains)}
    return connectors.read(path, format=name, **options)


def identify(
    results: Sequence[ReadResult],
    *,
    directory: pd.DataFrame | None = None,
    aliases: pd.DataFrame | None = None,
    org_domains: Sequence[str] = (),
    keep_senders: Iterable[str] = (),
    non_human: Iterable[str] = (),
    auto_merge: bool = True,
    exclude: Iterable[str] | None = None,
    keep_item: bool = True,
) -> LoadedEvents:
    """Everything :func:`load_events` does after reading, on readers' results.

    Parameters
    ----------
    results : sequence of ReadResult
        What the readers returned, in the order given (an earlier input's events win, unless a
        later one holds them linked: see :func:`drop_repeated_events`).
    directory, aliases, org_domains, keep_senders, non_human, auto_merge, exclude, keep_item
        As in :func:`load_events`.

    Returns
    -------
    LoadedEvents
    """
    keep_senders, non_human = list(keep_senders), list(non_human)
    if not keep_item and not items_needed(results):
        results = [_without_items(r) for r in results]
    if directory is not None:
        from orgnet.directory import normalise_directory

        directory = normalise_directory(directory)
    opt_out = None
    if exclude is not None:
        # Before anything is counted: the people on the list leave the inputs themselves.
        opt_out = resolve_opt_out(results, exclude, directory=directory, aliases=aliases)
        results = drop_opted_out(results, opt_out)
        directory = without_people(directory, opt_out.persons)
    events, people, dropped = _resolve(results, directory, aliases)
    people, membership, activity = mark_people(events, people, directory=directory, org_domains=org_domains,
                                               keep_senders=keep_senders, non_human=non_human)
    merged = _empty(MERGED_COLUMNS)
    duplicates = suggest_duplicates(people, org_domains=membership.domains, activity=activity)
    if auto_merge:
        certain = duplicates[duplicates["certain"]]
        if len(certain):
            merged = certain[list(MERGED_COLUMNS)].reset_index(drop=True)
            more = merged[["alias", "person"]]
            combined = more if aliases is None or not len(aliases) else pd.concat(
                [aliases[["alias", "person"]], more], ignore_index=True)
            events, people, dropped = _resolve(results, directory, combined)
            # Membership stays what the first pass decided: merging people does not move domains.
            first = membership
            people, membership, activity = mark_people(
                events, people, directory=directory, org_domains=first.domains or org_domains,
                keep_senders=keep_senders, non_human=non_human)
            membership = replace(membership, rule=first.rule, domains=first.domains, inferred=first.inferred,
                                 evidence=first.evidence, note=first.note)
            duplicates = suggest_duplicates(people, org_domains=membership.domains, activity=activity)
    people["also_known_as"] = pd.Series("", index=people.index, dtype="string")
    if len(merged):
        aka = merged.sort_values("alias").groupby("person")["alias"].agg(";".join)
        people["also_known_as"] = people["person"].map(aka).astype("string").fillna("")
    events = mark_external_events(events, people)
    if not keep_item:
        events = without_item(events)
    sources = [
        {
            "path": r.path,
            "format": r.format,
            "records_read": int(r.records_read),
            "records_skipped": split_kept(r.records_skipped)[0],
            "records_noted": split_kept(r.records_skipped)[1],
            "events": int(r.events.num_rows),
            "duplicate_events": int(n),
        }
        for r, n in zip(results, dropped, strict=True)
    ]
    return LoadedEvents(events, people, sources, membership, duplicates, merged, opt_out)


def items_needed(results: Sequence[ReadResult]) -> bool:
    """Whether :func:`identify` reads the readers' ``item`` column.

    It does to drop the events another input already gave (:func:`drop_repeated_events`: two
    inputs or more with events) and to count the messages of a sender that have no time (one
    per item, :func:`orgnet.identity.activity.sender_activity`). Otherwise the items can go
    before identity resolution runs.

    Examples
    --------
    >>> from orgnet.events import events_from_frame
    >>> timed = ReadResult(events_from_frame(pd.DataFrame({"ts": pd.to_datetime(["2024-01-02"], utc=True),
    ...                                                   "kind": ["post"], "actor": ["a"]})), pd.DataFrame())
    >>> untimed = ReadResult(events_from_frame(pd.DataFrame({"kind": ["post"], "actor": ["a"]})), pd.DataFrame())
    >>> items_needed([timed]), items_needed([untimed]), items_needed([timed, timed])
    (False, True, True)
    """
    if sum(r.events.num_rows > 0 for r in results) > 1:
        return True
    for r in results:
        if ITEM not in r.events.column_names:
            continue
        ts = r.events.column("ts")
        if ts.null_count:
            untimed = ~np.asarray(pc.is_valid(ts).to_numpy(zero_copy_only=False), dtype=bool)
            if (kind_mask(r.events.column("kind"), MESSAGE_KINDS) & untimed).any():
                return True
    return False


def _without_items(result: ReadResult) -> ReadResult:
    return replace(result, events=without_item(result.events))


def _resolve(results: Sequence[ReadResult], directory: pd.DataFrame | None,
             aliases: pd.DataFrame | None) -> tuple[pa.Table, pd.DataFrame, np.ndarray]:
    events, people = resolve_identities(list(results), directory=directory, aliases=aliases)
    inputs = np.repeat(np.arange(len(results), dtype=np.int32), [r.events.num_rows for r in results])
    events, dropped = drop_repeated_events(events, inputs)
    return events, people, dropped


def mark_people(
    events: pa.Table,
    people: pd.DataFrame,
    *,
    directory: pd.DataFrame | None = None,
    org_domains: Sequence[str] = (),
    keep_senders: Iterable[str] = (),
    non_human: Iterable[str] = (),
) -> tuple[pd.DataFrame, Membership, pd.DataFrame]:
    """Add ``external`` and ``non_human`` to a resolved people table.

    Works on any events and people with canonical ids (a store's too); then
    :func:`mark_external_events` marks the events with an external party.

    Parameters
    ----------
    events : pyarrow.Table
        Events with canonical ids.
    people : pandas.DataFrame
        The resolved people table.
    directory, org_domains, keep_senders, non_human
        As in :func:`load_events`.

    Returns
    -------
    people : pandas.DataFrame
        With ``external`` (bool) and ``non_human`` (str) columns.
    membership : Membership
        The statement, counts included.
    activity : pandas.DataFrame
        Per-sender messages, replies and fan-out (:func:`orgnet.identity.activity.sender_activity`).
    """
    keep_senders, non_human = list(keep_senders), list(non_human)
    people = people.reset_index(drop=True).copy()
    activity = sender_activity(events)
    addresses = person_addresses(people)  # normalised once for every step below
    evidence = non_human_evidence(people, activity, add=non_human, addresses=addresses)
    kept = match_ids(people, keep_senders, addresses) & (evidence != "").to_numpy(dtype=bool)
    evidence[kept] = ""
    # Non-human senders do not vote when the organisation's domain is inferred.
    external, membership = decide_membership(people, activity, directory=directory, org_domains=org_domains,
                                             not_people=(evidence != "").to_numpy(dtype=bool), addresses=addresses)
    people["external"] = external
    people["non_human"] = evidence.astype("string")
    flagged = people["non_human"] != ""
    membership = replace(
        membership,
        members=int((~people["external"] & ~flagged).sum()),
        external=int(people["external"].sum()),
        non_human=int(flagged.sum()),
        non_human_evidence=evidence_kinds(people["non_human"]),
        kept=int(kept.sum()),
    )
    return people, membership, activity


def mark_loaded(
    loaded: LoadedEvents,
    *,
    directory: pd.DataFrame | None = None,
    org_domains: Sequence[str] = (),
    keep_senders: Iterable[str] = (),
    non_human: Iterable[str] = (),
) -> LoadedEvents:
    """Membership, non-human senders and duplicate suggestions for events loaded elsewhere (a store).

    The events' ids are taken as canonical; nothing is merged (the events cannot be read again).

    Examples
    --------
    >>> from orgnet.events import events_from_frame
    >>> ev = events_from_frame(pd.DataFrame({"kind": ["post"], "actor": ["noreply@x.org"], "target": ["ana@x.org"]}))
    >>> m = mark_loaded(LoadedEvents(ev, pd.DataFrame({"person": ["noreply@x.org", "ana@x.org"]})),
    ...                 org_domains=["x.org"])
    >>> m.people["non_human"].tolist(), m.membership.rule
    (['address pattern: no-reply', ''], 'org domain')
    """
    if directory is not None:
        from orgnet.directory import normalise_directory

        directory = normalise_directory(directory)
    people, membership, activity = mark_people(loaded.events, loaded.people, directory=directory,
                                               org_domains=org_domains, keep_senders=keep_senders,
                                               non_human=non_human)
    if "also_known_as" not in people.columns:
        people["also_known_as"] = pd.Series("", index=people.index, dtype="string")
    duplicates = suggest_duplicates(people, org_domains=membership.domains, activity=activity)
    return replace(loaded, events=mark_external_events(loaded.events, people), people=people,
                   membership=membership, duplicates=duplicates)


def mark_external_events(events: pa.Table, people: pd.DataFrame) -> pa.Table:
    """Set ``external`` on every event whose actor or target is an external person.

    A reader's own ``external`` flag is never taken back.

    Examples
    --------
    >>> from orgnet.events import events_from_frame
    >>> ev = events_from_frame(pd.DataFrame({"kind": ["post", "post"], "actor": ["a", "a"], "target": ["b", "x"]}))
    >>> people = pd.DataFrame({"person": ["a", "b", "x"], "external": [False, False, True]})
    >>> mark_external_events(ev, people).column("external").to_pylist()
    [False, True]
    """
    if "external" not in people.columns or events.num_rows == 0:
        return events
    outside = people.loc[people["external"].astype(bool), "person"].astype(str)
    if not len(outside):
        return events
    value_set = pa.array(outside.to_numpy(), pa.string())
    hit = np.zeros(events.num_rows, dtype=bool)
    for name in ("actor", "target"):
        values, index = encode_ids(events.column(name), remember=True)
        lookup = np.append(np.asarray(pc.fill_null(pc.is_in(values, value_set=value_set), False)
                                      .to_numpy(zero_copy_only=False), dtype=bool), False)
        hit |= lookup[index]
    old = np.asarray(events.column("external").to_numpy(zero_copy_only=False), dtype=bool)
    if not (hit & ~old).any():
        return events
    return events.set_column(events.schema.get_field_index("external"), "external", pa.array(old | hit))


def drop_repeated_events(events: pa.Table, inputs: np.ndarray) -> tuple[pa.Table, np.ndarray]:
    """Drop the events another input already gave.

    An event repeats one of another input when it has the same :data:`EVENT_KEY` (source, item,
    actor, target; ids canonical): the readers give every copy of a message the same ``item``
    (e-mail: the mail's key, the same in every folder and file; Slack: channel and timestamp).
    For each key the rows of one input are kept: the earliest, unless a later one holds the
    message *linked* (a ``reply`` or ``share`` where the other says ``post``): an e-mail read
    together with the mail it answers is a reply, read apart it looks like a new post, and the
    linked copy is what one read of everything gives. Rows within one input are never dropped
    here (that is the reader's job), so an input's own multiplicity stays.

    Parameters
    ----------
    events : pyarrow.Table
        Events of all inputs, concatenated in input order.
    inputs : numpy.ndarray
        The input (0, 1, ...) of each row.

    Returns
    -------
    events : pyarrow.Table
        The events kept (the row order of the rest unchanged).
    dropped : numpy.ndarray
        Events dropped per input.

    Examples
    --------
    >>> from orgnet.events import events_from_frame
    >>> ev = events_from_frame(pd.DataFrame({"kind": ["post", "post", "reply", "post"], "actor": ["a"] * 4,
    ...                                      "target": ["b", "b", "b", "c"], "item": ["m1"] * 4}))
    >>> kept, dropped = drop_repeated_events(ev, np.array([0, 0, 1, 1]))
    >>> kept.column("kind").to_pylist(), dropped.tolist()
    (['reply', 'post'], [2, 0])
    """
    n_inputs = int(inputs.max()) + 1 if len(inputs) else 0
    if n_inputs < 2 or len(np.unique(inputs)) < 2:
        return events, np.zeros(n_inputs, np.int64)
    keep = _chosen_input_rows(events, inputs)
    if keep.all():
        return events, np.zeros(n_inputs, np.int64)
    return _filter(events, keep), np.bincount(inputs[~keep], minlength=n_inputs).astype(np.int64)


def _chosen_input_rows(events: pa.Table, inputs: np.ndarray) -> np.ndarray:
    """Rows of the input chosen for their key (group-bys on the key, then a hash join back)."""
    key = {c: pc.fill_null(events.column(c).cast(pa.string()), "") for c in EVENT_KEY}  # null keys never join
    linked = ~kind_mask(events.column("kind"), ("post",))
    # One rank per row: a linked copy first, then the earliest input.
    rank = np.where(linked, 0, len(inputs)).astype(np.int64) + inputs
    table = pa.table({**key, "rank": pa.array(rank), "row": pa.array(np.arange(len(inputs)))})
    per_input = table.group_by([*EVENT_KEY]).aggregate([("rank", "min")])
    joined = table.join(per_input, list(EVENT_KEY))
    n = len(inputs)
    # The chosen input of a key: the one whose best row has the lowest rank.
    chosen = np.asarray(joined.column("rank_min").to_numpy()) % n
    row = np.asarray(joined.column("row").to_numpy())
    keep = np.zeros(n, dtype=bool)
    keep[row] = inputs[row] == chosen
    return keep


def _filter(events: pa.Table, keep: np.ndarray) -> pa.Table:
    """``events`` filtered by ``keep``, with the id encodings handed on for the graph build."""
    encoded = {name: encode_ids(events.column(name)) for name in ("actor", "target")}
    out = events.filter(pa.array(keep))
    for name, (values, index) in encoded.items():
        index = index[keep]
        used = np.bincount(index[index >= 0], minlength=len(values)) > 0
        remap = np.append(np.cumsum(used) - 1, -1).astype(np.int32)
        remember_ids(out.column(name), values.filter(pa.array(used)), remap[index])
    return out
