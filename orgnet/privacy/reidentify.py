"""Re-identification for those who hold the key: match pseudonyms against candidate ids.

Examples
--------
>>> from orgnet.privacy.keys import Pseudonymizer
>>> key = b"0123456789abcdef-example-key"
>>> reidentify([Pseudonymizer(key).pseudonym("ben")], ["ana", "ben", "cy"], key)
{'p_...': 'ben'}
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from orgnet.connectors.base import InputError
from orgnet.privacy.keys import Pseudonymizer, is_missing
from orgnet.privacy.optout import read_exclusion_list

__all__ = ["read_candidates", "reidentify"]


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
    digests = {c: p.digest(c) for c in {str(c) for c in candidate_ids if not is_missing(c)}}
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
