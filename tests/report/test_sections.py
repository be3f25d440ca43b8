"""The sections a community manager asks for, on small hand-made data whose answers are known."""

from __future__ import annotations

import pandas as pd

from orgnet.events import events_from_frame
from orgnet.findings import AnalysisOptions, analyze
from orgnet.report.content import channels_view, outside_view, responses_view


def _events(rows: list[tuple[str, str, str, str | None, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["ts", "kind", "actor", "target", "channel", "thread"]).assign(
        ts=lambda d: pd.to_datetime(d["ts"], utc=True))


def test_reactions_are_not_timed_answers() -> None:
    # Two posts in #help: the first gets a reaction (stamped with the post's own time, as Slack
    # exports do) and a reply two hours later; the second only a reaction.
    ev = _events([
        ("2025-03-03 09:00", "post", "ana", None, "help", "t1"),
        ("2025-03-03 09:00", "reaction", "ben", "ana", "help", "t1"),
        ("2025-03-03 11:00", "reply", "cy", "ana", "help", "t1"),
        ("2025-03-04 09:00", "post", "dee", None, "help", "t2"),
        ("2025-03-04 09:00", "reaction", "ana", "dee", "help", "t2"),
        ("2025-03-04 10:00", "join", "eve", None, "help", None),
    ])
    f = analyze(events_from_frame(ev), options=AnalysisOptions(workers=1))
    half = f.responses.half_life
    assert half is not None and half["posts"] == 2 and half["answered"] == 1
    assert half["half_life_hours"] == 2.0  # the reply's delay; a reaction would have made it 0
    view = responses_view(f)
    assert view.available and "within 2.0 hours" in view.data["lines"][0]
    assert "1 of 2 posts" in view.data["lines"][1]
    row = f.channels.table.set_index("channel").loc["help"]
    # eve only joined: a member of the channel, not an active one.
    assert (row["members"], row["active_members"], row["posts"], row["replies"], row["answered"]) == (5, 4, 2, 1, 1)
    assert row["median_response_hours"] == 2.0
    shown = channels_view(f)  # no privacy applied: no minimum size
    assert [r["channel"] for r in shown.data["rows"]] == ["help"]


def test_each_thread_is_answered_in_the_channel_of_its_first_event() -> None:
    # t1 opens in #help (a reply moved there later does not move it), t2 and t3 in #dev; t3 is
    # never answered. Events out of time order: the thread's first event in the log decides.
    ev = _events([
        ("2025-03-03 09:00", "post", "ana", None, "help", "t1"),
        ("2025-03-03 12:00", "post", "cy", None, "dev", "t3"),
        ("2025-03-03 10:00", "post", "ben", None, "dev", "t2"),
        ("2025-03-03 09:30", "reply", "ben", "ana", "dev", "t1"),
        ("2025-03-03 14:00", "reply", "ana", "ben", "dev", "t2"),
    ])
    f = analyze(events_from_frame(ev), options=AnalysisOptions(workers=1))
    t = f.channels.table.set_index("channel")
    assert (t.loc["help", "answered"], t.loc["help", "share_answered"], t.loc["help", "median_response_hours"]) \
        == (1, 1.0, 0.5)
    assert (t.loc["dev", "answered"], t.loc["dev", "share_answered"], t.loc["dev", "median_response_hours"]) \
        == (1, 0.5, 4.0)


def test_getting_outside_counts_people_in_other_groups_and_outside_parties() -> None:
    directory = pd.DataFrame({"person": ["a", "b", "c", "d"], "name": ["A", "B", "C", "D"],
                              "department": ["X", "X", "Y", "Z"]})
    ev = _events([
        ("2025-03-03 09:00", "reply", "a", "c", "x", "t1"),
        ("2025-03-03 09:05", "reply", "a", "d", "x", "t1"),
        ("2025-03-03 09:10", "reply", "a", "b", "x", "t1"),   # same department: not outside
        ("2025-03-03 09:20", "reply", "a", "c", "x", "t1"),   # c again: one distinct contact
        ("2025-03-04 09:00", "reply", "b", "c", "x", "t2"),
    ])
    f = analyze(events_from_frame(ev), directory=directory, options=AnalysisOptions(workers=1, outside_contacts=2))
    people = f.responses.outside_people
    assert people is not None
    names = f.people["person"].to_numpy()
    assert [(names[c], n, g) for c, n, g in zip(people["code"], people["outside_contacts"], people["other_groups"],
                                               strict=True)] == [("a", 2, 2)]
    view = outside_view(f)
    assert view.data["min"] == 2 and [p["name"] for p in view.data["people"]] == ["A"]
    assert [(p["period"], p["outside"]) for p in view.data["periods"]] == [("2025-03", 1)]


def test_small_channels_are_left_out_and_said_so() -> None:
    from dataclasses import replace

    ev = _events([("2025-03-03 09:00", "post", p, None, ch, f"t{i}")
                  for i, (p, ch) in enumerate([("a", "big"), ("b", "big"), ("c", "big"), ("d", "small"),
                                               ("e", "mpdm-ana--ben--cy-1"), ("a", "mpdm-ana--ben--cy-1"),
                                               ("b", "mpdm-ana--ben--cy-1")])])
    f = analyze(events_from_frame(ev), options=AnalysisOptions(workers=1))
    assert channels_view(f).note == "1 group direct message is not listed."
    f = replace(f, summary=replace(f.summary, privacy={"min_group_size": 3}))
    view = channels_view(f)
    assert [r["channel"] for r in view.data["rows"]] == ["big"] and view.data["hidden"] == 2
    assert "fewer than 3 members" in view.note and "group direct messages" in view.note
    f = replace(f, summary=replace(f.summary, privacy={"min_group_size": 5}))
    assert not channels_view(f).available and channels_view(f).note.startswith("3 places are not listed")


def test_posts_answered_is_unmeasured_not_zero_when_no_post_drew_a_timed_answer() -> None:
    # Posts in threads but no answer by anyone else: the Response section cannot measure, nor can channels.
    ev = _events([("2025-03-03 09:00", "post", p, None, "help", f"t{i}") for i, p in enumerate("abc")])
    f = analyze(events_from_frame(ev), options=AnalysisOptions(workers=1))
    assert not responses_view(f).available
    view = channels_view(f)
    assert view.available and not view.data["measured"]
    assert [r["answered_text"] for r in view.data["rows"]] == ["cannot be measured"]
    assert "No channel" not in view.note  # a table is shown: never "no channel" under it
    # With an answer, the share is a number again.
    ev = _events([("2025-03-03 09:00", "post", "a", None, "help", "t1"),
                  ("2025-03-03 10:00", "reply", "b", "a", "help", "t1")])
    view = channels_view(analyze(events_from_frame(ev), options=AnalysisOptions(workers=1)))
    assert view.data["measured"] and [r["answered_text"] for r in view.data["rows"]] == ["100%"]
