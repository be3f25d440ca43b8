"""Same inputs, options and seed: byte-identical CSV and JSON outputs (pseudonymised or not)."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from orgnet.findings import AnalysisOptions
from orgnet.pipeline import RunOptions, run
from orgnet.synthetic import generate


@pytest.fixture(scope="module")
def org_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("synthetic")
    org = generate(people=300, seed=5, weeks=8)
    pq.write_table(org.events, d / "events.parquet")
    org.directory.to_csv(d / "directory.csv", index=False)
    return d / "events.parquet", d / "directory.csv"


def data_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.suffix in (".csv", ".json")}


@pytest.mark.parametrize("privacy", [{}, {"pseudonymize": True, "key": b"determinism-key-0123456789"},
                                     {"aggregate_only": True, "min_group_size": 10}])
def test_two_runs_give_identical_files(org_files, tmp_path: Path, privacy: dict) -> None:
    events, directory = org_files
    opts = RunOptions(directory=directory, analysis=AnalysisOptions(seed=3), **privacy)
    first = data_files(run([events], tmp_path / "one", opts).report)
    second = data_files(run([events], tmp_path / "two", opts).report)
    expected = {"groups.csv", "findings.json"} | (set() if privacy.get("aggregate_only") else {"people.csv"})
    assert expected <= first.keys()
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
