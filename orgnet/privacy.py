"""Privacy transforms on events and findings: keyed pseudonyms, opt-out, small-group suppression, aggregates.

Everything here runs either right after reading (:func:`exclude_people`) or right before
writing (:func:`pseudonymize_findings`, :func:`suppress_small_groups`, :func:`aggregate_only`),
so metrics never see a pseudonym and the reporter never sees an identity it should not show.
The rules (what is kept, the suppression rule, key handling) are documented in
``docs/privacy.md``.

Examples
--------
>>> p = Pseudonymizer(b"0123456789abcdef-example-key")
>>> p.pseudonym("ana@example.org") == p.pseudonym("ana@example.org")
True
>>> p.pseudonym("ana@example.org").startswith("p_"), len(p.pseudonym("ana@example.org"))
(True, 14)
>>> reidentify([p.pseudonym("ben")], ["ana", "ben", "cy"], b"0123456789abcdef-example-key")
{'p_...': 'ben'}
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import math
import os
import re
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgnet.analysis import Findings
from orgnet.connectors.base import InputError
from orgnet.graph import OrgGraph

__all__ = [
    "DEFAULT_KEEP_ATTRIBUTES",
    "MIN_KEY_BYTES",
    "Exclusion",
    "Pseudonymizer",
    "aggregate_only",
    "apply_privacy",
    "exclude_people",
    "key_fingerprint",
    "load_key",
    "pseudonymize_events",
    "pseudonymize_findings",
    "read_candidates",
    "read_exclusion_list",
    "reidentify",
    "suppress_small_groups",
]

#: Shortest key accepted, in bytes (128 bits).
MIN_KEY_BYTES = 16

#: Person attributes kept by default when pseudonymising (others are dropped).
DEFAULT_KEEP_ATTRIBUTES: tuple[str, ...] = ("department",)

#: Hex digits of HMAC in a pseudonym; lengthened by 4 until the people of one run never collide.
PSEUDONYM_HEX = 12

#: People columns that identify a person: ``person``, ``name`` and ``manager`` become pseudonyms,
#: the others are dropped when pseudonymising (and their values are scrubbed from all text).
_ID_COLUMNS = ("person", "manager")
_IDENTITY_COLUMN = re.compile(
    r"(^|_)(person|name|names|email|emails|mail|e_mail|handle|user|username|login|upn|address|"
    r"display_name|real_name|actor|target|member|members|manager|sender|recipient|author|id|"
    r"bridges|brokers|ambassadors|connectors|spanners|people)($|_)",
    re.IGNORECASE,
)

#: Columns analysis adds to the people table: never dropped as "attributes".
_ANALYSIS_COLUMNS = frozenset({"community", "active", "in_directory", "roles", "role", "pyramid_level",
                               "level", "flags", "reason", "reasons", "external"})

#: Group partitions: a kind in ``groups`` and the people column holding its labels.
_PSEUDONYM_RE = re.compile(r"\bp_[0-9a-f]{12,64}\b")

_KEY_CHECK = b"orgnet key fingerprint v1"


# --------------------------------------------------------------------------------------- keys
def load_key(key_file: str | os.PathLike[str] | None = None, env: str = "ORGNET_KEY") -> bytes:
    """Read the pseudonymisation key from a file, else from an environment variable.

    There is no built-in default: a key the user does not hold cannot protect anyone.

    Parameters
    ----------
    key_file : path, optional
        A file holding the key (its bytes, a trailing newline ignored).
    env : str
        Environment variable read when ``key_file`` is not given.

    Returns
    -------
    bytes
        The key.

    Raises
    ------
    InputError
        No key given, the file is unreadable, or the key is shorter than :data:`MIN_KEY_BYTES`.

    Examples
    --------
    >>> load_key(env="ORGNET_TEST_NO_SUCH_VARIABLE")
    Traceback (most recent call last):
    ...
    orgnet.connectors.base.InputError: key: no key given; ...
    """
    if key_file is not None:
        path = Path(key_file)
        try:
            key = path.read_bytes()
        except OSError as exc:
            raise InputError(path, f"cannot read the key file ({exc.strerror or exc})") from None
        where: str | Path = path
    else:
        value = os.environ.get(env)
        if not value:
            raise InputError(
                "key",
                f"no key given; pass --key-file FILE or set {env} (make one with: "
                "python -c \"import secrets; print(secrets.token_hex(32))\" > orgnet.key)",
            )
        key, where = value.encode("utf-8"), f"${env}"
    key = key.rstrip(b"\r\n")
    if len(key) < MIN_KEY_BYTES:
        raise InputError(where, f"the key is {len(key)} bytes; at least {MIN_KEY_BYTES} are needed "
                                "(e.g. 64 hex digits from secrets.token_hex(32))")
    return key


def key_fingerprint(key: bytes) -> str:
    """A short public check value of a key: two reports with the same fingerprint used the same key.

    Examples
    --------
    >>> key_fingerprint(b"0123456789abcdef") == key_fingerprint(b"0123456789abcdef")
    True
    """
    return hmac.new(key, _KEY_CHECK, hashlib.sha256).hexdigest()[:8]


# --------------------------------------------------------------------------------------- pseudonyms
class Pseudonymizer:
    """Keyed, stable pseudonyms: ``p_`` + the first hex digits of HMAC-SHA256(key, value).

    The same key and value give the same pseudonym in every run, so periods compare person by
    person; without the key a pseudonym cannot be linked to anyone, and even with it only by
    recomputing the pseudonyms of known candidates (:func:`reidentify`).

    Parameters
    ----------
    key : bytes
        At least :data:`MIN_KEY_BYTES` bytes.
    hex_digits : int
        Hex digits to start with (12 = 48 bits); :meth:`pseudonyms` lengthens them when two
        different values of one call would collide.

    Examples
    --------
    >>> p = Pseudonymizer(b"0123456789abcdef")
    >>> out = p.pseudonyms(["ana", "ben", "ana"])
    >>> out[0] == out[2] != out[1]
    True
    """

    def __init__(self, key: bytes, *, hex_digits: int = PSEUDONYM_HEX) -> None:
        if not isinstance(key, (bytes, bytearray)) or len(key) < MIN_KEY_BYTES:
            raise ValueError(f"a pseudonymisation key must be at least {MIN_KEY_BYTES} bytes")
        self._key = bytes(key)
        self.hex_digits = int(hex_digits)
        self.fingerprint = key_fingerprint(self._key)

    def digest(self, value: str) -> str:
        """Full hex HMAC-SHA256 of a value (UTF-8)."""
        return hmac.new(self._key, str(value).encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()

    def pseudonym(self, value: str, prefix: str = "p_") -> str:
        """The pseudonym of one value at the current length."""
        return prefix + self.digest(value)[: self.hex_digits]

    def mapping(self, values: Iterable[Any], prefix: str = "p_") -> dict[str, str]:
        """Pseudonyms of distinct values (one HMAC per distinct value), collision-free.

        When two different values share a pseudonym at the current length, every pseudonym is
        lengthened by 4 hex digits (and :attr:`hex_digits` keeps the new length for later calls).
        """
        distinct = sorted({str(v) for v in values if v is not None and not _is_missing(v)})
        digests = [self.digest(v) for v in distinct]
        while True:
            short = [d[: self.hex_digits] for d in digests]
            if len(set(short)) == len(short) or self.hex_digits >= 64:
                break
            self.hex_digits += 4
        return {v: prefix + s for v, s in zip(distinct, short, strict=True)}

    def pseudonyms(self, values: Any, prefix: str = "p_") -> np.ndarray:
        """Pseudonyms of an array of values (missing values stay missing), vectorised over the array."""
        arr = pa.array(np.asarray(values, dtype=object), pa.string(), from_pandas=True)
        return _map_array(arr, self.mapping(pc.unique(pc.drop_null(arr)).to_pylist(), prefix)) \
            .to_numpy(zero_copy_only=False)


def _is_missing(v: Any) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def _map_array(arr: pa.Array | pa.ChunkedArray, mapping: Mapping[str, str]) -> pa.Array:
    """Replace the values of a string array found in ``mapping`` (others kept), vectorised."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = arr.cast(pa.string())
    if not mapping:
        return arr
    keys = pa.array(list(mapping.keys()), pa.string())
    vals = pa.array(list(mapping.values()), pa.string())
    idx = pc.index_in(arr, value_set=keys)
    mapped = vals.take(idx)
    return pc.if_else(pc.is_valid(idx), mapped, arr)


def reidentify(
    pseudonyms: Iterable[str],
    candidate_ids: Iterable[str],
    key: bytes,
) -> dict[str, str | None]:
    """Map pseudonyms back to the candidates they were made from, using the key.

    A pseudonym is a one-way keyed hash: it cannot be reversed, only matched. This recomputes
    the HMAC of every candidate (person ids, e-mails or names from a directory or the original
    export) and returns, for each pseudonym, the candidate whose HMAC starts with it (``None``
    when no candidate matches). Without both the key and a list holding the person, nobody can
    be re-identified.

    Parameters
    ----------
    pseudonyms : iterable of str
        Pseudonyms as written in a report (``p_`` + hex digits, any length).
    candidate_ids : iterable of str
        Who they may be.
    key : bytes
        The key the report was made with.

    Returns
    -------
    dict
        Pseudonym -> candidate (or None), in the order given.

    Examples
    --------
    >>> key = b"0123456789abcdef"
    >>> ps = Pseudonymizer(key).pseudonym("cy")
    >>> reidentify([ps, "p_000000000000"], ["ana", "cy"], key) == {ps: "cy", "p_000000000000": None}
    True
    """
    p = Pseudonymizer(key)
    wanted = [str(s).strip() for s in pseudonyms]
    by_prefix: dict[int, dict[str, str]] = {}
    digests = {c: p.digest(c) for c in {str(c) for c in candidate_ids if not _is_missing(c)}}
    out: dict[str, str | None] = {}
    for s in wanted:
        body = s[2:] if s.startswith("p_") else s
        n = len(body)
        if n not in by_prefix:
            table: dict[str, str] = {}
            for c in sorted(digests):
                table.setdefault(digests[c][:n], c)
            by_prefix[n] = table
        out[s] = by_prefix[n].get(body.lower()) if n else None
    return out


def read_candidates(path: str | os.PathLike[str], **reader_options: Any) -> list[str]:
    """Who pseudonyms may stand for: ids, e-mails and names from a directory, a list or an export.

    Parameters
    ----------
    path : path
        An HR directory CSV (person id, e-mail and name columns), a text file with one id per
        line, or an export any reader can read (its people and the actors and targets of its
        events).
    **reader_options
        Passed to the reader for an export.

    Returns
    -------
    list of str
        Distinct candidates, sorted.

    Raises
    ------
    InputError
        The path cannot be read as any of these.
    """
    from orgnet import connectors
    from orgnet.directory import read_directory

    path = Path(path)
    values: set[str] = set()
    if path.is_file() and path.suffix.lower() in (".txt", ".lst", ".list", ""):
        values = set(read_exclusion_list(path))
    elif path.is_file() and path.suffix.lower() == ".csv":
        try:
            frame = read_directory(path)
        except InputError:
            frame = None
        if frame is not None:
            for col in ("person", "email", "name"):
                if col in frame.columns:
                    values.update(str(v) for v in frame[col].dropna() if str(v).strip())
        else:
            values = set(read_exclusion_list(path))
    else:
        res = connectors.read(path, **reader_options)
        for col in ("person", "email", "name"):
            if col in res.people.columns:
                values.update(str(v) for v in res.people[col].dropna() if str(v).strip())
        for col in ("actor", "target"):
            values.update(pc.drop_null(pc.unique(res.events.column(col).cast(pa.string()))).to_pylist())
    return sorted(values)


# --------------------------------------------------------------------------------------- scrubbing
#: What counts as one token when looking for identities inside text.
_TOKEN = re.compile(r"[^\s,;:()\[\]{}<>\"'|/]+")
_LETTER = re.compile(r"[^\W\d_]")


def _has_letter(s: str) -> bool:
    return bool(_LETTER.search(s))


class _Scrubber:
    """Replaces identities wherever they appear: whole cells, list elements, and spans inside text.

    Inside text, runs of up to a few tokens are looked up in the identity table (so "Ana Silva",
    "ana@example.org" and "U024BE7LH" are all found) without one huge regular expression. Ids made
    of digits only ("17") are replaced only where a person is expected (identity columns and
    keys, lists of people), never inside prose such as "replies from 17 people".
    """

    def __init__(self, exact: Mapping[str, str]) -> None:
        self.exact = dict(exact)
        self.lower = {k.lower(): v for k, v in self.exact.items() if "@" in k}
        widths = [len(_TOKEN.findall(k)) for k in self.exact]
        self.max_words = max(1, min(8, max(widths, default=1)))
        self._cache: dict[tuple[str, bool], str] = {}

    def _lookup(self, s: str, identity: bool, whole: bool) -> str | None:
        hit = self.exact.get(s)
        if hit is None and "@" in s:
            hit = self.lower.get(s.lower())
        if hit is None:
            return None
        if not identity and not _has_letter(s):
            return None
        if not whole and not identity and len(s) < 3:
            return None
        return hit

    def text(self, value: str, identity: bool = False) -> str:
        key = (value, identity)
        got = self._cache.get(key)
        if got is None:
            got = self._lookup(value, identity, True) or self._spans(value, identity)
            if len(self._cache) < 2_000_000:
                self._cache[key] = got
        return got

    def _spans(self, value: str, identity: bool) -> str:
        toks = [(m.start(), m.end()) for m in _TOKEN.finditer(value)]
        if not toks:
            return value
        parts: list[str] = []
        pos, i = 0, 0
        while i < len(toks):
            found: tuple[int, int, str, int] | None = None
            for j in range(min(len(toks), i + self.max_words) - 1, i - 1, -1):
                start = toks[i][0]
                cand = value[start:toks[j][1]]
                for c in (cand, cand.rstrip(".!?")):
                    rep = self._lookup(c, identity, False) if c else None
                    if rep is not None:
                        found = (start, start + len(c), rep, j)
                        break
                if found:
                    break
            if found:
                parts.append(value[pos:found[0]])
                parts.append(found[2])
                pos, i = found[1], found[3] + 1
            else:
                i += 1
        parts.append(value[pos:])
        return "".join(parts)

    def value(self, v: Any, identity: bool = False) -> Any:
        if isinstance(v, str):
            return self.text(v, identity)
        if isinstance(v, dict):
            return {self.value(k, identity): self.value(x, identity or _is_identity_name(k)) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            items = [self.value(x, identity) for x in v]
            return items if isinstance(v, list) else tuple(items)
        if isinstance(v, np.ndarray) and v.dtype == object:
            return np.array([self.value(x, identity) for x in v], dtype=object)
        if isinstance(v, pd.DataFrame):
            return self.frame(v)
        if isinstance(v, pd.Series):
            return self.series(v, identity)
        return v

    def series(self, s: pd.Series, identity: bool = False) -> pd.Series:
        if not _is_texty(s):
            return s
        values = s.to_numpy(dtype=object)
        out = np.empty(len(values), dtype=object)
        seen: dict[str, Any] = {}
        for i, v in enumerate(values):  # strings: once per distinct value
            if isinstance(v, str):
                got = seen.get(v)
                if got is None:
                    got = seen[v] = self.text(v, identity)
                out[i] = got
            else:
                out[i] = v if _is_missing(v) else self.value(v, identity)
        result = pd.Series(out, index=s.index, name=s.name)
        return result.astype(s.dtype) if s.dtype != object else result

    def frame(self, f: pd.DataFrame) -> pd.DataFrame:
        out = f.copy()
        for col in out.columns:
            out[col] = self.series(out[col], _is_identity_name(col))
        out.columns = [self.text(c) if isinstance(c, str) else c for c in out.columns]
        if out.index.dtype == object:
            out.index = pd.Index([self.value(i) for i in out.index], name=out.index.name)
        return out


def _is_identity_name(name: Any) -> bool:
    return isinstance(name, str) and bool(_IDENTITY_COLUMN.search(name))


def _identity_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if _is_identity_name(c)]


def _is_texty(s: pd.Series) -> bool:
    return s.dtype == object or pd.api.types.is_string_dtype(s)


def _people_exact_map(people: pd.DataFrame, persons: Mapping[str, str], p: Pseudonymizer) -> dict[str, str]:
    """Every identity value in a people table -> the pseudonym of its person."""
    exact: dict[str, str] = dict(persons)
    pseudo = [persons.get(str(i)) for i in people["person"].astype("string").to_numpy(dtype=object)]
    for col in _identity_columns(people):
        if col == "person" or not _is_texty(people[col]):
            continue
        vals = people[col].astype("string").to_numpy(dtype=object)
        if col in _ID_COLUMNS:  # manager: a person id (or e-mail), its own pseudonym
            exact.update(p.mapping(v for v in vals if not _is_missing(v) and str(v) not in exact))
            continue
        for v, ps in zip(vals, pseudo, strict=True):
            if _is_missing(v) or ps is None or not str(v).strip():
                continue
            exact.setdefault(str(v), ps)
            exact.setdefault(str(v).strip(), ps)
            if "@" in str(v):
                exact.setdefault(str(v).strip().lower(), ps)
    return exact


@dataclass(frozen=True)
class _Plan:
    keep: frozenset[str]
    drop: frozenset[str]


#: Directory columns readers of findings may index directly: emptied rather than removed.
_KEEP_SHAPE = frozenset({"email", "department", "title", "manager", "site", "hire_date"})


def _empty_like(s: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(s):
        return pd.Series(pd.NaT, index=s.index, dtype=s.dtype)
    return pd.Series(pd.NA, index=s.index, dtype="string")


def _people_table(people: pd.DataFrame, graph_columns: set[str], scrub: _Scrubber, plan: _Plan,
                  persons: Mapping[str, str], p: Pseudonymizer) -> pd.DataFrame:
    """Pseudonymise one people table: ids and names -> pseudonyms, identities dropped, attributes filtered."""
    out = people.copy()
    ids = pa.array(out["person"].astype("string").to_numpy(dtype=object), pa.string(), from_pandas=True)
    out["person"] = pd.array(_map_array(ids, persons).to_numpy(zero_copy_only=False), dtype="string")
    if "name" in out.columns:
        out["name"] = out["person"]
    for col in list(out.columns):
        if col in ("person", "name"):
            continue
        s = out[col]
        if col not in graph_columns or col in _ANALYSIS_COLUMNS:  # computed by the analysis
            if col in plan.drop:
                out = out.drop(columns=col)
            else:
                out[col] = scrub.series(s, _is_identity_name(col))
        elif col in _ID_COLUMNS and col not in plan.drop:
            out[col] = pd.array([pd.NA if _is_missing(v) or not str(v).strip()
                                 else scrub.exact.get(str(v)) or p.pseudonym(str(v))
                                 for v in s.astype("string").to_numpy(dtype=object)], dtype="string")
        elif col in plan.keep and not _is_identity_name(col):
            out[col] = scrub.series(s)
        elif col not in plan.drop and not _is_identity_name(col) and (
                pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s)):
            continue
        elif col in _KEEP_SHAPE:
            out[col] = _empty_like(s)
        else:
            out = out.drop(columns=col)
    return out


def pseudonymize_events(
    events: pa.Table,
    pseudonymizer: Pseudonymizer,
    scrub: Callable[[str], str] | None = None,
    persons: Mapping[str, str] | None = None,
) -> pa.Table:
    """Replace actor and target ids by pseudonyms, item and thread ids by keyed hashes.

    Channels (lists, channels, communities) are kept, except that identities inside their names
    (a direct-message channel named after people) are replaced by ``scrub``.

    Parameters
    ----------
    events : pyarrow.Table
        Events (Event schema).
    pseudonymizer : Pseudonymizer
        Holds the key.
    scrub : callable, optional
        Text -> text with identities replaced, applied to channel names.
    persons : mapping, optional
        Id -> pseudonym already made (computed from the events when not given).

    Returns
    -------
    pyarrow.Table
        Same schema, same rows.
    """
    both = pa.chunked_array([events.column("actor").cast(pa.string()),
                             events.column("target").cast(pa.string())]).combine_chunks()
    ids = pc.drop_null(pc.unique(both)).to_pylist()
    if persons is None:
        persons = pseudonymizer.mapping(ids)
    elif any(i not in persons for i in ids):
        persons = {**persons, **{i: pseudonymizer.pseudonym(i) for i in ids if i not in persons}}
    columns = []
    for name in events.column_names:
        col = events.column(name)
        if name in ("actor", "target"):
            col = _map_array(col, persons)
        elif name in ("item", "thread"):
            tag = "i_" if name == "item" else "t_"
            uniq = pc.drop_null(pc.unique(col.cast(pa.string()))).to_pylist()
            col = _map_array(col, {u: tag + pseudonymizer.digest(tag + u)[:16] for u in uniq})
        elif name == "channel" and scrub is not None:
            uniq = pc.drop_null(pc.unique(col.cast(pa.string()))).to_pylist()
            col = _map_array(col, {u: scrub(u) for u in uniq})
        columns.append(col.cast(events.schema.field(name).type))
    return pa.Table.from_arrays(columns, schema=events.schema)


def pseudonymize_findings(
    findings: Findings,
    pseudonymizer: Pseudonymizer,
    *,
    keep_attributes: Sequence[str] = DEFAULT_KEEP_ATTRIBUTES,
    drop: Sequence[str] = (),
) -> Findings:
    """New findings with every person id, name and e-mail replaced by a keyed pseudonym.

    Ids, names (the name becomes the pseudonym), e-mails, handles and managers are replaced in
    the people table, the graph's people table and events, the groups table (``bridges`` lists),
    every further table and section, and inside text (reasons, channel names of direct
    messages). Person attributes are dropped unless named in ``keep_attributes``; metrics,
    communities and flags are kept. Groups of a dropped attribute (e.g. departments when
    ``department`` is dropped) leave the groups table.

    Parameters
    ----------
    findings : Findings
        From :func:`orgnet.analysis.analyze`.
    pseudonymizer : Pseudonymizer
        Holds the key.
    keep_attributes : sequence of str
        People columns kept as they are (default: ``department``).
    drop : sequence of str
        Columns dropped even if kept otherwise.

    Returns
    -------
    Findings
        A new object; the input is left as it was.
    """
    keep = frozenset(keep_attributes) - frozenset(drop)
    plan = _Plan(keep, frozenset(drop))
    g = findings.graph
    gp = g.people
    ev_people = pc.unique(pa.chunked_array([g.events.column("actor").cast(pa.string()),
                                            g.events.column("target").cast(pa.string())]).combine_chunks())
    all_ids = set(gp["person"].astype(str)) | set(findings.people["person"].astype(str)) \
        | set(pc.drop_null(ev_people).to_pylist())
    persons = pseudonymizer.mapping(all_ids)
    exact = _people_exact_map(gp, persons, pseudonymizer)
    exact.update({k: v for k, v in _people_exact_map(findings.people, persons, pseudonymizer).items()
                  if k not in exact})
    dropped_groups: dict[str, set[str]] = {}
    kinds = set(findings.groups["kind"].astype(str)) if "kind" in findings.groups.columns else set()
    for col in sorted(kinds - {"community"}):
        if col in gp.columns and col not in keep and _is_texty(gp[col]):
            labels = {str(v) for v in gp[col].dropna().unique() if str(v).strip()}
            dropped_groups[col] = labels
    # Labels of dropped attributes are scrubbed from text as keyed group pseudonyms.
    for labels in dropped_groups.values():
        for label, ps in pseudonymizer.mapping(labels, prefix="g_").items():
            exact.setdefault(label, ps)
    scrub = _Scrubber(exact)

    graph_columns = set(gp.columns) - {"community"}
    new_gp = _people_table(gp, graph_columns, scrub, plan, persons, pseudonymizer)
    people = _people_table(findings.people, graph_columns, scrub, plan, persons, pseudonymizer)

    groups = findings.groups.copy()
    if "kind" in groups.columns and dropped_groups:
        groups = groups[~groups["kind"].astype(str).isin(list(dropped_groups))].reset_index(drop=True)
    groups = scrub.frame(groups)

    tables = {name: _pseudonymize_table(t, scrub, plan, persons) for name, t in findings.tables.items()}
    sections = {k: scrub.value(_drop_kinds(v, dropped_groups)) for k, v in findings.sections.items()}
    summary = copy.deepcopy(findings.summary)
    for src in summary.get("sources", []) or []:
        if isinstance(src, dict) and src.get("path"):
            src["path"] = Path(str(src["path"])).name
    summary = scrub.value(summary)

    events = pseudonymize_events(g.events, pseudonymizer, scrub.text, persons)
    graph = _with(g, people=new_gp, events=events)
    return Findings(graph=graph, people=people, groups=groups, summary=summary, tables=tables, sections=sections)


def _drop_kinds(value: Any, dropped: Mapping[str, set[str]]) -> Any:
    """Drop group-level sections of a dropped attribute (``{"kind": "department", ...}``)."""
    if isinstance(value, dict) and str(value.get("kind")) in dropped:
        return {"kind": value.get("kind"), "note": "attribute dropped for privacy"}
    return value


def _pseudonymize_table(t: pd.DataFrame, scrub: _Scrubber, plan: _Plan, persons: Mapping[str, str]) -> pd.DataFrame:
    out = scrub.frame(t)
    if "person" in t.columns:
        ps = t["person"].astype("string").map(lambda v: persons.get(str(v), scrub.text(str(v)))
                                                if not _is_missing(v) else v)
        out["person"] = ps
        if "name" in out.columns:
            out["name"] = ps
    for col in list(out.columns):
        if not isinstance(col, str) or col in ("person", "name"):
            continue
        if col in plan.drop or (col in ("email", "emails", "mail", "handle", "username", "login", "upn")):
            out = out.drop(columns=col)
        elif col in ("title", "site", "hire_date", "team", "division") and col not in plan.keep:
            out = out.drop(columns=col)
        elif col == "department" and col not in plan.keep:
            out = out.drop(columns=col)
    return out


def _with(g: OrgGraph, **changes: Any) -> OrgGraph:
    # The cached igraph views hold no names: carry them over rather than rebuilding.
    cache = {k: v for k, v in g._cache.items() if k.startswith("igraph") or k == "undirected"}
    return replace(g, _cache=cache, **changes)


# --------------------------------------------------------------------------------------- opt-out
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
        import io

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
    wanted = {str(x).strip() for x in excluded_ids if str(x).strip()}
    lower = {w.lower() for w in wanted}
    ids: set[str] = set(wanted)
    for table in (people, directory):
        if table is None or not len(table):
            continue
        pid = table["person"].astype("string")
        hit = pid.isin(list(wanted)) | pid.str.lower().isin(list(lower)).fillna(False)
        if "email" in table.columns:
            hit |= table["email"].astype("string").str.strip().str.lower().isin(list(lower)).fillna(False)
        ids.update(pid[hit.fillna(False)].astype(str))
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


# --------------------------------------------------------------------------------------- suppression
def _partition_sizes(findings: Findings) -> dict[str, pd.Series]:
    """Group sizes per kind (department, community, ...): from ``groups.size`` or counted from people."""
    g = findings.groups
    out: dict[str, pd.Series] = {}
    if not len(g) or "group" not in g.columns:
        return out
    kinds = g["kind"].astype(str) if "kind" in g.columns else pd.Series("group", index=g.index)
    for kind in sorted(kinds.unique()):
        rows = g[kinds == kind]
        if "size" in rows.columns:
            sizes = pd.Series(rows["size"].to_numpy(), index=rows["group"].astype(str).to_numpy())
        elif kind in findings.graph.people.columns:
            sizes = findings.graph.people[kind].astype("string").value_counts()
            sizes = sizes.reindex(rows["group"].astype(str).to_numpy()).fillna(0)
        else:
            continue
        out[kind] = sizes.astype(np.int64)
    return out


def suppressed_groups(sizes: pd.Series, min_group_size: int) -> list[str]:
    """Which groups of one partition to hide: those below the threshold, plus complementary suppression.

    When exactly one group of a partition would be hidden, the next smallest is hidden too, so
    the hidden group's figures cannot be recovered by subtracting the others from the totals.

    Examples
    --------
    >>> import pandas as pd
    >>> suppressed_groups(pd.Series({"Legal": 3, "Sales": 40, "HR": 6, "IT": 12}), 5)
    ['HR', 'Legal']
    >>> suppressed_groups(pd.Series({"A": 1, "B": 2, "C": 50}), 5)
    ['A', 'B']
    """
    if min_group_size <= 1 or not len(sizes):
        return []
    order = sorted(sizes.items(), key=lambda kv: (int(kv[1]), str(kv[0])))
    hidden = [str(k) for k, v in order if int(v) < min_group_size]
    if len(hidden) == 1 and len(order) > 1:
        hidden.append(str(order[1][0]))
    return sorted(hidden)


def suppress_small_groups(findings: Findings, min_group_size: int = 5) -> Findings:
    """New findings where groups smaller than ``min_group_size`` are suppressed everywhere.

    Suppressed groups leave ``groups``, the group matrix and heatmap, the pyramid per group and
    every group-level table; their members keep their own rows but lose the group label (so the
    group map and any figure counted from the people table cannot show the group either).
    Complementary suppression is applied per partition (see :func:`suppressed_groups`).
    ``summary["privacy"]["groups_suppressed"]`` records how many groups of each kind were hidden
    (counts only, never which).

    Parameters
    ----------
    findings : Findings
        Findings (pseudonymised or not).
    min_group_size : int
        Smallest group shown; 0 or 1 turns suppression off.

    Returns
    -------
    Findings
    """
    sizes = _partition_sizes(findings)
    hidden = {kind: set(suppressed_groups(s, min_group_size)) for kind, s in sizes.items()}
    hidden = {k: v for k, v in hidden.items() if v}
    summary = copy.deepcopy(findings.summary)
    privacy = summary.setdefault("privacy", {})
    privacy["min_group_size"] = int(min_group_size)
    privacy["groups_suppressed"] = {k: len(v) for k, v in sorted(hidden.items())}
    privacy["suppression_rule"] = (
        f"groups with fewer than {min_group_size} people are not shown; when only one group of a kind "
        "would be hidden, the next smallest is hidden too (complementary suppression)")
    if not hidden:
        return replace(findings, summary=summary)
    every = set().union(*hidden.values())

    groups = findings.groups
    kinds = groups["kind"].astype(str) if "kind" in groups.columns else pd.Series("group", index=groups.index)
    hide_row = np.zeros(len(groups), dtype=bool)
    for kind, labels in hidden.items():
        hide_row |= ((kinds == kind) & groups["group"].astype(str).isin(labels)).to_numpy()
    groups = groups[~hide_row].reset_index(drop=True)

    def mask_people(p: pd.DataFrame) -> pd.DataFrame:
        out = p.copy()
        for kind, labels in hidden.items():
            if kind in out.columns:
                col = out[kind]
                out[kind] = col.mask(col.astype("string").isin(labels).fillna(False).to_numpy())
        return out

    people = mask_people(findings.people)
    graph = _with(findings.graph, people=mask_people(findings.graph.people))
    tables = {name: _suppress_table(t, hidden, every) for name, t in findings.tables.items()}
    sections = {k: _suppress_value(v, hidden, every) for k, v in findings.sections.items()}
    return Findings(graph=graph, people=people, groups=groups, summary=summary, tables=tables, sections=sections)


def _suppress_table(t: pd.DataFrame, hidden: Mapping[str, set[str]], every: set[str]) -> pd.DataFrame:
    out = t
    person_level = "person" in t.columns
    if "group" in t.columns:
        if "kind" in t.columns:
            drop = np.zeros(len(t), dtype=bool)
            for kind, labels in hidden.items():
                drop |= ((t["kind"].astype(str) == kind) & t["group"].astype(str).isin(labels)).to_numpy()
        else:
            drop = t["group"].astype(str).isin(every).to_numpy()
        out = out[~drop]
    for kind, labels in hidden.items():
        if kind in out.columns:
            hit = out[kind].astype("string").isin(labels).fillna(False).to_numpy()
            out = out.copy()
            if person_level:
                out[kind] = out[kind].mask(hit)
            else:
                out = out[~hit]
    if out.index.dtype == object:
        out = out[~out.index.astype(str).isin(every)]
    wide = [c for c in out.columns if isinstance(c, str) and c in every]
    if wide:
        out = out.drop(columns=wide)
    return out.reset_index(drop=True) if out.index.dtype != object else out


def _suppress_value(v: Any, hidden: Mapping[str, set[str]], every: set[str]) -> Any:
    if isinstance(v, pd.DataFrame):
        return _suppress_table(v, hidden, every)
    if isinstance(v, dict):
        labels = v.get("labels")
        matrix = v.get("matrix")
        if isinstance(labels, (list, tuple, np.ndarray)) and matrix is not None:
            kind = str(v.get("kind", ""))
            bad = hidden.get(kind, every)
            keep = [i for i, lab in enumerate(labels) if str(lab) not in bad]
            m = np.asarray(matrix)
            out = dict(v)
            out["labels"] = [labels[i] for i in keep]
            out["matrix"] = m[np.ix_(keep, keep)].tolist() if m.ndim == 2 else m
            for extra in ("sizes", "size"):
                if isinstance(v.get(extra), (list, tuple, np.ndarray)) and len(v[extra]) == len(labels):
                    out[extra] = [v[extra][i] for i in keep]
            return out
        return {k: _suppress_value(x, hidden, every) for k, x in v.items() if not (isinstance(k, str) and k in every)}
    if isinstance(v, list):
        return [_suppress_value(x, hidden, every) for x in v
                if not (isinstance(x, dict) and str(x.get("group")) in hidden.get(str(x.get("kind")), every))]
    return v


# --------------------------------------------------------------------------------------- aggregates
_PERSON_KEYS = frozenset({"person", "name", "email", "actor", "target", "members", "member", "people_ids"})


def aggregate_only(findings: Findings, *, pseudonymizer: Pseudonymizer | None = None) -> Findings:
    """New findings with no individual at all: only group-level results and counts.

    The graph becomes the group graph: one node per shown group of the main partition
    (departments when known, else communities), with the group-to-group tie weights, so every map
    and graph export shows groups. The people table becomes that node table (one row per group:
    ``person`` and ``name`` are the group's label, ``size`` its members, ``in_strength`` and
    ``out_strength`` its tie weight from and to other groups). Every table with a person column
    (ambassadors, connectors, ...) is dropped and its row count kept in
    ``summary["privacy"]["aggregated"]``; lists of people (``bridges``) become counts; sections
    holding person records are dropped. Names left in text are replaced by "(person)".

    Parameters
    ----------
    findings : Findings
        Findings (suppressed groups already hidden, normally).
    pseudonymizer : Pseudonymizer, optional
        Used to find people in text when the findings are not pseudonymised yet (a throw-away
        random key otherwise).

    Returns
    -------
    Findings
    """
    if not findings.people["person"].astype(str).str.fullmatch(r"p_[0-9a-f]+").all():
        ps = pseudonymizer or Pseudonymizer(secrets.token_bytes(32))
        keep = [c for c in ("department",) if c in findings.people.columns]
        findings = pseudonymize_findings(findings, ps, keep_attributes=keep)
    summary = copy.deepcopy(findings.summary)
    counts: dict[str, int] = {"people": int(len(findings.people))}
    tables: dict[str, pd.DataFrame] = {}
    for name, t in findings.tables.items():
        cleaned = _unperson(t)
        if cleaned is _DROP:
            counts[name] = int(len(t))
        else:
            tables[name] = cleaned
    sections: dict[str, Any] = {}
    for k, v in findings.sections.items():
        cleaned = _unperson(v)
        if cleaned is _DROP:
            counts[k] = len(v) if hasattr(v, "__len__") else 1
        else:
            sections[k] = cleaned
    groups = findings.groups.copy()
    for col in groups.columns:
        if col == "bridges" or (isinstance(col, str) and col in _PERSON_KEYS):
            groups[col] = pd.array([_count_people(v) for v in groups[col]], dtype="Int64")
    groups = _unperson(groups)
    graph, column = _group_graph(findings.graph)
    privacy = summary.setdefault("privacy", {})
    privacy["aggregate_only"] = True
    privacy["aggregated"] = counts
    privacy["map"] = f"groups ({column}) as nodes; no individual is shown"
    summary = _unperson(summary)
    return Findings(graph=graph, people=graph.people.copy(), groups=groups, summary=summary,
                    tables=tables, sections=sections)


def _group_graph(g: OrgGraph) -> tuple[OrgGraph, str]:
    """The group graph: nodes are the labelled groups of the main partition, ties summed between them."""
    import scipy.sparse as sp

    from orgnet.events import empty_events
    from orgnet.metrics.groups import group_matrix

    p = g.people
    column = "department" if "department" in p.columns and p["department"].notna().any() else "community"
    codes, labels = g.group_codes(column)
    m = group_matrix(g.adjacency, codes, len(labels)) if len(labels) else np.zeros((0, 0))
    internal = np.diag(m).copy()
    np.fill_diagonal(m, 0)
    adjacency = sp.csr_array(m)
    adjacency.eliminate_zeros()
    label = pd.array([str(x) for x in labels], dtype="string")
    table = pd.DataFrame({"person": label, "name": label})
    for col in ("email", "department", "title", "manager", "site"):
        table[col] = label if col == column else pd.array([pd.NA] * len(label), dtype="string")
    table["hire_date"] = pd.Series(pd.NaT, index=table.index, dtype="datetime64[ns, UTC]")
    table["community"] = label if column == "community" else pd.array([pd.NA] * len(label), dtype="string")
    table["size"] = np.bincount(codes[codes >= 0], minlength=len(labels)).astype(np.int64)
    table["internal_weight"] = internal
    table["in_strength"] = np.asarray(adjacency.sum(axis=0)).ravel()
    table["out_strength"] = np.asarray(adjacency.sum(axis=1)).ravel()
    table["in_directory"] = False
    table["active"] = True
    none = np.empty(0, dtype=np.int64)
    return OrgGraph(table, adjacency, empty_events(), none, none, g.since, g.until), column


_DROP = object()


def _count_people(v: Any) -> int:
    if _is_missing(v):
        return 0
    if isinstance(v, str):
        return len([x for x in re.split(r"[;,]", v) if x.strip()])
    if isinstance(v, (list, tuple, np.ndarray)):
        return len(v)
    return 1


def _unperson(v: Any) -> Any:
    """Drop person records from a value; any pseudonym left in text becomes "(person)"."""
    if isinstance(v, str):
        return _PSEUDONYM_RE.sub("(person)", v)
    if isinstance(v, pd.DataFrame):
        if any(isinstance(c, str) and c in _PERSON_KEYS for c in v.columns):
            return _DROP
        out = v.copy()
        for col in out.columns:
            if _is_texty(out[col]):
                out[col] = out[col].map(lambda x: _unperson(x) if isinstance(x, str) else x)
        return out
    if isinstance(v, dict):
        if any(isinstance(k, str) and k in _PERSON_KEYS for k in v):
            return _DROP
        out = {}
        for k, x in v.items():
            if isinstance(k, str) and _PSEUDONYM_RE.search(k):
                return _DROP
            y = _unperson(x)
            if y is not _DROP:
                out[k] = y
        return out
    if isinstance(v, (list, tuple)):
        items = [_unperson(x) for x in v]
        if any(x is _DROP for x in items):
            return _DROP
        return items
    return v


# --------------------------------------------------------------------------------------- the pipeline step
def apply_privacy(
    findings: Findings,
    *,
    pseudonymize: bool = False,
    key: bytes | None = None,
    keep_attributes: Sequence[str] = DEFAULT_KEEP_ATTRIBUTES,
    drop_attributes: Sequence[str] = (),
    min_group_size: int = 5,
    aggregate: bool = False,
    people_excluded: int | None = None,
) -> Findings:
    """The privacy transforms run right before writing, in order, and ``summary["privacy"]`` saying what was done.

    Pseudonymise (when asked), suppress small groups (always, ``min_group_size`` 0 or 1 turns
    it off), then reduce to aggregates (when asked).

    Parameters
    ----------
    findings : Findings
        From :func:`orgnet.analysis.analyze`.
    pseudonymize : bool
        Replace people by keyed pseudonyms (needs ``key``).
    key : bytes, optional
        The key (see :func:`load_key`).
    keep_attributes, drop_attributes : sequence of str
        People attributes kept or dropped when pseudonymising.
    min_group_size : int
        Smallest group shown.
    aggregate : bool
        No individual at all in the result (:func:`aggregate_only`).
    people_excluded : int, optional
        How many people the opt-out list removed before analysis (None: no list).

    Returns
    -------
    Findings
        With ``summary["privacy"]``: ``pseudonymised``, ``key_fingerprint``, ``attributes_kept``,
        ``min_group_size``, ``groups_suppressed`` (kind -> count), ``suppression_rule``,
        ``people_excluded``, ``aggregate_only``, ``content``.

    Raises
    ------
    ValueError
        ``pseudonymize`` without a key.
    """
    pseudonymizer = None
    if pseudonymize:
        if key is None:
            raise ValueError("pseudonymisation needs a key (--key-file FILE or ORGNET_KEY)")
        pseudonymizer = Pseudonymizer(key)
        findings = pseudonymize_findings(findings, pseudonymizer, keep_attributes=keep_attributes,
                                         drop=drop_attributes)
    findings = suppress_small_groups(findings, min_group_size)
    if aggregate:
        findings = aggregate_only(findings, pseudonymizer=pseudonymizer)
    privacy = findings.summary.setdefault("privacy", {})
    kept = sorted(set(keep_attributes) - set(drop_attributes))
    privacy.update({
        "pseudonymised": bool(pseudonymize),
        "key_fingerprint": pseudonymizer.fingerprint if pseudonymizer else None,
        "pseudonym": ("p_ + the first hex digits of HMAC-SHA256(key, person id)" if pseudonymizer else None),
        "attributes_kept": kept if pseudonymize else "all",
        "people_excluded": people_excluded,
        "aggregate_only": bool(aggregate),
        "content": "metadata only: message bodies, subjects and file names are never kept or written",
    })
    findings.summary["privacy"] = dict(sorted(privacy.items()))
    return findings
