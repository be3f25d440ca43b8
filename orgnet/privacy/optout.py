"""Opt-out: people on a list are removed right after reading, before anything is counted.

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

import io
import os
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgnet.connectors.base import InputError

__all__ = ["Exclusion", "exclude_people", "read_exclusion_list"]


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
