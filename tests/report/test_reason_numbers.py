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


def test_rank_in_the_organisation_is_no_reason_for_a_local_go_to_person() -> None:
    # Flagged within C2 only, in the organisation's top 23%: "among the top 23% most sought-after
    # people" read as the reason they are central. It stays in the details.
    w = Wording(noun="community", group_labels=["C1", "C2"], names=["Ana"])
    local = Reason("central connector", (
        Evidence("pagerank_top", {"top_share": 0.23, "pagerank": 0.001, "overall": 0.0}),
        Evidence("come_to_them", {"people": 30, "weight": 4.2}),
        Evidence("within_group", {"z": 4.1}, groups=(1,))))
    assert w.sentence(local) == "30 people turn to them; within C2, far more people turn to them than to their colleagues"
    assert "PageRank 0.0010 (top 23% of the organisation)" in w.details(local)
    top = Reason("central connector", (Evidence("pagerank_top", {"top_share": 0.01, "pagerank": 0.05, "overall": 1.0}),))
    assert w.sentence(top) == "among the top 1% most sought-after people"
    # Evidence written before the flag existed reads as before.
    old = Reason("central connector", (Evidence("pagerank_top", {"top_share": 0.01, "pagerank": 0.05}),))
    assert w.sentence(old) == "among the top 1% most sought-after people"


def test_a_count_that_is_not_zero_is_never_shown_as_0_percent() -> None:
    # The maildir pyramid said "sharer 5 (0%)" of 1,929 people.
    from orgnet.report.words import percent

    assert percent(100 * 5 / 1929) == "<1" and percent(0.0) == "0"
    assert percent(100 * 1924 / 1929) == ">99" and percent(100.0) == "100" and percent(49.6) == "50"


def test_page_percentages_go_through_percent() -> None:
    from importlib import resources

    page = resources.files("orgnet.report").joinpath("templates/index.html").read_text(encoding="utf-8")
    assert '"%.0f" | format(b.share)' not in page and "b.share | pct" in page
    assert "c.share | pct" in page and "(100 * c / g.total) | pct" in page


def test_newcomers_and_peripheral_people_say_whom_they_are_compared_with() -> None:
    # On the demo: peripheral "where the typical person has 3 contacts", newcomers "... has 4".
    w = Wording(noun="department", group_labels=["Legal"], names=[])
    few = Evidence("few_contacts", {"contacts": 1, "limit": 1, "median": 4})
    new = Reason("newcomer", (Evidence("started_recently", {"days": 30, "window": 90, "hired": 1}), few))
    assert w.sentence(new) == ("hired 30 days before the end of the data; only 1 contact, where the typical "
                               "established member has 4 contacts")
    periph = Reason("peripheral", (Evidence("few_contacts", {"contacts": 1, "limit": 1, "median": 3}),))
    assert w.sentence(periph) == "only 1 contact, where the typical person has 3 contacts"


def test_every_connector_role_says_what_its_score_is(full_report) -> None:  # type: ignore[no-untyped-def]
    from orgnet.report.content import SCORE_NOTES

    index = (full_report / "index.html").read_text(encoding="utf-8")
    section = index[index.index('<section id="connectors">'):]
    section = section[:section.index("</section>")]
    for role in ("central connector", "boundary spanner"):
        assert role.capitalize() in section
        assert SCORE_NOTES[role] in section
