"""The pyramid's table by group says who is in none of its rows."""

from __future__ import annotations

from orgnet.report import content


def test_people_in_no_row_are_counted(full_findings, bare_findings) -> None:  # type: ignore[no-untyped-def]
    # On the olake Slack export the table by community listed 40 of 648 people, unexplained.
    for findings in (full_findings, bare_findings):
        view = content.pyramid_view(findings)
        shown = sum(r["total"] for r in view.data["groups"]) if view.data["groups"] else 0
        if view.data["more_groups"]:
            continue
        assert shown + view.data["left_out"] == view.data["total"] or not view.data["groups"]
        assert bool(view.data["left_out_note"]) == (view.data["left_out"] > 0)
        if view.data["left_out"]:
            assert f"{view.data['left_out']:,} of the {view.data['total']:,} people are in no row" in \
                view.data["left_out_note"]


def test_left_out_note_says_why_for_communities(bare_findings) -> None:  # type: ignore[no-untyped-def]
    view = content.pyramid_view(bare_findings)
    if view.data["left_out"]:
        assert "no tie to anyone" in view.data["left_out_note"]


def test_a_group_out_of_the_table_is_counted(full_findings) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    p = full_findings.pyramid
    by = p.by_group
    first = by.iloc[:1]
    dropped = int(first[list(p.levels)].to_numpy().sum())
    fewer = dataclasses.replace(full_findings, pyramid=dataclasses.replace(p, by_group=by.iloc[1:]))
    view = content.pyramid_view(fewer)
    assert view.data["left_out"] == dropped > 0
    assert view.data["left_out_note"].startswith(f"{dropped:,} of the {view.data['total']:,} people are in no row: "
                                                 "no department in the directory, or in a department hidden")


def test_plain_ties_tiles_do_not_list_kinds_the_data_has_not(full_findings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # An edge list (Perry-Wolfe recipients) read "38,388 interactions read (posts, replies,
    # reactions, shares, mentions, joins, views)" above "the events are plain ties with no kinds".
    import dataclasses

    from orgnet.report import write_report

    p = full_findings.pyramid
    plain = dataclasses.replace(full_findings, pyramid=dataclasses.replace(
        p, note="the events are plain ties (who to whom) with no kinds"))
    index = (write_report(plain, tmp_path / "plain") / "index.html").read_text(encoding="utf-8")
    tiles = index[index.index('<div class="stats">'):]
    tiles = tiles[:tiles.index("<p>")]
    assert "plain ties: who to whom" in tiles and "posts, replies" not in tiles
