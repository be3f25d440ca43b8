"""A hidden department leaves no trace through the names of other things: teams, titles, channels.

The bundled example organisation names its teams after their department ("Workplace Experience
Cobalt"), gives heads titles such as "Head of Workplace Experience", and has department channels
("dept-workplace-experience"). With the command line's defaults (``--min-group-size 5``) its
smallest departments are hidden; no output byte may then hold their names, in any spelling.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from orgnet.cli import main
from orgnet.privacy.suppression import suppressed_groups

EXAMPLE = Path(__file__).resolve().parents[2] / "datasets" / "synthetic" / "example"

pytestmark = pytest.mark.slow


def _spellings(label: str) -> re.Pattern[str]:
    # Any case, any separators ("dept-workplace-experience"); a whole name ("Executive Office",
    # not the title "Chief Executive Officer").
    words = [re.escape(w) for w in re.split(r"[\W_]+", label) if w]
    return re.compile(r"(?<![^\W_])" + r"[\W_]+".join(words) + r"(?![^\W_])", re.IGNORECASE)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hidden") / "report"
    res = CliRunner().invoke(main, ["analyze", str(EXAMPLE), "--directory", str(EXAMPLE / "directory.csv"),
                                    "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


def test_hidden_departments_are_named_nowhere(report: Path) -> None:
    directory = pd.read_csv(EXAMPLE / "directory.csv")
    hidden = suppressed_groups(directory["department"].value_counts(), 5)
    assert hidden, "the example must have departments under 5 people for this test to mean anything"
    # The example really does name them elsewhere (else the test would pass on nothing).
    assert directory["team"].str.contains(hidden[-1], regex=False).any()
    shown = [d for d in directory["department"].unique() if d not in hidden]
    text = {p.relative_to(report): p.read_bytes().decode("utf-8", errors="replace")
            for p in report.rglob("*") if p.is_file() and p.suffix != ".png"}
    for label in hidden:
        pattern = _spellings(label)
        leaks = [str(name) for name, body in text.items() if pattern.search(body)]
        assert not leaks, f"{label!r} found in {leaks}"
    # A team as small as a hidden department is hidden too (it would show the same people).
    teams = directory["team"].value_counts()
    for team in suppressed_groups(teams, 5):
        leaks = [str(name) for name, body in text.items() if _spellings(team).search(body)]
        assert not leaks, f"team {team!r} found in {leaks}"
    # The departments large enough to show are still there: the search looked at a real report.
    assert all(_spellings(d).search(text[Path("index.html")]) for d in shown[:3])
