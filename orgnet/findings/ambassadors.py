"""Passionate ambassadors: the score that combines the components, and who is flagged.

The components are measured by :func:`orgnet.metrics.ambassadors.ambassador_components`. Here:

**Score** — the geometric mean of the six component percentile ranks, each rank taken among the
eligible people who contributed at all (average ranks for ties, so a zero shared by many gives a
small but positive rank). A geometric mean rewards being high on *every* component: a high-volume
poster who draws few distinct responders or never responds to others is pulled down by those
ranks, where an arithmetic mean would let volume compensate. People with no contribution, and
people who cannot hold a person role (outside the organisation, lists and bots), score 0.

**Flagged** — people whose score is an upper outlier of the organisation's own score
distribution: a modified z-score (Iglewicz & Hoaglin 1993) of ``logit(score)`` at or above
:attr:`~orgnet.findings.rules.AmbassadorRules.outlier_z` among contributors.

Examples
--------
>>> import pandas as pd
>>> ts = pd.to_datetime(["2025-01-06", "2025-01-06", "2025-01-07", "2025-01-08"], utc=True)
>>> ev = pd.DataFrame({"kind": ["post", "reply", "reply", "reply"], "actor": [0, 1, 2, 3],
...                    "target": [-1, 0, 0, 0], "thread": ["t1"] * 4, "ts": ts})
>>> out = ambassadors(ev, np.array([0, 0, 1, 1]))
>>> out.table[["rank", "code", "responders", "responder_groups"]].head(1).to_dict("records")
[{'rank': 1, 'code': 0, 'responders': 3, 'responder_groups': 2}]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from orgnet.findings.model import Ambassadors
from orgnet.findings.rules import AmbassadorRules
from orgnet.metrics.ambassadors import AMBASSADOR_COMPONENTS, AmbassadorComponents, ambassador_components
from orgnet.metrics.robust import modified_z

__all__ = ["ambassador_ranking", "ambassadors"]


def ambassador_ranking(components: AmbassadorComponents, eligible: np.ndarray | None = None,
                       rules: AmbassadorRules | None = None) -> pd.DataFrame:
    """Score, flag and rank everyone from their components.

    Parameters
    ----------
    components : AmbassadorComponents
        From :func:`orgnet.metrics.ambassadors.ambassador_components`.
    eligible : numpy.ndarray of bool, optional
        Who can be an ambassador (members who are people); everyone when None.
    rules : AmbassadorRules, optional
        Thresholds (defaults when None).

    Returns
    -------
    pandas.DataFrame
        One row per person, best first: ``rank``, ``code``, ``score``, ``flagged`` and the
        components (:class:`~orgnet.findings.model.Ambassadors`'s columns).
    """
    rules = rules or AmbassadorRules()
    scored = components.scored()
    n = len(components.contributed)
    ok = components.contributed if eligible is None else components.contributed & np.asarray(eligible, dtype=bool)
    score = np.zeros(n)
    active = np.flatnonzero(ok)
    if len(active):
        logs = np.zeros(len(active))
        for values in scored.values():
            logs += np.log(rankdata(values[active], method="average") / len(active))
        score[active] = np.exp(logs / len(scored))
    flagged = np.zeros(n, dtype=bool)
    if len(active) >= 3:
        s = np.clip(score[active], 1e-9, 1 - 1e-9)
        flagged[active] = modified_z(np.log(s / (1 - s))) >= rules.outlier_z
    frame = pd.DataFrame({"code": np.arange(n, dtype=np.int64), "score": score, "flagged": flagged,
                          **{c: scored[c] for c in AMBASSADOR_COMPONENTS}})
    frame["responses_given"] = components.responses_given
    frame["shares_of_others"] = components.shares_of_others
    frame = frame.sort_values(["score", "responders", "code"], ascending=[False, False, True], kind="stable")
    frame.insert(0, "rank", np.arange(1, n + 1, dtype=np.int64))
    return frame.reset_index(drop=True)


def ambassadors(events: pd.DataFrame, groups: np.ndarray, *, eligible: np.ndarray | None = None,
                grouping: str = "department", rules: AmbassadorRules | None = None,
                components: AmbassadorComponents | None = None) -> Ambassadors:
    """The ambassadors section: flagged people and, when fewer, a short ranked list to pick from.

    Parameters
    ----------
    events : pandas.DataFrame
        Coded events (see :func:`~orgnet.metrics.ambassadors.ambassador_components`).
    groups : numpy.ndarray
        Group code per person of the primary grouping.
    eligible : numpy.ndarray of bool, optional
        Who can be an ambassador.
    grouping : str
        What ``groups`` are (``department`` or ``community``), for the report's wording.
    rules : AmbassadorRules, optional
        Thresholds.
    components : AmbassadorComponents, optional
        Already counted (the people table keeps them for everyone).

    Returns
    -------
    Ambassadors
    """
    rules = rules or AmbassadorRules()
    comp = components if components is not None else ambassador_components(events, groups)
    ranked = ambassador_ranking(comp, eligible, rules)
    n_flagged = int(ranked["flagged"].sum())
    listed = max(n_flagged, min(rules.min_listed, int((ranked["score"] > 0).sum())))
    return Ambassadors(table=ranked.head(listed).reset_index(drop=True), weeks=int(comp.weeks), grouping=grouping)
