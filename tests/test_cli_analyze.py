"""`orgnet analyze` end to end: the report files, clear errors on bad input, nothing half-written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from orgnet.cli import main

EDGES = "sender,recipient,date\nana,ben,2025-01-06\nben,ana,2025-01-07\ncy,ana,2025-01-08\ndee,cy,2025-01-09\n"
ROSTER = "person_id,name,department\nana,Ana A,Legal\nben,Ben B,Legal\ncy,Cy C,Sales\ndee,Dee D,Sales\neve,Eve E,Sales\n"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes else "")


@pytest.fixture
def edge_csv(tmp_path: Path) -> Path:
    p = tmp_path / "mail.csv"
    p.write_text(EDGES)
    (tmp_path / "dir.csv").write_text(ROSTER)
    return p


def test_report_files_and_columns(edge_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    code, text = run("analyze", str(edge_csv), "--map", "actor=sender,target=recipient,ts=date",
                     "--directory", str(tmp_path / "dir.csv"), "--min-group-size", "1", "--out", str(out))
    assert code == 0, text
    assert {"people.csv", "ties.csv", "groups.csv", "findings.json", "map.html"} <= {p.name for p in out.iterdir()}
    people = pd.read_csv(out / "people.csv", dtype={"person": str})
    assert list(people.columns[:4]) == ["person", "name", "department", "community"]
    assert {"pagerank", "betweenness", "in_strength", "out_strength", "in_degree", "out_degree", "partners"} <= set(
        people.columns)
    assert sorted(people["person"]) == ["ana", "ben", "cy", "dee", "eve"]  # eve: directory member, no events
    groups = pd.read_csv(out / "groups.csv")
    assert list(groups.columns[:7]) == ["group", "kind", "code", "size", "internal_weight", "external_weight",
                                        "ei_index"]
    assert {"is_silo", "bridges", "reason"} <= set(groups.columns)
    legal = groups[(groups["kind"] == "department") & (groups["group"] == "Legal")].iloc[0]
    assert legal["internal_weight"] == 2 and legal["external_weight"] == 1
    summary = json.loads((out / "findings.json").read_text())["summary"]
    assert summary["people"] == 5 and summary["events"] == 4 and summary["ties"] == 4
    assert summary["period"]["first"].startswith("2025-01-06")
    assert "betweenness" in summary["methods"]
    assert "Most central people" in text


def test_edge_list_without_timestamps_says_time_findings_skipped(tmp_path: Path) -> None:
    p = tmp_path / "edges.csv"
    p.write_text("actor,target\na,b\nb,c\n")
    code, text = run("analyze", str(p), "--out", str(tmp_path / "r"))
    assert code == 0, text
    summary = json.loads((tmp_path / "r" / "findings.json").read_text())["summary"]
    assert any("no timestamps" in s for s in summary["skipped_findings"])
    assert "skipped" in text


def test_map_has_no_remote_script_or_stylesheet(edge_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "r"
    assert run("analyze", str(edge_csv), "--map", "actor=sender,target=recipient", "--out", str(out))[0] == 0
    html = (out / "map.html").read_text()
    assert not re.search(r"<script[^>]+src=[\"']?https?://", html, re.I)
    assert not re.search(r"<link[^>]+href=[\"']?https?://", html, re.I)
    assert "vis.Network" in html


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("sender,date\nana,2025-01-06\n", r"mail\.csv: no actor column"),
        ("actor,target,ts\nana,ben,2025-01-06\nben,ana,not-a-date\n", r"mail\.csv.*row 2: cannot parse timestamp 'not-a-date'"),
        ("", r"mail\.csv: file is empty"),
        ("actor,target\n", r"mail\.csv: no data rows"),
    ],
    ids=["missing-column", "bad-date", "empty-file", "header-only"],
)
def test_bad_input_fails_clearly_and_writes_nothing(tmp_path: Path, content: str, expected: str) -> None:
    p = tmp_path / "mail.csv"
    p.write_text(content)
    out = tmp_path / "report"
    code, text = run("analyze", str(p), "--out", str(out))
    assert code == 2
    assert re.search(expected, " ".join(text.split())), text
    assert "Traceback" not in text
    assert not out.exists()
    assert [x.name for x in tmp_path.iterdir()] == ["mail.csv"]  # no staging folder left behind


def test_failure_keeps_the_previous_report(edge_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    assert run("analyze", str(edge_csv), "--map", "actor=sender,target=recipient", "--out", str(out))[0] == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    bad = tmp_path / "bad.csv"
    bad.write_text("actor,target,ts\na,b,never\n")
    assert run("analyze", str(bad), "--out", str(out))[0] == 2
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_refuses_to_replace_a_folder_that_is_not_a_report(edge_csv: Path, tmp_path: Path) -> None:
    precious = tmp_path / "home"
    precious.mkdir()
    (precious / "thesis.txt").write_text("keep me")
    code, text = run("analyze", str(edge_csv), "--map", "actor=sender,target=recipient", "--out", str(precious))
    assert code == 2 and "not an orgnet report" in text
    assert (precious / "thesis.txt").read_text() == "keep me"
