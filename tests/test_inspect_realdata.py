"""`orgnet inspect --json` on the real mail datasets: the figures a user sees before analysing.

The Slack figures are checked in tests/test_inspect.py; these are the mbox and maildir ones.
Expected values were measured and explained against each dataset's PROVENANCE.txt.
"""

from __future__ import annotations

import json

from click.testing import CliRunner

from orgnet.cli import main


def inspect_json(*paths: str) -> dict:  # type: ignore[type-arg]
    done = CliRunner().invoke(main, ["inspect", *paths, "--json"])
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def test_apache_mbox_months(shared_dataset) -> None:  # type: ignore[no-untyped-def]
    folder = shared_dataset("mbox_apache_lists")
    files = ["maven-dev-2017-11-listsao.mbox", "maven-dev-2017-12-listsao.mbox",
             "httpd-users-2020-07.mbox", "asterix-dev-201709-mailarchivesao.mbox"]
    out = inspect_json(*(str(folder / f) for f in files))
    by_file = {s["path"].rsplit("/", 1)[-1]: s for s in out["sources"]}
    # PROVENANCE: 320 / 222 / 108 / 53 messages in the four months.
    assert [by_file[f]["records_read"] for f in files] == [320, 222, 108, 53]
    # Duplicated Message-IDs in the maven months (3 and 1) count once, and are reported.
    assert by_file[files[0]]["records_skipped"]["duplicate message-id"] == 3
    assert by_file[files[1]]["records_skipped"]["duplicate message-id"] == 1
    # Replies found from In-Reply-To / References, and 2 + 3 "Re:" mails from clients that drop
    # those headers, linked to the list's earlier mail of that subject.
    assert [by_file[f]["replies"] for f in files] == [235 + 2, 173, 74 + 3, 33]
    assert out["format"] == "mbox" and out["records_read"] == 703 and out["channels"] == 4
    assert out["first"].startswith("2017-09-03") and out["last"].startswith("2020-07-31")
    for key in ("format", "records_read", "records_skipped", "messages", "replies", "reactions", "people",
                "active_people", "channels", "threads", "first", "last"):
        assert key in out


def test_enron_maildir(shared_dataset) -> None:  # type: ignore[no-untyped-def]
    out = inspect_json(str(shared_dataset("enron_maildir_subset") / "maildir"))
    assert out["format"] == "maildir" and out["records_read"] == 7229
    skipped = out["records_skipped"]
    # The same mail filed in several folders counts once (the CMU release gave each copy its own
    # Message-ID, so copies are matched on sender, Date, recipients and subject).
    assert skipped["duplicate copy (same sender, Date, recipients and subject; other Message-ID)"] == 2549
    assert skipped["mass mail (more than 50 recipients)"] == 69  # truncated ".x@enron.com" addresses left out
    # No mail has In-Reply-To or References: replies (and forwards, as shares) are found by subject.
    noted = out["records_noted"]
    assert noted["reply found by subject (no threading headers; kept as a reply)"] == out["replies"] == 357
    assert noted["forward found by subject (no threading headers; kept as a share)"] == 160
    # Kept records are never counted as skipped.
    assert not any("kept" in reason for reason in skipped)
    assert out["messages"] == 4106  # 3 more under the mass-mail cap, 2 fewer (truncated address)
    # The 1979-12-31 dates are isolated from the rest, so the period is the bulk's.
    assert out["first"].startswith("1999-12-10") and out["last"].startswith("2002-01-30")
