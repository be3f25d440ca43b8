"""The enterprise-social-network activity model: who posts, replies, reacts, shares, mentions and curates, when and to whom.

Everything is vectorised over events with numpy; the only Python loops run over weeks, engagement
profiles and scopes (a handful each). The model in short:

* each person has a heavy-tailed (log-normal) activity rate, a probability of being active in a
  given week, and an engagement level that fixes which kinds of action they take;
* timestamps follow a weekday x hour working pattern in the person's site time zone;
* a post goes to a channel (team, department, division, org-wide or a community) chosen by the
  author's habits; a response picks a channel the responder reads, then a recent post in it,
  so most ties stay inside teams and departments;
* the planted roles differ only in these rates, habits and in how much their posts draw others in.

Examples
--------
>>> import numpy as np
>>> from orgnet.synthetic.org import build_hierarchy
>>> from orgnet.synthetic.truth import plant
>>> rng = np.random.default_rng(0)
>>> h = build_hierarchy(300, rng)
>>> ev = simulate(h, plant(h, rng, weeks=8), rng, weeks=8, events_per_person=10)
>>> 2000 < len(ev.actor) < 4000
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orgnet.synthetic.names import COMMUNITY_TOPICS, slug
from orgnet.synthetic.org import Hierarchy
from orgnet.synthetic.truth import Plan

__all__ = ["DAY", "WEEK", "Channels", "EventArrays", "channel_layout", "simulate"]

DAY = 86_400
WEEK = 7 * DAY

VIEW, JOIN, REACTION, SHARE, MENTION, REPLY, POST, CURATE = range(8)

# Kind mix (view, join, reaction, share, mention, reply, post, curate) per engagement profile:
# the five levels, ambassadors at producer and curator level, brokers at commenter and producer
# level (brokers mostly answer and name people rather than watch).
_KIND_P = np.array(
    [
        [0.90, 0.10, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
        [0.47, 0.05, 0.36, 0.12, 0.00, 0.00, 0.00, 0.00],
        [0.36, 0.04, 0.27, 0.06, 0.07, 0.20, 0.00, 0.00],
        [0.28, 0.03, 0.24, 0.05, 0.07, 0.20, 0.13, 0.00],
        [0.25, 0.03, 0.22, 0.05, 0.07, 0.19, 0.13, 0.06],
        [0.10, 0.02, 0.16, 0.14, 0.08, 0.26, 0.24, 0.00],
        [0.10, 0.02, 0.14, 0.14, 0.08, 0.24, 0.22, 0.06],
        [0.15, 0.03, 0.30, 0.07, 0.15, 0.30, 0.00, 0.00],
        [0.14, 0.03, 0.27, 0.06, 0.13, 0.27, 0.10, 0.00],
    ]
)
_LEVEL_RATE = np.array([0.35, 0.7, 1.0, 1.6, 2.0])

# Scopes: where a person's action lands. FOREIGN = one of a broker's other departments.
TEAM, DEPT, DIV, ORG, COMM, FOREIGN = range(6)
# Scope habits per profile: regular, silo member, ambassador, broker, newcomer, leader.
REGULAR, SILO, AMBASSADOR, BROKER, NEWCOMER, LEADER = range(6)
_POST_SCOPE = np.array(
    [
        [0.50, 0.30, 0.10, 0.03, 0.07, 0.00],
        [0.60, 0.40, 0.00, 0.00, 0.00, 0.00],
        [0.10, 0.15, 0.20, 0.20, 0.35, 0.00],
        [0.25, 0.15, 0.00, 0.00, 0.00, 0.60],
        [0.80, 0.20, 0.00, 0.00, 0.00, 0.00],
        [0.20, 0.45, 0.20, 0.10, 0.05, 0.00],
    ]
)
_RESPONSE_SCOPE = np.array(
    [
        [0.68, 0.22, 0.06, 0.02, 0.02, 0.00],
        [0.64, 0.357, 0.002, 0.0005, 0.0005, 0.00],
        [0.20, 0.20, 0.25, 0.15, 0.20, 0.00],
        [0.20, 0.10, 0.00, 0.00, 0.00, 0.70],
        [0.75, 0.25, 0.00, 0.00, 0.00, 0.00],
        [0.35, 0.40, 0.15, 0.07, 0.03, 0.00],
    ]
)
# How strongly a post draws responses (copies in the pool responders draw from).
_APPEAL = np.array([1, 1, 5, 2, 1, 1])

# Local weekday x hour pattern of activity: office hours, a lunch dip, quiet weekends.
_DAY_P = np.array([0.22, 0.22, 0.21, 0.20, 0.13, 0.01, 0.01])
_HOUR_P = np.array(
    [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 4.0, 8.0, 9.0, 8.5, 5.0, 7.0, 8.5, 8.0, 7.0, 5.0, 2.5, 1.5, 1.0, 0.8, 0.5, 0.3]
)
_SLOT_P = np.outer(_DAY_P / _DAY_P.sum(), _HOUR_P / _HOUR_P.sum()).ravel()


@dataclass(frozen=True, eq=False)
class Channels:
    """Channel ids: teams first, then departments, divisions, the org-wide channel and communities."""

    names: list[str]
    n_teams: int
    n_departments: int
    n_divisions: int
    n_communities: int

    @property
    def dept0(self) -> int:
        """Id of the first department channel."""
        return self.n_teams

    @property
    def div0(self) -> int:
        """Id of the first division channel."""
        return self.n_teams + self.n_departments

    @property
    def org(self) -> int:
        """Id of the org-wide channel."""
        return self.div0 + self.n_divisions

    @property
    def comm0(self) -> int:
        """Id of the first community channel."""
        return self.org + 1


@dataclass(frozen=True, eq=False)
class EventArrays:
    """Events as parallel arrays (not yet sorted); ``thread`` is the event index of the post, -1 if none."""

    actor: np.ndarray  # int32
    kind: np.ndarray  # int8, index into orgnet.events.KINDS
    ts: np.ndarray  # int64 seconds since the start of the window
    target: np.ndarray  # int32, -1 if none
    channel: np.ndarray  # int32, index into Channels.names
    thread: np.ndarray  # int64, -1 if none
    channels: Channels
    community: np.ndarray  # int32 per person


def channel_layout(h: Hierarchy, n_communities: int) -> Channels:
    """Name every channel of the organisation.

    Examples
    --------
    >>> import numpy as np
    >>> from orgnet.synthetic.org import build_hierarchy
    >>> ch = channel_layout(build_hierarchy(100, np.random.default_rng(0)), 3)
    >>> ch.names[ch.org], ch.names[ch.comm0].startswith("community-")
    ('all-company', True)
    """
    topics = [
        COMMUNITY_TOPICS[c % len(COMMUNITY_TOPICS)] + (f"-{c // len(COMMUNITY_TOPICS) + 1}" if c >= len(COMMUNITY_TOPICS) else "")
        for c in range(n_communities)
    ]
    names = (
        [f"team-{slug(t)}" for t in h.team_names]
        + [f"dept-{slug(d)}" for d in h.department_names]
        + [f"div-{slug(v)}" for v in h.division_names]
        + ["all-company"]
        + [f"community-{t}" for t in topics]
    )
    return Channels(names, h.n_teams, h.n_departments, h.n_divisions, n_communities)


def _scope_profile(h: Hierarchy, plan: Plan) -> np.ndarray:
    prof = np.full(h.n, REGULAR, np.int8)
    prof[h.role >= 2] = LEADER
    prof[plan.broker] = BROKER
    prof[plan.ambassador] = AMBASSADOR
    prof[plan.newcomer] = NEWCOMER
    prof[plan.silo_department[h.department]] = SILO
    return prof


def _draw_by_group(group: np.ndarray, table: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    # One categorical draw per row with the probabilities of its group's row in `table`.
    u = rng.random(len(group))
    out = np.zeros(len(group), np.int8)
    cum = np.cumsum(table, axis=1)
    cum[:, -1] = 1.0
    for g in range(len(table)):
        m = group == g
        if m.any():
            out[m] = np.searchsorted(cum[g], u[m], side="right")
    return np.minimum(out, table.shape[1] - 1)


class _Model:
    """Per-person state shared by the steps of :func:`simulate`."""

    def __init__(self, h: Hierarchy, plan: Plan, rng: np.random.Generator, weeks: int) -> None:
        self.h, self.plan, self.rng, self.weeks = h, plan, rng, weeks
        n = h.n
        self.end = weeks * WEEK
        self.hire = (self.end - plan.hire_days * DAY).astype(np.int64)
        self.sprof = _scope_profile(h, plan)
        self.hdiv = h.led_division
        n_comm = int(np.clip(round(np.sqrt(n) / 5), 3, 60))
        w = 1.0 / np.arange(1, n_comm + 1) ** 0.8
        self.community = rng.choice(n_comm, n, p=w / w.sum()).astype(np.int32)
        self.comm_order = np.argsort(self.community, kind="stable").astype(np.int32)
        self.comm_start = np.searchsorted(self.community[self.comm_order], np.arange(n_comm + 1))
        self.channels = channel_layout(h, n_comm)
        brokers = np.flatnonzero(plan.broker)
        self.broker_row = np.full(n, -1, np.int64)
        self.broker_row[brokers] = np.arange(len(brokers))
        self.broker_k = (plan.broker_departments >= 0).sum(axis=1)

    # -- where an action lands ------------------------------------------------------------
    def foreign_department(self, who: np.ndarray) -> np.ndarray:
        row = self.broker_row[who]
        out = self.h.department[who].astype(np.int64)
        ok = row >= 0
        k = self.broker_k[row[ok]]
        slot = (self.rng.random(int(ok.sum())) * np.maximum(k, 1)).astype(np.int64)
        dept = self.plan.broker_departments[row[ok], slot]
        out[ok] = np.where(dept >= 0, dept, out[ok])
        return out

    def channel_of(self, scope: np.ndarray, who: np.ndarray) -> np.ndarray:
        h, ch = self.h, self.channels
        out = np.full(len(who), ch.org, np.int32)
        for s, m in ((TEAM, scope == TEAM), (DEPT, scope == DEPT), (DIV, scope == DIV),
                     (COMM, scope == COMM), (FOREIGN, scope == FOREIGN)):
            w = who[m]
            if s == TEAM:
                out[m] = h.team[w]
            elif s == DEPT:
                out[m] = ch.dept0 + h.department[w]
            elif s == DIV:
                div = self.hdiv[w]
                out[m] = np.where(div >= 0, ch.div0 + div, ch.org)
            elif s == COMM:
                out[m] = ch.comm0 + self.community[w]
            else:
                out[m] = ch.dept0 + self.foreign_department(w)
        return out

    def person_in(self, scope: np.ndarray, who: np.ndarray) -> np.ndarray:
        """A random person in the actor's team, department, division, org, community or foreign department."""
        h, rng = self.h, self.rng
        lo = np.zeros(len(who), np.int64)
        size = np.full(len(who), h.n, np.int64)
        m = scope == TEAM
        lo[m], size[m] = h.team_start[h.team[who[m]]], h.team_size[h.team[who[m]]]
        m = scope == DEPT
        lo[m], size[m] = h.dept_start[h.department[who[m]]], h.dept_size[h.department[who[m]]]
        m = (scope == DIV) & (self.hdiv[who] >= 0)
        lo[m], size[m] = h.div_start[self.hdiv[who[m]]], h.div_size[self.hdiv[who[m]]]
        m = scope == FOREIGN
        d = self.foreign_department(who[m])
        lo[m], size[m] = h.dept_start[d], h.dept_size[d]
        pick = lo + (rng.random(len(who)) * size).astype(np.int64)
        m = scope == COMM
        c = self.community[who[m]]
        a, b = self.comm_start[c], self.comm_start[c + 1]
        pick[m] = self.comm_order[a + (rng.random(int(m.sum())) * (b - a)).astype(np.int64)]
        return pick


def _event_counts(model: _Model, events_per_person: float) -> tuple[np.ndarray, np.ndarray]:
    """Draw how many events each person has in each week; returns (actor, week) per event."""
    h, plan, rng, weeks = model.h, model.plan, model.rng, model.weeks
    n = h.n
    level = plan.level
    raw = rng.lognormal(0.0, 1.0, n) * _LEVEL_RATE[level]
    raw[(level == 0) & (rng.random(n) < 0.25)] = 0.0  # present but silent members
    amb, brk, new = plan.ambassador, plan.broker, plan.newcomer
    raw[amb] = _LEVEL_RATE[level[amb]] * rng.lognormal(1.8, 0.3, int(amb.sum()))
    raw[brk] = _LEVEL_RATE[level[brk]] * rng.lognormal(1.1, 0.2, int(brk.sum()))
    raw[new] *= 0.5
    # Probability of being active in a given week: sustained for ambassadors, patchy for most.
    q = rng.beta(2.0, 2.0, n)
    q[amb] = rng.beta(40.0, 1.5, int(amb.sum()))
    q[brk] = rng.beta(5.0, 2.0, int(brk.sum()))
    q = np.clip(q, 0.02, 1.0)
    employed = np.clip((model.end - np.maximum(model.hire, 0)) / WEEK, 0, weeks)
    budget = max(0.0, n * events_per_person - float((level > 0).sum()))
    scale = budget / max(float((raw * employed).sum()), 1e-12)
    lam = raw * scale / q
    actors, wk = [], []
    ids = np.arange(n, dtype=np.int32)
    for w in range(weeks):
        frac = np.clip(((w + 1) * WEEK - model.hire) / WEEK, 0.0, 1.0)
        active = rng.random(n) < q
        counts = rng.poisson(lam * frac * active)
        actors.append(np.repeat(ids, counts))
        wk.append(np.full(int(counts.sum()), w, np.int16))
    return np.concatenate(actors), np.concatenate(wk)


def _timestamps(model: _Model, actor: np.ndarray, week: np.ndarray) -> np.ndarray:
    rng = model.rng
    slot = rng.choice(len(_SLOT_P), len(actor), p=_SLOT_P)
    offset = np.round(model.h.site_offset_hours * 3600).astype(np.int64)[model.h.site[actor]]
    ts = week.astype(np.int64) * WEEK + slot.astype(np.int64) * 3600 + rng.integers(0, 3600, len(actor)) - offset
    ts %= model.end  # the first and last hours wrap around the window's edges
    hire = model.hire[actor]
    early = ts < hire
    span = np.minimum(3 * DAY, model.end - hire[early])
    ts[early] = hire[early] + (rng.random(int(early.sum())) * span).astype(np.int64)
    return ts


class _PostIndex:
    """Posts by (channel, week), with appeal copies, and by author, for drawing what people respond to."""

    def __init__(self, model: _Model, post_event: np.ndarray, author: np.ndarray, chan: np.ndarray, ts: np.ndarray):
        h, weeks = model.h, model.weeks
        self.model = model
        self.event, self.author, self.chan, self.ts = post_event, author, chan, ts
        n_cells = len(model.channels.names) * weeks
        week = np.clip(ts // WEEK, 0, weeks - 1)
        copies = _APPEAL[model.sprof[author]]
        rep = np.repeat(np.arange(len(author)), copies)
        cell = chan[rep].astype(np.int64) * weeks + week[rep]
        order = np.argsort(cell, kind="stable")
        self.pool = rep[order]
        self.cell_start = np.searchsorted(cell[order], np.arange(n_cells + 1))
        # Division, org-wide and community channels come after all team and department channels.
        self.public_lo = int(self.cell_start[model.channels.div0 * weeks])
        if self.public_lo == len(self.pool):
            self.public_lo = 0
        by_author = np.argsort(author, kind="stable")
        self.by_author = by_author
        sorted_author = author[by_author]
        self.team_lo = np.searchsorted(sorted_author, h.team_start)
        self.team_hi = np.searchsorted(sorted_author, h.team_start + h.team_size)
        self.dept_lo = np.searchsorted(sorted_author, h.dept_start)
        self.dept_hi = np.searchsorted(sorted_author, h.dept_start + h.dept_size)
        people = np.arange(h.n + 1)
        self.own = np.searchsorted(sorted_author, people)  # person p's posts: own[p]:own[p + 1]

    def _try(self, result: np.ndarray, idx: np.ndarray, actor: np.ndarray, lo: np.ndarray, hi: np.ndarray,
             tries: int = 3) -> np.ndarray:
        # Rows `idx` draw uniformly in [lo, hi) of the pool (lo, hi aligned with idx); the first
        # pick that is not the actor's own post wins. Returns the rows still without a post.
        rng = self.model.rng
        live = hi > lo
        rest, idx, lo, hi = idx[~live], idx[live], lo[live], hi[live]
        for _ in range(tries):
            if not len(idx):
                break
            pick = self.pool[lo + (rng.random(len(idx)) * (hi - lo)).astype(np.int64)]
            ok = self.author[pick] != actor[idx]
            result[idx[ok]] = pick[ok]
            idx, lo, hi = idx[~ok], lo[~ok], hi[~ok]
        return np.concatenate([rest, idx])

    def _try_authors(self, result: np.ndarray, idx: np.ndarray, actor: np.ndarray, lo: np.ndarray,
                     hi: np.ndarray) -> np.ndarray:
        # Posts sorted by author: the actor's own posts are one block inside [lo, hi); skip it.
        who = actor[idx]
        a = np.clip(self.own[who], lo, hi)
        b = np.clip(self.own[who + 1], lo, hi)
        avail = (hi - lo) - (b - a)
        ok = avail > 0
        pos = lo + (self.model.rng.random(len(idx)) * avail).astype(np.int64)
        pos += np.where(pos >= a, b - a, 0)
        result[idx[ok]] = self.by_author[pos[ok]]
        return idx[~ok]

    def draw(self, actor: np.ndarray, week: np.ndarray, chan: np.ndarray, scope: np.ndarray) -> np.ndarray:
        """Pick a post (index into the post arrays) for each responding event, never the actor's own."""
        model, h, weeks = self.model, self.model.h, self.model.weeks
        ch, cs = model.channels, self.cell_start
        result = np.full(len(actor), -1, np.int64)
        base = chan.astype(np.int64) * weeks
        # 1. a recent post (this week or last) in the chosen channel; 2. any post in it.
        idx = np.arange(len(actor))
        idx = self._try(result, idx, actor, cs[base + np.maximum(week - 1, 0)], cs[base + week + 1])
        idx = self._try(result, idx, actor, cs[base[idx]], cs[base[idx] + weeks])
        # 3. widen: posts by the team's, then the department's authors in any channel, then the
        # division's and the org-wide channels, then anything posted where everyone can see it.
        # Posts in team and department channels are never reached from outside: silos stay silos.
        for step in ("team", "dept", "foreign", "div", "org", "public"):
            if not len(idx):
                break
            sc, who = scope[idx], actor[idx]
            if step == "team":
                sel = sc == TEAM
                t = h.team[who[sel]]
                lo, hi = self.team_lo[t], self.team_hi[t]
            elif step == "dept":
                sel = sc <= DEPT
                d = h.department[who[sel]]
                lo, hi = self.dept_lo[d], self.dept_hi[d]
            elif step == "foreign":
                sel = sc == FOREIGN
                d = model.foreign_department(who[sel])
                lo, hi = self.dept_lo[d], self.dept_hi[d]
            elif step == "div":
                div = model.hdiv[who]
                sel = (sc <= DIV) & (div >= 0)
                c = (ch.div0 + div[sel]).astype(np.int64) * weeks
                lo, hi = cs[c], cs[c + weeks]
            else:
                sel = np.ones(len(idx), bool)
                lo = np.full(len(idx), cs[ch.org * weeks] if step == "org" else self.public_lo)
                hi = np.full(len(idx), cs[(ch.org + 1) * weeks] if step == "org" else len(self.pool))
            if step in ("team", "dept", "foreign"):
                left = self._try_authors(result, idx[sel], actor, lo, hi)
            else:
                left = self._try(result, idx[sel], actor, lo, hi, tries=4)
            idx = np.concatenate([idx[~sel], left])
        if len(idx):  # everyone's own posts only: take the first post by someone else
            first_other = np.flatnonzero(self.author != self.author[0])
            alt = int(first_other[0]) if len(first_other) else 0
            result[idx] = np.where(self.author[0] != actor[idx], 0, alt)
        return result


def simulate(h: Hierarchy, plan: Plan, rng: np.random.Generator, *, weeks: int, events_per_person: float) -> EventArrays:
    """Generate the activity of an organisation over ``weeks`` weeks.

    Parameters
    ----------
    h : Hierarchy
        The formal organisation.
    plan : Plan
        Planted roles and levels.
    rng : numpy.random.Generator
    weeks : int
        Number of weeks.
    events_per_person : float
        Mean number of events per person over the window.

    Returns
    -------
    EventArrays
        Unsorted events; timestamps are seconds from the start of the window.
    """
    model = _Model(h, plan, rng, weeks)
    level = plan.level
    actor, week = _event_counts(model, events_per_person)
    prof = level.astype(np.int8).copy()
    prof[plan.ambassador] = np.where(level[plan.ambassador] >= 4, 6, 5)
    prof[plan.broker] = np.where(level[plan.broker] >= 3, 8, 7)
    kind = _draw_by_group(prof[actor], _KIND_P, rng)

    # Each contributor's defining action at least once: levels are what people do, not a label.
    sig = np.flatnonzero(level > 0)
    start_week = np.clip(np.maximum(model.hire[sig], 0) // WEEK, 0, weeks - 1)
    sig_week = (start_week + rng.random(len(sig)) * (weeks - start_week)).astype(np.int16)
    top = np.array([VIEW, REACTION, REPLY, POST, CURATE], np.int8)[level[sig]]
    alt = np.array([VIEW, SHARE, MENTION, POST, CURATE], np.int8)[level[sig]]
    sig_kind = np.where(rng.random(len(sig)) < 0.75, top, alt).astype(np.int8)
    actor = np.concatenate([actor, sig.astype(np.int32)])
    week = np.concatenate([week, sig_week])
    kind = np.concatenate([kind, sig_kind])
    ts = _timestamps(model, actor, week)
    n_ev = len(actor)
    target = np.full(n_ev, -1, np.int32)
    channel = np.empty(n_ev, np.int32)
    thread = np.full(n_ev, -1, np.int64)

    # Posts: the author's habits choose the channel.
    post_ev = np.flatnonzero(kind == POST)
    author = actor[post_ev]
    scope = _draw_by_group(model.sprof[author], _POST_SCOPE, rng)
    channel[post_ev] = model.channel_of(scope, author)
    thread[post_ev] = post_ev
    posts = _PostIndex(model, post_ev, author, channel[post_ev], ts[post_ev])
    del author, scope

    # Responses to content: a channel the responder reads, then a post in it.
    resp = np.flatnonzero(np.isin(kind, np.array([VIEW, REACTION, SHARE, REPLY, CURATE], np.int8)))
    who = actor[resp]
    scope = _draw_by_group(model.sprof[who], _RESPONSE_SCOPE, rng)
    chosen = posts.draw(who, week[resp].astype(np.int64), model.channel_of(scope, who), scope)
    del scope
    channel[resp] = posts.chan[chosen]
    thread[resp] = posts.event[chosen]
    not_view = kind[resp] != VIEW
    target[resp[not_view]] = posts.author[chosen[not_view]]
    delay = rng.lognormal(np.log(5400.0), 1.2, len(resp)).astype(np.int64) + 30
    post_ts = posts.ts[chosen]
    when = np.maximum(ts[resp], post_ts + delay)
    late = when >= model.end  # answered after the window would end: somewhere in what is left of it
    room = np.maximum(model.end - 1 - post_ts[late], 1)
    when[late] = np.minimum(post_ts[late] + 1 + (rng.random(int(late.sum())) * room).astype(np.int64), model.end - 1)
    ts[resp] = when
    del resp, who, chosen, delay, not_view, post_ts, when

    # Joins: a channel in the person's usual scope.
    join = np.flatnonzero(kind == JOIN)
    scope = _draw_by_group(model.sprof[actor[join]], _RESPONSE_SCOPE, rng)
    channel[join] = model.channel_of(scope, actor[join])

    # Mentions: a person in the chosen scope, said in that scope's channel.
    men = np.flatnonzero(kind == MENTION)
    who = actor[men]
    scope = _draw_by_group(model.sprof[who], _RESPONSE_SCOPE, rng)
    channel[men] = model.channel_of(scope, who)
    tgt = model.person_in(scope, who)
    again = tgt == who
    tgt[again] = model.person_in(scope[again], who[again])
    # Silo departments are invisible from outside; nobody names someone not yet hired.
    outside_silo = plan.silo_department[h.department[tgt]] & (h.department[tgt] != h.department[who])
    tgt[outside_silo] = model.person_in(np.zeros(int(outside_silo.sum()), np.int8), who[outside_silo])
    unknown = (model.hire[tgt] > ts[men]) | (tgt == who)
    tgt[unknown] = model.person_in(np.zeros(int(unknown.sum()), np.int8), who[unknown])
    boss = np.where(h.manager[who] >= 0, h.manager[who], 1)
    unknown = (model.hire[tgt] > ts[men]) | (tgt == who)
    tgt[unknown] = boss[unknown]
    target[men] = tgt
    return EventArrays(actor, kind, ts, target, channel, thread, model.channels, model.community)
