"""Content-free guarantee: no message body, subject or file name reaches any output, log or stderr.

For every reader in :data:`orgnet.connectors.READERS` a small export is written here with canary
strings planted in bodies, subjects and attachment/file names (and channel topics, link previews,
...); the whole pipeline runs on it and every byte of the report folder, of stdout/stderr and of
the log records is searched for the canaries. A reader added to ``READERS`` without a builder
here fails the test, so every new format is covered when it lands. The connector authors' own
fixtures (``tests/fixtures``, canaries ``ZQXCANARY`` and ``ZZCANARY7731``) are run the same way.
"""

from __future__ import annotations

import json
import logging
import mailbox
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orgnet.connectors import READERS, sniff
from orgnet.pipeline import RunOptions, run

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures"

#: Planted content: found in an output, it is a leak. Each field has its own, to say which leaked.
BODY, SUBJECT, FILE, TOPIC = "QQBODYCANARY41", "QQSUBJECTCANARY42", "QQFILECANARY43", "QQTOPICCANARY44"
CANARIES = (BODY, SUBJECT, FILE, TOPIC, "ZQXCANARY", "ZZCANARY7731")


# ----------------------------------------------------------------------------- builders, one per reader
def _slack(d: Path) -> Path:
    root = d / "slack"
    (root / "general").mkdir(parents=True)
    users = [{"id": f"U0{i}", "name": n, "real_name": n.title(), "deleted": False, "is_bot": False,
              "profile": {"real_name": n.title(), "display_name": n, "email": f"{n}@example.org"}}
             for i, n in enumerate(["ana", "ben", "cy"])]
    (root / "users.json").write_text(json.dumps(users))
    (root / "channels.json").write_text(json.dumps([{"id": "C01", "name": "general", "created": 1704067200,
                                                     "members": ["U00", "U01", "U02"],
                                                     "topic": {"value": TOPIC}, "purpose": {"value": TOPIC}}]))
    msgs = [
        {"type": "message", "user": "U00", "text": f"{BODY} hi <@U01>", "ts": "1704186060.000001",
         "thread_ts": "1704186060.000001", "reply_count": 1,
         "files": [{"id": "F1", "name": f"{FILE}.pdf", "title": f"{FILE} title", "preview": BODY}],
         "attachments": [{"title": SUBJECT, "text": BODY, "fallback": BODY}],
         "reactions": [{"name": "wave", "users": ["U02"], "count": 1}]},
        {"type": "message", "user": "U01", "text": f"re: {BODY} <@U00>", "ts": "1704186120.000002",
         "thread_ts": "1704186060.000001", "parent_user_id": "U00"},
        {"type": "message", "subtype": "channel_topic", "user": "U02", "text": f"set the topic: {TOPIC}",
         "topic": TOPIC, "ts": "1704186180.000003"},
        {"type": "message", "subtype": "file_share", "user": "U02", "text": f"<@U00> {BODY}",
         "ts": "1704186240.000004", "files": [{"id": "F2", "name": f"{FILE}.xlsx", "title": FILE}]},
    ]
    (root / "general" / "2024-01-02.json").write_text(json.dumps(msgs))
    return root


def _teams(d: Path) -> Path:
    def user(uid: str, name: str) -> dict:
        return {"user": {"id": uid, "displayName": name, "userIdentityType": "aadUser", "tenantId": "t1"}}

    def msg(mid: str, reply_to: str | None, who: tuple[str, str], minute: int, mentions: list) -> dict:
        return {"id": mid, "replyToId": reply_to, "messageType": "message",
                "createdDateTime": f"2024-01-02T09:{minute:02d}:00.000Z", "subject": SUBJECT, "summary": BODY,
                "channelIdentity": {"teamId": "team-1", "channelId": "19:general@thread.tacv2"},
                "from": user(*who), "body": {"contentType": "html", "content": f"<p>{BODY}</p>"},
                "attachments": [{"id": "a1", "contentType": "reference", "contentUrl": f"https://x/{FILE}.docx",
                                 "name": f"{FILE}.docx", "content": BODY}],
                "mentions": mentions, "reactions": [{"reactionType": "like", "createdDateTime":
                                                    "2024-01-02T10:00:00.000Z", **user("aad-cy", "Cy")}]}

    ben = [{"id": 0, "mentionText": "Ben", "mentioned": user("aad-ben", "Ben")}]
    value = [msg("1", None, ("aad-ana", "Ana"), 0, ben), msg("2", "1", ("aad-ben", "Ben"), 5, []),
             msg("3", None, ("aad-cy", "Cy"), 9, [])]
    path = d / "teams.json"
    path.write_text(json.dumps({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#messages",
                                "value": value}))
    return path


def _mattermost(d: Path) -> Path:
    rows = [
        {"type": "version", "version": 1},
        {"type": "team", "team": {"name": "acme", "display_name": "Acme", "type": "O", "description": TOPIC}},
        {"type": "channel", "channel": {"team": "acme", "name": "town-square", "display_name": "Town Square",
                                        "type": "O", "header": TOPIC, "purpose": TOPIC}},
        *[{"type": "user", "user": {"username": u, "email": f"{u}@acme.example", "first_name": u.title(),
                                    "last_name": "X", "roles": "system_user",
                                    "teams": [{"name": "acme", "roles": "team_user",
                                               "channels": [{"name": "town-square", "roles": "channel_user"}]}]}}
          for u in ("ana", "ben", "cy")],
        {"type": "post", "post": {"team": "acme", "channel": "town-square", "user": "ana",
                                  "message": f"{BODY} @ben", "props": {"attachments": [{"title": SUBJECT,
                                                                                       "text": BODY}]},
                                  "attachments": [{"path": f"data/{FILE}.pdf"}], "create_at": 1704186000000,
                                  "replies": [{"user": "ben", "message": f"{BODY} @ana", "create_at": 1704186060000,
                                               "attachments": [{"path": f"{FILE}.png"}]}],
                                  "reactions": [{"user": "cy", "emoji_name": "+1", "create_at": 1704186070000}]}},
        {"type": "direct_post", "direct_post": {"channel_members": ["ben", "cy"], "user": "cy",
                                                "message": f"private {BODY}", "create_at": 1704272400000}},
    ]
    path = d / "export.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def _viva_engage(d: Path) -> Path:
    root = d / "network"
    root.mkdir()
    pd.DataFrame({"ID": ["1001", "1002", "1003"], "EMAIL": ["ana@c.com", "ben@c.com", "cy@c.com"],
                  "NAME": ["Ana", "Ben", "Cy"], "JOB_TITLE": "x", "LOCATION": "y", "DEPARTMENT": "z",
                  "JOINED_AT": "2020-01-01T00:00:00Z", "DELETED_AT": "", "SUSPENDED_AT": "", "GUID": "g",
                  "STATE": "active", "USER_COVER_IMAGE_URL": ""}).to_csv(root / "Users.csv", index=False)
    pd.DataFrame({"id": ["77"], "name": ["Guild"], "privacy": "public", "internal": "true", "link": "",
                  "creator_id": "1001", "created_at": "2020-06-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z",
                  "description": TOPIC}).to_csv(root / "Groups.csv", index=False)
    pd.DataFrame({"file_id": ["9001"], "type": "file", "name": [f"{FILE}.pdf"], "description": [BODY],
                  "path": [f"files/{FILE}.pdf"], "group_id": "77", "storage_path": "yammer",
                  "download_url": ""}).to_csv(root / "Files.csv", index=False)
    common = {"conversation_id": "", "group_id": "77", "group_name": "Guild", "participants": "",
              "in_private_group": "false", "in_private_conversation": "false", "sender_type": "user",
              "api_url": "", "deleted_by_id": "", "deleted_by_type": "", "deleted_at": "", "message_type": "update"}
    rows = [
        {**common, "id": "5001", "replied_to_id": "", "thread_id": "5001", "sender_id": "1001",
         "sender_name": "Ana", "sender_email": "ana@c.com", "body": f"Hi [[user:1002]] {BODY}",
         "attachments": f"uploadedfile:9001 {FILE}.pdf", "created_at": "2024-03-04T09:00:00.000Z",
         "title": SUBJECT},
        {**common, "id": "5002", "replied_to_id": "5001", "thread_id": "5001", "sender_id": "1002",
         "sender_name": "Ben", "sender_email": "ben@c.com", "body": f"re {BODY}", "attachments": "",
         "created_at": "2024-03-04T10:00:00.000Z", "title": ""},
        {**common, "id": "5003", "replied_to_id": "5001", "thread_id": "5001", "sender_id": "1003",
         "sender_name": "Cy", "sender_email": "cy@c.com", "body": BODY, "attachments": "",
         "created_at": "2024-03-04T11:00:00.000Z", "title": SUBJECT},
    ]
    pd.DataFrame(rows).to_csv(root / "Messages.csv", index=False)
    return root


def _mail(i: int, sender: str, to: list[str], reply_to: str | None = None) -> EmailMessage:
    m = EmailMessage()
    m["Message-ID"] = f"<m{i}.{BODY}@example.org>" if i == 1 else f"<m{i}@example.org>"
    m["Date"] = f"Mon, 10 Mar 2025 09:0{i}:00 +0000"
    m["From"] = f"{sender.title()} <{sender}@example.org>"
    m["To"] = ", ".join(f"{t}@example.org" for t in to)
    m["Subject"] = f"{SUBJECT} number {i}"
    m["Thread-Topic"] = SUBJECT
    m["X-Folder"] = TOPIC
    if reply_to:
        m["In-Reply-To"] = reply_to
    m.set_content(f"{BODY}\n@{to[0]} see attached")
    m.add_attachment(BODY.encode(), maintype="application", subtype="octet-stream", filename=f"{FILE}.pdf")
    return m


def _messages() -> list[EmailMessage]:
    return [_mail(1, "ana", ["ben", "cy"]), _mail(2, "ben", ["ana"], f"<m1.{BODY}@example.org>"),
            _mail(3, "cy", ["ana", "ben"])]


def _eml(d: Path) -> Path:
    root = d / "eml"
    root.mkdir()
    for i, m in enumerate(_messages()):
        (root / f"{i}.eml").write_bytes(m.as_bytes())
    return root


def _mbox(d: Path) -> Path:
    path = d / "list.mbox"
    box = mailbox.mbox(path)
    for m in _messages():
        box.add(m)
    box.flush()
    box.close()
    return path


def _maildir(d: Path) -> Path:
    root = d / "maildir"
    for user in ("ana", "ben"):
        for sub in ("cur", "new", "tmp"):
            (root / user / sub).mkdir(parents=True)
    for i, m in enumerate(_messages()):
        (root / ("ana" if i % 2 else "ben") / "cur" / f"17385{i}.M{i}P{i}.host:2,S").write_bytes(m.as_bytes())
    return root


def _table() -> pd.DataFrame:
    return pd.DataFrame({"ts": ["2025-01-06T09:00:00Z", "2025-01-06T10:00:00Z", "2025-01-07T09:00:00Z"],
                         "actor": ["ana", "ben", "cy"], "target": ["ben", "ana", "ana"],
                         "kind": ["reply", "reply", "mention"], "channel": ["general"] * 3,
                         "subject": [SUBJECT] * 3, "body": [BODY] * 3, "text": [BODY] * 3,
                         "attachment": [f"{FILE}.pdf"] * 3})


def _csv(d: Path) -> Path:
    path = d / "events.csv"
    _table().to_csv(path, index=False)
    return path


def _parquet(d: Path) -> Path:
    path = d / "events.parquet"
    pq.write_table(pa.Table.from_pandas(_table(), preserve_index=False), path)
    return path


BUILDERS: dict[str, Callable[[Path], Path]] = {
    "slack": _slack, "teams": _teams, "mattermost": _mattermost, "viva_engage": _viva_engage, "eml": _eml,
    "mbox": _mbox, "maildir": _maildir, "csv": _csv, "parquet": _parquet,
}


# ----------------------------------------------------------------------------- the search
def leaks(folder: Path, *texts: str) -> dict[str, list[str]]:
    """Canary -> where it was found (report files and the given texts)."""
    found: dict[str, list[str]] = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            data = p.read_bytes()
            for c in CANARIES:
                if c.encode() in data or c.lower().encode() in data:
                    found.setdefault(c, []).append(str(p.relative_to(folder)))
    for i, t in enumerate(texts):
        for c in CANARIES:
            if c.lower() in t.lower():
                found.setdefault(c, []).append(f"log/output #{i}")
    return found


def run_and_search(export: Path, fmt: str | None, out: Path, capsys: pytest.CaptureFixture[str],
                   caplog: pytest.LogCaptureFixture) -> dict[str, list[str]]:
    caplog.set_level(logging.DEBUG)
    result = run([export], out, RunOptions(format=fmt, min_group_size=0))
    assert result.findings.summary.events > 0, "the fixture gave no events; the test would prove nothing"
    captured = capsys.readouterr()
    return leaks(out, captured.out, captured.err, caplog.text)


@pytest.mark.parametrize("reader", sorted(READERS))
def test_no_content_reaches_any_output(reader: str, tmp_path: Path, capsys, caplog) -> None:
    if reader not in BUILDERS:
        pytest.fail(f"reader {reader!r} has no content-free fixture: add a builder to {__file__}")
    export = BUILDERS[reader](tmp_path)
    assert CANARIES[0] in "".join(p.read_bytes().decode("utf-8", "replace") for p in
                                  ([export] if export.is_file() else sorted(export.rglob("*"))) if p.is_file()) \
        or reader == "parquet"
    assert sniff(export) == reader
    found = run_and_search(export, reader, tmp_path / "report", capsys, caplog)
    assert not found, f"{reader}: content reached the report: {found}"


def _fixture_exports() -> list[Path]:
    out = []
    for p in sorted(FIXTURES.rglob("*")):
        if p.is_file() and any(c.encode() in p.read_bytes() for c in CANARIES):
            out.append(p)
    # the export each planted file belongs to: the file itself, or its nearest folder a reader knows
    exports: set[Path] = set()
    for p in out:
        for cand in (p, *p.parents):
            if cand == FIXTURES.parent:
                break
            try:
                sniff(cand)
            except Exception:  # noqa: BLE001 - not an export on its own; try the folder above
                continue
            exports.add(cand)
            break
    return sorted(exports)


@pytest.mark.parametrize("export", _fixture_exports(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_connector_fixtures_stay_content_free(export: Path, tmp_path: Path, capsys, caplog) -> None:
    try:
        found = run_and_search(export, None, tmp_path / "report", capsys, caplog)
    except (ValueError, AssertionError) as exc:  # a fixture of broken input: nothing written is fine
        assert not (tmp_path / "report").exists(), exc
        return
    assert not found, f"{export}: content reached the report: {found}"


def test_the_search_finds_a_planted_leak(tmp_path: Path, capsys, caplog) -> None:
    # Negative control: a canary used as a person id must be found, or the tests above prove nothing.
    table = _table().assign(actor=[BODY, "ben", "cy"])
    table.to_csv(tmp_path / "e.csv", index=False)
    found = run_and_search(tmp_path / "e.csv", "csv", tmp_path / "report", capsys, caplog)
    assert "people.csv" in found[BODY] and "findings.json" in found[BODY]
