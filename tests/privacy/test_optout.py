"""Opt-out by any id a user knows: the report equals the report of the export with the person deleted.

For each way of naming the person (platform id, username, e-mail, directory id) the report made
with ``--exclude`` is compared, file by file, with the report of the same export from which the
person's events and profile were deleted before identity resolution (the reader's output edited
here, independently of the opt-out code): every file must be byte-identical except the opt-out
statement itself, and no file may hold the person's id, handle, e-mail or name.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import orgnet.load
from orgnet.connectors import read
from orgnet.connectors.base import InputError
from orgnet.pipeline import RunOptions, run
from orgnet.report.map import vis_assets

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MATTERMOST = FIXTURES / "mattermost" / "export.jsonl"
SLACK_PERSON = "U061A5N1G"  # the slack_houstondatavis user of the issue: 476 of 1,705 events


def report_files(folder: Path) -> dict[str, bytes]:
    js, css = (s.encode() for s in vis_assets())
    return {p.relative_to(folder).as_posix(): p.read_bytes().replace(js, b"").replace(css, b"")
            for p in sorted(folder.rglob("*")) if p.is_file()}


def without_statement(name: str, data: bytes) -> bytes:
    """A report file with the opt-out statement (the one thing that may differ) taken out."""
    data = re.sub(rb'"people_excluded": ?(null|\d+)', b'"people_excluded": X', data)
    return re.sub(rb"(<li>)?\d+ people on the opt-out list were removed before the analysis\.(</li>)?", b"", data)


def deleted_reader(monkeypatch: pytest.MonkeyPatch, local_id: str) -> None:
    """Make every read return the export without ``local_id``: its events (either side) and its profile."""
    original = orgnet.load.read_input

    def read_without(path, format, org_domains, options):  # type: ignore[no-untyped-def]
        res = original(path, format, org_domains, options)
        ev = res.events
        gone = pc.or_(pc.fill_null(pc.equal(ev.column("actor").cast(pa.string()), local_id), False),
                      pc.fill_null(pc.equal(ev.column("target").cast(pa.string()), local_id), False))
        res.events = ev.filter(pc.invert(gone))
        res.people = res.people[res.people["person"].astype(str) != local_id].reset_index(drop=True)
        return res

    monkeypatch.setattr(orgnet.load, "read_input", read_without)


def assert_same_but_statement(excluded: Path, deleted: Path) -> None:
    a, b = report_files(excluded), report_files(deleted)
    assert a.keys() == b.keys()
    differ = [n for n in a if without_statement(n, a[n]) != without_statement(n, b[n])]
    assert not differ, f"files that differ from the report of the export without the person: {differ}"
    doc = json.loads(a["findings.json"])
    assert doc["summary"]["privacy"]["people_excluded"] == 1


def assert_nowhere(folder: Path, needles: list[str]) -> None:
    files = report_files(folder)
    for needle in needles:
        pattern = re.compile(rb"(?<![\w@.-])" + re.escape(needle.encode()) + rb"(?![\w@-])", re.IGNORECASE)
        where = [n for n, data in files.items() if pattern.search(data)]
        assert not where, f"{needle!r} still in {where}"


def run_excluding(export: Path, out: Path, entry: str, tmp: Path, **options) -> Path:
    listed = tmp / f"optout-{abs(hash(entry))}.txt"
    listed.write_text(f"# opt-out list\n{entry}\n", encoding="utf-8")
    return run([export], out, RunOptions(exclude=listed, **options)).report


# --- real Slack export ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def slack(shared_dataset, tmp_path_factory: pytest.TempPathFactory):
    export = shared_dataset("slack_houstondatavis")
    base = tmp_path_factory.mktemp("optout-slack")
    person = read(export).people.set_index("person").loc[SLACK_PERSON]
    # A directory giving everyone an id other than the platform's, to opt out by directory id.
    users = read(export).people
    directory = base / "directory.csv"
    rows = pd.DataFrame({"person": [f"E{i:03d}" for i in range(len(users))], "email": users["email"],
                         "name": users["name"], "department": "Data"})
    rows.to_csv(directory, index=False)
    dir_id = f"E{int((users['person'] == SLACK_PERSON).to_numpy().argmax()):03d}"
    # The export with the person deleted: their events and profile, and their directory row.
    smaller = base / "directory-without.csv"
    rows[rows["person"] != dir_id].to_csv(smaller, index=False)
    mp = pytest.MonkeyPatch()
    deleted_reader(mp, SLACK_PERSON)
    reference = run([export], base / "deleted", RunOptions()).report
    reference_dir = run([export], base / "deleted-dir", RunOptions(directory=smaller)).report
    mp.undo()
    return export, base, person, directory, dir_id, reference, reference_dir


@pytest.mark.realdata
@pytest.mark.slow
@pytest.mark.parametrize("how", ["platform id", "username", "e-mail"])
def test_slack_opt_out_equals_deleted_export(slack, how: str) -> None:
    export, base, person, _, _, reference, _ = slack
    entry = {"platform id": SLACK_PERSON, "username": "@" + person["handle"], "e-mail": person["email"].upper()}[how]
    out = run_excluding(export, base / how.replace(" ", "-"), entry, base)
    assert_same_but_statement(out, reference)
    assert_nowhere(out, [SLACK_PERSON, person["handle"], person["email"], person["name"]])
    doc = json.loads((out / "findings.json").read_text())
    assert doc["summary"]["sources"][0]["events"] == doc["summary"]["events"] < 1705


@pytest.mark.realdata
@pytest.mark.slow
def test_slack_opt_out_by_directory_id(slack) -> None:
    export, base, person, directory, dir_id, _, reference_dir = slack
    out = run_excluding(export, base / "by-dir", dir_id, base, directory=directory)
    assert_same_but_statement(out, reference_dir)
    assert_nowhere(out, [SLACK_PERSON, dir_id, person["handle"], person["email"], person["name"]])


# --- Mattermost fixture --------------------------------------------------------------------

@pytest.fixture
def mm_directory(tmp_path: Path) -> Path:
    path = tmp_path / "directory.csv"
    path.write_text("person,email,name,department\nE1,ana@acme.example,Ana Alves,Ops\n"
                    "E2,ben@acme.example,Ben Berg,Ops\nE3,cy@acme.example,Cy Chen,Ops\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("entry", ["ben", "@Ben", "BEN@acme.example", "E2"])
def test_mattermost_opt_out_equals_deleted_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  mm_directory: Path, entry: str) -> None:
    out = run_excluding(MATTERMOST, tmp_path / "excluded", entry, tmp_path, directory=mm_directory)
    deleted_reader(monkeypatch, "ben")
    reference = run([MATTERMOST], tmp_path / "deleted", RunOptions(directory=mm_directory)).report
    monkeypatch.undo()
    # The directory row of the person goes too: the reference is given a directory without it.
    assert_nowhere(out, ["ben", "E2", "Benny", "Ben Berg", "ben@acme.example"])
    a = json.loads((out / "findings.json").read_text())["summary"]
    b = json.loads((reference / "findings.json").read_text())["summary"]
    assert a["events"] == b["events"] and a["ties"] == b["ties"]
    assert [s["events"] for s in a["sources"]] == [s["events"] for s in b["sources"]]
    assert a["people"] == b["people"] - 1  # the reference keeps ben's directory row, unlinked to any activity


def test_mattermost_opt_out_same_as_deleted_with_directory_row_gone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    mm_directory: Path) -> None:
    out = run_excluding(MATTERMOST, tmp_path / "excluded", "E2", tmp_path, directory=mm_directory)
    lines = mm_directory.read_text().splitlines()
    smaller = tmp_path / "directory-without.csv"
    smaller.write_text("\n".join(ln for ln in lines if not ln.startswith("E2,")) + "\n", encoding="utf-8")
    deleted_reader(monkeypatch, "ben")
    reference = run([MATTERMOST], tmp_path / "deleted", RunOptions(directory=smaller)).report
    monkeypatch.undo()
    assert_same_but_statement(out, reference)


def test_unmatched_entries_are_named_and_strict_refuses(tmp_path: Path) -> None:
    listed = tmp_path / "optout.txt"
    listed.write_text("ben\nnobody@nowhere.example\n", encoding="utf-8")
    result = run([MATTERMOST], tmp_path / "r", RunOptions(exclude=listed))
    assert result.unmatched_exclusions == ("nobody@nowhere.example",)
    assert result.findings.summary.privacy["people_excluded"] == 1
    with pytest.raises(InputError, match="nobody@nowhere.example"):
        run([MATTERMOST], tmp_path / "s", RunOptions(exclude=listed, strict_exclude=True))
    assert not (tmp_path / "s").exists()
