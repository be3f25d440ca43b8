"""Covered time (item: gaps in the data shown as activity) and newcomers by hire date, at CLI defaults."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from orgnet.cli import main

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "datasets" / "synthetic" / "example"


def _analyze(args: list[str], out: Path) -> dict:
    done = CliRunner().invoke(main, ["analyze", *args, "--out", str(out)])
    assert done.exit_code == 0, done.output
    return json.loads((out / "findings.json").read_text())


@pytest.fixture(scope="module")
def apache(shared_dataset, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("apache") / "report"
    return out, _analyze([str(shared_dataset("mbox_apache_lists"))], out)


@pytest.mark.slow
def test_apache_time_is_counted_in_covered_time(apache: tuple[Path, dict]) -> None:
    out, found = apache
    coverage = found["summary"]["coverage"]
    assert coverage["gaps"] >= 2 and coverage["covered_days"] < 0.2 * coverage["span_days"]
    covered_months = {m for s in coverage["spans"]
                      for m in pd.period_range(s["first"], s["last"], freq="M").astype(str)}
    # Per-period rows only for months the data covers: none "0 | No one" inside a gap.
    months = {row["period"] for row in found["responses"]["getting_outside"]}
    assert months and months <= covered_months
    # "active N of M weeks": M counts covered weeks only (about 17 in 120 days, not 152).
    assert 0 < found["ambassadors"]["weeks"] <= coverage["covered_days"] / 7 + len(coverage["spans"])
    weeks = [int(w) for w in re.findall(r"active \d+ of (\d+) weeks", " ".join(
        pd.read_csv(out / "ambassadors.csv")["reason"].astype(str)))]
    assert weeks and max(weeks) == found["ambassadors"]["weeks"]
    # No one first seen right after a gap is a newcomer (no stretch is long enough to be new in).
    roles = pd.read_csv(out / "connectors.csv")
    assert not (roles["role"] == "newcomer").any()
    assert "newcomer" in found["connectors"]["notes"]
    page = (out / "index.html").read_text()
    assert re.search(r'id="coverage">The data covers \d+ of the [\d,]+ days', page)


def test_demo_newcomers_are_the_recent_hires(tmp_path: Path) -> None:
    found = _analyze([str(DEMO), "--directory", str(DEMO / "directory.csv")], tmp_path / "report")
    roles = pd.read_csv(tmp_path / "report" / "connectors.csv")
    people = pd.read_csv(tmp_path / "report" / "people.csv")
    end = pd.Timestamp(found["summary"]["period"]["last"])
    hired = pd.to_datetime(people["hire_date"], utc=True)
    recent = people.loc[(end - hired <= pd.Timedelta(days=90)) & (hired <= end) & people["eligible"], "person"]
    typical = pd.to_numeric(roles.loc[roles["role"] == "newcomer", "partners_median"]).max()
    few = set(people.loc[people["person"].isin(recent) & (people["partners"] < typical), "person"])
    assert len(recent) >= 1 and few
    newcomers = set(roles.loc[roles["role"] == "newcomer", "person"])
    assert few <= newcomers <= set(recent)
    # A recent hire is a newcomer, never peripheral for having few contacts.
    assert not set(roles.loc[roles["role"] == "peripheral", "person"]) & set(recent)
    assert found["summary"]["coverage"]["gaps"] == 0


@pytest.mark.slow
def test_group_column_makes_coleman_towns_the_departments(shared_dataset, tmp_path: Path) -> None:
    root = shared_dataset("coleman_physicians")
    nodes = pd.read_csv(root / "nodes.csv")
    found = _analyze([str(root / "edges.csv"), "--map", "actor=source,target=target", "--directory",
                      str(root / "nodes.csv"), "--group-column", "city"], tmp_path / "report")
    assert found["summary"]["departments"] == nodes["city"].nunique()
    rows = [r for r in found["silos"]["rows"] if r["kind"] == "department"]
    assert {r["group"] for r in rows} == set(nodes["city"].astype(str))
    # The towns' physicians name no one in another town: every town is an island.
    assert all(r["is_silo"] for r in rows)
