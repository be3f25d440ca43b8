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


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


MAP = ("--map", "actor=sender,target=recipient,ts=date")


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (("--since", "2030-01-01"), r"mail\.csv: no events in the window 2030-01-01 to end \(the data runs from "
                                    r"2025-01-06 to 2025-01-09\); choose --since/--until inside that span"),
        (("--since", "2025-01-08", "--until", "2025-01-07"), r"--since 2025-01-08 is not before --until 2025-01-07"),
        (("--since", "yesterday-ish"), r"--since 'yesterday-ish' is not a date; expected YYYY-MM-DD"),
    ],
    ids=["empty-window", "inverted-window", "not-a-date"],
)
def test_window_mistakes_end_with_one_message_and_nothing_written(edge_csv: Path, tmp_path: Path,
                                                                   extra: tuple[str, ...], expected: str) -> None:
    before = _files(tmp_path)
    code, text = run("analyze", str(edge_csv), *MAP, "--out", str(tmp_path / "report"), *extra)
    assert code == 2, text
    assert re.search(expected, " ".join(text.split())), text
    assert "Traceback" not in text
    assert CliRunner().invoke(main, ["analyze", str(edge_csv), *MAP, "--out", str(tmp_path / "report"),
                                     *extra]).stderr.count("error:") == 1
    assert _files(tmp_path) == before


def test_directory_matching_no_one_is_refused_before_the_analysis(edge_csv: Path, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("person_id,name,department\nzed,Zed Z,Legal\nyan,Yan Y,Sales\n")
    before = _files(tmp_path)
    code, text = run("analyze", str(edge_csv), *MAP, "--directory", str(roster), "--out", str(tmp_path / "report"))
    assert code == 2, text
    flat = " ".join(text.split())
    assert re.search(r"roster\.csv: none of the people it lists \(2\) appears in the data", flat), text
    assert "the person or e-mail column must hold the ids" in flat
    assert "Building the graph" not in text  # refused before the analysis ran
    assert _files(tmp_path) == before


def test_semicolon_directory_says_how_to_fix_it(edge_csv: Path, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER.replace(",", ";"))
    before = _files(tmp_path)
    code, text = run("analyze", str(edge_csv), *MAP, "--directory", str(roster), "--out", str(tmp_path / "report"))
    assert code == 2, text
    flat = " ".join(text.split())
    assert re.search(r"roster\.csv: the columns are separated by semicolons, not commas", flat), text
    assert "save the directory as a comma-separated CSV" in flat
    assert _files(tmp_path) == before


def test_output_under_a_file_is_refused_before_reading(edge_csv: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x")
    before = _files(tmp_path)
    code, text = run("analyze", str(edge_csv), *MAP, "--out", str(blocker / "report"))
    assert code == 2, text
    assert re.search(r"notes\.txt/report: cannot write the report there .*is a file, not a folder",
                     " ".join(text.split())), text
    assert "Reading" not in text  # refused before any source was read
    assert _files(tmp_path) == before


def test_unwritable_output_folder_is_refused_before_reading(edge_csv: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    real = tempfile.TemporaryDirectory
    locked = tmp_path / "locked"
    locked.mkdir()

    def refuse(*args: object, dir: object = None, **kwargs: object) -> tempfile.TemporaryDirectory[str]:
        # Tests may run as root, for whom permission bits do not block writing: the OS's answer
        # for a read-only folder is simulated at the one call that probes it.
        if dir is not None and Path(str(dir)) == locked:
            raise PermissionError(13, "Permission denied")
        return real(*args, dir=dir, **kwargs)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(tempfile, "TemporaryDirectory", refuse)
    code, text = run("analyze", str(edge_csv), *MAP, "--out", str(locked / "report"))
    assert code == 2, text
    assert re.search(r"locked/report: cannot write the report there \(Permission denied\); choose a folder",
                     " ".join(text.split())), text
    assert "Reading" not in text
    assert not any(locked.iterdir())


def test_version_and_help_do_not_import_the_analysis() -> None:
    import subprocess
    import sys

    code = ("import sys; from click.testing import CliRunner; from orgnet.cli import main; "
            "r = CliRunner().invoke(main, [sys.argv[1]]); assert r.exit_code == 0, r.output; "
            "print(r.output); print(sorted(m for m in ('pandas', 'numpy', 'pyarrow', 'igraph', 'orgnet.findings') "
            "if m in sys.modules))")
    for flag in ("--version", "--help"):
        out = subprocess.run([sys.executable, "-c", code, flag], capture_output=True, text=True, check=True).stdout
        assert out.rstrip().endswith("[]"), out
    assert "analyze" in out and "screenshots" in out


def test_listed_short_help_is_each_commands_own() -> None:
    import importlib

    from orgnet.cli import _COMMANDS

    for module, _, short in _COMMANDS:
        command = importlib.import_module(f"orgnet.cli.{module}").command
        assert command.get_short_help_str(limit=10_000) == short, module


def test_outside_contacts_option_sets_the_threshold(edge_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    code, text = run("analyze", str(edge_csv), *MAP, "--directory", str(tmp_path / "dir.csv"),
                     "--min-group-size", "1", "--outside-contacts", "1", "--out", str(out))
    assert code == 0, text
    responses = json.loads((out / "findings.json").read_text())["responses"]
    assert responses["outside_min_contacts"] == 1
    # ana (Legal) wrote to nobody outside Legal; cy (Sales) wrote to ana (Legal): one outside contact.
    assert [p["person"] for p in responses["outside_people"]] == ["cy"]


def test_summary_does_not_call_outward_groups_inward_looking(edge_csv: Path, tmp_path: Path) -> None:
    # Legal and Sales each send half their ties to the other: E-I indexes >= 0, not inward-looking.
    code, text = run("analyze", str(edge_csv), *MAP, "--directory", str(tmp_path / "dir.csv"),
                     "--min-group-size", "1", "--out", str(tmp_path / "report"))
    assert code == 0, text
    flat = " ".join(text.split())
    assert "inward-looking" not in flat
    assert "by E-I index, lowest first" in flat


def test_active_per_period_in_getting_outside_is_the_one_active_definition(tmp_path: Path) -> None:
    # cy joins then posts (active); dee only views and eve only joins: never active.
    events = tmp_path / "events.csv"
    events.write_text("ts,kind,actor,target,channel\n2025-01-06,post,ana,,general\n2025-01-07,reply,ben,ana,general\n"
                      "2025-01-08,join,cy,,general\n2025-01-09,view,dee,,general\n2025-01-10,post,cy,,general\n"
                      "2025-02-03,join,eve,,general\n2025-02-04,post,ana,,general\n2025-02-05,reply,ben,ana,general\n")
    out = tmp_path / "report"
    code, text = run("analyze", str(events), "--out", str(out))
    assert code == 0, text
    doc = json.loads((out / "findings.json").read_text())
    per = {r["period"]: r["active"] for r in doc["responses"]["getting_outside"]}
    assert per == {"2025-01": 3, "2025-02": 2}
    assert max(per.values()) <= doc["summary"]["active_people"] == 3


@pytest.mark.parametrize(("command", "allowed"), [("rules", set()), ("formats", {"pandas", "numpy", "pyarrow"})])
def test_listing_commands_do_not_import_the_analysis_stack(command: str, allowed: set[str]) -> None:
    import ast
    import subprocess
    import sys

    heavy = ("pandas", "numpy", "pyarrow", "igraph", "scipy", "orgnet.findings.compute", "orgnet.metrics",
             "orgnet.privacy", "orgnet.report")
    code = ("import sys; from click.testing import CliRunner; from orgnet.cli import main; "
            "r = CliRunner().invoke(main, [sys.argv[1]]); assert r.exit_code == 0, r.output; "
            f"print(sorted(m for m in {heavy!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, command], capture_output=True, text=True, check=True).stdout
    assert set(ast.literal_eval(out.strip().splitlines()[-1])) <= allowed, out
