"""``inspect_paths`` and ``orgnet inspect`` on fixtures, other formats and the real Slack exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from orgnet.cli import main
from orgnet.inspect import FIGURES, inspect_paths

SLACK = Path(__file__).resolve().parent / "fixtures" / "slack"


def test_slack_fixture_figures() -> None:
    s = inspect_paths(SLACK / "modern")
    assert set(FIGURES) <= set(s)
    assert {k: s[k] for k in ("format", "records_read", "messages", "posts", "replies", "reactions",
                              "mentions", "people", "active_people", "inactive_people", "external_people",
                              "non_human_people", "channels", "threads", "threads_with_replies")} == {
        "format": "slack", "records_read": 23, "messages": 14, "posts": 7, "replies": 7,
        "reactions": 5, "mentions": 5,
        # 7 accounts: the bot and the guest from a partner domain set apart (as analyze does),
        # the unlisted author active
        "people": 5, "active_people": 5, "inactive_people": 0, "external_people": 1, "non_human_people": 1,
        # threads: a file comment's thread is the file's (file:F01), apart from the upload's
        "channels": 4, "threads": 10, "threads_with_replies": 4,
    }
    assert s["records_skipped"]["bot message"] == 2
    assert s["first"] == "2024-01-02T09:00:00Z"
    assert s["last"] == "2024-01-04T11:03:00.003003Z"  # the reply in the group DM
    json.dumps(s)  # plain JSON types only


def test_works_for_other_formats(tmp_path: Path) -> None:
    csv = tmp_path / "events.csv"
    csv.write_text("ts,kind,actor,target,channel\n2024-03-01T10:00:00Z,post,ana,,c1\n"
                   "2024-03-02T10:00:00Z,reply,ben,ana,c1\n2024-03-02T11:00:00Z,join,cy,,c2\n")
    s = inspect_paths([csv])
    assert (s["format"], s["records_read"] >= 0, s["messages"], s["people"], s["active_people"],
            s["inactive_people"], s["channels"]) == ("csv", True, 2, 3, 2, 1, 2)
    assert (s["first"], s["last"]) == ("2024-03-01T10:00:00Z", "2024-03-02T11:00:00Z")


def test_one_message_to_several_people_is_one_message(tmp_path: Path) -> None:
    csv = tmp_path / "mail.csv"
    csv.write_text("ts,kind,actor,target,thread\n"
                   "2024-03-01T10:00:00Z,post,ana,ben,m1\n2024-03-01T10:00:00Z,post,ana,cy,m1\n"
                   "2024-03-01T11:00:00Z,reply,ben,ana,m1\n,post,ana,ben,m2\n,post,ana,cy,m2\n")
    s = inspect_paths(csv)
    # Rows without a time cannot be matched up: each counts.
    assert (s["events"], s["posts"], s["replies"], s["messages"]) == (5, 3, 1, 4)


def test_teams_and_mattermost_fixtures() -> None:
    fixtures = SLACK.parent
    s = inspect_paths([fixtures / "teams", fixtures / "mattermost" / "export.jsonl"])
    teams, mm = s["sources"]
    # 4 Teams accounts, one outside the organisation; 5 Mattermost accounts, one a bot: set apart as analyze does
    assert (teams["format"], teams["messages"], teams["reactions"], teams["people"]) == ("teams", 8, 4, 3)
    assert teams["external_people"] == 1
    assert (mm["format"], mm["messages"], mm["people"], mm["active_people"]) == ("mattermost", 6, 4, 3)
    assert mm["non_human_people"] == 1
    assert s["people"] == teams["people"] + mm["people"]
    assert s["format"] == "teams+mattermost"
    assert s["records_skipped"]["bot message"] == 2


def test_several_paths_give_sources_and_totals(tmp_path: Path) -> None:
    s = inspect_paths([SLACK / "modern", SLACK / "old"])
    assert [src["format"] for src in s["sources"]] == ["slack", "slack"]
    a, b = s["sources"]
    for key in ("records_read", "messages", "replies", "reactions", "events"):
        assert s[key] == a[key] + b[key]
    # no id in common; resolved together, the guest's domain is outside the one organisation
    assert s["people"] + s["external_people"] == a["people"] + a["external_people"] + b["people"] + b["external_people"]
    assert s["non_human_people"] == a["non_human_people"] + b["non_human_people"] == 2
    assert s["records_skipped"]["system message (channel_archive)"] == 1
    assert s["first"] == b["first"] and s["last"] == a["last"]


def test_no_path() -> None:
    with pytest.raises(ValueError, match="no path"):
        inspect_paths([])


def test_cli_table_and_json() -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["inspect", str(SLACK / "modern"), str(SLACK / "old")])
    assert out.exit_code == 0, out.output
    assert "records read" in out.output and "total" in out.output and "bot message" in out.output
    out = runner.invoke(main, ["inspect", "--json", str(SLACK / "old")])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    # 5 accounts: the bot set apart; a deleted account and a watcher stay people
    assert data["format"] == "slack" and data["people"] == 4 and data["active_people"] == 2
    assert data["non_human_people"] == 1


def test_cli_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "export"
    broken.mkdir()
    (broken / "users.json").write_text("[{\"id\": ")
    (broken / "channels.json").write_text("[]")
    out = CliRunner().invoke(main, ["inspect", str(broken)])
    assert out.exit_code == 2
    assert re.search(r"users\.json:\s*not valid JSON", out.output)  # rich may wrap the line
    assert "Traceback" not in out.output
    out = CliRunner().invoke(main, ["inspect", "--format", "nope", str(broken)])
    assert out.exit_code == 2 and "unknown format 'nope'" in out.output


@pytest.mark.realdata
def test_real_slack_exports(shared_dataset) -> None:
    houston = shared_dataset("slack_houstondatavis")
    olake = shared_dataset("slack_olake_community")
    s = inspect_paths([houston, olake])
    h, o = s["sources"]
    assert {k: h[k] for k in ("records_read", "messages", "replies", "reactions", "mentions", "people",
                              "active_people", "inactive_people", "channels", "threads_with_replies")} == {
        "records_read": 1382, "messages": 1031, "replies": 6, "reactions": 198, "mentions": 155,
        "people": 71, "active_people": 34, "inactive_people": 37, "channels": 16,
        "threads_with_replies": 2,
    }
    assert sum(h["records_skipped"].values()) == 30
    assert (h["first"], h["last"]) == ("2015-06-06T02:36:47.760577Z", "2016-07-27T20:21:38.000041Z")
    assert {k: o[k] for k in ("records_read", "messages", "replies", "reactions", "mentions", "people",
                              "active_people", "inactive_people", "channels", "threads",
                              "threads_with_replies")} == {
        "records_read": 304, "messages": 300, "replies": 236, "reactions": 190, "mentions": 186,
        # 682 accounts, 17 of them bots set apart (as analyze does: the report's 665 people)
        "people": 665, "active_people": 46, "inactive_people": 619, "channels": 5, "threads": 64,
        "threads_with_replies": 29,
    }
    assert o["records_skipped"] == {"bot message": 2, "system message (bot_add)": 1,
                                    "system message (bot_remove)": 1}
    assert (o["first"], o["last"]) == ("2026-05-12T20:18:35.313729Z", "2026-08-09T14:33:55.014109Z")
    assert o["non_human_people"] == 17 and h["non_human_people"] == 0
    assert s["people"] == 736 and s["channels"] == 21 and s["records_read"] == 1686


def test_inspect_counts_people_as_analyze_does(shared_dataset) -> None:  # type: ignore[no-untyped-def]
    # The report says "the same count is used by orgnet inspect": its people are the graph's nodes.
    from orgnet.graph import OrgGraph
    from orgnet.load import load_events

    olake = shared_dataset("slack_olake_community")
    loaded = load_events([olake])
    nodes = OrgGraph.from_events(loaded.events, people=loaded.people).people
    s = inspect_paths(olake)
    assert s["people"] == len(nodes)
    assert s["non_human_people"] == len(s["identities"]["non_human"]) > 0
