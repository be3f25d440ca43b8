"""The engagement pyramid (Charlene Li): every member placed at the highest level they reach.

Levels, from the base up, and the event kinds that reach them:

============ =========================== ===============================================
level        kinds                       meaning
============ =========================== ===============================================
watcher      none, ``view``, ``join``    present, contributes nothing others can see
sharer       ``reaction``, ``share``     passes on or acknowledges others' content
commenter    ``reply``, ``mention``      adds to a conversation someone else started
producer     ``post``                    starts conversations
curator      ``curate``                  organises content for others (pins, collections)
============ =========================== ===============================================

A person's level is the *highest* level of any event they acted in (a producer who also
reacts is a producer), so the levels partition the members and the counts add up to the
membership. Members with no event at all are watchers: the pyramid's base is everyone who
could have taken part, not only the active.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from orgnet.metrics._check import check_codes

__all__ = ["LEVEL_OF_KIND", "PYRAMID_LEVELS", "engagement_levels", "pyramid_counts"]

#: Pyramid levels from the base (0) to the top.
PYRAMID_LEVELS: tuple[str, ...] = ("watcher", "sharer", "commenter", "producer", "curator")

#: Level reached by each event kind (see the module docstring).
LEVEL_OF_KIND: dict[str, int] = {
    "view": 0,
    "join": 0,
    "reaction": 1,
    "share": 1,
    "mention": 2,
    "reply": 2,
    "post": 3,
    "curate": 4,
}


def engagement_levels(kind: npt.ArrayLike | pd.Series, actor: npt.ArrayLike, n: int) -> pd.Categorical[str]:
    """Pyramid level of each of ``n`` members: the highest level of any event they acted in.

    Parameters
    ----------
    kind : array of str
        Event kind per event (``orgnet.events.KINDS``).
    actor : numpy.ndarray
        Node code of each event's actor (``-1``: not a member; ignored).
    n : int
        Number of members (people with no event are watchers).

    Returns
    -------
    pandas.Categorical
        Ordered categories :data:`PYRAMID_LEVELS`, one value per member.

    Raises
    ------
    ValueError
        An unknown kind, arrays of different lengths, or actor codes that are not integers
        of at least -1.

    Examples
    --------
    >>> kinds = ["post", "reaction", "reply", "view", "curate", "reaction"]
    >>> levels = engagement_levels(kinds, np.array([0, 0, 1, 2, 3, 1]), 5)
    >>> levels.tolist()
    ['producer', 'commenter', 'watcher', 'curator', 'watcher']
    """
    # Integer codes per kind without a categorical built from millions of Python strings:
    # a categorical input keeps its codes, anything else is factorised (hashing, no sort).
    given: Any = kind  # a Series, a Categorical, an array or a list
    if isinstance(getattr(given, "dtype", None), pd.CategoricalDtype):
        cat = given.cat if isinstance(given, pd.Series) else pd.Categorical(given)
        codes = cat.codes
        kind_codes = np.asarray(codes.to_numpy() if isinstance(codes, pd.Series) else codes)  # int8: no copy
        categories = pd.Index(cat.categories)
        used = np.bincount(kind_codes[kind_codes >= 0], minlength=len(categories)) > 0
    else:
        kind_codes, categories = pd.factorize(np.asarray(given, dtype=object))
        kind_codes = np.asarray(kind_codes, dtype=np.int64)
        categories = pd.Index(categories)
        used = np.ones(len(categories), dtype=bool)
    if n < 0:
        raise ValueError(f"engagement_levels: n must be a number of members (>= 0); got {n}")
    # Codes of n or more are people outside the members (left out, as -1 is).
    actor, _ = check_codes(actor, len(kind_codes), func="engagement_levels", name="actor", per="event",
                           widen=False)  # only indexes: 32-bit node codes stay 32-bit
    present = [c for c, u in zip(categories, used, strict=True) if u]
    unknown = sorted(set(map(str, present)) - set(LEVEL_OF_KIND))
    if unknown:
        raise ValueError(f"engagement_levels: unknown event kind(s) {', '.join(unknown)}; "
                         f"expected one of {', '.join(LEVEL_OF_KIND)}")
    per_category = np.array([LEVEL_OF_KIND.get(str(c), 0) for c in categories], dtype=np.int8)
    # A missing kind (code -1) takes the level of the last kind in sorted order (as a sorted
    # categorical's code -1 did): appended last, where index -1 reads.
    last = sorted(present)[-1] if present else None
    per_category = np.append(per_category, LEVEL_OF_KIND[str(last)] if last is not None else 0).astype(np.int8)
    event_level = per_category[kind_codes] if len(kind_codes) else np.zeros(0, np.int8)
    level = np.zeros(n, dtype=np.int8)
    ok = (actor >= 0) & (actor < n)
    if ok.all():
        np.maximum.at(level, actor, event_level)
    else:
        np.maximum.at(level, actor[ok], event_level[ok])
    return pd.Categorical.from_codes(level.astype(np.int64), categories=pd.Index(PYRAMID_LEVELS), ordered=True)


def pyramid_counts(
    levels: pd.Categorical[Any] | pd.Series,
    groups: npt.ArrayLike | None = None,
    labels: npt.ArrayLike | list[str] | None = None,
) -> pd.DataFrame:
    """Counts and shares per pyramid level, overall and per group.

    Parameters
    ----------
    levels : pandas.Categorical
        From :func:`engagement_levels`.
    groups : numpy.ndarray, optional
        Integer group code per member (``-1``: no group, counted only overall).
    labels : sequence of str, optional
        Group names by code (default: the codes as text).

    Returns
    -------
    pandas.DataFrame
        One row for ``"(all)"`` then one per group (``group``, ``members``), a count column
        per level and a ``share_<level>`` column per level (fraction of the group's members).

    Examples
    --------
    >>> levels = engagement_levels(["post", "reply"], np.array([0, 1]), 4)
    >>> table = pyramid_counts(levels, np.array([0, 0, 1, 1]), ["Sales", "Legal"])
    >>> table[["group", "members", "watcher", "commenter", "producer"]].to_dict("records")
    [{'group': '(all)', 'members': 4, 'watcher': 2, 'commenter': 1, 'producer': 1}, \
{'group': 'Sales', 'members': 2, 'watcher': 0, 'commenter': 1, 'producer': 1}, \
{'group': 'Legal', 'members': 2, 'watcher': 2, 'commenter': 0, 'producer': 0}]
    """
    cat = pd.Categorical(levels, categories=list(PYRAMID_LEVELS), ordered=True)
    codes = np.asarray(cat.codes, dtype=np.int64)
    n_levels = len(PYRAMID_LEVELS)
    rows = [np.bincount(codes[codes >= 0], minlength=n_levels)]
    names = ["(all)"]
    if groups is not None:
        group, k = check_codes(groups, len(codes), func="pyramid_counts", per="member")
        names_of = [str(g) for g in range(k)] if labels is None else [str(x) for x in np.asarray(labels).tolist()]
        k = max(k, len(names_of))
        ok = (group >= 0) & (codes >= 0)
        table = np.bincount(group[ok] * n_levels + codes[ok], minlength=k * n_levels).reshape(k, n_levels)
        rows.extend(table)
        names.extend(names_of)
    counts = np.vstack(rows)
    frame = pd.DataFrame(counts, columns=list(PYRAMID_LEVELS))
    members = counts.sum(axis=1)
    frame.insert(0, "members", members)
    frame.insert(0, "group", names)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(members[:, None] > 0, counts / np.maximum(members[:, None], 1), np.nan)
    for i, level in enumerate(PYRAMID_LEVELS):
        frame[f"share_{level}"] = shares[:, i]
    return frame
