"""Structure tests for the synthetic organisation's export formats (Slack, Viva Engage, mbox)."""

from __future__ import annotations

import json
import mailbox
import re
from email.utils import parsedate_to_datetime
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from orgnet.cli import main
from orgnet.synthetic import generate, to_mbox, to_slack_export, to_viva_engage_export, write


@pytest.fixture(scope="module")
def org():
    return generate(people=250, seed=21, weeks=8)


@pytest.fixture(scope="module")
def kinds(org) -> pd.Series:
    return org.events.column("kind").cast("string").to_pandas().value_counts()


def _slack_messages(folder: Path) -> pd.DataFrame:
    rows = []
    for day in sorted(folder.glob("*/*.json")):
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}\.json", day.name)
        msgs = json.loads(day.read_text())
        assert [m["ts"] for m in msgs] == sorted(m["ts"] for m in msgs)
        for m in msgs:
            rows.append({**m, "channel": day.parent.name, "day": day.stem})
    return pd.DataFrame(rows)


def test_slack_export_structure(org, kinds, tmp_path) -> None:
    out = to_slack_export(org, tmp_path / "slack")
    users = json.loads((out / "users.json").read_text())
    channels = json.loads((out / "channels.json").read_text())
    assert len(users) == len(org.directory)
    assert {u["profile"]["email"] for u in users} == set(org.directory["email"])
    uids = {u["id"] for u in users}
    assert {c["name"] for c in channels} == {p.name for p in out.iterdir() if p.is_dir()}
    assert all(set(c["members"]) <= uids and c["id"].startswith("C") for c in channels)
    assert sum(c["is_general"] for c in channels) <= 1

    msgs = _slack_messages(out)
    assert not msgs.duplicated(["channel", "ts"]).any()
    assert set(msgs["user"]) <= uids
    day = pd.to_datetime(msgs["ts"].astype(float), unit="s").dt.strftime("%Y-%m-%d")
    assert (day == msgs["day"]).all()
    sub = msgs["subtype"] if "subtype" in msgs else pd.Series(index=msgs.index, dtype=object)
    plain = msgs[sub.isna()]
    replies = plain[plain["parent_user_id"].notna()]
    assert len(replies) == kinds["reply"]
    assert (sub == "channel_join").sum() == kinds["join"]
    assert (sub == "pinned_item").sum() == kinds["curate"]
    # Threads: every reply points at a post in its channel, written by parent_user_id.
    by_key = msgs.set_index(["channel", "ts"])
    parents = by_key.loc[list(zip(replies["channel"], replies["thread_ts"], strict=True))]
    assert (parents["user"].to_numpy() == replies["parent_user_id"].to_numpy()).all()
    threads = plain[plain["reply_count"].notna()]
    counted = replies.groupby(["channel", "thread_ts"]).size()
    assert (threads.set_index(["channel", "ts"])["reply_count"].sort_index() == counted.sort_index()).all()
    assert (threads["thread_ts"] == threads["ts"]).all()
    # Reactions sit on posts as [{name, users, count}].
    reacted = plain["reactions"].dropna()
    assert len(reacted) > 0
    for reactions in reacted:
        for r in reactions:
            assert set(r) == {"name", "users", "count"} and r["count"] == len(r["users"]) and set(r["users"]) <= uids
    assert sum(r["count"] for rs in reacted for r in rs) <= kinds["reaction"]
    # Mentions are <@U…> in text, naming real users.
    mentioned = plain["text"].str.findall(r"<@(U\w+)>").explode().dropna()
    assert len(mentioned) >= kinds["mention"] and set(mentioned) <= uids
    shares = plain["attachments"].dropna()
    assert sum(a[0].get("is_share", False) for a in shares) == kinds["share"]


def test_viva_engage_export_structure(org, kinds, tmp_path) -> None:
    out = to_viva_engage_export(org, tmp_path / "ve")
    read = {name: pd.read_csv(out / name, dtype=str, keep_default_na=False) for name in ("Messages.csv", "Users.csv", "Groups.csv")}
    msgs, users, groups = read["Messages.csv"], read["Users.csv"], read["Groups.csv"]
    for col in ("id", "replied_to_id", "thread_id", "group_id", "group_name", "participants", "sender_id",
                "sender_name", "sender_email", "body", "created_at", "deleted_at"):
        assert col in msgs.columns
    assert {"id", "email", "name", "job_title", "location", "department", "joined_at", "state"} <= set(users.columns)
    assert {"id", "name", "description"} <= set(groups.columns)
    assert msgs["id"].is_unique and users["id"].is_unique and groups["id"].is_unique
    assert len(msgs) == kinds["post"] + kinds["reply"] + kinds["mention"]
    starters = msgs["thread_id"] == msgs["id"]
    assert (msgs.loc[starters, "replied_to_id"] == "").all()
    replies = msgs[~starters]
    assert len(replies) == kinds["reply"]
    assert replies["replied_to_id"].isin(msgs.loc[starters, "id"]).all()
    assert set(msgs["group_id"]) <= set(groups["id"])
    assert set(msgs["sender_id"]) <= set(users["id"])
    email_of = dict(zip(users["id"], users["email"], strict=True))
    assert (msgs["sender_id"].map(email_of) == msgs["sender_email"]).all()
    named = msgs["body"].str.findall(r"\[\[user:(\d+)\]\]").explode().dropna()
    assert len(named) == kinds["mention"] and set(named) <= set(users["id"])
    parts = msgs["participants"].str.split(",").explode()
    assert parts.str.fullmatch(r"user:\d+").all()
    assert pd.to_datetime(msgs["created_at"], utc=True, format="ISO8601").notna().all()
    assert set(users["department"]) == set(org.directory["department"])


def test_mbox_structure(org, kinds, tmp_path) -> None:
    path = to_mbox(org, tmp_path / "sub" / "org.mbox")
    mb = mailbox.mbox(path, create=False)
    box = list(mb)
    mb.close()
    assert len(box) == kinds["post"] + kinds["reply"]
    ids = [m["Message-ID"] for m in box]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"<[^@<>]+@[^@<>]+>", i) for i in ids)
    emails = set(org.directory["email"])
    replies = [m for m in box if m["In-Reply-To"]]
    assert len(replies) == kinds["reply"]
    for m in replies:
        assert m["In-Reply-To"] in ids and m["References"] == m["In-Reply-To"]
        assert m["Subject"].startswith("Re: ") and m["Cc"]
    for m in box:
        assert parsedate_to_datetime(m["Date"]).tzinfo is not None
        assert m["From"].split("<")[1].rstrip(">") in emails
        assert m["To"] and m.get_payload().strip()


def test_exports_are_deterministic_and_replace_old_output(org, tmp_path) -> None:
    a = to_slack_export(org, tmp_path / "a")
    (a / "stale.json").write_text("{}")
    to_slack_export(org, tmp_path / "a")
    assert not (a / "stale.json").exists()
    b = to_slack_export(generate(people=250, seed=21, weeks=8), tmp_path / "b")
    files = sorted(p.relative_to(a) for p in a.rglob("*.json"))
    assert files == sorted(p.relative_to(b) for p in b.rglob("*.json"))
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize(("fmt", "made"), [("slack", "slack/users.json"), ("viva_engage", "viva_engage/Messages.csv"),
                                           ("mbox", "org.mbox")])
def test_write_and_cli_formats(tmp_path, fmt: str, made: str) -> None:
    out = write(generate(people=60, seed=1, weeks=3), tmp_path / "w", format=fmt)
    assert (out / made).exists() and (out / "truth.json").exists() and (out / "directory.csv").exists()
    result = CliRunner().invoke(main, ["synth", "-n", "60", "--weeks", "3", "--out", str(tmp_path / "c"), "--format", fmt])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "c" / made).exists()
