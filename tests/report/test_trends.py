"""Trends you can trust: a partial last month is marked and left out of the headline change, and a
change is reported only when it is larger than its uncertainty."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from orgnet.events import events_from_frame
from orgnet.findings import AnalysisOptions, Findings, analyze


def _org() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Big (20 people) talks to Other in January and only inside in March; Tiny (2) does the same
    on one tie each month. Both E-I indices fall from +1 to -1; the data ends on 4 April."""
    big = [f"b{i}" for i in range(20)]
    other = [f"o{i}" for i in range(20)]
    tiny = ["t0", "t1"]
    rows = []

    def day(month: int, d: int) -> pd.Timestamp:
        return pd.Timestamp(2025, month, d, 10, tz="UTC")

    for d in range(1, 29):
        for i in range(20):
            rows.append((day(1, d), big[i], other[(i + d) % 20]))           # Big: outside in January
            rows.append((day(2, d), big[i], other[i] if d % 2 else big[(i + 1) % 20]))
            rows.append((day(3, d), big[i], big[(i + d) % 20 or 1]))        # Big: inside in March
            for m in (1, 2, 3):
                rows.append((day(m, d), other[i], other[(i + d) % 20 or 1]))
    rows += [(day(1, 5), "t0", "o3"), (day(2, 5), "t1", "o4"), (day(3, 5), "t0", "t1")]
    rows += [(day(4, d), other[d], other[d + 1]) for d in range(1, 5)]     # 4 days of April: partial
    ev = pd.DataFrame(rows, columns=["ts", "actor", "target"])
    ev = ev[ev["actor"] != ev["target"]]
    ev["kind"] = "reply"
    people = big + other + tiny
    directory = pd.DataFrame({"person": people, "name": [p.upper() for p in people],
                              "department": ["Big"] * 20 + ["Other"] * 20 + ["Tiny"] * 2})
    return ev.reset_index(drop=True), directory


@pytest.fixture(scope="module")
def findings() -> Findings:
    ev, directory = _org()
    return analyze(events_from_frame(ev), directory=directory, options=AnalysisOptions(by="month", workers=1))


def test_partial_last_month_is_marked_and_not_compared(findings: Findings) -> None:
    per = findings.periods
    assert per is not None
    assert per.table["period"].tolist() == ["2025-01", "2025-02", "2025-03", "2025-04"]
    assert per.table["partial"].tolist() == [False, False, False, True]
    assert per.compared == ("2025-01", "2025-03")


def test_only_a_change_larger_than_its_uncertainty_is_reported(findings: Findings) -> None:
    per = findings.periods
    assert per is not None
    dept = findings.groups.by_kind["department"]
    labels = [dept.label(int(c)) for c in per.changes["more_inward"]]
    ei = per.ei_index
    big, tiny = (int(np.flatnonzero(dept.labels == name)[0]) for name in ("Big", "Tiny"))
    # Both fell from +1 to -1 (a fall far beyond the 0.3 rule) ...
    for code in (big, tiny):
        assert ei.loc["2025-01", code] == pytest.approx(1.0) and ei.loc["2025-03", code] == pytest.approx(-1.0)
    # ... but Tiny's rests on one tie a month: within chance. Big (and Other, whose January ties
    # were Big's) rest on hundreds: they turned inward.
    assert "Big" in labels and "Other" in labels and "Tiny" not in labels


def test_page_marks_the_partial_month_and_compares_complete_ones(findings: Findings, tmp_path: Path) -> None:
    from orgnet.report import write_report

    out = write_report(findings, tmp_path / "report")
    html = (out / "index.html").read_text()
    trends = html[html.index('<section id="trends">'):]
    trends = trends[:trends.index("</section>")]
    assert "2025-04 (partial)" in trends
    assert re.search(r"2025-04: partial \(the data covers only part of it\): drawn hollow, left out of the changes",
                     trends)
    assert trends.count('class="partial"') == 5  # one hollow dot per small chart
    t = findings.periods.table  # type: ignore[union-attr]
    jan, mar, apr = (int(t.loc[t["period"] == p, "events"].iat[0]) for p in ("2025-01", "2025-03", "2025-04"))
    events = trends[trends.index("<h3>Events</h3>"):]
    headline = re.search(r'class="figure-note headline">([^<]*)<b>([^<]*)</b> \(([^)]*)\)', events)
    assert headline is not None
    assert headline.group(1).strip() == f"{jan:,} →" and headline.group(2) == f"{mar:,}"
    assert headline.group(3) == "2025-01 to 2025-03"
    assert f"→ <b>{apr:,}</b>" not in trends  # the partial April is never the headline
    inward = re.search(r"<li>([^<]*turned inward[^<]*)</li>", trends)
    assert inward is not None and inward.group(1).endswith(": Big, Other")
    doc = json.loads((out / "findings.json").read_text())
    assert doc["periods"]["compared"] == ["2025-01", "2025-03"]
    assert sorted(doc["periods"]["changes"]["more_inward"]) == ["Big", "Other"]
    assert doc["periods"]["periods"][2]["ei_ties"]["Tiny"] == 1
