"""Passionate ambassadors: the score that combines the components, and who is flagged.

The components are measured by :func:`orgnet.metrics.ambassadors.ambassador_components`. Here:

**Score** — a weighted mean of each component's *log-ratio to the organisation's median*,
``log(1 + x) - median(log(1 + x))`` over the eligible people who contributed at all. Half the
weight is on reach (``responders`` and ``responder_groups``, a quarter each), a quarter on
sustained activity (``weeks_active`` and ``conversations``, an eighth each) and a quarter on
giving back (``people_answered`` and ``people_shared``, an eighth each)
(:attr:`~orgnet.findings.rules.AmbassadorRules.reach_weight`). Why this form:

* *Nothing caps being far ahead.* A percentile rank stops at 1: the person answered by 400 people
  and the one answered by 40 look alike when both are in the top 1%. A log-ratio keeps growing
  (400 responders where the median is 10 adds ``log(401/11) = 3.6``).
* *No component vetoes.* A count cannot fall below 0, so a component pulls a score down by at
  most ``log(1 + median)`` of that component (with a median of 10 people answered, at most 2.4,
  times its weight); a geometric mean of ranks let one low rank zero the rest.
* *Components nobody has are left out.* A component that is 0 for every contributor cannot be
  measured from the data (no timestamps: no weeks; no threads, replies or mentions: no one seen
  responding) and is dropped from the mean; the section says which (:attr:`Ambassadors.unmeasured`).

**Flagged** — people whose score is an upper outlier of the organisation's own score
distribution (modified z-score, Iglewicz & Hoaglin 1993, at or above
:attr:`~orgnet.findings.rules.AmbassadorRules.outlier_z` = 3.5) *and* who draw responses from more
distinct people than three quarters of contributors (above the upper quartile, Tukey's hinge): an
ambassador draws people in, so someone who mostly answers others is not flagged however many they
answer; *and* who rank in the top 2% of the organisation's members by score
(:attr:`~orgnet.findings.rules.AmbassadorRules.top_share`, counted over everyone who can hold a
role, contributing or not, at least one person): a few per hundred, the size of a go-to list as for
central connectors. The last condition is there because the median and MAD are those of the
contributors, and many light contributors (people who reply once or twice, random chatter) narrow
them without changing anyone at the top: on planted organisations with 10% random replies, twice
as many people contribute, the MAD halves, and the outlier rule alone flagged three times as many
people, the same busiest regulars that it leaves out without the chatter. The members do not change
when more of them contribute once, so neither does the cap.

**When it cannot be measured** — when no one can be seen responding to anyone (no thread with a
response by someone else, no reply, reaction, share or mention aimed at a person) there is no
reach to measure: no score, nobody ranked, and the section says so. When it can be measured and no
one stands out, the section says that instead; the list never holds people who are not flagged.

How the rule behaves on profiles (``tests/findings/test_ambassadors.py`` checks each):

========================================== ======================================================
profile                                    outcome
========================================== ======================================================
draws responses from hundreds in many      flagged: reach alone carries half the weight and is
groups, answers few                        far from the median; answering few costs a bounded amount
answers everyone, few answer them          not flagged (responders not above the upper quartile)
broadcaster nobody answers                 not flagged (no responders)
steady, answers many, draws many           flagged when the total is an outlier
========================================== ======================================================

Examples
--------
>>> import pandas as pd
>>> ts = pd.to_datetime(["2025-01-06", "2025-01-06", "2025-01-07", "2025-01-08"], utc=True)
>>> ev = pd.DataFrame({"kind": ["post", "reply", "reply", "reply"], "actor": [0, 1, 2, 3],
...                    "target": [-1, 0, 0, 0], "thread": ["t1"] * 4, "ts": ts})
>>> out = ambassadors(ev, np.array([0, 0, 1, 1]))
>>> out.scored, out.flagged, out.status
(4, 0, 'none_stand_out')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from orgnet.findings.model import Ambassadors
from orgnet.findings.rules import AmbassadorRules
from orgnet.metrics.ambassadors import AMBASSADOR_COMPONENTS, AmbassadorComponents, ambassador_components
from orgnet.metrics.robust import modified_z

__all__ = ["ambassador_ranking", "ambassador_section", "ambassadors", "component_weights", "reach_measurable"]

#: The components that measure reach (people drawn in).
REACH = ("responders", "responder_groups")


def component_weights(rules: AmbassadorRules | None = None) -> dict[str, float]:
    """Weight of each component in the score: ``reach_weight`` split over reach, the rest over the others.

    Examples
    --------
    >>> w = component_weights()
    >>> w["responders"], w["weeks_active"], round(sum(w.values()), 6)
    (0.25, 0.125, 1.0)
    """
    rules = rules or AmbassadorRules()
    others = [c for c in AMBASSADOR_COMPONENTS if c not in REACH]
    return {c: (rules.reach_weight / len(REACH) if c in REACH else (1 - rules.reach_weight) / len(others))
            for c in AMBASSADOR_COMPONENTS}


def reach_measurable(components: AmbassadorComponents) -> bool:
    """Whether anyone can be seen responding to anyone (else reach, and the score, cannot be measured)."""
    return bool((components.responders > 0).any())


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
        One row per person, best first: ``rank``, ``code``, ``score`` (NaN for people not scored:
        no contribution, not eligible, or reach not measurable), ``score_z`` (modified z-score of
        the score among the scored), ``flagged`` and the components
        (:class:`~orgnet.findings.model.Ambassadors`'s columns).
    """
    rules = rules or AmbassadorRules()
    scored = components.scored()
    n = len(components.contributed)
    ok = components.contributed if eligible is None else components.contributed & np.asarray(eligible, dtype=bool)
    score = np.full(n, np.nan)
    score_z = np.full(n, np.nan)
    flagged = np.zeros(n, dtype=bool)
    active = np.flatnonzero(ok)
    if len(active) and reach_measurable(components):
        weights = component_weights(rules)
        total = np.zeros(len(active))
        used = 0.0
        for name, values in scored.items():
            x = np.log1p(values[active].astype(np.float64))
            if not (x > 0).any():  # nobody has it: not measurable here, left out of the mean
                continue
            total += weights[name] * (x - np.median(x))
            used += weights[name]
        score[active] = total / used if used else 0.0
        score_z[active] = modified_z(score[active])
        responders = scored["responders"][active]
        draws = responders > np.quantile(responders, 0.75)  # the upper hinge (Tukey)
        # At most the top share of the members, contributing or not: a count of the organisation,
        # which one-off contributors (who narrow the scores' spread) do not change.
        members = n if eligible is None else int(np.asarray(eligible, dtype=bool).sum())
        limit = max(1, int(np.ceil(rules.top_share * members)))
        order = np.lexsort((active, -responders, -score[active]))  # the ranking's order
        top = np.zeros(len(active), dtype=bool)
        top[order[:limit]] = True
        flagged[active] = (score_z[active] >= rules.outlier_z) & draws & top
    frame = pd.DataFrame({"code": np.arange(n, dtype=np.int64), "score": score, "score_z": score_z,
                          "flagged": flagged, **{c: scored[c] for c in AMBASSADOR_COMPONENTS}})
    frame["responses_given"] = components.responses_given
    frame["shares_of_others"] = components.shares_of_others
    frame = frame.sort_values(["score", "responders", "code"], ascending=[False, False, True], kind="stable",
                              na_position="last")
    frame.insert(0, "rank", np.arange(1, n + 1, dtype=np.int64))
    return frame.reset_index(drop=True)


def ambassador_section(ranked: pd.DataFrame, components: AmbassadorComponents, grouping: str) -> Ambassadors:
    """The ambassadors section from a ranking: the flagged people only, and how many were scored.

    Parameters
    ----------
    ranked : pandas.DataFrame
        :func:`ambassador_ranking`.
    components : AmbassadorComponents
        The components it was ranked from.
    grouping : str
        What ``responder_groups`` counts (``department`` or ``community``).

    Returns
    -------
    Ambassadors
        ``status`` is ``flagged``, ``none_stand_out`` or ``not_measurable`` (with ``note`` saying
        why); ``unmeasured`` lists the components no one has in this data.
    """
    unmeasured = [c for c in AMBASSADOR_COMPONENTS if not (getattr(components, c) > 0).any()]
    scored = int(ranked["score"].notna().sum())
    table = ranked[ranked["flagged"].to_numpy(bool)].reset_index(drop=True)
    if not reach_measurable(components):
        status = "not_measurable"
        note = ("cannot be measured from this data: no one can be seen responding to anyone (no thread "
                "answered by someone else, no reply, reaction, share or mention aimed at a person)")
    elif len(table):
        status, note = "flagged", ""
    else:
        status = "none_stand_out"
        note = f"no one stands out: {scored} people scored and none is an outlier of the organisation's scores"
    return Ambassadors(table=table, weeks=int(components.weeks), grouping=grouping, note=note, status=status,
                       scored=scored, unmeasured=unmeasured)


def ambassadors(events: pd.DataFrame, groups: np.ndarray, *, eligible: np.ndarray | None = None,
                grouping: str = "department", rules: AmbassadorRules | None = None,
                components: AmbassadorComponents | None = None) -> Ambassadors:
    """The ambassadors section: the flagged people, or why there are none.

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
    comp = components if components is not None else ambassador_components(events, groups)
    return ambassador_section(ambassador_ranking(comp, eligible, rules), comp, grouping)
