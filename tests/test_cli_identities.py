"""`orgnet identities`, the identity options of `orgnet analyze` and the identity section of `orgnet inspect`."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from orgnet.cli import main
from orgnet.identity import read_aliases

MAIL = [
    ("Phillip K Allen <phillip.allen@corp.example>", "ana@corp.example"),
    ('"Allen, Phillip K." <k..allen@corp.example>', "ana@corp.example"),
    ("pallen <pallen@corp.example>", "ben@corp.example"),
    ("Ana Lima <ana@corp.example>", "ben@corp.example, cy@corp.example"),
    ("Ben Okafor <ben@corp.example>", "ana@corp.example"),
    ("Cy Diaz <cy@corp.example>", "ana@corp.example, ben@corp.example"),
    ("Phillip K Allen <phillip.allen@corp.example>", "ben@corp.example, friend@home.example"),
    ("Corp Announcements <announcements@corp.example>", "ana@corp.example, ben@corp.example"),
]


@pytest.fixture
def box(tmp_path: Path) -> Path:
    path = tmp_path / "team.mbox"
    path.write_text("\n".join(
        f"From x Mon Jan  1 00:00:00 2024\nMessage-ID: <{i}@corp.example>\nFrom: {frm}\nTo: {to}\n"
        f"Date: Tue, 2 Jan 2024 0{i}:00:00 +0000\n\nbody\n" for i, (frm, to) in enumerate(MAIL)))
    return path


def run(*args: str) -> tuple[int, str]:
    done = CliRunner().invoke(main, list(args))
    return done.exit_code, done.output


def test_identities_writes_a_ready_alias_file(box: Path, tmp_path: Path) -> None:
    out = tmp_path / "aliases.csv"
    code, text = run("identities", str(box), "--org-domain", "corp.example", "--out", str(out))
    assert code == 0, text
    rows = pd.read_csv(out)
    assert list(rows.columns) == ["alias", "person", "evidence", "certain"]
    assert rows.set_index("alias")["person"].to_dict() == {"k..allen@corp.example": "phillip.allen@corp.example",
                                                           "pallen@corp.example": "phillip.allen@corp.example"}
    assert rows.set_index("alias")["certain"].to_dict() == {"k..allen@corp.example": True,
                                                            "pallen@corp.example": False}
    assert read_aliases(out)[["alias", "person"]].values.tolist() == rows[["alias", "person"]].values.tolist()
    assert "Non-human senders (1)" in text and "1 non-human" in text
    # Read back with --alias, the file merges what it lists.
    code, text = run("analyze", str(box), "--alias", str(out), "--org-domain", "corp.example",
                     "--out", str(tmp_path / "report"), "--graph-files-max-ties", "1")
    assert code == 0, text
    people = pd.read_csv(tmp_path / "report" / "people.csv")
    assert "pallen@corp.example" not in set(people["person"])


def test_analyze_identity_options(box: Path, tmp_path: Path) -> None:
    code, text = run("analyze", "--help")
    assert all(opt in text for opt in ("--keep-sender", "--non-human", "--no-auto-merge"))
    listed = tmp_path / "not_people.txt"
    listed.write_text("# shared mailbox\ncy@corp.example\n")
    code, text = run("analyze", str(box), "--org-domain", "corp.example", "--non-human", str(listed),
                     "--keep-sender", "announcements@corp.example", "--no-auto-merge", "--out", str(tmp_path / "r"),
                     "--graph-files-max-ties", "1")
    assert code == 0, text
    people = set(pd.read_csv(tmp_path / "r" / "people.csv")["person"])
    assert "cy@corp.example" not in people and "announcements@corp.example" in people
    assert "k..allen@corp.example" in people  # not merged
    assert "friend@home.example" not in people  # outside the organisation: no member
    code, text = run("analyze", str(box), "--out", str(tmp_path / "r2"), "--graph-files-max-ties", "1")
    assert code == 0, text
    people = set(pd.read_csv(tmp_path / "r2" / "people.csv")["person"])
    assert "announcements@corp.example" not in people and "k..allen@corp.example" not in people


def test_inspect_lists_non_human_senders_and_duplicates(box: Path) -> None:
    code, text = run("inspect", str(box), "--org-domain", "corp.example", "--json")
    assert code == 0, text
    ids = json.loads(text)["identities"]
    assert ids["membership"]["rule"] == "org domain" and ids["membership"]["external"] == 1
    assert ids["non_human"] == [{"person": "announcements@corp.example", "name": "Corp Announcements",
                                 "evidence": "address pattern: announcements"}]
    assert {d["alias"] for d in ids["duplicates"]} == {"k..allen@corp.example", "pallen@corp.example"}
    code, text = run("inspect", str(box))
    assert code == 0 and "Non-human senders" in text and "Likely duplicate identities" in text


@pytest.mark.realdata
def test_identities_on_enron_lists_phillip_allen(shared_dataset, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "aliases.csv"
    code, text = run("identities", str(shared_dataset("enron_maildir_subset") / "maildir"), "--out", str(out))
    assert code == 0, text
    rows = read_aliases(out)
    allen = set(rows.loc[rows["person"] == "phillip.allen@enron.com", "alias"])
    assert {"k..allen@enron.com", "pallen@enron.com", "phillip.k.allen@enron.com"} <= allen


def test_identity_options_are_documented() -> None:
    import re

    doc = (Path(__file__).resolve().parents[1] / "docs" / "identities.md").read_text()
    for command in ("identities", "analyze", "inspect"):
        code, text = run(command, "--help")
        assert code == 0
        options = set(re.findall(r"--[a-z][a-z-]+", text)) - {"--help"}
        mine = options if command == "identities" else options & {"--org-domain", "--keep-sender", "--non-human",
                                                                   "--no-auto-merge", "--include-external"}
        assert mine and all(f"`{opt}" in doc for opt in mine - {"--out", "--format", "--map"}), command
