"""Numbers side by side in one reason must not look contradictory."""

from __future__ import annotations

from orgnet.findings.reasons import Evidence, Reason
from orgnet.report.words import Wording


def test_weight_received_is_said_with_who_sent_it() -> None:
    # E-mail shares a message among its recipients: 11 people, weight 1.2. "tie weight in 1" next
    # to "11 people turn to them" read as a contradiction.
    w = Wording(noun="community", group_labels=["C1"], names=["Ana"])
    e = Evidence("come_to_them", {"people": 11, "weight": 1.23})
    stats = w.details(Reason("central connector", (e,)))
    assert "1.2 from 11 people" in stats and "share" in stats
    assert "tie weight in 1" not in stats
    assert "256 from 205 people" in w.details(Reason("central connector", (
        Evidence("come_to_them", {"people": 205, "weight": 256.4}),)))
    assert "0.04 from 1 person" in w.details(Reason("central connector", (
        Evidence("come_to_them", {"people": 1, "weight": 0.04}),)))


def test_one_member_has() -> None:
    w = Wording(noun="department", group_labels=["Legal"], names=[])
    assert w.evidence(Evidence("members_outside", {"members": 1, "size": 67})) == "1 of its 67 members has a contact outside"
    assert w.evidence(Evidence("members_outside", {"members": 3, "size": 67})) == "3 of its 67 members have a contact outside"
