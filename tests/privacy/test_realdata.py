"""Pseudonymised reports of real exports (Slack, mbox): nobody's id, name or address anywhere in them."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow.compute as pc
import pytest

from orgnet.connectors import read
from orgnet.pipeline import RunOptions, run
from orgnet.report.map import vis_assets

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

KEY = b"realdata-test-key-0123456789abcdef"
IDENTITY_COLUMNS = ("person", "name", "email", "handle", "display_name", "real_name", "username")
PSEUDONYM = re.compile(rb"p_[0-9a-f]{12,}")


def identities(export: Path) -> set[str]:
    """Every id, name and address the reader saw, as people or as actors and targets."""
    res = read(export)
    found: set[str] = set()
    for col in IDENTITY_COLUMNS:
        if col in res.people.columns:
            found |= {str(v).strip() for v in res.people[col].dropna() if str(v).strip()}
    for col in ("actor", "target"):
        found |= set(pc.drop_null(pc.unique(res.events.column(col))).to_pylist())
    return found


def report_files(folder: Path) -> dict[str, bytes]:
    """Every file of a report, with the vendored vis-network code (not ours, no data) cut out."""
    js, css = (s.encode() for s in vis_assets())
    return {p.relative_to(folder).as_posix(): p.read_bytes().replace(js, b"").replace(css, b"")
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module", params=["slack_houstondatavis", "mbox_apache_lists"])
def reports(request: pytest.FixtureRequest, shared_dataset, tmp_path_factory: pytest.TempPathFactory):
    export = shared_dataset(request.param)
    base = tmp_path_factory.mktemp(request.param)
    made = {}
    for name, key in (("a", KEY), ("b", KEY), ("other", KEY[::-1])):
        made[name] = run([export], base / name, RunOptions(pseudonymize=True, key=key)).report
    return export, made


def test_no_original_identity_anywhere(reports) -> None:
    export, made = reports
    files = report_files(made["a"])
    people = identities(export)
    assert len(people) > 50
    leaks = {}
    for ident in people:
        if len(ident) >= 4:
            needle = re.compile(re.escape(ident.encode()), re.IGNORECASE)
        else:  # short handles ("ed") only as whole words, not inside other words
            needle = re.compile(rb"(?<![\w@.-])" + re.escape(ident.encode()) + rb"(?![\w@-])", re.IGNORECASE)
        where = [name for name, data in files.items() if needle.search(data)]
        if where:
            leaks[ident] = where
    assert not leaks, f"identities in the pseudonymised report: {dict(list(leaks.items())[:10])}"


def test_same_key_identical_files_other_key_other_pseudonyms(reports) -> None:
    _, made = reports
    a, b, other = (report_files(made[k]) for k in ("a", "b", "other"))
    assert a.keys() == b.keys()
    different = [name for name in a if a[name] != b[name]]
    assert not different, f"same key, different files: {different}"
    ours = set(PSEUDONYM.findall(a["people.csv"]))
    theirs = set(PSEUDONYM.findall(other["people.csv"]))
    assert ours and theirs and not ours & theirs
    assert not ours & set(PSEUDONYM.findall(b"".join(other.values())))
