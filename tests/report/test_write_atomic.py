"""Report writing killed mid-way, run twice at once, or over a user's files: nothing with names left behind, nothing lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from orgnet.findings import analyze
from orgnet.report import write_report
from orgnet.report.files import MANIFEST, ReportBusyError, report_lock
from orgnet.synthetic import toy_org

# A run that writes an earlier report, then starts a new one: it writes the worker hand-off
# (findings with every name, as the report's workers get it) and stops in the middle of the
# report's tables, where the test kills it.
SCRIPT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import orgnet.report as report
    from orgnet import _parallel
    from orgnet.findings import analyze
    from orgnet.synthetic import toy_org

    out, ready = Path(sys.argv[1]), Path(sys.argv[2])
    org = toy_org()
    findings = analyze(org.events, directory=org.directory)
    if not out.exists():
        report.write_report(findings, out)
    original = report.write_data

    def slow_data(f, stage, max_json_people):
        files = original(f, stage, max_json_people)
        _parallel.Once(f).__reduce__()  # the hand-off to workers: a pickle of the findings
        ready.write_text("writing")
        time.sleep(120)
        return files

    report.write_data = slow_data
    report.write_report(findings, out)
""")


def _leftovers(folder: Path, tmp: Path) -> list[str]:
    return sorted([p.name for p in folder.iterdir() if p.name.startswith(".")]
                  + [p.name for p in tmp.glob("orgnet-shared-*")])


def _start(out: Path, tmp: Path) -> subprocess.Popen[bytes]:
    ready = out.parent / "ready"
    env = {**os.environ, "TMPDIR": str(tmp)}
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(out), str(ready)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(1200):  # up to two minutes on a loaded machine (no timing is asserted)
        if ready.exists() or proc.poll() is not None:
            break
        time.sleep(0.1)
    assert ready.exists(), proc.stderr.read().decode() if proc.poll() is not None else "never got there"
    return proc


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killed_run_leaves_the_earlier_report_and_next_run_cleans(tmp_path: Path, monkeypatch, sig) -> None:
    work, tmp = tmp_path / "work", tmp_path / "tmp"
    work.mkdir()
    tmp.mkdir()
    out = work / "report"
    proc = _start(out, tmp)
    earlier = (out / "findings.json").read_bytes()
    proc.send_signal(sig)
    proc.communicate(timeout=120)  # and its pipe closed
    assert (out / "findings.json").read_bytes() == earlier  # the earlier report is still there, whole
    names = set(toy_org().directory["name"])
    left = _leftovers(work, tmp)
    if sig == signal.SIGKILL:
        # Killed outright: its staging folder and hand-off stay (nothing can run in a killed process) ...
        assert any(n.endswith(".partial") for n in left) and any(n.startswith("orgnet-shared-") for n in left)
        blob = b"".join(p.read_bytes() for p in tmp.rglob("*") if p.is_file())
        assert any(n.encode() in blob for n in names)  # ... and they hold names: the next run must remove them
    else:
        assert left == [], left  # SIGTERM: cleaned up by the run itself
    # The next run on the same --out.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    org = toy_org()
    write_report(analyze(org.events, directory=org.directory), out)
    assert _leftovers(work, tmp) == []
    outside = [p for p in [*work.rglob("*"), *tmp.rglob("*")] if p.is_file() and out not in p.parents
               and p.name != "ready"]
    assert outside == []
    assert (out / MANIFEST).is_file() and (out / "findings.json").is_file()


def test_second_run_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    org = toy_org()
    findings = analyze(org.events, directory=org.directory)
    out = tmp_path / "report"
    code = textwrap.dedent("""
        import sys, time
        from orgnet.report.files import report_lock
        with report_lock(sys.argv[1]):
            print("held", flush=True)
            time.sleep(60)
    """)
    holder = subprocess.Popen([sys.executable, "-c", code, str(out)], stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
        with pytest.raises(ReportBusyError, match=f"process {holder.pid}.*another folder for --out"):
            write_report(findings, out)
    finally:
        holder.kill()
        holder.communicate()
    assert not out.exists()
    write_report(findings, out)  # the holder is gone: its lock went with it
    with report_lock(out), report_lock(out):  # re-entrant within one process
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_files_a_user_added_are_never_deleted(tmp_path: Path) -> None:
    org = toy_org()
    findings = analyze(org.events, directory=org.directory)
    out = write_report(findings, tmp_path / "report")
    listed = set((out / MANIFEST).read_text().splitlines())
    assert "findings.json" in listed and "index.html" in listed
    (out / "my-notes.txt").write_text("notes for the board")
    with pytest.raises(FileExistsError, match="my-notes.txt"):
        write_report(findings, out)
    assert (out / "my-notes.txt").read_text() == "notes for the board"
    (out / "my-notes.txt").unlink()
    write_report(findings, out)  # the report's own files only: replaced
