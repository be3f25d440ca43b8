"""Who belongs to the organisation and who is an outside contact, decided once per person.

The rule, first that applies (``docs/identities.md``):

1. **directory**: when an HR directory is given, its people are the members and everyone
   else is external (the directory decides, whatever the addresses say);
2. **org domain**: the organisation's e-mail domains (``--org-domain``, subdomains count),
   or, when none is given, the domain **inferred** from the data (:func:`infer_org_domains`).
   A person known only by e-mail (or a table) is external when their address is outside the
   domains; an account on a chat platform (Slack, Teams, Mattermost, Viva Engage) belongs to
   the workspace and stays a member unless the platform flags it as a guest;
3. **platform**: otherwise the platforms' own guest flags (Slack ``is_restricted``, Mattermost
   ``system_guest``, Teams and Viva Engage guests), which the readers put in ``external``;
4. **none**: nothing says who is outside; everyone is a member.

External people keep their events (they feed "getting outside" and the external share) but
make no node of the graph (:class:`orgnet.graph.OrgGraph`).

Examples
--------
>>> import pandas as pd
>>> ids = [f"p{i}@x.org" for i in range(8)] + ["cy@y.com"]
>>> people = pd.DataFrame({"person": ids, "email": ids, "sources": "email"})
>>> activity = pd.DataFrame({"person": ids, "messages": [5, 3, 1, 1, 2, 4, 1, 1, 1]})
>>> external, m = decide_membership(people, activity)
>>> external.tolist()[-2:], m.rule, m.domains, m.inferred
([False, True], 'inferred domain', ('x.org',), True)
>>> m.note
'inferred from the senders: x.org: 8 of 9 senders (89%), 18 of 19 messages (95%)'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgnet.identity.resolve import _arrow, _email_array

__all__ = ["MAJORITY_ALPHA", "MEMBERSHIP_RULES", "PLATFORM_SOURCES", "WEBMAIL_DOMAINS", "Membership", "aligned",
           "decide_membership", "email_domains", "in_domains", "infer_org_domains", "person_addresses"]

#: The rules membership can come from, in the order they are tried.
MEMBERSHIP_RULES: tuple[str, ...] = ("directory", "org domain", "inferred domain", "platform", "none")

#: Public webmail domains: never inferred as an organisation's domain (give them with
#: ``--org-domain`` if an organisation really uses one). ``name.*`` stands for any suffix
#: (``yahoo.co.uk``, ``gmx.de``).
WEBMAIL_DOMAINS: tuple[str, ...] = (
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.*", "live.*", "msn.com", "yahoo.*", "ymail.com",
    "aol.com", "icloud.com", "me.com", "mac.com", "gmx.*", "web.de", "mail.ru", "yandex.*", "qq.com",
    "163.com", "126.com", "protonmail.com", "proton.me", "zoho.com", "fastmail.com",
)

#: Significance of the "clear majority" of senders a domain needs to be inferred.
MAJORITY_ALPHA = 0.05

#: Sources whose accounts belong to a workspace: members unless the platform flags them as guests.
PLATFORM_SOURCES: frozenset[str] = frozenset({"slack", "teams", "mattermost", "viva_engage"})


@dataclass(frozen=True)
class Membership:
    """How membership was decided, and what it gave (the report's membership statement).

    Attributes
    ----------
    rule : str
        One of :data:`MEMBERSHIP_RULES`.
    domains : tuple of str
        The organisation's e-mail domains used (given or inferred); empty when none.
    inferred : bool
        The domains were inferred from the data (no ``--org-domain``, no directory).
    members, external, non_human : int
        People who are graph members (neither external nor non-human), outside contacts, and
        accounts with non-human evidence (lists, announcements, no-reply, newsletters, bots),
        outside contacts among them.
    non_human_evidence : dict of str to int
        Non-human senders per kind of evidence (``address pattern``, ``platform flag``,
        ``list headers``, ``fan-out``, ``never replies``, ``listed by the user``); a sender with
        several kinds counts under each.
    kept : int
        Senders the user kept as people (``--keep-sender``) although evidence said otherwise.
    evidence : dict of str to int
        For an inferred domain: ``senders`` and ``messages`` (all e-mail senders and their
        messages) and ``domain_senders``, ``domain_messages`` (those of the domain).
    note : str
        What was decided, or why nothing could be inferred, as short data.
    """

    rule: str
    domains: tuple[str, ...] = ()
    inferred: bool = False
    members: int = 0
    external: int = 0
    non_human: int = 0
    non_human_evidence: dict[str, int] = field(default_factory=dict)
    kept: int = 0
    evidence: dict[str, int] = field(default_factory=dict)
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The statement as plain JSON-ready data."""
        return {"rule": self.rule, "domains": list(self.domains), "inferred": self.inferred,
                "members": self.members, "external": self.external, "non_human": self.non_human,
                "non_human_evidence": dict(self.non_human_evidence), "kept": self.kept,
                "evidence": dict(self.evidence), "note": self.note}


def person_addresses(people: pd.DataFrame) -> pa.Array:
    """Each person's normalised e-mail address (null without one), from ``email`` or the id.

    Normalising is the costly part of reading addresses (regular expressions over every
    person): the steps of :func:`orgnet.load.mark_people` do it once and pass the result on.

    Examples
    --------
    >>> person_addresses(pd.DataFrame({"person": ["U1", "Ana@X.org"], "email": [None, None]})).to_pylist()
    [None, 'ana@x.org']
    """
    email = _email_array(_arrow(people["email"])) if "email" in people.columns else pa.nulls(len(people), pa.string())
    return pc.coalesce(email, _email_array(_arrow(people["person"])))


def email_domains(people: pd.DataFrame, addresses: pa.Array | None = None) -> pd.Series:
    """Each person's e-mail domain (lower case; null without an address).

    Parameters
    ----------
    people : pandas.DataFrame
        ``person`` and, when known, ``email``.
    addresses : pyarrow.Array, optional
        :func:`person_addresses` of ``people``, when already computed.

    Examples
    --------
    >>> email_domains(pd.DataFrame({"person": ["U1", "Ana@X.org"], "email": [None, None]})).tolist()
    [<NA>, 'x.org']
    """
    email = person_addresses(people) if addresses is None else addresses
    domain = pc.struct_field(pc.extract_regex(email, r"@(?P<d>[^@]+)$"), [0])
    return pd.Series(pd.array(domain, dtype="string"), index=people.index)


def in_domains(domains: pd.Series, org_domains: Sequence[str]) -> np.ndarray:
    """Whether each domain is one of ``org_domains`` or a subdomain of one (null: False).

    Examples
    --------
    >>> in_domains(pd.Series(["enron.com", "ect.enron.com", "notenron.com", None]), ["enron.com"]).tolist()
    [True, True, False, False]
    """
    arr = _arrow(domains)
    wanted = [d.strip().lower().lstrip("@") for d in org_domains if d.strip()]
    ok = pc.is_in(arr, value_set=pa.array(wanted, pa.string()))
    for d in wanted:
        ok = pc.or_(ok, pc.ends_with(arr, "." + d))
    return np.asarray(pc.fill_null(ok, False).to_numpy(zero_copy_only=False), dtype=bool)


def _roots(domains: pd.Series) -> pd.Series:
    """Each domain's shortest parent domain (itself included) that is also an address domain in the data.

    ``ect.enron.com`` counts with ``enron.com`` when someone has an ``@enron.com`` address;
    ``co.uk`` or ``com`` never do, since nobody's address ends there. One pass over the
    distinct domains (thousands), not over people.
    """
    distinct = domains.dropna().unique()
    known = set(distinct.tolist())
    root = {}
    for d in distinct.tolist():
        labels = d.split(".")
        root[d] = next((".".join(labels[i:]) for i in range(len(labels) - 1, -1, -1)
                        if ".".join(labels[i:]) in known), d)
    return domains.map(root).astype("string")


def infer_org_domains(people: pd.DataFrame, activity: pd.DataFrame, not_people: np.ndarray | None = None, *,
                      addresses: pa.Array | None = None) -> tuple[tuple[str, ...], dict[str, int], str]:
    """The organisation's e-mail domain, when one dominates the senders.

    A domain (with its subdomains) **dominates** when its senders sent more messages than those
    of any other domain (plurality) **and** it holds a clear majority of the distinct senders:
    more than half, and significantly so (one-sided binomial test against one half at
    :data:`MAJORITY_ALPHA`; 9 of 17 senders is not clear, 381 of 639 is). Public webmail
    domains (:data:`WEBMAIL_DOMAINS`) are never inferred. Addresses that look non-human and
    chat accounts (``not_people``) are left out of both counts.
    Nothing is inferred otherwise (a mailing-list archive, a personal mailbox with mostly
    outside correspondents): the note says so with the figures.

    Parameters
    ----------
    people : pandas.DataFrame
        ``person`` and ``email`` (the resolved people table).
    activity : pandas.DataFrame
        ``person`` and ``messages`` (:func:`orgnet.identity.activity.sender_activity`).
    not_people : numpy.ndarray of bool, optional
        Aligned with ``people``: addresses to leave out of the counts.
    addresses : pyarrow.Array, optional
        :func:`person_addresses` of ``people``, when already computed.

    Returns
    -------
    domains : tuple of str
        The inferred domain, or empty.
    evidence : dict of str to int
        ``senders``, ``messages``, ``domain_senders``, ``domain_messages``.
    note : str
        What was inferred and why, or why not.
    """
    domain = email_domains(people, addresses)
    roots = _roots(domain)
    sent = aligned(people, activity, "messages", 0).astype(np.int64)
    senders = (sent > 0) & roots.notna().to_numpy()
    if not_people is not None:
        senders &= ~not_people
    if not senders.any():
        return (), {}, "no e-mail senders to infer a domain from"
    from scipy.stats import binom

    frame = pd.DataFrame({"root": roots[senders].to_numpy(), "messages": sent[senders]})
    by_root = frame.groupby("root").agg(senders=("messages", "size"), messages=("messages", "sum"))
    by_root = by_root.sort_values(["messages", "senders"], ascending=False, kind="stable")
    top = str(by_root.index[0])
    n_senders, n_messages = int(senders.sum()), int(frame["messages"].sum())
    top_senders, top_messages = int(by_root["senders"].iloc[0]), int(by_root["messages"].iloc[0])
    evidence = {"senders": n_senders, "messages": n_messages,
                "domain_senders": top_senders, "domain_messages": top_messages}
    figures = (f"{top}: {top_senders} of {n_senders} senders ({top_senders / n_senders:.0%}), "
               f"{top_messages} of {n_messages} messages ({top_messages / n_messages:.0%})")
    if _webmail(top):
        return (), evidence, f"the busiest domain is public webmail, not an organisation's ({figures})"
    if 2 * top_senders > n_senders and binom.sf(top_senders - 1, n_senders, 0.5) < MAJORITY_ALPHA:
        return (top,), evidence, f"inferred from the senders: {figures}"
    return (), evidence, f"no domain holds a clear majority of the senders (largest {figures})"


def _webmail(domain: str) -> bool:
    labels = domain.split(".")
    for pattern in WEBMAIL_DOMAINS:
        head, _, tail = pattern.partition(".")
        if (tail == "*" and head in labels[:-1]) or domain == pattern or domain.endswith("." + pattern):
            return True
    return False


def aligned(people: pd.DataFrame, activity: pd.DataFrame | None, column: str | list[str], fill: float) -> np.ndarray:
    """``activity`` column(s) lined up with ``people`` by person id (``fill`` for people who sent nothing).

    One hash look-up of the ids in Arrow (pandas' map on string indexes is far slower at a
    million people); several columns give a 2-D array, one column per name.

    Examples
    --------
    >>> aligned(pd.DataFrame({"person": ["b", "a", "c"]}), pd.DataFrame({"person": ["a", "b"], "messages": [3, 5]}),
    ...         "messages", 0).tolist()
    [5.0, 3.0, 0.0]
    """
    columns = [column] if isinstance(column, str) else list(column)
    out = np.full((len(people), len(columns)), fill, dtype=float)
    if activity is not None and len(activity):
        where = pc.index_in(_arrow(people["person"]), value_set=_arrow(activity["person"]))
        found = np.asarray(pc.fill_null(where, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
        hit = found >= 0
        out[hit] = activity[columns].to_numpy(dtype=float)[found[hit]]
    return out[:, 0] if isinstance(column, str) else out


def decide_membership(
    people: pd.DataFrame,
    activity: pd.DataFrame,
    *,
    directory: pd.DataFrame | None = None,
    org_domains: Sequence[str] | None = None,
    not_people: np.ndarray | None = None,
    addresses: pa.Array | None = None,
) -> tuple[np.ndarray, Membership]:
    """Decide who is external (see the module notes for the rule).

    Parameters
    ----------
    people : pandas.DataFrame
        The resolved people table: ``person``, ``email``, ``sources`` and, when a reader set
        it, ``external`` (platform guest flags).
    activity : pandas.DataFrame
        Per-sender ``person`` and ``messages``, for inferring the domain.
    directory : pandas.DataFrame, optional
        The normalised HR directory (``person`` column): its people are the members.
    org_domains : sequence of str, optional
        The organisation's e-mail domains; inferred from the data when not given.
    not_people : numpy.ndarray of bool, optional
        Addresses to leave out when inferring the domain (non-human address patterns).
    addresses : pyarrow.Array, optional
        :func:`person_addresses` of ``people``, when already computed.

    Returns
    -------
    external : numpy.ndarray of bool
        Aligned with ``people``.
    membership : Membership
        The rule and domains (counts of members and non-human senders are filled in by the
        caller, once non-human senders are known).
    """
    n = len(people)
    flagged = np.zeros(n, dtype=bool)
    if "external" in people.columns:
        flagged = people["external"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    if directory is not None and len(directory):
        listed = pc.is_in(_arrow(people["person"]), value_set=_arrow(directory["person"].astype("string")))
        external = ~np.asarray(pc.fill_null(listed, False).to_numpy(zero_copy_only=False), dtype=bool)
        return external, Membership("directory", note="the directory's people are the members")
    sources = people["sources"].astype("string").fillna("") if "sources" in people.columns \
        else pd.Series("", index=people.index, dtype="string")
    platform_re = "(?:^|,)(?:" + "|".join(sorted(PLATFORM_SOURCES)) + ")(?:,|$)"
    on_platform = sources.str.contains(platform_re, regex=True).fillna(False).to_numpy(dtype=bool)
    given = tuple(d.strip().lower().lstrip("@") for d in (org_domains or ()) if d and d.strip())
    evidence: dict[str, int] = {}
    domains, note = given, "given with --org-domain"
    if not given:
        # Inferred from e-mail senders only: a chat account's profile address says nothing of membership.
        skip = on_platform if not_people is None else on_platform | not_people
        domains, evidence, note = infer_org_domains(people, activity, skip, addresses=addresses)
    if domains:
        domain = email_domains(people, addresses)
        outside = domain.notna().to_numpy(dtype=bool) & ~in_domains(domain, domains)
        external = flagged | (outside & ~on_platform)
        rule = "inferred domain" if not given else "org domain"
        return external, Membership(rule, domains=domains, inferred=not given, evidence=evidence, note=note)
    rule = "platform" if on_platform.any() or flagged.any() else "none"
    return flagged, Membership(rule, evidence=evidence, note=note)
