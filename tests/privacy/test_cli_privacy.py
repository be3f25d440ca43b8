"""`orgnet analyze` privacy flags and `orgnet reidentify`, end to end through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from orgnet.cli import main
from orgnet.synthetic import toy_org

KEY = "cli-test-key-0123456789abcdef"


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes else "")


@pytest.fixture(scope="module")
def org_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, pd.DataFrame]:
    d = tmp_path_factory.mktemp("org")
    org = toy_org()
    pq.write_table(org.events, d / "events.parquet")
    org.directory.to_csv(d / "directory.csv", index=False)
    (d / "key").write_text(KEY + "\n")
    return d / "events.parquet", d / "directory.csv", org.directory


def report_bytes(folder: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_pseudonymize_needs_a_key(org_files, tmp_path):
    events, directory, _ = org_files
    code, text = run("analyze", str(events), "--directory", str(directory), "--out", str(tmp_path / "r"),
                     "--pseudonymize", env={"ORGNET_KEY": ""})
    assert code == 2 and "no key given" in text and not (tmp_path / "r").exists()


def test_pseudonymized_report_and_reidentify(org_files, tmp_path):
    events, directory, roster = org_files
    out = tmp_path / "r"
    (tmp_path / "optout.txt").write_text(f"# opted out\n{roster['email'][5].upper()}\n")
    code, text = run("analyze", str(events), "--directory", str(directory), "--out", str(out),
                     "--key-file", str(events.parent / "key"), "--exclude", str(tmp_path / "optout.txt"))
    assert code == 0, text
    blob = report_bytes(out) + text.encode()
    for ident in set(roster["person"]) | set(roster["name"]) | set(roster["email"]):
        assert ident.encode() not in blob, ident
    privacy = json.loads((out / "findings.json").read_text())["summary"]["privacy"]
    assert privacy["pseudonymised"] and privacy["people_excluded"] == 1 and privacy["min_group_size"] == 5
    people = pd.read_csv(out / "people.csv")
    assert len(people) == len(roster) - 1
    ps = people["person"].head(3).tolist()
    code, text = run("reidentify", *ps, "--candidates", str(directory), "--key-file", str(events.parent / "key"))
    assert code == 0, text
    from orgnet.privacy import Pseudonymizer

    mine = {Pseudonymizer(KEY.encode()).pseudonym(p): p for p in roster["person"]}
    assert all(mine[p] in text for p in ps)
    code, text = run("reidentify", ps[0], "--candidates", str(directory), env={"ORGNET_KEY": KEY[::-1]})
    assert code == 1 and "not among the candidates" in text


def test_aggregate_only_report_names_nobody(org_files, tmp_path):
    events, directory, roster = org_files
    out = tmp_path / "agg"
    code, text = run("analyze", str(events), "--directory", str(directory), "--out", str(out), "--aggregate-only")
    assert code == 0, text
    blob = report_bytes(out) + text.encode()
    for ident in set(roster["person"]) | set(roster["name"]) | set(roster["email"]):
        assert ident.encode() not in blob, ident
    assert json.loads((out / "findings.json").read_text())["summary"]["privacy"]["aggregate_only"] is True


def test_short_key_file_is_refused(org_files, tmp_path):
    events, directory, _ = org_files
    (tmp_path / "k").write_text("short")
    code, text = run("analyze", str(events), "--out", str(tmp_path / "r"), "--key-file", str(tmp_path / "k"))
    assert code == 2 and "at least 16" in text
