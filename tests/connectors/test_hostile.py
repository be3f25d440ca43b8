"""Every class of hostile or broken input found so far, run through ``orgnet analyze`` end to end.

Each case builds its input in ``tmp_path`` (from the small exports of the content-free test)
and runs the command line. The outcome is one of two, never a traceback or a bug report:

* ``error``: exit code 2 and one line naming the file (and the record or field where one is at fault);
* ``report``: exit code 0, a report written, and what could not be computed said in it (counted
  skips, or findings that need what the data lacks).

FIFOs run in a child process under a timeout, so a reader that blocks fails the test instead
of hanging the suite.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner

from orgnet.cli import main
from orgnet.connectors import READERS, read
from orgnet.connectors.base import InputError


def _exports() -> ModuleType:
    name = "orgnet_test_privacy_exports"
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[1] / "privacy" / "test_content_free.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


BUILD: dict[str, Callable[[Path], Path]] = _exports().BUILDERS


@dataclass(frozen=True)
class Case:
    """One hostile input: how to make it, the arguments after ``analyze``, and what must come out."""

    build: Callable[[Path], tuple[Path, list[str]]]
    outcome: str  # "error" or "report"
    names: tuple[str, ...] = ()  # text the message (error) or the output (report) must hold


# ----------------------------------------------------------------------------- helpers
def _edit_json(reader: str, member: str, edit: Callable[[Any], None]) -> Callable[[Path], tuple[Path, list[str]]]:
    """An export of ``reader`` whose JSON file ``member`` is changed by ``edit`` (JSONL: line by line)."""

    def build(d: Path) -> tuple[Path, list[str]]:
        export = BUILD[reader](d)
        f = export if export.is_file() else export / member
        if f.suffix == ".jsonl":
            rows = [json.loads(line) for line in f.read_text().splitlines()]
            edit(rows)
            f.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
        else:
            data = json.loads(f.read_text())
            edit(data)
            f.write_text(json.dumps(data))
        return export, []

    return build


def _set(path: tuple[Any, ...], value: Any) -> Callable[[Any], None]:
    def edit(data: Any) -> None:
        for key in path[:-1]:
            data = data[key]
        data[path[-1]] = value

    return edit


def _mm_set(record: str, path: tuple[Any, ...], value: Any) -> Callable[[Any], None]:
    # The first Mattermost line of type ``record``, then ``path`` inside it.
    def edit(rows: list[dict[str, Any]]) -> None:
        row = next(r for r in rows if r["type"] == record)
        _set((record, *path), value)(row)

    return edit


def _text(name: str, content: str, *extra: str) -> Callable[[Path], tuple[Path, list[str]]]:
    def build(d: Path) -> tuple[Path, list[str]]:
        p = d / name
        p.write_text(content)
        return p, list(extra)

    return build


def _parquet_list_actor(d: Path) -> tuple[Path, list[str]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    p = d / "events.parquet"
    pq.write_table(pa.table({"actor": [["ana"], ["ben"]], "target": ["ben", "ana"],
                             "ts": ["2025-01-06T09:00:00Z", "2025-01-07T09:00:00Z"]}), p)
    return p, []


def _zip_of(reader: str) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        export = BUILD[reader](d / "src")
        z = d / f"{reader}.zip"
        with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in [export] if export.is_file() else sorted(export.rglob("*")):
                if f.is_file():
                    zf.write(f, f.relative_to(export.parent))
        shutil.rmtree(d / "src")
        return z

    return make


def _patch_zip(reader: str, how: str) -> Callable[[Path], tuple[Path, list[str]]]:
    """A zip of ``reader``'s export, then damaged: encrypted flag, Deflate64 method, duplicate, broken directory."""

    def build(d: Path) -> tuple[Path, list[str]]:
        (d / "src").mkdir()
        z = _zip_of(reader)(d)
        data = bytearray(z.read_bytes())
        if how == "duplicate":
            with zipfile.ZipFile(z) as zf:
                first = zf.namelist()[0]
                content = zf.read(first)
            with pytest.warns(UserWarning), zipfile.ZipFile(z, "a") as zf:
                zf.writestr(first, content)
            return z, []
        cd = data.rfind(b"PK\x01\x02", 0, data.rfind(b"PK\x05\x06"))
        cd = data.find(b"PK\x01\x02")  # the first central directory entry
        if how == "encrypted":
            flags = struct.unpack_from("<H", data, cd + 8)[0]
            struct.pack_into("<H", data, cd + 8, flags | 0x1)
        elif how == "deflate64":
            struct.pack_into("<H", data, cd + 10, 9)
        elif how == "broken-directory":
            end = data.rfind(b"PK\x05\x06")
            struct.pack_into("<I", data, end + 16, len(data) + 1000)  # directory offset past the end
            struct.pack_into("<H", data, end + 10, 65535)  # entry count
        z.write_bytes(bytes(data))
        return z, []

    return build


def _fifo(where: str) -> Callable[[Path], tuple[Path, list[str]]]:
    def build(d: Path) -> tuple[Path, list[str]]:
        if where == "mbox":
            p = d / "list.mbox"
            os.mkfifo(p)
            return p, ["--format", "mbox"]
        export = BUILD["maildir"](d)
        os.mkfifo(export / "ana" / "cur" / "17390.M9P9.host:2,S")
        return export, []

    return build


def _store(kind: str) -> Callable[[Path], tuple[Path, list[str]]]:
    def build(d: Path) -> tuple[Path, list[str]]:
        p = d / "store.duckdb"
        if kind == "foreign":
            p.write_bytes(b"this is not a database\n" * 100)
        elif kind == "other-db":
            import duckdb

            con = duckdb.connect(str(p))
            con.execute("create table t (x int)")
            con.close()
        return p, []

    return build


CSV_HEAD = "ts,actor,target,weight\n"
ROWS = "2025-01-06T09:00:00Z,ana,ben,1\n2025-01-07T09:00:00Z,ben,cy,1\n2025-01-08T09:00:00Z,cy,ana,1\n"

# ----------------------------------------------------------------------------- the cases
CASES: dict[str, Case] = {
    # Slack: JSON values of the wrong type
    "slack-reactions-number": Case(_edit_json("slack", "general/2024-01-02.json", _set((0, "reactions"), 5)),
                                   "error", ("2024-01-02.json", "record 1", "reactions")),
    "slack-reaction-users-number": Case(_edit_json("slack", "general/2024-01-02.json",
                                                   _set((0, "reactions", 0, "users"), 5)),
                                        "error", ("2024-01-02.json", "record 1", "users")),
    "slack-reaction-count-list": Case(_edit_json("slack", "general/2024-01-02.json",
                                                 _set((0, "reactions", 0, "count"), [1])),
                                      "error", ("2024-01-02.json", "record 1", "count")),
    "slack-parent-list": Case(_edit_json("slack", "general/2024-01-02.json", _set((1, "parent_user_id"), ["U00"])),
                              "error", ("2024-01-02.json", "record 2", "parent_user_id")),
    "slack-item-list": Case(_edit_json("slack", "general/2024-01-02.json", _set((0, "item"), ["x"])),
                            "error", ("2024-01-02.json", "record 1", "item")),
    "slack-members-number": Case(_edit_json("slack", "channels.json", _set((0, "members"), 3)),
                                 "error", ("channels.json", "record 1", "members")),
    "slack-attachments-dict": Case(_edit_json("slack", "general/2024-01-02.json", _set((0, "attachments"), {"a": 1})),
                                   "error", ("2024-01-02.json", "record 1", "attachments")),
    "slack-deep-nesting": Case(_edit_json("slack", "general/2024-01-02.json",
                                          _set((0, "blocks"), json.loads("[" * 900 + "]" * 900))),
                               "report", ()),
    "slack-ts-infinite": Case(_edit_json("slack", "general/2024-01-02.json", _set((0, "ts"), 1e308 * 10)),
                              "report", ("time out of range",)),
    "slack-ts-after-2262": Case(_edit_json("slack", "general/2024-01-02.json", _set((0, "ts"), "9999999999.1")),
                                "report", ("time out of range",)),
    "slack-is-bot-string": Case(_edit_json("slack", "users.json", _set((0, "is_bot"), "maybe")),
                                "error", ("users.json", "record 1", "is_bot")),
    # Teams
    "teams-mentions-number": Case(_edit_json("teams", "", _set(("value", 0, "mentions"), 3)),
                                  "error", ("teams.json", "record 1", "mentions")),
    "teams-reactions-number": Case(_edit_json("teams", "", _set(("value", 0, "reactions"), 3)),
                                   "error", ("teams.json", "record 1", "reactions")),
    "teams-negative-time": Case(_edit_json("teams", "", _set(("value", 0, "createdDateTime"), -5)),
                                "report", ("time out of range",)),
    "teams-time-after-2262": Case(_edit_json("teams", "", _set(("value", 0, "createdDateTime"),
                                                               "2300-01-01T00:00:00Z")),
                                  "report", ("time out of range",)),
    # Mattermost
    "mattermost-create-at-infinite": Case(_edit_json("mattermost", "", _mm_set("post", ("create_at",), 1e308 * 10)),
                                          "report", ("out of range",)),
    "mattermost-create-at-1e20": Case(_edit_json("mattermost", "", _mm_set("post", ("create_at",), 1e20)),
                                      "report", ("out of range",)),
    "mattermost-create-at-huge-int": Case(_edit_json("mattermost", "", _mm_set("post", ("create_at",), 10**30)),
                                          "report", ("out of range",)),
    "mattermost-replies-number": Case(_edit_json("mattermost", "", _mm_set("post", ("replies",), 3)),
                                      "error", ("export.jsonl", "line 7", "replies")),
    "mattermost-reactions-number": Case(_edit_json("mattermost", "", _mm_set("post", ("reactions",), 3)),
                                        "error", ("export.jsonl", "line 7", "reactions")),
    "mattermost-teams-number": Case(_edit_json("mattermost", "", _mm_set("user", ("teams",), 3)),
                                    "error", ("export.jsonl", "line 4", "teams")),
    "mattermost-channels-number": Case(_edit_json("mattermost", "", _mm_set("user", ("teams", 0, "channels"), 3)),
                                       "error", ("export.jsonl", "line 4", "channels")),
    "mattermost-first-name-number": Case(_edit_json("mattermost", "", _mm_set("user", ("first_name",), 3.5)),
                                         "report", ()),
    "mattermost-first-name-list": Case(_edit_json("mattermost", "", _mm_set("user", ("first_name",), [1])),
                                       "error", ("export.jsonl", "line 4", "first_name")),
    "mattermost-delete-at-infinite": Case(_edit_json("mattermost", "", _mm_set("user", ("delete_at",), 1e308 * 10)),
                                          "report", ()),
    # CSV and Parquet
    "csv-duplicated-header": Case(_text("e.csv", "ts,actor,actor,target\n2025-01-06,ana,ana,ben\n"),
                                  "error", ("e.csv", "actor")),
    "csv-negative-timestamps": Case(_text("e.csv", CSV_HEAD + "-5,ana,ben,1\n" + ROWS), "report", ()),
    "csv-nan-weight": Case(_text("e.csv", CSV_HEAD + "2025-01-06T10:00:00Z,ana,ben,nan\n" + ROWS),
                           "report", ("weight",)),
    "csv-huge-weight": Case(_text("e.csv", CSV_HEAD + "2025-01-06T10:00:00Z,ana,ben,1e308\n" + ROWS),
                            "report", ("weight",)),
    "csv-infinite-weight": Case(_text("e.csv", CSV_HEAD + "2025-01-06T10:00:00Z,ana,ben,inf\n" + ROWS),
                                "report", ("weight",)),
    "csv-date-after-2262": Case(_text("e.csv", CSV_HEAD + "2300-01-01T00:00:00Z,ana,ben,1\n" + ROWS), "report", ()),
    "csv-only-self-ties": Case(_text("e.csv", CSV_HEAD + "2025-01-06T09:00:00Z,ana,ana,1\n"
                                     "2025-01-07T09:00:00Z,ben,ben,1\n"), "report", ()),
    "csv-one-actor": Case(_text("e.csv", CSV_HEAD + "2025-01-06T09:00:00Z,ana,,1\n2025-01-07T09:00:00Z,ana,,1\n"),
                          "report", ()),
    "csv-one-tie": Case(_text("e.csv", CSV_HEAD + "2025-01-06T09:00:00Z,ana,ben,1\n"), "report", ()),
    "parquet-list-actor": Case(_parquet_list_actor, "error", ("events.parquet", "actor")),
    # Windows with no ties
    # An empty window is a slip caught before the work (exit 2, issue 15's errors before work).
    "window-in-the-future": Case(lambda d: (BUILD["csv"](d), ["--since", "2030-01-01"]), "error",
                                 ("events.csv", "no events in the window")),
    "window-first-day-only": Case(lambda d: (BUILD["csv"](d), ["--until", "2025-01-06T09:30:00"]), "report", ()),
    # Zips
    **{f"{r}-zip-{how}": Case(_patch_zip(r, how), "error", (f"{r}.zip",))
       for r in ("slack", "teams", "mattermost", "viva_engage")
       for how in ("encrypted", "deflate64", "duplicate", "broken-directory")},
    # Stores
    "store-not-a-database": Case(_store("foreign"), "error", ("store.duckdb",)),
    "store-other-database": Case(_store("other-db"), "error", ("store.duckdb", "not an orgnet store")),
}

def _unreadable(where: str) -> Callable[[Path], tuple[Path, list[str]]]:
    # A symbolic link to itself cannot be opened, not even by root (chmod 000 does not stop root).
    def build(d: Path) -> tuple[Path, list[str]]:
        if where == "mbox":
            p = d / "list.mbox"
            os.symlink(p.name, p)
            return p, ["--format", "mbox"]
        export = BUILD["maildir"](d)
        link = export / "ana" / "cur" / "17391.M9P9.host:2,S"
        os.symlink(link.name, link)
        return export, []

    return build


def _one_post(d: Path) -> tuple[Path, list[str]]:
    def keep_one(rows: list[dict[str, Any]]) -> None:
        post = next(r for r in rows if r["type"] == "post")
        post["post"].pop("replies"), post["post"].pop("reactions")
        post["post"]["message"] = "hello"
        rows[:] = [r for r in rows if r["type"] not in ("post", "direct_post")] + [post]

    return _edit_json("mattermost", "", keep_one)(d)


CASES.update({
    "mbox-unreadable": Case(_unreadable("mbox"), "error", ("list.mbox",)),
    "maildir-unreadable-file": Case(_unreadable("maildir"), "report", ("unreadable file",)),
    "mattermost-one-post": Case(_one_post, "report", ()),
})

FIFO_CASES = {"fifo-as-mbox": _fifo("mbox"), "fifo-in-maildir": _fifo("maildir")}


def _run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output  # stdout and stderr as a terminal shows them


def _check(code: int, text: str, case: Case, out: Path) -> None:
    assert "Traceback" not in text and "hit a bug" not in text, text
    if case.outcome == "error":
        assert code == 2, text
        # One message: orgnet's "error: ..." or click's usage "Error: ..." (a path that cannot be looked at).
        lines = [ln for ln in text.splitlines() if ln.strip()]
        starts = [i for i, ln in enumerate(lines) if ln.lower().startswith("error:")]
        assert len(starts) == 1, text
        message = " ".join(lines[starts[0]:])
        for name in case.names:
            assert name in message, (name, text)
        assert not out.exists() or not (out / "index.html").exists(), "a failed run leaves no report"
    else:
        assert code == 0, text
        assert (out / "index.html").is_file() and (out / "findings.json").is_file()
        said = text + (out / "findings.json").read_text()
        for name in case.names:
            assert name in said, (name, text)


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_input(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    (tmp_path / "in").mkdir()
    path, extra = case.build(tmp_path / "in")
    out = tmp_path / "report"
    if name.startswith("store-"):
        args = ["analyze", "--store", str(path), "--out", str(out)]
    else:
        args = ["analyze", str(path), *extra, "--out", str(out)]
    code, text = _run(args)
    _check(code, text, case, out)


@pytest.mark.parametrize("name", sorted(FIFO_CASES))
def test_fifo_is_refused_or_skipped_without_blocking(name: str, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    path, extra = FIFO_CASES[name](tmp_path / "in")
    out = tmp_path / "report"
    # A child process under a timeout: a reader that blocks on the FIFO fails here instead of hanging.
    proc = subprocess.run([sys.executable, "-m", "orgnet.cli", "analyze", str(path), *extra, "--out", str(out)],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    text = proc.stdout + proc.stderr
    assert "Traceback" not in text and "hit a bug" not in text, text
    if name == "fifo-as-mbox":
        assert proc.returncode == 2 and "FIFO" in text and "list.mbox" in text, text
    else:
        assert proc.returncode == 0, text
        assert "not a regular file" in (out / "findings.json").read_text() + text


def test_every_reader_has_a_wrong_type_case() -> None:
    # A reader added without a hostile case here fails, so every format gets one when it lands.
    covered = {n.split("-", 1)[0] for n in CASES}
    json_readers = {"slack", "teams", "mattermost"}
    assert json_readers <= covered and {"csv", "parquet"} <= covered
    assert set(READERS) >= json_readers


def test_store_window_with_no_data_yet(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    code, text = _run(["import", str(BUILD["csv"](tmp_path)), "--store", str(store)])
    assert code == 0, text
    out = tmp_path / "report"
    code, text = _run(["analyze", "--store", str(store), "--since", "2030-01-01", "--until", "2030-02-01",
                       "--out", str(out)])
    _check(code, text, Case(lambda d: (d, []), "report", ("0 events",)), out)


def test_store_locked_by_another_process(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    code, text = _run(["import", str(BUILD["csv"](tmp_path)), "--store", str(store)])
    assert code == 0, text
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
         "time.sleep(120)", str(store)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        out = tmp_path / "report"
        code, text = _run(["analyze", "--store", str(store), "--out", str(out)])
        _check(code, text, Case(lambda d: (d, []), "error", ("store.duckdb", "in use by another process")), out)
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()


@contextlib.contextmanager
def _guard(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (a blocked ``open`` of a FIFO too): a guard, not a speed figure."""

    def fire(signum: int, frame: object) -> None:
        raise TimeoutError(f"blocked for more than {seconds} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("name", ["fifo-as-mbox", "fifo-in-maildir", "mbox-unreadable", "maildir-unreadable-file"])
def test_fifo_and_unreadable_files_within_a_second(name: str, tmp_path: Path) -> None:
    build = FIFO_CASES.get(name) or CASES[name].build
    path, extra = build(tmp_path)
    fmt = extra[1] if extra else None
    with _guard(1.0):
        try:
            result = read(path, format=fmt)
        except InputError as exc:
            assert path.name in str(exc)
            return
    assert name.startswith(("fifo-in", "maildir-")), "a FIFO or unreadable file given as the input is refused"
    reason = "not a regular file (FIFO, device or socket)" if "fifo" in name else "unreadable file"
    assert result.records_skipped[reason] == 1
    assert result.records_read >= 1 and result.events.num_rows > 0  # the readable mails are still read


def test_slack_is_bot_as_a_word(tmp_path: Path) -> None:
    export = BUILD["slack"](tmp_path)
    users = json.loads((export / "users.json").read_text())
    users[0]["is_bot"], users[1]["is_bot"] = "false", "true"
    (export / "users.json").write_text(json.dumps(users))
    people = read(export).people.set_index("person")
    assert not people.loc["U00", "is_bot"] and people.loc["U01", "is_bot"]


def test_one_group_only(tmp_path: Path) -> None:
    events = tmp_path / "e.csv"
    events.write_text(CSV_HEAD + ROWS)
    directory = tmp_path / "d.csv"
    directory.write_text("person,department\nana,Legal\nben,Legal\ncy,Legal\n")
    out = tmp_path / "report"
    code, text = _run(["analyze", str(events), "--directory", str(directory), "--min-group-size", "1",
                       "--out", str(out)])
    _check(code, text, Case(lambda d: (d, []), "report", ()), out)
