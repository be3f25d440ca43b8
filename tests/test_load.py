"""load_events: one events table whatever the way the files were passed, and the people contract."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from orgnet.analysis import LoadedEvents as ReExported
from orgnet.events import events_from_frame
from orgnet.load import LoadedEvents, drop_repeated_events, load_events

FIXTURES = Path(__file__).resolve().parent / "fixtures"
COPIES = FIXTURES / "email" / "copies" / "lee-a"


def _sorted(loaded: LoadedEvents) -> pd.DataFrame:
    frame = loaded.events.to_pandas()
    frame["kind"] = frame["kind"].astype(str)
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def test_analysis_re_exports_the_loader() -> None:
    assert ReExported is LoadedEvents


def test_same_export_twice_gives_the_events_once() -> None:
    box = FIXTURES / "email" / "list.mbox"
    once, twice = load_events([box]), load_events([box, box])
    pd.testing.assert_frame_equal(_sorted(once), _sorted(twice))
    # Mail paths are read together: the reader counts the copies as duplicates.
    dup = "duplicate message-id"
    assert twice.records_skipped[dup] == once.records_skipped.get(dup, 0) + once.sources[0]["records_read"]
    slack = FIXTURES / "slack" / "modern"
    once, twice = load_events([slack]), load_events([slack, slack])
    pd.testing.assert_frame_equal(_sorted(once), _sorted(twice))
    assert twice.duplicate_events == once.events.num_rows > 0
    assert [s["duplicate_events"] for s in twice.sources] == [0, once.events.num_rows]


def test_one_folder_its_sub_folders_or_its_files_give_the_same_events() -> None:
    folder = load_events([COPIES])
    subs = load_events(sorted(p for p in COPIES.iterdir() if p.is_dir()))
    files = load_events(sorted(p for p in COPIES.rglob("*") if p.is_file()))
    pd.testing.assert_frame_equal(_sorted(folder), _sorted(subs))
    pd.testing.assert_frame_equal(_sorted(folder), _sorted(files))
    # The two mails one sender sent in one second (other subjects) are both kept.
    server = _sorted(folder).query("actor == 'expense.server@corp.example'")
    assert server["item"].nunique() == 2


def test_mail_read_apart_is_de_duplicated_on_its_keys_and_the_linked_copy_kept() -> None:
    from orgnet.connectors import read
    from orgnet.load import identify

    together = _sorted(load_events([COPIES]))
    apart = identify([read(p) for p in sorted(p for p in COPIES.iterdir() if p.is_dir())])
    events = _sorted(apart)
    read_rows = sum(s["events"] for s in apart.sources)
    assert len(events) == len(together) and apart.duplicate_events == read_rows - len(together) > 0
    # "RE: Budget" is a reply where its folder holds "Budget", a post where it does not: the reply stays.
    def answer(frame: pd.DataFrame) -> list[str]:
        return frame.loc[frame["actor"].eq("ben.ray@corp.example") & frame["ts"].notna(), "kind"].tolist()

    assert answer(events) == answer(together) == ["reply"]


def test_repeats_are_dropped_by_key_and_within_an_input_never() -> None:
    frame = pd.DataFrame({"kind": ["post", "post", "post", "post", "reply", "post"],
                          "actor": ["a", "a", "a", "a", "a", "b"], "target": ["b", "b", "b", "c", "c", None],
                          "item": ["m1", "m1", "m1", "m1", "m1", "m2"]})
    events = events_from_frame(frame, source="csv")
    inputs = np.array([0, 0, 1, 1, 2, 2])
    kept, dropped = drop_repeated_events(events, inputs)
    # Row 1 repeats row 0 inside input 0 (the reader's business) and stays; row 2 repeats it from
    # input 1; for a -> c the linked copy (a reply, input 2) wins over the earlier post.
    assert list(zip(kept.column("kind").to_pylist(), kept.column("target").to_pylist(), strict=True)) == [
        ("post", "b"), ("post", "b"), ("reply", "c"), ("post", None)]
    assert dropped.tolist() == [0, 2, 0]
    same, none = drop_repeated_events(events, np.zeros(6, np.int32))
    assert same is events and none.tolist() == [0]


def test_people_contract_columns_and_membership(tmp_path: Path) -> None:
    csv = tmp_path / "mail.csv"
    csv.write_text("ts,kind,actor,target,item\n"
                   "2024-01-02,post,ana@corp.example,ben@corp.example,m1\n"
                   "2024-01-02,post,ana@corp.example,cy@other.example,m2\n"
                   "2024-01-03,post,noreply@corp.example,ben@corp.example,m3\n")
    loaded = load_events([csv], org_domain="corp.example")
    people = loaded.people.set_index("person")
    assert people["external"].dtype == bool and not people["external"].isna().any()
    assert people.loc["cy@other.example", "external"] and not people.loc["ben@corp.example", "external"]
    assert people.loc["noreply@corp.example", "non_human"] == "address pattern: no-reply"
    assert (people.drop("noreply@corp.example")["non_human"] == "").all()
    assert (people["also_known_as"] == "").all()
    m = loaded.membership
    assert (m.rule, m.domains, m.members, m.external, m.non_human) == ("org domain", ("corp.example",), 2, 1, 1)
    # The event to the outsider is external; the others are not.
    ext = loaded.events.to_pandas().set_index("item")["external"]
    assert ext.to_dict() == {"m1": False, "m2": True, "m3": False}


def test_keep_sender_and_non_human_file_options(tmp_path: Path) -> None:
    csv = tmp_path / "chat.csv"
    csv.write_text("kind,actor,target\npost,noreply@corp.example,ana@corp.example\npost,ana@corp.example,U9\n")
    loaded = load_events([csv], keep_senders=["NOREPLY@corp.example"], non_human=["U9"])
    people = loaded.people.set_index("person")
    assert people.loc["noreply@corp.example", "non_human"] == ""
    assert people.loc["U9", "non_human"] == "listed by the user"
    assert loaded.membership.kept == 1


def test_certain_duplicates_merged_and_recorded(tmp_path: Path) -> None:
    box = tmp_path / "a.mbox"
    mails = []
    for i, (frm, to) in enumerate([("Phillip K Allen <phillip.allen@corp.example>", "ana@corp.example"),
                                   ('"Allen, Phillip K." <k..allen@corp.example>', "ana@corp.example"),
                                   ("Ana Lima <ana@corp.example>", "ben@corp.example"),
                                   ("Ben Okafor <ben@corp.example>", "ana@corp.example"),
                                   ("Phillip K Allen <phillip.allen@corp.example>", "ben@corp.example")]):
        mails.append(f"From x Mon Jan  1 00:00:00 2024\nMessage-ID: <{i}@corp.example>\nFrom: {frm}\nTo: {to}\n"
                     f"Date: Tue, 2 Jan 2024 0{i}:00:00 +0000\n\nbody\n")
    box.write_text("\n".join(mails))
    merged = load_events([box], org_domain="corp.example")
    assert merged.merged[["person", "alias"]].values.tolist() == [["phillip.allen@corp.example",
                                                                    "k..allen@corp.example"]]
    assert merged.merged["evidence"].iloc[0] == "same display name 'Phillip K Allen' / 'Allen, Phillip K.'"
    people = merged.people.set_index("person")
    assert "k..allen@corp.example" not in people.index
    assert people.loc["phillip.allen@corp.example", "also_known_as"] == "k..allen@corp.example"
    actors = merged.events.column("actor").to_pylist()
    assert actors.count("phillip.allen@corp.example") == 3 and "k..allen@corp.example" not in actors
    kept_apart = load_events([box], org_domain="corp.example", auto_merge=False)
    assert kept_apart.merged.empty and "k..allen@corp.example" in set(kept_apart.people["person"])
    assert kept_apart.duplicates[["person", "alias", "certain"]].values.tolist() == [
        ["phillip.allen@corp.example", "k..allen@corp.example", True]]


@pytest.mark.parametrize("paths", [["list.mbox"], ["maildir"]])
def test_loading_keeps_the_graph_encoding_hand_off(paths: list[str]) -> None:
    from orgnet.events import _ENCODED, _buffers_key

    loaded = load_events([FIXTURES / "email" / p for p in paths])
    assert _buffers_key(loaded.events.column("actor")) in _ENCODED


def test_without_items_the_same_events_people_and_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # keep_item=False (orgnet analyze): the items go as soon as nothing reads them, and nothing
    # else changes; with two inputs, or a message without a time, they are read first.
    import orgnet.load as load
    from orgnet.connectors.tabular import read_csv

    one, two = tmp_path / "a.csv", tmp_path / "b.csv"
    one.write_text("ts,kind,actor,target,item\n2024-01-02,post,ana,ben,m1\n2024-01-02,post,ana,cy,m1\n"
                   "2024-01-03,reply,ben,ana,m2\n2024-01-04,reaction,cy,ana,m3\n")
    two.write_text("ts,kind,actor,target,item\n2024-01-03,reply,ben,ana,m2\n,post,cy,ana,m4\n,post,cy,ben,m4\n")
    gone: list[int] = []
    without = load._without_items
    monkeypatch.setattr(load, "_without_items", lambda r: gone.append(1) or without(r))
    for paths, dropped_early in (([one], True), ([two], False), ([one, two], False)):
        gone.clear()
        kept, lean = load_events(paths), load_events(paths, keep_item=False)
        assert bool(gone) == dropped_early and load.items_needed([read_csv(p) for p in paths]) != dropped_early
        assert "item" in kept.events.column_names and "item" not in lean.events.column_names
        assert lean.events.equals(kept.events.drop_columns(["item"]))
        pd.testing.assert_frame_equal(lean.people, kept.people)
        assert lean.sources == kept.sources and lean.membership == kept.membership
    assert kept.duplicate_events == 1
