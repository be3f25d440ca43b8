"""Identity resolution: one person across sources and accounts gets one canonical id.

Each reader names people with its own ids (e-mail addresses for mail, ``U024BE7LH`` for Slack,
numbers for Viva Engage). :func:`resolve_identities` links them, in this order:

1. **alias file** (``alias,person``): any id or e-mail listed under ``alias`` becomes ``person``
   (an explicit statement by the analyst, so it is applied first and is never overridden);
2. **directory** (when given): a person whose e-mail (or id) is in the HR directory gets the
   directory's ``person`` id — the directory's ids are canonical;
3. **normalised e-mail**: otherwise the lower-cased e-mail address is the id, so
   ``Ana.Lima@X.org`` in mail, ``ana.lima@x.org`` as a Slack profile e-mail and as a Viva Engage
   sender are one person;
4. otherwise the id the source gave.

Each input's actor and target columns are hashed once (:func:`orgnet.events.encode_ids`); ids
are resolved on the distinct values and the events rewritten with one integer gather, never a
Python loop over rows. The encoding is handed on, so the graph build does not hash the ids again.

Examples
--------
>>> import pandas as pd
>>> from orgnet.connectors.base import ReadResult
>>> from orgnet.events import events_from_frame
>>> slack = ReadResult(
...     events_from_frame(pd.DataFrame({"kind": ["reply"], "actor": ["U1"], "target": ["U2"]}), source="slack"),
...     pd.DataFrame({"person": ["U1", "U2"], "name": ["Ana", "Ben"], "email": ["Ana@X.org", None]}),
...     format="slack")
>>> mail = ReadResult(
...     events_from_frame(pd.DataFrame({"kind": ["post"], "actor": ["ana@x.org"], "target": ["cy@x.org"]}),
...                       source="email"),
...     pd.DataFrame({"person": ["ana@x.org", "cy@x.org"], "name": ["Ana Lima", None],
...                   "email": ["ana@x.org", "cy@x.org"]}), format="mbox")
>>> events, people = resolve_identities([slack, mail])
>>> events.column("actor").to_pylist()
['ana@x.org', 'ana@x.org']
>>> people[["person", "sources"]].to_dict("records")
[{'person': 'U2', 'sources': 'slack'}, {'person': 'ana@x.org', 'sources': 'email,slack'}, {'person': 'cy@x.org', 'sources': 'email'}]
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgnet._parallel import effective_n_jobs, ordered_threads
from orgnet.connectors.base import InputError, ReadResult
from orgnet.events import concat_events, empty_events, encode_ids, remember_ids

__all__ = ["canonical_accounts", "read_aliases", "resolve_identities"]


#: Python's ``\s`` (Unicode white space) spelt for RE2, which Arrow's regex kernels use.
_WHITESPACE = r"[\s\x{0B}\x{1C}-\x{1F}\x{85}\p{Z}]+"


def _arrow(values: pd.Series | pd.Index) -> pa.Array:
    # The Arrow strings behind a pandas column (no Python objects for pyarrow-backed strings).
    arr = pa.array(values.astype("string"), type=pa.string(), from_pandas=True)
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def _series(values: pa.Array | pa.ChunkedArray, index: pd.Index | None = None) -> pd.Series:
    # Arrow strings as a pandas "string" column, without a round trip through Python objects.
    out = pd.Series(pd.array(values, dtype="string"))
    return out if index is None else out.set_axis(index)


def _normalise_emails(values: pd.Series) -> pd.Series:
    # Vectorised form of orgnet.connectors.email.normalise_address, in Arrow kernels: pandas'
    # regex replace and strip(chars) fall back to a Python call per value.
    return _series(_email_array(_arrow(values)), values.index)


def _email_array(arr: pa.Array) -> pa.Array:
    # Only a value holding an '@' can become an address (no step below adds one): the regex
    # steps run on those alone, which for directory ids like p000123 is none of them.
    at = pc.fill_null(pc.match_substring(arr, "@"), False)
    n_at = pc.sum(at).as_py() or 0
    if n_at == 0:
        return pa.nulls(len(arr), pa.string())
    sub = arr if n_at == len(arr) else arr.filter(at)
    s = pc.utf8_lower(pc.utf8_trim(pc.replace_substring_regex(sub, _WHITESPACE, ""), "<>\"'"))
    s = pc.replace_substring_regex(s, r"^mailto:", "")
    ok = pc.fill_null(pc.match_substring_regex(s, r"^[^@]+@[^@]+$"), False)
    s = pc.if_else(ok, s, pa.scalar(None, pa.string()))
    return s if n_at == len(arr) else pc.replace_with_mask(pa.nulls(len(arr), pa.string()), at, s)


def _normalise_ids(values: pd.Series) -> pd.Series:
    # An id that is an e-mail address is compared in its normalised form; others as written.
    s = values.astype("string").str.strip()
    email = _normalise_emails(s)
    return email.fillna(s).mask(s == "").astype("string")


def read_aliases(path: str | Path) -> pd.DataFrame:
    """Read an alias file: a CSV with the columns ``alias`` and ``person``.

    Each row says that ``alias`` (an id in some source, or an e-mail address) is the person
    ``person`` (a canonical id: a directory id or an e-mail). E-mail addresses are normalised
    (lower case); ids are kept as written; chains (``a -> b``, ``b -> c``) are allowed.

    Parameters
    ----------
    path : str or Path
        The CSV file (UTF-8, a BOM is fine; header names are case-insensitive).

    Returns
    -------
    pandas.DataFrame
        Columns ``alias`` and ``person`` (strings), one row per alias.

    Raises
    ------
    InputError
        Missing file or column, an empty value, or an alias given two different persons (the
        message names the file and the line).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "aliases.csv"
    >>> _ = p.write_text("Alias,Person\\nK..Allen@Enron.com,phillip.allen@enron.com\\nU024,ana@x.org\\n")
    >>> read_aliases(p).to_dict("records")
    [{'alias': 'k..allen@enron.com', 'person': 'phillip.allen@enron.com'}, {'alias': 'U024', 'person': 'ana@x.org'}]
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such alias file")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skipinitialspace=True)
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text ({exc.reason}); expected a UTF-8 CSV") from None
    except pd.errors.EmptyDataError:
        raise InputError(path, "file is empty; expected a header 'alias,person'") from None
    except pd.errors.ParserError as exc:
        raise InputError(path, f"not a valid CSV: {exc}") from None
    return _check_aliases(frame, str(path))


def _check_aliases(frame: pd.DataFrame, where: str) -> pd.DataFrame:
    lookup = {str(c).strip().lstrip("\ufeff").lower(): c for c in frame.columns}
    missing = [c for c in ("alias", "person") if c not in lookup]
    if missing:
        raise InputError(
            where,
            f"missing column(s) {', '.join(missing)}; expected a header 'alias,person' "
            f"(the header has {', '.join(map(str, frame.columns))})",
            record=1,
        )
    out = pd.DataFrame({"alias": _normalise_ids(frame[lookup["alias"]]),
                        "person": _normalise_ids(frame[lookup["person"]])})
    empty = out["alias"].isna() | out["person"].isna()
    if empty.any():
        row = int(np.flatnonzero(empty.to_numpy())[0])
        col = "alias" if pd.isna(out["alias"].iloc[row]) else "person"
        raise InputError(where, f"{col} is empty; expected an id or e-mail in both columns", record=row + 2)
    out = out[out["alias"] != out["person"]].drop_duplicates()
    clash = out["alias"].duplicated(keep=False)
    if clash.any():
        first = out.loc[clash, "alias"].iloc[0]
        rows = [int(i) + 2 for i in np.flatnonzero((out["alias"] == first).to_numpy())]
        people = sorted(out.loc[out["alias"] == first, "person"])
        raise InputError(where, f"alias {first!r} is given to several persons ({', '.join(people)})",
                         record=out.index[rows[-1] - 2] + 2)
    return out.reset_index(drop=True)


def _alias_map(aliases: pd.DataFrame | None) -> pd.Series:
    if aliases is None or len(aliases) == 0:
        return pd.Series(dtype="string")
    if not {"alias", "person"} <= set(aliases.columns):
        aliases = _check_aliases(aliases, "aliases")
    table = aliases.assign(alias=_normalise_ids(aliases["alias"]), person=_normalise_ids(aliases["person"]))
    table = table[table["alias"] != table["person"]]
    mapping = pd.Series(table["person"].to_numpy(), index=table["alias"].to_numpy(), dtype="string")
    mapping = mapping[~mapping.index.duplicated(keep="first")]
    # Follow chains (a -> b -> c) with whole-Series look-ups; a cycle ends on itself.
    for _ in range(len(mapping) + 1):
        nxt = mapping.map(mapping).fillna(mapping).astype("string")
        if nxt.equals(mapping):
            break
        mapping = nxt
    loop = mapping.index[mapping.index == mapping.to_numpy()]
    if len(loop):
        raise InputError(
            "aliases",
            f"the aliases form a cycle through {', '.join(sorted(map(str, loop))[:3])}; "
            "expected every chain to end in a person who is nobody's alias",
        )
    return mapping


def _isin(values: pd.Series, pool: pd.Series | pd.Index) -> np.ndarray:
    # pandas' isin on Arrow-backed strings loops in Python; Arrow's is_in does not.
    found = pc.is_in(_arrow(values), value_set=_arrow(pool))
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


def _source_of(result: ReadResult) -> str:
    if result.events.num_rows:
        first = result.events.column("source")[0].as_py()
        if first:
            return str(first)
    return result.format or "unknown"


def _local_people(result: ReadResult, seen: list[pa.Array]) -> pd.DataFrame:
    # The people a result names: its people table plus any id only seen in its events
    # (``seen``: the distinct actors and targets, so no pass over the events here).
    people = result.people.copy() if result.people is not None else pd.DataFrame(columns=["person"])
    for col in ("person", "name", "email"):
        if col not in people.columns:
            people[col] = pd.Series(pd.NA, index=people.index, dtype="string")
    people["person"] = people["person"].astype("string").str.strip()
    people = people[people["person"].notna() & (people["person"] != "")]
    people = people.drop_duplicates("person", keep="first")
    ids = pc.unique(pa.chunked_array(seen, type=pa.string()).combine_chunks())
    extra = ids.filter(pc.invert(pc.is_in(ids, value_set=_arrow(people["person"]))))
    if len(extra):
        people = pd.concat([people, pd.DataFrame({"person": _series(extra)})], ignore_index=True)
    return people.reset_index(drop=True)


def _canonical(people: pd.DataFrame, alias: pd.Series, directory: pd.DataFrame | None) -> pd.Series:
    local = _normalise_ids(people["person"])
    email = _normalise_emails(people["email"]).fillna(_normalise_emails(local))
    none = pd.Series(pd.NA, index=people.index, dtype="string")
    if len(alias):
        # 1. the alias file, by id first, then by e-mail; its person is then looked up like any id
        aliased = local.map(alias).astype("string").fillna(email.map(alias).astype("string"))
        key = aliased.fillna(local)
        link = _normalise_emails(aliased).where(aliased.notna(), email)
    else:
        aliased, key, link = none, local, email
    canonical = none
    if directory is not None and len(directory):
        # 2. the directory: its ids are canonical, its e-mails link accounts to them
        if link.notna().any():
            by_email = directory.dropna(subset=["email"]).drop_duplicates("email").set_index("email")["person"]
            canonical = link.map(by_email).astype("string")
        canonical = canonical.fillna(key.where(_isin(key, directory["person"]), pd.NA))
    # 3. the alias target as given, 4. the normalised e-mail, 5. the source's own id
    return canonical.fillna(aliased).fillna(email).fillna(local).astype("string")


def _rewrite(values: pa.Array, index: np.ndarray, local: pa.Array, canonical: pa.Array, *,
             coded: bool = False) -> tuple[pa.Array, pa.Array, np.ndarray]:
    # Map the distinct values (not the rows), then rebuild the column with one gather; ids read
    # as codes (orgnet.events.CODED_TEXT) stay codes, into the canonical ids.
    found = pc.index_in(values, value_set=local)
    mapped = pc.if_else(pc.is_null(found), values, pc.take(canonical, found))
    new_values, remap = encode_ids(mapped)  # two local ids may share a canonical one
    new_index = np.append(remap, np.int32(-1))[index]
    missing = new_index < 0
    codes = pa.array(new_index, pa.int32(), mask=missing if missing.any() else None)
    if coded:
        return pa.DictionaryArray.from_arrays(codes, new_values), new_values, new_index
    return pc.take(new_values, codes), new_values, new_index


def _merge_encodings(parts: list[tuple[pa.Array, np.ndarray]]) -> tuple[pa.Array, np.ndarray]:
    # The encodings of several tables, made one for their concatenation (dictionary-sized work).
    values = pc.unique(pa.chunked_array([v for v, _ in parts], type=pa.string()).combine_chunks())
    indices = []
    for part_values, part_index in parts:
        remap = np.append(np.asarray(pc.index_in(part_values, value_set=values).to_numpy(zero_copy_only=False),
                                     dtype=np.int32), np.int32(-1))
        indices.append(remap[part_index])
    return values, np.concatenate(indices) if indices else np.zeros(0, np.int32)


def resolve_identities(
    results: list[ReadResult],
    directory: pd.DataFrame | None = None,
    aliases: pd.DataFrame | None = None,
) -> tuple[pa.Table, pd.DataFrame]:
    """Map every person of every input to one canonical id; rewrite the events; merge people.

    Parameters
    ----------
    results : list of ReadResult
        What the readers returned (ids are local to each result).
    directory : pandas.DataFrame, optional
        The HR directory (see :func:`orgnet.directory.read_directory`); its ``person`` ids are
        canonical and its ``email`` column links accounts to them. Everyone in it is in the
        people table, active or not.
    aliases : pandas.DataFrame, optional
        Columns ``alias`` and ``person`` (see :func:`read_aliases`).

    Returns
    -------
    events : pyarrow.Table
        All events, actor and target rewritten to canonical ids.
    people : pandas.DataFrame
        One row per canonical person, sorted by id: ``person``, ``name`` (the directory's, else
        the name seen most often), ``email``, ``sources`` (comma-separated source names,
        ``directory`` included), then the directory's attributes, then the platforms'
        attributes (first value seen).

    Raises
    ------
    InputError
        The aliases form a cycle.
    """
    alias = _alias_map(aliases)
    if directory is not None:
        from orgnet.directory import normalise_directory

        directory = normalise_directory(directory)
        directory = directory.assign(person=directory["person"].astype("string"),
                                     email=_normalise_emails(directory["email"]))
    tables: list[pa.Table] = []
    frames: list[pd.DataFrame] = []
    encodings: dict[str, list[tuple[pa.Array, np.ndarray]]] = {"actor": [], "target": []}
    for result in results:
        ev = result.events
        # One hash pass per id column, the two side by side in threads (Arrow's and numpy's
        # kernels release the GIL); everything after works on the distinct values.
        threads = min(2, effective_n_jobs()) if ev.num_rows > 1 << 20 else 1
        columns = [ev.column(name) for name in encodings]
        encoded = dict(zip(encodings, ordered_threads(encode_ids, columns, threads=threads), strict=True))
        local = _local_people(result, [values for values, _ in encoded.values()])
        canonical = _canonical(local, alias, directory)
        value_set, mapped = _arrow(local["person"]), _arrow(canonical)
        unchanged = bool(pc.all(pc.fill_null(pc.equal(value_set, mapped), False), min_count=0).as_py())
        if ev.num_rows and not unchanged:  # most single-source runs map every id to itself
            for name, (values, index) in encoded.items():
                field = ev.schema.field(name)
                column, values, index = _rewrite(values, index, value_set, mapped,
                                                 coded=pa.types.is_dictionary(field.type))
                ev = ev.set_column(ev.schema.get_field_index(name), field.with_type(column.type), column)
                encoded[name] = (values, index)
        for name, part in encoded.items():
            encodings[name].append(part)
        tables.append(ev)
        frames.append(local.assign(canonical=canonical, source=_source_of(result)))
    events = concat_events(tables) if tables else empty_events()
    if events.num_rows:
        # Hand the encodings to the graph build: it would otherwise hash every id again.
        for name, parts in encodings.items():
            values, index = parts[0] if len(parts) == 1 else _merge_encodings(parts)
            remember_ids(events.column(name), values, index)
    return events, _merge_people(frames, directory)


def canonical_accounts(
    results: list[ReadResult],
    directory: pd.DataFrame | None = None,
    aliases: pd.DataFrame | None = None,
) -> list[pd.DataFrame]:
    """Every account each input names, with the canonical id :func:`resolve_identities` gives it.

    The same rules as :func:`resolve_identities`, without rewriting any event: the opt-out step
    (:func:`orgnet.privacy.optout.resolve_opt_out`) uses it to find a person's accounts in every
    input before anything is counted.

    Returns
    -------
    list of pandas.DataFrame
        Per input: its people table (``person`` the input's own id, ``name``, ``email``, platform
        attributes) plus ids only seen in its events, and ``canonical``.
    """
    alias = _alias_map(aliases)
    if directory is not None:
        from orgnet.directory import normalise_directory

        directory = normalise_directory(directory)
        directory = directory.assign(person=directory["person"].astype("string"),
                                     email=_normalise_emails(directory["email"]))
    out = []
    for result in results:
        seen = [pc.unique(result.events.column(c)).cast(pa.string()) for c in ("actor", "target")]
        local = _local_people(result, [pc.drop_null(s) for s in seen])
        out.append(local.assign(canonical=_canonical(local, alias, directory)))
    return out


def _joined_sources(seen: pd.DataFrame) -> pd.Series:
    """Canonical id -> its sorted source names joined by commas (one Arrow group-by, no per-person Python)."""
    pairs = seen[["canonical", "source"]].dropna().drop_duplicates().sort_values(["canonical", "source"])
    table = pa.table({"canonical": _arrow(pairs["canonical"]), "source": _arrow(pairs["source"])})
    # Without threads the group-by keeps the rows' order inside each group: the names stay sorted.
    grouped = table.group_by("canonical", use_threads=False).aggregate([("source", "list")])
    joined = pc.binary_join(grouped.column("source_list"), ",")
    return _series(joined, pd.Index(_series(grouped.column("canonical"))))


def _source_labels(codes: np.ndarray, source: pa.Array, n: int) -> pa.Array | None:
    """Per person code (``0..n-1``): the sorted names of its sources joined by commas, null if none.

    A bit per source name: the few distinct bit sets are joined once each, never per person.
    None when there are too many source names for the bits (the caller groups instead).
    """
    names = sorted(set(pc.unique(source).drop_null().to_pylist()))
    if len(names) > 63:
        return None
    rank = np.asarray(pc.fill_null(pc.index_in(source, value_set=pa.array(names, pa.string())), -1)
                      .to_numpy(zero_copy_only=False), dtype=np.int64)
    bits = np.zeros(n, np.uint64)
    for k in range(len(names)):
        bits[codes[(rank == k) & (codes >= 0)]] |= np.uint64(1) << np.uint64(k)
    sets, which = np.unique(bits, return_inverse=True)
    labels = [",".join(name for k, name in enumerate(names) if int(b) >> k & 1) or None for b in sets]
    return pc.take(pa.array(labels, pa.string()), pa.array(which.ravel()))


def _merge_people(frames: list[pd.DataFrame], directory: pd.DataFrame | None) -> pd.DataFrame:
    seen = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        {c: pd.Series(dtype="string") for c in ("person", "name", "email", "canonical", "source")})
    seen["email"] = _normalise_emails(seen["email"]).fillna(_normalise_emails(seen["person"]))
    seen["name"] = seen["name"].astype("string").str.strip().replace("", pd.NA)
    names = (
        seen.dropna(subset=["name"]).groupby(["canonical", "name"]).size().rename("n").reset_index()
        .sort_values(["canonical", "n", "name"], ascending=[True, False, True])
        .drop_duplicates("canonical").set_index("canonical")["name"]
    )
    emails = seen.dropna(subset=["email"])
    # The canonical id's own address first, then the one seen most often.
    emails = emails.assign(own=emails["email"] == emails["canonical"])
    emails = (
        emails.groupby(["canonical", "email"]).agg(n=("own", "size"), own=("own", "max")).reset_index()
        .sort_values(["canonical", "own", "n", "email"], ascending=[True, False, False, True])
        .drop_duplicates("canonical").set_index("canonical")["email"]
    )
    # Every person as an integer code: the directory's people first (codes 0..nd-1, its ids are
    # distinct), then those only seen in the sources; all look-ups below are integer gathers.
    d = directory.set_index("person") if directory is not None and len(directory) else None
    roster = _arrow(d.index) if d is not None else pa.array([], pa.string())
    canonical = _arrow(seen["canonical"])
    values, index = encode_ids(pa.chunked_array([roster, canonical], pa.string()))
    nd, seen_codes = len(roster), index[len(roster):]
    order = np.asarray(pc.array_sort_indices(values).to_numpy(zero_copy_only=False), dtype=np.int64)  # by id
    person = pc.take(values, pa.array(order))
    was_seen = np.zeros(len(values), bool)
    was_seen[seen_codes[seen_codes >= 0]] = True
    labels = _source_labels(seen_codes, _arrow(seen["source"]), len(values))
    if labels is not None:
        sources = _series(pc.take(labels, pa.array(order)))
    else:
        sources = _series(person).map(_joined_sources(seen)).astype("string")
    out = pd.DataFrame({"person": _series(person)})
    out["name"] = _series(person).map(names).astype("string") if len(names) else pd.Series(pd.NA, dtype="string")
    out["email"] = _series(person).map(emails).astype("string") if len(emails) else pd.Series(pd.NA, dtype="string")
    out["sources"] = sources.where(pd.Series(was_seen[order]), pd.NA).astype("string")
    platform_cols = [c for c in seen.columns if c not in ("person", "name", "email", "canonical", "source")]
    if d is not None:
        in_dir = order < nd
        listed = out["sources"].fillna("")
        out["sources"] = np.where(~was_seen[order], "directory",
                                  np.where(in_dir & (listed != "directory").to_numpy(), listed + ",directory",
                                           out["sources"]))
        out["sources"] = out["sources"].astype("string")
        # One look-up of every person in the directory, shared by all its columns.
        rows = np.where(in_dir, order, -1)
        aligned = {col: pd.Series(d[col].array.take(rows, allow_fill=True)) for col in d.columns}
        out["name"] = aligned["name"].astype("string").fillna(out["name"])
        out["email"] = aligned["email"].astype("string").fillna(out["email"])
        for col in d.columns:
            if col not in ("name", "email"):
                out[col] = aligned[col]
    if platform_cols:
        attrs = seen.groupby("canonical")[platform_cols].first()
        for col in platform_cols:
            if col not in out.columns:
                out[col] = out["person"].map(attrs[col])
    return out
