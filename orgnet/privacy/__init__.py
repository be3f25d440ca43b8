"""Privacy, applied at the edges: opt-out right after reading, pseudonyms and suppression before writing.

Every finding refers to people by node code and to groups by group code (:mod:`orgnet.findings.model`),
so the privacy transforms only touch the two places that hold identities and labels — the people
table and the groupings — and remove codes where a group must not appear. Nothing searches text
for names; nothing written later can leak what was hidden, because the report words its sentences
from the transformed findings.

* :mod:`~orgnet.privacy.keys`: keys, fingerprints, keyed pseudonyms.
* :mod:`~orgnet.privacy.reidentify`: matching pseudonyms against candidates, with the key.
* :mod:`~orgnet.privacy.optout`: removing opted-out people before analysis.
* :mod:`~orgnet.privacy.pseudonymize`: the people table and group labels, mapped once.
* :mod:`~orgnet.privacy.suppression`: small groups removed from every section.
* :mod:`~orgnet.privacy.aggregate`: no individual at all.

The rules are documented in ``docs/privacy.md``.

Examples
--------
>>> from orgnet.findings import analyze
>>> from orgnet.synthetic import toy_org
>>> f = analyze(toy_org().events, directory=toy_org().directory)
>>> p = apply_privacy(f, pseudonymize=True, key=b"0123456789abcdef-example-key", min_group_size=5)
>>> p.summary.privacy["pseudonymised"], p.summary.privacy["groups_suppressed"]
(True, {'community': 2, 'department': 3})
>>> f.summary.privacy
{}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from orgnet.findings.model import Findings
from orgnet.privacy.aggregate import aggregate_only
from orgnet.privacy.keys import MIN_KEY_BYTES, Pseudonymizer, key_fingerprint, load_key
from orgnet.privacy.optout import Exclusion, exclude_people, read_exclusion_list
from orgnet.privacy.pseudonymize import DEFAULT_KEEP_ATTRIBUTES, kept_attributes, pseudonymize_findings
from orgnet.privacy.reidentify import read_candidates, reidentify
from orgnet.privacy.suppression import suppress_small_groups, suppressed_groups

__all__ = [
    "CONTENT_STATEMENT",
    "DEFAULT_KEEP_ATTRIBUTES",
    "MIN_KEY_BYTES",
    "Exclusion",
    "Pseudonymizer",
    "aggregate_only",
    "apply_privacy",
    "exclude_people",
    "key_fingerprint",
    "load_key",
    "pseudonymize_findings",
    "read_candidates",
    "read_exclusion_list",
    "reidentify",
    "suppress_small_groups",
    "suppressed_groups",
]

#: What every report says about content (``summary.privacy["content"]``).
CONTENT_STATEMENT = "metadata only: message bodies, subjects and file names are never kept or written"


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
    keep_labels: bool = False,
) -> Findings:
    """The privacy transforms run right before writing, in order, and ``summary.privacy`` saying what was done.

    Pseudonymise (when asked), suppress small groups (always; ``min_group_size`` 0 or 1 turns
    it off), then reduce to aggregates (when asked).

    Parameters
    ----------
    findings : Findings
        From :func:`orgnet.findings.analyze`.
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
    keep_labels : bool
        When pseudonymising, keep the group labels of kept attributes (those naming a member
        are replaced all the same; see :func:`pseudonymize_findings`).

    Returns
    -------
    Findings
        A new object (the input is left as it was) with ``summary.privacy``: ``pseudonymised``,
        ``key_fingerprint``, ``pseudonym``, ``attributes_kept``, ``min_group_size``,
        ``groups_suppressed`` (kind -> count), ``suppression_rule``, ``people_excluded``,
        ``aggregate_only``, ``aggregated``, ``labels``, ``labels_replaced`` and ``content``.

    Raises
    ------
    ValueError
        ``pseudonymize`` without a key.
    """
    if pseudonymize:
        if key is None:
            raise ValueError("pseudonymisation needs a key (--key-file FILE or ORGNET_KEY)")
        findings = pseudonymize_findings(findings, Pseudonymizer(key), keep_attributes=keep_attributes,
                                         drop=drop_attributes, keep_labels=keep_labels)
    findings = suppress_small_groups(findings, min_group_size)
    if aggregate:
        findings = aggregate_only(findings)
    done = findings.summary.privacy
    privacy = {
        "pseudonymised": bool(pseudonymize),
        "key_fingerprint": done.get("key_fingerprint") if pseudonymize else None,
        "pseudonym": done.get("pseudonym") if pseudonymize else None,
        "attributes_kept": kept_attributes(keep_attributes, drop_attributes) if pseudonymize else "all",
        "min_group_size": done["min_group_size"],
        "groups_suppressed": done["groups_suppressed"],
        "groups_below_size": done.get("groups_below_size", {}),
        "suppression_rule": done["suppression_rule"],
        "people_excluded": people_excluded,
        "aggregate_only": bool(aggregate),
        "aggregated": done.get("aggregated") if aggregate else None,
        "content": CONTENT_STATEMENT,
        "labels": done.get("labels") if pseudonymize else "kept",
        "labels_replaced": done.get("labels_replaced") if pseudonymize else None,
    }
    # suppress_small_groups returned a summary of its own: replacing its privacy touches no input.
    return replace(findings, summary=replace(findings.summary, privacy=dict(sorted(privacy.items()))))
