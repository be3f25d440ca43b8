"""Seeded generator of realistic synthetic organisations with planted ground truth.

Examples
--------
>>> org = toy_org()
>>> org.directory.columns.tolist()[:4]
['person', 'name', 'email', 'division']
"""

from __future__ import annotations

from orgnet.synthetic.formats import FORMATS, to_mbox, to_slack_export, to_viva_engage_export, write
from orgnet.synthetic.model import GENERATOR_VERSION, SyntheticOrg, generate, toy_org
from orgnet.synthetic.profiles import MIXES, ProfileMix, add_profiles
from orgnet.synthetic.truth import LEVELS

__all__ = [
    "FORMATS",
    "GENERATOR_VERSION",
    "LEVELS",
    "MIXES",
    "ProfileMix",
    "SyntheticOrg",
    "add_profiles",
    "generate",
    "to_mbox",
    "to_slack_export",
    "to_viva_engage_export",
    "toy_org",
    "write",
]
