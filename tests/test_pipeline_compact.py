"""orgnet analyze's pipeline on the compact contract: no item after de-duplication, coded ids, events let go."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import orgnet.pipeline as pipeline
from orgnet.events import CODED_TEXT
from orgnet.findings import AnalysisOptions
from orgnet.pipeline import RunOptions, run
from orgnet.synthetic import toy_org


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("org")
    org = toy_org()
    pq.write_table(org.events, folder / "events.parquet")
    org.directory.to_csv(folder / "directory.csv", index=False)
    return folder


def test_the_analysis_sees_compact_events(example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[pa.Table] = []
    original = pipeline.analyze

    def spy(events: pa.Table, **kwargs: object) -> object:
        seen.append(events)
        return original(events, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "analyze", spy)
    opts = RunOptions(directory=example / "directory.csv", analysis=AnalysisOptions(workers=1))
    result = run([example / "events.parquet"], tmp_path / "report", opts)
    (events,) = seen
    assert "item" not in events.column_names
    for name in ("actor", "target", "source", "channel", "thread"):
        assert events.schema.field(name).type == CODED_TEXT, name
    assert result.loaded.events.num_rows == 0  # let go before the report
    kept = run([example / "events.parquet"], tmp_path / "again", RunOptions(
        directory=example / "directory.csv", analysis=AnalysisOptions(workers=1), keep_events=True))
    assert kept.loaded.events.num_rows == events.num_rows
    one = json.loads((tmp_path / "report" / "findings.json").read_text())
    two = json.loads((tmp_path / "again" / "findings.json").read_text())
    assert one["summary"] == two["summary"]
