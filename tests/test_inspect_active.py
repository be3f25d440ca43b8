"""One definition of "active": `inspect --json`, findings.json and the page give the same count.

Someone who only joined a channel or viewed is a watcher, not active (orgnet.events.PRESENCE_KINDS);
the commands are run with their defaults, as a user would.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from orgnet.cli import main


@pytest.mark.slow
@pytest.mark.parametrize("name", ["slack_olake_community", "slack_houstondatavis"])
def test_active_count_is_the_same_everywhere(shared_dataset, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    export = str(shared_dataset(name))
    inspected = CliRunner().invoke(main, ["inspect", export, "--json"])
    assert inspected.exit_code == 0, inspected.output
    active = json.loads(inspected.stdout)["active_people"]
    out = tmp_path / "report"
    done = CliRunner().invoke(main, ["analyze", export, "--out", str(out)])
    assert done.exit_code == 0, done.output
    summary = json.loads((out / "findings.json").read_text())["summary"]
    page = (out / "index.html").read_text()
    shown = re.search(r'id="stat-active"><b>([\d,]+)</b>', page)
    assert shown is not None
    assert summary["active_people"] == active == int(shown.group(1).replace(",", ""))
    # Joining is not acting: these exports hold members who only joined, so fewer are active than present.
    assert 0 < active < summary["people"]
