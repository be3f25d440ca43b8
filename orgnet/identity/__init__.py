"""Who is who in the data: one id per person, members and outsiders, non-human senders, likely duplicates.

Four steps, each a module of its own, all vectorised over distinct people (never over events):

* :mod:`~orgnet.identity.resolve`: one canonical id per person across sources and accounts
  (alias file, directory, normalised e-mail);
* :mod:`~orgnet.identity.membership`: who belongs to the organisation (directory, e-mail
  domains given or inferred, platform guest flags) and who is an outside contact;
* :mod:`~orgnet.identity.non_human`: distribution lists, announcement and no-reply addresses,
  newsletters and bots, each with the evidence that gave it away;
* :mod:`~orgnet.identity.duplicates`: addresses and accounts that are likely one person, with
  their evidence, and the few the evidence makes certain.

:func:`orgnet.load.load_events` runs them in that order; ``docs/identities.md`` documents
every rule.
"""

from __future__ import annotations

from orgnet.identity.duplicates import (
    ALIAS_FILE_COLUMNS,
    DUPLICATE_COLUMNS,
    alias_file,
    normalise_names,
    suggest_duplicates,
)
from orgnet.identity.membership import Membership, decide_membership, infer_org_domains
from orgnet.identity.non_human import ADDRESS_PATTERNS, non_human_evidence
from orgnet.identity.resolve import read_aliases, resolve_identities

__all__ = [
    "ADDRESS_PATTERNS",
    "ALIAS_FILE_COLUMNS",
    "DUPLICATE_COLUMNS",
    "Membership",
    "alias_file",
    "decide_membership",
    "infer_org_domains",
    "non_human_evidence",
    "normalise_names",
    "read_aliases",
    "resolve_identities",
    "suggest_duplicates",
]
