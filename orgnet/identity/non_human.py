"""Distribution lists, announcement and no-reply addresses, newsletters and bots, found from evidence in the data.

Each kind of evidence is read off the people table and the per-sender activity
(:func:`orgnet.identity.activity.sender_activity`), with vectorised operations over distinct
people. The evidence is kept as short data (``"address pattern: no-reply"``,
``"fan-out: median 38 recipients (org median 1)"``), semicolon-joined.

When the evidence is strong enough (documented in ``docs/identities.md``):

* **alone**: an address pattern (:data:`ADDRESS_PATTERNS`, :data:`DOMAIN_PATTERNS`, and
  :data:`NAME_PATTERNS` in display names), a platform
  flag (``is_bot``, Slackbot), list headers on most of the sender's messages (more than half,
  and significantly more than the data's own share: a one-sided binomial test at 5% after a
  Bonferroni correction over the senders; a mailing-list archive, where every message carries
  them, flags nobody), or the user's own list (``--non-human FILE``);
* **only together**: fan-out far above everyone else's (a modified z-score of at least 3.5,
  Iglewicz & Hoaglin 1993, on ``log(1 + median recipients per message)`` across senders) and
  never replying (no reply among ``n`` messages while the chance of that at the data's own
  reply rate ``p`` is below 1%: ``(1 - p)^n < 0.01``; with no replies in the data at all, this
  says nothing). A broadcast alone may be a manager's announcement; silence alone may be a
  quiet person.

``--keep-sender`` keeps a sender as a person whatever the evidence.

Examples
--------
>>> import pandas as pd
>>> people = pd.DataFrame({"person": ["no-reply@x.org", "ana@x.org", "U1"], "email": [None, None, None],
...                        "is_bot": [None, None, True]})
>>> non_human_evidence(people).tolist()
['address pattern: no-reply', '', 'platform flag: is_bot']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgnet.identity.membership import aligned, person_addresses
from orgnet.identity.resolve import _arrow, _normalise_ids
from orgnet.metrics.robust import modified_z as _modified_z

__all__ = ["ADDRESS_PATTERNS", "DOMAIN_PATTERNS", "EVIDENCE_KINDS", "NAME_PATTERNS", "PERSONAL_NAME", "ROLE_LOCAL_PARTS",
           "ROLE_NAME_PATTERNS", "address_evidence", "evidence_kinds", "match_ids", "non_human_evidence"]

_SEP = r"[._+=-]"
#: A word ends at the end, a separator or a digit (noreply2, news-1).
_END = r"(?:$|[._+=-]|[0-9])"

#: Local-part patterns of non-personal addresses: (evidence name, RE2 pattern on the lower-cased
#: local part). Whole words only (between ``. _ + = -``, or before a digit), so ``newsome`` or
#: ``lista`` never match while ``noreply2`` does.
ADDRESS_PATTERNS: tuple[tuple[str, str], ...] = (
    ("no-reply", rf"(?:^|{_SEP})(?:no|do{_SEP}?not){_SEP}?reply{_END}"),
    ("mailer-daemon", rf"^mailer{_SEP}?daemon{_END}"),
    ("postmaster", rf"^postmaster{_END}"),
    ("no address", rf"^no{_SEP}?address{_END}"),
    ("announcements", rf"(?:^|{_SEP})announce"),
    ("newsletter", rf"(?:^|{_SEP})newsletters?{_END}"),
    ("news", rf"(?:^|{_SEP})news{_END}"),
    # "list" only between hyphens or underscores: dan.list@ is a person called List
    # ("lists@" alone is a role word below: a person's own list-subscription alias keeps its name)
    ("mailing list", rf"[-_+]lists?(?:$|[-_+])|^lists?[-_+]|(?:^|{_SEP})(?:listserv|majordomo|mailman){_END}"
                     r"|-(?:request|owner)$|^owner-"),
    # dl-ga-all_domestic, all_houston, all.employees, everyone@: addressed to a whole group
    # dl as a whole word anywhere: credit.dl-rac, users.dl-01v (Exchange distribution lists)
    ("distribution list", rf"(?:^|{_SEP})dl{_END}|(?:^|[-_+])(?:all|everyone)(?:$|[-_+])|^all\.|^everyone\."),
    ("bounces", rf"(?:^|{_SEP})bounces?{_END}"),
    ("notifications", rf"(?:^|{_SEP})notif(?:y|ications?){_END}"),
    ("alerts", rf"(?:^|{_SEP})alerts?{_END}"),
    ("digest", rf"(?:^|{_SEP})digest{_END}"),
    ("updates", rf"(?:^|{_SEP})updates?{_END}"),
    ("webmaster", rf"^webmaster{_END}"),
)

#: Whole local parts that name a role, not a person: the mailbox names of RFC 2142 (info, sales,
#: support, abuse, noc, security, hostmaster, usenet, www, ...), the list names list managers give
#: by convention (Apache, Mailman, Google Groups: dev, users, private, commits, issues, general,
#: discuss) and the tools that mail on their own (jira, jenkins, buildbot, gitbox). A trailing number
#: is allowed (users2). Such an address with a personal display name ("Holger Schramm
#: <lists@schramm.by>") stays a person: see :data:`PERSONAL_NAME`.
ROLE_LOCAL_PARTS: tuple[str, ...] = (
    "info", "marketing", "sales", "support", "abuse", "noc", "security", "hostmaster", "usenet", "uucp", "ftp",
    "www", "admin", "administrator", "root", "office", "contact", "hr", "helpdesk", "help", "list", "lists",
    "dev", "devel", "developers", "user", "users", "private", "commits", "cvs", "svn", "git", "gitbox", "issues",
    "general", "discuss", "discussion", "jira", "jenkins", "hudson", "buildbot", "build", "builds", "ci", "bugs",
    "bugzilla", "github",
)
_ROLE_LOCAL = r"^(?:" + "|".join(ROLE_LOCAL_PARTS) + r")[0-9]*$"

#: Display-name phrases of departments, role mailboxes, lists and build tools (on the lower-cased
#: name, words joined by dots): "Human Resources", "Enron Messaging Administration", "Office of
#: the Chairman", "Enron Media Services", "Body Shop", "Commons Developers List", "Asterix build
#: server", "Tibor Digana (JIRA)" (a tool mailing on a person's behalf). Whole words only.
_W0, _W1 = r"(?:^|[^a-z0-9])", r"(?:$|[^a-z0-9])"
ROLE_NAME_PATTERNS: tuple[tuple[str, str], ...] = (
    ("office or service", _W0 + r"(?:administration|human\.resources|office\.of\.the|services|department|committee"
                   r"|help\.?desk|service\.desk|support\.team|shop)" + _W1),
    ("list", _W0 + r"(?:developers?|users?|commits?|dev|private|general|discussion|announce\w*|mailing|project"
             r"|management|committee)\.list" + _W1),
    ("build server", _W0 + r"(?:build\.?(?:server|bot|farm|system)|jenkins|hudson|buildbot|jira|gitbox|bugzilla)"
                     + _W1 + r"|\[bot\]$"),
)

#: A personal display name: two to four words, each a capitalised name ("Holger Schramm",
#: "Mary-Ann O'Neil", "Derrick Jr., James"), none a role phrase. It keeps a role-word address
#: (:data:`ROLE_LOCAL_PARTS`) a person; it never outweighs the other evidence.
PERSONAL_NAME = r"^[A-Z][\w'.-]*,?(?: [A-Z][\w'.-]*,?){1,3}$"

#: The address patterns also looked for in display names ("Enron Announcements", "Mailer-Daemon"):
#: those no person's name is made of (a person may be called News or List).
NAME_PATTERNS: tuple[str, ...] = ("no-reply", "mailer-daemon", "postmaster", "announcements", "newsletter",
                                  "notifications", "digest", "webmaster")

#: Domain patterns of list servers: a label such as ``lists.`` or ``mailman.`` before the domain.
DOMAIN_PATTERNS: tuple[tuple[str, str], ...] = (
    ("list server", r"(?:^|\.)(?:lists?|listserv|mailman|majordomo|bounces?)\."),
)

#: The kinds of evidence, as they open each entry of ``non_human``.
EVIDENCE_KINDS: tuple[str, ...] = ("address pattern", "name pattern", "platform flag", "list headers", "listed by the user",
                                   "fan-out", "never replies")

#: Modified z-score (Iglewicz & Hoaglin 1993) from which a sender's fan-out is an outlier.
FANOUT_Z = 3.5
#: Chance of never replying at the data's reply rate below which silence is evidence.
NEVER_REPLIES_P = 0.01
#: Family-wise error rate of the list-header test (Bonferroni over the senders).
LIST_HEADERS_ALPHA = 0.05

_NONE = pa.scalar(None, pa.string())


def address_evidence(people: pd.DataFrame, addresses: pa.Array | None = None) -> pd.Series:
    """``"address pattern: <name>"`` for addresses matching a pattern, ``""`` otherwise.

    The address is the person's ``email`` (or the id when it is one; ``addresses``: already
    normalised, see :func:`orgnet.identity.membership.person_addresses`); a display name
    matching one of :data:`NAME_PATTERNS` gives ``"name pattern: <name>"``.

    Examples
    --------
    >>> address_evidence(pd.DataFrame({"person": ["announcements.enron@enron.com", "arsystem@mailman.enron.com",
    ...                                            "newsome@x.org"]})).tolist()
    ['address pattern: announcements', 'address pattern: list server', '']
    >>> address_evidence(pd.DataFrame({"person": ["lists@schramm.by", "users@maven.apache.org", "resources.human@x.com"],
    ...                                "name": ["Holger Schramm", None, "Human Resources"]})).tolist()
    ['', 'address pattern: role address', 'name pattern: office or service']
    """
    email = person_addresses(people) if addresses is None else addresses
    parts = pc.extract_regex(email, r"^(?P<local>[^@]*)@(?P<domain>.*)$")
    local, domain = pc.struct_field(parts, [0]), pc.struct_field(parts, [1])
    # A display name's words joined by dots reads like a local part: "enron.announcements".
    name = pa.nulls(len(people), pa.string())
    personal = pa.repeat(pa.scalar(False), len(people))
    if "name" in people.columns:
        raw = pc.utf8_trim_whitespace(_arrow(people["name"]))
        name = pc.replace_substring_regex(pc.utf8_lower(raw), r"\s+", ".")
        role_name = pc.match_substring_regex(name, "|".join(f"(?:{p})" for _, p in ROLE_NAME_PATTERNS))
        personal = pc.fill_null(pc.and_(pc.match_substring_regex(raw, PERSONAL_NAME), pc.invert(role_name)), False)
    # A role word as the whole local part, unless a personal display name goes with it.
    role_local = pc.if_else(personal, _NONE, local)
    checks = [("address pattern", ADDRESS_PATTERNS, local), ("address pattern", DOMAIN_PATTERNS, domain),
              ("address pattern", (("role address", _ROLE_LOCAL),), role_local),
              ("name pattern", tuple((n, p) for n, p in ADDRESS_PATTERNS if n in NAME_PATTERNS) + ROLE_NAME_PATTERNS,
               name)]
    # One pass of all patterns together finds the few hits; each pattern then runs on those only.
    hit = np.zeros(len(people), dtype=bool)
    for _, patterns, column in checks:
        either = pc.match_substring_regex(column, "|".join(f"(?:{p})" for _, p in patterns))
        hit |= np.asarray(pc.fill_null(either, False).to_numpy(zero_copy_only=False), dtype=bool)
    out = np.full(len(people), "", dtype=object)
    rows = np.flatnonzero(hit)
    if len(rows):
        take = pa.array(rows)
        found = pa.nulls(len(rows), pa.string())
        for kind, patterns, column in checks:
            sub = column.take(take)
            for label, regex in patterns:
                match = pc.fill_null(pc.match_substring_regex(sub, regex), False)
                found = pc.if_else(pc.and_(match, pc.is_null(found)), pa.scalar(f"{kind}: {label}"), found)
        out[rows] = found.to_pylist()
    return pd.Series(out, index=people.index, dtype="string")


def _platform_evidence(people: pd.DataFrame) -> pd.Series:
    bot = np.zeros(len(people), dtype=bool)
    if "is_bot" in people.columns:
        bot = people["is_bot"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    slackbot = (people["person"].astype("string") == "USLACKBOT").fillna(False).to_numpy(dtype=bool)
    out = np.where(slackbot, "platform flag: Slackbot", np.where(bot, "platform flag: is_bot", ""))
    return pd.Series(out, index=people.index, dtype="string")


def _list_header_evidence(people: pd.DataFrame) -> pd.Series:
    # Per-sender counts from the e-mail readers (messages sent, and those with List-Id,
    # Precedence: bulk/list or List-Unsubscribe); absent for other sources.
    out = pd.Series("", index=people.index, dtype="string")
    if not {"sent", "bulk_sent"} <= set(people.columns):
        return out
    sent = pd.to_numeric(people["sent"], errors="coerce").fillna(0).to_numpy(dtype=float)
    bulk = np.minimum(pd.to_numeric(people["bulk_sent"], errors="coerce").fillna(0).to_numpy(dtype=float), sent)
    senders = sent > 0
    if not senders.any() or sent.sum() == 0:
        return out
    from scipy.stats import binom

    base = bulk.sum() / sent.sum()
    if base >= 1:
        return out
    p = np.ones(len(sent))
    p[senders] = binom.sf(bulk[senders] - 1, sent[senders], base)
    hit = senders & (2 * bulk > sent) & (p < LIST_HEADERS_ALPHA / senders.sum())
    if hit.any():
        share = np.round(100 * bulk[hit] / sent[hit]).astype(int).astype(str)
        out[hit] = "list headers on " + pd.Series(share, dtype="string").to_numpy() + "% of " \
            + pd.Series(sent[hit].astype(int).astype(str), dtype="string").to_numpy() + " messages"
    return out


def _activity_evidence(people: pd.DataFrame, activity: pd.DataFrame | None,
                       ) -> tuple[np.ndarray, np.ndarray, Callable[[np.ndarray], tuple[list[str], list[str]]]]:
    """Fan-out outliers and senders who never reply (masks), and a function wording both for some rows.

    The words are made only for the rows that end up flagged: a million senders' worth of
    strings would cost more than every test here.
    """
    n = len(people)
    none = np.zeros(n, dtype=bool)
    if activity is None or not len(activity):
        return none, none, lambda rows: ([""] * len(rows), [""] * len(rows))
    org = activity["fanout"].to_numpy(dtype=float)
    timed = np.isfinite(org)
    z_all = np.full(len(activity), np.nan)
    if timed.sum() >= 3:
        # The z-score of each sender against all senders' (log) median fan-outs.
        z_all[timed] = _modified_z(np.log1p(org[timed]))
    table = aligned(people, activity.assign(z=z_all), ["messages", "replies", "fanout", "z"], np.nan)
    messages, replies = np.nan_to_num(table[:, 0]), np.nan_to_num(table[:, 1])
    fanout, z = table[:, 2], table[:, 3]
    org_median = float(np.median(org[timed])) if timed.any() else np.nan
    fan, never = none, none
    if timed.sum() >= 3:
        fan = np.isfinite(fanout) & (np.nan_to_num(z) >= FANOUT_Z) & (fanout > org_median)
    total, total_replies = activity["messages"].sum(), activity["replies"].sum()
    rate = total_replies / total if total else 0.0
    if 0 < rate < 1:
        never = (messages > 0) & (replies == 0) & ((1 - rate) ** messages < NEVER_REPLIES_P)

    def words(rows: np.ndarray) -> tuple[list[str], list[str]]:
        return ([f"fan-out: median {v:g} recipients (org median {org_median:g})" if f else ""
                 for v, f in zip(fanout[rows], fan[rows], strict=True)],
                [f"never replies: 0 of {int(m)} messages are replies (org: {rate:.0%})" if f else ""
                 for m, f in zip(messages[rows], never[rows], strict=True)])

    return fan, never, words


def match_ids(people: pd.DataFrame, ids: Iterable[str], addresses: pa.Array | None = None) -> np.ndarray:
    """People matched by any of ``ids``: their id, their e-mail (any case) or a merged alias.

    Examples
    --------
    >>> match_ids(pd.DataFrame({"person": ["ana@x.org", "U1"], "email": ["ana@x.org", None]}), ["ANA@x.org"]).tolist()
    [True, False]
    """
    wanted = _normalise_ids(pd.Series(list(ids), dtype="string")).dropna()
    if not len(wanted):
        return np.zeros(len(people), dtype=bool)
    pool = _arrow(wanted)
    hit = pc.fill_null(pc.is_in(_arrow(people["person"].astype("string").str.strip()), value_set=pool), False)
    email = person_addresses(people) if addresses is None else addresses
    hit = pc.or_(hit, pc.fill_null(pc.is_in(email, value_set=pool), False))
    out = np.asarray(hit.to_numpy(zero_copy_only=False), dtype=bool)
    if "also_known_as" in people.columns:
        aka = people["also_known_as"].astype("string").fillna("")
        pairs = aka.str.split(";").explode()
        found = pairs[pairs.isin(set(wanted.tolist()))].index.unique()
        out[people.index.get_indexer(found)] = True
    return out


def non_human_evidence(
    people: pd.DataFrame,
    activity: pd.DataFrame | None = None,
    *,
    keep: Iterable[str] = (),
    add: Iterable[str] = (),
    addresses: pa.Array | None = None,
) -> pd.Series:
    """The evidence that each person is not a person, ``""`` for people (see the module notes).

    Parameters
    ----------
    people : pandas.DataFrame
        The resolved people table (``person``, ``email`` and any platform or e-mail columns:
        ``is_bot``, ``sent``, ``bulk_sent``).
    activity : pandas.DataFrame, optional
        Per-sender ``person``, ``messages``, ``replies``, ``fanout``
        (:func:`orgnet.identity.activity.sender_activity`); without it, fan-out and replies are
        not looked at.
    keep : iterable of str
        Ids or e-mails kept as people whatever the evidence (``--keep-sender``).
    add : iterable of str
        Ids or e-mails the user says are not people (``--non-human FILE``).
    addresses : pyarrow.Array, optional
        :func:`orgnet.identity.membership.person_addresses` of ``people``, when already computed.

    Returns
    -------
    pandas.Series
        Strings aligned with ``people``: semicolon-joined evidence, ``""`` for people.
    """
    if addresses is None:
        addresses = person_addresses(people)
    address = address_evidence(people, addresses)
    platform = _platform_evidence(people)
    headers = _list_header_evidence(people)
    listed = pd.Series(np.where(match_ids(people, add, addresses), "listed by the user", ""), index=people.index,
                       dtype="string")
    fan_hit, never_hit, words = _activity_evidence(people, activity)
    strong = ((address != "") | (platform != "") | (headers != "") | (listed != "")).to_numpy(dtype=bool)
    flagged = (strong | (fan_hit & never_hit)) & ~match_ids(people, keep, addresses)
    out = np.full(len(people), "", dtype=object)
    rows = np.flatnonzero(flagged)
    if len(rows):
        fan, never = (pd.Series(w, dtype="string") for w in words(rows))
        # All kinds side by side, then the separators of the empty ones taken out.
        parts = pd.concat([s.iloc[rows].reset_index(drop=True) for s in (platform, headers, listed)] + [fan, never],
                          axis=1)
        joined = address.iloc[rows].reset_index(drop=True).str.cat(parts, sep="; ")
        out[rows] = joined.str.replace(r"(?:; )+", "; ", regex=True).str.strip("; ").to_numpy(dtype=object)
    return pd.Series(out, index=people.index, dtype="string")


def evidence_kinds(non_human: pd.Series) -> dict[str, int]:
    """Non-human senders per kind of evidence (a sender with several kinds counts under each).

    Examples
    --------
    >>> evidence_kinds(pd.Series(["address pattern: news; fan-out: median 9 recipients (org median 1)", "", \
"platform flag: is_bot"]))
    {'address pattern': 1, 'platform flag': 1, 'fan-out': 1}
    """
    flagged = non_human[non_human.fillna("") != ""].astype(str)
    return {kind: int(n) for kind in EVIDENCE_KINDS
            if (n := flagged.str.contains(rf"(?:^|; ){kind}", regex=True).sum())}
