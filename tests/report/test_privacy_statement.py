"""The report's first page says what was hidden, and aggregate-only reports name nobody."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from orgnet.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "datasets" / "synthetic" / "example"


def _run(tmp_path: Path, *extra: str) -> Path:
    out = tmp_path / "r"
    done = CliRunner().invoke(main, ["analyze", str(EXAMPLE), "--directory", str(EXAMPLE / "directory.csv"),
                                     "--out", str(out), *extra])
    assert done.exit_code == 0, done.output
    return out


def test_first_page_states_privacy_settings(tmp_path: Path) -> None:
    key = tmp_path / "key"
    key.write_bytes(b"statement-test-key-0123456789")
    out = _run(tmp_path, "--pseudonymize", "--key-file", str(key), "--min-group-size", "7")
    html = (out / "index.html").read_text()
    first = html[html.index('id="privacy"'):html.index("</div>", html.index('id="privacy"'))]
    assert "Pseudonymised" in first and "fewer than 7 people" in first
    summary = json.loads((out / "findings.json").read_text())["summary"]
    assert summary["privacy"]["pseudonymised"] is True and summary["privacy"]["min_group_size"] == 7


def test_aggregate_only_writes_no_people(tmp_path: Path) -> None:
    out = _run(tmp_path, "--aggregate-only")
    assert not (out / "people.csv").exists() and not (out / "ambassadors.csv").exists()
    data = json.loads((out / "findings.json").read_text())
    assert data["people"] is None and not data["ambassadors"]["rows"] and not data["connectors"]["rows"]
    assert all(not row["bridges"] for row in data["silos"]["rows"])
    names = __import__("pandas").read_csv(EXAMPLE / "directory.csv")["name"]
    text = "".join(p.read_text(errors="ignore") for p in out.iterdir() if p.suffix in (".csv", ".json", ".html"))
    assert not any(name in text for name in names)
    assert "aggregate-only" in (out / "index.html").read_text()
