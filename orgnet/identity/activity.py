"""Per-sender activity read off the events: messages sent, replies among them, recipients per message.

Membership inference (which domain sends most) and non-human detection (fan-out, never
replying) both need these figures; they are computed once, with group-bys over integer codes.

A *message* is what a sender sent once: the events of one e-mail to five people (one row per
recipient) are one message with five recipients. Rows are grouped into messages by sender,
time and kind (one e-mail's rows share all three); rows without a time cannot be matched up
and count one message per ``item``. Only ``post`` and ``reply`` rows are messages.

Examples
--------
>>> import pandas as pd
>>> from orgnet.events import events_from_frame
>>> ev = events_from_frame(pd.DataFrame({
...     "ts": ["2024-01-02T09:00Z"] * 3 + ["2024-01-02T10:00Z"],
...     "kind": ["post", "post", "post", "reply"], "actor": ["ana", "ana", "ana", "ben"],
...     "target": ["ben", "cy", "dee", "ana"], "item": ["m1", "m1", "m1", "m2"]}), source="email")
>>> sender_activity(ev).to_dict("records")
[{'person': 'ana', 'messages': 1, 'replies': 0, 'fanout': 3.0}, {'person': 'ben', 'messages': 1, 'replies': 1, 'fanout': 1.0}]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgnet.events import encode_ids

__all__ = ["MESSAGE_KINDS", "kind_mask", "mix", "sender_activity"]

#: The kinds whose rows are messages someone sent (a post starts a thread or sends a mail).
MESSAGE_KINDS: tuple[str, ...] = ("post", "reply")


def kind_mask(kind: pa.ChunkedArray, wanted: Sequence[str]) -> np.ndarray:
    """Rows whose kind is one of ``wanted``, read off the dictionary codes (no per-row strings).

    Examples
    --------
    >>> kind_mask(pa.chunked_array([pa.array(["post", "view", "reply"]).dictionary_encode()]), ["reply"]).tolist()
    [False, False, True]
    """
    parts = []
    for chunk in kind.chunks:
        if pa.types.is_dictionary(chunk.type):
            names = np.asarray(chunk.dictionary.cast(pa.string()).to_pylist(), dtype=object)
            codes = np.asarray(pc.fill_null(chunk.indices, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
            hit = np.append(np.isin(names, list(wanted)), False)  # -1 (null) reads the last slot
            parts.append(hit[codes])
        else:
            parts.append(np.asarray(pc.fill_null(pc.is_in(chunk, value_set=pa.array(list(wanted), pa.string())),
                                                 False).to_numpy(zero_copy_only=False), dtype=bool))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


def sender_activity(events: pa.Table) -> pd.DataFrame:
    """Messages, replies and median recipients per message of every sender.

    Parameters
    ----------
    events : pyarrow.Table
        Events (Event schema), canonical ids.

    Returns
    -------
    pandas.DataFrame
        One row per sender of at least one message, sorted by id: ``person``, ``messages``,
        ``replies`` (how many of the messages are replies), ``fanout`` (median recipients per
        message with a time; NaN when none has one).
    """
    empty = pd.DataFrame({"person": pd.Series(dtype="string"), "messages": pd.Series(dtype=np.int64),
                          "replies": pd.Series(dtype=np.int64), "fanout": pd.Series(dtype=float)})
    if events.num_rows == 0:
        return empty
    # remember=True: the graph build takes this encoding of the actor column without hashing it again.
    values, actor = encode_ids(events.column("actor"), remember=True)
    sent = kind_mask(events.column("kind"), MESSAGE_KINDS) & (actor >= 0)
    if not sent.any():
        return empty
    rows = np.flatnonzero(sent)
    del sent
    is_reply = kind_mask(events.column("kind"), ("reply",))[rows]
    ts_col = events.column("ts")
    timed = np.asarray(pc.is_valid(ts_col).to_numpy(zero_copy_only=False), dtype=bool)[rows]
    has_target = np.asarray(pc.is_valid(events.column("target")).to_numpy(zero_copy_only=False), dtype=bool)[rows]
    n = len(values)
    messages = np.zeros(n, np.int64)
    replies = np.zeros(n, np.int64)
    fanout = np.full(n, np.nan)

    every = bool(timed.all())
    u_rows = rows[~timed]
    t_rows = rows if every else rows[timed]
    del rows
    if len(t_rows):
        a = actor[t_rows]  # the encoding's 32-bit codes: widened once, in the key
        r = is_reply if every else is_reply[timed]
        has = has_target if every else has_target[timed]
        # One hashed key per (sender, time, kind): a 64-bit mix (two different messages share a
        # key with odds of about n^2 / 2^64). Built in place, and the times read for the timed
        # messages only (a 64-bit copy of the whole column was 400 MB at 50M events).
        key = a.astype(np.int64)
        key *= 2
        key += r
        key = mix(key, overwrite=True)
        key ^= np.asarray(ts_col.take(pa.array(t_rows)).cast(pa.int64()).to_numpy(zero_copy_only=False))
        del t_rows  # per-message arrays are freed as soon as they are used: this runs on every event
        # The rows of one message side by side: sorted by key (a hash table of the keys was three
        # times the memory of the order, and slower).
        order = np.argsort(key)
        key.sort()
        starts = np.empty(len(key), dtype=bool)
        starts[0] = True
        np.not_equal(key[1:], key[:-1], out=starts[1:])
        del key
        starts = np.flatnonzero(starts)
        recipients = np.add.reduceat(has[order], starts, dtype=np.int64)
        firsts = order[starts]  # a row of each message (all its rows have its sender and kind)
        del order, starts
        msg_actor, msg_reply = a[firsts].astype(np.int64), r[firsts]
        del a, firsts
        messages += np.bincount(msg_actor, minlength=n)
        replies += np.bincount(msg_actor[msg_reply], minlength=n)
        fanout = _grouped_median(msg_actor, recipients, n)
    if len(u_rows):
        # No time to match rows up: one message per distinct item of the sender.
        grouped = pa.table({"a": actor[u_rows], "i": events.column("item").take(pa.array(u_rows)),
                            "r": is_reply[~timed]}).group_by(["a", "i", "r"]).aggregate([])
        a = np.asarray(grouped.column("a").to_numpy(), dtype=np.int64)
        r = np.asarray(grouped.column("r").to_numpy(zero_copy_only=False), dtype=bool)
        messages += np.bincount(a, minlength=n)
        replies += np.bincount(a[r], minlength=n)
    keep = np.flatnonzero(messages > 0)
    out = pd.DataFrame({"person": pd.array(values.take(pa.array(keep)), dtype="string"),
                        "messages": messages[keep], "replies": replies[keep], "fanout": fanout[keep]})
    return out.sort_values("person", kind="stable").reset_index(drop=True)


def _grouped_median(groups: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Median of non-negative integer ``values`` within each group ``0..n-1`` (NaN for empty groups).

    One sort of a combined integer key, no loop.
    """
    span = int(values.max()) + 1 if len(values) else 1
    sorted_values = groups * span  # one temporary, sorted and reduced in place
    sorted_values += values
    sorted_values.sort()
    sorted_values %= span
    counts = np.bincount(groups, minlength=n)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    out = np.full(n, np.nan)
    has = counts > 0
    lo = starts[has] + (counts[has] - 1) // 2
    hi = starts[has] + counts[has] // 2
    out[has] = (sorted_values[lo] + sorted_values[hi]) / 2
    return out


def mix(codes: np.ndarray, *, overwrite: bool = False) -> np.ndarray:
    """A 64-bit mix of integers (splitmix64), as int64: close inputs give far-apart outputs.

    Computed in place with one temporary; ``overwrite=True`` mixes the caller's own 64-bit
    temporary itself (no copy).

    Examples
    --------
    >>> mix(np.array([0, 1, 2])).tolist() == mix(np.array([0, 1, 2], dtype=np.int32)).tolist()
    True
    >>> len(set(mix(np.arange(1000)).tolist()))
    1000
    """
    own = overwrite and codes.dtype in (np.int64, np.uint64) and codes.flags.writeable
    z = codes.view(np.uint64) if own else codes.astype(np.uint64)
    shifted = np.empty_like(z)
    with np.errstate(over="ignore"):
        z += np.uint64(0x9E3779B97F4A7C15)
        for shift, factor in ((30, 0xBF58476D1CE4E5B9), (27, 0x94D049BB133111EB)):
            np.right_shift(z, np.uint64(shift), out=shifted)
            z ^= shifted
            z *= np.uint64(factor)
        np.right_shift(z, np.uint64(31), out=shifted)
        z ^= shifted
    return z.view(np.int64)
