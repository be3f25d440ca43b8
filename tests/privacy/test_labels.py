"""Group labels that hold a member's name, handle or e-mail local part are replaced in pseudonymised reports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from orgnet.pipeline import RunOptions, run

KEY = b"labels-test-key-0123456789abcdef"
SURNAMES = ["Okonkwo", "Vasquez", "Lindqvist", "Tanaka", "Moreau", "Kowalski"]
HANDLES = ["zorbix", "quillon", "mervane", "tallow", "brisken", "oakum"]


@pytest.mark.parametrize("keep_labels", [False, True])
def test_department_names_embedding_members_are_scrubbed(tmp_path: Path, keep_labels: bool) -> None:
    events = tmp_path / "events.csv"
    rows = ["ts,kind,actor,target"]
    n = 36
    for d in range(1, 29):
        for i in range(n):
            rows.append(f"2024-01-{d:02d}T09:00:00Z,reply,e{i}@x.org,e{(i + d) % n}@x.org")
    events.write_text("\n".join(rows) + "\n", encoding="utf-8")
    lines = ["person,email,name,department"]
    for i in range(n):
        team = i % 6
        # Shaped as in the issue: "<handle>-team", "Team <Surname>", "<Surname>'s reports".
        dept = [f"{HANDLES[team]}-team", f"Team {SURNAMES[team]}", f"{SURNAMES[team]}'s reports"][team % 3]
        dept = "Logistics" if team == 5 else dept  # a label naming no one
        local = HANDLES[team] if i % 6 == team and i < 6 else f"e{i}"
        first = SURNAMES[team] if i < 6 else f"Person{i}"
        lines.append(f'e{i},{local}@x.org,"Kim {first}",{dept}')
    directory = tmp_path / "directory.csv"
    directory.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run([events], tmp_path / "r", RunOptions(directory=directory, pseudonymize=True, key=KEY,
                                                      keep_labels=keep_labels))
    out = result.report
    blob = b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())
    for word in SURNAMES + HANDLES:
        assert not re.search(word.encode(), blob, re.IGNORECASE), word
    labels = set(result.findings.people["department"].dropna())
    assert len(labels) == 6 and sum(x.startswith("g_") for x in labels) == (5 if keep_labels else 6)
    assert (b"Logistics" in (out / "people.csv").read_bytes()) is keep_labels  # kept only when asked
    assert result.findings.summary.privacy["labels_replaced"] == (5 if keep_labels else None)
    plain = run([events], tmp_path / "plain", RunOptions(directory=directory)).report
    assert b"Okonkwo" in (plain / "findings.json").read_bytes()  # negative control: not pseudonymised, kept


def test_label_words_come_from_names_handles_and_local_parts_only() -> None:
    import pandas as pd

    from orgnet.privacy.pseudonymize import identity_tokens, naming_labels

    people = pd.DataFrame({"person": ["ana.okafor@corp.org", "E7"], "name": ["Ana Okafor", "Li Wu"],
                           "email": ["ana.okafor@corp.org", "bwu@corp.org"], "handle": [None, "bigwave"]})
    tokens = identity_tokens(people)
    labels = ["Org Design", "Corp Comms", "Okafor's reports", "bigwave-team", "BWU squad", "Li team"]
    # Domains are not names; words under 3 letters ("Li") are too short to tell.
    assert naming_labels(labels, tokens) == ["Okafor's reports", "bigwave-team", "BWU squad"]
