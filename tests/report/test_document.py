"""findings.json follows its documented schema, and the schema documents every column and evidence kind."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from orgnet.findings.model import PEOPLE_COLUMNS, Ambassadors, Channels, Responses, Silos
from orgnet.findings.reasons import EVIDENCE_KINDS, Evidence
from orgnet.report import write_report
from orgnet.report.words import Wording

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "findings.schema.json"


@pytest.fixture(scope="module")
def schema() -> dict:
    data = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(data)
    return data


def validate(document: dict, schema: dict) -> None:
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message[:200]}" for e in errors[:10])


def test_full_report_validates_and_holds_every_section(full_report: Path, schema: dict) -> None:
    doc = json.loads((full_report / "findings.json").read_text(encoding="utf-8"))
    validate(doc, schema)
    assert doc["ambassadors"]["rows"] and doc["connectors"]["rows"] and doc["silos"]["rows"]
    assert doc["periods"]["periods"] and doc["people"]
    # A reason is data and a sentence: its evidence names groups by label and people by id.
    ids = {p["person"] for p in doc["people"]}
    silo = next(r for r in doc["silos"]["rows"] if r["is_silo"])
    bridges = next(e for e in silo["reason"]["evidence"] if e["kind"] == "bridges")
    assert set(bridges["people"]) <= ids and bridges["people"] == silo["bridges"]


def test_report_without_timestamps_or_directory_validates(bare_findings, tmp_path: Path, schema: dict) -> None:
    doc = json.loads((write_report(bare_findings, tmp_path / "bare") / "findings.json").read_text(encoding="utf-8"))
    validate(doc, schema)
    assert doc["periods"] is None and doc["responses"]["note"]
    assert doc["groups"]["primary"] == "community" and doc["formal"]["available"] is False


def test_schema_documents_every_column(schema: dict) -> None:
    person = schema["$defs"]["person"]["properties"]
    assert set(PEOPLE_COLUMNS) <= set(person), set(PEOPLE_COLUMNS) - set(person)
    silo = schema["properties"]["silos"]["properties"]["rows"]["items"]["properties"]
    assert set(Silos.COLUMNS) <= set(silo) | {"code"}, set(Silos.COLUMNS) - set(silo)
    amb = schema["properties"]["ambassadors"]["properties"]["rows"]["items"]["properties"]
    assert set(Ambassadors.COLUMNS) - {"code"} <= set(amb)
    channel = schema["properties"]["channels"]["properties"]["rows"]["items"]["properties"]
    assert set(Channels.COLUMNS) == set(channel)
    outside = schema["properties"]["responses"]["properties"]["outside_people"]["oneOf"][1]["items"]["properties"]
    assert set(Responses.OUTSIDE_COLUMNS) - {"code"} | {"person"} == set(outside)
    assert set(schema["$defs"]["evidence"]["properties"]["kind"]["enum"]) == set(EVIDENCE_KINDS)


@pytest.mark.parametrize("kind", sorted(EVIDENCE_KINDS))
def test_every_evidence_kind_is_worded(kind: str) -> None:
    numbers = {name: 2.0 for name in EVIDENCE_KINDS[kind]}
    words = Wording(noun="community", group_labels=["C1"], names=["Ana"])
    e = Evidence(kind, numbers, groups=(0,), people=(0,))
    text, stats = words.evidence(e), words.statistics(e)
    # Worded in plain words, or (a measure only a specialist reads) kept for the details.
    assert isinstance(text, str) and isinstance(stats, str) and (text.strip() or stats.strip())
    assert "department" not in text + stats and "{" not in text + stats


REPO = Path(__file__).resolve().parents[2]


@pytest.mark.realdata
@pytest.mark.parametrize("dataset", ["demo", "slack_houstondatavis", "slack_olake_community", "enron_maildir_subset"])
def test_real_reports_validate_with_the_command_line_defaults(dataset: str, shared_dataset, schema: dict,
                                                             tmp_path: Path) -> None:
    from click.testing import CliRunner

    from orgnet.cli import main

    if dataset == "demo":
        example = REPO / "datasets" / "synthetic" / "example"
        args = [str(example), "--directory", str(example / "directory.csv")]
    elif dataset == "enron_maildir_subset":
        args = [str(shared_dataset(dataset) / "maildir"), "--org-domain", "enron.com"]
    else:
        args = [str(shared_dataset(dataset))]
    out = tmp_path / "report"
    result = CliRunner().invoke(main, ["analyze", *args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    validate(doc, schema)
    assert "rows" in doc["ambassadors"] and "rows" in doc["connectors"] and doc["connectors"]["rows"]
    if dataset != "demo":
        # No directory: the groups are informal communities, and the report never says "department".
        assert doc["groups"]["primary"] == "community"
        index = (out / "index.html").read_text(encoding="utf-8").lower()
        assert "department" not in index and "communit" in index
