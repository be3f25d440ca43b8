"""The issue's acceptance run: a synthetic organisation, generated then analysed from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from orgnet.cli import main


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("e2e")
    org, out = base / "D", base / "R"
    runner = CliRunner()
    made = runner.invoke(main, ["synth", "--people", "2000", "--seed", "7", "--out", str(org)])
    assert made.exit_code == 0, made.output
    done = runner.invoke(main, ["analyze", str(org), "--directory", str(org / "directory.csv"), "--out", str(out)])
    assert done.exit_code == 0, done.output
    return org, out


def test_report_files_are_written(report: tuple[Path, Path]) -> None:
    _, out = report
    assert {"people.csv", "groups.csv", "findings.json", "map.html"} <= {p.name for p in out.iterdir()}
    people = pd.read_csv(out / "people.csv", dtype={"person": str})
    assert len(people) == 2000
    assert people["person"].is_unique and people["department"].notna().all()
    summary = json.loads((out / "findings.json").read_text())["summary"]
    assert summary["people"] == 2000 and summary["ties"] > 0 and summary["events"] > 0
    assert summary["period"]["first"] and summary["period"]["last"]


def test_planted_silos_have_the_lowest_ei_index(report: tuple[Path, Path]) -> None:
    org, out = report
    truth = json.loads((org / "truth.json").read_text())
    silos = set(truth["silo_departments"])
    assert silos
    groups = pd.read_csv(out / "groups.csv")
    departments = groups[groups["kind"] == "department"].sort_values("ei_index")
    lowest = set(departments["group"].head(len(silos)))
    assert silos == lowest


def test_directory_attributes_match_the_roster_by_id(report: tuple[Path, Path]) -> None:
    org, out = report
    roster = pd.read_csv(org / "directory.csv", dtype=str).set_index("person")
    people = pd.read_csv(out / "people.csv", dtype={"person": str}).set_index("person")
    assert (people["department"] == roster.loc[people.index, "department"]).all()
    assert (people["name"] == roster.loc[people.index, "name"]).all()
