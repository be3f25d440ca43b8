"""The command line's one error boundary: input errors exit 2 with one line, bugs exit 1 asking for a report.

No traceback reaches a user unless ``--debug`` (or ``ORGNET_DEBUG=1``) asks for it.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from click.testing import CliRunner

from orgnet.cli import main
from orgnet.connectors.base import InputError


@pytest.fixture
def edges(tmp_path: Path) -> Path:
    p = tmp_path / "e.csv"
    p.write_text("actor,target\nana,ben\nben,cy\n")
    return p


def _analyze_raising(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise exc

    monkeypatch.setattr("orgnet.cli.analyze.run", boom)


def test_input_error_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch, edges: Path, tmp_path: Path) -> None:
    _analyze_raising(monkeypatch, InputError("a.json", "field 'members' should be a list, found int", 3))
    result = CliRunner().invoke(main, ["analyze", str(edges), "--out", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert result.output.strip() == "error: a.json, record 3: field 'members' should be a list, found int"


def test_full_disk_names_the_file(monkeypatch: pytest.MonkeyPatch, edges: Path, tmp_path: Path) -> None:
    _analyze_raising(monkeypatch, OSError(errno.ENOSPC, "No space left on device", "/r/people.csv"))
    result = CliRunner().invoke(main, ["analyze", str(edges), "--out", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert result.output.strip() == "error: /r/people.csv: No space left on device"


def test_a_bug_asks_for_a_report_without_a_traceback(monkeypatch: pytest.MonkeyPatch, edges: Path,
                                                      tmp_path: Path) -> None:
    _analyze_raising(monkeypatch, KeyError("oops"))
    result = CliRunner().invoke(main, ["analyze", str(edges), "--out", str(tmp_path / "r")])
    assert result.exit_code == 1
    assert "orgnet hit a bug: KeyError" in result.output and "--debug" in result.output
    assert "Traceback" not in result.output


def test_a_library_value_error_is_a_bug_not_an_input_error(monkeypatch: pytest.MonkeyPatch, edges: Path,
                                                           tmp_path: Path) -> None:
    import numpy as np

    def boom(*args: object, **kwargs: object) -> None:
        np.zeros(2).reshape(3)  # a ValueError raised inside numpy: not the input's fault

    monkeypatch.setattr("orgnet.cli.analyze.run", boom)
    result = CliRunner().invoke(main, ["analyze", str(edges), "--out", str(tmp_path / "r")])
    assert result.exit_code == 1 and "hit a bug: ValueError" in result.output


@pytest.mark.parametrize("how", ["option", "environment"])
def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch, edges: Path, tmp_path: Path, how: str) -> None:
    _analyze_raising(monkeypatch, KeyError("oops"))
    args = ["analyze", str(edges), "--out", str(tmp_path / "r")]
    if how == "option":
        result = CliRunner().invoke(main, ["--debug", *args])
    else:
        result = CliRunner().invoke(main, args, env={"ORGNET_DEBUG": "1"})
    assert result.exit_code == 1
    assert "Traceback" in result.output and "KeyError" in result.output


def test_usage_errors_keep_clicks_wording(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["analyze", "--out", str(tmp_path / "r")])
    assert result.exit_code == 2 and "give the exports to read" in result.output
