"""The DuckDB event store against real store files: idempotence, overlap, transactions, windows, CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from click.testing import CliRunner

from orgnet import store
from orgnet.cli import main
from orgnet.connectors import read
from orgnet.events import SCHEMA, events_from_frame


def _month(month: int, days: range, source: str = "slack") -> pa.Table:
    """Events of one export: one post and one reply per day, items named by day."""
    rows = []
    for d in days:
        day = f"2025-{month:02d}-{d:02d}" if d <= 28 else f"2025-{month + 1:02d}-{d - 28:02d}"
        rows.append({"ts": f"{day}T09:00:00Z", "kind": "post", "actor": "ana", "target": None,
                     "item": f"m{day}", "weight": 1.0})
        rows.append({"ts": f"{day}T10:00:00Z", "kind": "reply", "actor": "ben", "target": "ana",
                     "item": f"r{day}", "weight": 1.0})
    frame = pd.DataFrame(rows)
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    return events_from_frame(frame, source=source)


def _snapshot(db: Path) -> tuple[list[tuple], dict]:
    ev = store.load_events(db)
    rows = sorted(map(tuple, ev.cast(SCHEMA).to_pandas().astype(str).itertuples(index=False)))
    info = store.store_info(db)
    info.pop("store")
    return rows, info


def test_import_twice_adds_nothing(tmp_path: Path) -> None:
    db = tmp_path / "org.duckdb"
    ev = _month(1, range(1, 11))
    first = store.import_events(db, ev, "jan")
    second = store.import_events(db, ev, "jan")
    assert (first["added"], second["added"]) == (20, 0)
    assert store.store_info(db)["events"] == 20
    assert [i["added"] for i in store.store_info(db)["imports"]] == [20, 0]


def test_overlapping_exports_merge_without_duplicates(tmp_path: Path) -> None:
    db = tmp_path / "org.duckdb"
    jan_feb = _month(1, range(1, 41))     # 1 Jan .. 12 Feb
    feb_mar = _month(2, range(1, 41))     # 1 Feb .. 12 Mar: 1-12 Feb overlap
    store.import_events(db, jan_feb, "jan-feb")
    added = store.import_events(db, feb_mar, "feb-mar")["added"]
    both = pd.concat([jan_feb.to_pandas(), feb_mar.to_pandas()]).drop_duplicates(["source", "item", "kind", "target"])
    assert added == len(both) - jan_feb.num_rows == 2 * 28
    assert store.store_info(db)["events"] == len(both)
    loaded = store.load_events(db)
    assert loaded.num_rows == len(both)
    assert set(loaded.column("item").to_pylist()) == set(both["item"])


def test_key_is_source_item_kind_target(tmp_path: Path) -> None:
    db = tmp_path / "org.duckdb"
    ev = events_from_frame(pd.DataFrame({
        "kind": ["post", "post", "mention", "post", "post"],
        "actor": ["ana", "ana", "ana", "ana", "ana"],
        "target": ["ben", "cy", "ben", "ben", None],
        "item": ["m1", "m1", "m1", "m1", "m2"],          # row 4 repeats row 1 inside the batch
    }), source="email")
    assert store.import_events(db, ev, "a")["added"] == 4
    other_source = ev.set_column(1, "source", pa.array(["slack"] * 5))
    assert store.import_events(db, other_source, "b")["added"] == 4
    assert store.import_events(db, ev.slice(4), "c")["added"] == 0   # null target matched null-safely


def test_interrupted_import_leaves_store_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "org.duckdb"
    store.import_events(db, _month(1, range(1, 11)), "jan", people=pd.DataFrame({"person": ["ana"], "name": ["Ana"]}))
    before = _snapshot(db)

    def fail(con: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_after_insert", fail)
    people = pd.DataFrame({"person": ["dee"], "name": ["Dee"]})
    with pytest.raises(RuntimeError, match="disk full"):
        store.import_events(db, _month(2, range(1, 11)), "feb", people=people)
    assert _snapshot(db) == before
    assert "dee" not in set(store.load_people(db)["person"])
    monkeypatch.undo()
    assert store.import_events(db, _month(2, range(1, 11)), "feb")["added"] == 20


def test_people_without_activity_survive(tmp_path: Path) -> None:
    db = tmp_path / "org.duckdb"
    people = pd.DataFrame({"person": ["ana", "ben", "quiet"], "name": ["Ana", None, "Quiet One"],
                           "email": ["ana@x.org", None, None], "department": ["Ops", None, "Legal"]})
    store.import_events(db, _month(1, range(1, 3)), "jan", people=people)
    later = pd.DataFrame({"person": ["ben"], "name": ["Ben"], "email": [None]})
    store.import_events(db, _month(1, range(1, 3)), "jan again", people=later)
    p = store.load_people(db).set_index("person")
    assert list(p.index) == ["ana", "ben", "quiet"]
    assert p.loc["ben", "name"] == "Ben" and p.loc["ana", "email"] == "ana@x.org"
    assert p.loc["quiet", "department"] == "Legal"


def test_load_events_window_and_schema(tmp_path: Path) -> None:
    db = tmp_path / "org.duckdb"
    store.import_events(db, _month(1, range(1, 21)), "jan")
    ev = store.load_events(db, since="2025-01-05", until="2025-01-10")
    assert ev.schema == SCHEMA
    assert pa.types.is_dictionary(ev.schema.field("kind").type)
    days = sorted({t.date().isoformat() for t in ev.column("ts").to_pylist()})
    assert days == [f"2025-01-{d:02d}" for d in range(5, 10)]
    assert ev.num_rows == 10


def test_store_info_keys(tmp_path: Path) -> None:
    db = tmp_path / "org.duckdb"
    store.import_events(db, _month(1, range(1, 5)), "jan")
    store.import_events(db, _month(3, range(1, 3), source="email"), "mail")
    info = store.store_info(db)
    assert {"events", "sources", "first", "last"} <= set(info)
    assert info["events"] == 12
    assert info["first"] == "2025-01-01T09:00:00Z" and info["last"] == "2025-03-02T10:00:00Z"
    assert info["sources"]["email"] == {"events": 4, "first": "2025-03-01T09:00:00Z", "last": "2025-03-02T10:00:00Z"}


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such store"):
        store.load_events(tmp_path / "nope.duckdb")


def test_cli_import_and_info(tmp_path: Path) -> None:
    csv = tmp_path / "jan.csv"
    _month(1, range(1, 6)).to_pandas().assign(kind=lambda f: f["kind"].astype(str)).to_csv(csv, index=False)
    db = tmp_path / "org.duckdb"
    runner = CliRunner()
    for _ in range(2):
        res = runner.invoke(main, ["import", str(csv), "--store", str(db)])
        assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["store", "info", "--store", str(db), "--json"])
    assert res.exit_code == 0, res.output
    info = json.loads(res.output)
    assert info["events"] == 10 and list(info["sources"]) == ["slack"]
    res = runner.invoke(main, ["store", "info", "--store", str(tmp_path / "missing.duckdb")])
    assert res.exit_code == 2 and "no such store" in res.output


def test_cli_analyze_from_store_with_window(tmp_path: Path) -> None:
    csv = tmp_path / "jan.csv"
    _month(1, range(1, 21)).to_pandas().assign(kind=lambda f: f["kind"].astype(str)).to_csv(csv, index=False)
    db = tmp_path / "org.duckdb"
    store.import_events(db, _month(1, range(1, 21)), "jan",
                        people=pd.DataFrame({"person": ["ana", "ben", "quiet"], "name": ["Ana", "Ben", "Q"]}))
    out = tmp_path / "report"
    res = CliRunner().invoke(main, ["analyze", "--store", str(db), "--since", "2025-01-05",
                                    "--until", "2025-01-10", "--out", str(out)])
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "findings.json").read_text())["summary"]
    assert summary["events"] == 10 and summary["people"] == 3
    assert summary["period"]["first"].startswith("2025-01-05")
    res = CliRunner().invoke(main, ["analyze", "--out", str(tmp_path / "r2")])
    assert res.exit_code == 2 and "--store" in res.output


# -- overlapping Slack exports (issue 12) ----------------------------------------------------------

_EVENT_COLUMNS = ["source", "kind", "actor", "target", "channel", "thread", "item", "ts", "weight"]
SLACK_MODERN = Path(__file__).resolve().parent / "fixtures" / "slack" / "modern"


def _export_between(full: Path, dest: Path, days: list[str]) -> Path:
    """Write the export Slack would have given for ``days`` only: the lists, and those day files."""
    dest.mkdir()
    for p in full.iterdir():
        if p.is_file():
            shutil.copy(p, dest / p.name)
        else:
            for day in p.glob("*.json"):
                if day.stem in days:
                    (dest / p.name).mkdir(exist_ok=True)
                    shutil.copy(day, dest / p.name / day.name)
    return dest


def _store_rows(db: Path) -> list[tuple]:
    frame = store.load_events(db).to_pandas()[_EVENT_COLUMNS]
    return sorted(map(tuple, frame.astype(object).where(frame.notna(), None).itertuples(index=False)), key=repr)


def _import_exports(db: Path, exports: list[Path]) -> list[dict]:
    done = []
    for export in exports:
        r = read(export, format="slack")
        done.append(store.import_events(db, r.events, str(export), people=r.people))
    return done


def _check_overlap_merge(full: Path, tmp_path: Path) -> tuple[int, int, int, int]:
    days = sorted({p.stem for p in full.glob("*/*.json")})
    n = len(days)
    early = _export_between(full, tmp_path / "early", days[: 2 * n // 3])
    late = _export_between(full, tmp_path / "late", days[n // 3:])
    whole = _store_rows(_import(tmp_path / "full.duckdb", full))
    forward = _import_exports(tmp_path / "forward.duckdb", [early, late])
    _import_exports(tmp_path / "backward.duckdb", [late, early])
    assert _store_rows(tmp_path / "forward.duckdb") == whole
    assert _store_rows(tmp_path / "backward.duckdb") == whole
    rows_in = forward[0]["rows_in"] + forward[1]["rows_in"]
    return len(whole), forward[0]["rows_in"], forward[1]["rows_in"], rows_in - len(whole)


def _import(db: Path, export: Path) -> Path:
    _import_exports(db, [export])
    return db


def test_overlapping_slack_exports_give_the_full_exports_events(tmp_path: Path) -> None:
    # A thread_broadcast without parent_user_id (as in the real olake export) whose thread starts a
    # day earlier: the later export cannot name its target, the earlier one can.
    full = tmp_path / "export"
    shutil.copytree(SLACK_MODERN, full)
    day = full / "general" / "2024-01-03.json"
    day.write_text(json.dumps([*json.loads(day.read_text()), {
        "type": "message", "subtype": "thread_broadcast", "user": "U02BEN", "text": "also here",
        "ts": "1704276240.001504", "thread_ts": "1704186060.000001", "replace_original": False,
        "delete_original": False, "metadata": {"event_type": "", "event_payload": None}}]))
    late_only = read(_export_between(full, tmp_path / "only-late", ["2024-01-03", "2024-01-04"])).events
    broadcast = late_only.filter(pc.equal(late_only.column("item"), "C01GEN:1704276240.001504"))
    assert broadcast.column("target").to_pylist() == [None]  # this export cannot know it
    total, early, late, overlap = _check_overlap_merge(full, tmp_path)
    assert early < total and late < total and overlap > 0


@pytest.mark.realdata
@pytest.mark.parametrize("name", ["slack_houstondatavis", "slack_olake_community"])
def test_overlapping_real_slack_exports_give_the_full_exports_events(shared_dataset, tmp_path: Path,
                                                                     name: str) -> None:
    total, early, late, overlap = _check_overlap_merge(shared_dataset(name), tmp_path)
    # Both parts are real subsets and overlap by a third of the days.
    assert early < total and late < total and overlap > 0
    assert total == read(shared_dataset(name)).events.num_rows


# -- tables: one row per recipient, and files without an item column ------------------------------


@pytest.mark.realdata
def test_one_item_to_several_recipients_keeps_every_recipient(shared_dataset, tmp_path: Path) -> None:
    # enron_perry_wolfe's message_recipients.csv: one row per (message, recipient), the message id
    # repeated; the target tells the rows of one message apart.
    path = shared_dataset("enron_perry_wolfe") / "message_recipients.csv"
    frame = pd.read_csv(path, dtype=str)
    distinct = len(frame.drop_duplicates(["message_id", "recipient_id"]))
    r = read(path, column_map={"item": "message_id", "actor": "sender_id", "target": "recipient_id"})
    db = tmp_path / "org.duckdb"
    assert store.import_events(db, r.events, "recipients")["added"] == distinct
    assert distinct > frame["message_id"].nunique()
    assert store.import_events(db, r.events, "again")["added"] == 0


def test_overlapping_tables_without_item_column_merge(tmp_path: Path) -> None:
    rows = [f"2025-01-{d:02d}T09:00:00Z,ana,ben\n" for d in range(1, 21)]
    (tmp_path / "a.csv").write_text("ts,actor,target\n" + "".join(rows[:12]))
    (tmp_path / "b.csv").write_text("ts,actor,target\n" + "".join(rows[8:]))
    db = tmp_path / "org.duckdb"
    for name in ("a.csv", "b.csv"):
        store.import_events(db, read(tmp_path / name).events, name)
    assert store.store_info(db)["events"] == 20  # a row number would have kept 24 (or lost rows)
