"""Hostile and broken input for every reader: a clear error or a counted skip, in bounded time and memory.

Every reader in :data:`orgnet.connectors.READERS` gets random bytes, mutated (flipped, cut,
spliced) copies of a valid export, invalid UTF-8, and, where it reads them, zip archives that are
truncated, bombs (high compression ratio) or carry path-traversal names, deeply nested JSON and
huge mail headers. Structure-aware mutations (``test_structure_aware``) give any field of each
JSON format a value of another type (or remove it), put hostile values in any CSV cell, replace
Parquet columns with other Arrow types and give mail headers hostile values; ``test_cli_end_to_end``
runs ``orgnet analyze`` on such inputs (exit 0 with a report or exit 2, never a bug report);
``test_corpus`` replays every input that ever failed (``tests/fuzz/corpus``). The only
exceptions allowed out of a reader are
:class:`~orgnet.connectors.base.InputError` and :class:`~orgnet.events.EventSchemaError`; the
pipeline leaves no report folder behind when it fails; formula-like names are neutralised in
every CSV written.

The CI default is a few seconds per reader. Fuzz longer with::

    ORGNET_FUZZ_SECONDS=600 .venv/bin/pytest tests/fuzz        # ~600 s per test
    .venv/bin/python -m tests.fuzz --seconds 600                # the same
    .venv/bin/python -m tests.fuzz --seconds 600 --save-failures --report fuzz.json

A failure prints the smallest input hypothesis found (``Falsifying example``).
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import hashlib
import importlib.util
import json
import math
import os
import resource
import shutil
import signal
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import TypeVar

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgnet.cli import main as cli_main
from orgnet.connectors import READERS
from orgnet.connectors.base import InputError, ReadResult
from orgnet.events import EventSchemaError, validate
from orgnet.pipeline import RunOptions, run

T = TypeVar("T")

#: Seconds of fuzzing per test (CI default: a few).
SECONDS = float(os.environ.get("ORGNET_FUZZ_SECONDS", "3"))
#: Longest one read may take, and most memory (peak RSS growth) it may add.
TIME_LIMIT_S = float(os.environ.get("ORGNET_FUZZ_TIME_LIMIT", "20"))
MEMORY_LIMIT_MB = 1024

EXPECTED = (InputError, EventSchemaError)
ZIP_READERS = ("slack", "teams", "mattermost", "viva_engage")
JSON_READERS = ("slack", "teams", "mattermost")
MAIL_READERS = ("eml", "mbox", "maildir")

FUZZ = settings(
    max_examples=10_000 if SECONDS > 3 else 40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    derandomize=SECONDS <= 3,  # CI runs are reproducible; long runs explore
)


def _exports_module() -> ModuleType:
    """The export builders of the content-free test (tests import with importlib mode, not as a package)."""
    name = "orgnet_test_privacy_exports"
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[1] / "privacy" / "test_content_free.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


BUILDERS: dict[str, Callable[[Path], Path]] = _exports_module().BUILDERS


# ----------------------------------------------------------------------------- the harness
class _Budget:
    """Stops a test's examples once its share of ``SECONDS`` is spent (the rest return at once)."""

    def __init__(self) -> None:
        self.start = time.monotonic()

    def spent(self) -> bool:
        # Once an input failed, hypothesis replays and shrinks it: the budget must not cut that short.
        return not FAILING and time.monotonic() - self.start > SECONDS


class ReadTimeout(Exception):
    """A read took longer than ``TIME_LIMIT_S``."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    def fire(signum, frame):  # type: ignore[no-untyped-def]
        raise ReadTimeout(f"read took more than {seconds} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ----------------------------------------------------------------------------- what was covered, what failed
#: Where every input that ever failed is kept, one folder per reader, replayed by ``test_corpus``.
CORPUS = Path(__file__).resolve().parent / "corpus"
#: ``python -m tests.fuzz --save-failures`` sets this: a failing input is copied into :data:`CORPUS`.
SAVE_FAILURES = os.environ.get("ORGNET_FUZZ_SAVE_FAILURES", "") not in ("", "0")
#: ``python -m tests.fuzz --report FILE`` sets this: what was tried, per reader, is written there as JSON.
REPORT = os.environ.get("ORGNET_FUZZ_REPORT", "")
#: reader -> outcome -> count; reader -> fields given a wrong value (for the record).
TRIED: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
FIELDS: dict[str, set[str]] = collections.defaultdict(set)
#: Readers that failed in this session (a failure turns the time budget off so that it can be shrunk).
FAILING: list[str] = []


def _save_failure(reader: str, path: Path) -> Path | None:
    if not SAVE_FAILURES or not path.exists():
        return None
    digest = hashlib.sha1(b"".join(p.read_bytes() for p in _files(path))).hexdigest()[:12]
    dest = CORPUS / reader / (digest + (path.suffix if path.is_file() else ""))
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            shutil.copytree(path, dest, symlinks=True)
        else:
            shutil.copy(path, dest)
    return dest


def check_read(reader: str, path: Path) -> ReadResult | Exception:
    """Read ``path``: a valid result or an expected error, in bounded time and memory; anything else fails."""
    before = _peak_rss_mb()
    try:
        with _time_limit(TIME_LIMIT_S):
            result = READERS[reader].read(path)
    except EXPECTED as exc:
        TRIED[reader]["input error"] += 1
        assert str(exc).strip(), "an input error must say what is wrong"
        return exc
    except BaseException:
        FAILING.append(reader)
        TRIED[reader]["FAILED"] += 1
        _save_failure(reader, path)
        raise
    finally:
        grown = _peak_rss_mb() - before
        assert grown < MEMORY_LIMIT_MB, f"{reader}: reading grew memory by {grown:.0f} MB"
    assert isinstance(result, ReadResult)
    validate(result.events)
    assert all(int(v) >= 0 for v in result.records_skipped.values())
    TRIED[reader]["read"] += 1
    return result


@pytest.fixture
def workdir() -> Iterator[Path]:
    d = Path(tempfile.mkdtemp(prefix="orgnet-fuzz-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


def _fresh(workdir: Path) -> Path:
    d = Path(tempfile.mkdtemp(dir=workdir))
    return d


def _files(export: Path) -> list[Path]:
    return [export] if export.is_file() else sorted(p for p in export.rglob("*") if p.is_file())


def _zip_folder(folder: Path, dest: Path, *, prefix: str = "") -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for p in _files(folder):
            z.write(p, prefix + p.relative_to(folder).as_posix())
    return dest


def _export_as_zip(reader: str, d: Path) -> Path:
    export = BUILDERS[reader](d)
    if export.is_file():
        folder = d / "zipped"
        folder.mkdir()
        shutil.copy(export, folder / export.name)
        export = folder
    return _zip_folder(export, d / "export.zip")


_NAMES = {"slack": "channels.json", "teams": "messages.json", "mattermost": "export.jsonl",
          "viva_engage": "Messages.csv", "eml": "m.eml", "mbox": "list.mbox", "maildir": "cur/1.host:2,S",
          "csv": "events.csv", "parquet": "events.parquet"}


def _write_in_place(reader: str, d: Path, data: bytes) -> Path:
    """Put ``data`` where the reader looks: the file itself, or its key file in an otherwise valid export."""
    if reader in BUILDERS:
        export = BUILDERS[reader](d)
        target = export if export.is_file() else next(
            (p for p in _files(export) if p.name == _NAMES.get(reader)), _files(export)[0])
        target.write_bytes(data)
        return export
    path = d / _NAMES.get(reader, "input.bin")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


readers = pytest.mark.parametrize("reader", sorted(READERS))


# ----------------------------------------------------------------------------- random and mutated input
@readers
@FUZZ
@given(data=st.binary(max_size=4096))
def test_random_bytes(reader: str, data: bytes, workdir: Path, budget: _Budget) -> None:
    if budget.spent():
        return
    check_read(reader, _write_in_place(reader, _fresh(workdir), data))


@st.composite
def mutations(draw: st.DrawFn) -> list[tuple[str, float, bytes]]:
    ops = st.tuples(st.sampled_from(["flip", "cut", "insert", "delete", "dup"]),
                    st.floats(0, 1, allow_nan=False), st.binary(min_size=1, max_size=64))
    return draw(st.lists(ops, min_size=1, max_size=6))


def _mutate(data: bytes, ops: list[tuple[str, float, bytes]]) -> bytes:
    for op, where, blob in ops:
        i = int(where * len(data))
        if op == "flip" and data:
            i = min(i, len(data) - 1)
            data = data[:i] + bytes([data[i] ^ (blob[0] or 1)]) + data[i + 1:]
        elif op == "cut":
            data = data[:i]
        elif op == "insert":
            data = data[:i] + blob + data[i:]
        elif op == "delete":
            data = data[:i] + data[i + len(blob):]
        elif op == "dup":
            data = data[:i] + data[i:i + 512] * 3 + data[i:]
    return data


@readers
@FUZZ
@given(ops=mutations(), which=st.integers(0, 1_000))
def test_mutated_export(reader: str, ops: list, which: int, workdir: Path, budget: _Budget) -> None:
    if budget.spent():
        return
    if reader not in BUILDERS:
        pytest.fail(f"reader {reader!r} has no export builder (tests/privacy/test_content_free.py)")
    export = BUILDERS[reader](_fresh(workdir))
    files = _files(export)
    target = files[which % len(files)]
    target.write_bytes(_mutate(target.read_bytes(), ops))
    check_read(reader, export)


@pytest.mark.parametrize("reader", [r for r in ZIP_READERS if r in READERS])
@FUZZ
@given(ops=mutations())
def test_mutated_zip(reader: str, ops: list, workdir: Path, budget: _Budget) -> None:
    if budget.spent():
        return
    z = _export_as_zip(reader, _fresh(workdir))
    z.write_bytes(_mutate(z.read_bytes(), ops))
    check_read(reader, z)


@readers
def test_invalid_utf8_everywhere(reader: str, workdir: Path) -> None:
    export = BUILDERS[reader](_fresh(workdir))
    for p in _files(export):
        data = p.read_bytes()
        p.write_bytes(data.replace(b"a", b"\xff", 3).replace(b"e", b"\xc3\x28", 3))
    check_read(reader, export)


# ----------------------------------------------------------------------------- zips
@pytest.mark.parametrize("reader", [r for r in ZIP_READERS if r in READERS])
@pytest.mark.parametrize("cut", [0.1, 0.5, 0.9, 0.99])
def test_truncated_zip(reader: str, cut: float, workdir: Path) -> None:
    z = _export_as_zip(reader, _fresh(workdir))
    data = z.read_bytes()
    z.write_bytes(data[: int(len(data) * cut)])
    check_read(reader, z)


@pytest.mark.parametrize("reader", [r for r in ZIP_READERS if r in READERS])
@pytest.mark.parametrize("name", ["../../evil.json", "/etc/passwd", "C:\\\\evil.json", "a/../../b.json",
                                  "..\\\\..\\\\evil.json"])
def test_zip_path_traversal_names(reader: str, name: str, workdir: Path) -> None:
    d = _fresh(workdir)
    z = _export_as_zip(reader, d)
    with zipfile.ZipFile(z, "a") as zf:
        zf.writestr(name, b"[]")
    before = set(Path("/tmp").iterdir()) if Path("/tmp").exists() else set()
    check_read(reader, z)
    assert not (d.parent.parent / "evil.json").exists() and not (d / "evil.json").exists()
    assert set(Path("/tmp").iterdir()) - before <= {p for p in Path("/tmp").iterdir() if p.name.startswith("pytest")}


@pytest.mark.parametrize("reader", [r for r in ZIP_READERS if r in READERS])
def test_zip_bomb(reader: str, workdir: Path) -> None:
    """A member of 1 GiB of one byte, compressed to ~1 MB: refused or skipped, never decompressed whole."""
    d = _fresh(workdir)
    z = _export_as_zip(reader, d)
    name = {"slack": "general/2024-01-03.json", "teams": "bomb.json", "mattermost": "bomb.jsonl",
            "viva_engage": "Topics.csv"}[reader]
    chunk = b" " * (1 << 20)
    with zipfile.ZipFile(z, "a", zipfile.ZIP_DEFLATED) as zf, zf.open(name, "w", force_zip64=True) as member:
        member.write(b"[" if reader != "viva_engage" else b"id,body\n")
        for _ in range(1024):
            member.write(chunk)
    assert z.stat().st_size < 10 << 20
    check_read(reader, z)


@pytest.mark.parametrize("reader", [r for r in ZIP_READERS if r in READERS])
def test_zip_with_many_members(reader: str, workdir: Path) -> None:
    d = _fresh(workdir)
    z = _export_as_zip(reader, d)
    with zipfile.ZipFile(z, "a", zipfile.ZIP_STORED) as zf:
        for i in range(20_000):
            zf.writestr(f"junk/{i}.bin", b"")
    check_read(reader, z)


# ----------------------------------------------------------------------------- structure
@pytest.mark.parametrize("reader", [r for r in JSON_READERS if r in READERS])
@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_json(reader: str, depth: int, workdir: Path) -> None:
    nested = "[" * depth + "]" * depth
    if reader == "mattermost":
        data = '{"type": "version", "version": 1}\n{"type": "post", "post": ' + '{"a":' * depth + "1" \
               + "}" * depth + "}\n"
    elif reader == "slack":
        data = nested
    else:
        data = '{"value": ' + nested + "}"
    check_read(reader, _write_in_place(reader, _fresh(workdir), data.encode()))


@pytest.mark.parametrize("reader", [r for r in MAIL_READERS if r in READERS])
@pytest.mark.parametrize("header", ["Subject", "To", "From", "Message-ID", "References", "Date"])
def test_huge_mail_headers(reader: str, header: str, workdir: Path) -> None:
    if header == "To":
        value = ", ".join(f"p{i}@example.org" for i in range(200_000))
    elif header == "References":
        value = " ".join(f"<r{i}@x>" for i in range(200_000))
    else:
        value = "x" * 5_000_000
    msg = (f"From: a@example.org\nTo: b@example.org\nDate: Mon, 10 Mar 2025 09:00:00 +0000\n"
           f"Message-ID: <1@x>\n{header}: {value}\n\nbody\n")
    if header != "From":
        msg = msg.replace(f"{header}: ", f"X-Dup: {header}\n{header}: ", 1)
    data = ("From a@example.org Mon Mar 10 09:00:00 2025\n" + msg if reader == "mbox" else msg).encode()
    started = time.monotonic()
    check_read(reader, _write_in_place(reader, _fresh(workdir), data))
    assert time.monotonic() - started < TIME_LIMIT_S


@pytest.mark.parametrize("reader", [r for r in ("csv", "viva_engage") if r in READERS])
def test_huge_csv_field(reader: str, workdir: Path) -> None:
    d = _fresh(workdir)
    if reader == "csv":
        path = d / "e.csv"
        path.write_text("actor,target,kind\n" + "a," + "b" * 20_000_000 + ",reply\n")
    else:
        path = BUILDERS[reader](d)
        m = path / "Messages.csv"
        m.write_text(m.read_text().replace("re ", "re " + "x" * 20_000_000, 1))
    check_read(reader, path)


# ----------------------------------------------------------------------------- the whole pipeline
@pytest.mark.parametrize("reader", sorted(READERS))
def test_pipeline_leaves_no_partial_output(reader: str, workdir: Path) -> None:
    export = _write_in_place(reader, _fresh(workdir), b"\x00\xff garbage \xfe" * 50)
    out = workdir / "report"
    try:
        run([export], out, RunOptions(format=reader))
    except EXPECTED:
        assert not out.exists(), "a failed run left a report folder"
        assert not [p for p in workdir.iterdir() if p.name.startswith(".report")], "a staging folder was left"
    else:
        assert (out / "findings.json").exists()


INJECTIONS = ["=HYPERLINK(\"http://x\",\"y\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1", "\r=1"]


def test_csv_injection_in_names_is_neutralised(workdir: Path) -> None:
    people = ["ana", *INJECTIONS[:4]]  # ids are stripped of surrounding whitespace when read
    events = pd.DataFrame({"actor": people, "target": people[1:] + people[:1], "kind": "reply",
                           "channel": INJECTIONS[:4] + ["general"]})
    directory = pd.DataFrame({"person": people, "name": INJECTIONS[1:], "department": ["-Sales"] * 5,
                              "title": ["@boss"] * 5})
    events.to_csv(workdir / "e.csv", index=False)
    directory.to_csv(workdir / "d.csv", index=False)
    out = workdir / "report"
    run([workdir / "e.csv"], out, RunOptions(directory=workdir / "d.csv", min_group_size=0))
    for path in out.rglob("*.csv"):
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        cells = [str(c) for c in table.columns] + [v for col in table.columns for v in table[col]]
        bad = [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or (c[:1] == "-" and not _number(c))]
        assert not bad, f"{path.name}: formula-like cells {bad[:5]}"


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_harness_catches_unexpected_exceptions(monkeypatch, workdir: Path) -> None:
    # Negative control: a reader raising anything but InputError must fail the check.
    from orgnet.connectors.base import Reader

    def boom(path: Path, **_: object) -> ReadResult:
        raise KeyError("boom")

    monkeypatch.setitem(READERS, "csv", Reader("csv", boom, lambda p: True))
    with pytest.raises(KeyError):
        check_read("csv", workdir)


@pytest.fixture
def budget() -> _Budget:
    return _Budget()


@pytest.fixture(scope="session", autouse=True)
def _record_coverage() -> Iterator[None]:
    """Write what was tried (inputs per reader and outcome, fields given wrong values) to ``REPORT``."""
    yield
    if REPORT:
        Path(REPORT).write_text(json.dumps({
            "seconds_per_test": SECONDS,
            "inputs": {r: dict(c) | {"total": sum(c.values())} for r, c in sorted(TRIED.items())},
            "failures": sum(c["FAILED"] for c in TRIED.values()),
            "fields_mutated": {r: sorted(f) for r, f in sorted(FIELDS.items())},
        }, indent=2))


# ----------------------------------------------------------------------------- structure-aware mutations
#: Values of every JSON type, and the edge cases of each: what a field may hold in a hostile export.
HOSTILE_JSON = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=2**63, max_value=2**70),
    st.integers(max_value=-1), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1e20, -1e308, 1e308, "", "false", "true", "0", "-1", "1e999", "nan", "9999999999999",
                     "2300-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "-5", "\u0000", "U00", "@everyone"]),
    st.text(max_size=20), st.lists(st.integers() | st.text(max_size=4), max_size=3),
    st.dictionaries(st.text(max_size=6), st.integers() | st.text(max_size=4) | st.none(), max_size=3),
    st.recursive(st.none() | st.integers(), lambda inner: st.lists(inner, max_size=2)
                 | st.dictionaries(st.text(max_size=3), inner, max_size=2), max_leaves=6),
)


def _json_paths(node: object, prefix: tuple[object, ...] = ()) -> Iterator[tuple[object, ...]]:
    """Every place in a JSON document a value sits (lists: every element)."""
    if prefix:
        yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _json_paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _json_paths(v, (*prefix, i))


def _field_name(path: tuple[object, ...]) -> str:
    return ".".join("[]" if isinstance(k, int) else str(k) for k in path).replace(".[]", "[]")


def _load_json(f: Path) -> list[object]:
    text = f.read_text()
    return [json.loads(ln) for ln in text.splitlines() if ln.strip()] if f.suffix == ".jsonl" else [json.loads(text)]


def _dump_json(f: Path, docs: list[object]) -> None:
    f.write_text("\n".join(json.dumps(d) for d in docs) + "\n" if f.suffix == ".jsonl" else json.dumps(docs[0]))


def wrong_json_types(export: Path, reader: str, plan: Plan) -> None:
    """Give one to three fields of one JSON file of ``export`` a value of another type (or remove them)."""
    files = [f for f in _files(export) if f.suffix in (".json", ".jsonl")]
    f = plan.choose(files)
    docs = _load_json(f)
    for _ in range(plan.integer(1, 3)):
        paths = list(_json_paths(docs))
        if not paths:
            break
        where = plan.choose(paths)
        parent: object = docs
        for key in where[:-1]:
            parent = parent[key]  # type: ignore[index]
        if plan.integer(0, 9) == 0 and isinstance(parent, dict):
            parent.pop(where[-1], None)
        else:
            parent[where[-1]] = plan.value()  # type: ignore[index]
        FIELDS[reader].add(f"{f.name}:{_field_name(where[1:] if f.suffix == '.jsonl' else where)}")
    _dump_json(f, docs)


#: Cell values that break naive parsing of a table: numbers out of range, dates past 2262, quotes, nulls.
HOSTILE_CELLS = st.one_of(
    st.sampled_from(["", "nan", "NaN", "inf", "-inf", "-1", "1e308", "1e309", "0", "9" * 30, "-9" * 20,
                     "2300-01-01T00:00:00Z", "1600-01-01", "0000-00-00", "1970-01-01T00:00:00Z", "-5",
                     "99999999999999999", "=cmd|' /C calc'!A0", "\"", "a,b", "a\nb", "\x00", "true", "[1,2]",
                     "{\"a\": 1}", "post", "reply", "Comment"]),
    st.text(max_size=12), st.integers().map(str), st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


def hostile_cells(export: Path, reader: str, plan: Plan) -> None:
    """Put hostile values in one to three cells (any column, header included) of one CSV of ``export``."""
    import csv
    import io

    files = [f for f in _files(export) if f.suffix == ".csv"]
    f = plan.choose(files)
    rows = list(csv.reader(io.StringIO(f.read_text())))
    for _ in range(plan.integer(1, 3)):
        r = plan.integer(0, len(rows) - 1)
        if not rows[r]:
            continue
        c = plan.integer(0, len(rows[r]) - 1)
        FIELDS[reader].add(f"{f.name}:{rows[0][c] if c < len(rows[0]) else c}{' (header)' if r == 0 else ''}")
        rows[r][c] = plan.text()
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    f.write_text(out.getvalue())


def hostile_columns(export: Path, reader: str, plan: Plan) -> None:
    """Replace one column of a Parquet file with values of another Arrow type (lists, structs, inf, far dates)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(export)
    i = plan.integer(0, table.num_columns - 1)
    n = table.num_rows
    choices = {
        "list": lambda: pa.array([["a"]] * n), "struct": lambda: pa.array([{"x": 1}] * n),
        "int": lambda: pa.array(range(n)), "huge-int": lambda: pa.array([2**62] * n),
        "float": lambda: pa.array([plan.number() for _ in range(n)]),
        "bool": lambda: pa.array([True] * n), "null": lambda: pa.nulls(n), "binary": lambda: pa.array([b"\xff"] * n),
        "date-2300": lambda: pa.array(["2300-01-01T00:00:00Z"] * n),
        "timestamp-s": lambda: pa.array([253402300799] * n, pa.timestamp("s")),
        "duration": lambda: pa.array([1] * n, pa.duration("s")),
        "text": lambda: pa.array([plan.text() for _ in range(n)]),
    }
    kind = plan.choose(sorted(choices))
    FIELDS[reader].add(f"{table.column_names[i]}:{kind}")
    pq.write_table(table.set_column(i, table.column_names[i], choices[kind]()), export)


#: Header values a mail export may hold: dates out of range, broken encodings, addresses no parser expects.
HOSTILE_HEADERS = st.one_of(
    st.sampled_from(["", "Mon, 10 Mar 2300 09:00:00 +0000", "Thu, 01 Jan 1970 00:00:00 +0000", "32 Foo 99999",
                     "=?utf-8?b?////?=", "=?x-unknown?q?abc?=", "<>", "@", "a@", "@b", "\"\" <@>", "undisclosed-recipients:;",
                     "<" * 50, "a@b, " * 100, "Mon, 10 Mar 2025 09:00:00 +9999", "-1", "\x00\x01"]),
    st.text(max_size=30).map(lambda t: t.replace("\n", " ").replace("\r", " ")),
)


def hostile_headers(export: Path, reader: str, plan: Plan) -> None:
    """Give one to three headers of one message a hostile value (added when absent, or added twice)."""
    files = [f for f in _files(export) if not f.name.startswith(".")]
    f = plan.choose(files)
    lines = f.read_bytes().split(b"\n")
    for _ in range(plan.integer(1, 3)):
        name = plan.choose(MAIL_HEADERS)
        value = plan.text().encode("utf-8", "surrogatepass")
        twice = plan.flag()
        FIELDS[reader].add(name.decode())
        # Chosen by name, not by line number: a multipart boundary is random and may fold a line.
        at = next((i for i, ln in enumerate(lines) if ln.lower().startswith(name.lower() + b":")), None)
        start = 1 if lines and lines[0].startswith(b"From ") else 0  # keep the mbox separator first
        if at is None or twice:
            lines.insert(start if at is None else at, name + b": " + value)
        else:
            lines[at] = name + b": " + value
    f.write_bytes(b"\n".join(lines))


MAIL_HEADERS = [b"From", b"To", b"Cc", b"Bcc", b"Date", b"Message-ID", b"In-Reply-To", b"References", b"Subject",
                b"Sender", b"Reply-To", b"List-Id", b"Precedence", b"Auto-Submitted", b"Content-Type"]


@dataclasses.dataclass
class Plan:
    """A mutation's choices, all drawn before the test runs (so that a run cut short by the budget
    draws the same as a full one, and hypothesis can shrink a failure): positions are taken
    modulo what there is to choose from, values in turn."""

    picks: list[int]
    values: list[object]

    def integer(self, low: int, high: int) -> int:
        return low + (self.picks.pop(0) if self.picks else 0) % (high - low + 1)

    def choose(self, options: Sequence[T]) -> T:
        return options[self.integer(0, len(options) - 1)]

    def flag(self) -> bool:
        return self.integer(0, 1) == 1

    def value(self) -> object:
        return self.values.pop(0) if self.values else None

    def text(self) -> str:
        v = self.value()
        return v if isinstance(v, str) else json.dumps(v) if not isinstance(v, float) else repr(v)

    def number(self) -> float:
        v = self.value()
        usable = isinstance(v, int | float) and not isinstance(v, bool) and abs(v) < 2**1023
        return float(v) if usable else math.inf  # type: ignore[arg-type]


def plans() -> st.SearchStrategy[Plan]:
    """Twelve positions and four hostile values (JSON of any type, table cells, mail header text)."""
    return st.builds(Plan, st.lists(st.integers(0, 2**16), min_size=12, max_size=12),
                     st.lists(HOSTILE_JSON | HOSTILE_CELLS | HOSTILE_HEADERS, min_size=4, max_size=4))


#: The structure-aware mutation for each reader's format.
STRUCTURE: dict[str, Callable[[Path, str, Plan], None]] = {
    "slack": wrong_json_types, "teams": wrong_json_types, "mattermost": wrong_json_types,
    "viva_engage": hostile_cells, "csv": hostile_cells, "parquet": hostile_columns,
    "eml": hostile_headers, "mbox": hostile_headers, "maildir": hostile_headers,
}


@contextlib.contextmanager
def _noting_failure(reader: str) -> Iterator[None]:
    # Any failure (in the mutation too) turns the budget off, so that hypothesis can replay and shrink it.
    try:
        yield
    except BaseException:
        FAILING.append(reader)
        raise


@readers
@FUZZ
@given(plan=plans())
def test_structure_aware(reader: str, plan: Plan, workdir: Path, budget: _Budget) -> None:
    """Wrong JSON types at any field, hostile cells and column types, hostile mail headers: a clear error or a read."""
    if budget.spent():
        return
    assert reader in STRUCTURE, f"reader {reader!r} has no structure-aware mutation here"
    with _noting_failure(reader):
        export = BUILDERS[reader](_fresh(workdir))
        STRUCTURE[reader](export, reader, plan)
        check_read(reader, export)


@readers
@FUZZ
@given(plan=plans())
def test_cli_end_to_end(reader: str, plan: Plan, workdir: Path, budget: _Budget) -> None:
    """``orgnet analyze`` on a structure-mutated export: exit 0 with a report or exit 2 with one message, never a bug."""
    if budget.spent():
        return
    d = _fresh(workdir)
    export = BUILDERS[reader](d)
    with _noting_failure(reader):
        STRUCTURE[reader](export, reader, plan)
    out = d / "report"
    with _time_limit(TIME_LIMIT_S * 3):
        result = CliRunner().invoke(cli_main, ["analyze", str(export), "--format", reader, "--out", str(out)])
    text = result.output
    ok = result.exit_code in (0, 2) and "hit a bug" not in text and "Traceback" not in text
    TRIED[f"cli:{reader}"]["report" if result.exit_code == 0 else "input error" if ok else "FAILED"] += 1
    if not ok:
        FAILING.append(reader)
        _save_failure(reader, export)
    assert ok, text
    assert result.exit_code != 0 or (out / "index.html").is_file()
    assert result.exit_code != 2 or not (out / "index.html").exists()


def _corpus_entries() -> list[tuple[str, Path]]:
    if not CORPUS.is_dir():
        return []
    return [(d.name, e) for d in sorted(CORPUS.iterdir()) if d.is_dir() and d.name in READERS
            for e in sorted(d.iterdir())]


@pytest.mark.parametrize(("reader", "entry"), _corpus_entries(), ids=lambda v: v.name if isinstance(v, Path) else v)
def test_corpus(reader: str, entry: Path, workdir: Path) -> None:
    """Every input that ever failed, replayed: now a clear error or a read."""
    copy = workdir / entry.name
    if entry.is_dir():
        shutil.copytree(entry, copy, symlinks=True)
    else:
        shutil.copy(entry, copy)
    check_read(reader, copy)


def test_corpus_covers_every_zip_reader() -> None:
    # The zips that failed the long run (Deflate64, encrypted, duplicate members, broken directory) stay in the corpus.
    held = {r for r, e in _corpus_entries() if e.suffix == ".zip"}
    assert {r for r in ZIP_READERS if r in READERS} <= held

