"""Privacy at the edges, proved on the bytes: no raw identity and no hidden group in any output file.

A directory plants identities under hostile column names (``asker``, ``Backup Contact``, ...) and
gives the small departments distinctive names. ``orgnet analyze --pseudonymize --min-group-size 30``
must then leave none of them in any byte of the report folder, in the terminal, or anywhere
in findings.json — while the departments large enough to show are still there (so the search
looks at real output, not at an empty report).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from orgnet.cli import main
from orgnet.privacy.suppression import suppressed_groups
from orgnet.synthetic import generate

KEY = "edge-test-key-0123456789abcdef"


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> dict:
    d = tmp_path_factory.mktemp("edges")
    org = generate(people=300, seed=3)
    directory = org.directory.copy()
    rng = np.random.default_rng(0)
    other = rng.permutation(len(directory))
    # Other people's identities under names no rule could guess.
    directory["asker"] = directory["person"].to_numpy()[other]
    directory["Backup Contact"] = directory["name"].to_numpy()[other]
    directory["slack_handle"] = "@" + directory["email"].str.split("@").str[0]
    directory["notes"] = "ask " + directory["email"].to_numpy()[other]
    # Departments under 30 people get names that must never be seen once hidden.
    sizes = directory["department"].value_counts()
    hidden = suppressed_groups(sizes, 30)
    rename = {dept: f"Zq{i}hidden{dept.replace(' ', '')}" for i, dept in enumerate(hidden)}
    directory["department"] = directory["department"].replace(rename)
    pq.write_table(org.events, d / "events.parquet")
    directory.to_csv(d / "directory.csv", index=False)
    (d / "key").write_text(KEY + "\n")
    out = d / "report"
    result = CliRunner().invoke(main, ["analyze", str(d / "events.parquet"), "--directory", str(d / "directory.csv"),
                                       "--pseudonymize", "--keep-labels", "--key-file", str(d / "key"),
                                       "--min-group-size", "30",
                                       "--by", "month", "--out", str(out)])
    assert result.exit_code == 0, result.output
    shown = sorted(set(sizes.index) - set(hidden))
    return {"out": out, "terminal": result.output, "directory": directory, "hidden": sorted(rename.values()),
            "shown": shown}


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_no_raw_identity_in_any_output_byte(planted: dict) -> None:
    files = _bytes(planted["out"])
    assert {"index.html", "map.html", "people.csv", "ties.csv", "findings.json", "graph.graphml"} <= set(files)
    d = planted["directory"]
    identities = set(d["person"]) | set(d["name"]) | set(d["email"]) | set(d["slack_handle"])
    identities |= {e.split("@")[0] for e in d["email"]}  # local parts alone name people too
    for name, blob in {**files, "terminal": planted["terminal"].encode()}.items():
        text = blob.decode("utf-8", errors="ignore")
        leaked = sorted(i for i in identities if i in text)
        assert not leaked, f"{name}: {leaked[:5]}"


def test_no_hidden_group_in_any_output_byte(planted: dict) -> None:
    files = _bytes(planted["out"])
    assert planted["hidden"], "the organisation has no department under 30 people: the test would prove nothing"
    for name, blob in {**files, "terminal": planted["terminal"].encode()}.items():
        text = blob.decode("utf-8", errors="ignore")
        assert not [h for h in planted["hidden"] if h in text], name
    # The groups large enough to show are shown (the search looked at real output).
    index = files["index.html"].decode()
    assert any(dept in index for dept in planted["shown"])


def test_hostile_columns_are_not_in_the_tables(planted: dict) -> None:
    people = pd.read_csv(planted["out"] / "people.csv")
    assert not {"asker", "Backup Contact", "slack_handle", "notes", "email"} & set(people.columns)
    assert people["person"].str.fullmatch(r"p_[0-9a-f]+").all()
    assert (people["name"] == people["person"]).all()
