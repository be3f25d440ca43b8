"""Hostile and broken input for every reader: a clear error or a counted skip, in bounded time and memory.

Every reader in :data:`orgnet.connectors.READERS` gets random bytes, mutated (flipped, cut,
spliced) copies of a valid export, invalid UTF-8, and, where it reads them, zip archives that are
truncated, bombs (high compression ratio) or carry path-traversal names, deeply nested JSON and
huge mail headers. The only exceptions allowed out of a reader are
:class:`~orgnet.connectors.base.InputError` and :class:`~orgnet.events.EventSchemaError`; the
pipeline leaves no report folder behind when it fails; formula-like names are neutralised in
every CSV written.

The CI default is a few seconds per reader. Fuzz longer with::

    ORGNET_FUZZ_SECONDS=600 .venv/bin/pytest tests/fuzz        # ~600 s per test
    .venv/bin/python -m tests.fuzz --seconds 600                # the same

A failure prints the smallest input hypothesis found (``Falsifying example``).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import resource
import shutil
import signal
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgnet.connectors import READERS
from orgnet.connectors.base import InputError, ReadResult
from orgnet.events import EventSchemaError, validate
from orgnet.pipeline import RunOptions, run

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
        return time.monotonic() - self.start > SECONDS


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


def check_read(reader: str, path: Path) -> ReadResult | Exception:
    """Read ``path``: a valid result or an expected error, in bounded time and memory; anything else fails."""
    before = _peak_rss_mb()
    try:
        with _time_limit(TIME_LIMIT_S):
            result = READERS[reader].read(path)
    except EXPECTED as exc:
        assert str(exc).strip(), "an input error must say what is wrong"
        return exc
    finally:
        grown = _peak_rss_mb() - before
        assert grown < MEMORY_LIMIT_MB, f"{reader}: reading grew memory by {grown:.0f} MB"
    assert isinstance(result, ReadResult)
    validate(result.events)
    assert all(int(v) >= 0 for v in result.records_skipped.values())
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

