"""Profiles real organisations have, planted on top of a generated organisation.

:func:`orgnet.synthetic.generate` plants ambassadors, brokers, silos and newcomers the way its
own model makes them. Real data has people and accounts that model never makes; this module adds
them, each listed in ``truth["profiles"]`` so a benchmark can tell whether a detector is fooled:

================ ===================================================================== ===========
profile          what is added                                                         truth
================ ===================================================================== ===========
catalysts        post a thread a week drawing replies from many people across the      ambassadors
                 organisation, and answer almost no one (1-2 people)
responders       answer very many people, almost no one answers them                   not ambassadors
broadcasters     many announcements nobody answers                                     not ambassadors
bots             accounts (``bot-*``, ``list-*``) sending to many people                not people
duplicates       part of a person's activity under a second id (``p123.alt``)          pairs
outsiders        outside addresses (``ext-*``) trading messages with employees          outside
partial          the directory loses the department of a share of people               unlisted
noise            random replies between random people (cross-department chatter)      --
================ ===================================================================== ===========

The sizes and rates are options (:class:`ProfileMix`); nothing in :mod:`orgnet` reads them.

Examples
--------
>>> from orgnet.synthetic import generate
>>> org = add_profiles(generate(people=200, seed=1, weeks=8), ProfileMix.named("all"), seed=1)
>>> sorted(org.truth["profiles"])[:4]
['bots', 'broadcasters', 'catalysts', 'duplicates']
>>> len(org.truth["profiles"]["catalysts"]) == ProfileMix.named("all").catalysts
True
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from orgnet.events import coerce_events
from orgnet.synthetic.model import SyntheticOrg

__all__ = ["MIXES", "ProfileMix", "add_profiles"]


@dataclass(frozen=True)
class ProfileMix:
    """How many of each profile to plant (0: none).

    Attributes
    ----------
    catalysts, responders, broadcasters, bots, duplicates, outsiders : int
        Number of each.
    catalyst_reach : float
        Share of the organisation replying to a catalyst over the window.
    partial_share : float
        Share of directory rows whose department is removed.
    noise_share : float
        Random replies added, as a share of the existing events.
    """

    catalysts: int = 0
    responders: int = 0
    broadcasters: int = 0
    bots: int = 0
    duplicates: int = 0
    outsiders: int = 0
    catalyst_reach: float = 0.25
    partial_share: float = 0.0
    noise_share: float = 0.0

    @classmethod
    def named(cls, name: str) -> ProfileMix:
        """One of :data:`MIXES`."""
        if name not in MIXES:
            raise ValueError(f"unknown profile mix {name!r}; expected one of: {', '.join(MIXES)}")
        return MIXES[name]

    @classmethod
    def parse(cls, text: str) -> ProfileMix:
        """A named mix, or ``name=value`` pairs separated by commas (``catalysts=5,noise_share=0.2``).

        Examples
        --------
        >>> ProfileMix.parse("catalysts=3,noise_share=0.1").noise_share
        0.1
        >>> ProfileMix.parse("bots").bots > 0
        True
        """
        text = text.strip()
        if "=" not in text:
            return cls.named(text)
        values: dict[str, Any] = {}
        fields = asdict(cls())
        for part in text.split(","):
            key, _, raw = part.partition("=")
            key = key.strip()
            if key not in fields:
                raise ValueError(f"unknown profile option {key!r}; expected one of: {', '.join(fields)}")
            values[key] = type(fields[key])(float(raw)) if isinstance(fields[key], int) else float(raw)
        return replace(cls(), **values)


_SOME = {"catalysts": 5, "responders": 5, "broadcasters": 5, "bots": 3, "duplicates": 10, "outsiders": 20}

#: Named mixes: each profile alone, none, and all together.
MIXES: dict[str, ProfileMix] = {
    "none": ProfileMix(),
    "catalysts": ProfileMix(catalysts=_SOME["catalysts"]),
    "responders": ProfileMix(responders=_SOME["responders"]),
    "broadcasters": ProfileMix(broadcasters=_SOME["broadcasters"]),
    "bots": ProfileMix(bots=_SOME["bots"]),
    "duplicates": ProfileMix(duplicates=_SOME["duplicates"]),
    "outsiders": ProfileMix(outsiders=_SOME["outsiders"]),
    "partial": ProfileMix(partial_share=0.3),
    "noise": ProfileMix(noise_share=0.1),
    "all": ProfileMix(**_SOME, partial_share=0.3, noise_share=0.1),
}


def _pick(rng: np.random.Generator, pool: np.ndarray, k: int) -> np.ndarray:
    return rng.choice(pool, size=min(k, len(pool)), replace=False) if k and len(pool) else pool[:0]


def add_profiles(org: SyntheticOrg, mix: ProfileMix, *, seed: int = 0) -> SyntheticOrg:
    """A copy of ``org`` with the profiles of ``mix`` planted (see the module docstring).

    Parameters
    ----------
    org : SyntheticOrg
        From :func:`orgnet.synthetic.generate`.
    mix : ProfileMix
        What to plant.
    seed : int
        Seed of the planting.

    Returns
    -------
    SyntheticOrg
        Events, directory and truth with ``truth["profiles"]``: ``catalysts``, ``responders``,
        ``broadcasters``, ``bots``, ``outsiders`` (ids), ``duplicates`` (``[person, alias]``
        pairs), ``unlisted`` (people whose department was removed) and ``mix``.
    """
    rng = np.random.default_rng([int(seed), 14])
    ev = org.events
    t0 = pd.Timestamp(org.truth["params"]["start"], tz="UTC")
    weeks = int(org.truth["params"]["weeks"])
    people = org.directory["person"].astype(str).to_numpy()
    # Ordinary people only: a profile never lands on a planted role.
    planted = set(org.truth["ambassadors"]) | set(org.truth["brokers"]) | set(org.truth["newcomers"])
    counts = pa.compute.value_counts(ev.column("actor")).to_pandas() if ev.num_rows else pd.Series([], dtype=object)
    acting = {d["values"] for d in counts if d["counts"] >= 3}  # duplicates need activity to split
    ordinary = np.array([p for p in people[1:] if p not in planted and p in acting])
    rows: list[dict[str, Any]] = []
    uid = [0]

    def add(kind: str, actor: str, target: str | None, thread: str | None, at: pd.Timestamp) -> None:
        uid[0] += 1
        rows.append({"ts": at, "kind": kind, "actor": actor, "target": target, "thread": thread,
                     "channel": "profiles", "item": f"x{uid[0]}"})

    def when(week: int) -> pd.Timestamp:
        return t0 + pd.Timedelta(days=7 * week + float(rng.uniform(0, 5)))

    used = _pick(rng, ordinary, mix.catalysts + mix.responders + mix.broadcasters + mix.duplicates)
    catalysts = used[: mix.catalysts]
    responders = used[mix.catalysts: mix.catalysts + mix.responders]
    broadcasters = used[mix.catalysts + mix.responders: mix.catalysts + mix.responders + mix.broadcasters]
    duplicates = used[len(used) - min(mix.duplicates, max(0, len(used) - mix.catalysts - mix.responders
                                                         - mix.broadcasters)):]
    reach = max(2, int(mix.catalyst_reach * len(people) / max(weeks, 1)))
    for c in catalysts:
        for w in range(weeks):
            thread, at = f"cat-{c}-{w}", when(w)
            add("post", c, None, thread, at)
            for q in _pick(rng, people[people != c], reach):
                add(rng.choice(["reply", "reaction"]), str(q), c, thread, at + pd.Timedelta(hours=float(rng.uniform(1, 48))))
        for q in _pick(rng, people[people != c], int(rng.integers(1, 3))):
            add("reply", c, str(q), None, when(int(rng.integers(0, weeks))))
    for r in responders:  # answers a third of the organisation, one person answers back
        for q in _pick(rng, people[people != r], max(2, len(people) // 3)):
            add("reply", r, str(q), None, when(int(rng.integers(0, weeks))))
        add("post", r, None, f"resp-{r}", when(0))
        add("reply", str(rng.choice(people[people != r])), r, f"resp-{r}", when(0) + pd.Timedelta(hours=2))
    for b in broadcasters:  # two announcements a week, nobody answers
        for w in range(weeks):
            for k in range(2):
                add("post", b, None, f"bc-{b}-{w}-{k}", when(w))
    bots = [f"{'bot' if i % 2 == 0 else 'list'}-{i:03d}" for i in range(mix.bots)]
    for bot in bots:  # a digest a week to a fifth of the organisation
        for w in range(weeks):
            at = when(w)
            for q in _pick(rng, people, max(2, len(people) // 5)):
                add("post", bot, str(q), None, at)
    outsiders = [f"ext-{i:03d}" for i in range(mix.outsiders)]
    for o in outsiders:  # a few exchanges with a few employees
        for q in _pick(rng, people, 3):
            for _ in range(int(rng.integers(1, 4))):
                at = when(int(rng.integers(0, weeks)))
                add("reply", o, str(q), None, at)
                add("reply", str(q), o, None, at + pd.Timedelta(hours=3))
    n_noise = int(mix.noise_share * ev.num_rows)
    noise = pd.DataFrame(columns=["ts", "kind", "actor", "target", "thread", "channel", "item"])
    if n_noise:  # vectorised: at 100k people this is hundreds of thousands of replies
        a, b = rng.choice(people, n_noise), rng.choice(people, n_noise)
        keep = a != b
        seconds = np.round(rng.uniform(0, 7 * weeks * 86400, int(keep.sum())))
        noise = pd.DataFrame({"ts": t0 + pd.to_timedelta(seconds, unit="s"), "kind": "reply", "actor": a[keep],
                              "target": b[keep], "thread": None, "channel": "profiles",
                              "item": np.char.add("n", np.arange(int(keep.sum())).astype(str))})

    alias_of = {p: f"{p}.alt" for p in duplicates}
    events = ev
    if alias_of:  # a third of each duplicated person's events move to the alias
        table = events.to_pandas()
        table["kind"] = table["kind"].astype(str)
        mine = table["actor"].isin(list(alias_of))
        mine &= table.groupby("actor").cumcount().to_numpy() % 3 == 1  # every third of their events
        table.loc[mine, "actor"] = table.loc[mine, "actor"].map(alias_of)
        events = coerce_events(pa.Table.from_pandas(table, preserve_index=False), source="synthetic",
                               where="synthetic events")
    if rows or len(noise):
        extra = pd.concat([pd.DataFrame(rows, columns=noise.columns), noise], ignore_index=True)
        extra["source"], extra["weight"], extra["external"] = "synthetic", 1.0, extra["actor"].str.startswith("ext-")
        extra["external"] |= extra["target"].fillna("").str.startswith("ext-")
        extra["ts"] = pd.to_datetime(extra["ts"], utc=True).dt.round("s").astype("datetime64[us, UTC]")
        added = coerce_events(pa.Table.from_pandas(extra[[c for c in events.column_names]], preserve_index=False),
                              source="synthetic", where="synthetic profiles")
        events = pa.concat_tables([events.cast(added.schema) if events.schema != added.schema else events, added])
        events = events.take(pa.compute.sort_indices(events, sort_keys=[("ts", "ascending")]))

    directory = org.directory.copy()
    unlisted = _pick(rng, people[1:], int(mix.partial_share * len(people)))
    directory.loc[directory["person"].isin(set(unlisted.tolist())), "department"] = None

    truth = dict(org.truth)
    truth["profiles"] = {
        "mix": asdict(mix), "catalysts": catalysts.tolist(), "responders": responders.tolist(),
        "broadcasters": broadcasters.tolist(), "bots": bots, "outsiders": outsiders,
        "duplicates": [[p, a] for p, a in alias_of.items()], "unlisted": unlisted.tolist(),
    }
    return SyntheticOrg(events, directory, truth, org.channels)
